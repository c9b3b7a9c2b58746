/**
 * `effect` entries: what followed a click within its window (decisions §23) — a DOM mutation
 * outside cxkit's host, a URL change, a scroll, a focus move, a new window or tab. Each click
 * opens a window of `ms` (a later click restarts it) in which each kind is reported once; the
 * MutationObserver is connected only while a window is open, so an idle page costs nothing.
 */
import { type Context, hidden, on, safe } from "./listen.js";

export interface Effects {
  /** A click was reported: (re)open the window. */
  clicked: () => void;
  /** Something of `kind` happened: reported if a window is open and it is new in it. */
  note: (kind: string) => void;
}

export function startEffects({ options, emit, stops }: Context, ms: number): Effects {
  const own = options.isOwnNode;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seen = new Set<string>();
  /** The element focused when the window opened: focus coming back to it is no move. */
  let focused: Element | null = null;
  /** Set from a mouse press or a Tab until the next task: the focus move it makes is the
   * visitor's (the next click, already), not an effect of the click before. */
  let user = false;
  const byUser = () => {
    user = true;
    setTimeout(() => (user = false));
  };
  const note = (kind: string) => {
    if (timer !== undefined && !seen.has(kind)) {
      seen.add(kind);
      emit("effect", { kind });
    }
  };
  // Inserting or removing cxkit's host is cxkit's, not the page's.
  const ours = (record: MutationRecord) => own(record.target) ||
    (record.type === "childList" && [...record.addedNodes, ...record.removedNodes].every(own));
  const mutated = (records: MutationRecord[]) => records.every(ours) || note("mutation");
  const observer = new MutationObserver(safe(mutated));
  const close = () => {
    clearTimeout(timer);
    if (timer !== undefined) mutated(observer.takeRecords());
    observer.disconnect();
    timer = undefined;
  };
  stops.push(
    close,
    on(window, "scroll", () => note("scroll")),
    on(document, "mousedown", byUser),
    on<KeyboardEvent>(document, "keydown", ({ key }) => key === "Tab" && byUser()),
    on(document, "focusin", ({ target }) => !user && target !== focused && !own(target as Node) && note("focus")),
    on(window, "blur", () => note("window"), false),
    on(document, "visibilitychange", () => hidden() && note("window")),
  );
  return {
    clicked() {
      if (timer === undefined) observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      clearTimeout(timer);
      timer = setTimeout(safe(close), ms);
      seen = new Set();
      focused = document.activeElement;
    },
    note,
  };
}

/**
 * The one `pushState` / `replaceState` patch of a page, shared by every copy of cxkit on it.
 *
 * The patch lives on `history` under `Symbol.for("cxkit.history")`, so a second copy (a tag
 * and an npm build, two versions) finds it and adds a listener instead of wrapping the
 * wrapper: each history call is told once to each listener. The last listener to leave puts
 * the original functions back — if the page has not wrapped ours since; then the patch stays,
 * inert, for the next copy to reuse. Its shape is a contract between versions: keep it.
 */

/** The kind of history call, as a `view` entry's `nav` names it. */
export type HistoryNav = "push" | "replace";

interface Patch {
  /** The listeners, one per running capture. */
  l: Set<(nav: HistoryNav) => void>;
  /** Above 0 while cxkit makes its own `replaceState` call, which listeners are not told of. */
  own: number;
  /** Puts the originals back, if ours are still the page's. */
  undo: () => void;
}

const KEY = Symbol.for("cxkit.history");

type Patched = History & { [KEY]?: Patch };

function install(): Patch {
  const patch: Patch = { l: new Set(), own: 0, undo: () => undefined };
  const { pushState, replaceState } = history;
  const wrap = (original: History["pushState"], nav: HistoryNav) =>
    function (this: History, ...args: Parameters<History["pushState"]>) {
      const result = original.apply(this, args);
      if (!patch.own) {
        for (const listener of patch.l) {
          try {
            listener(nav);
          } catch {
            // A listener's failure must not become the page's: its history call succeeded.
          }
        }
      }
      return result;
    };
  const push = (history.pushState = wrap(pushState, "push"));
  const replace = (history.replaceState = wrap(replaceState, "replace"));
  patch.undo = () => {
    if (history.pushState !== push || history.replaceState !== replace) return;
    history.pushState = pushState;
    history.replaceState = replaceState;
    delete (history as Patched)[KEY];
  };
  (history as Patched)[KEY] = patch;
  return patch;
}

/** Calls `listener` after each `pushState` / `replaceState` of the page; returns its removal. */
export function listenHistory(listener: (nav: HistoryNav) => void): () => void {
  const patch = (history as Patched)[KEY] ?? install();
  patch.l.add(listener);
  return () => {
    patch.l.delete(listener);
    if (!patch.l.size) patch.undo();
  };
}

/** Marks the next history.replaceState as cxkit's own (decisions §27: ignored). */
export function ownReplaceState(state: unknown, url: string): void {
  const patch = (history as Patched)[KEY];
  if (patch) patch.own++;
  try {
    history.replaceState(state, "", url);
  } finally {
    if (patch) patch.own--;
  }
}

/**
 * `view` entries (hard load, prerender activation, history changes, back/forward cache) and
 * `visible`: how long the current page view has been visible.
 */
import { listenHistory } from "./history.js";
import { type Context, hidden, now, on, type Props } from "./listen.js";

/**
 * Reports page views with the raw URL and title; the core decides which are new views. A
 * history change that leaves the URL as it was (or moves only its hash, without `trackHash`)
 * is not reported, so a page calling `replaceState` on every scroll does not flood the buffer.
 * `moved` hears of every change of `location.href`, hash included (a click's `url` effect).
 */
export function startViews({ options, emit, stops, fresh }: Context, moved: () => void): void {
  const report = options.pageViews;
  const key = () => (options.trackHash ? location.href : location.href.split("#")[0]);
  let href = location.href;
  let last = key();
  /** Visible time of this view up to `since`, and when it last became visible (−1: hidden). */
  let shown = 0;
  let since = -1;
  const visible = () => shown + (since < 0 ? 0 : now() - since);
  const showing = () => {
    if (since < 0 && !hidden()) since = now();
  };
  const view = (nav: string) => {
    href = location.href;
    last = key();
    const hard = nav === "load" || nav === "activate";
    if (!hard) {
      if (report) emit("visible", { ms: visible() });
      shown = 0;
      since = -1;
      fresh.forEach((reset) => reset());
    }
    showing();
    const props: Props = { url: href, title: document.title, nav };
    if (hard) props.ref = document.referrer;
    if (report) emit("view", props);
  };
  const changed = (nav: string) => {
    if (location.href === href) return;
    href = location.href;
    moved();
    if (key() !== last) view(nav);
  };
  stops.push(
    listenHistory(changed),
    on(window, "popstate", () => changed("pop")),
    on(window, "hashchange", () => changed("hash")),
    on<PageTransitionEvent>(window, "pageshow", (event) => event.persisted && view("restore")),
    on(document, "visibilitychange", () => {
      if (!hidden()) return showing();
      shown = visible();
      since = -1;
      if (report) emit("visible", { ms: shown });
    }),
  );
  if ((document as Document & { prerendering?: boolean }).prerendering) {
    stops.push(on(document, "prerenderingchange", () => view("activate")));
  } else {
    view("load");
  }
}

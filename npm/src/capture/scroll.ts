/**
 * `scroll` entries: the first time the bottom of the viewport reaches each step of
 * `SCROLL_STEP_PERCENT` (25, 50, 75 and 100 %) of the document's height in this page view. Read only on a scroll of the page, at most once a
 * frame; a page that never scrolls (one that fits the viewport) reports none.
 */
import { SCROLL_STEP_PERCENT } from "../contract.js";
import { type Context, on, safe } from "./listen.js";

/** Slack at the bottom, in CSS px: zoom and fractional scroll positions stop short of it. */
const SLACK_PX = 2;

export function startScroll({ emit, stops, fresh }: Context): void {
  let reached = 0;
  let frame = 0;
  const measure = safe(() => {
    frame = 0;
    const height = Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0);
    const depth = ((Math.ceil(scrollY) + innerHeight + SLACK_PX) * 100) / height;
    while (reached < 100 && depth >= reached + SCROLL_STEP_PERCENT) emit("scroll", { depth: (reached += SCROLL_STEP_PERCENT) });
  });
  // Not capturing: a scroll inside an element does not reach the window's bubbling listeners.
  stops.push(on(window, "scroll", () => (frame ||= requestAnimationFrame(measure)), false), () => cancelAnimationFrame(frame));
  fresh.push(() => (reached = 0));
}

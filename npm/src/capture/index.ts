/**
 * The browser side of the tracker: observes the page and pushes raw entries
 * `[kind, props, mono]` (docs/tracker.md, "Raw entries"). It never decides anything — the
 * core classifies, redacts and scores — and it never reads a form field's value.
 *
 * One module per concern: views (+ history, the patch copies share), clicks (+ descriptor),
 * effects, forms, scroll, errors, vitals, visibility. Every listener is passive and cannot
 * throw into the page; the function `startCapture` returns removes all of them.
 */
import { startClicks } from "./clicks.js";
import { startEffects } from "./effects.js";
import { startErrors } from "./errors.js";
import { startForms } from "./forms.js";
import { type Context, now } from "./listen.js";
import { startScroll } from "./scroll.js";
import { startViews } from "./views.js";
import { startVisibility } from "./visibility.js";
import { startVitals } from "./vitals.js";

export { ownReplaceState } from "./history.js";

export type RawEntry = [kind: string, props: Record<string, string | number>, mono: number];

export interface CaptureOptions {
  pageViews: boolean;
  clicks: boolean;
  allClicks: boolean;
  forms: boolean;
  scroll: boolean;
  errors: boolean;
  vitals: boolean;
  trackHash: boolean;
  /** The element cxkit renders into (the survey host): clicks in it and mutations of it are not the page's. */
  isOwnNode: (node: Node) => boolean;
  /** How long after a click its effects are watched, in ms: the core's dead-click window (`Core.effectMs()`). */
  effectMs: number;
}

/** Starts observing; returns a function that removes every listener, observer and history patch. */
export function startCapture(options: CaptureOptions, push: (entry: RawEntry) => void): () => void {
  const context: Context = { options, emit: (kind, props = {}) => push([kind, props, now()]), stops: [], fresh: [] };
  // Listeners run in the order they were added, so a hide pushes its vitals, then `visible`, then `hide`.
  if (options.vitals) startVitals(context);
  if (options.errors) startErrors(context);
  if (options.forms) startForms(context);
  if (options.scroll) startScroll(context);
  const effects = options.clicks ? startEffects(context, options.effectMs) : undefined;
  if (effects) startClicks(context, effects.clicked);
  startViews(context, () => effects?.note("url"));
  startVisibility(context);
  return () => context.stops.splice(0).forEach((stop) => stop());
}

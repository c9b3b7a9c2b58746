/**
 * `vital` entries, once per document (decisions §25): TTFB and FCP once the page has loaded,
 * LCP when it is final (the first key press or click, or the first hide), CLS and INP at the
 * first hide. A browser that lacks an entry type (`PerformanceObserver.supportedEntryTypes`)
 * never gets that vital: an absence, never a 0. Times are ms from the page's activation
 * (prerendered pages) or navigation start, rounded; CLS keeps 4 decimals. The definitions are
 * web-vitals' (github.com/GoogleChrome/web-vitals, src/onLCP.ts, onCLS.ts, onINP.ts).
 */
import { label } from "./descriptor.js";
import { type Context, hidden, on, type Props, put, round, safe } from "./listen.js";

/** Entry types and members newer than TypeScript's DOM library. */
interface LayoutShift extends PerformanceEntry {
  value: number;
  hadRecentInput: boolean;
  sources?: ReadonlyArray<{ node: Node | null }>;
}
type EventTiming = PerformanceEventTiming & { interactionId?: number };
type Prerendering = Document & { prerendering?: boolean };

/** The event timing threshold web-vitals uses for INP (the spec's default is 104 ms). */
const EVENT_THRESHOLD_MS = 40;
/** CLS session windows: a gap of 1 s ends one, and none lasts over 5 s. */
const SHIFT_GAP_MS = 1000;
const SHIFT_WINDOW_MS = 5000;
/** INP is the worst interaction, less one for each 50 the page had (about the 98th percentile). */
const INTERACTIONS_PER_SKIP = 50;
const KEPT_INTERACTIONS = 10;

/** Vitals this copy of cxkit pushed in this document: a restarted capture does not repeat them. */
const reported = new Set<string>();

export function startVitals({ emit, stops }: Context): void {
  const supported = (typeof PerformanceObserver === "function" && PerformanceObserver.supportedEntryTypes) || [];
  const navigation = supported.includes("navigation")
    ? (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming & { activationStart?: number } | undefined)
    : undefined;
  const ms = (time: number) => Math.max(0, round(time - (navigation?.activationStart ?? 0)));
  const prerendering = () => (document as Prerendering).prerendering;
  /** When the page was first hidden: what it paints after that is not what the visitor saw. */
  let hiddenAt = hidden() && !prerendering() ? 0 : Infinity;
  const report = (name: string, value: number | undefined, attribution: Props = {}) => {
    if (value === undefined || reported.has(name)) return;
    reported.add(name);
    emit("vital", put({ name, value }, attribution));
  };
  /** Observes `type`, if the browser has it; returns a function that takes what is pending. */
  const observe = <E extends PerformanceEntry>(type: string, fn: (entries: E[]) => void, options?: object) => {
    if (!supported.includes(type)) return undefined;
    const handle = safe(fn);
    const observer = new PerformanceObserver((list) => handle(list.getEntries() as E[]));
    observer.observe({ type, buffered: true, ...options });
    stops.push(() => observer.disconnect());
    return () => handle(observer.takeRecords() as E[]);
  };

  // TTFB and FCP: once loaded (and activated, for a prerendered page).
  let loaded = false;
  let fcp: number | undefined;
  const load = () => {
    if (document.readyState !== "complete" || prerendering()) return;
    loaded = true;
    if (navigation && navigation.responseStart > 0) report("TTFB", ms(navigation.responseStart));
    report("FCP", fcp);
  };
  observe<PerformancePaintTiming>("paint", (entries) => {
    for (const entry of entries) if (entry.name === "first-contentful-paint" && entry.startTime < hiddenAt) fcp = ms(entry.startTime);
    if (loaded) report("FCP", fcp);
  });

  // LCP: the latest candidate until the first input or hide.
  let lcp: LargestContentfulPaint | undefined;
  let lcpFinal = false;
  const takeLcp = observe<LargestContentfulPaint>("largest-contentful-paint", (entries) => {
    for (const entry of entries) if (!lcpFinal && entry.startTime < hiddenAt) lcp = entry;
  });
  const finalLcp = () => {
    takeLcp?.();
    lcpFinal = true;
    if (lcp) report("LCP", ms(lcp.startTime), { element: label(lcp.element), url: lcp.url });
  };

  // CLS: the largest session window of shifts the visitor's input did not cause.
  let cls = 0;
  /** The session window: its sum, first and last shift, and its largest shift. */
  let sum = 0;
  let first = 0;
  let previous = -Infinity;
  let largest: LayoutShift | undefined;
  /** The largest shift of the largest window. */
  let worst: LayoutShift | undefined;
  const takeShifts = observe<LayoutShift>("layout-shift", (entries) => {
    for (const entry of entries) {
      if (entry.hadRecentInput) continue;
      const { startTime, value } = entry;
      if (startTime - previous < SHIFT_GAP_MS && startTime - first < SHIFT_WINDOW_MS) {
        sum += value;
        if (value > (largest?.value ?? 0)) largest = entry;
      } else {
        sum = value;
        first = startTime;
        largest = entry;
      }
      previous = startTime;
      if (sum > cls) {
        cls = sum;
        worst = largest;
      }
    }
  });

  // INP: the longest interactions. An interaction's events (pointerdown, pointerup, click) end
  // in the same frame: its value and name are its longest event's, and its split spans them all
  // (web-vitals' attribution: the handlers of every event are its processing).
  interface Interaction {
    id: number;
    longest: EventTiming;
    start: number;
    processingStart: number;
    processingEnd: number;
  }
  const interactions: Interaction[] = [];
  const interacted = (entries: EventTiming[]) => {
    for (const entry of entries) {
      const id = entry.interactionId;
      if (!id) continue;
      const { startTime, processingStart, processingEnd } = entry;
      let kept = interactions.find((interaction) => interaction.id === id);
      if (!kept) interactions.push((kept = { id, longest: entry, start: startTime, processingStart, processingEnd }));
      if (entry.duration > kept.longest.duration) kept.longest = entry;
      kept.start = Math.min(kept.start, startTime);
      kept.processingStart = Math.min(kept.processingStart, processingStart);
      kept.processingEnd = Math.max(kept.processingEnd, processingEnd);
      interactions.sort((a, b) => b.longest.duration - a.longest.duration).splice(KEPT_INTERACTIONS);
    }
  };
  const takeEvents = observe<EventTiming>("event", interacted, { durationThreshold: EVENT_THRESHOLD_MS });
  const takeFirst = observe<EventTiming>("first-input", interacted);

  const hide = () => {
    hiddenAt = Math.min(hiddenAt, performance.now());
    load();
    finalLcp();
    if (takeShifts) {
      takeShifts();
      report("CLS", round(cls * 1e4) / 1e4, { target: label(worst?.sources?.find((source) => source.node?.nodeType === 1)?.node as Element) });
    }
    takeEvents?.();
    takeFirst?.();
    // Where the browser does not count interactions (interactionCount), the worst one.
    const count = (performance as Performance & { interactionCount?: number }).interactionCount ?? 0;
    const inp = interactions[Math.min(interactions.length - 1, Math.floor(count / INTERACTIONS_PER_SKIP))];
    if (inp) {
      const { longest, start, processingStart, processingEnd } = inp;
      report("INP", round(longest.duration), {
        type: longest.name,
        target: label(longest.target as Element | null),
        delay: round(processingStart - start),
        processing: round(processingEnd - processingStart),
        presentation: Math.max(0, round(start + longest.duration - processingEnd)),
      });
    }
  };
  const input = (event: Event) => event.isTrusted && finalLcp();
  stops.push(
    on(window, "load", load, false),
    on(document, "prerenderingchange", load),
    on(window, "keydown", input),
    on(window, "click", input),
    on(document, "visibilitychange", () => hidden() && hide()),
    on(window, "pagehide", hide),
  );
  load();
}

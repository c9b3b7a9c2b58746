/**
 * What every capture module shares: the context it starts with, the monotonic clock, and
 * listeners that never throw into the page.
 */
import type { CaptureOptions } from "./index.js";

/** The properties of a raw entry: flat, strings and numbers only. */
export type Props = Record<string, string | number>;

/** Undoes what a module set up. */
export type Stop = () => void;

/** What a module starts with. */
export interface Context {
  options: CaptureOptions;
  /** Pushes one raw entry of `kind`, stamped with {@link now}. */
  emit: (kind: string, props?: Props) => void;
  /** Where a module puts what undoes it: run in order by the capture's stop function. */
  stops: Stop[];
  /** Run at each new page view but the first (scroll depth and forms start over). */
  fresh: Array<() => void>;
}

export const round = Math.round;

/** The monotonic clock of every entry: whole milliseconds of `performance.now()`. */
export const now = (): number => round(performance.now());

/** Copies the non-empty members of `from` into `into`; returns `into`. */
export function put(into: Props, from: Props): Props {
  for (const key in from) if (from[key] !== "") into[key] = from[key];
  return into;
}

/** Whether the page is hidden now. */
export const hidden = (): boolean => document.visibilityState === "hidden";

/**
 * `fn`, made unable to throw: a failure loses one observation, and the page's own code (whose
 * event, history call or observer this runs in) never sees it.
 */
export function safe<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch {
      // Deliberately quiet: capture runs inside the page's events, and must never break them.
    }
  };
}

/**
 * Adds a passive listener (capturing unless `capture` is false) that never throws; returns its
 * removal. Passive: capture only watches, it never cancels an event.
 */
export function on<E extends Event>(target: EventTarget, type: string, fn: (event: E) => void, capture = true): Stop {
  const handler = safe(fn as (event: Event) => void);
  const options = { capture, passive: true };
  target.addEventListener(type, handler, options);
  return () => target.removeEventListener(type, handler, options);
}

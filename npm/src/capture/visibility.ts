/**
 * `hide` when the page becomes hidden, `leave` at `pagehide`. Never an `unload` listener: it
 * makes a page ineligible for the back/forward cache.
 */
import { type Context, hidden, on } from "./listen.js";

export function startVisibility({ emit, stops }: Context): void {
  stops.push(
    on(document, "visibilitychange", () => hidden() && emit("hide")),
    on(window, "pagehide", () => emit("leave")),
  );
}

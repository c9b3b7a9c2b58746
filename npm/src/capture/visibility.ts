/**
 * `hide` when the page becomes hidden, `show` when it is visible again (and `hidden` at start
 * when it loads hidden: the survey trigger counts visible time), `leave` at `pagehide`, `exit`
 * when the pointer leaves the viewport through its top edge (desktop exit intent). Never an
 * `unload` listener: it makes a page ineligible for the back/forward cache.
 */
import { type Context, hidden, on } from "./listen.js";

export function startVisibility({ emit, stops }: Context): void {
  if (hidden()) emit("hidden");
  stops.push(
    on(document, "visibilitychange", () => emit(hidden() ? "hide" : "show")),
    on(window, "pagehide", () => emit("leave")),
    on<MouseEvent>(document, "mouseout", (event) => !event.relatedTarget && event.clientY <= 0 && emit("exit")),
  );
}

/**
 * `error` entries: uncaught errors and unhandled rejections on the window. Strings are raw
 * (the core redacts them), cut to 1,000 characters.
 */
import { type Context, on } from "./listen.js";

const MAX_CHARS = 1000;

/** `String(value)`, cut; a value that cannot be made text (a null-prototype object) is "". */
function text(value: unknown): string {
  try {
    return String(value).slice(0, MAX_CHARS);
  } catch {
    return "";
  }
}

export function startErrors({ emit, stops }: Context): void {
  // Not capturing: a resource that failed to load fires `error` at its element without
  // bubbling, so only the window's own errors reach these listeners.
  stops.push(
    on<ErrorEvent>(window, "error", (event) => {
      if (event.target === window) {
        emit("error", { message: text(event.message), source: text(event.filename), line: event.lineno | 0, col: event.colno | 0, kind: "error" });
      }
    }, false),
    on<PromiseRejectionEvent>(window, "unhandledrejection", ({ reason }) => {
      emit("error", { message: text(reason instanceof Error ? reason.message : reason), kind: "rejection" });
    }, false),
  );
}

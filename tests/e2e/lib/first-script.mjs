// The script the page server puts first in every test page (issue 14): what Playwright's
// init scripts, `page.clock` and console / pageerror / request events gave on Chromium only,
// done by the page itself so every engine's driver gets the same. It records console.error
// lines, uncaught errors and rejections, and the requests cxkit makes (fetch and sendBeacon,
// passed through unchanged); it may install the fake clock and run a test's own first scripts.
import { fakeClockSource } from "./fake-clock.mjs";

/**
 * Runs in the page before any of its own scripts. Console lines are formatted as the
 * DevTools `text()` did (arguments joined by a space), errors as `String(error)`, so the
 * expected values of the Chromium-only tests stand unchanged.
 */
function recorder() {
  const seen = { consoleErrors: [], pageErrors: [], requests: [] };
  const error = console.error.bind(console);
  console.error = (...args) => {
    seen.consoleErrors.push(args.map(String).join(" "));
    error(...args);
  };
  window.addEventListener("error", (event) => seen.pageErrors.push(String(event.error ?? event.message)));
  window.addEventListener("unhandledrejection", (event) => seen.pageErrors.push(String(event.reason)));

  /** The body's bytes as numbers, copied at the call (the caller may reuse its buffer). */
  const bytesOf = (body) => {
    if (typeof body === "string") return Array.from(new TextEncoder().encode(body));
    if (body instanceof ArrayBuffer) return Array.from(new Uint8Array(body));
    if (ArrayBuffer.isView(body)) return Array.from(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    return body === undefined || body === null ? [] : null;
  };
  const { fetch } = window;
  window.fetch = function (input, init = {}) {
    const url = input instanceof Request ? input.url : String(input);
    seen.requests.push({ url: new URL(url, location.href).href, method: (init.method ?? "GET").toUpperCase(), body: bytesOf(init.body) });
    return fetch.call(this, input, init);
  };
  const beacon = navigator.sendBeacon?.bind(navigator);
  if (beacon) {
    navigator.sendBeacon = (url, body) => {
      seen.requests.push({ url: new URL(url, location.href).href, method: "POST", body: bytesOf(body) });
      return beacon(url, body);
    };
  }
  window.__cxHarness = { seen };
}

/**
 * The source of the first script: the recorder, then the fake clock when `clock` is given
 * (`{ now }`, paused there), then each of `scripts` (functions, called with no argument).
 */
export async function firstScript({ clock, scripts = [] } = {}) {
  const parts = [`(${recorder})();`];
  if (clock) parts.push(await fakeClockSource(clock));
  for (const script of scripts) parts.push(`(${script})();`);
  return parts.join("\n");
}

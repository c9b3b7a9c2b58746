// The script the page server puts first in every test page (issue 14): what Playwright's
// init scripts, `page.clock` and console / pageerror / request events gave on Chromium only,
// done by the page itself so every engine's driver gets the same. It records console.error
// lines, uncaught errors and rejections, and the requests cxkit makes (fetch and sendBeacon,
// passed through unchanged, each record saying which); it may install the fake clock and run
// a test's own first scripts.
import { fakeClockSource } from "./fake-clock.mjs";

/**
 * Runs in the page before any of its own scripts. Console lines are formatted as the
 * DevTools `text()` did (arguments joined by a space), errors as `String(error)`, so the
 * expected values of the Chromium-only tests stand unchanged. What a document recorded is
 * handed to the next document of the tab on the same origin (sessionStorage), so a reload or a
 * navigation, the test's or the page's own, loses nothing: errors as they come, requests at
 * pagehide (so a request made by a later pagehide listener of a document that navigates away
 * is not kept; the collector's record of attempts has it).
 */
function recorder() {
  const HANDOFF = "__cxHarness";
  const seen = { consoleErrors: [], pageErrors: [], requests: [] };
  let handOff = () => {};
  try {
    const earlier = JSON.parse(sessionStorage.getItem(HANDOFF)) ?? {};
    // Records too big for sessionStorage fail the scenario rather than vanish.
    if (earlier.lost) seen.pageErrors.push("harness: an earlier document's records did not fit in sessionStorage");
    else Object.assign(seen, earlier);
    handOff = () => {
      try {
        sessionStorage.setItem(HANDOFF, JSON.stringify(seen));
      } catch {
        sessionStorage.setItem(HANDOFF, JSON.stringify({ lost: true }));
      }
    };
    window.addEventListener("pagehide", handOff);
  } catch {
    // No sessionStorage (an opaque origin): this document's records only.
  }
  const record = (list, entry) => {
    list.push(entry);
    handOff();
  };
  const error = console.error.bind(console);
  console.error = (...args) => {
    record(seen.consoleErrors, args.map(String).join(" "));
    error(...args);
  };
  window.addEventListener("error", (event) => record(seen.pageErrors, String(event.error ?? event.message)));
  window.addEventListener("unhandledrejection", (event) => record(seen.pageErrors, String(event.reason)));

  /** The body's bytes as numbers, copied at the call (the caller may reuse its buffer). */
  const bytesOf = (body) => {
    if (typeof body === "string") return Array.from(new TextEncoder().encode(body));
    if (body instanceof ArrayBuffer) return Array.from(new Uint8Array(body));
    if (ArrayBuffer.isView(body)) return Array.from(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    return body === undefined || body === null ? [] : null;
  };
  /** One request's record; `via` is how it was made, "fetch" or "beacon" (DevTools' resource types "fetch" and "ping"). */
  const request = (via, url, method, init) => ({
    via, url: new URL(url, location.href).href, method, body: bytesOf(init.body), headers: Object.fromEntries(new Headers(init.headers ?? {})),
  });
  const { fetch } = window;
  window.fetch = function (input, init = {}) {
    const url = input instanceof Request ? input.url : String(input);
    seen.requests.push(request("fetch", url, (init.method ?? "GET").toUpperCase(), init));
    return fetch.call(this, input, init);
  };
  const beacon = navigator.sendBeacon?.bind(navigator);
  if (beacon) {
    navigator.sendBeacon = (url, body) => {
      seen.requests.push(request("beacon", url, "POST", { body }));
      return beacon(url, body);
    };
  }
  window.__cxHarness = { seen };
}

/**
 * The source of the first script: the recorder, then the fake clock when `clock` is given
 * (`{ now }`, paused there), then each of `scripts` (functions, called with no argument, or
 * sources).
 */
export async function firstScript({ clock, scripts = [] } = {}) {
  const parts = [`(${recorder})();`];
  if (clock) parts.push(await fakeClockSource(clock));
  for (const script of scripts) parts.push(typeof script === "string" ? script : `(${script})();`);
  return parts.join("\n");
}

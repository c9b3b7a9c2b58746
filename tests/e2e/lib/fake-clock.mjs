// The in-page fake clock (decisions §16): @sinonjs/fake-timers, bundled once for the browser,
// installed by the first script so Date, performance.now and the timers are fake before any
// page script runs, on every engine. Tests drive it through `page.clock` (lib/engine.mjs).
import { build } from "esbuild";

let bundle;

/** fake-timers as one browser script that defines `FakeTimers`; built on first use, then kept. */
async function fakeTimers() {
  bundle ??= build({
    stdin: { contents: 'globalThis.FakeTimers = require("@sinonjs/fake-timers");', resolveDir: import.meta.dirname },
    // `util` is reached only under Node (`_global.process && require("util")`), never in a page.
    bundle: true, format: "iife", platform: "browser", external: ["util"], minify: true, write: false, logLevel: "warning",
  }).then((result) => result.outputFiles[0].text);
  return bundle;
}

/**
 * The first-script part that installs the clock paused at `now` (a Date), as Playwright's
 * `clock.install` + `pauseAt` did: time moves only when the test runs it forward.
 */
export async function fakeClockSource({ now }) {
  return `${await fakeTimers()}
window.__cxHarness.clock = FakeTimers.withGlobal(window).install({ now: ${now.getTime()} });`;
}

/** The page side of `page.clock`: runs every timer due within `ms`, letting promises settle between them. */
export function runFor(ms) {
  return window.__cxHarness.clock.tickAsync(ms).then(() => undefined);
}

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
 * Idle callbacks on the fake clock as Playwright's clock has them (and earlier fake-timers
 * releases did): an ordinary timer, due once the page is idle, within 50 ms while other timers
 * are pending and at once otherwise, or by `timeout` if sooner. fake-timers 15 arms the timer
 * at `timeout` instead and runs it, when it is the only timer left, even past the end of the
 * tick under way (`firstTimerInRange` returns a lone idle callback whatever its time): the
 * clock jumps to its `timeout` while the callback and the promise jobs after it run, then goes
 * back to the tick's end. A page then sees a time past what `runFor` reached (issue 14: a
 * load round ran at the deadline of a stored wait during `runFor(1998)`, 2 ms before it).
 * `timeRemaining()` is 0: on a paused clock, a loop that works while time remains would never end.
 * Runs in the page after `install`; `clock` is the installed clock.
 */
function idleCallbacks(clock) {
  if (typeof window.requestIdleCallback !== "function") return; // Safari has none: nor does its page.
  window.requestIdleCallback = function requestIdleCallback(callback, options) {
    const idle = clock.countTimers() > 0 ? 50 : 0;
    const timeout = Number(options?.timeout) > 0 ? Number(options.timeout) : Infinity;
    const delay = Math.min(idle, timeout);
    const deadline = () => ({ didTimeout: delay === timeout, timeRemaining: () => 0 });
    return clock.setTimeout(() => callback(deadline()), delay);
  };
  window.cancelIdleCallback = function cancelIdleCallback(id) {
    clock.clearTimeout(id);
  };
}

/**
 * The first-script part that installs the clock paused at `now` (a Date), as Playwright's
 * `clock.install` + `pauseAt` did: time moves only when the test runs it forward.
 */
export async function fakeClockSource({ now }) {
  return `${await fakeTimers()}
window.__cxHarness.clock = FakeTimers.withGlobal(window).install({ now: ${now.getTime()} });
(${idleCallbacks})(window.__cxHarness.clock);`;
}

/** The page side of `page.clock`: runs every timer due within `ms`, letting promises settle between them. */
export function runFor(ms) {
  return window.__cxHarness.clock.tickAsync(ms).then(() => undefined);
}

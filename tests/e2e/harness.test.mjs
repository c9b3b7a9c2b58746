// The harness's own positive controls, on every engine: what the page reports (console
// errors, uncaught errors and rejections, requests) is seen, and the in-page fake clock moves
// Date, performance.now and timers only when the test runs it — so the suites that rely on
// them can fail.
import assert from "node:assert/strict";
import { describe } from "node:test";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

const { collector, pages, browser } = await useHarness();

describe("harness", () => {
  scenario("the page reports console errors, uncaught errors, rejections and requests, across a reload", async () => {
    const page = await browser.open(`${pages.origin}/test/init.html`);
    await page.evaluate(() => {
      console.error("before", 1);
      setTimeout(() => { throw new Error("uncaught"); });
      Promise.reject(new Error("rejected"));
    });
    await page.waitForFunction(() => window.__cxHarness.seen.pageErrors.length === 2);
    await page.reload();
    await page.evaluate((endpoint) => fetch(endpoint, { method: "POST", body: "abc", headers: { "X-Probe": "1" } }).catch(() => {}), collector.endpoint);
    await page.evaluate((endpoint) => navigator.sendBeacon(endpoint, "def"), collector.endpoint);
    await page.evaluate(() => console.error("after"));
    const { consoleErrors, pageErrors } = await page.errors();
    assert.deepEqual(consoleErrors, ["before 1", "after"]);
    assert.deepEqual(pageErrors.sort(), ["Error: rejected", "Error: uncaught"]);
    const requests = await page.requests(collector.origin);
    assert.deepEqual(requests.map((r) => [r.via, r.url, r.method, r.body.toString(), r.headers["x-probe"]]), [
      ["fetch", collector.endpoint, "POST", "abc", "1"], ["beacon", collector.endpoint, "POST", "def", undefined],
    ]);
    await page.close();
  });

  scenario("every page opened is visible, also once another is open (a hidden page is a visitor leaving, to cxkit)", async () => {
    const first = await browser.open(`${pages.origin}/test/init.html`);
    const second = await browser.open(`${pages.origin}/test/init.html`);
    for (const page of [first, second]) assert.equal(await page.evaluate(() => document.visibilityState), "visible");
    await second.close();
    await first.close();
  });

  scenario("the fake clock: a 1 s timer is absent at 999 ms and present at 1001 ms; Date and performance.now follow", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const page = await browser.open(`${pages.origin}/test/init.html`, { clock: { now } });
    await page.evaluate(() => {
      window.start = performance.now();
      setTimeout(() => { window.fired = true; }, 1000);
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await page.evaluate(() => Date.now()), now.getTime(), "paused: real time does not move it");
    await page.clock.runFor(999);
    assert.equal(await page.evaluate(() => window.fired ?? false), false, "absent at T − 1 ms");
    await page.clock.runFor(2);
    assert.equal(await page.evaluate(() => window.fired ?? false), true, "present at T + 1 ms");
    assert.deepEqual(await page.evaluate(() => [Date.now(), performance.now() - window.start]), [now.getTime() + 1001, 1001]);
    await page.close();
  });

  scenario("the fake clock never runs past runFor's end: an idle callback with a 2 s timeout, alone, does not see 2 s within runFor(1998)", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const page = await browser.open(`${pages.origin}/test/init.html`, { clock: { now } });
    const idle = await page.evaluate(() => {
      window.start = performance.now();
      window.seen = [];
      const look = (what) => window.seen.push([what, performance.now() - window.start, Date.now()]);
      // A 0 ms timer first: once it has run, the idle callback is the only one left.
      setTimeout(() => look("timer"), 0);
      if (typeof requestIdleCallback !== "function") return false;
      requestIdleCallback(() => look("idle"), { timeout: 2000 });
      return true;
    });
    await page.clock.runFor(1998);
    const seen = await page.evaluate(() => window.seen);
    for (const [what, elapsed, wall] of seen) {
      assert.ok(elapsed <= 1998 && wall <= now.getTime() + 1998, `${what} ran at ${elapsed} ms, past the end of runFor(1998): ${JSON.stringify(seen)}`);
    }
    assert.deepEqual(await page.evaluate(() => [Date.now(), performance.now() - window.start]), [now.getTime() + 1998, 1998]);
    await page.clock.runFor(4);
    // The idle callback ran by its timeout at the latest, and once.
    assert.deepEqual((await page.evaluate(() => window.seen)).map(([what]) => what), idle ? ["timer", "idle"] : ["timer"]);
    await page.close();
  });
});

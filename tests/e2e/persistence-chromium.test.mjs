// The persisted queue, the scenarios still on the Chromium-only path (lib/harness.mjs) until
// the engine-neutral harness can run them (issue 14): a renderer crash (the DevTools
// protocol's Page.crash) and a sandboxed frame (the harness drives top-level documents only).
// The rest of the persisted queue is persistence.test.mjs, on every engine.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { faultKit } from "./lib/faults.mjs";
import { startHarness } from "./lib/harness.mjs";

let harness, collector, pages, browser, kit;

before(async () => {
  harness = await startHarness(["--test-control"]);
  ({ collector, pages, browser } = harness);
  kit = faultKit(harness, "stored");
});

after(async () => {
  await harness?.stop();
});

afterEach(async () => {
  await browser.context.setOffline(false);
  await Promise.all(browser.context.pages().map((page) => page.close()));
});

const status = (page) => page.evaluate(() => window.cx.status());

/** Tracks `n` events named `name`, each with `note` characters of padding, in one task. */
function track(page, name, n, note = 0) {
  return page.evaluate(([name, n, note]) => {
    for (let i = 0; i < n; i++) window.cx.track(name, { i, note: "x".repeat(note) });
  }, [name, n, note]);
}

describe("the persisted queue", () => {
  test("the renderer crashes right after 50 events: nothing is lost, the next load adopts them once the lease lapses", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({ maxBatchAgeMs: 60_000 }, { clock: false });
    await track(page, "before_crash", 50);
    await eventually(async () => (await status(page)).stored === 50, "50 stored");
    const cdp = await browser.context.newCDPSession(page);
    const crashed = new Promise((resolve) => page.once("crash", resolve));
    void cdp.send("Page.crash").catch(() => {});
    await crashed;
    assert.equal((await collector.stats(siteId)).events, 0, "nothing was sent before the crash");
    // No pagehide ran, so the lease stays until it lapses: the next load comes 11 s later.
    const next = await kit.startCxkit({}, { siteId, clock: false, initScript: () => { const skew = 11_000; const now = Date.now; Date.now = () => now() + skew; } });
    await eventually(async () => (await collector.stats(siteId)).events === 50, "50 stored after the next load");
    assert.ok((await kit.attempts()).every((a) => a.reason === "load" || a.reason === "flush"), "sent by the adopting page load");
    await kit.assertAllStoredOnce(siteId, 50);
    await kit.finish(next.page, next.seen, siteId);
  });

  test("a sandboxed frame, where reading localStorage throws: cxkit works in memory, no uncaught error", async () => {
    await collector.script({});
    const page = await browser.context.newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    await page.goto(`${pages.origin}/test/sandboxed.html`);
    const frame = await eventually(() => page.frames().find((f) => f.url().includes("sandboxed-frame")), "the frame");
    await frame.waitForFunction(() => window.cxkit !== undefined);
    const result = await frame.evaluate(async () => {
      let storage = "readable";
      try {
        void localStorage.length;
      } catch (error) {
        storage = error.name;
      }
      const ready = await window.cxkit.ready;
      for (let i = 0; i < 5; i++) window.cxkit.track("sandboxed", { i });
      const flushed = await window.cxkit.flush();
      return { storage, ready, flushed, status: window.cxkit.status() };
    });
    assert.equal(result.storage, "SecurityError", "a real SecurityError");
    assert.deepEqual(result.ready, { ok: true });
    assert.equal(result.flushed.ok, true, JSON.stringify(result.flushed));
    assert.equal(result.status.stored, 0);
    await kit.assertAllStoredOnce("sandboxed", 5);
    assert.deepEqual(pageErrors, [], "no uncaught error");
    await page.close();
  });
});

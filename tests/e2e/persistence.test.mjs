// The persisted queue against the real collector: what a page that leaves, reloads, shares its
// origin with another tab, or has no storage at all does with its events. Each scenario checks
// unique events stored ÷ produced, duplicates, redeliveries (at most the events sent at hide),
// no uncaught error, and ends by delivering one more event. Time is real here, but for one
// test on the in-page fake clock; "offline" is the collector answering network errors.
import assert from "node:assert/strict";
import { after, afterEach, before, describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { launchEngine } from "./lib/engine.mjs";
import { faultKit } from "./lib/faults.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

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
  await browser.closePages();
});

const status = (page) => page.evaluate(() => window.cx.status());

/** Runs `steps` with a browser of its own: a keepalive quota no earlier page of the origin has touched. */
async function withOwnBrowser(prefix, steps) {
  const own = await launchEngine(pages);
  try {
    await steps(faultKit({ collector, pages, browser: own }, prefix));
  } finally {
    await own.close();
  }
}

/** Tracks `n` events named `name`, each with `note` characters of padding, in one task. */
function track(page, name, n, note = 0) {
  return page.evaluate(([name, n, note]) => {
    for (let i = 0; i < n; i++) window.cx.track(name, { i, note: "x".repeat(note) });
  }, [name, n, note]);
}

describe("the persisted queue", () => {
  scenario("200 KB pending when the page leaves: one keepalive batch within 64 KiB, the rest stored and sent at the next load", async (t) => {
    // The hide batch is answered late, so the page is gone before it could send a second one.
    await collector.script({ answers: [{ status: 200, delayMs: 1500 }] });
    const { page, siteId } = await kit.startCxkit({}, { clock: false });
    const produced = 999;
    await page.evaluate(() => {
      // First, an event the call accepts but the core refuses (over 8 KiB encoded), then small
      // events: the first chunk is no full batch, and everything after it must be stored too.
      window.cx.track("too_big", Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`k${k}`, "x".repeat(900)])));
      for (let i = 0; i < 499; i++) window.cx.track("pending", { i });
      for (let i = 499; i < 999; i++) window.cx.track("pending", { i, note: "x".repeat(400) });
      // The page leaves in the same task: nothing was sent yet.
      dispatchEvent(new PageTransitionEvent("pagehide"));
      location.href = "/test/init.html?next";
    });
    await page.waitForFunction(() => location.search === "?next" && document.readyState === "complete");
    const left = await kit.storedKeys(page, siteId);
    const leftEvents = left.reduce((n, k) => n + k.events, 0);
    const leftChars = left.reduce((n, k) => n + k.chars, 0);
    assert.equal(leftEvents, produced + 1, `every entry stored at hide: ${JSON.stringify(left.map((k) => [k.key.split(":").slice(3).join(":"), k.chars]))}`);
    assert.ok(leftChars > 200_000, `${leftChars} characters stored`);
    await kit.init(page, siteId);
    await eventually(async () => (await collector.stats(siteId)).events === produced, `${produced} events stored after the next load`, 15_000);
    // The hide batch is recorded when it is answered, 1.5 s after it came.
    const sent = await eventually(async () => { const all = await kit.attempts(); return all.some((a) => a.reason === "hide") && all; }, "the hide batch answered");
    const hide = sent.filter((a) => a.reason === "hide");
    assert.equal(hide.length, 1, "one keepalive batch before the page was gone");
    assert.ok(hide[0].bytes <= 60 * 1024, `the hide body, ${hide[0].bytes} B, within the keepalive quota`);
    assert.ok(sent.some((a) => a.reason === "load"), "the rest went at the next load");
    const stats = await kit.assertAllStoredOnce(siteId, produced, { redeliveries: { atMost: hide[0].events } });
    t.diagnostic(`${leftChars} characters stored at hide; ${hide[0].events} events (${hide[0].bytes} B) sent at hide, the rest at the next load; ${stats.redeliveries} redelivered, 0 duplicates`);
    await eventually(async () => (await kit.storedKeys(page, siteId)).length === 0, "storage emptied once acknowledged");
    await kit.finish(page, siteId);
  });

  scenario("at pagehide every tracked entry is taken in at once, even after an event the core refuses", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({}, { clock: false });
    const buffered = await page.evaluate(() => {
      // Over 8 KiB encoded: the call accepts it, the core refuses it, so its chunk is no full batch.
      window.cx.track("too_big", Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`k${k}`, "x".repeat(900)])));
      for (let i = 0; i < 1499; i++) window.cx.track("tiny", { i });
      dispatchEvent(new PageTransitionEvent("pagehide"));
      return window.cx.status().buffered;
    });
    assert.equal(buffered, 0, "nothing left in the buffer when the pagehide handler returns");
    assert.equal((await page.evaluate(() => window.cx.flush())).ok, true);
    assert.equal((await status(page)).rejected, 1);
    await kit.assertAllStoredOnce(siteId, 1499);
    await kit.finish(page, siteId);
  });

  scenario("hidden (a tab switch) with 200 KB pending: the first batch with keepalive, the rest as usual, none refused", (t) => withOwnBrowser("hidden", async (kit) => {
    // A browser of its own: a keepalive request of an earlier test's page still counts
    // against the quota a moment after its answer.
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({ maxBatchAgeMs: 60_000 }, { clock: false });
    const produced = 500;
    await page.evaluate((n) => {
      for (let i = 0; i < n; i++) window.cx.track("hidden", { i, note: "x".repeat(400) });
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, produced);
    // The collector records an attempt just after it stores the batch: wait for the records.
    const hide = await eventually(async () => {
      const all = await kit.attempts();
      return all.reduce((n, a) => n + a.events, 0) === produced && all;
    }, `${produced} events delivered while hidden`);
    // A refused keepalive request would have failed (status 0) and come back as a "retry".
    assert.ok(hide.length > 1 && hide.every((a) => a.reason === "hide" && a.status === 200 && a.bytes <= 60 * 1024), JSON.stringify(hide.map((a) => [a.reason, a.status, a.bytes])));
    assert.equal((await status(page)).failures, 0);
    t.diagnostic(`${produced} events in ${hide.length} batches of ${hide.map((a) => a.bytes).join(", ")} B, the first with keepalive`);
    await page.evaluate(() => { delete document.visibilityState; });
    await kit.assertAllStoredOnce(siteId, produced);
    await kit.finish(page, siteId);
  }));

  scenario("the renderer crashes right after 50 events: nothing is lost, the next load adopts them once the lease lapses", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({ maxBatchAgeMs: 60_000 }, { clock: false });
    await track(page, "before_crash", 50);
    await eventually(async () => (await status(page)).stored === 50, "50 stored");
    await page.crash();
    assert.equal((await collector.stats(siteId)).events, 0, "nothing was sent before the crash");
    // No pagehide ran, so the lease stays until it lapses: the next load comes 11 s later.
    const next = await kit.startCxkit({}, { siteId, clock: false, initScript: () => { const skew = 11_000; const now = Date.now; Date.now = () => now() + skew; } });
    await eventually(async () => (await collector.stats(siteId)).events === 50, "50 stored after the next load");
    assert.ok((await kit.attempts()).every((a) => a.reason === "load" || a.reason === "flush"), "sent by the adopting page load");
    await kit.assertAllStoredOnce(siteId, 50);
    await kit.finish(next.page, siteId);
  });

  scenario("a reload with a full stored queue while the collector is down; then up: all stored after the second load", async (t) => {
    await collector.script({ answers: Array.from({ length: 40 }, () => ({ status: 503 })) });
    const { page, siteId } = await kit.startCxkit({}, { clock: false });
    await track(page, "queued", 1000);
    await eventually(async () => { const s = await status(page); return s.stored === 1000 && s.failures > 0; }, "1,000 stored, sends failing");
    const beforeReload = (await kit.attempts()).length;
    await page.reload();
    await kit.init(page, siteId);
    // The second load waits out the backoff the first one stored, then tries: still 503.
    await eventually(async () => (await kit.attempts()).length > beforeReload, "the second load tried, and failed", 10_000);
    assert.equal((await collector.stats(siteId)).events, 0, "nothing stored while down");
    const failed = (await kit.attempts()).length;
    await collector.script({});
    await eventually(async () => (await collector.stats(siteId)).events === 1000, "1,000 stored once the collector is up", 15_000);
    t.diagnostic(`${failed} attempts answered 503 across both loads, then ${(await kit.attempts()).length} to store all 1,000`);
    await kit.assertAllStoredOnce(siteId, 1000);
    await eventually(async () => (await kit.storedKeys(page, siteId)).length === 0, "storage emptied once acknowledged");
    await kit.finish(page, siteId);
  });

  scenario("429 with Retry-After 120, then a new page load: nothing is sent before the deadline, all of it right after", async () => {
    await collector.script({ answers: [{ status: 429, retryAfter: "120" }] });
    await withOwnBrowser("waited", async (kit) => {
      const first = await kit.startCxkit({}, { clock: false });
      const { siteId } = first;
      assert.equal((await kit.trackAndFlush(first.page, ["a", "b", "c"])).ok, false);
      const [until, status] = (await first.page.evaluate((key) => localStorage.getItem(key), `cxkit:${siteId}:wait`)).split(":").map(Number);
      assert.equal(status, 429);
      await first.page.close();
      // The next page load of the site comes 2 s before the deadline (the clock pauses 1 s after it is set).
      const next = await kit.startCxkit({}, { siteId, clock: { time: new Date(until - 3000) } });
      await next.page.clock.runFor(1998);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await kit.attempts()).length, 1, "no attempt before the deadline, not even for adopted events");
      await next.page.clock.runFor(4);
      await eventually(async () => (await collector.stats(siteId)).events === 3, "sent right after the deadline");
      assert.equal((await kit.attempts())[1].reason, "retry");
      await kit.assertAllStoredOnce(siteId, 3);
      assert.equal(await next.page.evaluate((key) => localStorage.getItem(key), `cxkit:${siteId}:wait`), null, "the wait is cleared once delivered");
      await kit.finish(next.page, siteId);
    });
  });

  scenario("two tabs of one site, both offline with 500 events each, both back online: all stored, none twice", async (t) => {
    await collector.script({});
    const siteId = kit.nextSiteId();
    const a = await kit.startCxkit({}, { siteId, clock: false });
    // Tab A cannot reach the collector: its 500 events wait in storage, under its live lease.
    await kit.setOffline(a.page, true);
    await track(a.page, "tab_a", 500);
    await eventually(async () => (await status(a.page)).stored === 500, "tab A stored its events");
    const b = await kit.startCxkit({}, { siteId, clock: false });
    assert.equal((await status(b.page)).stored, 0, "tab B adopted nothing of a live tab");
    await kit.setOffline(b.page, true);
    await track(b.page, "tab_b", 500);
    await eventually(async () => (await status(b.page)).failures > 0, "tab B tried offline");
    assert.equal((await kit.storedKeys(b.page, siteId)).reduce((n, k) => n + k.events, 0), 1000, "both tabs' events stored");
    await kit.setOffline([a.page, b.page], false);
    await eventually(async () => (await collector.stats(siteId)).events === 1000, "1,000 stored once online", 15_000);
    const stats = await kit.assertAllStoredOnce(siteId, 1000);
    t.diagnostic(`1,000 stored in ${stats.requests} requests, ${stats.redeliveries} redelivered`);
    await kit.finish(a.page, siteId);
    await kit.finish(b.page, siteId);
  });

  scenario("two live tabs stay within one stored cap together: 700 events each, at most 1,000 stored", async () => {
    await collector.script({});
    const siteId = kit.nextSiteId();
    const a = await kit.startCxkit({}, { siteId, clock: false });
    const b = await kit.startCxkit({}, { siteId, clock: false });
    await kit.setOffline([a.page, b.page], true);
    await track(a.page, "tab_a", 700);
    await eventually(async () => (await status(a.page)).stored === 700, "tab A stored its 700");
    // Another tab's writes reach this one's view of localStorage a moment later.
    await eventually(async () => (await kit.storedKeys(b.page, siteId)).reduce((n, k) => n + k.events, 0) === 700, "tab B sees them");
    await track(b.page, "tab_b", 700);
    await eventually(async () => (await status(b.page)).buffered === 0, "tab B took its events in");
    const stored = (await kit.storedKeys(b.page, siteId)).reduce((n, k) => n + k.events, 0);
    assert.ok(stored <= 1000, `${stored} events stored by both tabs`);
    const { unstored } = await status(b.page);
    assert.equal(unstored, 1400 - stored, "what did not fit is counted, and kept in memory");
    await kit.setOffline([a.page, b.page], false);
    await eventually(async () => (await collector.stats(siteId)).events === 1400, "all 1,400 stored once online", 15_000);
    await kit.assertAllStoredOnce(siteId, 1400);
    await kit.finish(a.page, siteId);
    await kit.finish(b.page, siteId);
  });

  scenario("stored chunks another script broke or forged: refused and counted, removed, the good one delivered", async () => {
    await collector.script({});
    const siteId = kit.nextSiteId();
    const gone = "GoneGoneGoneGoneGone_A";
    const seed = (site, stream) => {
      const prefix = `cxkit:${site}:${stream}`;
      localStorage.setItem(`${prefix}:0:2`, JSON.stringify([["kept", { i: 0 }, 1795435200000], ["kept", { i: 1 }, 1795435200001]]));
      localStorage.setItem(`${prefix}:2:3`, "not json");
      localStorage.setItem(`${prefix}:3:4`, JSON.stringify([["kept", { deep: [[[[[1]]]]] }, 1795435200002]]));
      localStorage.setItem(`cxkit:${site}:short:0:1`, JSON.stringify([["forged", {}, 1]]));
    };
    const { page } = await kit.startCxkit({}, { siteId, clock: false, initScript: `(${seed})(${JSON.stringify(siteId)}, ${JSON.stringify(gone)})` });
    await eventually(async () => (await collector.stats(siteId)).events === 2, "the 2 good events of the adopted chunk stored");
    await eventually(async () => (await status(page)).rejected === 3, "the broken chunk, the too-deep event and the forged stream counted");
    await kit.assertAllStoredOnce(siteId, 2);
    await eventually(async () => (await kit.storedKeys(page, siteId)).length === 0, "every adopted key removed");
    await kit.finish(page, siteId);
  });

  scenario("what localStorage holds is what the core accepted: a refused event never reaches it, an accepted one does", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({ maxBatchAgeMs: 60_000 }, { clock: false });
    await page.evaluate(() => {
      // Over 8 KiB encoded: the call accepts it, the core refuses it.
      const refused = Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`k${k}`, "REFUSEDSENTINEL".padEnd(900, "x")]));
      window.cx.track("refused_event", refused);
      window.cx.track("accepted_event", { note: "ACCEPTEDSENTINEL" });
    });
    await eventually(async () => (await status(page)).stored === 2, "the chunk stored");
    const stored = await kit.storedKeys(page, siteId);
    const values = stored.map((k) => k.value).join("\n");
    assert.ok(values.includes("ACCEPTEDSENTINEL"), "the accepted event is stored (positive control)");
    assert.ok(!values.includes("REFUSEDSENTINEL") && !values.includes("refused_event"), "the refused one is not");
    const chunks = stored.filter((k) => k.events > 0);
    assert.equal(chunks.length, 1);
    assert.match(chunks[0].key, /:0:2$/, "the key still names both seqs: the accepted event keeps its id");
    assert.equal((await status(page)).rejected, 1);
    assert.equal((await page.evaluate(() => window.cx.flush())).ok, true);
    const [batch] = await kit.attempts();
    assert.deepEqual(batch.seqs, [1], "sent with the id it was stored under");
    await kit.assertAllStoredOnce(siteId, 1);
    await eventually(async () => (await kit.storedKeys(page, siteId)).length === 0, "storage emptied once acknowledged");
    await kit.finish(page, siteId);
  });

  scenario("localStorage full to the last bytes: cxkit keeps events in memory, the page's own storage keeps working", async () => {
    await collector.script({});
    // A fresh origin for this test, filled before any script of the page runs, but for a
    // margin the page itself uses afterwards.
    const origin = pages.origin.replace("localhost", "127.0.0.1");
    const fill = () => {
      if (sessionStorage.getItem("filled")) return;
      sessionStorage.setItem("filled", "1");
      localStorage.clear();
      localStorage.setItem("page-margin", "m".repeat(4096));
      let n = 0;
      for (let size = 1 << 20; size >= 1; size >>= 1) {
        const value = "f".repeat(size);
        for (;;) {
          try {
            localStorage.setItem(`page-fill-${n}`, value);
            n++;
          } catch {
            break;
          }
        }
      }
      localStorage.removeItem("page-margin");
      sessionStorage.setItem("fillers", String(n));
    };
    const { page, siteId } = await kit.startCxkit({}, { clock: false, origin, initScript: fill });
    await track(page, "full", 100, 100);
    const flushed = await page.evaluate(() => window.cx.flush());
    assert.equal(flushed.ok, true, JSON.stringify(flushed));
    const after = await page.evaluate(() => {
      const keys = Object.keys(localStorage);
      let own = "";
      try {
        localStorage.setItem("page-margin", "m".repeat(4096));
        own = "ok";
      } catch (error) {
        own = error.name;
      }
      return { cxkit: keys.filter((k) => k.startsWith("cxkit")), fillers: keys.filter((k) => k.startsWith("page-fill-")).length, expected: Number(sessionStorage.getItem("fillers")), own };
    });
    assert.deepEqual(after.cxkit, [], "no key of cxkit left, not even a partial one");
    assert.equal(after.fillers, after.expected, "cxkit removed nothing of the page's");
    assert.ok(after.expected > 0, "the storage was filled");
    assert.equal(after.own, "ok", "the page's own setItem still succeeds");
    assert.equal((await status(page)).stored, 0);
    await kit.assertAllStoredOnce(siteId, 100);
    await kit.finish(page, siteId);
    const cleanup = await browser.open(`${origin}/test/init.html`);
    await cleanup.evaluate(() => localStorage.clear());
    await cleanup.close();
  });

  scenario("a sandboxed frame, where reading localStorage throws: cxkit works in memory, no uncaught error", async () => {
    await collector.script({});
    const page = await browser.open(`${pages.origin}/test/sandboxed.html`);
    const frame = page.frame("sandboxed-frame");
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
    assert.deepEqual((await page.errors()).pageErrors, [], "no uncaught error");
    assert.deepEqual((await frame.errors()).pageErrors, [], "no uncaught error in the frame");
    await page.close();
  });

  scenario("custom headers go with every batch; a bad one is refused at init", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({ headers: { "X-Cx-Key": "key-123" } }, { clock: false });
    await track(page, "with_header", 3);
    assert.equal((await page.evaluate(() => window.cx.flush())).ok, true);
    assert.deepEqual((await kit.batchesSent(page)).map((request) => request.headers["x-cx-key"]), ["key-123"]);
    await kit.assertAllStoredOnce(siteId, 3);
    await kit.finish(page, siteId);
    const other = await browser.open(`${pages.origin}/test/init.html`);
    await other.waitForFunction(() => window.cxkitInit !== undefined);
    const bad = await other.evaluate(async (endpoint) => (await window.cxkitInit({ endpoint, siteId: "other", headers: { "Bad Header": "x" } })).ready, collector.endpoint);
    assert.deepEqual(bad.error, { code: "config", field: "headers", message: "headers: must map header names to one-line text" });
    assert.deepEqual((await other.errors()).consoleErrors, ["cxkit: headers: must map header names to one-line text"]);
  });
});

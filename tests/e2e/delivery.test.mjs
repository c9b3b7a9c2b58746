// Fault injection: the real collector scripted to fail, cxkit on every engine, time on the
// in-page fake clock, "offline" as the collector answering network errors (test control).
// Every scenario checks unique events stored ÷ produced, duplicates stored, redeliveries, no
// uncaught error and no cxkit console error, and ends by delivering one more event.
import assert from "node:assert/strict";
import { after, afterEach, before, describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { faultKit } from "./lib/faults.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { query } from "./lib/sqlite.mjs";

let harness, collector, pages, browser;

before(async () => {
  harness = await startHarness(["--test-control"]);
  ({ collector, pages, browser } = harness);
  ({ nextSiteId, startCxkit, batchesSent, setOffline, storedKeys, trackAndFlush, attempts, attemptCount, assertNextAttemptAt, assertAllStoredOnce, finish } = faultKit(harness, "faults"));
});

after(async () => {
  await harness?.stop();
});

// A failed test must not leave its page retrying: it would take the next test's scripted answers.
afterEach(async () => {
  await browser.closePages();
});

let nextSiteId, startCxkit, batchesSent, setOffline, storedKeys, trackAndFlush, attempts, attemptCount, assertNextAttemptAt, assertAllStoredOnce, finish;

describe("delivery under faults", () => {
  scenario("500, 500, 500 then 200: retried at 1 s, 2 s, 4 s (the top of full jitter), all stored once", async () => {
    await collector.script({ answers: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    const { page, siteId } = await startCxkit();
    const first = await trackAndFlush(page, ["a", "b", "c", "d", "e"]);
    assert.equal(first.ok, false);
    assert.equal(first.error.code, "delivery");
    assert.equal(await attemptCount(), 1);
    for (const backoff of [999, 1999, 3999]) await assertNextAttemptAt(page, backoff);
    await eventually(async () => (await collector.stats(siteId)).events === 5, "5 events stored");
    assert.deepEqual((await attempts()).map((a) => [a.status, a.reason]), [[500, "flush"], [500, "retry"], [500, "retry"], [200, "retry"]]);
    assert.equal((await page.evaluate(() => window.cx.status())).failures, 0, "the backoff resets on delivery");
    await assertAllStoredOnce(siteId, 5);
    await finish(page, siteId);
  });

  scenario("503 for over an hour: waits double to the 5-minute cap and stay there; all stored after", async () => {
    const outage = 20;
    await collector.script({ answers: Array.from({ length: outage }, () => ({ status: 503 })) });
    const { page, siteId } = await startCxkit();
    await trackAndFlush(page, ["a", "b", "c"]);
    let waited = 0;
    for (let failure = 0; failure < outage; failure++) {
      // Top of full jitter: exactly min(5 min, 1 s × 2^n) − 1 ms after failure n.
      const backoff = Math.min(300_000, 1000 * 2 ** failure) - 1;
      if (failure === 5) await page.evaluate(() => { for (let i = 0; i < 50; i++) window.cx.track("during", { i }); });
      await assertNextAttemptAt(page, backoff);
      waited += backoff;
    }
    assert.ok(waited > 3_600_000, `the outage lasted ${Math.round(waited / 60_000)} min of page time`);
    assert.equal(await attemptCount(), outage + 1, "one request per wait, never more");
    const status = await page.evaluate(() => window.cx.status());
    assert.equal(status.failures, 0, "the backoff resets on recovery");
    await eventually(async () => (await collector.stats(siteId)).events === 53, "53 events stored after recovery");
    await assertAllStoredOnce(siteId, 53);
    await finish(page, siteId);
  });

  scenario("store then 500: the retry resends the same ids and nothing is stored twice", async () => {
    await collector.script({ answers: [{ status: 500, store: true }] });
    const { page, siteId } = await startCxkit();
    await trackAndFlush(page, ["a", "b", "c"]);
    await assertNextAttemptAt(page, 999);
    const [first, second] = await attempts();
    assert.deepEqual(second.seqs, first.seqs, "same ids");
    await eventually(async () => (await collector.stats(siteId)).redeliveries === 3, "3 redeliveries counted");
    await assertAllStoredOnce(siteId, 3, { redeliveries: 3 });
    await finish(page, siteId);
  });

  for (const [label, answer, waitMs] of [
    ["Retry-After: 120", { retryAfter: "120" }, 120_000],
    ["Retry-After: an HTTP date 120 s after the server's Date", { retryAfterDateIn: 120 }, 120_000],
    ["Retry-After: 0 (the backoff still holds)", { retryAfter: "0" }, 999],
    ["Retry-After: garbage (the default backoff)", { retryAfter: "soon" }, 999],
    ["Retry-After: 86400 (clamped to an hour)", { retryAfter: "86400" }, 3_600_000],
  ]) {
    scenario(`429 with ${label}: no request before ${waitMs} ms, one right after`, async () => {
      await collector.script({ answers: [{ status: 429, ...answer }] });
      const { page, siteId } = await startCxkit();
      await trackAndFlush(page, ["a", "b"]);
      const during = await page.evaluate(() => window.cx.flush());
      assert.equal(during.ok, false, "flush() waits for the deadline too");
      assert.equal(await attemptCount(), 1, "no request from flush() during the wait");
      await assertNextAttemptAt(page, waitMs);
      await eventually(async () => (await collector.stats(siteId)).events === 2, "2 events stored");
      await assertAllStoredOnce(siteId, 2);
      await finish(page, siteId);
    });
  }

  scenario("400 for a batch holding one poison event: it is isolated and dropped, the rest stored", async () => {
    await collector.script({ poison: "poison" });
    const { page, siteId } = await startCxkit();
    const names = ["a", "b", "c", "d", "e", "f", "poison", "h"];
    const result = await trackAndFlush(page, names);
    assert.deepEqual(result, { ok: true, sent: 7 });
    assert.equal((await page.evaluate(() => window.cx.status())).dropped, 1, "drop counter 1");
    // Depth first: halves of the refused half, until the poison is alone; it is dropped only
    // because other parts of its batch were accepted.
    assert.deepEqual((await attempts()).map((a) => [a.events, a.status]), [[8, 400], [4, 200], [4, 400], [2, 200], [2, 400], [1, 400], [1, 200]]);
    const stored = query(collector.db, `SELECT name FROM events WHERE site = '${siteId}' ORDER BY seq`).map((r) => r.name);
    assert.deepEqual(stored, names.filter((n) => n !== "poison"));
    await assertAllStoredOnce(siteId, 7);
    await finish(page, siteId);
  });

  scenario("413: the batch is split and delivered", async () => {
    await collector.script({ answers: [{ status: 413 }] });
    const { page, siteId } = await startCxkit();
    const result = await trackAndFlush(page, ["a", "b", "c", "d", "e", "f"]);
    assert.deepEqual(result, { ok: true, sent: 6 });
    assert.deepEqual((await attempts()).map((a) => [a.events, a.status]), [[6, 413], [3, 200], [3, 200]]);
    await assertAllStoredOnce(siteId, 6);
    await finish(page, siteId);
  });

  scenario("404 (a misconfigured endpoint): everything kept, retried after the longest backoff", async () => {
    await collector.script({ answers: [{ status: 404 }] });
    const { page, siteId } = await startCxkit();
    await trackAndFlush(page, ["a", "b"]);
    const status = await page.evaluate(() => window.cx.status());
    assert.equal(status.queued, 2, "nothing dropped");
    await assertNextAttemptAt(page, 299_999);
    await eventually(async () => (await collector.stats(siteId)).events === 2, "2 events stored");
    await assertAllStoredOnce(siteId, 2);
    await finish(page, siteId);
  });

  scenario("consent pending → granted → denied: 0 requests while pending, all sent when granted, nothing after denied", async () => {
    await collector.script({});
    const { page, siteId } = await startCxkit({ consent: "pending", survey: "nps", trigger: "delay:0s" });
    await page.clock.runFor(10);
    const pending = await trackAndFlush(page, ["a", "b", "c"]);
    assert.equal(pending.error.code, "consent");
    await page.clock.runFor(10_000);
    assert.equal((await batchesSent(page)).length, 0, "pending: 0 requests, even after the age limit");
    assert.equal(await page.count({ css: "[data-cxkit=survey]" }), 0, "pending: no automatic survey");
    assert.equal((await page.evaluate(() => window.cx.status())).queued, 3, "held in memory");
    assert.deepEqual(await storedKeys(page, siteId), [], "pending: 0 bytes stored");

    await page.evaluate(() => window.cx.consent("granted"));
    await eventually(async () => (await collector.stats(siteId)).events === 3, "the held events sent once granted");

    // A key of another page load of this site, and one of the page's own: denied removes the first.
    await page.evaluate((site) => {
      localStorage.setItem(`cxkit:${site}:AAAAAAAAAAAAAAAAAAAAAA:0:1`, "[]");
      localStorage.setItem("page-own", "kept");
    }, siteId);
    await page.evaluate(() => window.cx.consent("denied"));
    assert.deepEqual(await storedKeys(page, siteId), [], "denied: every key of the site removed");
    assert.equal(await page.evaluate(() => localStorage.getItem("page-own")), "kept", "the page's own key untouched");
    const denied = await trackAndFlush(page, ["d", "e"]);
    assert.equal(denied.error.code, "consent");
    await page.clock.runFor(10_000);
    assert.equal((await batchesSent(page)).length, 1, "denied: no request");
    assert.equal((await page.evaluate(() => window.cx.status())).queued, 0, "denied: nothing kept");
    assert.equal((await page.evaluate(() => window.cx.showSurvey("nps"))).error.code, "consent");
    await assertAllStoredOnce(siteId, 3);
    assert.deepEqual(await storedKeys(page, siteId), [], "denied: nothing stored");
    await page.evaluate(() => window.cx.consent("granted"));
    await finish(page, siteId, ["cxkit: consent: denied, so no survey is shown"]);
  });

  scenario("Global Privacy Control means denied until the site grants consent itself", async () => {
    await collector.script({});
    const gpc = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });
    const { page, siteId } = await startCxkit({}, { initScript: gpc });
    assert.equal((await page.evaluate(() => window.cx.status())).consent, "denied");
    await trackAndFlush(page, ["a", "b"]);
    await page.clock.runFor(10_000);
    assert.equal((await batchesSent(page)).length, 0, "GPC: 0 requests");
    await page.evaluate(() => window.cx.consent("granted"));
    await trackAndFlush(page, ["c"]);
    await assertAllStoredOnce(siteId, 1);
    await finish(page, siteId);
  });

  scenario("a steady minute of 1,000 events: all stored, requests within ⌈bytes / 60 KiB⌉ + ⌈60 s / 5 s⌉ + 2", async (t) => {
    await collector.script({});
    const { page, siteId } = await startCxkit();
    for (let second = 0; second < 60; second++) {
      await page.evaluate((s) => { for (let i = 0; i < 17; i++) window.cx.track("steady", { s, i }); }, second);
      await page.clock.runFor(1000);
    }
    await page.clock.runFor(5000);
    const produced = 60 * 17;
    await eventually(async () => (await collector.stats(siteId)).events === produced, `${produced} events stored`);
    const stats = await collector.stats(siteId);
    const bound = Math.ceil(stats.bytes / (60 * 1024)) + Math.ceil(60 / 5) + 2;
    assert.ok(stats.requests <= bound, `${stats.requests} requests ≤ ${bound}`);
    t.diagnostic(`${produced} events in ${stats.requests} requests (bound ${bound}), ${stats.bytes} B`);
    await assertAllStoredOnce(siteId, produced);
    await finish(page, siteId);
  });

  scenario("offline while 600 events come: no request storm, all stored once back online", async (t) => {
    await collector.script({});
    const { page, siteId } = await startCxkit();
    await setOffline(page, true);
    try {
      await page.evaluate(() => { for (let i = 0; i < 600; i++) window.cx.track("offline", { i }); });
      await page.clock.runFor(5000);
      await page.clock.runFor(60_000);
      // Backoff doubles from 1 s: within 65 s at most ~7 tries, whatever the event count.
      const tries = (await batchesSent(page)).length;
      assert.ok(tries <= 8, `${tries} tries while offline`);
      t.diagnostic(`${tries} tries in 65 s offline`);
      await eventually(async () => (await attemptCount()) === tries, "every try seen by the collector");
      assert.ok((await attempts()).every((a) => a.networkError), "every try had no answer the page could read");
      assert.equal((await collector.stats(siteId)).events, 0, "nothing was stored while offline");
    } finally {
      await setOffline(page, false);
    }
    await eventually(async () => (await collector.stats(siteId)).events === 600, "600 events stored after going online");
    await assertAllStoredOnce(siteId, 600);
    await finish(page, siteId);
  });

  scenario("back online while an attempt is still failing: the retry goes at once, not after the backoff", async () => {
    const { page, siteId } = await startCxkit();
    // The first attempt fails with no answer (status 0); so does the second, but only after
    // the page has heard "online" while it was in flight (the collector holds its answer).
    await collector.script({ answers: [{ status: 503, networkError: true }, { status: 503, networkError: true, delayMs: 1000 }] });
    await trackAndFlush(page, ["a", "b"]);
    await page.clock.runFor(1000);
    await eventually(async () => (await batchesSent(page)).length === 2, "the second attempt in flight");
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await eventually(async () => (await collector.stats(siteId)).events === 2, "stored without waiting out the backoff");
    assert.deepEqual((await attempts()).map((a) => a.networkError), [true, true, false], "two failures, then the resumed attempt");
    await assertAllStoredOnce(siteId, 2);
    await finish(page, siteId);
  });

  scenario("20,500 events and an answer while offline: the memory cap holds, touchpoints go first", async (t) => {
    await collector.script({});
    const { page, siteId } = await startCxkit();
    await page.evaluate(() => window.cx.showSurvey("nps"));
    await page.click({ role: "radio", name: "9" });
    await setOffline(page, true);
    let status, stored;
    try {
      await page.click({ role: "button", name: "Submit" });
      await page.evaluate(() => { for (let i = 0; i < 20_500; i++) window.cx.track("flood", { i }); });
      await page.clock.runFor(1000);
      // Status and storage read together, offline: back online, deliveries empty storage.
      status = await page.evaluate(() => window.cx.status());
      stored = await storedKeys(page, siteId);
    } finally {
      await setOffline(page, false);
    }
    assert.ok(status.queued + status.inFlight <= 20_000, `queue within its cap: ${JSON.stringify(status)}`);
    assert.equal(status.evicted, 501, "every eviction counted");
    const chunks = stored.filter((k) => k.events > 0);
    const storedEvents = chunks.reduce((n, k) => n + k.events, 0);
    assert.ok(storedEvents <= 1000 && storedEvents === status.stored, `stored cap: ${storedEvents} events`);
    assert.ok(chunks.reduce((n, k) => n + k.chars, 0) <= 512 * 1024, "stored cap: ≤ 512 KiB");
    assert.ok(chunks.some((k) => k.value.includes('"$response"')), "the answer is still stored");
    assert.equal(status.unstored, 20_501 - status.stored, "every event the stored cap left in memory is counted");
    t.diagnostic(`memory ${status.queued + status.inFlight} events, ${status.evicted} evicted; stored ${storedEvents} events in ${chunks.length} chunks (${chunks.reduce((n, k) => n + k.chars, 0)} characters), ${status.unstored} unstored`);
    await eventually(async () => (await collector.stats(siteId)).events === 20_000, "20,000 events stored", 30_000);
    const answers = query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '$response'`);
    assert.equal(answers.length, 1, "the answer was not evicted");
    const floods = query(collector.db, `SELECT MIN(json_extract(props, '$.i')) AS first FROM events WHERE site = '${siteId}' AND name = 'flood'`);
    assert.equal(floods[0].first, 501, "the oldest touchpoints went");
    await assertAllStoredOnce(siteId, 20_000);
    await finish(page, siteId);
  });

  scenario("10,000 track() calls in one tick: no work in the calls, bounded chunks after, all stored", async (t) => {
    await collector.script({});
    const { page, siteId } = await startCxkit();
    const heapBefore = await page.heapUsage();
    const buffered = await page.evaluate(() => {
      for (let i = 0; i < 10_000; i++) window.cx.track("burst", { i, plan: "pro" });
      return window.cx.status().buffered;
    });
    assert.equal(buffered, 10_000, "track() only buffers: nothing was drained inside the calls");
    await page.clock.runFor(5000);
    await eventually(async () => (await collector.stats(siteId)).events === 10_000, "10,000 events stored");
    const sizes = (await attempts()).map((a) => a.events);
    assert.ok(sizes.every((n) => n <= 500), `every chunk ≤ 500 events: ${sizes}`);
    assert.equal(sizes.length, 20);
    const growth = (await page.heapUsage()) - heapBefore;
    assert.ok(growth < 4 * 1024 * 1024, `JS heap growth ${growth} B < 4 MiB`);
    t.diagnostic(`${sizes.length} requests of ≤ 500 events; JS heap growth ${growth} B`);
    await assertAllStoredOnce(siteId, 10_000);
    await finish(page, siteId);
  });

  scenario("navigating away right after 30 events: all stored through keepalive, every body within 64 KiB", async () => {
    await collector.script({});
    const siteId = nextSiteId();
    const page = await browser.open(`${pages.origin}/test/init.html`);
    await page.waitForFunction(() => window.cxkitInit !== undefined);
    await page.evaluate(async ([endpoint, id]) => {
      window.cx = await window.cxkitInit({ endpoint, siteId: id });
      for (let i = 0; i < 30; i++) window.cx.track("leaving", { i, note: "x".repeat(100) });
    }, [collector.endpoint, siteId]);
    await page.goto(`${pages.origin}/test/init.html?next`);
    await eventually(async () => (await collector.stats(siteId)).events === 30, "30 events stored after leaving");
    const sent = await attempts();
    assert.ok(sent.every((a) => a.reason === "hide" && a.bytes <= 64 * 1024), JSON.stringify(sent.map((a) => [a.reason, a.bytes])));
    await assertAllStoredOnce(siteId, 30);
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });

  scenario("beforeSend edits a batch, drops one, and a throwing hook costs nothing", async () => {
    await collector.script({});
    const siteId = nextSiteId();
    const page = await browser.open(`${pages.origin}/test/init.html`);
    await page.waitForFunction(() => window.cxkitInit !== undefined);
    const results = await page.evaluate(async ([endpoint, id]) => {
      let calls = 0;
      const beforeSend = (batch) => {
        calls += 1;
        if (calls === 2) return null;
        if (calls === 3) throw new Error("hook bug");
        const email = batch.keys[0].indexOf("email");
        for (const event of batch.events) if (email >= 0) event[5 + email] = "[redacted]";
        return batch;
      };
      window.cx = await window.cxkitInit({ endpoint, siteId: id, beforeSend });
      const out = [];
      for (const name of ["edited", "dropped", "unchanged"]) {
        window.cx.track(name, { email: "ann@example.com" });
        out.push(await window.cx.flush());
      }
      return out;
    }, [collector.endpoint, siteId]);
    assert.deepEqual(results, [{ ok: true, sent: 1 }, { ok: true, sent: 0 }, { ok: true, sent: 1 }]);
    const rows = query(collector.db, `SELECT name, props FROM events WHERE site = '${siteId}' ORDER BY seq`);
    assert.deepEqual(rows.map((r) => [r.name, JSON.parse(r.props).email]), [["edited", "[redacted]"], ["unchanged", "ann@example.com"]]);
    await finish(page, siteId, ["cxkit: beforeSend threw; the batch is sent unchanged"]);
  });

  scenario("bad endpoints are refused at init with a clear error, and nothing is sent", async () => {
    const page = await browser.open(`${pages.origin}/test/init.html`);
    await page.waitForFunction(() => window.cxkitInit !== undefined);
    const before = await attemptCount();
    const endpoints = ["http://example.com/cx", "javascript:alert(1)", "https://u:p@h/", "//h/cx", "/v1/batch"];
    const errors = await page.evaluate(async (list) => {
      const out = [];
      for (const endpoint of list) {
        const cx = await window.cxkitInit({ endpoint, siteId: "bad" });
        out.push((await cx.ready).error.message);
        cx.track("ignored", {});
        await cx.flush();
      }
      return out;
    }, endpoints);
    assert.deepEqual(errors, [
      "endpoint: must use https (http only for localhost / 127.0.0.1)",
      "endpoint: must be an absolute http(s) URL",
      "endpoint: must not contain user:password@",
      "endpoint: must be an absolute http(s) URL",
      "endpoint: must be an absolute http(s) URL",
    ]);
    assert.deepEqual(await batchesSent(page), [], "0 requests");
    assert.equal(await attemptCount(), before);
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });
});

// The fault suites' shared steps: a page with cxkit on a fresh site id, and the figures every
// scenario checks (unique events stored ÷ produced, duplicates, redeliveries, no uncaught or
// cxkit console error, one more event delivered at the end), on every engine: the page's
// first script holds the fake clock and reports errors (lib/first-script.mjs).
import assert from "node:assert/strict";
import { eventually } from "./collector.mjs";
import { query } from "./sqlite.mjs";

/** Jitter at the top of its range: the backoff of attempt n is then exactly 2^n s − 1 ms. */
export const TOP_JITTER = () => { Math.random = () => 0.9999999999; };
export const START = new Date("2026-11-23T12:00:00Z");

/** The steps, bound to one harness (collector, page server, browser); site ids start with `prefix`. */
export function faultKit({ collector, pages, browser }, prefix) {
  let site = 0;
  const nextSiteId = () => `${prefix}${++site}`;
  const attempts = () => collector.attempts();
  const attemptCount = async () => (await attempts()).length;

  /** Starts cxkit with `options` on `page`, already showing init.html; asserts it is ready. */
  async function init(page, siteId, options = {}) {
    await page.waitForFunction(() => window.cxkitInit !== undefined);
    const ready = await page.evaluate(async ([endpoint, id, extra]) => {
      window.cx = await window.cxkitInit({ endpoint, siteId: id, ...extra });
      return window.cx.ready;
    }, [collector.endpoint, siteId, options]);
    assert.deepEqual(ready, { ok: true });
  }

  /**
   * A page with a paused fake clock (at {@link START}, or `clock.time`) and cxkit started for
   * a fresh site id (or `siteId`), with `options` added; `initScript` runs before the page's
   * own scripts; `clock: false` keeps real time.
   */
  async function startCxkit(options = {}, { initScript, siteId = nextSiteId(), clock = true, origin = pages.origin } = {}) {
    const time = clock && (clock.time ?? START);
    const page = await browser.open(`${origin}/test/init.html`, { clock: time && { now: time }, scripts: [TOP_JITTER, ...(initScript ? [initScript] : [])] });
    // Installed at `time` and run 1 s on: timers the load armed and due by then fire, then it is paused.
    if (time) await page.clock.runFor(1000);
    await init(page, siteId, options);
    return { page, siteId };
  }

  /** Tracks `names` (one event each) and flushes; returns the flush result. */
  function trackAndFlush(page, names) {
    return page.evaluate((list) => {
      list.forEach((name, i) => window.cx.track(name, { i }));
      return window.cx.flush();
    }, names);
  }

  /** Advances the fake clock to just before `ms` (no new attempt) and just after (one more). */
  async function assertNextAttemptAt(page, ms) {
    const before = await attemptCount();
    await page.clock.runFor(ms - 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await attemptCount(), before, `no attempt before ${ms} ms`);
    await page.clock.runFor(2);
    await eventually(async () => (await attemptCount()) === before + 1, `an attempt at ${ms} ms`);
    // The collector records an attempt before it answers: wait until the page has taken the
    // answer in too, or the next wait would start before the page armed its timer.
    await eventually(() => page.evaluate(() => window.cx.status().inFlight === 0), `the answer at ${ms} ms settled`);
  }

  /** The figures every scenario reports and checks; returns them. */
  async function assertAllStoredOnce(siteId, produced, { redeliveries = 0 } = {}) {
    const [{ ids: unique, rows }] = query(collector.db, `SELECT COUNT(DISTINCT stream || ':' || seq) AS ids, COUNT(*) AS rows FROM events WHERE site = '${siteId}'`);
    assert.equal(unique / produced, 1, `unique events stored ÷ produced = ${unique}/${produced}`);
    assert.equal(rows - unique, 0, "duplicates stored");
    const stats = await collector.stats(siteId);
    if (typeof redeliveries === "number") assert.equal(stats.redeliveries, redeliveries, "redeliveries");
    else assert.ok(stats.redeliveries <= redeliveries.atMost, `redeliveries ${stats.redeliveries} ≤ ${redeliveries.atMost}`);
    return stats;
  }

  async function finish(page, siteId, expectedErrors = []) {
    const before = (await collector.stats(siteId)).events;
    const last = await page.evaluate(() => { window.cx.track("still_alive", {}); return window.cx.flush(); });
    assert.equal(last.ok, true, JSON.stringify(last));
    assert.equal((await collector.stats(siteId)).events, before + 1, "the instance still delivers");
    const { pageErrors, consoleErrors } = await page.errors();
    assert.deepEqual(pageErrors, [], "no uncaught error");
    const cxkitErrors = consoleErrors.filter((m) => m.startsWith("cxkit"));
    assert.equal(cxkitErrors.length, expectedErrors.length, `cxkit console errors: ${JSON.stringify(cxkitErrors)}`);
    cxkitErrors.forEach((message, i) => assert.ok(message.startsWith(expectedErrors[i]), `unexpected cxkit console error: ${message}`));
    await page.close();
  }

  /** cxkit's keys for `siteId` in the page's localStorage, with their sizes and event counts. */
  function storedKeys(page, siteId) {
    return page.evaluate((prefix) => Object.keys(localStorage).filter((key) => key.startsWith(prefix)).map((key) => {
      const [first, end] = key.slice(prefix.length).split(":").slice(1).map(Number);
      return { key, chars: localStorage.getItem(key).length, events: end === undefined ? 0 : end - first, value: localStorage.getItem(key) };
    }), `cxkit:${siteId}:`);
  }

  /** Batch requests the page made (engine-neutral harness): each try, answered or not. */
  async function batchesSent(page) {
    return (await page.requests(collector.origin)).filter((request) => request.method === "POST");
  }

  /**
   * Offline for the tabs `open` (a page or several; engine-neutral harness): the collector
   * answers every batch as a network error, and each page hears `offline`; back online, it
   * answers again and each page hears `online` — what a driver's offline mode did.
   */
  async function setOffline(open, offline) {
    await collector.script(offline ? { offline: true } : {});
    for (const page of [open].flat()) await page.evaluate((type) => window.dispatchEvent(new Event(type)), offline ? "offline" : "online");
  }

  return { nextSiteId, init, startCxkit, batchesSent, setOffline, storedKeys, trackAndFlush, attempts, attemptCount, assertNextAttemptAt, assertAllStoredOnce, finish };
}

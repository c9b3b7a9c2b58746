// Each browser API cxkit detects, deleted by a first script before cxkit loads, so its fallback
// runs on every engine (docs/architecture.md, "Browser differences and fallbacks"). Every test
// first checks that the API is really gone from the page, then that cxkit still does its job the
// other way; delivery scenarios end as the fault suites do (stored once, no cxkit error, one more
// event). Where an engine lacks the API anyway (WebKitGTK's requestIdleCallback), its check that
// the API is gone holds trivially and the scenario is the engine's own path.
import assert from "node:assert/strict";
import { after, afterEach, before, describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { faultKit } from "./lib/faults.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { batchOf, validateBatch } from "./lib/schema.mjs";

/** First scripts that take an API away, and the page-side check that it is gone. */
const WITHOUT = {
  keepalive: { remove: () => { delete Request.prototype.keepalive; }, present: () => "keepalive" in Request.prototype },
  compression: { remove: () => { delete globalThis.CompressionStream; }, present: () => "CompressionStream" in globalThis },
  adoptedStyleSheets: {
    remove: () => { delete ShadowRoot.prototype.adoptedStyleSheets; delete Document.prototype.adoptedStyleSheets; },
    present: () => "adoptedStyleSheets" in ShadowRoot.prototype,
  },
  locks: { remove: () => { delete Navigator.prototype.locks; }, present: () => "locks" in navigator },
  idle: { remove: () => { delete window.requestIdleCallback; }, present: () => "requestIdleCallback" in window },
};

/** An endpoint that refuses connections (the discard port has no listener here). */
const UNREACHABLE = "http://127.0.0.1:9/v1/batch";

let harness, collector, pages, browser, kit;

before(async () => {
  harness = await startHarness(["--test-control"]);
  ({ collector, pages, browser } = harness);
  kit = faultKit(harness, "fallback");
});

after(async () => {
  await harness?.stop();
});

afterEach(async () => {
  pages.overrides.clear();
  await browser.closePages();
});

/** Starts cxkit on the npm test page without `api`; asserts the page really lacks it. */
async function startWithout(api, options = {}, { siteId } = {}) {
  const started = await kit.startCxkit(options, { clock: false, initScript: WITHOUT[api].remove, siteId });
  assert.equal(await started.page.evaluate(WITHOUT[api].present), false, `${api} is gone from the page`);
  return started;
}

/**
 * How each POST to the collector's endpoint from `page`'s tab was made, "fetch" or "beacon"
 * (what DevTools called "fetch" and "ping"), in order (lib/first-script.mjs records them).
 */
async function postTypes(page) {
  return (await page.requests(collector.origin)).filter((request) => request.url === collector.endpoint && request.method === "POST").map((request) => request.via);
}

/** Waits until the tab shows the page navigated to with `?next`. */
function waitForNext(page) {
  return page.waitForFunction(() => /next$/.test(location.href) && document.readyState === "complete");
}

describe("fallbacks, each API deleted by a first script", () => {
  scenario("no keepalive fetch: the batch of a page that leaves goes as a beacon and arrives; the next load's resend is absorbed", async (t) => {
    await collector.script({});
    const { page, siteId } = await startWithout("keepalive", { maxBatchAgeMs: 60_000 });
    const produced = 40;
    await page.evaluate((n) => {
      for (let i = 0; i < n; i++) window.cx.track("leaving", { i });
      // The page leaves in the same task: nothing was sent before.
      dispatchEvent(new PageTransitionEvent("pagehide"));
      location.href = "/test/init.html?next";
    }, produced);
    await waitForNext(page);
    // The next page has not started cxkit: only the beacon can have brought them.
    await eventually(async () => (await collector.stats(siteId)).events === produced, `${produced} events from the beacon`);
    assert.deepEqual(await postTypes(page), ["beacon"], "one POST, a beacon");
    // The page hands its record on at pagehide: the collector's count for the site also holds
    // any POST a later pagehide listener made as the document went.
    assert.equal((await collector.stats(siteId)).requests, 1, "one POST for the site reached the collector");
    const [hide] = await kit.attempts();
    assert.deepEqual([hide.reason, hide.events, hide.status], ["hide", produced, 200]);
    // A beacon's answer is never seen: its events stayed stored, and the next load sends them again.
    assert.equal((await kit.storedKeys(page, siteId)).reduce((n, k) => n + k.events, 0), produced, "still stored after the beacon");
    await kit.init(page, siteId);
    await eventually(async () => (await kit.storedKeys(page, siteId)).length === 0, "storage emptied once acknowledged");
    const stats = await kit.assertAllStoredOnce(siteId, produced, { redeliveries: { atMost: hide.events } });
    t.diagnostic(`${produced} events by beacon (${hide.bytes} B); ${stats.redeliveries} redelivered by the next load, 0 duplicates`);
    await kit.finish(page, siteId);
  });

  scenario("no keepalive fetch, a tab switch: the beacon's events go once more from the living page, which then holds none", async () => {
    await collector.script({});
    const { page, siteId } = await startWithout("keepalive", { maxBatchAgeMs: 60_000 });
    const produced = 20;
    await page.evaluate((n) => {
      for (let i = 0; i < n; i++) window.cx.track("switched", { i });
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, produced);
    // Unseen answer: the page sends the events again, with a fetch it can read, and then lets go.
    await eventually(async () => (await page.evaluate(() => window.cx.status())).stored === 0, "storage emptied once acknowledged").catch(async (error) => {
      throw new Error(`${error.message}; status ${JSON.stringify(await page.evaluate(() => window.cx.status()))}, attempts ${JSON.stringify(await kit.attempts())}`);
    });
    assert.deepEqual(await postTypes(page), ["beacon", "fetch"], "the beacon, then one acknowledged resend");
    assert.deepEqual((await kit.attempts()).map((a) => [a.reason, a.events]), [["hide", produced], ["retry", produced]]);
    assert.equal((await page.evaluate(() => window.cx.status())).failures, 0, "the resend reset the backoff");
    await page.evaluate(() => { delete document.visibilityState; });
    await kit.assertAllStoredOnce(siteId, produced, { redeliveries: { atMost: produced } });
    await kit.finish(page, siteId);
  });

  scenario("positive control: with keepalive fetch, the same page's batch is a fetch, not a beacon", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({ maxBatchAgeMs: 60_000 }, { clock: false });
    await page.evaluate(() => {
      window.cx.track("leaving", {});
      dispatchEvent(new PageTransitionEvent("pagehide"));
      location.href = "/test/init.html?next";
    });
    await waitForNext(page);
    await eventually(async () => (await collector.stats(siteId)).events === 1, "the event");
    assert.deepEqual(await postTypes(page), ["fetch"]);
    assert.equal((await collector.stats(siteId)).requests, 1, "one POST for the site reached the collector");
  });

  scenario("no CompressionStream: batches go as plain JSON, valid and stored", async () => {
    await collector.script({});
    const { page, siteId } = await startWithout("compression");
    assert.equal((await kit.trackAndFlush(page, ["a", "b", "c"])).ok, true);
    const batches = (await kit.batchesSent(page)).map((request) => request.body);
    assert.equal(batches.length, 1);
    for (const body of batches) {
      assert.notDeepEqual([...body.subarray(0, 2)], [0x1f, 0x8b], "not gzip");
      const batch = JSON.parse(body.toString("utf8"));
      assert.ok(validateBatch(batch), JSON.stringify(validateBatch.errors));
    }
    await kit.assertAllStoredOnce(siteId, 3);
    await kit.finish(page, siteId);
  });

  scenario("positive control: with CompressionStream, the same flush is gzip", async () => {
    await collector.script({});
    const { page, siteId } = await kit.startCxkit({}, { clock: false });
    assert.equal((await kit.trackAndFlush(page, ["a", "b", "c"])).ok, true);
    const batches = (await kit.batchesSent(page)).map((request) => request.body);
    assert.deepEqual([...batches[0].subarray(0, 2)], [0x1f, 0x8b]);
    assert.ok(validateBatch(batchOf(batches[0])));
    await kit.finish(page, siteId);
  });

  scenario("no adoptedStyleSheets: the widget is styled by a <style> in its shadow root, shows its literals as text, holds no img or script", async () => {
    await collector.script({});
    const { page, siteId } = await startWithout("adoptedStyleSheets");
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("nps")), { ok: true });
    await page.waitFor({ role: "dialog" });
    const widget = await page.evaluate(() => {
      const root = document.querySelector("[data-cxkit=survey]").shadowRoot;
      const dialog = root.querySelector("[role=dialog]");
      const style = getComputedStyle(dialog);
      return {
        styles: root.querySelectorAll("style").length,
        adopted: root.adoptedStyleSheets,
        radius: style.borderTopLeftRadius,
        background: style.backgroundColor,
        frame: getComputedStyle(root.querySelector(".frame")).position,
        question: root.getElementById("cx-q").textContent,
        labels: [...root.querySelectorAll("[role=radio]")].map((radio) => radio.textContent),
        active: root.querySelectorAll("img, script").length,
      };
    });
    assert.equal(widget.styles, 1, "one <style> element");
    assert.equal(widget.adopted, undefined, "no constructed sheet could be adopted");
    assert.deepEqual([widget.radius, widget.background, widget.frame], ["12px", "rgb(255, 255, 255)", "fixed"], "the widget's CSS applies");
    assert.equal(widget.question, "How likely are you to recommend us to a friend or colleague?");
    assert.deepEqual(widget.labels, Array.from({ length: 11 }, (_, n) => String(n)));
    assert.equal(widget.active, 0, "no img or script in the shadow root");
    await page.click({ role: "radio", name: "9" });
    await page.click({ role: "button", name: "Submit" });
    await eventually(async () => (await collector.stats(siteId)).nps?.responses === 1, "the answer stored");
    await kit.finish(page, siteId);
  });

  scenario("no Web Locks: a reload adopts the stored events without a lock, and each is stored once", async () => {
    await collector.script({});
    // This page load posts where nothing listens (its hide send too): its events wait in storage.
    const { page, siteId } = await startWithout("locks", { endpoint: UNREACHABLE });
    await page.evaluate(() => { for (let i = 0; i < 30; i++) window.cx.track("before_reload", { i }); });
    await eventually(async () => (await page.evaluate(() => window.cx.status())).stored === 30, "30 stored");
    await page.reload();
    assert.equal(await page.evaluate(WITHOUT.locks.present), false, "still no Web Locks after the reload");
    assert.equal((await collector.stats(siteId)).events, 0, "nothing delivered before the reload");
    await kit.init(page, siteId);
    await eventually(async () => (await collector.stats(siteId)).events === 30, "30 stored after the reload");
    assert.ok((await kit.attempts()).some((a) => a.reason === "load"), "sent by the adopting page load");
    await kit.assertAllStoredOnce(siteId, 30);
    await kit.finish(page, siteId);
  });

  scenario("no requestIdleCallback: an armed trigger's survey module is still fetched ahead, and the survey shows", async () => {
    const survey = ["/dist/cxkit-survey.js", "/dist/cxkit-survey.wasm"];
    const mark = pages.requests.length;
    const fetched = () => pages.requests.slice(mark).filter((path) => survey.includes(path)).length;
    const page = await browser.open(`${pages.origin}/test/trigger.html`, { scripts: [WITHOUT.idle.remove] });
    assert.equal(await page.evaluate(WITHOUT.idle.present), false, "requestIdleCallback is gone from the page");
    assert.deepEqual(await page.evaluate(() => window.cxkit.ready), { ok: true });
    // Warm-up and prefetch run in the same idle task: the prefetch shows that it ran.
    await eventually(() => fetched() === 2, "the survey module fetched at idle");
    assert.equal(await page.count({ role: "dialog" }), 0, "fetched before the trigger fired");
    await page.waitFor({ role: "dialog" }, { timeout: 8000 });
    assert.equal(fetched(), 2, "nothing more fetched when it showed");
    assert.equal(await page.count({ role: "radio" }), 5, "the CSAT scale");
    const { consoleErrors, pageErrors } = await page.errors();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
  });
});

// The survey triggers of decisions §29 for the `survey` + `trigger` options, end to end: on the
// tracker's test page with the tracker on (`countBots`) and the in-page fake clock, each
// trigger's survey dialog is absent just before its moment and present just after.
import assert from "node:assert/strict";
import { describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { query } from "./lib/sqlite.mjs";

const { collector, pages, browser } = await useHarness();

const START = new Date("2026-11-23T12:00:00Z");
const JOURNEY = [{ step: "landing", url: "/test/tracker.html" }, { step: "cart", url: "/test/cart" }, { step: "purchase" }];
let sites = 0;

/** Opens the tracker page on the fake clock (paused once the load's timers ran) and starts
 * cxkit with the tracker on and a CSAT survey (or `more`'s options) shown by `trigger`; its
 * first intake has run. */
async function openWith(trigger, more = {}) {
  const siteId = `triggers-${process.pid}-${++sites}`;
  const page = await browser.open(`${pages.origin}/test/tracker.html`, { clock: { now: START } });
  await page.clock.runFor(1000);
  await page.waitForFunction(() => typeof window.cxkitInit === "function");
  const ready = await page.evaluate(async ({ endpoint, options }) => {
    window.cx = await window.cxkitInit({ endpoint, ...options });
    return window.cx.ready;
  }, { endpoint: collector.endpoint, options: { siteId, countBots: true, journey: JOURNEY, survey: "csat", trigger, ...more } });
  assert.deepEqual(ready, { ok: true });
  await page.clock.runFor(0);
  return { page, siteId };
}

const dialogs = (page) => page.count({ role: "dialog" });

/** No dialog: after the survey module would have had the time to load, had it been asked for. */
async function assertAbsent(page, why) {
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await dialogs(page), 0, why);
}

async function assertPresent(page, why) {
  await eventually(async () => (await dialogs(page)) === 1, why, 5000);
}

/** Hides the page (a tab switch) or shows it again, as the browser reports it. */
function setHidden(page, hidden) {
  return page.evaluate((hidden) => {
    if (hidden) Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    else delete document.visibilityState;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/** Every scenario ends by delivering one more event, with no cxkit console error. */
async function assertStillDelivers(page, siteId) {
  const result = await page.evaluate(() => {
    window.cx.track("still_alive", {});
    return window.cx.flush();
  });
  assert.equal(result.ok, true, JSON.stringify(result));
  await eventually(async () => (await collector.stats(siteId)).events > 0, "events stored");
  assert.deepEqual((await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:")), []);
}

describe("survey triggers", () => {
  scenario("trigger delay:4s: absent at 3,999 ms after init, present at 4,001 ms", async () => {
    const { page, siteId } = await openWith("delay:4s");
    await page.clock.runFor(3999);
    await assertAbsent(page, "T − 1 ms");
    await page.clock.runFor(2);
    await assertPresent(page, "T + 1 ms");
    await assertStillDelivers(page, siteId);
  });

  scenario("trigger time:4s: hidden from 1 s to 3 s, so absent at 4,001 ms and 5,999 ms, present at 6,001 ms", async () => {
    const { page, siteId } = await openWith("time:4s");
    await page.clock.runFor(1000);
    await setHidden(page, true);
    await page.clock.runFor(2000);
    await setHidden(page, false);
    await page.clock.runFor(1001);
    await assertAbsent(page, "where delay:4s would have shown");
    await page.clock.runFor(1998);
    await assertAbsent(page, "T − 1 ms of visible time");
    await page.clock.runFor(2);
    await assertPresent(page, "T + 1 ms of visible time");
    await assertStillDelivers(page, siteId);
  });

  scenario("trigger scroll:50: absent at 25 % depth, present once the page view reaches 50 %", async () => {
    const { page, siteId } = await openWith("scroll:50");
    // Resolves once the browser has dispatched the scroll (a real event, in its own time: the
    // fake clock must not run before cxkit has seen it).
    const scrollTo = (share) => page.evaluate((share) => new Promise((resolve) => {
      addEventListener("scroll", () => resolve(), { once: true });
      const height = Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);
      scrollTo(0, height * share - innerHeight);
    }), share);
    await scrollTo(0.4);
    await page.clock.runFor(1100);
    await assertAbsent(page, "40 %: only the 25 % milestone");
    await scrollTo(0.55);
    await page.clock.runFor(1100);
    await assertPresent(page, "the 50 % milestone");
    await assertStillDelivers(page, siteId);
  });

  scenario("trigger event:checkout_failed: absent after other events, present after track(\"checkout_failed\")", async () => {
    const { page, siteId } = await openWith("event:checkout_failed");
    await page.evaluate(() => window.cx.track("checkout", { failed: "checkout_failed" }));
    await page.clock.runFor(100);
    await assertAbsent(page, "another name, the trigger's in a property");
    await page.evaluate(() => window.cx.track("checkout_failed", {}));
    await page.clock.runFor(0);
    await assertPresent(page, "the named event");
    await assertStillDelivers(page, siteId);
  });

  scenario("trigger step:cart: absent on the landing step, present when a click navigates to the corridor's cart URL", async () => {
    const { page, siteId } = await openWith("step:cart");
    await page.evaluate(() => window.cx.step("landing"));
    await page.clock.runFor(1100);
    await assertAbsent(page, "another step");
    await page.click({ css: "#to-cart" });
    await page.clock.runFor(1200);
    await assertPresent(page, "the cart step, from its URL");
    await assertStillDelivers(page, siteId);
  });

  scenario("trigger friction:rage: absent after a dead click, present after three real clicks, and the answer says which rage", async () => {
    const { page, siteId } = await openWith("friction:rage");
    await page.click({ css: "#dead" });
    await page.clock.runFor(1200);
    await assertAbsent(page, "a dead click is not a rage");
    for (let i = 0; i < 3; i++) await page.click({ css: "#rage" });
    await page.clock.runFor(1200);
    await assertPresent(page, "the rage burst");
    await page.click({ role: "radio", name: "2" });
    await page.click({ role: "button", name: "Submit" });
    const flushed = await page.evaluate(() => window.cx.flush());
    assert.equal(flushed.ok, true, JSON.stringify(flushed));
    const rows = query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '$response'`);
    assert.equal(rows.length, 1);
    const answer = JSON.parse(rows[0].props);
    assert.equal(answer.value, 2);
    assert.deepEqual({ kind: answer.trigger?.kind, cx: answer.trigger?.cx, tag: answer.trigger?.tag }, { kind: "rage", cx: "rage", tag: "div" });
    await assertStillDelivers(page, siteId);
  });

  scenario("an NPS answer by clicks after a rage carries the session id, journey step, session score, locale and the rage, stored and heard alike", async () => {
    const { page, siteId } = await openWith("friction:rage", { survey: "nps" });
    await page.evaluate(() => {
      window.heard = [];
      window.cx.on("response", (response) => window.heard.push(JSON.parse(JSON.stringify(response))));
      return window.cx.step("cart");
    });
    await page.click({ css: "#dead" });
    await page.clock.runFor(1200);
    for (let i = 0; i < 3; i++) await page.click({ css: "#rage" });
    await page.clock.runFor(1200);
    await assertPresent(page, "the rage burst");
    await page.click({ role: "radio", name: "9" });
    // The language the survey was shown in: the browser's, negotiated among the widget's 12
    // (WebKitGTK here reports the POSIX "C", which is English).
    const { score, locale } = await page.evaluate(() => {
      const language = navigator.language.split("-")[0].toLowerCase();
      const locale = ["en", "de", "fr", "es", "it", "pt", "nl", "pl", "ja", "zh", "ar", "he"].includes(language) ? language : "en";
      return { score: window.cx.scores().session.score, locale };
    });
    assert.ok(score < 100, `the dead click and the rage cost points: ${score}`);
    await page.click({ role: "button", name: "Submit" });
    const flushed = await page.evaluate(() => window.cx.flush());
    assert.equal(flushed.ok, true, JSON.stringify(flushed));
    const props = (name) => query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '${name}'`).map((row) => JSON.parse(row.props));
    const [view] = props("$pageview");
    const answers = props("$response");
    assert.equal(answers.length, 1);
    const [answer] = answers;
    assert.equal(typeof view?.sid, "string");
    assert.deepEqual(
      { survey: answer.survey, value: answer.value, bucket: answer.bucket, sid: answer.sid, step: answer.step, score: answer.score, locale: answer.locale },
      { survey: "nps", value: 9, bucket: "promoter", sid: view.sid, step: "cart", score, locale },
    );
    assert.equal(typeof answer.score, "number");
    assert.deepEqual({ kind: answer.trigger?.kind, cx: answer.trigger?.cx }, { kind: "rage", cx: "rage" });
    assert.deepEqual(await page.evaluate(() => window.heard), [answer], "the listener heard what was queued");
    await assertStillDelivers(page, siteId);
  });

  scenario("trigger exit: absent when the pointer leaves by the side, present when it leaves through the top", async () => {
    const { page, siteId } = await openWith("exit");
    const leave = (x, y) => page.evaluate(([x, y]) => document.documentElement.dispatchEvent(new MouseEvent("mouseout", { bubbles: true, clientX: x, clientY: y, relatedTarget: null })), [x, y]);
    await leave(-1, 200);
    await page.clock.runFor(1100);
    await assertAbsent(page, "left through the side");
    await leave(300, -1);
    await page.clock.runFor(0);
    await assertPresent(page, "left through the top");
    await assertStillDelivers(page, siteId);
  });

  scenario("an automatic trigger waits while the visitor types: delay:2s comes due in a text field and shows when it loses focus", async () => {
    const { page, siteId } = await openWith("delay:2s");
    await page.click({ css: "input[name=comment]" });
    await page.clock.runFor(2001);
    await assertAbsent(page, "due, but the visitor is typing");
    await page.evaluate(() => document.activeElement.blur());
    await assertPresent(page, "the field lost focus");
    await assertStillDelivers(page, siteId);
  });
});

// The touchpoint tracker end to end (issue 15): real clicks, history changes and forms on a test
// page → the shell's raw entries → the core's tracker → the real collector, on every engine.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { batchOf, validateBatch, validateStats } from "./lib/schema.mjs";
import { query } from "./lib/sqlite.mjs";

const { collector, pages, browser } = await useHarness(["--test-control"]);

/** The corridor every scenario configures: the tracker page, then the cart, then a purchase. */
const JOURNEY = [{ step: "landing", url: "/test/tracker.html" }, { step: "cart", url: "/test/cart" }, { step: "purchase" }];

/** Opens the tracker page at `path` and starts cxkit for `siteId` with the tracker on (the
 * test browser is automated, so `countBots`). */
async function openTracker(siteId, { path = "/test/tracker.html", options = {} } = {}) {
  const page = await browser.open(`${pages.origin}${path}`);
  await page.waitForFunction(() => typeof window.cxkitInit === "function");
  const ready = await page.evaluate(async ({ endpoint, options }) => {
    window.cx = await window.cxkitInit({ endpoint, ...options });
    return window.cx.ready;
  }, { endpoint: collector.endpoint, options: { siteId, countBots: true, maxBatchAgeMs: 200, journey: JOURNEY, ...options } });
  assert.deepEqual(ready, { ok: true });
  return page;
}

/** Every stored event of `site`, in the order the page made them: its props, and its name as `event`. */
function events(site) {
  return query(collector.db, `SELECT name, props FROM events WHERE site = '${site}' ORDER BY time_ms, stream, seq`).map((row) => ({ ...JSON.parse(row.props), event: row.name }));
}

const named = (site, name) => events(site).filter((event) => event.event === name);

/** Sends what is queued and checks it arrived. */
async function flush(page) {
  const result = await page.evaluate(() => window.cx.flush());
  assert.equal(result.ok, true, JSON.stringify(result));
}

/** Waits `ms` of the page's own time (the click windows are measured on it). */
const pause = (page, ms) => page.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), ms);

/** Clicks each target in turn, each once its windows have closed (1,200 ms); `rage` is three quick clicks. */
async function clickInTurn(page, targets) {
  for (const target of targets) {
    const times = target === "#rage" ? 3 : 1;
    for (let i = 0; i < times; i++) await page.click({ css: target });
    await pause(page, 1200);
  }
}

/** Every scenario ends by delivering one more event: the instance still works. */
async function assertStillDelivers(page, site) {
  const before = events(site).length;
  await page.evaluate(() => window.cx.track("still_alive", {}));
  await flush(page);
  assert.ok(events(site).some((event) => event.event === "still_alive"), "the last event arrived");
  assert.ok(events(site).length > before);
}

/** A session's score and reasons, comparable whichever side ordered them. */
const scored = ({ score, reasons }) => ({ score, reasons: reasons.map(({ kind, count, points }) => ({ kind, count, points })).sort((a, b) => a.kind.localeCompare(b.kind)) });

/** A batch that names `sid` in a forged `$session_summary` claiming a perfect score. */
function forgedSummary(site, sid) {
  const now = Date.now();
  return JSON.stringify({
    v: 1, site, reason: "flush", sent: now, t: now, streams: ["FFFFFFFFFFFFFFFFFFFFFF"], names: ["$session_summary"],
    keys: [["sid", "score", "reasons", "pages", "goal"]], events: [[0, 0, 0, 0, 0, sid, 100, [], 1, true]],
  });
}

describe("tracker", () => {
  scenario("the session score and reasons in the browser equal the collector's recomputation from raw events; a forged summary changes nothing; the drop-out is reported", async () => {
    const site = "scored";
    const page = await openTracker(site);
    await clickInTurn(page, ["#rage", "#dead", "#throws", "#to-cart"]);
    await flush(page);

    const browser = await page.evaluate(() => window.cx.scores());
    assert.ok(browser.session.reasons.length >= 3, `at least three kinds of signal: ${JSON.stringify(browser)}`);
    assert.ok(browser.session.score < 80, `a score below 80: ${browser.session.score}`);
    const sid = named(site, "$pageview")[0].sid;
    const recomputed = await collector.session(site, sid);
    assert.deepEqual(scored(recomputed), scored(browser.session), "the collector's figure from the raw signal events is the browser's");
    assert.equal(recomputed.closed, false);

    const forged = await fetch(collector.endpoint, { method: "POST", body: forgedSummary(site, sid) });
    assert.equal(forged.status, 200);
    assert.ok(named(site, "$session_summary").some((summary) => summary.score === 100), "the forged summary is stored");
    assert.deepEqual(scored(await collector.session(site, sid)), scored(browser.session), "and changes nothing");

    // The visitor leaves at the cart: the summary says how far they got.
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent("pagehide")));
    await eventually(() => named(site, "$session_summary").some((summary) => summary.sid === sid && summary.furthest === "cart"), "the browser's summary");
    const summary = named(site, "$session_summary").find((event) => event.furthest === "cart");
    assert.equal(summary.goal, false);
    assert.equal(summary.score, browser.session.score);

    await collector.clock(30 * 60 * 1000 + 1000);
    const closed = await collector.session(site, sid);
    assert.equal(closed.closed, true, "closed after 30 minutes of silence");
    assert.equal(closed.dropout, true, "a drop-out");
    assert.ok(closed.reasons.some((reason) => reason.kind === "dropout"), JSON.stringify(closed));
    const stats = await collector.stats(site);
    assert.ok(validateStats(stats), JSON.stringify(validateStats.errors));
    const cart = stats.funnel.steps.find((step) => step.name === "cart");
    assert.equal(cart.dropouts, 1, JSON.stringify(stats.funnel));
    assert.equal(stats.sessions.dropouts, 1);
    await collector.clock(0);
    await page.close();
  });

  scenario("web vitals arrive once, rated, with attribution: LCP, FCP, TTFB at load, CLS and INP at hide; a vital the engine cannot measure is absent, never 0", async () => {
    const site = "vitals";
    const page = await openTracker(site);
    const supported = await page.evaluate(() => PerformanceObserver.supportedEntryTypes);
    await page.evaluate(() => window.shiftLayout());
    await page.click({ css: "#slow" });
    await pause(page, 500);
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent("pagehide")));
    await eventually(() => named(site, "$session_summary").length > 0, "the hide batch");
    const vitals = Object.fromEntries(named(site, "$vital").map((vital) => [vital.name, vital]));
    assert.equal(named(site, "$vital").length, Object.keys(vitals).length, "each vital once");
    const expected = { LCP: "largest-contentful-paint", FCP: "paint", TTFB: "navigation", CLS: "layout-shift", INP: "event" };
    for (const [name, type] of Object.entries(expected)) {
      if (!supported.includes(type)) {
        assert.equal(vitals[name], undefined, `${name}: absent where the engine has no ${type} entries`);
        continue;
      }
      const vital = vitals[name];
      assert.ok(vital, `${name} arrived (${type} is supported)`);
      assert.ok(["good", "needs-improvement", "poor"].includes(vital.rating), JSON.stringify(vital));
      assert.equal(typeof vital.value, "number");
    }
    if (vitals.INP) {
      assert.ok(vitals.INP.value >= 300, `the slow handler makes the INP: ${JSON.stringify(vitals.INP)}`);
      assert.notEqual(vitals.INP.rating, "good");
      assert.match(vitals.INP.target, /slow/, "attributed to the slow button");
      assert.ok(vitals.INP.processing >= 290, "its time is processing");
      assert.equal(typeof vitals.INP.type, "string");
    }
    if (vitals.CLS) {
      assert.ok(vitals.CLS.value > 0, JSON.stringify(vitals.CLS));
      assert.ok(vitals.CLS.target, "the largest shift's target is named");
    }
    if (vitals.LCP) assert.ok(vitals.LCP.element, "the LCP element is named");
    await page.close();
  });

  scenario("SPA navigation: one page view per route change; a redirect within 100 ms, a repeated URL and a hash change make none", async () => {
    const site = "spa";
    const page = await openTracker(site);
    await pause(page, 300);
    await page.evaluate(() => history.pushState({}, "", "/test/a"));
    await pause(page, 300);
    await page.evaluate(() => {
      history.pushState({}, "", "/test/b");
      history.replaceState({}, "", "/test/b");
      history.replaceState({ again: true }, "", "/test/b");
    });
    await pause(page, 300);
    await page.evaluate(() => history.back());
    await pause(page, 300);
    await page.evaluate(() => {
      history.pushState({}, "", "/test/r1");
      history.replaceState({}, "", "/test/r2?utm_source=news&plan=pro");
    });
    await pause(page, 300);
    await page.evaluate(() => { location.hash = "#section"; });
    await pause(page, 300);
    await flush(page);
    const views = named(site, "$pageview");
    assert.deepEqual(views.map((view) => [view.path, view.nav]), [
      ["/test/tracker.html", "load"],
      ["/test/a", "push"],
      ["/test/b", "push"],
      ["/test/a", "pop"],
      ["/test/r2?utm_source=news", "push"],
    ], "one view per route change; the redirect is one view at the URL it ended on; only allowed query parameters are kept");
    assert.ok(views.slice(1).every((view) => Number.isInteger(view.prev_ms) && view.prev_ms >= 250), JSON.stringify(views.map((v) => v.prev_ms)));
    assert.equal(new Set(views.map((view) => view.sid)).size, 1, "one session");
    assert.equal(views[0].sid.length, 22);
    await assertStillDelivers(page, site);
    assert.deepEqual((await page.errors()).pageErrors, []);
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });

  scenario("three quick clicks are one rage click; a button that does nothing is one dead click, one that changes the page none; a throwing handler is an error click", async () => {
    const site = "signals";
    const page = await openTracker(site);
    await clickInTurn(page, ["#rage", "#dead", "#mutates", "#throws", "#to-cart", "#ignored"]);
    await flush(page);

    const rage = named(site, "$rage");
    assert.equal(rage.length, 1, JSON.stringify(rage));
    assert.equal(rage[0].clicks, 3);
    assert.equal(rage[0].cx, "rage");
    assert.deepEqual(named(site, "$dead").map((event) => event.cx), ["dead"], "only the button that did nothing is dead");
    assert.deepEqual(named(site, "$error_click").map((event) => event.cx), ["throws"]);
    const errors = named(site, "$error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0].click, true, "the error made an error click");
    assert.match(errors[0].message, /handler failed/);
    assert.deepEqual((await page.errors()).pageErrors.map((error) => error.replace(/^Error: /, "")), ["handler failed"]);
    const clicks = named(site, "$click").map((event) => event.cx);
    assert.deepEqual(clicks, ["rage", "rage", "rage", "dead", "mutates", "throws", "to-cart"], "each data-cx click is a touchpoint; the ignored subtree gives nothing");
    assert.equal(named(site, "$pageview").at(-1).path, "/test/cart", "the navigating button made a page view");
    assert.deepEqual(named(site, "$step").map((step) => step.step), ["landing", "cart"]);

    const scores = await page.evaluate(() => window.cx.scores());
    const kinds = scores.session.reasons.map((reason) => reason.kind).sort();
    assert.deepEqual(kinds, ["dead", "error_click", "rage"], JSON.stringify(scores));
    assert.ok(scores.session.score < 80, `score ${scores.session.score}`);
    assert.deepEqual(scores.journey, { furthest: "cart", goal: false });
    await assertStillDelivers(page, site);
    await page.close();
  });

  scenario("an automated browser is kept out unless countBots; under pending consent no session or visitor id is stored; a bad step name is refused", async () => {
    const bot = await openTracker("bots", { options: { countBots: false } });
    await bot.click({ css: "#dead" });
    await bot.evaluate(() => history.pushState({}, "", "/test/elsewhere"));
    await pause(bot, 300);
    await flush(bot);
    assert.deepEqual(events("bots"), [], "navigator.webdriver: nothing captured");
    await assertStillDelivers(bot, "bots");
    await bot.close();

    const site = "pending";
    const page = await openTracker(site, { options: { consent: "pending" } });
    await pause(page, 300); // past the redirect window of the load view
    await page.click({ css: "#mutates" });
    await page.evaluate(() => history.pushState({}, "", "/test/cart"));
    await pause(page, 300);
    const refused = await page.evaluate(() => window.cx.step("bad\u0000name"));
    assert.equal(refused.ok, false);
    assert.equal(refused.error.field, "name", JSON.stringify(refused));
    assert.equal((await page.errors()).consoleErrors.length, 1, "one console error for the bad call");
    const stored = await page.evaluate((site) => Object.keys(localStorage).filter((key) => key.startsWith(`cxkit:${site}:`)), site);
    assert.deepEqual(stored, [], "pending: nothing stored, no session, no visitor id");
    const scores = await page.evaluate(() => window.cx.scores());
    assert.deepEqual(scores.journey, { furthest: "cart", goal: false }, "the session lives in memory");
    await page.evaluate(() => window.cx.consent("granted"));
    await page.evaluate(() => window.cx.step("purchase"));
    await flush(page);
    const views = named(site, "$pageview");
    assert.equal(views.length, 2, `the held views are sent once granted: ${JSON.stringify(events(site).map((e) => [e.event, e.path ?? e.step]))}`);
    assert.equal(views[0].vid, undefined, "no visitor id on what was captured under pending");
    assert.deepEqual(named(site, "$step").map((step) => [step.step, step.goal ?? false]), [["landing", false], ["cart", false], ["purchase", true]]);
    const keys = await page.evaluate((site) => Object.keys(localStorage).filter((key) => key.startsWith(`cxkit:${site}:`)), site);
    assert.ok(keys.includes(`cxkit:${site}:visitor`) && keys.includes(`cxkit:${site}:session`), JSON.stringify(keys));
    await page.close();
  });

  scenario("a form started and left is abandoned, by field name only; one submitted is not", async () => {
    const site = "forms";
    const page = await openTracker(site);
    await page.click({ css: "#signup input[name=email]" });
    await page.evaluate(() => {
      const field = document.querySelector("#signup input[name=email]");
      field.value = "someone";
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.click({ css: "#signup input[name=secret]" });
    await page.click({ css: "#later input[name=comment]" });
    await page.evaluate(() => {
      const field = document.querySelector("#later input[name=comment]");
      field.value = "later";
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.form.requestSubmit();
    });
    await page.evaluate(() => history.pushState({}, "", "/test/next"));
    await pause(page, 300);
    await flush(page);
    const abandoned = named(site, "$form_abandon");
    assert.deepEqual(abandoned.map((form) => [form.form, form.last]), [["signup", "email"]], "the password field is never the last field named");
    assert.equal(abandoned[0].fields, 1, "the e-mail field: password, hidden and submit inputs are not counted");
    assert.deepEqual(named(site, "$form_submit").map((form) => form.form), ["survey-later"]);
    assert.deepEqual(named(site, "$form_start").map((form) => form.form).sort(), ["signup", "survey-later"]);
    await assertStillDelivers(page, site);
    await page.close();
  });
});

/** Every byte the collector stored for the run: the SQLite file with its -wal and -shm. */
async function storedBytes() {
  const parts = await Promise.all(["", "-wal", "-shm"].map((suffix) => readFile(collector.db + suffix).catch(() => Buffer.alloc(0))));
  return Buffer.concat(parts).toString("latin1");
}

describe("tracker privacy", () => {
  scenario("a typed password and an e-mail typed into a field, planted in a URL, title or button text never appear in any stored byte", async () => {
    const site = "privacy";
    const SENTINEL = /sentinel/i;
    const page = await openTracker(site, { path: "/test/tracker.html?email=url.sentinel@example.com&utm_source=news#frag.sentinel" });
    await page.click({ css: "#signup input[name=email]" });
    await page.evaluate(() => {
      const type = (selector, value) => {
        const field = document.querySelector(selector);
        field.value = value;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      };
      type("#signup input[name=email]", "typed.sentinel@example.com");
      type("#signup input[name=secret]", "PWSENTINEL-1");
    });
    await page.click({ css: "#signup input[name=secret]" });
    await page.click({ css: "#mail" });
    await page.click({ css: "#signup input[type=submit]" });
    await page.evaluate(() => history.pushState({}, "", "/test/u/path.sentinel@example.com/orders"));

    // localStorage right at hide: what the core stored of the page's last entries, unsent.
    const atHide = await page.evaluate(() => {
      dispatchEvent(new PageTransitionEvent("pagehide"));
      return JSON.stringify(Object.entries(localStorage));
    });
    assert.doesNotMatch(atHide, SENTINEL, "nothing raw in localStorage at hide");
    assert.match(atHide, /cxkit:privacy:session/, "positive control: the session is stored");
    assert.match(atHide, /\[email\]/, "positive control: the redacted events are stored");
    await page.goto(`${pages.origin}/test/tracker.html`);
    const afterReload = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.doesNotMatch(afterReload, SENTINEL, "nothing raw in localStorage after a reload");
    await page.waitForFunction(() => typeof window.cxkitInit === "function");
    await page.evaluate(async ({ endpoint, siteId }) => {
      window.cx = await window.cxkitInit({ endpoint, siteId, countBots: true });
    }, { endpoint: collector.endpoint, siteId: site });
    await eventually(() => named(site, "$pageview").length >= 2, "the events stored at hide sent by the next page load");
    await flush(page);

    const views = named(site, "$pageview");
    // Found by path, not by place: the views' order is not what this scenario is about.
    const landing = views.find((view) => view.path === "/test/tracker.html?utm_source=news");
    assert.ok(landing, JSON.stringify(views.map((view) => view.path)));
    assert.equal(landing.title, "Tracker test for [email]", "positive control: the title is there, redacted");
    assert.ok(views.some((view) => view.path === "/test/u/[email]/orders"), JSON.stringify(views.map((view) => view.path)));
    assert.deepEqual(named(site, "$click").map((click) => click.text), ["Write to [email]"]);
    assert.ok(named(site, "$form_submit").length === 1 || named(site, "$form_start").length === 1, "positive control: the form is seen");

    const bodies = (await page.requests(collector.origin)).filter((request) => request.method === "POST").map((request) => request.body);
    assert.ok(bodies.length > 0);
    for (const body of bodies) {
      const text = JSON.stringify(batchOf(body));
      assert.doesNotMatch(text, SENTINEL, "nothing raw in a request body");
      assert.doesNotMatch(text, /PWSENTINEL|HIDDENSENTINEL/);
      assert.ok(validateBatch(batchOf(body)), JSON.stringify(validateBatch.errors));
    }
    assert.ok(bodies.some((body) => JSON.stringify(batchOf(body)).includes("[email]")), "positive control: a placeholder went out");
    await page.close();

    await collector.halt();
    const stored = await storedBytes();
    assert.doesNotMatch(stored, SENTINEL, "nothing raw in the SQLite file, its -wal or -shm");
    assert.doesNotMatch(stored, /PWSENTINEL|HIDDENSENTINEL/);
    assert.match(stored, /\[email\]/, "positive control: the placeholder is stored");
  });
});

// A text step's answer analysed on the device (issue 17), end to end against the real collector:
// a comment with an e-mail, a phone, a card number and a match of the site's `redact` pattern,
// typed key by key into the widget, never reaches localStorage (at hide, after a reload), a
// request body (inflated) or any byte of the SQLite file (with -wal and -shm, after the collector
// stops); the placeholders do (positive controls). `on("response")` sees the same redacted text
// with its counts, sentiment, label and themes; `/v1/stats` lists the comment. The lexicon is
// fetched only for a survey with a text step; one that cannot be had leaves the figures null.
// Its own harness: the last scenario stops the collector to read its files.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { batchOf, validateBatch, validateStats } from "./lib/schema.mjs";
import { query } from "./lib/sqlite.mjs";

const { collector, pages, browser } = await useHarness();

let sites = 0;
const newSite = () => `text-${process.pid}-${++sites}`;

const HOST = "[data-cxkit=survey]";
const COMMENT = { id: "comment", steps: [{ id: "why", kind: "text", question: "Tell us more" }] };
/** The site's pattern, and one the browser cannot compile (its console error is expected). */
const REDACT = ["ORD-\\d{6}", "(unclosed"];
const BAD_PATTERN = /^cxkit: redact\[1\]: .*that pattern is off$/;

// ASCII sentinels: each raw value is found by a search for its own text.
const EMAIL = "sentinel.mail@example.com";
const PHONE = "+49 30 1234567";
const CARD = "4111 1111 1111 1111";
const ORDER = "ORD-123456";
const TYPED = `Great app, really helpful but order ${ORDER} was late. Mail ${EMAIL} or call ${PHONE}, card ${CARD}`;
const RAW = /sentinel|30 1234567|4111 1111|4111111111111111|ORD-123456/i;
const REDACTED = "Great app, really helpful but order [custom] was late. Mail [email] or call [phone], card [card]";

async function openWith(options, siteId = newSite()) {
  const page = await browser.open(`${pages.origin}/test/widget.html`);
  await startOn(page, options, siteId);
  return { page, siteId };
}

async function startOn(page, options, siteId) {
  await page.waitForFunction(() => typeof window.cxkitInit === "function");
  const ready = await page.evaluate(async ({ endpoint, options }) => {
    window.cx = await window.cxkitInit({ endpoint, ...options });
    window.seen = [];
    window.cx.on("response", (response) => window.seen.push(response));
    return window.cx.ready;
  }, { endpoint: collector.endpoint, options: { siteId, countBots: true, ...options } });
  assert.deepEqual(ready, { ok: true });
}

/** Shows survey `id` (a preview) and types `text` into its field, one key press a character. */
async function typeComment(page, id, text) {
  assert.deepEqual(await page.evaluate((id) => window.cx.showSurvey(id, { force: true }), id), { ok: true });
  await page.waitFor({ css: HOST });
  await eventually(() => page.evaluate((host) => !!document.querySelector(host)?.shadowRoot.querySelector("textarea"), HOST), "the text field");
  await page.evaluate((host) => document.querySelector(host).shadowRoot.querySelector("textarea").focus(), HOST);
  for (const key of text) await page.press(key);
  assert.equal(await page.evaluate((host) => document.querySelector(host).shadowRoot.querySelector("textarea").value, HOST), text, "every key landed");
}

/** The files of the survey module's lexicons the page fetched. */
const lexiconFetches = async (page) => (await page.requests(pages.origin)).map((r) => new URL(r.url).pathname).filter((path) => path.includes("/lexicons/"));

async function assertStillDelivers(page, siteId, allowed = []) {
  const result = await page.evaluate(() => {
    window.cx.track("still_alive", {});
    return window.cx.flush();
  });
  assert.equal(result.ok, true, JSON.stringify(result));
  await eventually(() => query(collector.db, `SELECT 1 FROM events WHERE site = '${siteId}' AND name = 'still_alive'`).length > 0, "still_alive stored");
  const errors = (await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:"));
  assert.equal(errors.length, allowed.length, JSON.stringify(errors));
  errors.forEach((line, i) => assert.match(line, allowed[i]));
}

const storedResponses = (siteId) =>
  query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '$response' ORDER BY seq`).map((row) => JSON.parse(row.props));

describe("text analysis", () => {
  scenario("a survey without a text step fetches no lexicon; a lexicon that cannot be had leaves sentiment, label and themes empty, and the answer still goes", async () => {
    const { page, siteId } = await openWith({ surveys: [{ id: "score", steps: [{ id: "s", kind: "nps" }] }, COMMENT] });
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("score", { force: true })), { ok: true });
    await page.waitFor({ role: "radio" });
    assert.deepEqual(await lexiconFetches(page), [], "an NPS survey fetches no lexicon");
    await page.click({ role: "radio", name: "9" });
    await page.click({ role: "button", name: "Submit" });
    await eventually(() => storedResponses(siteId).length === 1, "the score stored");
    await assertStillDelivers(page, siteId);
    await page.close();
    // Next page: every lexicon fetch fails.
    const { page: next } = await openWith({ surveys: [COMMENT] }, siteId);
    await next.evaluate(() => {
      const real = window.fetch;
      window.fetch = (input, init) => (String(input.url ?? input).includes("/lexicons/") ? Promise.reject(new TypeError("blocked")) : real(input, init));
    });
    await typeComment(next, "comment", "Great, mail a@b.co");
    await next.click({ role: "button", name: "Submit" });
    await eventually(() => storedResponses(siteId).length === 2, "the comment stored");
    const comment = storedResponses(siteId)[1];
    assert.deepEqual(
      { text: comment.text, redactions: comment.redactions, sentiment: comment.sentiment, label: comment.label, themes: comment.themes },
      { text: "Great, mail [email]", redactions: { email: 1 }, sentiment: null, label: null, themes: [] },
    );
    assert.deepEqual((await next.evaluate(() => window.seen)).map((r) => r.sentiment), [null], "on(response) saw it too");
    await assertStillDelivers(next, siteId);
  });

  scenario("a comment with an e-mail, a phone, a card and a site pattern, typed into the text step: redacted and analysed before any byte is stored or sent; on(response) sees the same; /v1/stats lists it", async () => {
    const siteId = newSite();
    const { page } = await openWith({ surveys: [COMMENT], redact: REDACT }, siteId);
    await typeComment(page, "comment", TYPED);
    assert.equal((await lexiconFetches(page)).filter((path) => path.endsWith("/lexicons/en.txt")).length, 1, "the English lexicon, once");
    // The collector is out of reach for now: the answer waits in localStorage.
    await page.evaluate(() => {
      window.realFetch = window.fetch;
      window.fetch = () => Promise.reject(new TypeError("offline"));
    });
    await page.click({ role: "button", name: "Submit" });
    await eventually(() => page.evaluate(() => window.seen.length === 1), "on(response) called");

    const [seen] = await page.evaluate(() => window.seen);
    assert.equal(seen.text, REDACTED);
    assert.deepEqual(seen.redactions, { email: 1, card: 1, phone: 1, custom: 1 });
    assert.equal(seen.label, "positive");
    assert.ok(typeof seen.sentiment === "number" && seen.sentiment > 0 && seen.sentiment <= 1, String(seen.sentiment));
    assert.ok(Array.isArray(seen.themes) && seen.themes.length > 0 && seen.themes.length <= 5, JSON.stringify(seen.themes));
    assert.ok(!seen.themes.some((theme) => /\[|custom/.test(theme)), `placeholders are no themes: ${JSON.stringify(seen.themes)}`);
    assert.equal(seen.locale, "en");

    const atHide = await page.evaluate(() => {
      dispatchEvent(new PageTransitionEvent("pagehide"));
      return JSON.stringify(Object.entries(localStorage));
    });
    assert.doesNotMatch(atHide, RAW, "nothing raw in localStorage at hide");
    for (const placeholder of ["[email]", "[phone]", "[card]", "[custom]"]) assert.ok(atHide.includes(placeholder), `positive control: ${placeholder} stored at hide`);

    // Back online: the retry delivers it.
    await page.evaluate(() => {
      window.fetch = window.realFetch;
    });
    await eventually(() => storedResponses(siteId).length === 1, "the answer sent once the collector is reachable", 20000);
    await page.goto(`${pages.origin}/test/widget.html`);
    const afterReload = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
    assert.doesNotMatch(afterReload, RAW, "nothing raw in localStorage after a reload");
    assert.ok(afterReload.includes("cxkit:"), "positive control: cxkit's keys are there");
    await startOn(page, { surveys: [COMMENT], redact: REDACT }, siteId);
    const [stored] = storedResponses(siteId);
    const { run_id: _run, sid: _sid, score: _score, step: _step, path: _path, ...same } = seen;
    const { run_id: _run2, sid: _sid2, score: _score2, step: _step2, path: _path2, ...kept } = stored;
    assert.deepEqual(kept, same, "the collector stored what on(response) saw");

    const stats = await collector.stats(siteId);
    assert.ok(validateStats(stats), JSON.stringify(validateStats.errors));
    assert.equal(stats.comments.latest.length, 1);
    assert.equal(stats.comments.latest[0].text, REDACTED);
    assert.equal(stats.comments.latest[0].label, "positive");
    assert.ok(stats.comments.themes.length > 0);

    const bodies = (await page.requests(collector.origin)).filter((request) => request.method === "POST").map((request) => request.body);
    assert.ok(bodies.length > 0);
    for (const body of bodies) {
      const batch = batchOf(body);
      assert.ok(validateBatch(batch), JSON.stringify(validateBatch.errors));
      assert.doesNotMatch(JSON.stringify(batch), RAW, "nothing raw in a request body");
    }
    assert.ok(bodies.some((body) => JSON.stringify(batchOf(body)).includes("[custom]")), "positive control: the placeholders went out");
    // One error for the pattern that does not compile, at each of the two inits.
    await assertStillDelivers(page, siteId, [BAD_PATTERN, BAD_PATTERN]);
    await page.close();

    await collector.halt();
    const parts = await Promise.all(["", "-wal", "-shm"].map((suffix) => readFile(collector.db + suffix).catch(() => Buffer.alloc(0))));
    const bytes = Buffer.concat(parts).toString("latin1");
    assert.doesNotMatch(bytes, RAW, "nothing raw in the SQLite file, its -wal or -shm");
    for (const placeholder of ["[email]", "[phone]", "[card]", "[custom]"]) assert.ok(bytes.includes(placeholder), `positive control: ${placeholder} in the stored bytes`);
  });
});

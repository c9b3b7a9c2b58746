// The walking skeleton end to end: script tag → wasm → collector → SQLite → stats, on every engine.
import assert from "node:assert/strict";
import { describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { runAxe } from "./lib/axe.mjs";
import { scenario } from "./lib/scenario.mjs";
import { batchOf, validateBatch } from "./lib/schema.mjs";
import { query } from "./lib/sqlite.mjs";

const { collector, pages, browser } = await useHarness();

/** The bodies of the batches the page posted to the collector. */
async function batchesSent(page) {
  return (await page.requests(collector.origin)).filter((request) => request.method === "POST").map((request) => request.body);
}

function assertValidBatches(batches) {
  assert.ok(batches.length > 0, "the page sent at least one batch");
  for (const body of batches) {
    assert.ok(validateBatch(batchOf(body)), `batch matches schema/batch.schema.json: ${JSON.stringify(validateBatch.errors)}`);
  }
}

/** Every scenario ends by delivering one more event: the instance still works. */
async function assertStillDelivers(page, handle, site) {
  const before = (await collector.stats(site)).events;
  const result = await page.evaluate(async (name) => {
    const cx = window[name];
    cx.track("still_alive", {});
    return cx.flush();
  }, handle);
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal((await collector.stats(site)).events, before + 1);
}

describe("script tag", () => {
  scenario("an NPS answer given with a click is stored once, scored, and counted once when resent", async () => {
    const page = await browser.open(`${pages.origin}/index.html`);
    const ready = await page.evaluate(() => window.cxkit.ready);
    assert.deepEqual(ready, { ok: true });

    await page.evaluate(() => window.cxkit.showSurvey("nps"));
    await page.click({ role: "radio", name: "9" });
    await page.click({ role: "button", name: "Submit" });
    const flushed = await page.evaluate(() => window.cxkit.flush());
    assert.equal(flushed.ok, true, JSON.stringify(flushed));

    const rows = query(collector.db, "SELECT name, props, site, stream, seq FROM events WHERE name = '$response'");
    assert.equal(rows.length, 1, "exactly one response stored");
    const answer = JSON.parse(rows[0].props);
    assert.equal(answer.survey, "nps");
    assert.equal(answer.value, 9);
    assert.equal(answer.bucket, "promoter");
    assert.equal(answer.path, "/index.html");
    assert.equal(rows[0].site, "demo");

    const stats = await collector.stats("demo");
    assert.equal(stats.nps.responses, 1);
    assert.equal(stats.nps.score, 100, "one promoter: NPS 100");
    assert.equal(stats.redeliveries, 0, "nothing was sent twice");

    const batches = await batchesSent(page);
    assertValidBatches(batches);

    // Resend the exact body the browser sent: accepted, counted as a redelivery, stored once.
    const eventsBefore = query(collector.db, "SELECT COUNT(*) AS n FROM events")[0].n;
    const resent = await fetch(collector.endpoint, { method: "POST", body: batches[0] });
    assert.equal(resent.status, 200);
    const outcome = await resent.json();
    assert.equal(outcome.stored, 0);
    assert.ok(outcome.redelivered >= 1);
    assert.equal(query(collector.db, "SELECT COUNT(*) AS n FROM events")[0].n, eventsBefore, "no row added");
    assert.equal((await collector.stats("demo")).redeliveries, outcome.redelivered);

    await assertStillDelivers(page, "cxkit", "demo");
    assert.deepEqual((await page.errors()).pageErrors, []);
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });

  scenario("a bad endpoint logs one clear error, sends nothing and leaves the page working", async () => {
    const page = await browser.open(`${pages.origin}/test/bad-endpoint.html`);
    const ready = await page.evaluate(() => window.cxkit.ready);
    assert.equal(ready.ok, false);
    assert.equal(ready.error.field, "endpoint");
    const tracked = await page.evaluate(() => window.cxkit.track("ignored", {}));
    assert.equal(tracked.ok, false);
    assert.deepEqual((await page.errors()).consoleErrors, ["cxkit: endpoint: must use https (http only for localhost / 127.0.0.1)"]);
    assert.deepEqual(await page.requests("http://example.com"), []);
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.click({ role: "button", name: "The page still works" });
    await page.close();
  });

  scenario("a second copy of the tag reuses the instance; a tag for another site is refused; data-consent holds events", async () => {
    const page = await browser.open(`${pages.origin}/test/two-tags.html`);
    await page.evaluate(() => window.cxkit.ready);
    assert.deepEqual((await page.errors()).consoleErrors, ['cxkit: siteId: a second tag for "intruder" is ignored; cxkit already runs for "tags"']);
    const status = await page.evaluate(() => {
      window.cxkit.track("held", {});
      return window.cxkit.status();
    });
    assert.equal(status.consent, "pending", "data-consent is read");
    assert.equal((await page.evaluate(() => window.cxkit.flush())).error.code, "consent");
    await page.evaluate(() => window.cxkit.consent("granted"));
    await eventually(async () => (await collector.stats("tags")).events === 1, "the held event sent once granted");
    await assertStillDelivers(page, "cxkit", "tags");
    assert.equal((await collector.stats("tags")).events, 2, "the held event and the last one, once each");
    assert.equal((await collector.stats("intruder")).events, 0);
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });
});

describe("who may read the stats", () => {
  scenario("a page on another origin cannot read /v1/stats, with or without the token, while its batches still go in", async () => {
    const page = await browser.open(`${pages.origin}/index.html`);
    assert.deepEqual(await page.evaluate(() => window.cxkit.ready), { ok: true });
    assert.notEqual(new URL(pages.origin).origin, new URL(collector.origin).origin, "the page is cross-origin to the collector");
    const reads = await page.evaluate(async ({ origin, token }) => {
      const attempt = async (init) => {
        try {
          const response = await fetch(`${origin}/v1/stats?site=demo`, init);
          return `read ${response.status}`;
        } catch (error) {
          return `refused ${error.name}`;
        }
      };
      // Positive control: the same page reads the ingest route's answer (CORS is answered there).
      const posted = await fetch(`${origin}/v1/batch`, { method: "POST", body: "{}" }).then((r) => `read ${r.status}`, (e) => `refused ${e.name}`);
      return {
        posted,
        none: await attempt({}),
        token: await attempt({ headers: { authorization: `Bearer ${token}` } }),
        cookies: await attempt({ credentials: "include" }),
      };
    }, { origin: collector.origin, token: collector.adminToken });
    assert.deepEqual(reads, { posted: "read 400", none: "refused TypeError", token: "refused TypeError", cookies: "refused TypeError" });
    // The browser refused them, not the network: from outside a browser the collector answers 401, and 200 with the token.
    const outside = await fetch(`${collector.origin}/v1/stats?site=demo`);
    assert.equal(outside.status, 401);
    assert.equal(outside.headers.get("www-authenticate"), "Bearer");
    assert.equal(outside.headers.get("access-control-allow-origin"), null);
    assert.deepEqual(await outside.json(), { error: "admin token: missing" });
    await assertStillDelivers(page, "cxkit", "demo");
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });
});

describe("ESM import", () => {
  scenario("init, track and flush deliver the event with its properties", async () => {
    const page = await browser.open(`${pages.origin}/esm.html`);
    await page.waitForFunction(() => window.cxkitEsm !== undefined);
    await page.click({ role: "button", name: "Start checkout" });
    const flushed = await page.evaluate(() => window.cxkitEsm.flush());
    assert.deepEqual(flushed, { ok: true, sent: 1 });
    const rows = query(collector.db, "SELECT props FROM events WHERE name = 'checkout_started'");
    assert.deepEqual(rows.map((row) => JSON.parse(row.props)), [{ plan: "team", source: "esm" }]);
    assertValidBatches(await batchesSent(page));
    await assertStillDelivers(page, "cxkitEsm", "demo");
    assert.deepEqual((await page.errors()).pageErrors, []);
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });

  scenario("a bad track() call returns an error naming the field, and queues nothing", async () => {
    const page = await browser.open(`${pages.origin}/esm.html`);
    await page.waitForFunction(() => window.cxkitEsm !== undefined);
    const results = await page.evaluate(() => [
      window.cxkitEsm.track("bad", { n: Number.NaN }),
      window.cxkitEsm.track("$response", {}),
      window.cxkitEsm.track("deep", { a: { b: { c: { d: { e: { f: 1 } } } } } }),
      window.cxkitEsm.status().buffered,
    ]);
    assert.deepEqual(results.slice(0, 3).map((r) => r.error.message), [
      "props.n: must be a finite number",
      "name: names starting with '$' are reserved",
      "props.a.b.c.d.e: nested deeper than 5 levels",
    ]);
    assert.equal(results[3], 0, "nothing buffered");
    assert.equal((await page.errors()).consoleErrors.length, 1, "one console error per kind");
    await page.close();
  });
});

describe("errors", () => {
  scenario("refusals carry the core's code, field and message: an unknown built-in survey, a bad header, an insecure endpoint, an unknown survey id, a bad consent", async () => {
    const page = await browser.open(`${pages.origin}/test/init.html`);
    await page.waitForFunction(() => window.cxkitInit !== undefined);
    const results = await page.evaluate(async (endpoint) => {
      const text = await window.cxkitInit({ endpoint, siteId: "errors", survey: "poll", trigger: "delay:1s" });
      const headers = await window.cxkitInit({ endpoint, siteId: "errors", headers: { "bad name": "x" } });
      let strict;
      try {
        await window.cxkitInit({ endpoint: "http://example.com/cx", siteId: "errors", strict: true });
      } catch (thrown) {
        strict = { name: thrown.name, code: thrown.code, field: thrown.field, message: thrown.message };
      }
      const cx = await window.cxkitInit({ endpoint, siteId: "errors" });
      window.cxErrors = cx;
      return {
        text: (await text.ready).error,
        headers: (await headers.ready).error,
        strict,
        showPoll: cx.showSurvey("poll"),
        consent: cx.consent("maybe"),
      };
    }, collector.endpoint);
    const survey = { code: "invalid_survey", field: "survey", message: "survey: no configured or built-in survey has this id" };
    assert.deepEqual(results, {
      text: { code: "config", field: "survey", message: "survey: must be one of nps, csat, ces, text" },
      headers: { code: "config", field: "headers", message: "headers: must map header names to one-line text" },
      strict: { name: "CxError", code: "config", field: "endpoint", message: "endpoint: must use https (http only for localhost / 127.0.0.1)" },
      showPoll: { ok: false, error: survey },
      consent: { ok: false, error: { code: "consent", field: "consent", message: "consent: must be granted, pending or denied" } },
    });
    assert.deepEqual((await page.errors()).consoleErrors, [
      "cxkit: survey: must be one of nps, csat, ces, text",
      "cxkit: headers: must map header names to one-line text",
      "cxkit: endpoint: must use https (http only for localhost / 127.0.0.1)",
      "cxkit: survey: no configured or built-in survey has this id",
      "cxkit: consent: must be granted, pending or denied",
    ]);
    await assertStillDelivers(page, "cxErrors", "errors");
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });
});

describe("accessibility", () => {
  /** Whether an axe node target reaches into a shadow root under `hostSelector`. */
  const inside = (hostSelector) => (node) => Array.isArray(node.target[0]) && node.target[0][0] === hostSelector;

  scenario("axe finds no violation in the open widget, and its passes reach inside the shadow root", async () => {
    const page = await browser.open(`${pages.origin}/index.html`);
    await page.evaluate(() => window.cxkit.ready);
    await page.evaluate(() => window.cxkit.showSurvey("nps"));
    await page.click({ role: "radio", name: "9" });
    const { violations, passes } = await runAxe(page);
    assert.deepEqual(violations, [], "no violations on the page with the widget open");
    assert.ok(passes.filter(inside('div[data-cxkit="survey"]')).length >= 10, "axe checked nodes inside the widget");
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });

  scenario("the same check fails on a page with a known violation in a shadow root", async () => {
    const page = await browser.open(`${pages.origin}/test/bad-a11y.html`);
    const { violations } = await runAxe(page);
    assert.ok(violations.some((v) => v.rule === "button-name" && inside("#bad-host")(v)), JSON.stringify(violations));
    await page.close();
  });
});

describe("schema", () => {
  scenario("fixtures that break the wire format fail the schema", () => {
    const good = { v: 1, site: "demo", reason: "flush", sent: 2, t: 1, streams: ["AAAAAAAAAAAAAAAAAAAAAA"], names: ["a"], keys: [["k"]], events: [[0, 0, 0, 0, 0, 1]] };
    assert.ok(validateBatch(good), JSON.stringify(validateBatch.errors));
    const bad = [
      { ...good, v: 2 },
      { ...good, site: "a b" },
      { ...good, reason: "whim" },
      { ...good, streams: ["short"] },
      { ...good, events: [] },
      { ...good, events: [[0, 0, 0]] },
      { ...good, events: [[0, -1, 0, 0, 0]] },
      { ...good, events: [[0, 2 ** 53, 0, 0, 0, 1]] },
      { ...good, events: [[0, 0, 8640000000000001, 0, 0, 1]] },
      { ...good, t: 8640000000000001 },
      { ...good, sent: -1 },
      { ...good, extra: true },
    ];
    for (const batch of bad) assert.equal(validateBatch(batch), false, JSON.stringify(batch));
  });
});

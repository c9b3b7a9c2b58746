// The two modules: the core every page loads, the survey module fetched only where a survey
// shows (once, or ahead of an armed trigger), and every fetched file checked against the hash
// built into the JS that loads it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { eventually, ROOT } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

const CORE = ["/dist/cxkit.js", "/dist/cxkit.wasm"];
const SURVEY = ["/dist/cxkit-survey.js", "/dist/cxkit-survey.wasm"];
const dist = (name) => readFileSync(join(ROOT, "npm/dist", name));

const { collector, pages, browser } = await useHarness();

afterEach(() => pages.overrides.clear());

/** Requests per file since `mark` (an index into the page server's request log). */
function countsSince(mark, paths) {
  const recent = pages.requests.slice(mark);
  return Object.fromEntries(paths.map((path) => [path, recent.filter((seen) => seen === path).length]));
}

/** The page still works: one more event reaches the collector. */
async function assertStillDelivers(page, site) {
  const before = (await collector.stats(site)).events;
  const result = await page.evaluate(async () => {
    window.cxkit.track("still_alive", {});
    return window.cxkit.flush();
  });
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal((await collector.stats(site)).events, before + 1);
}

/** `bytes` with a custom section appended: still valid wasm, so only the hash can tell. */
function withCustomSection(bytes) {
  const name = Buffer.from("cx-tampered");
  const payload = Buffer.concat([Buffer.from([name.length]), name, Buffer.from("not the release")]);
  return Buffer.concat([bytes, Buffer.from([0, payload.length]), payload]);
}

describe("two modules", () => {
  scenario("cxkit.js and cxkit.wasm carry no survey code", () => {
    for (const file of ["cxkit.js", "cxkit.wasm", "index.js"]) {
      const text = dist(file).toString("latin1");
      for (const surveyOnly of ["How likely are you to recommend", "aria-modal", "radiogroup", "Thank you for your feedback"]) {
        assert.ok(!text.includes(surveyOnly), `${file} holds survey-only code: "${surveyOnly}"`);
      }
    }
    assert.ok(dist("cxkit-survey.wasm").toString("latin1").includes("How likely are you to recommend"), "positive control: the survey module has it");
  });

  scenario("a page that shows no survey fetches the core only, even once idle", async () => {
    const mark = pages.requests.length;
    const page = await browser.open(`${pages.origin}/test/plain.html`);
    assert.deepEqual(await page.evaluate(() => window.cxkit.ready), { ok: true });
    // Idle work (warm-up, any prefetch) runs within requestIdleCallback's 2 s timeout.
    await sleep(2500);
    assert.deepEqual(countsSince(mark, [...CORE, ...SURVEY]), {
      "/dist/cxkit.js": 1, "/dist/cxkit.wasm": 1, "/dist/cxkit-survey.js": 0, "/dist/cxkit-survey.wasm": 0,
    });
    await assertStillDelivers(page, "plain");
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });

  scenario("showSurvey fetches the survey module once, however often a survey shows", async () => {
    const mark = pages.requests.length;
    const page = await browser.open(`${pages.origin}/index.html`);
    await page.evaluate(() => window.cxkit.ready);
    for (const score of ["3", "10"]) {
      await page.evaluate(() => window.cxkit.showSurvey("nps"));
      await page.click({ role: "radio", name: score });
      await page.click({ role: "button", name: "Submit" });
      await page.waitFor({ role: "dialog" }, { gone: true });
    }
    assert.deepEqual(countsSince(mark, SURVEY), { "/dist/cxkit-survey.js": 1, "/dist/cxkit-survey.wasm": 1 });
    await eventually(async () => (await collector.stats("demo")).nps?.responses >= 2, "both answers stored");
    await assertStillDelivers(page, "demo");
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });

  scenario("an armed trigger fetches the module at idle: the survey shows with the files gone from the server", async () => {
    const mark = pages.requests.length;
    const page = await browser.open(`${pages.origin}/test/trigger.html`);
    await page.evaluate(() => window.cxkit.ready);
    await eventually(() => countsSince(mark, SURVEY)["/dist/cxkit-survey.wasm"] === 1, "the survey module prefetched at idle", 3500);
    assert.equal(await page.count({ role: "dialog" }), 0, "prefetched before the trigger fired");
    // From now on the server has no survey files: the dialog can only come from the prefetch.
    for (const path of SURVEY) pages.overrides.set(path, null);
    const gone = pages.requests.length;
    await page.waitFor({ role: "dialog" }, { timeout: 8000 });
    assert.equal(await page.count({ role: "radio" }), 5, "the CSAT scale");
    assert.deepEqual(countsSince(gone, SURVEY), { "/dist/cxkit-survey.js": 0, "/dist/cxkit-survey.wasm": 0 }, "no request at trigger time");
    await assertStillDelivers(page, "trigger");
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });
});

describe("integrity", () => {
  /** Opens the tag page with `path` tampered and asks for a survey. */
  async function showWithTampered(path, bytes) {
    pages.overrides.set(path, bytes);
    const page = await browser.open(`${pages.origin}/index.html`);
    await page.evaluate(() => window.cxkit.ready);
    const shown = await page.evaluate(() => window.cxkit.showSurvey("nps"));
    assert.deepEqual(shown, { ok: true }, "the core allowed it; the module is what fails");
    await eventually(async () => (await page.errors()).consoleErrors.some((line) => line.startsWith("cxkit:")), "cxkit's console error");
    return page;
  }

  scenario("a survey wasm that is valid but not the one built is refused, and the core goes on", async () => {
    const tampered = withCustomSection(dist("cxkit-survey.wasm"));
    assert.ok(WebAssembly.validate(tampered), "still valid wasm: only the hash can catch it");
    const page = await showWithTampered("/dist/cxkit-survey.wasm", tampered);
    const ours = (await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:"));
    assert.deepEqual(ours, ["cxkit: cxkit-survey.wasm failed its integrity check (it is not the file this release was built with); no survey is shown"]);
    assert.equal(await page.count({ css: "[data-cxkit=survey]" }), 0, "nothing shown");
    await assertStillDelivers(page, "demo");
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });

  scenario("a survey module the server cannot give shows nothing, says so once, and the core goes on", async () => {
    for (const path of SURVEY) pages.overrides.set(path, null);
    const page = await showWithTampered("/dist/cxkit-survey.js", null);
    await page.evaluate(() => window.cxkit.showSurvey("nps"));
    await sleep(300);
    const ours = (await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:"));
    assert.deepEqual(ours, ["cxkit: cxkit-survey.js could not be loaded; no survey is shown"], "one error, however often asked");
    assert.equal(await page.count({ css: "[data-cxkit=survey]" }), 0);
    await assertStillDelivers(page, "demo");
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });

  scenario("a survey script changed by one comment is refused before it runs", async () => {
    const page = await showWithTampered("/dist/cxkit-survey.js", Buffer.concat([dist("cxkit-survey.js"), Buffer.from("\n// changed\n")]));
    const ours = (await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:"));
    assert.deepEqual(ours, ["cxkit: cxkit-survey.js failed its integrity check (it is not the file this release was built with); no survey is shown"]);
    assert.equal(await page.count({ css: "[data-cxkit=survey]" }), 0);
    await assertStillDelivers(page, "demo");
    await page.close();
  });

  scenario("a tampered core wasm leaves cxkit off with one error and the page unharmed", async () => {
    pages.overrides.set("/dist/cxkit.wasm", withCustomSection(dist("cxkit.wasm")));
    const page = await browser.open(`${pages.origin}/index.html`);
    const ready = await page.evaluate(() => window.cxkit.ready);
    assert.equal(ready.ok, false);
    assert.equal(ready.error.message, "cxkit.wasm failed its integrity check (it is not the file this release was built with)");
    assert.deepEqual((await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:")), [`cxkit: ${ready.error.message}`]);
    assert.deepEqual(await page.evaluate(() => window.cxkit.track("x", {}).ok), false);
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });
});

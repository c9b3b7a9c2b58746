// Configured surveys (issue 16) end to end, against the real collector: steps and branching,
// one `$response` per answered step linked by `run_id`; targeting decided by the core when a
// trigger fires — URL rules read at that moment (SPA), sticky sampling, caps across a reload
// and across two tabs; `force` previews; `debug` says why; a bad survey is off alone; the
// script tag's `data-config`. On the tracker's test page with the in-page fake clock.
import assert from "node:assert/strict";
import { after, afterEach, before, describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { query } from "./lib/sqlite.mjs";

let harness, collector, pages, browser;

before(async () => {
  harness = await startHarness();
  ({ collector, pages, browser } = harness);
});

afterEach(async () => {
  await browser.closePages();
});

after(async () => {
  await harness?.stop();
});

const START = new Date("2026-11-23T12:00:00Z");
let sites = 0;
const newSite = () => `surveys-${process.pid}-${++sites}`;

/** An NPS survey with one follow-up per bucket: the branch a score takes is its follow-up. */
const NPS_FOLLOW_UPS = {
  id: "loyalty",
  steps: [
    { id: "score", kind: "nps" },
    { id: "fix", kind: "choice", question: "What should we fix first?", options: ["Price", "Delivery", "Support"], when: { step: "score", bucket: "detractor" } },
    { id: "missing", kind: "text", question: "What is missing?", when: { step: "score", bucket: "passive" } },
    { id: "love", kind: "choice", question: "What do you like most?", options: ["Price", "Delivery", "Support"], multiple: true, when: { step: "score", bucket: "promoter" } },
  ],
  thankYou: "Thanks, noted.",
  trigger: "delay:1s",
  placement: "center",
};

/** Opens the tracker page on the fake clock and starts cxkit with `options` (the tracker on,
 * `debug` on); its first intake has run. `siteId` reuses a site (a reload, a second tab). */
async function openWith(options, siteId = newSite()) {
  const page = await browser.open(`${pages.origin}/test/tracker.html`, { clock: { now: START } });
  await startOn(page, options, siteId);
  return { page, siteId };
}

async function startOn(page, options, siteId) {
  await page.clock.runFor(1000);
  await page.waitForFunction(() => typeof window.cxkitInit === "function");
  const ready = await page.evaluate(async ({ endpoint, options }) => {
    window.debugLines = [];
    const info = console.info;
    console.info = (...parts) => {
      window.debugLines.push(parts.join(" "));
      info(...parts);
    };
    window.cx = await window.cxkitInit({ endpoint, ...options });
    return window.cx.ready;
  }, { endpoint: collector.endpoint, options: { siteId, countBots: true, debug: true, ...options } });
  assert.deepEqual(ready, { ok: true });
  await page.clock.runFor(0);
}

const widgets = (page) => page.count({ css: "[data-cxkit=survey]" });

/** No survey: after the survey module would have had the time to load, had it been asked for. */
async function assertAbsent(page, why) {
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await widgets(page), 0, why);
}

async function assertPresent(page, why) {
  await eventually(async () => (await widgets(page)) === 1, why, 5000);
}

const debugLines = (page) => page.evaluate(() => window.debugLines);

/** The `$response` / `$dismiss` props the collector stored for `siteId`, in order. */
async function stored(page, siteId, name = "$response") {
  const flushed = await page.evaluate(() => window.cx.flush());
  assert.equal(flushed.ok, true, JSON.stringify(flushed));
  return query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '${name}' ORDER BY seq`).map((row) => JSON.parse(row.props));
}

/** Answers the open scale step with `score` and confirms it. */
async function answerScale(page, score) {
  await page.click({ role: "radio", name: String(score) });
  await page.click({ css: "[data-cxkit=survey] >>> .submit" });
}

/** Every scenario ends by delivering one more event, with no cxkit console error but `allowed`. */
async function assertStillDelivers(page, siteId, allowed = []) {
  const result = await page.evaluate(() => {
    window.cx.track("still_alive", {});
    return window.cx.flush();
  });
  assert.equal(result.ok, true, JSON.stringify(result));
  await eventually(async () => (await collector.stats(siteId)).events > 0, "events stored");
  const errors = (await page.errors()).consoleErrors.filter((line) => line.startsWith("cxkit:"));
  assert.deepEqual(errors, allowed);
}

describe("configured surveys", () => {
  scenario("NPS with a follow-up per bucket: a detractor is asked what to fix, a promoter what they like; one $response per step, one run_id per run", async () => {
    const runs = [];
    for (const [score, follow, pick] of [[3, "What should we fix first?", ["Delivery"]], [10, "What do you like most?", ["Price", "Support"]]]) {
      const { page, siteId } = await openWith({ surveys: [NPS_FOLLOW_UPS] });
      await page.clock.runFor(1001);
      await assertPresent(page, "delay:1s");
      await answerScale(page, score);
      await page.waitFor({ role: "dialog" });
      assert.equal(await page.count({ css: "[data-cxkit=survey]", text: follow }), 0);
      for (const option of pick) await page.click({ role: pick.length > 1 ? "checkbox" : "radio", name: option });
      await page.click({ css: "[data-cxkit=survey] >>> .submit" });
      const answers = await stored(page, siteId);
      assert.deepEqual(answers.map((a) => [a.survey, a.question, a.kind, a.value ?? a.choice]), [
        ["loyalty", "score", "nps", score],
        ["loyalty", score === 3 ? "fix" : "love", "choice", pick],
      ]);
      assert.equal(answers[0].run_id, answers[1].run_id, "one run");
      assert.match(answers[0].run_id, /^[A-Za-z0-9_-]{22}$/);
      runs.push(answers[0].run_id);
      await assertStillDelivers(page, siteId);
    }
    assert.notEqual(runs[0], runs[1], "each showing is a run of its own");
  });
});

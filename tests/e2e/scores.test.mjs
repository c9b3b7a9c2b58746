// cx.scores() against /v1/stats (issue 16, "Scores"): one browser answers NPS, CSAT and CES
// surveys by clicks, one answer per page load, and both sides report the same figures from the
// same Rust tallies — the browser from what it stored across the reloads, the collector from
// the stored `$response` events.
import assert from "node:assert/strict";
import { describe } from "node:test";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { validateStats } from "./lib/schema.mjs";

const { collector, pages, browser } = await useHarness();

/** The script-tag page's handle, once it is running. */
async function ready(page) {
  await page.waitForFunction(() => window.cxkit !== undefined);
  assert.deepEqual(await page.evaluate(() => window.cxkit.ready), { ok: true });
}

/** Shows survey `id`, answers `value` by clicking the radio and Submit, and delivers it. */
async function answer(page, id, value) {
  await page.evaluate((id) => window.cxkit.showSurvey(id), id);
  await page.click({ role: "radio", name: String(value) });
  await page.click({ role: "button", name: "Submit" });
  const flushed = await page.evaluate(() => window.cxkit.flush());
  assert.equal(flushed.ok, true, JSON.stringify(flushed));
}

/** The survey figures of `cx.scores()`. */
const surveyScores = (page) => page.evaluate(() => {
  const { nps, csat, ces } = window.cxkit.scores();
  return { nps, csat, ces };
});

describe("scores", () => {
  scenario("scores: NPS 10, 9, 7, 3, CSAT 5, 4, 2 and CES 7, 3, each answered on its own page load, score the same in cx.scores() and /v1/stats", async () => {
    const page = await browser.open(`${pages.origin}/index.html`);
    await ready(page);
    // Nothing answered yet: empty sets score null, not 0 (decisions.md §21).
    assert.deepEqual(await surveyScores(page), {
      nps: { score: null, responses: 0, promoters: 0, passives: 0, detractors: 0 },
      csat: { percent: null, mean: null, responses: 0, satisfied: 0 },
      ces: { mean: null, percentAgree: null, responses: 0, agree: 0 },
    });

    const answers = [["nps", 10], ["nps", 9], ["nps", 7], ["nps", 3], ["csat", 5], ["csat", 4], ["csat", 2], ["ces", 7], ["ces", 3]];
    for (const [i, [id, value]] of answers.entries()) {
      if (i > 0) {
        await page.reload();
        await ready(page);
      }
      await answer(page, id, value);
    }
    // Hand-computed: NPS (2 promoters − 1 detractor) / 4 = 25.0; CSAT 2 of 3 are 4–5 = 66.67 →
    // 66.7 %, mean 11 / 3 = 3.67 → 3.7; CES 1 of 2 is 5–7 = 50.0 %, mean 10 / 2 = 5.0.
    const expected = {
      nps: { score: 25, responses: 4, promoters: 2, passives: 1, detractors: 1 },
      csat: { percent: 66.7, mean: 3.7, responses: 3, satisfied: 2 },
      ces: { mean: 5, percentAgree: 50, responses: 2, agree: 1 },
    };
    assert.deepEqual(await surveyScores(page), expected, "the browser's tallies, kept across eight reloads");
    await page.reload();
    await ready(page);
    assert.deepEqual(await surveyScores(page), expected, "and once more on a page load that answered nothing");

    const stats = await collector.stats("demo");
    assert.ok(validateStats(stats), JSON.stringify(validateStats.errors));
    assert.deepEqual(stats.nps, { responses: 4, promoters: 2, passives: 1, detractors: 1, score: 25 });
    assert.deepEqual(stats.csat, { responses: 3, satisfied: 2, percent: 66.7, mean: 3.7 });
    assert.deepEqual(stats.ces, { responses: 2, agree: 1, percent_agree: 50, mean: 5 });
    assert.equal(stats.redeliveries, 0, "every answer was flushed before its reload");

    // The instance still works: one more event arrives.
    const before = stats.events;
    const result = await page.evaluate(() => {
      window.cxkit.track("still_alive", {});
      return window.cxkit.flush();
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal((await collector.stats("demo")).events, before + 1);
    assert.deepEqual((await page.errors()).pageErrors, []);
    assert.deepEqual((await page.errors()).consoleErrors, []);
    await page.close();
  });
});

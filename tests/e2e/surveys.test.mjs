// Configured surveys (issue 16) end to end, against the real collector: steps and branching,
// one `$response` per answered step linked by `run_id`; targeting decided by the core when a
// trigger fires — URL rules read at that moment (SPA), sticky sampling, caps across a reload
// and across two tabs; `force` previews; `debug` says why; a bad survey is off alone; the
// script tag's `data-config`. On the tracker's test page with the in-page fake clock.
import assert from "node:assert/strict";
import { describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { query } from "./lib/sqlite.mjs";

const { collector, pages, browser } = await useHarness();

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

/** The question the open survey asks now. */
const question = (page) => page.evaluate(() => document.querySelector("[data-cxkit=survey]")?.shadowRoot.querySelector(".question")?.textContent ?? null);

/** Answers the open scale step with `score` and confirms it with its button (`Next`, or
 * `Submit` on a last step). */
async function answerScale(page, score, button = "Next") {
  await page.click({ role: "radio", name: String(score) });
  await page.click({ role: "button", name: button });
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
      await eventually(async () => (await question(page)) === follow, `the follow-up for ${score}`);
      for (const option of pick) await page.click({ role: pick.length > 1 ? "checkbox" : "radio", name: option });
      await page.click({ role: "button", name: "Submit" });
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

  scenario("the cap holds across a reload: answered, its trigger shows nothing on the next page load; force previews it", async () => {
    const survey = { id: "once", steps: [{ id: "score", kind: "csat" }], trigger: "delay:1s" };
    const { page, siteId } = await openWith({ surveys: [survey] });
    await page.clock.runFor(1001);
    await assertPresent(page, "first visit");
    await answerScale(page, 4, "Submit");
    assert.equal((await stored(page, siteId)).length, 1);
    await page.reload();
    await startOn(page, { surveys: [survey] }, siteId);
    await page.clock.runFor(1001);
    await assertAbsent(page, "answered, no cap.days: never again");
    assert.ok((await debugLines(page)).includes('cxkit: survey "once" not shown: answered, and its cap keeps it away'), JSON.stringify(await debugLines(page)));
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("once")), { ok: true });
    await assertAbsent(page, "showSurvey without force keeps to the cap");
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("once", { force: true })), { ok: true });
    await assertPresent(page, "force: a preview");
    await assertStillDelivers(page, siteId);
  });

  scenario("two tabs: a survey open in one does not show in the other, and an answer in the first caps it in the second", async () => {
    const survey = { id: "tabs", steps: [{ id: "score", kind: "nps" }], trigger: "delay:1s" };
    const first = await openWith({ surveys: [survey] });
    await first.page.clock.runFor(1001);
    await assertPresent(first.page, "the first tab shows it");
    const second = await openWith({ surveys: [survey] }, first.siteId);
    await second.page.clock.runFor(1001);
    await assertAbsent(second.page, "open in the first tab");
    assert.ok((await debugLines(second.page)).includes('cxkit: survey "tabs" not shown: open in another tab'), JSON.stringify(await debugLines(second.page)));
    await answerScale(first.page, 9, "Submit");
    assert.equal((await stored(first.page, first.siteId)).length, 1);
    await second.page.evaluate(() => window.cx.showSurvey("tabs"));
    await assertAbsent(second.page, "answered in the first tab");
    assert.ok((await debugLines(second.page)).includes('cxkit: survey "tabs" not shown: answered, and its cap keeps it away'));
    await assertStillDelivers(second.page, first.siteId);
  });

  scenario("sampling: a 0 % survey never shows and a 100 % survey always does, for every visitor", async () => {
    for (let visitor = 0; visitor < 3; visitor++) {
      const surveys = [
        { id: "nobody", steps: [{ id: "s", kind: "nps" }], trigger: "delay:1s", sample: 0 },
        { id: "everybody", steps: [{ id: "s", kind: "ces" }], trigger: "delay:2s", sample: 100 },
      ];
      const { page, siteId } = await openWith({ surveys });
      await page.clock.runFor(1001);
      await assertAbsent(page, "sample 0");
      assert.ok((await debugLines(page)).includes('cxkit: survey "nobody" not shown: this visitor is outside its sample'));
      await page.clock.runFor(1000);
      await assertPresent(page, "sample 100");
      await assertStillDelivers(page, siteId);
    }
  });

  scenario("SPA: a delayed survey whose URL rule stops matching does not appear; one already open stays when the URL changes", async () => {
    const urls = { include: ["/test/tracker.html"] };
    const late = await openWith({ surveys: [{ id: "landing", steps: [{ id: "s", kind: "csat" }], trigger: "delay:2s", urls }] });
    await late.page.clock.runFor(1000);
    await late.page.click({ css: "#to-cart" });
    await late.page.clock.runFor(1001);
    await assertAbsent(late.page, "the visitor navigated on to /test/cart");
    assert.ok((await debugLines(late.page)).includes('cxkit: survey "landing" not shown: the page is not among its urls'));
    await assertStillDelivers(late.page, late.siteId);

    const open = await openWith({ surveys: [{ id: "landing", steps: [{ id: "s", kind: "csat" }], trigger: "delay:1s", urls }] });
    await open.page.clock.runFor(1001);
    await assertPresent(open.page, "on its page");
    await open.page.click({ css: "#to-cart" });
    await open.page.clock.runFor(2000);
    await assertPresent(open.page, "still open after the route change");
    await answerScale(open.page, 5, "Submit");
    assert.deepEqual((await stored(open.page, open.siteId)).map((a) => [a.survey, a.value, a.path]), [["landing", 5, "/test/cart"]]);
    await assertStillDelivers(open.page, open.siteId);
  });

  scenario("a survey with a bad field is off alone: one console error names the field, the other survey shows", async () => {
    const options = Array.from({ length: 11 }, (_, i) => `Option ${i}`);
    const surveys = [
      { id: "broken", steps: [{ id: "why", kind: "choice", question: "Why?", options }], trigger: "delay:1s" },
      { id: "fine", steps: [{ id: "s", kind: "nps" }], trigger: "delay:1s" },
    ];
    const { page, siteId } = await openWith({ surveys });
    await page.clock.runFor(1001);
    await assertPresent(page, "the good survey");
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("broken")).then((r) => r.ok), false, "an id that is off is unknown");
    await assertStillDelivers(page, siteId, ["cxkit: surveys[0].steps[0].options: at most 10; that survey is off", "cxkit: survey: no configured or built-in survey has this id"]);
  });

  scenario("the script tag reads surveys from data-config (a JSON script on the page) and shows one by its trigger", async () => {
    const page = await browser.open(`${pages.origin}/test/surveys-tag.html`, { clock: { now: START } });
    await page.clock.runFor(1000);
    await page.waitForFunction(() => window.cxkit !== undefined);
    assert.deepEqual(await page.evaluate(() => window.cxkit.ready), { ok: true });
    await page.clock.runFor(2001);
    await assertPresent(page, "delay:2s from data-config");
    assert.equal(await question(page), "Wie einfach war es?");
    await page.click({ role: "radio", name: "6" });
    await page.click({ role: "button", name: "Senden" });
    const flushed = await page.evaluate(() => window.cxkit.flush());
    assert.equal(flushed.ok, true, JSON.stringify(flushed));
    const answers = query(collector.db, "SELECT props FROM events WHERE site = 'surveys-tag' AND name = '$response'").map((row) => JSON.parse(row.props));
    assert.deepEqual(answers.map((a) => [a.survey, a.kind, a.value, a.locale]), [["effort", "ces", 6, "de"]]);
  });

  scenario("every kind answered by mouse, in one survey: CSAT, CES, free text (its e-mail and card number redacted on the device) and a multiple choice", async () => {
    const survey = {
      id: "all_kinds",
      steps: [
        { id: "sat", kind: "csat" },
        { id: "effort", kind: "ces" },
        { id: "words", kind: "text", question: "Anything else?" },
        { id: "topics", kind: "choice", question: "Which topics?", options: ["Price", "Delivery", "Support"], multiple: true },
      ],
      placement: "bottom-left",
    };
    const { page, siteId } = await openWith({ surveys: [survey] });
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("all_kinds")), { ok: true });
    await assertPresent(page, "manual");
    await answerScale(page, 2);
    await answerScale(page, 6);
    await eventually(async () => (await question(page)) === "Anything else?", "the text step");
    await page.click({ css: "textarea" });
    for (const key of "mail:reach.me@example.com,card:4111111111111111") await page.press(key);
    await page.click({ role: "button", name: "Next" });
    await page.click({ role: "checkbox", name: "Support" });
    await page.click({ role: "checkbox", name: "Price" });
    await page.click({ role: "button", name: "Submit" });
    const answers = await stored(page, siteId);
    assert.deepEqual(answers.map((a) => [a.question, a.kind, a.value ?? a.choice ?? a.text]), [
      ["sat", "csat", 2],
      ["effort", "ces", 6],
      ["words", "text", "mail:[email],card:[card]"],
      ["topics", "choice", ["Price", "Support"]],
    ]);
    assert.equal(new Set(answers.map((a) => a.run_id)).size, 1, "one run");
    const scores = await page.evaluate(() => window.cx.scores());
    assert.deepEqual([scores.csat.responses, scores.csat.satisfied, scores.ces.responses, scores.ces.agree], [1, 0, 1, 1], "the scale steps count in the browser's tallies");
    await assertStillDelivers(page, siteId);
  });

  scenario("Arabic: the built-in words come from the fetched locale file, right to left — 0 lies to the right of 10, the thank-you in Arabic", async () => {
    const { page, siteId } = await openWith({ locale: "ar-EG", surveys: [{ id: "loyal", steps: [{ id: "score", kind: "nps" }], placement: "center" }] });
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("loyal")), { ok: true });
    await assertPresent(page, "manual");
    assert.equal(await question(page), "ما مدى احتمال أن توصي بنا لصديق أو زميل؟");
    const [zero, ten] = await page.evaluate(() => {
      const root = document.querySelector("[data-cxkit=survey]").shadowRoot;
      const radio = (name) => [...root.querySelectorAll("[role=radio]")].find((r) => r.textContent === name).getBoundingClientRect();
      return [radio("0"), radio("10")].map((rect) => rect.left + rect.width / 2);
    });
    assert.ok(zero > ten, `0 at x=${zero} lies right of 10 at x=${ten}`);
    await answerScale(page, 7, "إرسال");
    const [answer] = await stored(page, siteId);
    assert.deepEqual([answer.survey, answer.value, answer.locale], ["loyal", 7, "ar"]);
    await eventually(async () => (await page.evaluate(() => document.querySelector("[data-cxkit=survey]")?.shadowRoot.querySelector("[role=status]")?.textContent)) === "شكرًا لك على ملاحظاتك!", "the thank-you in Arabic");
    await assertStillDelivers(page, siteId);
  });

  scenario("consent pending: no automatic survey and nothing of the caps stored; a shown survey's answer is held, and the caps are kept once consent is granted", async () => {
    const survey = { id: "held", steps: [{ id: "s", kind: "nps" }], trigger: "delay:1s" };
    const { page, siteId } = await openWith({ consent: "pending", surveys: [survey] });
    await page.clock.runFor(1001);
    await assertAbsent(page, "pending consent shows no automatic survey");
    assert.ok((await debugLines(page)).includes('cxkit: survey "held" not shown: consent does not allow automatic surveys'));
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("held")), { ok: true });
    await assertPresent(page, "a manual survey shows");
    await answerScale(page, 8, "Submit");
    const keys = () => page.evaluate((site) => Object.keys(localStorage).filter((key) => key.startsWith(`cxkit:${site}:`)), siteId);
    assert.deepEqual(await keys(), [], "nothing stored while pending");
    await page.evaluate(() => window.cx.consent("granted"));
    const [answer] = await stored(page, siteId);
    assert.deepEqual([answer.survey, answer.value], ["held", 8], "the held answer is sent once granted");
    await page.clock.runFor(3000);
    await page.waitFor({ css: "[data-cxkit=survey]" }, { gone: true });
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("held")), { ok: true });
    await assertPresent(page, "not capped: its answer came while nothing could be kept");
    await answerScale(page, 9, "Submit");
    assert.ok((await keys()).includes(`cxkit:${siteId}:surveys`), "the caps are kept now");
    await assertStillDelivers(page, siteId);
  });

  scenario("a survey left unanswered when the page goes is a dismissal: $dismiss is sent, and with cap.dismissals 1 it never shows again", async () => {
    const survey = { id: "left", steps: [{ id: "s", kind: "csat" }], trigger: "delay:1s", cap: { dismissals: 1 } };
    const { page, siteId } = await openWith({ surveys: [survey] });
    await page.clock.runFor(1001);
    await assertPresent(page, "shown");
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent("pagehide")));
    const dismissals = () => query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '$dismiss'`).map((row) => JSON.parse(row.props));
    await eventually(async () => dismissals().length === 1, "the dismissal sent as the page goes");
    assert.deepEqual(dismissals().map((d) => [d.survey, typeof d.run_id]), [["left", "string"]]);
    await page.reload();
    await startOn(page, { surveys: [survey] }, siteId);
    await page.clock.runFor(1001);
    await assertAbsent(page, "dismissed once, its cap");
    assert.ok((await debugLines(page)).includes('cxkit: survey "left" not shown: dismissed too often or too recently'));
    await assertStillDelivers(page, siteId);
  });

  scenario("keyboard only, centre dialog: CSAT, CES, one choice and several choices answered with Tab, arrows, Space and Enter — no click, no focus() call", async () => {
    const survey = {
      id: "keys",
      steps: [
        { id: "sat", kind: "csat" },
        { id: "effort", kind: "ces" },
        { id: "one", kind: "choice", question: "Pick one", options: ["Red", "Green", "Blue"] },
        { id: "many", kind: "choice", question: "Pick any", options: ["Tea", "Coffee", "Water"], multiple: true },
      ],
      placement: "center",
    };
    const { page, siteId } = await openWith({ surveys: [survey] });
    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("keys")), { ok: true });
    await assertPresent(page, "shown");
    const focused = () => page.evaluate(() => {
      const root = document.querySelector("[data-cxkit=survey]")?.shadowRoot;
      const active = root?.activeElement;
      return active ? `${active.getAttribute("role") ?? active.tagName.toLowerCase()}:${active.textContent.trim()}` : null;
    });
    await eventually(async () => (await focused()) !== null, "the centre dialog takes focus");
    const keys = async (...names) => { for (const name of names) await page.press(name); };
    // CSAT: focus is on the first score; two steps right is 3, Enter confirms.
    await keys("ArrowRight", "ArrowRight", "Enter");
    await eventually(async () => (await stored(page, siteId)).length === 1, "the CSAT step sent at once");
    await eventually(async () => /^radio:/.test((await focused()) ?? ""), "focus moves into the next step");
    await keys("End", "Enter");
    await eventually(async () => (await question(page)) === "Pick one", "the single choice");
    await keys("ArrowDown", "Enter");
    await eventually(async () => (await question(page)) === "Pick any", "the multiple choice");
    // Space toggles the focused box; Tab moves between boxes, then to the button.
    await keys(" ", "Tab", "Tab", " ");
    for (let i = 0; i < 4 && (await focused()) !== "button:Submit"; i++) await keys("Tab");
    assert.equal(await focused(), "button:Submit");
    await keys("Enter");
    const answers = await stored(page, siteId);
    assert.deepEqual(answers.map((a) => [a.question, a.value ?? a.choice]), [["sat", 3], ["effort", 7], ["one", ["Green"]], ["many", ["Tea", "Water"]]]);
    await assertStillDelivers(page, siteId);
  });
});

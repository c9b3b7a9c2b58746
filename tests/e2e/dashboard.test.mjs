// The collector's dashboard (issue 18, "The dashboard"): /dashboard/ from the collector's own
// origin, under its strict CSP, shows the figures of /v1/stats for the same data, shows a
// customer's hostile comment as text, and answers a wrong token with an error that forgets it.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { postDashboardData } from "./lib/dashboard-fixture.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

const HOSTILE = "<img src=x onerror=alert(1)>";
const TOKEN_KEY = "cxkit.dashboard.token";

let harness, collector, browser;

before(async () => {
  harness = await startHarness();
  ({ collector, browser } = harness);
  await postDashboardData(collector.endpoint, "demo", { comments: [HOSTILE] });
});

after(async () => {
  await harness?.stop();
});

/** Records CSP violations from now on, in the page (bubbling to the document, captured). */
function listenForViolations() {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`), true);
  return true;
}

/** Types `token` (and `site`) into the form and submits it with the Show button. */
async function submit(page, token, site = "demo") {
  await page.evaluate(({ token, site }) => {
    document.getElementById("token").value = token;
    document.getElementById("site").value = site;
    return true;
  }, { token, site });
  await page.click({ role: "button", name: "Show" });
}

describe("dashboard", () => {
  scenario("dashboard: loaded from the collector under its strict CSP, shows /v1/stats' NPS, a hostile comment as text, and a wrong token as an error", async () => {
    const page = await browser.open(`${collector.origin}/dashboard/`);
    // Before anything data-driven is drawn: the listener is in before the token is entered.
    await page.evaluate(listenForViolations);
    // The page's own stylesheet and module ran under the policy (no inline style or script).
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === "rgb(245, 246, 248)");
    assert.equal(await page.evaluate(() => document.getElementById("board").hidden), true, "nothing shown without the token");

    await submit(page, collector.adminToken);
    await page.waitForFunction(() => document.querySelector("#board:not([hidden]) [data-figure=nps]") !== null);

    const stats = await collector.stats("demo");
    assert.ok(stats.nps.responses > 0 && stats.nps.score !== null, "the fixture answered NPS");
    const shown = await page.evaluate(() => ({
      nps: document.querySelector("[data-figure=nps]").textContent,
      csat: document.querySelector("[data-figure=csat]").textContent,
      url: location.href,
      stored: sessionStorage.getItem("cxkit.dashboard.token") !== null,
    }));
    assert.equal(shown.nps, String(stats.nps.score), "the NPS figure is /v1/stats' nps.score");
    assert.equal(shown.csat, `${stats.csat.percent} %`);
    assert.equal(shown.url, `${collector.origin}/dashboard/`, "the token is not in the URL");
    assert.equal(shown.stored, true, "the token is kept for the tab");

    // The hostile comment: the exact literal is one comment's text, and no <img> was made.
    const hostile = await page.evaluate((text) => ({
      asText: [...document.querySelectorAll(".comment-list .text")].filter((n) => n.textContent === text).length,
      images: document.querySelectorAll("img").length,
    }), HOSTILE);
    assert.deepEqual(hostile, { asText: 1, images: 0 });

    // Every section drew; NPS over time is a chart, since the collector answers `series`.
    const sections = await page.evaluate(() => [...document.querySelectorAll("#board section h2")].map((h) => h.textContent));
    assert.deepEqual(sections, ["NPS", "CSAT", "CES", "Responses", "NPS over time", "Session scores", "Journey funnel", "Web vitals", "Moments of truth", "Latest comments"]);
    const drawn = await page.evaluate(() => ({
      chart: document.querySelector("section.series svg.chart") !== null,
      moments: [...document.querySelectorAll("table.moments tbody tr")].map((row) => row.lastElementChild.textContent),
    }));
    assert.equal(drawn.chart, true, "the NPS series is drawn");
    const gaps = stats.moments.map((m) => `${m.gap > 0 ? "+" : ""}${m.gap}`);
    assert.deepEqual(drawn.moments, gaps, "one row per moment, its gap as /v1/stats ranks it");
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");

    // A wrong token: the error, the board gone, the stored token forgotten.
    await submit(page, "not-the-token");
    await page.waitForFunction(() => /wrong or missing token/i.test(document.getElementById("status").textContent));
    const refused = await page.evaluate((key) => ({
      board: document.getElementById("board").hidden,
      stored: sessionStorage.getItem(key),
    }), TOKEN_KEY);
    assert.deepEqual(refused, { board: true, stored: null });
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
    await page.close();
  });
});

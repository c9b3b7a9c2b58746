// Survey trigger → dialog painted (decisions.md §37: ≤ 16 ms prefetched, ≤ 50 ms cold), for
// `make bench` (bench/run.mjs) or alone: `node bench/survey-paint.mjs [--runs N]` (default 20).
// bench/survey.html is page.html's script tag (the site and the trigger from its query), with
// bench/survey-hooks.js, which timestamps the dialog in the page: `performance.now()` when the
// host is connected (a MutationObserver), then `requestAnimationFrame` and a task after it — the
// frame that holds the dialog painted. Per run, a fresh browser profile (nothing cached):
//   cold        `showSurvey("nps")` with the survey module not yet fetched (no trigger armed,
//               so no idle prefetch): fetch, integrity check, compile, instantiate, mount
//   prefetched  closed (its × button), `showSurvey("nps")` again: the module runs already
//   delay       the same profile, a new page with `data-survey="nps" data-trigger="delay:1s"`:
//               from the start of the timer callback in which the trigger fires (the module
//               prefetched at idle, as for any armed trigger) to the frame painted
// Each run uses its own site id, so no cap from an earlier run applies.
import { fileURLToPath } from "node:url";
import { launch, open } from "../tests/e2e/lib/browser.mjs";
import { startCollector } from "../tests/e2e/lib/collector.mjs";

export const PAINT_RUNS = 20;

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** One fresh profile: cold and prefetched `showSurvey`, then a `delay:` trigger. */
async function paintOnce(collector, site) {
  const browser = await launch();
  try {
    const { page, seen } = await open(browser.context, `${collector.origin}/survey.html?site=${site}`, collector.origin);
    await page.waitForFunction(() => window.__bench.readyAt !== undefined);
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => setTimeout(resolve, 100))));
    const show = async () => {
      const figure = await page.evaluate(async () => {
        const loaded = performance.getEntriesByType("resource").some((entry) => entry.name.endsWith("/cxkit-survey.wasm"));
        const before = window.__surveyPaint.mounts.length;
        const t0 = performance.now();
        const result = window.cxkit.showSurvey("nps");
        if (!result.ok) throw new Error(`showSurvey: ${JSON.stringify(result)}`);
        while (window.__surveyPaint.mounts[before]?.paintedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
        const { mountedAt, paintedAt } = window.__surveyPaint.mounts[before];
        return { loaded, mount: mountedAt - t0, paint: paintedAt - t0 };
      });
      // Its close button (Esc reaches only a card that holds focus; a corner card takes none).
      await page.click("[data-cxkit=survey] .close");
      await page.waitForFunction(() => !document.querySelector("[data-cxkit=survey]"));
      return figure;
    };
    const cold = await show();
    if (cold.loaded) throw new Error("cold: the survey module was fetched before showSurvey");
    const prefetched = await show();

    await page.goto(`${collector.origin}/survey.html?site=${site}-delay&survey=nps&trigger=delay:1s`);
    await page.waitForFunction(() => window.__surveyPaint.mounts[0]?.paintedAt !== undefined, undefined, { timeout: 10_000 });
    const delay = await page.evaluate(() => {
      const { firedAt, mountedAt, paintedAt } = window.__surveyPaint.mounts[0];
      const [wasm] = performance.getEntriesByType("resource").filter((entry) => entry.name.endsWith("/cxkit-survey.wasm"));
      return { prefetched: wasm !== undefined && wasm.responseEnd < firedAt, mount: mountedAt - firedAt, paint: paintedAt - firedAt };
    });
    if (seen.pageErrors.length || seen.consoleErrors.length) throw new Error(`page errors: ${JSON.stringify(seen)}`);
    return { cold, prefetched, delay };
  } finally {
    await browser.close();
  }
}

/**
 * `runs` fresh profiles; each figure's values, one per run: `survey_cold_paint_ms` and the rest
 * (the keys of bench/budgets.json and run.mjs's table). A delay run whose module was not
 * prefetched by the time the trigger fired is left out of the delay figures, and counted.
 */
export async function surveyPaint(runs = PAINT_RUNS) {
  const collector = await startCollector(["--www", "bench", "--dist", "npm/dist"]);
  const series = {
    survey_cold_mount_ms: [], survey_cold_paint_ms: [],
    survey_prefetched_mount_ms: [], survey_prefetched_paint_ms: [],
    survey_delay_mount_ms: [], survey_delay_paint_ms: [],
  };
  let unprefetched = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const { cold, prefetched, delay } = await paintOnce(collector, `paint-${process.pid}-${i}`);
      series.survey_cold_mount_ms.push(cold.mount);
      series.survey_cold_paint_ms.push(cold.paint);
      series.survey_prefetched_mount_ms.push(prefetched.mount);
      series.survey_prefetched_paint_ms.push(prefetched.paint);
      if (!delay.prefetched) unprefetched++;
      else {
        series.survey_delay_mount_ms.push(delay.mount);
        series.survey_delay_paint_ms.push(delay.paint);
      }
    }
  } finally {
    await collector.stop();
  }
  return { runs, unprefetched, series };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.chdir(ROOT);
  const at = process.argv.indexOf("--runs");
  const { runs, unprefetched, series } = await surveyPaint(at > 0 ? Number(process.argv[at + 1]) : PAINT_RUNS);
  const { readBudgets } = await import("./size.mjs");
  const budgets = readBudgets();
  let missed = false;
  console.log(`survey paint, ${runs} fresh profiles (delay: ${runs - unprefetched} with the module prefetched), median (min–max) ms:`);
  for (const [key, values] of Object.entries(series)) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted[Math.floor(sorted.length / 2)];
    const target = budgets[key]?.target;
    if (target !== undefined && mid > target) missed = true;
    console.log(`  ${key}: ${mid?.toFixed(2)} (${sorted[0]?.toFixed(2)}–${sorted.at(-1)?.toFixed(2)})${target === undefined ? "" : ` target ≤ ${target} ${mid <= target ? "✅" : "❌"}`}`);
  }
  if (missed) process.exitCode = 1;
}

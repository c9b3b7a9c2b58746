// The touchpoint tracker's figures (issue 15), for bench/run.mjs: what autocaptured events cost
// the main thread, delivery included, and what the tracker costs a page where nothing happens.
// Each is a difference of CDP `TaskDuration` (the renderer main thread's busy time) between
// the same page with cxkit and without it, doing the same things in the same way: what is left
// is cxkit's, not the page's handlers', the browser's input handling or the driver's.
import { setTimeout as sleep } from "node:timers/promises";
import { launch, open } from "../tests/e2e/lib/browser.mjs";
import { startCollector } from "../tests/e2e/lib/collector.mjs";
import { query } from "../tests/e2e/lib/sqlite.mjs";

/** Real clicks per run: half on "live" buttons, then half on "dead" ones (bench/touch.js). */
export const CLICKS = 500;
/** One click every this many ms: 40 a second, so fewer than the core's 64 undecided clicks
 * are ever held (each waits 1 s for its effects), and none is decided early. */
const CLICK_EVERY_MS = 25;
/** Uncaught errors per run, each with its own message. */
export const ERRORS = 250;
/** How long a click waits for its effects and errors (the core's default windows), plus slack. */
const WINDOWS_MS = 1200;
/** The idle figure's minute. */
export const IDLE_MS = 60_000;

/** The renderer main thread's busy time so far (`TaskDuration`), or `metric`, in seconds. */
async function taskSeconds(cdp, metric = "TaskDuration") {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === metric).value;
}

/** Opens `file` in `browser` and waits until it has loaded, cxkit (if on the page) is ready and
 * has delivered what the load made, and the page has been idle a moment. */
async function openSettled(browser, collector, file) {
  const { page, seen } = await open(browser.context, `${collector.origin}/${file}`, collector.origin);
  const cxkit = await page.evaluate(() => document.querySelector("script[src*=cxkit]") !== null);
  if (cxkit) await page.waitForFunction(() => window.__bench.readyAt !== undefined);
  await page.waitForLoadState("load");
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => setTimeout(resolve, 100))));
  if (cxkit) {
    const flushed = await page.evaluate(() => window.cxkit.flush());
    if (!flushed.ok) throw new Error(`flush failed: ${JSON.stringify(flushed)}`);
  }
  await sleep(500);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { page, seen, cdp, cxkit };
}

/** The events the collector stored for the bench site, by name. */
function stored(collector) {
  const rows = query(collector.db, "SELECT name, COUNT(*) AS n FROM events WHERE site = 'bench' GROUP BY name");
  return Object.fromEntries(rows.map(({ name, n }) => [name, n]));
}

/** `after − before`, per event name, leaving out names with none. */
function added(before, after) {
  return Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - (before[name] ?? 0)]).filter(([, n]) => n > 0));
}

const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/**
 * One page in a fresh profile: CLICKS real clicks (CDP `Input.dispatchMouseEvent`, through
 * Playwright's mouse) on the grid, then ERRORS uncaught errors, each phase ended when its
 * events are delivered (cxkit) or after the same waits (no cxkit). Returns the main-thread
 * seconds of each phase, and what the collector stored in it.
 */
async function touchPhases(collector, file) {
  const browser = await launch();
  try {
    const { page, seen, cdp, cxkit } = await openSettled(browser, collector, file);
    const centers = (kind) => page.evaluate((kind) => [...document.querySelectorAll(`#grid button.${kind}`)].map((button) => {
      const { x, y, width, height } = button.getBoundingClientRect();
      return [Math.round(x + width / 2), Math.round(y + height / 2)];
    }), kind);
    // The live buttons first, then the dead: a live click's mutation is an effect of every click
    // in the second before it, so a dead click is dead only with no live click after it within 1 s.
    const targets = [...Array(CLICKS / 2).fill(await centers("live")), ...Array(CLICKS / 2).fill(await centers("dead"))]
      .map((grid, i) => grid[i % grid.length]);
    const deliver = async () => {
      if (!cxkit) return;
      const flushed = await page.evaluate(() => window.cxkit.flush());
      if (!flushed.ok) throw new Error(`flush failed: ${JSON.stringify(flushed)}`);
    };
    const counts0 = stored(collector);
    const requests0 = (await collector.stats("bench")).requests;
    const task0 = await taskSeconds(cdp);
    // Consecutive targets are 160 px or more apart: no two clicks make a rage burst.
    const start = performance.now();
    for (let i = 0; i < CLICKS; i++) {
      const wait = start + i * CLICK_EVERY_MS - performance.now();
      if (wait > 0) await sleep(wait);
      await page.mouse.click(...targets[i]);
    }
    await sleep(WINDOWS_MS);
    await deliver();
    const task1 = await taskSeconds(cdp);
    const counts1 = stored(collector);
    const requests1 = (await collector.stats("bench")).requests;
    await page.evaluate((n) => window.benchErrors(n, 0), ERRORS);
    await sleep(100);
    await deliver();
    const task2 = await taskSeconds(cdp);
    const counts2 = stored(collector);
    const requests2 = (await collector.stats("bench")).requests;
    const own = /bench error \d+/;
    const errors = [...seen.pageErrors, ...seen.consoleErrors].filter((text) => !own.test(text));
    if (errors.length) throw new Error(`page errors: ${JSON.stringify(errors)}`);
    if (await page.evaluate(() => Number(document.getElementById("out").textContent)) !== CLICKS / 2) {
      throw new Error(`${file}: not every click reached the page`);
    }
    return {
      clickSeconds: task1 - task0,
      errorSeconds: task2 - task1,
      clickEvents: added(counts0, counts1),
      errorEvents: added(counts1, counts2),
      clickRequests: requests1 - requests0,
      errorRequests: requests2 - requests1,
    };
  } finally {
    await browser.close();
  }
}

/** The autocaptured events of one run, their mix, and what they cost cxkit's main thread. */
export async function autocaptureOnce() {
  const collector = await startCollector(["--www", "bench", "--dist", "npm/dist"]);
  try {
    const on = await touchPhases(collector, "touch.html");
    const bare = await touchPhases(collector, "touch-bare.html");
    if (total(bare.clickEvents) + total(bare.errorEvents) !== 0) throw new Error("the page without cxkit sent events");
    // Every click and error became its events, none early or merged (the mix in results.md).
    const { $click = 0, $dead = 0, $rage = 0 } = on.clickEvents;
    if ($click !== CLICKS || $dead !== CLICKS / 2 || $rage !== 0) throw new Error(`clicks: ${JSON.stringify(on.clickEvents)}`);
    if ((on.errorEvents.$error ?? 0) !== ERRORS || total(on.errorEvents) !== ERRORS) throw new Error(`errors: ${JSON.stringify(on.errorEvents)}`);
    const clickEvents = total(on.clickEvents);
    const events = clickEvents + ERRORS;
    const clickCost = on.clickSeconds - bare.clickSeconds;
    const errorCost = on.errorSeconds - bare.errorSeconds;
    return {
      autocapture_us_per_event: ((clickCost + errorCost) * 1e6) / events,
      autocapture_clicks_us: (clickCost * 1e6) / clickEvents,
      autocapture_errors_us: (errorCost * 1e6) / ERRORS,
      autocapture_page_us: ((bare.clickSeconds + bare.errorSeconds) * 1e6) / events,
      autocapture_events: events,
      autocapture_events_per_request: events / (on.clickRequests + on.errorRequests),
      autocapture_mix: { ...on.clickEvents, ...on.errorEvents },
    };
  } finally {
    await collector.stop();
  }
}

/**
 * One idle minute, three fresh profiles side by side (separate browsers, so separate renderer
 * processes: `TaskDuration` counts every task of the renderer's main thread, whichever page it
 * is for): the page without cxkit, with cxkit and its tracker off, with the tracker on. Nothing
 * is sent in the minute (checked): what the load made was delivered before it began.
 */
export async function idleOnce() {
  const collector = await startCollector(["--www", "bench", "--dist", "npm/dist"]);
  const browsers = [];
  try {
    const files = ["touch-bare.html", "touch-off.html", "touch.html"];
    const pages = await Promise.all(files.map(async (file) => {
      const browser = await launch();
      browsers.push(browser);
      return openSettled(browser, collector, file);
    }));
    const requests0 = (await collector.stats("bench")).requests;
    const before = await Promise.all(pages.map(({ cdp }) => taskSeconds(cdp)));
    const scriptBefore = await taskSeconds(pages[2].cdp, "ScriptDuration");
    await sleep(IDLE_MS);
    const after = await Promise.all(pages.map(({ cdp }) => taskSeconds(cdp)));
    const script = await taskSeconds(pages[2].cdp, "ScriptDuration") - scriptBefore;
    const requests = (await collector.stats("bench")).requests - requests0;
    if (requests !== 0) throw new Error(`${requests} requests in the idle minute`);
    const perMinute = (seconds) => (seconds * 1000 * 60_000) / IDLE_MS;
    const [bare, off, on] = after.map((value, i) => perMinute(value - before[i]));
    return { idle_ms_per_min: on - bare, idle_tracker_ms_per_min: on - off, idle_script_ms_per_min: perMinute(script), idle_page_ms_per_min: bare };
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
    await collector.stop();
  }
}

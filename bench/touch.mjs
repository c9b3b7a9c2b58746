// The touchpoint tracker's figures (issue 15), for bench/run.mjs: what autocaptured events cost
// the main thread, delivery included, and what the tracker costs a page where nothing happens.
// Each is a difference of CDP `TaskDuration` (the renderer main thread's busy time, wall clock)
// between the same page with cxkit and without it, doing the same things in the same way: what
// is left is cxkit's, not the page's handlers', the browser's input handling or the driver's.
// `ThreadTime` (the main thread's CPU time) is read beside it: on a machine shared with other
// work, a task's wall time stretches while it waits for a core, and its CPU time does not.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
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

const BENCH = fileURLToPath(new URL("./", import.meta.url));
/** The script tag of bench/touch.html, the page with the tracker on. */
const TAG = /\n *<script src="\/dist\/cxkit\.js"[^>]*><\/script>/;

/**
 * bench/touch.html and its two variants, written to bench/out/ from it so the three stay the
 * same page: `off` without `data-count-bots` (an automated browser: the tracker stays off) and
 * `bare` without cxkit. Returns the paths the collector serves them at (`--www bench`).
 */
function writeVariants() {
  const page = readFileSync(`${BENCH}touch.html`, "utf8");
  if (!TAG.test(page) || !page.includes(' data-count-bots="true"')) throw new Error("bench/touch.html: no script tag with data-count-bots");
  mkdirSync(`${BENCH}out`, { recursive: true });
  writeFileSync(`${BENCH}out/touch-off.html`, page.replace(' data-count-bots="true"', "").replace("tracker on", "tracker off (an automated browser, no data-count-bots)"));
  writeFileSync(`${BENCH}out/touch-bare.html`, page.replace(TAG, "").replace("tracker on", "no cxkit"));
  return { on: "touch.html", off: "out/touch-off.html", bare: "out/touch-bare.html" };
}
const PAGES = writeVariants();

/** The renderer main thread's time so far, in seconds: busy (`task`), on a CPU (`thread`), and
 * running script (`script`). */
async function clock(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const value = (name) => metrics.find((m) => m.name === name).value;
  return { task: value("TaskDuration"), thread: value("ThreadTime"), script: value("ScriptDuration") };
}

/** `after − before`, each of {@link clock}'s times. */
const since = (before, after) => Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - before[key]]));

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
 * times of each phase, and what the collector stored in it.
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
    const time0 = await clock(cdp);
    // Consecutive targets are 160 px or more apart: no two clicks make a rage burst.
    const start = performance.now();
    for (let i = 0; i < CLICKS; i++) {
      const wait = start + i * CLICK_EVERY_MS - performance.now();
      if (wait > 0) await sleep(wait);
      await page.mouse.click(...targets[i]);
    }
    await sleep(WINDOWS_MS);
    await deliver();
    const time1 = await clock(cdp);
    const counts1 = stored(collector);
    const requests1 = (await collector.stats("bench")).requests;
    await page.evaluate((n) => window.benchErrors(n, 0), ERRORS);
    await sleep(100);
    await deliver();
    const time2 = await clock(cdp);
    const counts2 = stored(collector);
    const requests2 = (await collector.stats("bench")).requests;
    const own = /bench error \d+/;
    const errors = [...seen.pageErrors, ...seen.consoleErrors].filter((text) => !own.test(text));
    if (errors.length) throw new Error(`page errors: ${JSON.stringify(errors)}`);
    if (await page.evaluate(() => Number(document.getElementById("out").textContent)) !== CLICKS / 2) {
      throw new Error(`${file}: not every click reached the page`);
    }
    return {
      clicks: since(time0, time1),
      errors: since(time1, time2),
      clickEvents: added(counts0, counts1),
      errorEvents: added(counts1, counts2),
      clickRequests: requests1 - requests0,
      errorRequests: requests2 - requests1,
    };
  } finally {
    await browser.close();
  }
}

/** The autocaptured events of one run, their mix, and what they cost cxkit's main thread. Run
 * `run` (0, 1, …) loads the page with cxkit first when even, last when odd: neither page is
 * always the one that meets the machine as the previous run left it. */
export async function autocaptureOnce(run) {
  const collector = await startCollector(["--www", "bench", "--dist", "npm/dist"]);
  try {
    const order = run % 2 === 0 ? [PAGES.on, PAGES.bare] : [PAGES.bare, PAGES.on];
    const phases = {};
    for (const file of order) phases[file] = await touchPhases(collector, file);
    const { [PAGES.on]: on, [PAGES.bare]: bare } = phases;
    if (total(bare.clickEvents) + total(bare.errorEvents) !== 0) throw new Error("the page without cxkit sent events");
    // Every click and error became its events, none early or merged (the mix in results.md).
    const { $click = 0, $dead = 0, $rage = 0 } = on.clickEvents;
    if ($click !== CLICKS || $dead !== CLICKS / 2 || $rage !== 0) throw new Error(`clicks: ${JSON.stringify(on.clickEvents)}`);
    if ((on.errorEvents.$error ?? 0) !== ERRORS || total(on.errorEvents) !== ERRORS) throw new Error(`errors: ${JSON.stringify(on.errorEvents)}`);
    const clickEvents = total(on.clickEvents);
    const events = clickEvents + ERRORS;
    const clickCost = on.clicks.task - bare.clicks.task;
    const errorCost = on.errors.task - bare.errors.task;
    const us = (seconds, count) => (seconds * 1e6) / count;
    return {
      autocapture_us_per_event: us(clickCost + errorCost, events),
      autocapture_clicks_us: us(clickCost, clickEvents),
      autocapture_errors_us: us(errorCost, ERRORS),
      autocapture_cpu_us_per_event: us(on.clicks.thread + on.errors.thread - bare.clicks.thread - bare.errors.thread, events),
      autocapture_script_us_per_event: us(on.clicks.script + on.errors.script - bare.clicks.script - bare.errors.script, events),
      autocapture_page_us: us(bare.clicks.task + bare.errors.task, events),
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
    const files = [PAGES.bare, PAGES.off, PAGES.on];
    const pages = await Promise.all(files.map(async (file) => {
      const browser = await launch();
      browsers.push(browser);
      return openSettled(browser, collector, file);
    }));
    const requests0 = (await collector.stats("bench")).requests;
    const before = await Promise.all(pages.map(({ cdp }) => clock(cdp)));
    await sleep(IDLE_MS);
    const after = await Promise.all(pages.map(({ cdp }) => clock(cdp)));
    const requests = (await collector.stats("bench")).requests - requests0;
    if (requests !== 0) throw new Error(`${requests} requests in the idle minute`);
    const perMinute = (seconds) => (seconds * 1000 * 60_000) / IDLE_MS;
    const [bare, off, on] = after.map((time, i) => since(before[i], time));
    return {
      idle_ms_per_min: perMinute(on.task - bare.task),
      idle_tracker_ms_per_min: perMinute(on.task - off.task),
      idle_cpu_ms_per_min: perMinute(on.thread - bare.thread),
      idle_script_ms_per_min: perMinute(on.script),
      idle_page_ms_per_min: perMinute(bare.task),
    };
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
    await collector.stop();
  }
}

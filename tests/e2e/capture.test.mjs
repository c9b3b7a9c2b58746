// The tracker's observation layer (npm/src/capture/) in real browsers: the TypeScript sources
// bundled with esbuild into a test page (tests/e2e/pages/capture.html) twice, as two copies
// of cxkit on one page would be, each copy a global of its own. The page starts the first
// copy, whose raw entries go to `window.__entries` (and sessionStorage, to be read after the
// page is left). No core here: what is asserted is exactly what the shell pushes
// (docs/tracker.md, "Raw entries").
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { ROOT } from "./lib/collector.mjs";
import { ENGINE } from "./lib/engine.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

let harness, pages, browser;

/** The capture module as a script defining `globalName`. */
async function bundle(globalName) {
  const { outputFiles } = await build({
    entryPoints: [join(ROOT, "npm/src/capture/index.ts")], bundle: true, format: "iife", globalName, target: "es2022", write: false, logLevel: "warning",
  });
  return Buffer.from(outputFiles[0].contents);
}

before(async () => {
  harness = await startHarness();
  ({ pages, browser } = harness);
  pages.overrides.set("/test/capture.js", await bundle("CxCapture"));
  pages.overrides.set("/test/capture-copy.js", await bundle("CxCaptureCopy"));
});

after(async () => {
  await harness?.stop();
});

/** Longer than a click's effect window (1,000 ms): what has not come by then does not come. */
const PAST_WINDOW_MS = 1300;

/** Opens the test page (`query` selects options) once the first copy has pushed its load view. */
async function openPage(query = "") {
  const page = await browser.open(`${pages.origin}/test/capture.html${query}`);
  await page.waitForFunction(() => window.__entries?.length > 0);
  return page;
}

/** What the page pushed: every entry (`all`), or all but the vitals, which come when the engine measures them. */
const entries = (page, all = false) => page.evaluate((every) => window.__entries.filter(([kind]) => every || kind !== "vital"), all);
const ofKind = async (page, kind) => (await entries(page, true)).filter(([k]) => k === kind);
/** Waits until the page has pushed `count` entries of `kind`; returns them. */
async function waitKind(page, kind, count = 1) {
  await page.waitForFunction(([k, n]) => window.__entries.filter(([kind]) => kind === k).length >= n, [kind, count]);
  return ofKind(page, kind);
}

/** Every entry is [kind, props, mono]: flat string/number props, integer mono, in order. */
function assertShape(list) {
  let last = 0;
  for (const [kind, props, mono] of list) {
    assert.equal(typeof kind, "string");
    for (const value of Object.values(props)) assert.ok(typeof value === "string" || typeof value === "number", `${kind}: ${JSON.stringify(props)}`);
    assert.ok(Number.isInteger(mono) && mono >= last, `${kind}: mono ${mono} after ${last}`);
    last = mono;
  }
}

async function assertNoPageErrors(page) {
  assert.deepEqual((await page.errors()).pageErrors, []);
}

describe("capture", () => {
  scenario("capture: a load view, then push, replace and pop views each after its visible time; own replaceState and hash-only changes are no views", async () => {
    const page = await openPage();
    const url = `${pages.origin}/test/capture.html`;
    const [load] = await entries(page);
    assert.equal(load[0], "view");
    assert.deepEqual({ ...load[1], ref: typeof load[1].ref }, { url, title: "Capture test page", nav: "load", ref: "string" });

    const ownUrl = await page.evaluate(() => {
      history.pushState({}, "", "?step=2");
      document.title = "Step 3";
      history.replaceState({}, "", "?step=3");
      history.pushState({}, "", "?step=3#part");
      CxCapture.ownReplaceState(history.state, "?step=3&own=1#part");
      return location.search;
    });
    assert.equal(ownUrl, "?step=3&own=1", "cxkit's own replaceState did replace the URL");
    await page.evaluate(() => history.back());
    await page.evaluate(() => history.back());
    const views = await waitKind(page, "view", 4);
    assert.deepEqual(views.map(([, props]) => props), [
      load[1],
      { url: `${url}?step=2`, title: "Capture test page", nav: "push" },
      { url: `${url}?step=3`, title: "Step 3", nav: "replace" },
      { url, title: "Step 3", nav: "pop" },
    ]);
    // Each view but the load is told right after the visible time of the one it ends.
    assertShape(await entries(page, true));
    const list = await entries(page);
    assert.deepEqual(list.map(([kind]) => kind), ["view", "visible", "view", "visible", "view", "visible", "view"]);
    for (const [, { ms }] of list.filter(([kind]) => kind === "visible")) assert.ok(Number.isInteger(ms) && ms >= 0, String(ms));

    // With trackHash, a hash change is a view: once, though the engine fires popstate and hashchange.
    const hashed = await openPage("?hash");
    await hashed.evaluate(() => history.pushState(null, "", "#a"));
    await hashed.evaluate(() => { location.hash = "b"; });
    await hashed.waitForFunction(() => window.__entries.filter(([kind]) => kind === "view").length >= 3);
    await sleep(200);
    const hashViews = (await ofKind(hashed, "view")).map(([, props]) => [props.url.split("#")[1] ?? "", props.nav]);
    assert.deepEqual(hashViews.slice(0, 2), [["", "load"], ["a", "push"]]);
    assert.equal(hashViews.length, 3, JSON.stringify(hashViews));
    assert.equal(hashViews[2][0], "b");
    await assertNoPageErrors(page);
    await page.close();
    await hashed.close();
  });

  scenario("capture: two copies on one page share one history patch; each hears a change once, the last to stop puts the originals back", async () => {
    const page = await openPage();
    await page.evaluate(() => {
      window.__copy = [];
      window.__stopCopy = CxCaptureCopy.startCapture(window.__options, (entry) => window.__copy.push(entry));
    });
    assert.equal(await page.evaluate(() => CxCapture.startCapture !== CxCaptureCopy.startCapture), true, "two copies");
    const views = () => page.evaluate(() => [window.__entries, window.__copy].map((list) => list.filter(([kind]) => kind === "view").map(([, props]) => props.nav)));
    assert.deepEqual(await views(), [["load"], ["load"]]);

    await page.evaluate(() => history.pushState(null, "", "?both"));
    assert.deepEqual(await views(), [["load", "push"], ["load", "push"]]);
    // cxkit's own replaceState is ignored by every copy, whichever calls it.
    await page.evaluate(() => CxCaptureCopy.ownReplaceState(null, "?both&own"));
    assert.deepEqual(await views(), [["load", "push"], ["load", "push"]]);

    await page.evaluate(() => window.__stop());
    assert.equal(await page.evaluate(() => history.pushState !== window.__originals.pushState), true, "the copy still running keeps the patch");
    await page.evaluate(() => history.pushState(null, "", "?copy"));
    assert.deepEqual(await views(), [["load", "push"], ["load", "push", "push"]]);

    await page.evaluate(() => window.__stopCopy());
    assert.deepEqual(await page.evaluate(() => [history.pushState === window.__originals.pushState, history.replaceState === window.__originals.replaceState]), [true, true]);
    await page.evaluate(() => history.pushState(null, "", "?none"));
    assert.deepEqual(await views(), [["load", "push"], ["load", "push", "push"]]);
    await assertNoPageErrors(page);
    await page.close();
  });

  scenario("capture: a click on a data-cx button is one click entry with its descriptor; a submit input's value is never read", async () => {
    const page = await openPage();
    await page.click({ css: "#buy" });
    const [[, buy]] = await waitKind(page, "click");
    const box = await page.evaluate(() => {
      const { left, top, right, bottom } = document.getElementById("buy").getBoundingClientRect();
      return { left, top, right, bottom };
    });
    const { x, y, ...described } = buy;
    assert.deepEqual(described, { tag: "button", id: "buy", cx: "buy", text: "Buy now", act: 1, track: 1, sel: 0 });
    assert.ok(Number.isInteger(x) && Number.isInteger(y), `${x}, ${y}`);
    assert.ok(x >= Math.floor(box.left) && x <= Math.ceil(box.right) && y >= Math.floor(box.top) && y <= Math.ceil(box.bottom), JSON.stringify({ x, y, box }));

    await page.click({ css: "#send" });
    await page.click({ css: "#noop" });
    await page.click({ css: "#lead" });
    const clicks = (await waitKind(page, "click", 4)).map(([, { x: _x, y: _y, ...props }]) => props);
    assert.deepEqual(clicks.slice(1), [
      { tag: "input", id: "send", cx: "send", text: "Send", act: 1, track: 1, sel: 0 },
      { tag: "button", id: "noop", text: "Nothing", act: 1, track: 0, sel: 0 },
      { tag: "p", id: "lead", text: "A paragraph that is the largest text of the page, so that it is the largest contentful".slice(0, 80), act: 0, track: 0, sel: 0 },
    ]);
    // Positive control: the value is really there to be read, and is not in what was pushed.
    assert.equal(await page.evaluate(() => document.getElementById("send").value), "jane@example.com");
    assert.ok(!JSON.stringify(await entries(page)).includes("jane@example.com"));
    assertShape(await entries(page, true));

    // allClicks tracks every link and button, not only data-cx ones.
    const all = await openPage("?all");
    await all.click({ css: "#noop" });
    const [[, noop]] = await waitKind(all, "click");
    assert.equal(noop.track, 1);
    await assertNoPageErrors(page);
    await page.close();
    await all.close();
  });

  scenario("capture: clicks inside data-cx-ignore or cxkit's own host push nothing", async () => {
    const page = await openPage();
    await page.click({ css: "#ignored" });
    await page.click({ css: "#own" });
    // Positive control: both clicks happened (their handlers ran).
    assert.deepEqual(await page.evaluate(() => ["ignored", "own"].map((id) => document.getElementById(id).textContent)), ["Ignored!", "Own!"]);
    await sleep(PAST_WINDOW_MS);
    assert.deepEqual((await entries(page)).map(([kind]) => kind), ["view"]);
    await assertNoPageErrors(page);
    await page.close();
  });

  scenario("capture: a click whose handler changes the DOM has a mutation effect; a do-nothing click and a change to cxkit's host have none", async () => {
    const page = await openPage();
    await page.click({ css: "#grow" });
    await waitKind(page, "effect");
    await sleep(PAST_WINDOW_MS);
    const afterGrow = await entries(page);
    assert.deepEqual(afterGrow.slice(1).map(([kind, props]) => (kind === "effect" ? props.kind : kind)), ["click", "mutation"]);

    await page.click({ css: "#noop" });
    await page.click({ css: "#own-change" });
    assert.equal(await page.evaluate(() => document.querySelectorAll("#cx-host span").length), 1, "the host was changed");
    await waitKind(page, "click", 3);
    await sleep(PAST_WINDOW_MS);
    const later = (await entries(page)).slice(afterGrow.length);
    // The second click's press moves focus within the first one's window: the visitor's move, no effect.
    assert.deepEqual(later.map(([kind, props]) => [kind, props.id ?? props.kind]), [["click", "noop"], ["click", "own-change"]]);
    await assertNoPageErrors(page);
    await page.close();
  });

  scenario("capture: a form with a password field: start, field, submit; never the password as last, no typed value anywhere", async () => {
    const page = await openPage();
    const type = async (css, text) => {
      await page.click({ css });
      for (const key of text) await page.press(key);
    };
    await type("#email", "zqsentinel");
    await type("[name=pw]", "zqsecret");
    await type("[name=nick]", "zqnick");
    await page.click({ css: "#send" });
    // Text typed into an editable element is a value too: its click is described by its label.
    await type("#note", "zqedited");
    await page.click({ css: "#note" });
    const forms = (await waitKind(page, "form", 3)).map(([, props]) => props);
    assert.deepEqual(forms, [
      { phase: "start", form: "signup", fields: 2, last: "email" },
      { phase: "field", form: "signup", fields: 2, last: "nick" },
      { phase: "submit", form: "signup", fields: 2, last: "nick" },
    ]);
    // Positive controls: the typed values are in the fields, and the fields' names (found by
    // the same search) are in what was pushed.
    assert.deepEqual(await page.evaluate(() => ["email", "pw", "nick"].map((name) => document.querySelector(`[name=${name}]`).value)), ["zqsentinel", "zqsecret", "zqnick"]);
    assert.equal(await page.evaluate(() => document.getElementById("note").innerText.trim()), "zqedited");
    const notes = (await ofKind(page, "click")).filter(([, props]) => props.id === "note").map(([, { tag, text }]) => [tag, text]);
    assert.deepEqual(notes, [["div", "Note"], ["div", "Note"]]);
    const text = JSON.stringify(await entries(page));
    assert.ok(text.includes('"email"') && text.includes('"nick"'));
    for (const secret of ["zqsentinel", "zqsecret", "zqnick", "zqedited", "zq-hidden-sentinel", "jane@example.com", '"pw"', '"token"']) {
      assert.ok(!text.includes(secret), `${secret} in ${text}`);
    }
    await assertNoPageErrors(page);
    await page.close();
  });

  scenario("capture: scroll milestones 25 to 100 once per page view, and again after a new view", async () => {
    const page = await openPage();
    const scrollTo = (fraction) => page.evaluate((f) => {
      const height = document.documentElement.scrollHeight;
      scrollTo(0, Math.max(0, height * f - innerHeight));
    }, fraction);
    const depths = async () => (await ofKind(page, "scroll")).map(([, { depth }]) => depth);
    await scrollTo(0.3);
    await page.waitForFunction(() => window.__entries.some(([kind]) => kind === "scroll"));
    assert.deepEqual(await depths(), [25]);
    await scrollTo(1);
    await waitKind(page, "scroll", 4);
    await scrollTo(0);
    await scrollTo(1);
    await sleep(300);
    assert.deepEqual(await depths(), [25, 50, 75, 100]);

    await page.evaluate(() => history.pushState(null, "", "?next"));
    await scrollTo(0);
    await scrollTo(1);
    await waitKind(page, "scroll", 8);
    await sleep(300);
    assert.deepEqual(await depths(), [25, 50, 75, 100, 25, 50, 75, 100]);
    assertShape(await entries(page, true));
    await assertNoPageErrors(page);
    await page.close();
  });

  scenario("capture: an error thrown in a click handler and unhandled rejections are error entries", async () => {
    const page = await openPage();
    await page.click({ css: "#boom" });
    const [[, error]] = await waitKind(page, "error");
    assert.equal(error.kind, "error");
    assert.match(error.message, /boom-sentinel/);
    assert.equal(error.source, `${pages.origin}/test/capture.html`);
    assert.ok(Number.isInteger(error.line) && error.line > 0 && Number.isInteger(error.col), JSON.stringify(error));
    await page.evaluate(() => {
      Promise.reject(new Error("nope-sentinel"));
      Promise.reject("plain reason");
    });
    const rejections = (await waitKind(page, "error", 3)).slice(1).map(([, props]) => props);
    assert.deepEqual(rejections, [{ message: "nope-sentinel", kind: "rejection" }, { message: "plain reason", kind: "rejection" }]);
    // The page's own error reporting still sees them: capture only watches.
    assert.equal((await page.errors()).pageErrors.length, 3);
    await page.close();
  });

  scenario("capture: FCP, TTFB and LCP where the engine has their entry type, CLS and INP at the hide; none where it lacks it", async () => {
    const page = await openPage("?shift");
    const has = await page.evaluate(() => {
      const types = PerformanceObserver.supportedEntryTypes ?? [];
      return {
        FCP: types.includes("paint"),
        TTFB: types.includes("navigation"),
        LCP: types.includes("largest-contentful-paint"),
        CLS: types.includes("layout-shift"),
        INP: types.includes("event") && typeof PerformanceEventTiming === "function" && "interactionId" in PerformanceEventTiming.prototype,
      };
    });
    if (ENGINE === "chromium") assert.deepEqual(Object.values(has), [true, true, true, true, true], "Chromium has every entry type");
    const vitals = async () => Object.fromEntries((await ofKind(page, "vital")).map(([, props]) => [props.name, props]));
    // At load: FCP and TTFB; the layout shift comes 200 ms after load.
    await page.waitForFunction(([fcp, ttfb]) => {
      const names = window.__entries.filter(([kind]) => kind === "vital").map(([, props]) => props.name);
      return document.getElementById("shift").style.height && (!fcp || names.includes("FCP")) && (!ttfb || names.includes("TTFB"));
    }, [has.FCP, has.TTFB]);
    await sleep(300);
    // The first input makes LCP final; this one is slow (150 ms of work), for INP.
    await page.click({ css: "#slow" });
    if (has.LCP) await page.waitForFunction(() => window.__entries.some(([kind, props]) => kind === "vital" && props.name === "LCP"));
    else await sleep(300);
    const loaded = await vitals();
    assert.deepEqual(Object.keys(loaded).sort(), ["FCP", "LCP", "TTFB"].filter((name) => has[name]).sort());
    for (const { value } of Object.values(loaded)) assert.ok(Number.isInteger(value) && value >= 0, String(value));
    if (has.FCP) assert.ok(loaded.FCP.value > 0);
    if (has.LCP) {
      assert.equal(loaded.LCP.element, "p#lead");
      assert.ok(loaded.LCP.value >= loaded.FCP.value, JSON.stringify(loaded));
    }

    // Leaving the page hides it: CLS and INP, then what every hide pushes.
    await page.goto(`${pages.origin}/test/init.html`);
    const left = JSON.parse(await page.evaluate(() => sessionStorage.getItem("capture:entries")));
    assertShape(left);
    const final = Object.fromEntries(left.filter(([kind]) => kind === "vital").map(([, props]) => [props.name, props]));
    assert.deepEqual(Object.keys(final).sort(), Object.keys(has).filter((name) => has[name]).sort(), JSON.stringify(final));
    for (const [name, vital] of Object.entries(final)) assert.ok(vital.value > 0 || name === "TTFB", `${name}: ${JSON.stringify(vital)}`);
    // The largest shift's first element source: what moved (the engine picks it), never empty.
    if (has.CLS) assert.match(final.CLS.target, /^[a-z][\w-]*/);
    if (has.INP) {
      const { value, type, target, delay, processing, presentation } = final.INP;
      assert.ok(value >= 150 && processing >= 140, JSON.stringify(final.INP));
      assert.ok(["pointerdown", "pointerup", "mousedown", "mouseup", "click"].includes(type), type);
      assert.ok(target === "button#slow", target);
      assert.ok([delay, processing, presentation].every((part) => Number.isInteger(part) && part >= 0));
    }
    // Every engine here fires pagehide, then visibilitychange, as a document is left.
    const ends = left.map(([kind]) => kind).filter((kind) => ["leave", "visible", "hide"].includes(kind));
    assert.deepEqual(ends, ["leave", "visible", "hide"]);
    await page.close();
  });

  scenario("capture: stop() removes everything; clicks, history calls, scrolls and errors push nothing after it", async () => {
    const page = await openPage();
    await page.evaluate(() => window.__stop());
    assert.deepEqual(await page.evaluate(() => [history.pushState === window.__originals.pushState, history.replaceState === window.__originals.replaceState]), [true, true]);
    await page.click({ css: "#grow" });
    await page.click({ css: "#boom" });
    await page.evaluate(() => {
      history.pushState(null, "", "?stopped");
      scrollTo(0, document.documentElement.scrollHeight);
    });
    await page.click({ css: "#email" });
    await page.press("a");
    await sleep(PAST_WINDOW_MS);
    // Positive control: the clicks happened.
    assert.equal(await page.evaluate(() => document.querySelectorAll("#log p").length), 1);
    assert.deepEqual((await entries(page)).map(([kind]) => kind), ["view"]);
    await page.close();
  });
});

// The survey widget's own rules (issue 16), each checked so that it can fail: axe in every
// placement with its passes inside the shadow root (and a page with a known violation failing
// the same check); a page whose CSS is hostile neither hides nor breaks the widget, and the
// widget's CSS does not leak into the page; hostile strings stay text; a strict CSP sees zero
// violations, with constructed sheets and with a nonce'd <style>; a keyboard alone reaches,
// answers and dismisses a corner card, which takes no focus when it opens. Every scenario ends
// by delivering one more event with no unexpected cxkit console error.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe } from "node:test";
import { eventually } from "./lib/collector.mjs";
import { useHarness } from "./lib/harness.mjs";
import { runAxe } from "./lib/axe.mjs";
import { scenario } from "./lib/scenario.mjs";
import { query } from "./lib/sqlite.mjs";

const { collector, pages, browser } = await useHarness();

let sites = 0;
const newSite = () => `widget-${process.pid}-${++sites}`;

/** First scripts (run before any script of the page). */
const FIRST = {
  /** Takes constructed style sheets away, as fallbacks.test.mjs does. */
  noAdoptedStyleSheets: () => {
    delete ShadowRoot.prototype.adoptedStyleSheets;
    delete Document.prototype.adoptedStyleSheets;
  },
  /** Records every CSP violation of the document, from before its first script. */
  violations: () => {
    window.__violations = [];
    const record = (event) => window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
    document.addEventListener("securitypolicyviolation", record, true);
  },
};

const HOST = 'div[data-cxkit="survey"]';

/** Opens a test page that exposes `cxkitInit` (init.js) and starts cxkit with `options`. */
async function openWith(path, options, { scripts = [] } = {}) {
  const siteId = newSite();
  const page = await browser.open(`${pages.origin}/test/${path}`, { scripts });
  await page.waitForFunction(() => typeof window.cxkitInit === "function");
  const ready = await page.evaluate(async ({ endpoint, options }) => {
    window.cx = await window.cxkitInit({ endpoint, ...options });
    return window.cx.ready;
  }, { endpoint: collector.endpoint, options: { siteId, countBots: true, ...options } });
  assert.deepEqual(ready, { ok: true });
  return { page, siteId };
}

/** Shows survey `id` as a preview and waits for its host. */
async function show(page, id, handle = "cx") {
  assert.deepEqual(await page.evaluate(({ id, handle }) => window[handle].showSurvey(id, { force: true }), { id, handle }), { ok: true });
  await page.waitFor({ css: HOST });
  await page.waitFor({ role: "radio" });
}

/** The `name` events' props the collector stored for `siteId`, in order, after a flush. */
async function stored(page, siteId, name = "$response", handle = "cx") {
  const flushed = await page.evaluate((handle) => window[handle].flush(), handle);
  assert.equal(flushed.ok, true, JSON.stringify(flushed));
  return query(collector.db, `SELECT props FROM events WHERE site = '${siteId}' AND name = '${name}' ORDER BY seq`).map((row) => JSON.parse(row.props));
}

/** Every scenario ends by delivering one more event, with no cxkit console error but `allowed`. */
async function assertStillDelivers(page, siteId, { handle = "cx", allowed = [] } = {}) {
  const result = await page.evaluate((handle) => {
    window[handle].track("still_alive", {});
    return window[handle].flush();
  }, handle);
  assert.equal(result.ok, true, JSON.stringify(result));
  const alive = () => query(collector.db, `SELECT COUNT(*) AS n FROM events WHERE site = '${siteId}' AND name = 'still_alive'`)[0].n;
  await eventually(async () => alive() === 1, "the last event stored");
  const { consoleErrors, pageErrors } = await page.errors();
  assert.deepEqual(consoleErrors.filter((line) => line.startsWith("cxkit:")), allowed);
  assert.deepEqual(pageErrors, []);
}

/** Whether an axe node target reaches into a shadow root under `hostSelector` (as skeleton.test.mjs). */
const inside = (hostSelector) => (node) => Array.isArray(node.target[0]) && node.target[0][0] === hostSelector;

/** The check: axe finds no violation on the page, and its passes include ≥ 10 nodes inside `hostSelector`'s shadow root. */
async function assertAxeClean(page, hostSelector) {
  const { violations, passes } = await runAxe(page);
  assert.deepEqual(violations, [], "axe: no violations");
  const within = passes.filter(inside(hostSelector)).length;
  assert.ok(within >= 10, `axe: ${within} passing nodes inside the shadow root of ${hostSelector}, want ≥ 10`);
}

const nps = (id, placement, more = {}) => ({ id, steps: [{ id: "score", kind: "nps" }], placement, ...more });

describe("widget: accessibility per placement", () => {
  scenario("axe: no violations and ≥ 10 passing nodes in the shadow root, in each placement (bottom-right, bottom-left, center, inline), a score selected", async () => {
    for (const placement of ["bottom-right", "bottom-left", "center", { inline: "#feedback" }]) {
      const { page, siteId } = await openWith("widget.html", { surveys: [nps("axe", placement)] });
      await show(page, "axe");
      await page.click({ role: "radio", name: "9" });
      const where = await page.evaluate(() => {
        const host = document.querySelector("[data-cxkit=survey]");
        return { frame: host.shadowRoot.querySelector(".frame").className, inFeedback: host.parentElement.id === "feedback" };
      });
      const expected = { "bottom-right": "frame corner", "bottom-left": "frame corner start", center: "frame center" }[placement] ?? "frame inline";
      assert.deepEqual(where, { frame: expected, inFeedback: expected === "frame inline" }, JSON.stringify(placement));
      await assertAxeClean(page, HOST);
      await assertStillDelivers(page, siteId);
      await page.close();
    }
  });

  scenario("axe: the same check fails on a page with a known violation in a shadow root (positive control)", async () => {
    const page = await browser.open(`${pages.origin}/test/bad-a11y.html`);
    await assert.rejects(assertAxeClean(page, "#bad-host"), /axe: no violations/);
    const { violations } = await runAxe(page);
    assert.ok(violations.some((v) => v.rule === "button-name" && inside("#bad-host")(v)), JSON.stringify(violations));
    // The instance of this file's other scenarios is not on this page: one more event from a fresh one.
    const { page: other, siteId } = await openWith("widget.html", {});
    await assertStillDelivers(other, siteId);
  });
});

/** The page's elements named as the widget's parts: their computed look, to compare. */
function pageLook() {
  const look = (element) => {
    const style = getComputedStyle(element);
    return ["display", "font-weight", "font-size", "color", "background-color", "margin-top", "padding-top", "border-top-width", "position"].map((p) => `${p}:${style.getPropertyValue(p)}`).join(";");
  };
  return { question: look(document.getElementById("page-question")), submit: look(document.getElementById("page-submit")) };
}

/** Where option "9" is, and what is hit at its centre, from the document and from the shadow root. */
function hitTest() {
  const host = document.querySelector("[data-cxkit=survey]");
  const root = host.shadowRoot;
  const option = [...root.querySelectorAll("[role=radio]")].find((radio) => radio.textContent === "9");
  const rect = option.getBoundingClientRect();
  const x = rect.left + rect.width / 2;
  const y = rect.top + rect.height / 2;
  const inViewport = x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight;
  return {
    display: getComputedStyle(option).display,
    visibility: getComputedStyle(option).visibility,
    nonEmpty: rect.width > 0 && rect.height > 0,
    inViewport,
    documentHit: document.elementFromPoint(x, y) === host ? "host" : String(document.elementFromPoint(x, y)?.outerHTML).slice(0, 80),
    rootHit: root.elementFromPoint(x, y) === option ? "option" : String(root.elementFromPoint(x, y)?.outerHTML).slice(0, 80),
  };
}

describe("widget: a hostile page stylesheet", () => {
  scenario("hostile page CSS (all: unset !important, button display:none, div position:static, a reset): option 9 is shown and hit, the answer by clicks arrives, the page's look is unchanged", async () => {
    for (const placement of ["bottom-right", "center"]) {
      const { page, siteId } = await openWith("widget-hostile.html", { surveys: [nps("hostile", placement)] });
      assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById("page-submit")).display), "none", "the page's own CSS is in force");
      const closed = await page.evaluate(pageLook);
      await show(page, "hostile");
      assert.deepEqual(await page.evaluate(hitTest), { display: "block", visibility: "visible", nonEmpty: true, inViewport: true, documentHit: "host", rootHit: "option" }, JSON.stringify(placement));
      assert.deepEqual(await page.evaluate(pageLook), closed, "the page's .question and .submit keep their look while the widget is open");
      await page.click({ role: "radio", name: "9" });
      await page.click({ role: "button", name: "Submit" });
      assert.deepEqual((await stored(page, siteId)).map((a) => [a.survey, a.value]), [["hostile", 9]], JSON.stringify(placement));
      assert.deepEqual(await page.evaluate(pageLook), closed, "and after the answer");
      await assertStillDelivers(page, siteId);
      await page.close();
    }
  });

  scenario("the widget's CSS does not leak into the page, with constructed sheets and with a <style>; the same comparison sees the widget's CSS once it is put in the document (positive control)", async () => {
    for (const scripts of [[], [FIRST.noAdoptedStyleSheets]]) {
      const { page, siteId } = await openWith("widget.html", { surveys: [nps("leak", "bottom-right")] }, { scripts });
      const closed = await page.evaluate(pageLook);
      await show(page, "leak");
      const styles = await page.evaluate(() => document.querySelector("[data-cxkit=survey]").shadowRoot.querySelectorAll("style").length);
      assert.equal(styles, scripts.length, scripts.length ? "a <style> in the shadow root" : "constructed sheets, no <style>");
      assert.equal(await page.evaluate(() => document.querySelectorAll("style").length), 0, "no <style> in the document");
      assert.deepEqual(await page.evaluate(pageLook), closed, "the page's .question and .submit keep their look while the widget is open");
      // Positive control: the widget's own CSS, put in the document, changes what the comparison reads.
      await page.evaluate(() => {
        const root = document.querySelector("[data-cxkit=survey]").shadowRoot;
        const css = root.adoptedStyleSheets?.length
          ? [...root.adoptedStyleSheets[0].cssRules].map((rule) => rule.cssText).join("\n")
          : root.querySelector("style").textContent;
        const leaked = document.createElement("style");
        leaked.id = "leaked";
        leaked.textContent = css;
        document.head.append(leaked);
      });
      const leaked = await page.evaluate(pageLook);
      assert.notEqual(leaked.question, closed.question, "the widget's .question rule would show");
      assert.notEqual(leaked.submit, closed.submit, "the widget's .submit rule would show");
      await page.evaluate(() => document.getElementById("leaked").remove());
      await assertStillDelivers(page, siteId);
      await page.close();
    }
  });
});

const HOSTILE = {
  question: "</style><script>window.pwned=1</script>",
  option: '<img src=x onerror="window.pwned=2">',
  low: "\u202Enot likely <b>",
  high: "very likely\u202E &amp;",
  thankYou: '"]]><!--',
};

/** What the widget shows of each hostile literal, and what it holds that could run. */
function hostileView() {
  const root = document.querySelector("[data-cxkit=survey]").shadowRoot;
  return {
    question: root.getElementById("cx-q")?.textContent ?? null,
    low: root.getElementById("cx-low")?.textContent ?? null,
    high: root.getElementById("cx-high")?.textContent ?? null,
    options: [...root.querySelectorAll("[role=radio], [role=checkbox]")].map((option) => option.textContent),
    thanks: root.querySelector(".thanks")?.textContent ?? null,
    active: root.querySelectorAll("img, script").length,
    elements: root.querySelectorAll("*").length,
    styles: root.querySelectorAll("style").length,
    pwned: String(window.pwned),
  };
}

describe("widget: hostile strings", () => {
  scenario("hostile strings in question, option, low/high (U+202E) and thank-you are each the exact textContent of their node; no img or script in the root, nothing ran; again without adoptedStyleSheets", async () => {
    const survey = {
      id: "strings",
      steps: [
        { id: "score", kind: "nps", question: HOSTILE.question, low: HOSTILE.low, high: HOSTILE.high },
        { id: "pick", kind: "choice", question: "Pick one", options: [HOSTILE.option, "Plain"] },
      ],
      thankYou: HOSTILE.thankYou,
      placement: "bottom-right",
    };
    for (const scripts of [[], [FIRST.noAdoptedStyleSheets]]) {
      const { page, siteId } = await openWith("widget.html", { surveys: [survey] }, { scripts });
      await show(page, "strings");
      const first = await page.evaluate(hostileView);
      assert.equal(first.question, HOSTILE.question);
      assert.equal(first.low, HOSTILE.low);
      assert.equal(first.high, HOSTILE.high);
      assert.equal(first.active, 0, "no img or script in the shadow root");
      assert.equal(first.styles, scripts.length, scripts.length ? "without adoptedStyleSheets: one <style>" : "constructed sheets: no <style>");
      await page.click({ role: "radio", name: "9" });
      await page.click({ role: "button", name: "Next" });
      await eventually(async () => (await page.evaluate(hostileView)).question === "Pick one", "the choice step");
      const second = await page.evaluate(hostileView);
      assert.deepEqual(second.options, [HOSTILE.option, "Plain"]);
      assert.equal(second.active, 0, "no img or script in the shadow root");
      await page.click({ role: "radio", name: HOSTILE.option });
      await page.click({ role: "button", name: "Submit" });
      await eventually(async () => (await page.evaluate(hostileView)).thanks !== null, "the thank-you");
      const thanks = await page.evaluate(hostileView);
      assert.equal(thanks.thanks, HOSTILE.thankYou);
      assert.equal(thanks.active, 0, "no img or script in the shadow root");
      // An <img src=x onerror> would have fired by now (a 404 from the page server).
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await page.evaluate(() => String(window.pwned)), "undefined", "nothing ran");
      const answers = await stored(page, siteId);
      assert.deepEqual(answers.map((a) => [a.question, a.value ?? a.choice]), [["score", 9], ["pick", [HOSTILE.option]]]);
      await assertStillDelivers(page, siteId);
      await page.close();
    }
  });
});

/** What the CSP pages saw: violations, and the widget's styling. */
function cspView() {
  const root = document.querySelector("[data-cxkit=survey]")?.shadowRoot;
  const style = root?.querySelector("style");
  return {
    violations: window.__violations,
    styles: root ? root.querySelectorAll("style").length : null,
    nonce: style ? style.nonce : null,
    adopted: root && root.adoptedStyleSheets ? root.adoptedStyleSheets.length : null,
    radius: root ? getComputedStyle(root.querySelector(".panel")).borderTopLeftRadius : null,
    position: root ? getComputedStyle(root.querySelector(".frame")).position : null,
  };
}

describe("widget: a strict CSP", () => {
  scenario("strict CSP (default-src 'none', style-src 'self', connect-src the files' origin and the collector; the collector alone blocks only the wasm fetch): zero violations from a listener installed first, the widget styled, the answer stored; again with style-src 'nonce-…' and no adoptedStyleSheets", async () => {
    // The files' origin must be in connect-src: the wasm is fetched (WebAssembly.instantiateStreaming).
    // With the collector alone that fetch is the one violation, and cxkit is off, saying why.
    const csp = readFileSync(new URL("./pages/widget-csp.html", import.meta.url), "utf8");
    assert.ok(csp.includes("connect-src 'self' {{collector}};"));
    pages.overrides.set("/test/widget-csp-collector-only.html", csp.replace("connect-src 'self' {{collector}};", "connect-src {{collector}};"));
    try {
      const page = await browser.open(`${pages.origin}/test/widget-csp-collector-only.html`, { scripts: [FIRST.violations] });
      await page.waitForFunction(() => window.cxkit !== undefined);
      assert.deepEqual(await page.evaluate(() => window.cxkit.ready).then((r) => r.error?.message), "cxkit.wasm could not be loaded");
      const violations = await page.evaluate(() => window.__violations);
      assert.ok(violations.length > 0 && violations.every((v) => /^connect-src blocked http:\/\/localhost:\d+\/dist\/cxkit\.wasm /.test(v)), JSON.stringify(violations));
      await page.close();
    } finally {
      pages.overrides.delete("/test/widget-csp-collector-only.html");
    }
    for (const [file, siteId, scripts, expected] of [
      ["widget-csp.html", "widget-csp", [FIRST.violations], { styles: 0, nonce: null, adopted: 1 }],
      ["widget-csp-nonce.html", "widget-csp-nonce", [FIRST.violations, FIRST.noAdoptedStyleSheets], { styles: 1, nonce: "abc123", adopted: null }],
    ]) {
      const page = await browser.open(`${pages.origin}/test/${file}`, { scripts });
      await page.waitForFunction(() => window.cxkit !== undefined);
      assert.deepEqual(await page.evaluate(() => window.cxkit.ready), { ok: true });
      assert.deepEqual(await page.evaluate(() => window.__violations), [], `${file}: nothing violated while loading`);
      assert.deepEqual(await page.evaluate(() => window.cxkit.track("show_survey", {})).then((r) => r.ok), true);
      await page.waitFor({ role: "radio", name: "9" });
      await page.click({ role: "radio", name: "9" });
      await page.click({ role: "button", name: "Submit" });
      const answers = await stored(page, siteId, "$response", "cxkit");
      assert.deepEqual(answers.map((a) => [a.survey, a.value]), [["strict", 9]], file);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const view = await page.evaluate(cspView);
      assert.deepEqual(view, { violations: [], ...expected, radius: "12px", position: "fixed" }, file);
      await assertStillDelivers(page, siteId, { handle: "cxkit" });
      assert.deepEqual(await page.evaluate(() => window.__violations), [], `${file}: nothing violated at the end`);
      await page.close();
    }
  });
});

/** Where focus is: `page` (outside the widget, with the active element's tag), or the widget's focused control. */
function focusAt() {
  const host = document.querySelector("[data-cxkit=survey]");
  const active = document.activeElement;
  if (!host || active !== host) return { in: "page", tag: active ? active.tagName : null, id: active?.id ?? "" };
  const inner = host.shadowRoot.activeElement;
  return { in: "widget", tag: inner?.tagName ?? null, role: inner?.getAttribute("role") ?? null, text: inner?.textContent ?? "", checked: inner?.getAttribute("aria-checked") ?? null, className: inner?.className ?? "" };
}

/** Presses Tab from where focus is until it is on a radio in the widget (at most 20 times); returns the stops passed. */
async function tabIntoScale(page) {
  const stops = [];
  for (let i = 0; i < 20; i++) {
    await page.press("Tab");
    const at = await page.evaluate(focusAt);
    stops.push(at);
    if (at.in === "widget" && at.role === "radio") return stops;
  }
  assert.fail(`Tab never reached the widget's scale: ${JSON.stringify(stops)}`);
}

describe("widget: keyboard only, corner placement", () => {
  scenario("keyboard only: a corner survey takes no focus when it opens; Tab from the top reaches its scale, arrows choose, Enter confirms, typed text and Enter on Submit send both steps of one run", async () => {
    const survey = { id: "keys", steps: [{ id: "score", kind: "nps" }, { id: "why", kind: "text", question: "Why?" }], placement: "bottom-right" };
    const { page, siteId } = await openWith("widget.html", { surveys: [survey] });
    const before = await page.evaluate(focusAt);
    assert.deepEqual(before, { in: "page", tag: "BODY", id: "" }, "the page's body has focus after load");
    await show(page, "keys");
    assert.deepEqual(await page.evaluate(focusAt), before, "opening the corner card took no focus");
    assert.equal(await page.evaluate(() => document.querySelector("[data-cxkit=survey]").shadowRoot.activeElement), null);
    const stops = await tabIntoScale(page);
    assert.ok(stops.some((stop) => stop.in === "page" && stop.id === "page-button"), `Tab went through the page first: ${JSON.stringify(stops)}`);
    assert.deepEqual(stops.at(-1), { in: "widget", tag: "BUTTON", role: "radio", text: "0", checked: "false", className: "option" }, "the scale's tab stop: its first option, not yet chosen");
    for (let i = 0; i < 9; i++) await page.press("ArrowRight");
    assert.deepEqual(await page.evaluate(focusAt), { in: "widget", tag: "BUTTON", role: "radio", text: "9", checked: "true", className: "option" });
    assert.deepEqual(await stored(page, siteId), [], "selecting alone does not submit");
    await page.press("Enter");
    await eventually(async () => (await page.evaluate(focusAt)).tag === "TEXTAREA", "focus in the text step's field");
    assert.equal(await page.evaluate(() => document.querySelector("[data-cxkit=survey]").shadowRoot.getElementById("cx-q").textContent), "Why?");
    for (const key of "Fast!") await page.press(key);
    await page.press("Tab");
    assert.deepEqual(await page.evaluate(focusAt), { in: "widget", tag: "BUTTON", role: null, text: "Submit", checked: null, className: "submit" });
    await page.press("Enter");
    const answers = await stored(page, siteId);
    assert.deepEqual(answers.map((a) => [a.survey, a.question, a.value ?? a.text]), [["keys", "score", 9], ["keys", "why", "Fast!"]]);
    assert.equal(answers[0].run_id, answers[1].run_id, "one run");
    await assertStillDelivers(page, siteId);
  });

  scenario("keyboard only: Esc on a corner survey reached by Tab dismisses it, and one $dismiss is stored", async () => {
    const { page, siteId } = await openWith("widget.html", { surveys: [nps("esc", "bottom-left")] });
    const before = await page.evaluate(focusAt);
    await show(page, "esc");
    assert.deepEqual(await page.evaluate(focusAt), before, "opening the corner card took no focus");
    await tabIntoScale(page);
    await page.press("Escape");
    await page.waitFor({ css: HOST }, { gone: true });
    assert.deepEqual((await stored(page, siteId, "$dismiss")).map((d) => d.survey), ["esc"]);
    assert.deepEqual(await stored(page, siteId), [], "no answer");
    await assertStillDelivers(page, siteId);
  });
});

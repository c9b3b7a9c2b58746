// The engine-neutral browser of the e2e harness (issue 14). Each engine has a thin driver in
// drivers/ with one shape: `launch()` → `{ version, newPage(), close() }`, a page being
// `{ goto(url), reload(), evaluate(expression), frameEvaluate(urlPart, expression),
// click(expression), press(key), close() }` — `evaluate` resolves the expression's promise of
// a string, `click` clicks the element an expression gives as a user would — plus `crash()`
// and `heapUsage()` where the engine's protocol has them (Chromium's DevTools protocol;
// skip.json names the scenarios that need them). Everything else is built here once, on what
// every engine has: the page's own first script (lib/first-script.mjs) for errors, requests
// and the fake clock, and page-side lookups by role and accessible name.
import { runFor } from "./fake-clock.mjs";

export const ENGINES = ["chromium", "firefox", "webkit"];
/** The engine under test: `CXKIT_ENGINE`, Chromium when unset. */
export const ENGINE = process.env.CXKIT_ENGINE ?? "chromium";
if (!ENGINES.includes(ENGINE)) throw new Error(`CXKIT_ENGINE=${ENGINE}: not one of ${ENGINES.join(", ")}`);

/**
 * Finds the first element matching `target` in the document or any open shadow root:
 * `{ role, name }`, a rendered element (as Playwright's getByRole: an explicit role or the
 * implicit role of the elements the widget uses; the name from aria-label, aria-labelledby or
 * the text, compared exactly), or `{ css }`, rendered or not (as Playwright's locator).
 * With `all`, returns how many match. Runs in the page.
 */
function find({ target, all }) {
  const IMPLICIT = { button: "button, input[type=button], input[type=submit]", dialog: "dialog" };
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const element of roots[i].querySelectorAll("*")) if (element.shadowRoot) roots.push(element.shadowRoot);
  }
  const text = (element) => element.textContent.replace(/\s+/g, " ").trim();
  const nameOf = (element) => {
    const label = element.getAttribute("aria-label");
    if (label) return label.trim();
    const ids = element.getAttribute("aria-labelledby");
    if (ids) return ids.split(/\s+/).map((id) => element.getRootNode().getElementById(id)).filter(Boolean).map(text).join(" ");
    return text(element);
  };
  const matches = (element) => {
    if (target.css) return true;
    if (element.getClientRects().length === 0) return false;
    const role = element.getAttribute("role");
    const hasRole = role ? role === target.role : IMPLICIT[target.role] && element.matches(IMPLICIT[target.role]);
    return hasRole && (target.name === undefined || nameOf(element) === target.name);
  };
  const found = roots.flatMap((root) => [...root.querySelectorAll(target.css ?? "*")].filter(matches));
  return all ? found.length : found[0] ?? null;
}

/** `expression` wrapped to resolve to `{ value }` or `{ error }` as JSON, the same on every engine. */
function settled(expression) {
  return `(async () => { try { const value = await (${expression});
    return JSON.stringify({ value: value === undefined ? null : value }); }
    catch (error) { return JSON.stringify({ error: String(error && error.stack || error) }); } })()`;
}

/** `fn(arg)` as an expression. */
const call = (fn, arg) => `(${fn})(${JSON.stringify(arg ?? null)})`;

/** Polls `check` (in Node) until it returns a truthy value, or throws after `timeout` ms. */
async function until(check, what, timeout) {
  for (const deadline = Date.now() + timeout; ;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One tab. What its documents recorded is handed on from one to the next (lib/first-script.mjs). */
class Page {
  #page;

  constructor(page) {
    this.#page = page;
    /** The in-page fake clock, when the page was opened with `clock`. */
    this.clock = { runFor: (ms) => this.evaluate(runFor, ms) };
  }

  /** Runs `fn(arg)` in the page (`fn` may be async); its result comes back through JSON. */
  evaluate(fn, arg) {
    return this.#run(call(fn, arg));
  }

  /**
   * Runs a script's source in the page (e.g. axe-core, which sets `window.axe`) through the
   * driver, which a page's CSP does not govern, as a <script> or eval would be.
   */
  async addScript(source) {
    await this.#run(`(() => {\n${source}\n})()`);
  }

  /**
   * Waits until `fn(arg)` is truthy in the page; returns its value. A call that throws is
   * tried again (the document may be going away in a navigation); the last error is told
   * if the time runs out.
   */
  waitForFunction(fn, arg, { timeout = 10_000 } = {}) {
    let last;
    const check = () => this.evaluate(fn, arg).catch((error) => { last = error; return false; });
    return until(check, `${fn} in the page`, timeout).catch((error) => {
      throw last ? new Error(`${error.message}; last: ${last.message}`) : error;
    });
  }

  /** How many elements match `target` (see {@link find}). */
  count(target) {
    return this.evaluate(find, { target, all: true });
  }

  /** Waits for `target` to be there, or with `{ gone: true }` to be gone (see {@link find}). */
  waitFor(target, { gone = false, timeout = 10_000 } = {}) {
    return until(async () => ((await this.count(target)) > 0) !== gone, `${JSON.stringify(target)} ${gone ? "gone" : "shown"}`, timeout);
  }

  /** Clicks `target` as a user would, once it is rendered and enabled. */
  async click(target, { timeout = 10_000 } = {}) {
    const element = call(find, { target });
    await until(() => this.#run(`(() => { const element = ${element}; return element !== null && !element.disabled; })()`), `${JSON.stringify(target)} enabled`, timeout);
    await this.#page.click(element);
  }

  /** Presses a named key (`Enter`, `ArrowRight`, …) in the focused element. */
  press(key) {
    return this.#page.press(key);
  }

  /** Reloads the page. */
  reload() {
    return this.#page.reload();
  }

  /** Navigates to `url` (on the same origin, for what the page recorded to be kept). */
  goto(url) {
    return this.#page.goto(url);
  }

  /** Console errors and uncaught errors the tab reported, since it was opened. */
  async errors() {
    const { consoleErrors, pageErrors } = await this.#recorded();
    return { consoleErrors, pageErrors };
  }

  /**
   * Requests the tab made with fetch or sendBeacon, optionally only those to `origin`:
   * `{ via, url, method, headers }` (`via`: "fetch" or "beacon"; header names in lower case)
   * and the body as a Buffer.
   */
  async requests(origin = "") {
    return (await this.#recorded()).requests.filter((r) => r.url.startsWith(origin)).map((r) => ({ ...r, body: r.body && Buffer.from(r.body) }));
  }

  /** The frame whose URL holds `part`, to evaluate in and wait on; what it recorded is its own. */
  frame(part) {
    return new Page({ evaluate: (expression) => this.#page.frameEvaluate(part, expression) });
  }

  /** Crashes the tab's renderer (Chromium only: skip.json names the scenario elsewhere). */
  crash() {
    if (!this.#page.crash) throw new Error(`${ENGINE}: no way to crash a renderer through this driver`);
    return this.#page.crash();
  }

  /**
   * The JS heap in use after a garbage collection, in bytes, where the driver can tell
   * (Chromium, through the DevTools protocol); elsewhere it throws, and the scenario is in skip.json.
   */
  heapUsage() {
    if (!this.#page.heapUsage) throw new Error(`${ENGINE}: no heap figure through this driver`);
    return this.#page.heapUsage();
  }

  close() {
    this.onClose?.();
    return this.#page.close();
  }

  async #run(expression) {
    const { value, error } = JSON.parse(await this.#page.evaluate(settled(expression)));
    if (error !== undefined) throw new Error(`in the page: ${error}`);
    return value;
  }

  #recorded() {
    return this.evaluate(() => window.__cxHarness?.seen ?? { consoleErrors: [], pageErrors: [], requests: [] });
  }
}

/** Launches the engine under test; pages are served by `pages` (lib/pages.mjs), which puts the first script in. */
export async function launchEngine(pages) {
  const { launch } = await import(`./drivers/${ENGINE}.mjs`);
  const browser = await launch();
  const open = new Set();
  return {
    engine: ENGINE,
    version: browser.version,
    /**
     * A new tab at `url`. `clock: { now }` installs the paused fake clock, `scripts` are
     * functions run first (as init scripts were); both hold for the page's reloads.
     */
    async open(url, { clock, scripts } = {}) {
      pages.first = { clock, scripts };
      const driverPage = await browser.newPage();
      await driverPage.goto(url);
      const page = new Page(driverPage);
      open.add(page);
      page.onClose = () => open.delete(page);
      return page;
    },
    /** Closes every page still open (so a failed test leaves none retrying). */
    // One after the other: a WebDriver session has one current window, which each close moves.
    async closePages() {
      for (const page of [...open]) await page.close();
    },
    close: () => browser.close(),
  };
}

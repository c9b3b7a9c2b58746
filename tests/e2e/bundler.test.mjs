// The npm package inside an app's own bundle: esbuild with code splitting, as an app would
// build it. The survey module must come out as a chunk of its own, fetched only when a survey
// shows, and both .wasm files must load (checked against their built-in hashes) from where
// the app serves them. Then the apps people build (examples/): the package as `npm pack` makes
// it, installed from its tarball into a copy of the Vite + TypeScript example and of the React
// example, built by Vite with the example's own config, and served under the demo's strict CSP.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { eventually, ROOT } from "./lib/collector.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";
import { query } from "./lib/sqlite.mjs";

let harness, collector, pages, browser, out;
/** Copies of the examples, built: under target/ so that their Vite config finds the repo's vite. */
const APPS = join(ROOT, "target/examples");
const apps = [];

before(async () => {
  harness = await startHarness();
  ({ collector, pages, browser } = harness);
  out = await mkdtemp(join(tmpdir(), "cxkit-app-"));
  const entry = join(out, "app.js");
  await writeFile(entry, `import { init } from ${JSON.stringify(join(ROOT, "npm/dist/index.js"))};\nwindow.cxkitInit = init;\n`);
  await build({ entryPoints: [entry], bundle: true, splitting: true, format: "esm", outdir: join(out, "dist"), logLevel: "warning" });
  // What an app does for assets esbuild does not copy: the two .wasm files beside the chunks.
  const served = new Map([["/app/index.html", Buffer.from('<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/app/app.js"></script>')]]);
  for (const file of readdirSync(join(out, "dist"))) served.set(`/app/${file}`, readFileSync(join(out, "dist", file)));
  for (const file of ["cxkit.wasm", "cxkit-survey.wasm"]) served.set(`/app/${file}`, readFileSync(join(ROOT, "npm/dist", file)));
  for (const [path, bytes] of served) pages.overrides.set(path, bytes);
});

after(async () => {
  await harness?.stop();
  if (out) await rm(out, { recursive: true, force: true });
  for (const dir of apps) await rm(dir, { recursive: true, force: true });
});

describe("in an app's bundle", () => {
  scenario("the survey module is a chunk of its own, fetched only when a survey shows", async () => {
    const chunks = readdirSync(join(out, "dist")).filter((file) => file.endsWith(".js"));
    const app = readFileSync(join(out, "dist", "app.js"), "utf8");
    const survey = chunks.filter((file) => readFileSync(join(out, "dist", file), "utf8").includes("cxkit-survey.wasm"));
    assert.equal(survey.length, 1, `one chunk loads the survey wasm: ${chunks.join(", ")}`);
    assert.notEqual(survey[0], "app.js", "not the app's entry");
    assert.ok(!app.includes("cxkit-survey.wasm") && app.includes("cxkit.wasm"), "the entry holds the core only");

    const page = await browser.open(`${pages.origin}/app/index.html`);
    await page.waitForFunction(() => typeof window.cxkitInit === "function");
    const endpoint = collector.endpoint;
    await page.evaluate(async (url) => {
      window.cx = await window.cxkitInit({ endpoint: url, siteId: "bundled" });
    }, endpoint);
    await sleep(2500);
    const fetched = (path) => pages.count(path);
    assert.equal(fetched("/app/cxkit.wasm"), 1);
    assert.equal(fetched(`/app/${survey[0]}`) + fetched("/app/cxkit-survey.wasm"), 0, "no survey code before a survey shows");

    assert.deepEqual(await page.evaluate(() => window.cx.showSurvey("nps")), { ok: true });
    await page.click({ role: "radio", name: "8" });
    await page.click({ role: "button", name: "Submit" });
    assert.equal(fetched(`/app/${survey[0]}`), 1);
    assert.equal(fetched("/app/cxkit-survey.wasm"), 1);
    await eventually(async () => (await collector.stats("bundled")).nps?.responses === 1, "the answer stored");
    assert.deepEqual((await page.errors()).consoleErrors, []);
    assert.deepEqual((await page.errors()).pageErrors, []);
    await page.close();
  });
});

/** The demo's CSP (www/index.html) with the test collector as the one other origin. */
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' {{collector}}; style-src 'self'";

/** Records every CSP violation of the document, from before its first script. */
function recordViolations() {
  window.__violations = [];
  const record = (event) => window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
  document.addEventListener("securitypolicyviolation", record, true);
}

let tarball;
/** `npm pack` of npm/, once: the file a user would get from the registry. */
function packed() {
  if (!tarball) {
    const dir = mkdtempSync(join(tmpdir(), "cxkit-pack-"));
    apps.push(dir);
    const [{ filename }] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: join(ROOT, "npm"), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    tarball = join(dir, filename);
  }
  return tarball;
}

/**
 * examples/`name` copied, the packed cxkit installed into it from the tarball (`npm install`,
 * offline: it has no dependencies), and built by the repo's Vite with the example's own config
 * (react, react-dom, vite and the plugin are the repo's pinned devDependencies, found up the
 * tree, so nothing else is fetched), for the collector and served under `/<name>/`. Returns the
 * build's files and its entry chunk's name.
 */
function buildApp(name, env = {}) {
  mkdirSync(APPS, { recursive: true });
  const dir = mkdtempSync(join(APPS, `${name}-`));
  apps.push(dir);
  cpSync(join(ROOT, "examples", name), dir, { recursive: true, filter: (path) => !/[\\/](node_modules|dist)$/.test(path) });
  // Only cxkit is installed here; the rest of the example's dependencies come from the repo.
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  manifest.dependencies = { cxkit: manifest.dependencies.cxkit };
  delete manifest.devDependencies;
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  execFileSync("npm", ["install", packed(), "--offline", "--no-audit", "--no-fund", "--no-package-lock"], { cwd: dir, stdio: "pipe" });
  assert.equal(JSON.parse(readFileSync(join(dir, "node_modules/cxkit/package.json"), "utf8")).name, "cxkit", "installed from the tarball");
  execFileSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--base", `/${name}/`, "--logLevel", "warn"], {
    cwd: dir, stdio: "pipe", env: { ...process.env, VITE_CX_ENDPOINT: collector.endpoint, ...env },
  });
  const dist = join(dir, "dist");
  const files = new Map();
  for (const file of readdirSync(join(dist, "assets"))) files.set(`assets/${file}`, readFileSync(join(dist, "assets", file)));
  let html = readFileSync(join(dist, "index.html"), "utf8");
  const entry = /<script type="module" crossorigin src="\/[\w-]+\/(assets\/[\w.-]+\.js)">/.exec(html)?.[1];
  assert.ok(entry, `the entry script in ${html}`);
  // The CSP as the page's first element (a site sends it as a header; the harness's first
  // script, before it, installs the violation listener).
  html = html.replace("<head>", `<head>\n  <meta http-equiv="Content-Security-Policy" content="${STRICT_CSP}">`);
  files.set("index.html", Buffer.from(html));
  for (const [file, bytes] of files) pages.overrides.set(`/${name}/${file}`, bytes);
  return { files, entry, html };
}

/** What a Vite build must be for cxkit: the survey module a chunk of its own, each .wasm an
 * asset file (byte for byte the shipped one), nothing inlined as a data: URL but the locales. */
function assertChunksAndAssets({ files, entry }) {
  const text = (file) => files.get(file).toString("latin1");
  const scripts = [...files.keys()].filter((file) => file.endsWith(".js"));
  const wasm = [...files.keys()].filter((file) => file.endsWith(".wasm"));
  assert.equal(wasm.length, 2, `two .wasm assets: ${[...files.keys()].join(", ")}`);
  const core = wasm.find((file) => /^assets\/cxkit-[\w-]{8}\.wasm$/.test(file));
  const survey = wasm.find((file) => /^assets\/cxkit-survey-[\w-]{8}\.wasm$/.test(file));
  assert.ok(core && survey, wasm.join(", "));
  assert.deepEqual(files.get(core), readFileSync(join(ROOT, "npm/dist/cxkit.wasm")), "the core's wasm as shipped");
  assert.deepEqual(files.get(survey), readFileSync(join(ROOT, "npm/dist/cxkit-survey.wasm")), "the survey's wasm as shipped");
  const surveyChunks = scripts.filter((file) => text(file).includes(survey.slice("assets/".length)));
  assert.equal(surveyChunks.length, 1, `one chunk loads the survey wasm: ${scripts.join(", ")}`);
  assert.notEqual(surveyChunks[0], entry, "the survey module is not in the entry chunk");
  assert.ok(text(entry).includes(core.slice("assets/".length)) && !text(entry).includes(survey.slice("assets/".length)), "the entry holds the core only");
  for (const file of scripts) {
    // "AGFzbQ" is "\0asm", a wasm module's first bytes, in base64.
    assert.ok(!/data:application\/wasm|AGFzbQ/.test(text(file)), `${file}: no wasm inlined`);
  }
  return { core, survey, surveyChunk: surveyChunks[0] };
}

/** The rows the collector stored for `site`. */
const storedRows = (site) => query(collector.db, `SELECT stream, seq, name, props FROM events WHERE site = '${site}' ORDER BY stream, seq`);

describe("apps people build (examples/)", () => {
  scenario("Vite + TypeScript example from the npm pack tarball: survey chunk and .wasm assets (none inlined), boots under the demo's strict CSP with zero violations, tracks, shows a survey (English, then German from a locale Vite inlined), answers arrive", async () => {
    const app = buildApp("vite");
    const { core, survey, surveyChunk } = assertChunksAndAssets(app);
    assert.ok(app.files.get(surveyChunk).toString("utf8").includes("data:application/json;base64,"), "Vite inlined the small locale files (the case the survey module reads in place)");

    for (const [lang, submit, score] of [["en", "Submit", 8], ["de", "Senden", 3]]) {
      pages.overrides.set("/vite/index.html", Buffer.from(app.html.replace('<html lang="en">', `<html lang="${lang}">`)));
      const surveyFetches = () => pages.count(`/vite/${surveyChunk}`) + pages.count(`/vite/${survey}`);
      const before = surveyFetches();
      // The German page is another visitor's: the English answer capped the survey in this origin's storage.
      const page = await browser.open(`${pages.origin}/vite/index.html`, { scripts: [recordViolations, () => localStorage.clear()] });
      await page.waitFor({ css: "#status[data-ready=true]" });
      assert.equal(surveyFetches() - before, 0, "no survey code before a survey shows");
      await page.click({ role: "button", name: "Buy" });
      await page.click({ role: "radio", name: String(score) });
      await page.click({ role: "button", name: submit });
      await eventually(async () => storedRows("vite-example").filter((row) => row.name === "$response").length === (lang === "en" ? 1 : 2), `the ${lang} answer stored`);
      assert.ok(pages.count(`/vite/${core}`) >= 1 && surveyFetches() - before === 2, "the survey chunk and wasm fetched from where Vite put them");
      assert.equal(pages.requests.filter((path) => path.includes("/locales/")).length, 0, "no locale fetched: inlined");
      assert.deepEqual(await page.evaluate(() => window.__violations), [], `${lang}: no CSP violation`);
      assert.deepEqual(await page.errors().then(({ consoleErrors, pageErrors }) => ({ consoleErrors, pageErrors })), { consoleErrors: [], pageErrors: [] });
      await page.close();
    }
    const rows = storedRows("vite-example");
    assert.equal(rows.filter((row) => row.name === "purchase").length, 2, "track() from the app");
    assert.deepEqual(rows.filter((row) => row.name === "$response").map((row) => [JSON.parse(row.props).value, JSON.parse(row.props).locale]).sort(), [[3, "de"], [8, "en"]]);
  });

  scenario("React example under StrictMode (a development build: effects run twice) with useCx() in two components: one instance, one wasm fetch, the collector sees one stream id; a survey answered under the strict CSP", async () => {
    const app = buildApp("react", { NODE_ENV: "development" });
    const { core } = assertChunksAndAssets(app);
    // React's development build (a dev-only message of react-dom), where StrictMode runs each effect twice.
    assert.ok(app.files.get(app.entry).toString("utf8").includes("Check the render method of"), "React's development build");
    const page = await browser.open(`${pages.origin}/react/index.html`, { scripts: [recordViolations] });
    // Each from another component's useCx(); the answer's send takes both along.
    await page.click({ css: "a[href='#help']" });
    await page.click({ role: "button", name: "Buy" });
    await page.click({ role: "radio", name: "9" });
    await page.click({ role: "button", name: "Submit" });
    const names = ["$response", "help_opened", "purchase"];
    await eventually(async () => names.every((name) => storedRows("react-example").some((row) => row.name === name)), "the answer and both components' events stored");
    const rows = storedRows("react-example");
    assert.deepEqual(new Set(rows.map((row) => row.stream)).size, 1, `one stream: ${JSON.stringify(rows.map((row) => [row.stream, row.name]))}`);
    assert.equal(rows.filter((row) => row.name === "purchase").length, 1);
    assert.equal(await page.evaluate(() => performance.getEntriesByName("cxkit:ready").length), 1, "one instance started");
    assert.equal(pages.count(`/react/${core}`), 1, "the core's wasm fetched once");
    assert.deepEqual(await page.evaluate(() => window.__violations), [], "no CSP violation");
    const { consoleErrors, pageErrors } = await page.errors();
    assert.deepEqual({ consoleErrors, pageErrors }, { consoleErrors: [], pageErrors: [] });
    await page.close();
  });
});

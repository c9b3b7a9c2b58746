// The npm package inside an app's own bundle: esbuild with code splitting, as an app would
// build it. The survey module must come out as a chunk of its own, fetched only when a survey
// shows, and both .wasm files must load (checked against their built-in hashes) from where
// the app serves them.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "esbuild";
import { eventually, ROOT } from "./lib/collector.mjs";
import { startHarness } from "./lib/harness.mjs";
import { scenario } from "./lib/scenario.mjs";

let harness, collector, pages, browser, out;

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

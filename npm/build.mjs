// Bundles the wasm-bindgen output (npm/pkg/core, npm/pkg/survey, made by `make build`) with the
// TypeScript wrapper:
//   dist/index.js          ESM for bundlers (+ .d.ts from tsc): the core
//   dist/cxkit.js          minified IIFE for a <script> tag: the core
//   dist/cxkit-survey.js   ESM, the survey module's glue: imported only where a survey shows
//   dist/locales/<tag>.json  the survey's words in each language (locales/, minified), fetched
//                            by the survey module from beside itself
//   dist/lexicons/<lang>.txt the words sentiment and themes read (lexicons/, as they are, with
//                            LICENSE-vader.txt), fetched by the survey module with a text step
// The .wasm files are written by the Makefile (wasm-opt) before this runs: their SHA-384 is
// built into the JS that loads them, and that of cxkit-survey.js into the script tag's loader.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** `sha384-…` of a built file, as `integrity` attributes and `fetch` take it. */
async function sri(path) {
  return `sha384-${createHash("sha384").update(await readFile(here + path)).digest("base64")}`;
}

// The glue falls back to `new URL('<name>_bg.wasm', import.meta.url)` when no URL is passed.
// We always pass one, and bundlers (webpack, Vite) would try to resolve that unused fallback as
// an asset: take it out, and fail loudly if wasm-bindgen ever changes its shape.
const FALLBACK = /new URL\('[\w-]+_bg\.wasm', import\.meta\.url\)/;

/** Each module's glue, the optimised wasm the Makefile writes beside it, and the shipped wasm. */
const WASM = {
  core: { optimised: "pkg/core/cxkit_opt.wasm", shipped: "dist/cxkit.wasm" },
  survey: { optimised: "pkg/survey/cxkit-survey_opt.wasm", shipped: "dist/cxkit-survey.wasm" },
};

/**
 * The shipped wasm's imports and exports have one- or two-letter names (the Makefile's second
 * wasm-opt pass renames them; wasm-bindgen's are 20–50 characters, many with a 16-digit hash
 * that no compressor can shrink): the glue must use the same. The renaming keeps every import and
 * export in its place, so the optimised module (names as wasm-bindgen wrote them) and the shipped
 * one pair up by position. Every name the glue uses is renamed where the glue defines or calls
 * it, exactly once per definition; anything else fails the build.
 */
async function renameToShipped(text, dir, path) {
  const { optimised, shipped } = WASM[dir];
  const [before, after] = await Promise.all([optimised, shipped].map(async (file) => new WebAssembly.Module(await readFile(here + file))));
  const pairs = (list) => {
    const [from, to] = [list(before), list(after)];
    if (from.length !== to.length || from.some((item, i) => item.kind !== to[i].kind)) throw new Error(`${shipped} does not pair up with ${optimised}`);
    return from.map((item, i) => [item, to[i]]);
  };
  const exported = new Map(pairs(WebAssembly.Module.exports).map(([from, to]) => [from.name, to.name]));
  text = text.replace(/\bwasm\.([\w$]+)/g, (_, name) => {
    if (!exported.has(name)) throw new Error(`${path}: wasm.${name} is no export of ${optimised}`);
    return `wasm.${exported.get(name)}`;
  });
  const modules = new Map();
  for (const [from, to] of pairs(WebAssembly.Module.imports)) {
    modules.set(from.module, to.module);
    const key = `\n        ${from.name}: function`;
    if (text.split(key).length !== 2) throw new Error(`${path}: the import ${from.name} is not defined once in the glue`);
    text = text.replace(key, `\n        ${to.name}: function`);
  }
  for (const [from, to] of modules) {
    const key = `"${from}": import0`;
    if (text.split(key).length !== 2) throw new Error(`${path}: the import module ${from} is not named once in the glue`);
    text = text.replace(key, `${JSON.stringify(to)}: import0`);
  }
  return text;
}

const glue = {
  name: "glue",
  setup(b) {
    b.onLoad({ filter: /pkg[\\/](core|survey)[\\/][\w-]+\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!FALLBACK.test(text)) throw new Error(`wasm-bindgen glue ${args.path} no longer has its wasm fallback URL`);
      const dir = /pkg[\\/](core|survey)[\\/]/.exec(args.path)[1];
      return { contents: await renameToShipped(text.replace(FALLBACK, "undefined"), dir, args.path), loader: "js" };
    });
  },
};

/**
 * Writes `locales/<tag>.json` minified to `dist/locales/` (JSON.parse proves each is JSON, and
 * JSON.stringify drops the indentation translators read) and returns their `sha384-…` by tag.
 * English is compiled into the survey module; the others are fetched beside it, never built
 * into the core (issue 16, "Languages"; the set and the keys are held by the host tests of
 * crates/domain/src/survey/locale.rs). The folder is this build's alone: emptied first, so a
 * locale taken out of `locales/` does not linger in what ships.
 */
async function locales() {
  await rm(here + "dist/locales", { recursive: true, force: true });
  await mkdir(here + "dist/locales", { recursive: true });
  const hashes = {};
  for (const name of (await readdir(here + "locales")).filter((name) => name.endsWith(".json")).sort()) {
    const words = JSON.parse(await readFile(here + "locales/" + name, "utf8"));
    await writeFile(here + "dist/locales/" + name, JSON.stringify(words));
    hashes[name.slice(0, -".json".length)] = await sri("dist/locales/" + name);
  }
  return hashes;
}

/**
 * Copies `lexicons/<lang>.txt` (and their licence files) to `dist/lexicons/` and returns the
 * `sha384-…` of each lexicon by language. Which languages the survey module fetches is Rust's
 * list (`cxkit_domain::text::LEXICONS`, held the same as this folder by a host test).
 */
async function lexicons() {
  await rm(here + "dist/lexicons", { recursive: true, force: true });
  await mkdir(here + "dist/lexicons", { recursive: true });
  const hashes = {};
  for (const name of (await readdir(here + "lexicons")).filter((name) => name.endsWith(".txt")).sort()) {
    await writeFile(here + "dist/lexicons/" + name, await readFile(here + "lexicons/" + name));
    if (!name.startsWith("LICENSE")) hashes[name.slice(0, -".txt".length)] = await sri("dist/lexicons/" + name);
  }
  return hashes;
}

const common = { bundle: true, target: "es2022", plugins: [glue], absWorkingDir: here, logLevel: "warning" };
// The survey chunk stays a separate file in both builds.
const external = ["./cxkit-survey.js"];
await build({
  ...common,
  entryPoints: ["src/cxkit-survey.ts"],
  format: "esm",
  minify: true,
  outfile: "dist/cxkit-survey.js",
  define: {
    __CX_SURVEY_WASM_SRI__: JSON.stringify(await sri("dist/cxkit-survey.wasm")),
    // For `fetch(url, { integrity })`, like the wasm: a locale file of another release is refused.
    // Inlined only where the survey module reads it: ~75 B of hash a locale, which gzip cannot shrink.
    __CX_LOCALES_SRI__: JSON.stringify(await locales()),
    __CX_LEXICONS_SRI__: JSON.stringify(await lexicons()),
  },
});
const define = {
  __CX_CORE_WASM_SRI__: JSON.stringify(await sri("dist/cxkit.wasm")),
  __CX_SURVEY_JS_SRI__: JSON.stringify(await sri("dist/cxkit-survey.js")),
};
await build({ ...common, entryPoints: ["src/index.ts"], format: "esm", outfile: "dist/index.js", external, define });
await build({ ...common, entryPoints: ["src/tag.ts"], format: "iife", minify: true, outfile: "dist/cxkit.js", external, define });

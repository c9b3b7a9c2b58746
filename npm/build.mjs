// Bundles the wasm-bindgen output (npm/pkg/core, npm/pkg/survey, made by `make build`) with the
// TypeScript wrapper:
//   dist/index.js          ESM for bundlers (+ .d.ts from tsc): the core
//   dist/cxkit.js          minified IIFE for a <script> tag: the core
//   dist/cxkit-survey.js   ESM, the survey module's glue: imported only where a survey shows
// The .wasm files are written by the Makefile (wasm-opt) before this runs: their SHA-384 is
// built into the JS that loads them, and that of cxkit-survey.js into the script tag's loader.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** `sha384-…` of a built file, as `integrity` attributes and `fetch` take it. */
async function sri(path) {
  return `sha384-${createHash("sha384").update(await readFile(here + path)).digest("base64")}`;
}

// The glue falls back to `new URL('<name>_bg.wasm', import.meta.url)` when no URL is passed.
// We always pass one, and bundlers (webpack, Vite) would try to resolve that unused fallback as
// an asset: take it out, and fail loudly if wasm-bindgen ever changes its shape.
const dropGlueFallback = {
  name: "drop-glue-fallback",
  setup(b) {
    b.onLoad({ filter: /pkg[\\/](core|survey)[\\/][\w-]+\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const fallback = /new URL\('[\w-]+_bg\.wasm', import\.meta\.url\)/;
      if (!fallback.test(text)) throw new Error(`wasm-bindgen glue ${args.path} no longer has its wasm fallback URL`);
      return { contents: text.replace(fallback, "undefined"), loader: "js" };
    });
  },
};

const common = { bundle: true, target: "es2022", plugins: [dropGlueFallback], absWorkingDir: here, logLevel: "warning" };
// The survey chunk stays a separate file in both builds.
const external = ["./cxkit-survey.js"];
await build({
  ...common,
  entryPoints: ["src/cxkit-survey.ts"],
  format: "esm",
  minify: true,
  outfile: "dist/cxkit-survey.js",
  define: { __CX_SURVEY_WASM_SRI__: JSON.stringify(await sri("dist/cxkit-survey.wasm")) },
});
const define = {
  __CX_CORE_WASM_SRI__: JSON.stringify(await sri("dist/cxkit.wasm")),
  __CX_SURVEY_JS_SRI__: JSON.stringify(await sri("dist/cxkit-survey.js")),
};
await build({ ...common, entryPoints: ["src/index.ts"], format: "esm", outfile: "dist/index.js", external, define });
await build({ ...common, entryPoints: ["src/tag.ts"], format: "iife", minify: true, outfile: "dist/cxkit.js", external, define });

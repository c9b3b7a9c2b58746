// Bundles the wasm-bindgen output (npm/pkg/, made by `make build`) with the TypeScript wrapper:
//   dist/index.js   ESM for bundlers (+ .d.ts from tsc)
//   dist/cxkit.js   minified IIFE for a <script> tag
// The .wasm itself is copied by the Makefile after wasm-opt.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

// The glue falls back to `new URL('cxkit_bg.wasm', import.meta.url)` when no URL is passed.
// We always pass one, and bundlers (webpack, Vite) would try to resolve that unused fallback as
// an asset: take it out, and fail loudly if wasm-bindgen ever changes its shape.
const FALLBACK = "new URL('cxkit_bg.wasm', import.meta.url)";
const dropGlueFallback = {
  name: "drop-glue-fallback",
  setup(b) {
    b.onLoad({ filter: /pkg[\\/]cxkit\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes(FALLBACK)) throw new Error(`wasm-bindgen glue no longer contains ${FALLBACK}`);
      return { contents: text.replace(FALLBACK, "undefined"), loader: "js" };
    });
  },
};

const common = { bundle: true, target: "es2022", plugins: [dropGlueFallback], absWorkingDir: here, logLevel: "warning" };
await build({ ...common, entryPoints: ["src/index.ts"], format: "esm", outfile: "dist/index.js" });
await build({ ...common, entryPoints: ["src/tag.ts"], format: "iife", minify: true, outfile: "dist/cxkit.js" });

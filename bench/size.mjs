// Sizes of the two shipped modules (npm/dist, JS + wasm after wasm-opt): the core every page
// loads (cxkit.js + cxkit.wasm) and the survey module fetched only where a survey shows
// (cxkit-survey.js + cxkit-survey.wasm); raw, gzip -9 and brotli. Deterministic, so
// `make test` gates each module against its ceiling in budgets.json
// (`node bench/size.mjs --check`); `make bench` reports them beside the targets.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Each module's files, with the budget that gates it. */
export const MODULES = {
  core: { files: ["npm/dist/cxkit.js", "npm/dist/cxkit.wasm"], budget: "core_gzip_bytes" },
  survey: { files: ["npm/dist/cxkit-survey.js", "npm/dist/cxkit-survey.wasm"], budget: "survey_gzip_bytes" },
};

function sizesOf(path) {
  const bytes = readFileSync(ROOT + path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function sum(sizes) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const size of sizes) for (const key of Object.keys(total)) total[key] += size[key];
  return total;
}

/** `{ files: {name: sizes}, modules: {core, survey, "core + survey"} }`. */
export function measureSizes() {
  const files = {};
  const modules = {};
  for (const [name, { files: paths }] of Object.entries(MODULES)) {
    for (const path of paths) files[path.split("/").pop()] = sizesOf(path);
    modules[name] = sum(paths.map((path) => files[path.split("/").pop()]));
  }
  modules["core + survey"] = sum([modules.core, modules.survey]);
  return { files, modules };
}

export function readBudgets() {
  return JSON.parse(readFileSync(ROOT + "bench/budgets.json", "utf8"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, modules } = measureSizes();
  const row = (name, size) => `${name.padEnd(18)} raw ${String(size.raw).padStart(7)}  gzip ${String(size.gzip).padStart(6)}  brotli ${String(size.brotli).padStart(6)}`;
  for (const [name, size] of Object.entries(files)) console.log(row(name, size));
  for (const [name, size] of Object.entries(modules)) console.log(row(`= ${name}`, size));
  if (process.argv.includes("--check")) {
    const budgets = readBudgets();
    let over = false;
    for (const [name, { budget }] of Object.entries(MODULES)) {
      const { ceiling } = budgets[budget];
      const { gzip } = modules[name];
      if (gzip > ceiling) {
        console.error(`size: the ${name} module is ${gzip} B gzip, above its ceiling of ${ceiling} B (bench/budgets.json ${budget})`);
        over = true;
      } else {
        console.log(`size: ${name} ${gzip} B gzip ≤ ceiling ${ceiling} B`);
      }
    }
    if (over) process.exit(1);
  }
}

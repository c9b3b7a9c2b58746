// Sizes of the shipped script-tag bundle (npm/dist: cxkit.js + cxkit.wasm after wasm-opt):
// raw, gzip -9 and brotli. Deterministic, so `make test` gates them against the ceilings in
// budgets.json (`node bench/size.mjs --check`); `make bench` reports them beside the targets.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const BUNDLE = ["npm/dist/cxkit.js", "npm/dist/cxkit.wasm"];

function sizesOf(path) {
  const bytes = readFileSync(ROOT + path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export function measureSizes() {
  const files = Object.fromEntries(BUNDLE.map((path) => [path.split("/").pop(), sizesOf(path)]));
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const size of Object.values(files)) for (const key of Object.keys(total)) total[key] += size[key];
  return { files, total };
}

export function readBudgets() {
  return JSON.parse(readFileSync(ROOT + "bench/budgets.json", "utf8"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, total } = measureSizes();
  for (const [name, size] of Object.entries({ ...files, total })) {
    console.log(`${name.padEnd(11)} raw ${String(size.raw).padStart(7)}  gzip ${String(size.gzip).padStart(6)}  brotli ${String(size.brotli).padStart(6)}`);
  }
  if (process.argv.includes("--check")) {
    const { ceiling } = readBudgets().script_gzip_bytes;
    if (ceiling !== undefined && total.gzip > ceiling) {
      console.error(`size: the script-tag bundle is ${total.gzip} B gzip, above its ceiling of ${ceiling} B (bench/budgets.json)`);
      process.exit(1);
    }
    console.log(`size: ${total.gzip} B gzip ≤ ceiling ${ceiling ?? "(none)"} B`);
  }
}

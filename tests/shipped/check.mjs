// What ships holds no panic text and no build-machine path (docs/panic-free.md): every file in
// npm/dist that a page loads (*.wasm, *.js) is searched for panic messages, Rust source
// locations and local paths. Anything allowed is listed below, each entry exact, scoped to its
// file and with its reason; an entry that no longer matches fails the check too, so the list
// only shrinks.
//
//   node tests/shipped/check.mjs                      checks npm/dist
//   node tests/shipped/check.mjs --control <wasm>     and must flag <wasm>, a planted panic
import { homedir } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const DIST = "npm/dist";
const SHIPPED = /\.(wasm|js)$/;

/** What must not ship: panic text, Rust source locations, local paths. */
export const FORBIDDEN = [
  ["panic message", /panicked/g],
  ["panic message", /out of bounds/g],
  ["panic message", /unwrap/g],
  ["panic message", /capacity overflow/g],
  ["toolchain path", /\/rustc\//g],
  ["Rust source file", /[\w./-]*[\w-]\.rs\b/g],
  ["local path", literal(ROOT)],
  ["local path", /\/root\//g],
  ["local path", /\.cargo\/registry/g],
  ...(homedir().length > 1 ? [["local path", literal(homedir() + "/")]] : []),
];

/** Allowed: [file, exact text, why]. None since the modules are no_std with their own panic
 * handler (docs/panic-free.md); an entry, if one is ever needed, is exact, scoped to its file
 * and gives its reason. */
export const ALLOWED = [];

function literal(text) {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g");
}

/** The findings in `bytes` (file `name`), after blanking the allowed texts; marks allowances used. */
export function scan(name, bytes, allowed = [], used = new Set()) {
  let text = Buffer.from(bytes).toString("latin1");
  for (const entry of allowed) {
    const [file, pattern] = entry;
    if (file !== name) continue;
    text = text.replace(pattern, (match) => {
      used.add(entry);
      return " ".repeat(match.length);
    });
  }
  const findings = [];
  for (const [kind, pattern] of FORBIDDEN) {
    for (const match of text.matchAll(pattern)) {
      const context = text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40);
      findings.push(`${name}: ${kind}: ${JSON.stringify(match[0])} in …${context.replace(/[^\x20-\x7e]+/g, "·")}…`);
    }
  }
  return findings;
}

function main() {
  const args = process.argv.slice(2);
  const control = args[args.indexOf("--control") + 1];
  const failures = [];
  if (args.includes("--control")) {
    // The planted panic is found, and its message really is in the wasm.
    const bytes = readFileSync(control);
    const findings = scan("sentinel.wasm", bytes);
    if (!Buffer.from(bytes).includes("cx-sentinel") || findings.length === 0) {
      failures.push(`${control}: the planted panic was not found: the check cannot fail`);
    } else {
      console.log(`shipped: the planted panic is found (${findings.length}):\n  ${findings.join("\n  ")}`);
    }
  }
  const used = new Set();
  const files = readdirSync(`${ROOT}/${DIST}`).filter((name) => SHIPPED.test(name)).sort();
  if (!files.some((name) => name.endsWith(".wasm"))) failures.push(`${DIST}: no .wasm to check: run make build`);
  for (const name of files) failures.push(...scan(name, readFileSync(`${ROOT}/${DIST}/${name}`), ALLOWED, used));
  for (const entry of ALLOWED) {
    if (!used.has(entry)) failures.push(`allowance no longer needed, remove it: ${entry[0]} ${entry[1]} (${entry[2]})`);
  }
  if (failures.length > 0) {
    console.error(`shipped: ${failures.length} problem(s) in ${DIST}:\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`shipped: ${files.join(", ")}: no panic text or local path beyond ${used.size} allowance(s)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();

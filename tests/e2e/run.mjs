// Runs the e2e suite on each engine named (all of lib/engine.mjs's ENGINES when none), one
// after the other, printing each engine's counts and time; `ONLY` filters scenarios by name
// (node's --test-name-pattern). A skip that is not in skip.json fails the run, and so does an
// entry of skip.json that names no scenario the unfiltered run saw.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINES } from "./lib/engine.mjs";
import { LISTED, SKIP_LIST } from "./lib/scenario.mjs";

const HERE = import.meta.dirname;
const engines = process.argv.slice(2).length ? process.argv.slice(2) : ENGINES;
const only = process.env.ONLY || undefined;
const skipList = JSON.parse(readFileSync(SKIP_LIST, "utf8"));

const files = readdirSync(HERE).filter((file) => file.endsWith(".test.mjs")).sort();

/** Runs node --test for `engine`; resolves to its exit code and the recorded tests. */
async function run(engine) {
  const dir = mkdtempSync(join(tmpdir(), "cxkit-e2e-run-"));
  const record = join(dir, "tests.jsonl");
  const args = ["--test", "--test-concurrency=1", "--test-reporter=spec", "--test-reporter-destination=stdout",
    `--test-reporter=${join(HERE, "lib/record-reporter.mjs")}`, `--test-reporter-destination=${record}`,
    ...(only ? [`--test-name-pattern=${only}`] : []), ...files.map((file) => join(HERE, file))];
  const child = spawn(process.execPath, args, { stdio: "inherit", env: { ...process.env, CXKIT_ENGINE: engine } });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  const tests = readFileSync(record, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
  rmSync(dir, { recursive: true, force: true });
  return { code, tests };
}

/** What is wrong with `engine`'s skips: unlisted skips, todos, and (unfiltered) stale list entries. */
function skipProblems(engine, tests) {
  const filtered = (test) => only && test.skip === "test name does not match pattern";
  const problems = tests.filter((test) => test.todo || (test.skip && !filtered(test) && !String(test.skip).startsWith(LISTED)))
    .map((test) => `${test.name}: skipped or todo outside skip.json`);
  if (!only) {
    for (const entry of skipList.filter((e) => e.engine === engine)) {
      if (!tests.some((test) => test.name === entry.scenario && test.skip)) problems.push(`skip.json: "${entry.scenario}" matches no scenario skipped on ${engine}`);
    }
  }
  return problems;
}

let failed = false;
const lines = [];
for (const engine of engines) {
  if (!ENGINES.includes(engine)) throw new Error(`unknown engine ${engine}: one of ${ENGINES.join(", ")}`);
  const start = Date.now();
  const { code, tests } = await run(engine);
  const problems = skipProblems(engine, tests);
  for (const problem of problems) console.error(`e2e ${engine}: ${problem}`);
  const listed = tests.filter((test) => String(test.skip).startsWith(LISTED)).length;
  const ran = tests.filter((test) => !test.skip);
  lines.push(`e2e ${engine}: ${ran.filter((t) => t.passed).length} passed, ${ran.filter((t) => !t.passed).length} failed, ` +
    `${listed} skipped by skip.json, ${Math.round((Date.now() - start) / 1000)} s`);
  failed ||= code !== 0 || problems.length > 0;
}
for (const line of lines) console.log(line);
process.exit(failed ? 1 : 0);

// `scenario(name, fn)`: a node:test test that runs on the engine under test unless the
// committed skip list (tests/e2e/skip.json) names it for that engine. The list is the only way
// to skip: run.mjs fails the suite on any other skip, and on list entries no scenario matches.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ENGINE } from "./engine.mjs";

export const SKIP_LIST = new URL("../skip.json", import.meta.url);
/** What a listed skip says, so run.mjs can tell it from any other. */
export const LISTED = "skip list: ";

const skips = JSON.parse(readFileSync(SKIP_LIST, "utf8"));

export function scenario(name, fn) {
  const listed = skips.find((entry) => entry.engine === ENGINE && entry.scenario === name);
  return test(name, listed ? { skip: `${LISTED}${listed.reason}` } : {}, fn);
}

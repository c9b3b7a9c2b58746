/**
 * Call-time checks for `track()`: cheap, in JS, so the hot path never enters wasm
 * (decisions.md, "The hot path"). The Rust side checks again at intake; the limits are its
 * own (`crates/domain/src/event.rs`), generated into `contract.ts`, and these checks exist so
 * a bad call is reported at the call, not lost later.
 */
import { FORBIDDEN_IN_NAME, MAX_DEPTH, MAX_NAME_CHARS, MAX_PROPS, MAX_STRING_CHARS, RESERVED_PREFIX } from "./contract.js";
import type { ErrorInfo } from "./types.js";

function problem(field: string, rule: string): ErrorInfo {
  return { code: "invalid_event", field, message: `${field}: ${rule}` };
}

/** Length in Unicode code points, counted only when the UTF-16 length could exceed `max`. */
function tooLong(text: string, max: number): boolean {
  return text.length > max && [...text].length > max;
}

/**
 * A plain object of any realm: its prototype is null, or an `Object.prototype`, whose own
 * prototype is null. An object literal made in a same-origin iframe (or by Firefox's classic
 * WebDriver, whose scripts run in a sandbox) has another realm's; a class instance, `Map` or
 * `Date` has one more link in its chain.
 */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

/** The last name that passed: most calls repeat a name, and a repeat needs no second look. */
let lastGoodName: string | undefined;

export function checkName(name: unknown): ErrorInfo | undefined {
  if (name === lastGoodName) return undefined;
  if (typeof name !== "string" || name === "" || FORBIDDEN_IN_NAME.test(name)) {
    return problem("name", "must be non-empty text without control characters");
  }
  if (tooLong(name, MAX_NAME_CHARS)) return problem("name", `longer than ${MAX_NAME_CHARS} characters`);
  if (name.startsWith(RESERVED_PREFIX)) return problem("name", `names starting with '${RESERVED_PREFIX}' are reserved`);
  lastGoodName = name;
  return undefined;
}

function checkValue(value: unknown, field: string, depth: number): ErrorInfo | undefined {
  switch (typeof value) {
    case "string":
      return tooLong(value, MAX_STRING_CHARS) ? problem(field, `longer than ${MAX_STRING_CHARS} characters`) : undefined;
    case "number":
      return Number.isFinite(value) ? undefined : problem(field, "must be a finite number");
    case "boolean":
    case "undefined":
      return undefined;
    case "object":
      if (value === null || value instanceof Date) return undefined;
      if (depth >= MAX_DEPTH) return problem(field, `nested deeper than ${MAX_DEPTH} levels`);
      for (const [key, item] of Object.entries(value)) {
        if (tooLong(key, MAX_STRING_CHARS)) return problem(field, `a key is longer than ${MAX_STRING_CHARS} characters`);
        const found = checkValue(item, `${field}.${key}`, depth + 1);
        if (found) return found;
      }
      return undefined;
    default:
      return problem(field, `must be JSON data, not a ${typeof value}`);
  }
}

/**
 * Checks an event and returns the copy to queue, or the problem. The shallow copy is taken
 * first, so later edits by the caller do not change the event and a throwing getter or Proxy
 * fails here, at the call.
 */
export function checkEvent(name: unknown, props: unknown): { copy: Record<string, unknown> } | { error: ErrorInfo } {
  const nameProblem = checkName(name);
  if (nameProblem) return { error: nameProblem };
  if (typeof props !== "object" || props === null || Array.isArray(props) || !isPlainObject(props)) {
    return { error: problem("props", "must be a plain object") };
  }
  let copy: Record<string, unknown>;
  try {
    copy = { ...props };
  } catch {
    return { error: problem("props", "could not be read") };
  }
  const keys = Object.keys(copy);
  if (keys.length > MAX_PROPS) return { error: problem("props", `more than ${MAX_PROPS} properties`) };
  for (const key of keys) {
    if (tooLong(key, MAX_STRING_CHARS)) return { error: problem("props", `a key is longer than ${MAX_STRING_CHARS} characters`) };
    const found = checkValue(copy[key], `props.${key}`, 1);
    if (found) return { error: found };
  }
  return { copy };
}

/**
 * The script-tag build: `<script src=".../cxkit.js" data-endpoint="…" data-site-id="…" async>`.
 *
 * Creates one instance from the tag's `data-*` attributes and exposes it as the only global,
 * `window.cxkit`, at once (calls before the wasm is up wait in order); dispatches
 * `cxkit:ready` on `document` when it runs. A second copy of the tag reuses the instance.
 */
import { BOOLEAN_OPTIONS, NUMBER_OPTIONS } from "./contract.js";
import { Cx } from "./cx.js";
import type { start as startSurvey } from "./cxkit-survey.js";
import { importVerified } from "./integrity.js";
import type { Options } from "./types.js";

/** SHA-384 of `cxkit-survey.js` (`sha384-…`), set by the build (npm/build.mjs). */
declare const __CX_SURVEY_JS_SRI__: string;

declare global {
  interface Window {
    cxkit?: Cx;
  }
}

const NUMBERS = new Set<string>(NUMBER_OPTIONS);
const BOOLEANS = new Set<string>(BOOLEAN_OPTIONS);

/** `data-site-id="shop"` → `{ siteId: "shop" }`; numbers and booleans typed, the rest as text. */
function optionsFrom(dataset: DOMStringMap): Options {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dataset)) {
    if (value === undefined) continue;
    options[key] = NUMBERS.has(key) && value.trim() !== "" && !Number.isNaN(Number(value))
      ? Number(value)
      : BOOLEANS.has(key) ? value !== "false" : value;
  }
  return options as unknown as Options;
}

/**
 * The options of `data-config` (decisions.md §5): the id of a `<script type="application/json">`
 * on the page, or a URL of a JSON file (resolved against the page), for what attributes cannot
 * say (`surveys`, `journey`…). Attributes win over it.
 */
async function configFrom(reference: string): Promise<Partial<Options>> {
  const inline = document.getElementById(reference);
  const text = inline ? inline.textContent ?? "" : await fetch(new URL(reference, document.baseURI), { credentials: "omit" }).then((response) => {
    if (!response.ok) throw new Error(`config: data-config ${reference} answered ${response.status}`);
    return response.text();
  });
  const config: unknown = JSON.parse(text);
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error(`config: data-config ${reference} must hold a JSON object`);
  return config as Partial<Options>;
}

function start(script: HTMLScriptElement): void {
  const { config: reference, ...attributes } = script.dataset;
  const options = optionsFrom(attributes);
  const running = window.cxkit;
  if (running) {
    if (running.options.siteId !== options.siteId) {
      console.error(`cxkit: siteId: a second tag for "${String(options.siteId)}" is ignored; cxkit already runs for "${running.options.siteId}"`);
    }
    return;
  }
  // Every file of a release lives beside cxkit.js: a pinned or preloaded release stays whole.
  const cx = new Cx(options, {
    wasmUrl: new URL("cxkit.wasm", script.src),
    loadSurvey: () =>
      importVerified<{ start: typeof startSurvey }>(new URL("cxkit-survey.js", script.src), __CX_SURVEY_JS_SRI__).then((survey) => survey.start()),
    ...(reference === undefined ? {} : { config: configFrom(reference) }),
  });
  window.cxkit = cx;
  void cx.ready.then((started) => {
    if (started.ok) document.dispatchEvent(new CustomEvent("cxkit:ready", { detail: cx }));
  });
}

// User Timing marks (visible in DevTools' performance panel): this one, and `cxkit:ready`.
performance.mark("cxkit:start");
// Read synchronously: `document.currentScript` is only set while this file first runs.
const script = document.currentScript;
if (script instanceof HTMLScriptElement) start(script);
else console.error("cxkit: cxkit.js must be loaded with a <script> tag");

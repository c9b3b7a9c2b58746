/**
 * cxkit for bundlers: `import { init } from "cxkit"`.
 *
 * Importing has no side effects; `init` loads the core's wasm (`cxkit.wasm`, shipped beside
 * this file and found through `import.meta.url`, which bundlers turn into an asset URL). The
 * survey module (`cxkit-survey.js` + `cxkit-survey.wasm`) is a dynamic `import()`, which Vite,
 * webpack and esbuild emit as a chunk of its own: fetched only where a survey shows.
 */
import { Cx } from "./cx.js";
import { CxError, type Options } from "./types.js";

export { Cx } from "./cx.js";
export { CxError } from "./types.js";
export type { Batch, CesScore, ConsentState, CsatScore, ErrorInfo, Localized, NpsScore, Options, Props, Result, ScoreReason, Scores, Status, SurveyConfig, SurveyId, SurveyResponse, SurveyStep, When } from "./types.js";

/** Where to load the wasm from, when not beside this module (a CDN, a hashed asset). */
export interface LoadOptions {
  /** The core's `cxkit.wasm`. */
  wasmUrl?: URL | string;
  /** The survey module's `cxkit-survey.wasm`. */
  surveyWasmUrl?: URL | string;
}

let instance: Cx | undefined;

function sameOptions(a: Options, b: Options): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Starts cxkit and resolves with its handle once the wasm runs. Calling it again with the same
 * options returns the same instance (React StrictMode, HMR); other options are an error.
 * A bad config logs one console error and resolves with a handle whose calls return
 * `{ ok: false }` (with `strict: true`, `init` rejects with a {@link CxError} instead).
 * Importing is safe during server-side rendering; `init` there does not start and says so
 * (`not_running`: "cxkit runs in a browser page…"): call it in the browser, e.g. in an effect.
 *
 * @example
 * const cx = await init({ endpoint: "https://collect.example.com/cx", siteId: "shop" });
 * cx.track("checkout_started", { plan: "pro" });
 */
export async function init(options: Options, load: LoadOptions = {}): Promise<Cx> {
  if (instance && !sameOptions(instance.options, options)) {
    const error = new CxError({
      code: "config",
      field: "",
      message: "config: cxkit is already running with other options; call shutdown() first",
    });
    if (options.strict) throw error;
    console.error(`cxkit: ${error.message}`);
    return instance;
  }
  const cx = instance ?? new Cx(options, {
    wasmUrl: load.wasmUrl ?? new URL("./cxkit.wasm", import.meta.url),
    loadSurvey: () => import("./cxkit-survey.js").then((survey) => survey.start(load.surveyWasmUrl)),
  });
  instance = cx;
  const started = await cx.ready;
  if (!started.ok) {
    // An instance that could not start is not kept: the next init() may try other options.
    if (instance === cx) instance = undefined;
    if (options.strict) throw new CxError(started.error);
  }
  return cx;
}

/**
 * The survey module's entry: `dist/cxkit-survey.js`, with `cxkit-survey.wasm` beside it.
 * Loaded only on a page view where a survey shows (`import()` from the npm build, which
 * bundlers emit as a chunk of its own; a verified module script from the script tag), never
 * with the core. It starts its wasm, checked against the hash built in here, and hands the
 * shell the survey class and the protocol number the shell compares with the core's.
 */
import initSurvey, { Survey as SurveyClass, protocol } from "../pkg/survey/cxkit-survey.js";
import { loadVerified } from "./integrity.js";

/** SHA-384 of `cxkit-survey.wasm` (`sha384-…`), set by the build (npm/build.mjs). */
declare const __CX_SURVEY_WASM_SRI__: string;

/** A survey on screen; `free()` removes it. */
export interface Survey {
  isOpen(): boolean;
  free(): void;
}

/** What the shell gets once the module runs. Declared here, not taken from the wasm-bindgen
 * output, so the published types stand alone. */
export interface SurveyModule {
  Survey: new (id: string, onOutcome: (name: string, props: string, answered: boolean) => void) => Survey;
  protocol(): number;
}

/** Starts the survey module's wasm: `cxkit-survey.wasm` beside this file, or `wasmUrl`. */
export async function start(wasmUrl: URL | string = new URL("./cxkit-survey.wasm", import.meta.url)): Promise<SurveyModule> {
  await loadVerified(wasmUrl, __CX_SURVEY_WASM_SRI__, (request) => initSurvey({ module_or_path: request }));
  return { Survey: SurveyClass, protocol };
}

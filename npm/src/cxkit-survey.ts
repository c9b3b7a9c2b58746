/**
 * The survey module's entry: `dist/cxkit-survey.js`, with `cxkit-survey.wasm` beside it.
 * Loaded only on a page view where a survey shows (`import()` from the npm build, which
 * bundlers emit as a chunk of its own; a verified module script from the script tag), never
 * with the core. It starts its wasm, checked against the hash built in here, and hands the
 * shell the survey class and the protocol number the shell compares with the core's.
 */
import initSurvey, { Survey as SurveyClass, lexiconFor, locale as negotiate, protocol } from "../pkg/survey/cxkit-survey.js";
import { loadVerified } from "./integrity.js";

/** SHA-384 of `cxkit-survey.wasm` (`sha384-…`), set by the build (npm/build.mjs). */
declare const __CX_SURVEY_WASM_SRI__: string;
/** SHA-384 of each `lexicons/<lang>.txt` by language, set by the build. */
declare const __CX_LEXICONS_SRI__: Record<string, string>;

/** A survey on screen; `free()` removes it and gives focus back where it was. */
export interface Survey {
  /** Whether it is still on the page (not finished and closed, not dismissed). */
  isOpen(): boolean;
  /** The page is going: reports a dismissal if no step was answered, and closes. */
  leave(): void;
  free(): void;
}

/** A locale's words for the survey: the negotiated tag, and the JSON text of
 * `locales/<tag>.json` (`null`: the English compiled into the module). */
export interface Words {
  locale: string;
  words: string | null;
}

/** What the shell gets once the module runs. Declared here, not taken from the wasm-bindgen
 * output, so the published types stand alone. */
export interface SurveyModule {
  /**
   * Shows `source` — a built-in id (`nps`, `csat`, `ces`, `text`) or one configured survey's
   * JSON text — and calls `onOutcome` at once for each answered step (`$response`), or once
   * for a dismissal with nothing answered (`$dismiss`). `setup` is JSON text:
   * `{"locale","words","zIndex","nonce","runId","lexicon"}`, `words` being the object of
   * {@link Words}, `lexicon` the text {@link SurveyModule.lexicon} gave. `redact`, when the site
   * set patterns, runs on a text answer before the module's own scanners: the text with each
   * match replaced by `[custom]`, and how many.
   * Throws an Error (a bad survey, an inline selector that matches nothing).
   */
  Survey: new (
    source: string,
    setup: string,
    onOutcome: (name: string, props: string, answered: boolean) => void,
    redact?: (text: string) => [string, number],
  ) => Survey;
  protocol(): number;
  /** The words for `requested` (a BCP 47 tag), fetched once per locale. */
  words(requested: string): Promise<Words>;
  /** The lexicon text for survey `source` shown in `locale`, or null: no text step, no
   * lexicon for that language, or none could be fetched. */
  lexicon(source: string, locale: string): Promise<string | null>;
}

/** Each locale's words, fetched once. */
const fetched = new Map<string, Promise<Words>>();

/**
 * The text of a locale file: fetched, or read in place when a bundler inlined it as a `data:`
 * URL (Vite does with files under 4 KiB), which a strict CSP's `connect-src` would not let
 * `fetch` have; its bytes came inside this module's own code.
 */
async function localeText(url: URL): Promise<string> {
  if (url.protocol === "data:") {
    const comma = url.href.indexOf(",");
    const body = url.href.slice(comma + 1);
    if (!url.href.slice(0, comma).endsWith(";base64")) return decodeURIComponent(body);
    return new TextDecoder().decode(Uint8Array.from(atob(body), (char) => char.charCodeAt(0)));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

/**
 * The supported locale closest to `requested`, and its words from `locales/<tag>.json` beside
 * this file (none to fetch for English). A file that cannot be had means English, with one
 * warning: words in English are better than no survey.
 */
export function words(requested: string): Promise<Words> {
  const locale = negotiate(requested);
  if (locale === "en") return Promise.resolve({ locale, words: null });
  let words = fetched.get(locale);
  if (!words) {
    // This exact `new URL(`…`, import.meta.url)` is what Vite recognises: it emits each locale as
    // an asset, and inlines the small ones as `data:` URLs (build.assetsInlineLimit).
    words = localeText(new URL(`./locales/${locale}.json`, import.meta.url))
      .then((text) => {
        JSON.parse(text); // a broken file is no words: English, below
        return text;
      })
      .then(
        (text): Words => ({ locale, words: text }),
        (thrown: unknown): Words => {
          console.warn(`cxkit: the survey's ${locale} words could not be loaded (${thrown instanceof Error ? thrown.message : String(thrown)}); English instead`);
          return { locale: "en", words: null };
        },
      );
    fetched.set(locale, words);
  }
  return words;
}

/** Each language's lexicon, fetched once. */
const lexicons = new Map<string, Promise<string | null>>();

/**
 * The lexicon sentiment and themes read for survey `source` shown in `locale`: fetched from
 * `lexicons/<lang>.txt` beside this file (checked against the hash built in here) only when the
 * survey has a text step and the language has a lexicon, as the wasm says (`lexiconFor`: the list
 * is Rust's). A file that cannot be had is no lexicon, with one warning: the answer still goes,
 * redacted, without sentiment and themes.
 */
export function lexicon(source: string, locale: string): Promise<string | null> {
  const lang = lexiconFor(source, locale);
  if (!lang) return Promise.resolve(null);
  let text = lexicons.get(lang);
  if (!text) {
    text = fetch(new Request(new URL(`./lexicons/${lang}.txt`, import.meta.url), { integrity: __CX_LEXICONS_SRI__[lang] ?? "" }))
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.text();
      })
      .catch((thrown: unknown) => {
        console.warn(`cxkit: the ${lang} lexicon could not be loaded (${thrown instanceof Error ? thrown.message : String(thrown)}); text answers go without sentiment and themes`);
        return null;
      });
    lexicons.set(lang, text);
  }
  return text;
}

/** Starts the survey module's wasm: `cxkit-survey.wasm` beside this file, or `wasmUrl`. */
export async function start(wasmUrl: URL | string = new URL("./cxkit-survey.wasm", import.meta.url)): Promise<SurveyModule> {
  await loadVerified(wasmUrl, __CX_SURVEY_WASM_SRI__, (request) => initSurvey({ module_or_path: request }));
  return { Survey: SurveyClass, protocol, words, lexicon };
}

/**
 * The cxkit handle: one typed object, usable the moment it exists.
 *
 * `track()` only checks its arguments and pushes onto a JS array; once per task the intake
 * (`delivery.ts`) stores a chunk of it and hands it to the wasm core. Cold calls made before
 * the wasm is up (`showSurvey`, `flush`) wait in a bounded list and run in order once it is
 * (decisions.md §1).
 *
 * The survey module is not part of this: the core decides that a survey shows (a trigger, or
 * `showSurvey`), and only then is the module loaded, through the loader the entry point gives
 * (`import()` for npm, a verified module script for the tag). Once a trigger is armed, it is
 * fetched at idle, so the dialog does not wait on the network when the trigger fires.
 */
import initWasm, { Core, type CoreError } from "../pkg/core/cxkit.js";
import { type CaptureOptions, type RawEntry, startCapture } from "./capture/index.js";
import { checkEvent } from "./check.js";
import { CAPTURE_SWITCHES, type CoreStatus, type ErrorCode } from "./contract.js";
import type { Survey, SurveyModule } from "./cxkit-survey.js";
import { Delivery, type SendOutcome } from "./delivery.js";
import { LoadError, loadVerified } from "./integrity.js";
import { LocalStore } from "./store.js";
import {
  CxError,
  type ConsentState,
  type ErrorInfo,
  type Options,
  type Result,
  type Scores,
  type Status,
  type SurveyId,
  type SurveyResponse,
} from "./types.js";

/** SHA-384 of `cxkit.wasm` (`sha384-…`), set by the build (npm/build.mjs). */
declare const __CX_CORE_WASM_SRI__: string;

/** Where the core's wasm is and how to load the survey module: the entry point knows. */
export interface Loader {
  wasmUrl: URL | string;
  loadSurvey: () => Promise<SurveyModule>;
  /** Options that come later than the instance, beneath the ones given (the script tag's
   * `data-config`); one that fails to load is a bad config. */
  config?: Promise<Partial<Options>>;
}

/**
 * How long the page's raw observations wait in memory before the core takes them (and stores
 * what they make): a burst of clicks costs one storage write, not one per click, since the
 * first localStorage write of a task costs 0.2 ms (bench/results.md). A hide, a flush and
 * `scores()` take them at once; a crash within this window loses them.
 */
const CAPTURE_INTAKE_MS = 1000;

/** Inputs that take typed text: an automatic survey waits until the visitor leaves one. */
const TEXT_INPUT = /^(text|email|password|search|tel|url|number)$/;

/** Runs `show` now, or once the visitor leaves the text field they are typing in (decisions.md
 * §29); whether it ran now. */
function unlessTyping(show: () => void): boolean {
  const field = document.activeElement;
  const typing = field instanceof HTMLTextAreaElement || (field instanceof HTMLInputElement && TEXT_INPUT.test(field.type)) || (field instanceof HTMLElement && field.isContentEditable);
  if (typing) field.addEventListener("focusout", show, { once: true });
  else show();
  return !typing;
}

/** The `redact` option (its shape checked by the core) compiled once: one pass that replaces
 * each pattern's matches with `[custom]` and counts them. A pattern the browser cannot compile
 * is one console error naming it, and off; an empty match is left alone. */
function compilePatterns(patterns: readonly string[] | undefined): ((text: string) => [string, number]) | undefined {
  const compiled: RegExp[] = [];
  patterns?.forEach((pattern, i) => {
    try {
      compiled.push(new RegExp(pattern, "gu"));
    } catch (thrown) {
      console.error(`cxkit: redact[${i}]: ${thrown instanceof Error ? thrown.message : String(thrown)}; that pattern is off`);
    }
  });
  if (!compiled.length) return undefined;
  return (text) => {
    let count = 0;
    for (const pattern of compiled) text = text.replace(pattern, (match) => (match ? (count++, "[custom]") : match));
    return [text, count];
  };
}

/** A survey run's id: 128 random bits as 22 base64url characters, like an event stream's. */
function runId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").slice(0, 22);
}

/** Why `init` refuses to start outside a page (server-side rendering, a worker). */
const NOT_IN_BROWSER = "cxkit runs in a browser page, not on the server: call init() in the browser (e.g. in useEffect or onMount)";

/** A page's globals are there: a server renderer (Node, Deno, Bun) or a worker has none of them. */
function inBrowser(): boolean {
  return typeof window !== "undefined" && typeof document !== "undefined" && typeof navigator !== "undefined" && typeof location !== "undefined";
}

/** Calls kept while the wasm loads; beyond this they are refused, not buffered without end. */
const MAX_WAITING_CALLS = 1000;

const OK: { ok: true } = Object.freeze({ ok: true });

let wasmLoading: Promise<unknown> | undefined;

/** Global Privacy Control (where the browser has it) or Do-Not-Track "1". */
function browserOptOut(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  return nav.globalPrivacyControl === true || nav.doNotTrack === "1";
}

/** The browser's own parser judges custom headers, as `fetch` will; a bad one fails init
 * with an error of the same shape as the options the core checks. */
function checkHeaders(headers: Options["headers"]): void {
  try {
    if (headers !== undefined) new Headers(headers);
  } catch {
    throw new CxError({ code: "config", field: "headers", message: "headers: must map header names to one-line text" });
  }
}

/** Known crawlers, previews and headless browsers: kept out of capture and scores unless the
 * site sets `countBots` (a user agent names a bot; it is not a feature to detect). */
const BOT_AGENT = /bot|crawl|spider|slurp|headless|lighthouse|prerender|preview|facebookexternalhit/i;

/** A known bot, or a browser driven by automation. */
function automated(): boolean {
  return navigator.webdriver === true || BOT_AGENT.test(navigator.userAgent);
}

/** Nodes cxkit renders (the survey's host): the page's clicks and mutations are elsewhere. */
function isOwnNode(node: Node): boolean {
  const element = node instanceof Element ? node : node.parentElement;
  return element?.closest("[data-cxkit]") != null;
}

/** Runs `task` when the page is idle (Safari has no requestIdleCallback: a timeout then). */
function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(task, { timeout: 2000 });
  else setTimeout(task, 200);
}

function loadWasm(url: URL | string): Promise<unknown> {
  wasmLoading ??= loadVerified(url, __CX_CORE_WASM_SRI__, (request) => initWasm({ module_or_path: request }));
  return wasmLoading;
}

/** What a call threw, as an {@link ErrorInfo}: a refusal of the core ({@link CoreError}) or of
 * this shell ({@link CxError}) keeps its own code, field and message; anything
 * else (a browser API failing, the survey module) is reported under `code`. */
function errorOf(code: ErrorCode, thrown: unknown): ErrorInfo {
  if (thrown instanceof CxError) return { code: thrown.code, field: thrown.field, message: thrown.message };
  if (isCoreError(thrown)) {
    // The core's codes are the ids of the Rust `ErrorCode`, which the TypeScript one is generated from.
    return { code: thrown.code as ErrorCode, field: thrown.field, message: thrown.message };
  }
  return { code, field: "", message: thrown instanceof Error ? thrown.message : String(thrown) };
}

/** The plain object the core throws when it refuses a call (never an `Error`). */
function isCoreError(thrown: unknown): thrown is CoreError {
  return typeof thrown === "object" && thrown !== null && !(thrown instanceof Error) && typeof (thrown as CoreError).field === "string";
}

/** A send's outcome as a {@link Result}. A failed send keeps its events queued, so it is a
 * report, not a misuse: never thrown, never logged as one. */
function fromSend(outcome: SendOutcome): Result<{ sent: number }> {
  if (outcome.ok) return outcome;
  const message = outcome.status === 0
    ? "delivery: the collector could not be reached"
    : `delivery: the collector answered ${outcome.status}`;
  return { ok: false, error: { code: "delivery", field: "", message } };
}

type ResponseListener = (response: SurveyResponse) => void;

export class Cx {
  /** Settles when the wasm core is running (`{ ok: true }`) or failed to start. */
  readonly ready: Promise<Result>;
  #options: Options;
  readonly #strict: boolean;
  readonly #buffer: unknown[][] = [];
  /** Raw observations of the page, for the core's tracker. */
  readonly #captured: RawEntry[] = [];
  #stopCapture: (() => void) | undefined;
  readonly #waiting: Array<(core: Core) => void> = [];
  readonly #listeners = new Set<ResponseListener>();
  readonly #logged = new Set<string>();
  readonly #loadSurvey: () => Promise<SurveyModule>;
  #core: Core | undefined;
  /** The survey module, once asked for; `undefined` inside when it could not be loaded. */
  #surveyModule: Promise<SurveyModule | undefined> | undefined;
  /** The survey on screen, if any. */
  #survey: Survey | undefined;
  /** The friction that fired the survey on screen, as JSON, if one did. */
  #cause: string | undefined;
  /** The language the survey on screen speaks. */
  #locale = "en";
  /** The site's `redact` patterns as one pass over a text answer, if it set any. */
  #redact: ((text: string) => [string, number]) | undefined;
  #delivery: Delivery | undefined;
  #stopped: ErrorInfo | undefined;

  constructor(options: Options, loader: Loader) {
    this.#options = options;
    this.#strict = options.strict === true;
    this.#loadSurvey = loader.loadSurvey;
    this.ready = this.#start(loader.wasmUrl, loader.config);
  }

  /** The options this instance was made with. */
  get options(): Readonly<Options> {
    return this.#options;
  }

  async #start(wasmUrl: URL | string, config?: Promise<Partial<Options>>): Promise<Result> {
    try {
      // Server-side rendering (Next.js, Remix, Astro): importing is safe there, starting is not.
      if (!inBrowser()) throw new CxError({ code: "not_running", field: "", message: NOT_IN_BROWSER });
      const [, later] = await Promise.all([loadWasm(wasmUrl), config]);
      if (later) this.#options = { ...later, ...this.#options };
      checkHeaders(this.#options.headers);
      // A trigger fired (`cause`: the friction that fired it; `skip`: why its survey may not
      // show): automatic surveys wait while the visitor types.
      const fired = (id: SurveyId, cause?: string, skip?: string): void => {
        if (skip !== undefined) return this.#debug(id, `not shown: ${skip}`);
        if (!unlessTyping(() => void this.#show(id, cause))) this.#debug(id, "waits: the visitor is typing in a field");
      };
      this.#core = new Core(JSON.stringify(this.#options), fired, browserOptOut(), automated(), new LocalStore());
    } catch (thrown) {
      const error = thrown instanceof LoadError ? { code: "not_running" as const, field: "", message: thrown.message } : errorOf("config", thrown);
      this.#stopped = error;
      this.#waiting.length = 0;
      this.#buffer.length = 0;
      this.#log(error);
      return { ok: false, error };
    }
    const core = this.#core;
    this.#redact = compilePatterns(this.#options.redact);
    for (const line of core.surveyErrors().split("\n").filter(Boolean)) console.error(`cxkit: ${line}; that survey is off`);
    // A survey left unanswered when the page goes is dismissed: before delivery's last send.
    addEventListener("pagehide", this.#onLeave);
    // Capture listens first, so at hide its last entries are in before delivery takes them.
    this.#stopCapture = this.#capture(core);
    this.#delivery = new Delivery(core, this.#options, this.#buffer, this.#captured);
    for (const call of this.#waiting.splice(0)) call(core);
    // Storage work (adoption, the first chunk) goes in the next task: a page's first
    // localStorage access can take milliseconds, and must not delay ready.
    setTimeout(() => {
      if (this.#stopped) return;
      // The consent the core started with takes effect on storage too: denied (GPC, DNT)
      // removes every key of the site, whichever page load wrote it.
      const consent = core.consent();
      core.setConsent(consent);
      this.#consented(consent);
      // An armed trigger's time is due from the first intake on: it arms the tracker's timer.
      this.#delivery?.intake(core.surveyArmed());
    }, 0);
    whenIdle(() => {
      this.#core?.warm();
      if (this.#core?.surveyArmed()) void this.#surveyReady();
    });
    performance.mark("cxkit:ready");
    return OK;
  }

  /** Starts observing the page for the touchpoints the core's switches name. */
  #capture(core: Core): (() => void) | undefined {
    const switches = core.captureSwitches();
    if (switches === 0) return undefined;
    const options = { isOwnNode, effectMs: core.effectMs() } as CaptureOptions;
    // Switch n is bit 1 << n, named as CaptureOptions names it.
    CAPTURE_SWITCHES.forEach((name, i) => (options[name] = (switches & (1 << i)) !== 0));
    return startCapture(options, (entry) => {
      const first = this.#captured.push(entry) === 1;
      // Exit intent cannot wait: the visitor is on the way out.
      if (entry[0] === "exit") this.#delivery?.intake();
      else if (first) setTimeout(() => this.#delivery?.intake(), CAPTURE_INTAKE_MS);
    });
  }

  /** One line of the `debug` log: what was decided about survey `id`. */
  #debug(id: SurveyId, decision: string): void {
    if (this.#core?.debug()) console.info(`cxkit: survey "${id}" ${decision}`);
  }

  /** The page is going: an open survey with no answer counts as dismissed. */
  readonly #onLeave = (): void => this.#survey?.leave();

  #log(error: ErrorInfo): void {
    if (this.#logged.has(error.code)) return;
    this.#logged.add(error.code);
    console.error(`cxkit: ${error.message}`);
  }

  #fail(error: ErrorInfo): { ok: false; error: ErrorInfo } {
    if (this.#strict) throw new CxError(error);
    this.#log(error);
    return { ok: false, error };
  }

  /** Acts on the consent: granted takes in what page loads that are gone left behind (the
   * core removed every stored key of the site when it was denied). */
  #consented(consent: string): void {
    if (consent === "denied") this.#buffer.length = 0;
    if (consent === "granted") void this.#delivery?.adopt();
  }

  /** Runs `call` now, or once the core is up; refuses it when stopped or too many wait. */
  #withCore(call: (core: Core) => void): Result {
    if (this.#stopped) return this.#fail(this.#stopped);
    if (this.#core) {
      call(this.#core);
      return OK;
    }
    if (this.#waiting.length >= MAX_WAITING_CALLS) {
      return this.#fail({ code: "not_running", field: "", message: "cxkit is still loading: too many calls waiting" });
    }
    this.#waiting.push(call);
    return OK;
  }

  /** The survey module, loaded once: nothing is shown, and one console error says why, when
   * it cannot be loaded, fails its integrity check or belongs to another release. */
  #surveyReady(): Promise<SurveyModule | undefined> {
    this.#surveyModule ??= this.#loadSurvey().then(
      (module) => {
        if (module.protocol() === Core.protocol()) return module;
        throw new LoadError("cxkit-survey.js", "protocol");
      },
    ).catch((thrown: unknown) => {
      console.error(`cxkit: ${thrown instanceof Error ? thrown.message : String(thrown)}; no survey is shown`);
      return undefined;
    });
    return this.#surveyModule;
  }

  /** Shows survey `id`, which the core allowed, unless one is on screen; `cause` is the friction
   * that fired its trigger, as JSON. */
  async #show(id: SurveyId, cause?: string): Promise<void> {
    const module = await this.#surveyReady();
    const core = this.#core;
    if (!module || !core || this.#stopped) return;
    if (this.#survey?.isOpen()) return this.#debug(id, "not shown: another survey is open");
    const { locale, words } = await module.words(this.#options.locale ?? navigator.language);
    const source = core.surveySource(id);
    // Only a survey with a text step, in a language that has one, waits for its lexicon.
    const lexicon = await module.lexicon(source, locale);
    if (this.#survey?.isOpen()) return this.#debug(id, "not shown: another survey is open");
    this.#survey?.free();
    this.#cause = cause;
    this.#locale = locale;
    const { zIndex = null, nonce = null } = this.#options;
    const setup = `{"locale":${JSON.stringify(locale)},"words":${words ?? "null"},"zIndex":${JSON.stringify(zIndex)},"nonce":${JSON.stringify(nonce)},"runId":${JSON.stringify(runId())},"lexicon":${JSON.stringify(lexicon)}}`;
    try {
      this.#survey = new module.Survey(source, setup, (name: string, props: string, answered: boolean) => this.#recorded(name, props, answered), this.#redact);
    } catch (thrown) {
      this.#survey = undefined;
      return this.#log(errorOf("invalid_survey", thrown));
    }
    core.surveySeen(id, "shown");
    this.#debug(id, "shown");
  }

  /** Removes the survey on screen, if any. */
  #closeSurvey(): void {
    this.#survey?.free();
    this.#survey = undefined;
  }

  /** A survey outcome, scored by the survey module, with the session's context from the core
   * and the locale (and the friction that showed it): queue it after the touchpoints before
   * it, send it at once, and tell listeners about an answer with what was queued. */
  #recorded(name: string, props: string, answered: boolean): void {
    const response = JSON.parse(props) as SurveyResponse;
    Object.assign(response, JSON.parse(this.#core?.context() ?? "{}"), { locale: this.#locale });
    if (this.#cause !== undefined) response.trigger = JSON.parse(this.#cause) as NonNullable<SurveyResponse["trigger"]>;
    this.#buffer.push([name, response, Date.now()]);
    this.#delivery?.intake();
    void this.#delivery?.send("flush");
    // Every tab's caps read it.
    this.#core?.surveySeen(response.survey, answered ? "answered" : "dismissed");
    if (!answered) return;
    // The core tallies a score for scores(), with the formulas /v1/stats uses.
    if (response.value !== undefined) this.#core?.answered(response.kind, response.value);
    // Listeners get their own copy: one that edits it must not change what is still queued.
    const seen = JSON.parse(JSON.stringify(response)) as SurveyResponse;
    for (const listener of this.#listeners) {
      try {
        listener(seen);
      } catch (thrown) {
        console.error("cxkit: a response listener threw", thrown);
      }
    }
  }

  /**
   * Records a touchpoint. Cheap: checks, copies and buffers; never waits for the network.
   * @example cx.track("checkout_started", { plan: "pro" })
   */
  track(name: string, props: Record<string, unknown> = {}): Result {
    if (this.#stopped) return this.#fail(this.#stopped);
    const checked = checkEvent(name, props);
    if ("error" in checked) return this.#fail(checked.error);
    // The first event of a task arranges for the task's events to be stored at its end.
    if (this.#buffer.push([name, checked.copy, Date.now()]) === 1) queueMicrotask(() => this.#delivery?.intake());
    return OK;
  }

  /** Runs a core call that may throw a {@link CoreError}, now or once the core is up. */
  #coreCall(code: ErrorCode, call: (core: Core) => void): Result {
    let failure: ErrorInfo | undefined;
    const result = this.#withCore((core) => {
      try {
        call(core);
      } catch (thrown) {
        failure = errorOf(code, thrown);
      }
    });
    return failure ? this.#fail(failure) : result;
  }

  /**
   * Shows survey `id` now, a configured or built-in one, if its URL rule, sample and caps allow
   * (`debug` logs why not); `{ force: true }` shows it regardless: a preview.
   * @example cx.showSurvey("checkout_ces", { force: true })
   */
  showSurvey(id: SurveyId, options: { force?: boolean } = {}): Result {
    return this.#coreCall("invalid_survey", (core) => {
      const skip = core.showSurvey(id, options.force === true);
      if (skip === undefined) void this.#show(id);
      else this.#debug(id, `not shown: ${skip}`);
    });
  }

  /**
   * Reports the visitor's consent. `granted` sends what was held; `denied` forgets every event
   * and closes an open survey.
   */
  consent(state: ConsentState): Result {
    return this.#coreCall("consent", (core) => {
      core.setConsent(state);
      if (state === "denied") this.#closeSurvey();
      this.#consented(state);
      if (state === "granted") {
        this.#delivery?.intake();
        void this.#delivery?.send("flush");
      }
    });
  }

  /**
   * Marks journey step `name` reached (a step of the `journey` corridor, or any other).
   * @example cx.step("cart")
   */
  step(name: string): Result {
    return this.#coreCall("invalid_event", (core) => {
      this.#delivery?.apply(core.step(name, performance.now(), Date.now()));
    });
  }

  /** The live local scores: the session experience score with its reasons, the journey so
   * far, and the NPS, CSAT and CES of the answers this browser gave. `null` until the core is
   * running. */
  scores(): Scores | null {
    const core = this.#core;
    // What the page did until now counts: the observations waiting for intake go in first.
    this.#delivery?.intake();
    return core ? (JSON.parse(core.scores()) as Scores) : null;
  }

  /** Calls `listener` with each scored survey answer. Returns a function that unsubscribes. */
  on(event: "response", listener: ResponseListener): () => void {
    if (event !== "response") {
      this.#fail({ code: "invalid_event", field: "event", message: `event: unknown event "${String(event)}"` });
      return () => undefined;
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends everything queued now; resolves once the collector has acknowledged it. */
  async flush(): Promise<Result<{ sent: number }>> {
    const ready = await this.ready;
    if (!ready.ok) return this.#fail(ready.error);
    const delivery = this.#delivery;
    const core = this.#core;
    if (!delivery || !core || this.#stopped) return this.#fail(this.#stopped ?? { code: "not_running", field: "", message: "cxkit is not running" });
    const consent = core.consent();
    if (consent !== "granted") {
      // Not a misuse: the site asked for this. Say why nothing went, without logging.
      const message = consent === "pending" ? "consent: pending, so events are held until it is granted" : "consent: denied, so nothing is sent";
      return { ok: false, error: { code: "consent", field: "", message } };
    }
    return fromSend(await delivery.send("flush"));
  }

  /** Queue counts. */
  status(): Status {
    if (!this.#core) {
      // Typed by the generated CoreStatus: a count added in Rust fails to compile here until it is listed.
      const none: CoreStatus = { consent: this.#options.consent ?? "granted", queued: 0, inFlight: 0, rejected: 0, dropped: 0, evicted: 0, failures: 0, stored: 0, unstored: 0 };
      return { buffered: this.#buffer.length, ...none };
    }
    return { buffered: this.#buffer.length, ...(this.#core.status() as unknown as CoreStatus) };
  }

  /** Sends what is left, then removes every listener, timer and element cxkit added. */
  async shutdown(): Promise<Result> {
    const ready = await this.ready;
    const core = this.#core;
    const delivery = this.#delivery;
    if (!ready.ok || !core || !delivery || this.#stopped) return OK;
    this.#stopped = { code: "not_running", field: "", message: "cxkit was shut down" };
    this.#listeners.clear();
    removeEventListener("pagehide", this.#onLeave);
    this.#stopCapture?.();
    this.#closeSurvey();
    core.shutdown();
    const last = await delivery.stop();
    core.free();
    this.#core = undefined;
    this.#delivery = undefined;
    return last.ok ? OK : fromSend(last);
  }
}

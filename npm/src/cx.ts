/**
 * The cxkit handle: one typed object, usable the moment it exists.
 *
 * `track()` only checks its arguments and pushes onto a JS array; the wasm core drains that
 * array at each send. Cold calls made before the wasm is up (`showSurvey`, `flush`) wait in a
 * bounded list and run in order once it is (decisions.md §1).
 */
import initWasm, { Core } from "../pkg/cxkit.js";
import { checkEvent } from "./check.js";
import { Delivery, type SendOutcome } from "./delivery.js";
import {
  CxError,
  type ConsentState,
  type ErrorInfo,
  type Options,
  type Result,
  type Status,
  type SurveyId,
  type SurveyResponse,
} from "./types.js";

/** Calls kept while the wasm loads; beyond this they are refused, not buffered without end. */
const MAX_WAITING_CALLS = 1000;

const OK: { ok: true } = Object.freeze({ ok: true });

let wasmLoading: Promise<unknown> | undefined;

/** Global Privacy Control (where the browser has it) or Do-Not-Track "1". */
function browserOptOut(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  return nav.globalPrivacyControl === true || nav.doNotTrack === "1";
}

/** Runs `task` when the page is idle (Safari has no requestIdleCallback: a timeout then). */
function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(task, { timeout: 2000 });
  else setTimeout(task, 200);
}

function loadWasm(url: URL | string): Promise<unknown> {
  wasmLoading ??= initWasm({ module_or_path: url });
  return wasmLoading;
}

/** Turns the core's `field: rule` message into an {@link ErrorInfo}; a rule about consent
 * has the `consent` code whatever the call, so callers can tell "not allowed" from "wrong". */
function fromCore(code: ErrorInfo["code"], thrown: unknown): ErrorInfo {
  const message = typeof thrown === "string" ? thrown : thrown instanceof Error ? thrown.message : String(thrown);
  const colon = message.indexOf(": ");
  const field = colon > 0 ? message.slice(0, colon) : "";
  return { code: field === "consent" ? "consent" : code, field, message };
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
  readonly #options: Options;
  readonly #strict: boolean;
  readonly #buffer: unknown[] = [];
  readonly #waiting: Array<(core: Core) => void> = [];
  readonly #listeners = new Set<ResponseListener>();
  readonly #logged = new Set<string>();
  #core: Core | undefined;
  #delivery: Delivery | undefined;
  /** A send is due each time the buffer grows by this many events, whatever their age
   * (decisions.md §12): the core's count cap, read once it runs. */
  #guard = Number.POSITIVE_INFINITY;
  #stopped: ErrorInfo | undefined;

  constructor(options: Options, wasmUrl: URL | string) {
    this.#options = options;
    this.#strict = options.strict === true;
    this.ready = this.#start(wasmUrl);
  }

  /** The options this instance was made with. */
  get options(): Readonly<Options> {
    return this.#options;
  }

  async #start(wasmUrl: URL | string): Promise<Result> {
    try {
      await loadWasm(wasmUrl);
      this.#core = new Core(JSON.stringify(this.#options), this.#buffer, (outcome: string) => this.#recorded(outcome), browserOptOut());
    } catch (thrown) {
      const error = fromCore("config", thrown);
      this.#stopped = error;
      this.#waiting.length = 0;
      this.#buffer.length = 0;
      this.#log(error);
      return { ok: false, error };
    }
    const core = this.#core;
    this.#delivery = new Delivery(core, this.#options.endpoint, this.#buffer, this.#options.beforeSend);
    this.#guard = core.maxBatchEvents();
    for (const call of this.#waiting.splice(0)) call(core);
    if (this.#buffer.length > 0) this.#delivery.schedule();
    whenIdle(() => this.#core?.warm());
    performance.mark("cxkit:ready");
    return OK;
  }

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

  /** A survey outcome was queued: send it at once, and tell listeners about an answer. */
  #recorded(outcome: string): void {
    void this.#delivery?.send("flush");
    const response = JSON.parse(outcome) as Partial<SurveyResponse>;
    if (response.value === undefined) return;
    for (const listener of this.#listeners) {
      try {
        listener(response as SurveyResponse);
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
    const length = this.#buffer.push([name, checked.copy, Date.now()]);
    if (length === 1) this.#delivery?.schedule();
    else if (length % this.#guard === 0) void this.#delivery?.send("size");
    return OK;
  }

  /** Runs a core call that may throw `field: rule`, now or once the core is up. */
  #coreCall(code: ErrorInfo["code"], call: (core: Core) => void): Result {
    let failure: ErrorInfo | undefined;
    const result = this.#withCore((core) => {
      try {
        call(core);
      } catch (thrown) {
        failure = fromCore(code, thrown);
      }
    });
    return failure ? this.#fail(failure) : result;
  }

  /** Shows a built-in survey now. */
  showSurvey(id: SurveyId): Result {
    return this.#coreCall("invalid_survey", (core) => core.showSurvey(id));
  }

  /**
   * Reports the visitor's consent. `granted` sends what was held; `denied` forgets every event
   * and closes an open survey.
   */
  consent(state: ConsentState): Result {
    return this.#coreCall("consent", (core) => {
      core.setConsent(state);
      if (state === "granted") void this.#delivery?.send("flush");
    });
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
    const queue: Omit<Status, "buffered"> = this.#core
      ? (JSON.parse(this.#core.status()) as Omit<Status, "buffered">)
      : { consent: this.#options.consent ?? "granted", queued: 0, inFlight: 0, rejected: 0, dropped: 0, evicted: 0, failures: 0 };
    return { buffered: this.#buffer.length, ...queue };
  }

  /** Sends what is left, then removes every listener, timer and element cxkit added. */
  async shutdown(): Promise<Result> {
    const ready = await this.ready;
    const core = this.#core;
    const delivery = this.#delivery;
    if (!ready.ok || !core || !delivery || this.#stopped) return OK;
    this.#stopped = { code: "not_running", field: "", message: "cxkit was shut down" };
    this.#listeners.clear();
    core.shutdown();
    const last = await delivery.stop();
    core.free();
    this.#core = undefined;
    this.#delivery = undefined;
    return last.ok ? OK : fromSend(last);
  }
}

/**
 * The cxkit handle: one typed object, usable the moment it exists.
 *
 * `track()` only checks its arguments and pushes onto a JS array; the wasm core drains that
 * array at each send. Cold calls made before the wasm is up (`showSurvey`, `flush`) wait in a
 * bounded list and run in order once it is (decisions.md §1).
 */
import initWasm, { Core } from "../pkg/cxkit.js";
import { checkEvent } from "./check.js";
import { CxError, type ErrorInfo, type Options, type Result, type Status, type SurveyId, type SurveyResponse } from "./types.js";

/** Calls kept while the wasm loads; beyond this they are refused, not buffered without end. */
const MAX_WAITING_CALLS = 1000;
/** A send is due when the buffer holds this many events, whatever their age (decisions.md §12). */
const BUFFER_GUARD = 500;

const OK: { ok: true } = Object.freeze({ ok: true });

let wasmLoading: Promise<unknown> | undefined;

function loadWasm(url: URL | string): Promise<unknown> {
  wasmLoading ??= initWasm({ module_or_path: url });
  return wasmLoading;
}

/** Turns the core's `field: rule` message into an {@link ErrorInfo}. */
function fromCore(code: ErrorInfo["code"], thrown: unknown): ErrorInfo {
  const message = typeof thrown === "string" ? thrown : thrown instanceof Error ? thrown.message : String(thrown);
  const colon = message.indexOf(": ");
  return { code, field: colon > 0 ? message.slice(0, colon) : "", message };
}

/** A failed send: its events stay queued, so this is a report, not a misuse, and never thrown. */
function deliveryFailure(status: unknown): { ok: false; error: ErrorInfo } {
  const message = status === 0 ? "delivery: the collector could not be reached" : `delivery: the collector answered ${String(status)}`;
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
      this.#core = new Core(JSON.stringify(this.#options), this.#buffer, (answer: string) => this.#emit(answer));
    } catch (thrown) {
      const error = fromCore("config", thrown);
      this.#stopped = error;
      this.#waiting.length = 0;
      this.#buffer.length = 0;
      this.#log(error);
      return { ok: false, error };
    }
    const core = this.#core;
    for (const call of this.#waiting.splice(0)) call(core);
    if (this.#buffer.length > 0) core.wake();
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

  #emit(answer: string): void {
    const response = JSON.parse(answer) as SurveyResponse;
    for (const listener of this.#listeners) {
      try {
        listener(response);
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
    if (length === 1) this.#core?.wake();
    else if (length === BUFFER_GUARD) void this.flush();
    return OK;
  }

  /** Shows a built-in survey now. */
  showSurvey(id: SurveyId): Result {
    let failure: ErrorInfo | undefined;
    const result = this.#withCore((core) => {
      try {
        core.showSurvey(id);
      } catch (thrown) {
        failure = fromCore("invalid_survey", thrown);
      }
    });
    return failure ? this.#fail(failure) : result;
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
    const core = this.#core;
    if (!core || this.#stopped) return this.#fail(this.#stopped ?? { code: "not_running", field: "", message: "cxkit is not running" });
    try {
      const sent = (await core.flush()) as number;
      return { ok: true, sent };
    } catch (status) {
      return deliveryFailure(status);
    }
  }

  /** Queue counts. */
  status(): Status {
    const counts: Status = this.#core ? (JSON.parse(this.#core.status()) as Status) : { buffered: 0, queued: 0, inFlight: 0, rejected: 0 };
    counts.buffered = this.#buffer.length;
    return counts;
  }

  /** Sends what is left, then removes every listener, timer and element cxkit added. */
  async shutdown(): Promise<Result> {
    const ready = await this.ready;
    if (!ready.ok || !this.#core || this.#stopped) return OK;
    const core = this.#core;
    this.#stopped = { code: "not_running", field: "", message: "cxkit was shut down" };
    this.#listeners.clear();
    let result: Result = OK;
    try {
      await core.shutdown();
    } catch (status) {
      result = deliveryFailure(status);
    }
    core.free();
    this.#core = undefined;
    return result;
  }
}

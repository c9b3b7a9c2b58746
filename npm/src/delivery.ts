/**
 * Delivery: posts the batches the wasm core hands out, one after another, and reports each
 * answer back. The core decides what goes in a batch, what an answer means and how long to
 * wait after a failure (src/domain/retry.rs); this file only does the I/O and keeps the time.
 *
 * - Bodies are CORS-simple (a string, or gzip bytes with no Content-Encoding header), so no
 *   preflight; the collector recognises gzip by its magic bytes (decisions.md §7).
 * - `credentials: "omit"`: cxkit sets no cookies and sends none.
 * - Each task's new events are stored before anything else happens to them (`intake`), and
 *   synchronously at hide; a chunk is removed only once its events are acknowledged.
 * - At hide: one batch (≤ 60 KiB, within the 64 KiB keepalive quota) with `keepalive` and
 *   plain text, since compression is asynchronous and the page may be gone before it
 *   finishes. What a page that is leaving cannot send stays stored and goes at the next load
 *   (decisions.md §11).
 * - Waits are measured with `performance.now()`, never the wall clock, so a clock change
 *   neither stalls nor hastens a retry (decisions.md §16). No send goes before a deadline the
 *   core set, not even `flush()`: a `Retry-After` is the collector asking for quiet.
 */
import type { Core } from "../pkg/core/cxkit.js";
import type { Store } from "./store.js";
import type { Batch } from "./types.js";

/** A site's `beforeSend` option. */
export type BeforeSend = (batch: Batch) => Batch | null;

/** Why a batch is sent, as on the wire. */
export type SendReason = "size" | "age" | "flush" | "hide" | "retry" | "load";

/** The outcome of a send: the events acknowledged, or the status that stopped it (0: no answer). */
export type SendOutcome = { ok: true; sent: number } | { ok: false; status: number };

interface Answer {
  status: number;
  /** The wait `Retry-After` asked for in ms; -1 when absent or unreadable. */
  retryAfterMs: number;
}

/**
 * Reads `Retry-After`: delay-seconds, or an HTTP date (any of the three forms `Date.parse`
 * knows) measured against the server's own `Date`, so client clock skew does not count.
 * Cross-origin, both are readable only because the collector exposes them.
 */
function retryAfterMs(value: string | null, serverDate: string | null): number {
  if (value === null) return -1;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return -1;
  const now = serverDate === null ? Number.NaN : Date.parse(serverDate);
  return Math.max(0, at - (Number.isNaN(now) ? Date.now() : now));
}

const HAS_GZIP = typeof CompressionStream === "function";

/** Entries taken from the buffer per task: as many as one batch holds (decisions.md §12). */
const CHUNK_ENTRIES = 500;

/** gzip of `text`. The bytes go straight into the stream: a `Blob` would be registered with
 * the browser process first, which the profile showed costing more than the compression. */
function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new CompressionStream("gzip");
  const writer = stream.writable.getWriter();
  void writer.write(new TextEncoder().encode(text));
  void writer.close();
  return new Response(stream.readable).arrayBuffer();
}

/** Posts `body`; status 0 when no answer came (offline, refused, blocked by CORS). */
async function post(target: Target, body: string, keepalive: boolean): Promise<Answer> {
  try {
    const payload = keepalive || !HAS_GZIP ? body : await gzip(body);
    const response = await fetch(target.endpoint, { method: "POST", body: payload, credentials: "omit", keepalive, headers: target.headers ?? {} });
    const { headers } = response;
    return { status: response.status, retryAfterMs: retryAfterMs(headers.get("Retry-After"), headers.get("Date")) };
  } catch {
    return { status: 0, retryAfterMs: -1 };
  }
}

/** Where and how to post, from the options. */
export interface Target {
  endpoint: string;
  headers?: Record<string, string>;
  beforeSend?: BeforeSend;
}

export class Delivery {
  readonly #core: Core;
  readonly #store: Store;
  readonly #target: Target;
  /** The `track()` buffer: entries `[name, props, time]`, taken in chunks. */
  readonly #buffer: unknown[][];
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` before which no send may go; 0 when none is due. */
  #notBefore = 0;
  #lastStatus = 0;
  /** The stored wait of earlier page loads was read. */
  #restored = false;
  #stopped = false;
  #hookFailed = false;
  /** Hidden or leaving: everything into storage now, then as much as the keepalive quota takes. */
  readonly #onHide = (event: Event): void => {
    if (event.type === "pagehide" || document.visibilityState === "hidden") {
      this.#takeAll();
      void this.send("hide");
    }
    if (event.type === "pagehide") this.#store.release();
  };
  readonly #onShow = (): void => this.#store.resume();
  /** Set by an `online` event: the next round goes now, whatever wait a failure set. */
  #resumeOnline = false;
  /**
   * Back online after sends found no network: the wait was for the network, not the server.
   * The resume is a flag the next round reads, not a cleared deadline, because an attempt
   * still in flight may fail after this event and set a new one.
   */
  readonly #onOnline = (): void => {
    if (this.#notBefore === 0 || this.#lastStatus !== 0) return;
    this.#resumeOnline = true;
    void this.send("retry");
  };

  constructor(core: Core, store: Store, target: Target, buffer: unknown[][]) {
    this.#core = core;
    this.#store = store;
    this.#target = target;
    this.#buffer = buffer;
    document.addEventListener("visibilitychange", this.#onHide);
    addEventListener("pagehide", this.#onHide);
    addEventListener("pageshow", this.#onShow);
    addEventListener("online", this.#onOnline);
  }

  /** Nothing goes for `ms`; then a retry (which replaces an age timer: it would go too early). */
  #wait(ms: number, status: number): void {
    this.#lastStatus = status;
    this.#notBefore = performance.now() + ms;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#arm(ms, "retry");
  }

  /**
   * Takes up to one batch of the buffer into the queue and stores it: run once per task after
   * `track()` calls, and again in the next task while the buffer is not empty, so a burst of
   * 10,000 calls becomes bounded pieces of work. A full batch goes at once; otherwise the age
   * limit sends it.
   */
  intake(): void {
    if (this.#stopped) return;
    const full = this.#takeChunk();
    if (full) void this.send("size");
    else this.schedule();
    if (this.#buffer.length > 0) setTimeout(() => this.intake(), 0);
  }

  /** Stores and queues the oldest entries of the buffer, as many as one batch holds. Returns
   * whether a full batch waits; false when the buffer was empty. */
  #takeChunk(): boolean {
    const entries = this.#buffer.splice(0, CHUNK_ENTRIES);
    return entries.length > 0 && this.#store.take(entries);
  }

  /** Stores and queues the whole buffer, synchronously (the page may be leaving). */
  #takeAll(): void {
    while (this.#buffer.length > 0) this.#takeChunk();
  }

  /** Makes sure a send happens within the age limit (called when the first event waits). */
  schedule(): void {
    this.#arm(this.#core.maxBatchAgeMs(), "age");
  }

  /** Arms the one send timer, unless one is armed already (an age timer or a retry). */
  #arm(delayMs: number, reason: SendReason): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.send(reason);
    }, delayMs);
  }

  /** Sends everything queued, after any send under way. Never rejects. */
  send(reason: SendReason): Promise<SendOutcome> {
    const run = this.#chain.then(() => this.#sendAll(reason));
    this.#chain = run;
    return run;
  }

  async #sendAll(reason: SendReason): Promise<SendOutcome> {
    if (!this.#restored) {
      // A wait an earlier page load of the site was given goes on here: a reload must not
      // hasten a retry the collector asked to defer (decisions.md §13). Read at the first
      // send, not at start: the first storage access of a page is slow and would delay ready.
      this.#restored = true;
      const [waitMs, status] = this.#store.deferred();
      if (waitMs > 0) this.#wait(waitMs, status);
    }
    if (this.#resumeOnline) {
      this.#resumeOnline = false;
      this.#notBefore = 0;
    }
    if (performance.now() < this.#notBefore) return { ok: false, status: this.#lastStatus };
    clearTimeout(this.#timer);
    this.#timer = undefined;
    let sent = 0;
    // A round takes what was due when it began (the core keeps count): events tracked while
    // it runs wait for their own age limit.
    this.#takeChunk();
    for (let first = true; ; first = false) {
      const body = this.#core.nextBatch(reason, first);
      if (body === undefined) break;
      const edited = this.#edit(body);
      if (edited === null) {
        // The site dropped this batch: its events are done, though not sent.
        this.#settle(204, -1);
        continue;
      }
      // Only the first batch of a hide round goes with keepalive: Chromium counts a keepalive
      // request against the 64 KiB quota for a while after its answer, so a second one is
      // refused (measured: 52 KB, then 60 KB fails). If the page lives on (a tab switch), the
      // rest go as usual; if it is gone, they are stored for the next load (decisions.md §11).
      const answer = await post(this.#target, edited, reason === "hide" && first);
      const [acknowledged, retryInMs] = this.#settle(answer.status, answer.retryAfterMs);
      sent += acknowledged;
      if (retryInMs >= 0) {
        // The events are back in the queue; nothing goes before the deadline the core set.
        // A wait the collector caused is kept for the site's next page loads too; one for a
        // missing network is not (a page that loads has a network).
        this.#wait(retryInMs, answer.status);
        if (answer.status !== 0) this.#store.defer(retryInMs, answer.status);
        return { ok: false, status: answer.status };
      }
    }
    this.#notBefore = 0;
    this.#store.defer(0, 0);
    return { ok: true, sent };
  }

  /** Reports an answer to the core, then removes the stored chunks it is done with. Returns
   * `[acknowledged, retryInMs]` (-1: no wait). */
  #settle(status: number, retryAfterMs: number): [number, number] {
    const [acknowledged = 0, retryInMs = -1] = this.#core.settle(status, retryAfterMs, (Math.random() * 2 ** 32) >>> 0);
    this.#store.prune();
    return [acknowledged, retryInMs];
  }

  /** The body after the site's `beforeSend`, or `null` when it dropped the batch. */
  #edit(body: string): string | null {
    const hook = this.#target.beforeSend;
    if (!hook) return body;
    try {
      const batch = hook(JSON.parse(body) as Batch);
      return batch === null ? null : JSON.stringify(batch);
    } catch (thrown) {
      // A broken hook must not cost the events: send the batch as it was.
      if (!this.#hookFailed) console.error("cxkit: beforeSend threw; the batch is sent unchanged", thrown);
      this.#hookFailed = true;
      return body;
    }
  }

  /** Stops listening and sends what is left with keepalive, so it outlives the page; what
   * does not go stays stored for the next page load. */
  stop(): Promise<SendOutcome> {
    this.#stopped = true;
    document.removeEventListener("visibilitychange", this.#onHide);
    removeEventListener("pagehide", this.#onHide);
    removeEventListener("pageshow", this.#onShow);
    removeEventListener("online", this.#onOnline);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#takeAll();
    return this.send("hide").finally(() => this.#store.release());
  }
}

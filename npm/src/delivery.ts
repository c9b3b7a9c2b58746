/**
 * Delivery: posts the batches the wasm core hands out, one after another, and reports each
 * answer back. The core decides what goes in a batch, what an answer means and how long to
 * wait after a failure (src/domain/retry.rs); this file only does the I/O and keeps the time.
 *
 * - Bodies are CORS-simple (a string, or gzip bytes with no Content-Encoding header), so no
 *   preflight; the collector recognises gzip by its magic bytes (decisions.md §7).
 * - `credentials: "omit"`: cxkit sets no cookies and sends none.
 * - At hide: `keepalive` and plain text, since compression is asynchronous and the page may
 *   be gone before it finishes (decisions.md §11).
 * - Waits are measured with `performance.now()`, never the wall clock, so a clock change
 *   neither stalls nor hastens a retry (decisions.md §16). No send goes before a deadline the
 *   core set, not even `flush()`: a `Retry-After` is the collector asking for quiet.
 */
import type { Core } from "../pkg/cxkit.js";
import type { Batch } from "./types.js";

/** A site's `beforeSend` option. */
export type BeforeSend = (batch: Batch) => Batch | null;

/** Why a batch is sent, as on the wire. */
export type SendReason = "size" | "age" | "flush" | "hide" | "retry";

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
async function post(endpoint: string, body: string, keepalive: boolean): Promise<Answer> {
  try {
    const payload = keepalive || !HAS_GZIP ? body : await gzip(body);
    const response = await fetch(endpoint, { method: "POST", body: payload, credentials: "omit", keepalive });
    const { headers } = response;
    return { status: response.status, retryAfterMs: retryAfterMs(headers.get("Retry-After"), headers.get("Date")) };
  } catch {
    return { status: 0, retryAfterMs: -1 };
  }
}

export class Delivery {
  readonly #core: Core;
  readonly #endpoint: string;
  /** The `track()` buffer the core drains: read here only for its length. */
  readonly #buffer: readonly unknown[];
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` before which no send may go; 0 when none is due. */
  #notBefore = 0;
  #lastStatus = 0;
  #stopped = false;
  readonly #beforeSend: BeforeSend | undefined;
  #hookFailed = false;
  readonly #onHide = (): void => {
    if (document.visibilityState === "hidden") void this.send("hide");
  };
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

  constructor(core: Core, endpoint: string, buffer: readonly unknown[], beforeSend?: BeforeSend) {
    this.#core = core;
    this.#endpoint = endpoint;
    this.#buffer = buffer;
    this.#beforeSend = beforeSend;
    document.addEventListener("visibilitychange", this.#onHide);
    addEventListener("pagehide", this.#onHide);
    addEventListener("online", this.#onOnline);
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
    if (this.#resumeOnline) {
      this.#resumeOnline = false;
      this.#notBefore = 0;
    }
    if (performance.now() < this.#notBefore) {
      // Nothing may go yet; take the buffer in, so it stays small and the queue's caps apply.
      this.#core.drain();
      return { ok: false, status: this.#lastStatus };
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const keepalive = reason === "hide";
    let sent = 0;
    // A send takes what was due when it began: events tracked while it runs wait for their
    // own age limit, so steady traffic makes one request per age limit, not one per answer.
    let due = this.#buffer.length;
    for (;;) {
      const before = this.#buffer.length;
      const body = this.#core.nextBatch(reason, due);
      due -= before - this.#buffer.length;
      if (body === undefined) break;
      const edited = this.#edit(body);
      if (edited === null) {
        // The site dropped this batch: its events are done, though not sent.
        this.#core.settle(204, -1, 0);
        continue;
      }
      const answer = await post(this.#endpoint, edited, keepalive);
      const [acknowledged = 0, retryInMs = -1] = this.#core.settle(answer.status, answer.retryAfterMs, (Math.random() * 2 ** 32) >>> 0);
      sent += acknowledged;
      if (retryInMs >= 0) {
        // The events are back in the queue; nothing goes before the deadline the core set.
        this.#lastStatus = answer.status;
        this.#notBefore = performance.now() + retryInMs;
        this.#arm(retryInMs, "retry");
        return { ok: false, status: answer.status };
      }
    }
    this.#notBefore = 0;
    if (this.#buffer.length > 0) this.schedule();
    return { ok: true, sent };
  }

  /** The body after the site's `beforeSend`, or `null` when it dropped the batch. */
  #edit(body: string): string | null {
    if (!this.#beforeSend) return body;
    try {
      const batch = this.#beforeSend(JSON.parse(body) as Batch);
      return batch === null ? null : JSON.stringify(batch);
    } catch (thrown) {
      // A broken hook must not cost the events: send the batch as it was.
      if (!this.#hookFailed) console.error("cxkit: beforeSend threw; the batch is sent unchanged", thrown);
      this.#hookFailed = true;
      return body;
    }
  }

  /** Stops listening and sends what is left with keepalive, so it outlives the page. */
  stop(): Promise<SendOutcome> {
    this.#stopped = true;
    document.removeEventListener("visibilitychange", this.#onHide);
    removeEventListener("pagehide", this.#onHide);
    removeEventListener("online", this.#onOnline);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.send("hide");
  }
}

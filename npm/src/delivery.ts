/**
 * Delivery: posts the batches the wasm core hands out, one after another, and reports each
 * outcome back. The core decides what goes in a batch and what a status means; this file only
 * does the I/O the core cannot do without pulling the network code into the module.
 *
 * - Bodies are CORS-simple (a string, or gzip bytes with no Content-Encoding header), so no
 *   preflight; the collector recognises gzip by its magic bytes (decisions.md §7).
 * - `credentials: "omit"`: cxkit sets no cookies and sends none.
 * - At hide: `keepalive` and plain text, since compression is asynchronous and the page may
 *   be gone before it finishes (decisions.md §11).
 */
import type { Core } from "../pkg/cxkit.js";

/** Why a batch is sent, as on the wire. */
export type SendReason = "size" | "age" | "flush" | "hide";

/** The outcome of a send: the events acknowledged, or the status that stopped it (0: no answer). */
export type SendOutcome = { ok: true; sent: number } | { ok: false; status: number };

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

/** Posts `body` and returns the HTTP status; 0 when no answer came (offline, refused, CORS). */
async function post(endpoint: string, body: string, keepalive: boolean): Promise<number> {
  try {
    const payload = keepalive || !HAS_GZIP ? body : await gzip(body);
    const response = await fetch(endpoint, { method: "POST", body: payload, credentials: "omit", keepalive });
    return response.status;
  } catch {
    return 0;
  }
}

export class Delivery {
  readonly #core: Core;
  readonly #endpoint: string;
  #chain: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #onHide = (): void => {
    if (document.visibilityState === "hidden") void this.send("hide");
  };

  constructor(core: Core, endpoint: string) {
    this.#core = core;
    this.#endpoint = endpoint;
    document.addEventListener("visibilitychange", this.#onHide);
    addEventListener("pagehide", this.#onHide);
  }

  /** Makes sure a send happens within the age limit (called when the first event waits). */
  schedule(): void {
    if (this.#stopped) return;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.send("age");
    }, this.#core.maxBatchAgeMs());
  }

  /** Sends everything queued, after any send under way. Never rejects. */
  send(reason: SendReason): Promise<SendOutcome> {
    const run = this.#chain.then(() => this.#sendAll(reason));
    this.#chain = run;
    return run;
  }

  async #sendAll(reason: SendReason): Promise<SendOutcome> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const keepalive = reason === "hide";
    let sent = 0;
    for (let body = this.#core.nextBatch(reason); body !== undefined; body = this.#core.nextBatch(reason)) {
      const status = await post(this.#endpoint, body, keepalive);
      const acknowledged = this.#core.settle(status);
      if (status < 200 || status > 299) {
        // The events are back in the queue: try again when the age timer fires.
        this.schedule();
        return { ok: false, status };
      }
      sent += acknowledged;
    }
    return { ok: true, sent };
  }

  /** Stops listening and sends what is left with keepalive, so it outlives the page. */
  stop(): Promise<SendOutcome> {
    this.#stopped = true;
    document.removeEventListener("visibilitychange", this.#onHide);
    removeEventListener("pagehide", this.#onHide);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.send("hide");
  }
}

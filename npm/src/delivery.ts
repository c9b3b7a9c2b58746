/**
 * Delivery's I/O: listeners, timers, `fetch`. Every decision is the core's state machine
 * (crates/domain/src/delivery/): what a round sends and whether it may go now, how a batch is
 * posted, how long to wait after a failure, what is stored and removed. Each call here hands
 * it an input with the time — `performance.now()` for waits, `Date.now()` for what crosses
 * page loads — and acts on the {@link Step} it returns.
 *
 * - Bodies are CORS-simple (a string, or gzip bytes with no Content-Encoding header), so no
 *   preflight; the collector recognises gzip by its magic bytes (decisions.md §7).
 * - `credentials: "omit"`: cxkit sets no cookies and sends none — but for a beacon, used only
 *   where `fetch` has no `keepalive` (decisions.md §11).
 * - Each task's new events go to the core (which stores them) before anything else happens to
 *   them (`intake`), and synchronously at hide.
 */
import { type Core, Input, type Step } from "../pkg/core/cxkit.js";
import { MAX_BATCH_EVENTS, type SendReason } from "./contract.js";
import { withLock } from "./store.js";
import type { Batch } from "./types.js";

/** A site's `beforeSend` option. */
export type BeforeSend = (batch: Batch) => Batch | null;

/** The outcome of a send: the events acknowledged, or the status that stopped it (0: no answer). */
export type SendOutcome = { ok: true; sent: number } | { ok: false; status: number };

interface Answer {
  status: number;
  /** The wait `Retry-After` asked for in ms; `undefined` when absent or unreadable. */
  retryAfterMs?: number | undefined;
}

/**
 * Reads `Retry-After`: delay-seconds, or an HTTP date (any of the three forms `Date.parse`
 * knows) measured against the server's own `Date`, so client clock skew does not count.
 * Cross-origin, both are readable only because the collector exposes them.
 */
function retryAfterMs(value: string | null, serverDate: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const now = serverDate === null ? Number.NaN : Date.parse(serverDate);
  return Math.max(0, at - (Number.isNaN(now) ? Date.now() : now));
}

/** CompressionStream (Safari 16.4, Firefox 113): without it, bodies go as plain text. */
const HAS_GZIP = typeof CompressionStream === "function";

/** `fetch` with `keepalive` (Firefox 133): without it, the batch that must outlive the page is
 * a beacon. Detected on `Request`, since `fetch` ignores an init member it does not know. */
const HAS_KEEPALIVE = "keepalive" in Request.prototype;

/** The answer to a post that got none: a network error, or a beacon, whose answer is never seen. */
const NO_ANSWER: Answer = { status: 0 };

/** Entries taken from the buffer per task: as many as one batch holds (decisions.md §12). */
const CHUNK_ENTRIES = MAX_BATCH_EVENTS;

/** The answer to a batch the site's `beforeSend` dropped: its events are done, though not sent. */
const DROPPED: Answer = { status: 204 };

/** gzip of `text`. The bytes go straight into the stream: a `Blob` would be registered with
 * the browser process first, which the profile showed costing more than the compression. */
function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new CompressionStream("gzip");
  const writer = stream.writable.getWriter();
  void writer.write(new TextEncoder().encode(text));
  void writer.close();
  return new Response(stream.readable).arrayBuffer();
}

/**
 * Posts `body` with `navigator.sendBeacon`, where `fetch` cannot outlive the page. A string
 * goes as `text/plain;charset=UTF-8`, so no preflight; a beacon carries the visitor's cookies
 * for the endpoint and no custom `headers`. Its answer is never seen: reported as none, so its
 * events stay queued and stored until an acknowledged send, and the collector's dedupe absorbs
 * the resend (design.md, "Delivery policy").
 */
function beacon(endpoint: string, body: string): Answer {
  try {
    navigator.sendBeacon(endpoint, body);
  } catch {
    // A URL the browser will not beacon to must not break the chain of sends: the events
    // stay queued, as after any post with no answer.
  }
  return NO_ANSWER;
}

/** Posts `body`; status 0 when no answer came (offline, refused, blocked by CORS, a beacon). */
async function post(target: Target, body: string, keepalive: boolean): Promise<Answer> {
  if (keepalive && !HAS_KEEPALIVE) return beacon(target.endpoint, body);
  try {
    const payload = keepalive || !HAS_GZIP ? body : await gzip(body);
    const response = await fetch(target.endpoint, { method: "POST", body: payload, credentials: "omit", keepalive, headers: target.headers ?? {} });
    const { headers } = response;
    return { status: response.status, retryAfterMs: retryAfterMs(headers.get("Retry-After"), headers.get("Date")) };
  } catch {
    return NO_ANSWER;
  }
}

/**
 * One JSON text for a chunk of entries. An entry that cannot be stringified (a cycle, a
 * throwing `toJSON`) becomes `0`, which the core counts as rejected: the others keep their
 * numbers.
 */
function stringify(entries: ReadonlyArray<readonly unknown[]>): string {
  try {
    return JSON.stringify(entries);
  } catch {
    const each = entries.map((entry) => {
      try {
        return JSON.stringify(entry);
      } catch {
        return "0";
      }
    });
    return `[${each.join()}]`;
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
  readonly #target: Target;
  /** The `track()` buffer: entries `[name, props, time]`, taken in chunks. */
  readonly #buffer: unknown[][];
  /** The capture buffer: raw observations `[kind, props, mono]`, taken whole. */
  readonly #captured: unknown[][];
  /** The tracker's own timer: a redirect or click window closes. */
  #due: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  /** The one send timer: an age limit or a retry, as the core arms it. */
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The lease renewal timer. */
  #renewal: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #hookFailed = false;
  /** Hidden or leaving: everything to the core (which stores it) now, then a hide round. */
  readonly #onHide = (event: Event): void => {
    if (event.type === "pagehide" || document.visibilityState === "hidden") {
      this.#takeAll();
      void this.send("hide");
    }
    if (event.type === "pagehide") this.#release();
  };
  readonly #onShow = (): void => this.#input(Input.PageShow);
  readonly #onOnline = (): void => this.#input(Input.Online);

  constructor(core: Core, target: Target, buffer: unknown[][], captured: unknown[][]) {
    this.#core = core;
    this.#target = target;
    this.#buffer = buffer;
    this.#captured = captured;
    document.addEventListener("visibilitychange", this.#onHide);
    addEventListener("pagehide", this.#onHide);
    addEventListener("pageshow", this.#onShow);
    addEventListener("online", this.#onOnline);
  }

  /** Acts on a step: the send timer, lease renewal, the tracker's timer, a round to start.
   * Returns the step. */
  apply(step: Step, startRound = true): Step {
    if (step.due !== undefined && !this.#stopped) {
      clearTimeout(this.#due);
      this.#due = setTimeout(() => this.#take(undefined), step.due);
    }
    if (step.disarm === true || step.timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const { timer, timerReason, renew, send } = step;
    if (timer !== undefined && timerReason !== undefined && !this.#stopped) this.#timer = setTimeout(() => void this.send(timerReason as SendReason), timer);
    if (renew !== undefined && !this.#stopped) {
      clearTimeout(this.#renewal);
      this.#renewal = setTimeout(() => this.#input(Input.Renew), renew);
    }
    if (send !== undefined && startRound) void this.send(send as SendReason);
    return step;
  }

  /** Reports what happened in the page to the core, and acts on its step. */
  #input(input: Input): void {
    this.apply(this.#core.input(input, performance.now(), Date.now()));
  }

  /**
   * Hands up to one batch of the buffer to the core: run once per task after `track()` calls,
   * and again in the next task while the buffer is not empty, so a burst of 10,000 calls
   * becomes bounded pieces of work.
   */
  intake(force = false): void {
    if (this.#stopped) return;
    const chunk = this.#chunk();
    if (force || chunk !== undefined || this.#captured.length > 0) this.#take(chunk);
    if (this.#buffer.length > 0) setTimeout(() => this.intake(), 0);
  }

  /** Hands `chunk` and every capture entry to the core, and acts on its step. */
  #take(chunk: string | undefined, startRound = true): void {
    const captured = this.#captured.length > 0 ? stringify(this.#captured.splice(0)) : undefined;
    this.apply(this.#core.take(chunk, captured, performance.now(), Date.now()), startRound);
  }

  /** The JSON text of the oldest entries of the buffer, as many as one batch holds. */
  #chunk(): string | undefined {
    const entries = this.#buffer.splice(0, CHUNK_ENTRIES);
    return entries.length > 0 ? stringify(entries) : undefined;
  }

  /** Hands the whole buffer to the core, synchronously (the page may be leaving). */
  #takeAll(): void {
    this.#take(this.#chunk(), false);
    for (let chunk = this.#chunk(); chunk !== undefined; chunk = this.#chunk()) this.#take(chunk, false);
  }

  /** Takes in what page loads that are gone left stored, under the core's Web Lock. */
  adopt(): Promise<void> {
    return withLock(this.#core.adoptLock(), () => this.#input(Input.Adopt));
  }

  /** Sends everything due, after any round under way. Never rejects. */
  send(reason: SendReason): Promise<SendOutcome> {
    const run = this.#chain.then(() => this.#round(reason));
    this.#chain = run;
    return run;
  }

  async #round(reason: SendReason): Promise<SendOutcome> {
    if (this.#captured.length > 0) this.#take(undefined, false);
    let step = this.apply(this.#core.round(reason, this.#chunk(), performance.now(), Date.now()), false);
    let sent = 0;
    for (;;) {
      const { body, keepalive = false, failed } = step;
      if (failed !== undefined) return { ok: false, status: failed };
      if (body === undefined) return { ok: true, sent };
      const edited = this.#edit(body);
      const answer = edited === null ? DROPPED : await post(this.#target, edited, keepalive);
      const random = (Math.random() * 2 ** 32) >>> 0;
      step = this.apply(this.#core.settle(answer.status, answer.retryAfterMs, random, performance.now(), Date.now()), false);
      // A batch the site dropped is done with, but not sent.
      if (edited !== null) sent += step.acknowledged ?? 0;
    }
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

  /** Gives up the leases: the next page load may adopt what is left. */
  #release(): void {
    clearTimeout(this.#renewal);
    this.#renewal = undefined;
    this.#input(Input.PageHide);
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
    clearTimeout(this.#due);
    this.#takeAll();
    return this.send("hide").finally(() => this.#release());
  }
}

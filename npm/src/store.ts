/**
 * The persisted queue (decisions.md §9–10): each task's events are written to localStorage as
 * one chunk — the very JSON text the core reads — before anything else happens to them, and
 * the chunk is removed once the core holds none of its events any more (acknowledged, dropped
 * or evicted). A crash or a closed tab therefore loses nothing that was tracked.
 *
 * Keys, per site: `cxkit:<site>:<stream>:<first>:<end>` holds the events numbered
 * `first … end − 1` of a page load's stream, and `cxkit:<site>:<stream>` is that stream's
 * lease: the time it was last renewed, kept while it has chunks and removed at `pagehide`.
 * `cxkit:<site>:wait` holds `<until>:<status>` while the collector asked the site to wait. A
 * page load adopts the chunks of streams whose lease is gone or older than {@link LEASE_MS}
 * (their page is gone): it takes their events with their ids, so a resend is deduplicated, and
 * holds their lease from then on. Adoption runs under a Web Lock held for that moment only (one
 * held for the page's life would keep it out of the back/forward cache); where Web Locks are
 * missing, two tabs may adopt the same chunk and the collector's dedupe absorbs the resend.
 *
 * A write that fails (the quota, storage blocked) turns storage off for this page load: every
 * key it wrote is removed and events go on in memory. The page's own keys are never touched,
 * and nothing here throws into the page.
 */
import type { Core } from "../pkg/core/cxkit.js";

/** The longest a stored wait holds a page load back, whatever the clocks say. */
const MAX_WAIT_MS = 3_600_000;
/** A lease not renewed for this long belongs to a page that is gone. */
const LEASE_MS = 10_000;
const RENEW_MS = 4_000;
/** The stored cap: events and characters, all chunks together (decisions.md §9). */
const MAX_STORED_EVENTS = 1_000;
const MAX_STORED_CHARS = 512 * 1024;

interface Chunk {
  stream: string;
  /** Sequence numbers `first … end − 1`. */
  first: number;
  end: number;
  chars: number;
  /** Holds a survey answer (a `$` event): the cap takes it last. */
  answers: boolean;
}

/** localStorage, or `undefined` where even reading the property throws (a sandboxed frame). */
function openStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export class Store {
  readonly #core: Core;
  /** `cxkit:<site>:` */
  readonly #prefix: string;
  readonly #stream: string;
  /** localStorage once opened (`null`: not yet). The first access of a page can take
   * milliseconds, so it waits for the first use, after ready. */
  #area: Storage | undefined | null = null;
  /** Stored chunks, oldest first: this page load's and adopted ones. */
  #chunks: Chunk[] = [];
  /** The next sequence number of this page load's stream. */
  #next = 0;
  #unstored = 0;
  /** Streams whose lease this page load holds, with when it last wrote each. */
  readonly #leased = new Map<string, number>();
  #renewal: ReturnType<typeof setInterval> | undefined;
  /** A wait is stored (or may be): the next acknowledged send clears it. */
  #deferring = false;

  get #storage(): Storage | undefined {
    this.#area ??= openStorage();
    return this.#area;
  }

  set #storage(storage: Storage | undefined) {
    this.#area = storage;
  }

  constructor(core: Core, site: string) {
    this.#core = core;
    this.#prefix = `cxkit:${site}:`;
    this.#stream = core.stream();
  }

  /** Events stored now, and events the stored cap left in memory only. */
  get counts(): { stored: number; unstored: number } {
    return { stored: this.#chunks.reduce((n, chunk) => n + chunk.end - chunk.first, 0), unstored: this.#unstored };
  }

  /**
   * Numbers a chunk of `track()` entries, hands its text to the core and stores the same text
   * (in that order: the stored cap asks the core which events are still queued). Returns
   * whether a full batch waits.
   */
  take(entries: ReadonlyArray<readonly unknown[]>): boolean {
    const text = stringify(entries);
    const first = this.#next;
    this.#next += entries.length;
    const full = this.#core.take(text, this.#stream, first);
    if (this.#mayStore()) {
      const answers = entries.some((entry) => String(entry[0]).startsWith("$"));
      this.#write({ stream: this.#stream, first, end: this.#next, chars: text.length, answers }, text);
    }
    return full;
  }

  /** Only granted consent lets events be stored; the core keeps the consent. */
  #mayStore(): boolean {
    return this.#core.consent() === "granted";
  }

  #write(chunk: Chunk, text: string): void {
    // The lease goes first: a chunk without one would look abandoned to another tab.
    if (!this.#lease(chunk.stream) || !this.#set(this.#keyOf(chunk), text)) return;
    this.#chunks.push(chunk);
    this.#cap();
  }

  /**
   * Takes or renews the lease of `stream`, and keeps renewing it; false when storage is off.
   * Written at most once a second: it lapses only after {@link LEASE_MS}, and each storage
   * call costs about a millisecond in a burst (profiled).
   */
  #lease(stream: string): boolean {
    if (!this.#storage) return false;
    this.#renewal ??= setInterval(() => this.#renew(), RENEW_MS);
    const now = Date.now();
    if (now - (this.#leased.get(stream) ?? 0) < 1000) return true;
    this.#leased.set(stream, now);
    return this.#set(this.#prefix + stream, String(now));
  }

  #keyOf(chunk: Chunk): string {
    return `${this.#prefix}${chunk.stream}:${chunk.first}:${chunk.end}`;
  }

  /**
   * Over the stored cap, this page load's oldest chunks go, those holding an answer last; their
   * events stay in memory and are counted as unstored. The event cap counts the site's other
   * live page loads too (from their key names: no value is read); the character cap, this
   * page load's chunks.
   */
  #cap(): void {
    this.prune();
    let { stored } = this.counts;
    let others = 0;
    for (const [, stream, first, end] of this.#keys()) {
      if (end !== undefined && !this.#leased.has(stream) && this.#live(stream)) others += Number(end) - Number(first);
    }
    let chars = this.#chunks.reduce((n, chunk) => n + chunk.chars, 0);
    while (others + stored > MAX_STORED_EVENTS || chars > MAX_STORED_CHARS) {
      const victim = this.#chunks.find((chunk) => !chunk.answers) ?? this.#chunks[0];
      if (!victim) return;
      this.#drop(victim);
      this.#unstored += victim.end - victim.first;
      stored -= victim.end - victim.first;
      chars -= victim.chars;
    }
  }

  #drop(chunk: Chunk): void {
    this.#chunks = this.#chunks.filter((other) => other !== chunk);
    this.#remove(this.#keyOf(chunk));
  }

  /** Removes the chunks the core holds no event of any more. */
  prune(): void {
    const oldest = new Map<string, number>();
    for (const chunk of this.#chunks) {
      let seq = oldest.get(chunk.stream);
      if (seq === undefined) oldest.set(chunk.stream, (seq = this.#core.oldest(chunk.stream)));
      if (seq < 0 || chunk.end <= seq) this.#drop(chunk);
    }
    if (this.#chunks.length === 0 && this.#renewal !== undefined) this.release();
  }

  #renew(): void {
    for (const stream of this.#leased.keys()) this.#lease(stream);
  }

  /** Gives up the leases (at `pagehide`): the next page load may adopt what is left. */
  release(): void {
    clearInterval(this.#renewal);
    this.#renewal = undefined;
    for (const stream of this.#leased.keys()) this.#remove(this.#prefix + stream);
    this.#leased.clear();
  }

  /** Back from the back/forward cache with chunks: their leases again. */
  resume(): void {
    for (const chunk of this.#chunks) this.#lease(chunk.stream);
  }

  #set(key: string, value: string): boolean {
    if (!this.#storage) return false;
    try {
      this.#storage.setItem(key, value);
      return true;
    } catch {
      this.#off();
      return false;
    }
  }

  #remove(key: string): void {
    try {
      this.#storage?.removeItem(key);
    } catch {
      this.#storage = undefined;
    }
  }

  /** Storage failed: remove every key this page load holds, then keep events in memory only. */
  #off(): void {
    for (const chunk of this.#chunks) this.#remove(this.#keyOf(chunk));
    this.release();
    this.#chunks = [];
    this.#storage = undefined;
  }

  /** This site's keys, split: `[key, stream, first, end]` (no `first` for a lease). */
  #keys(): Array<[string, string, string?, string?]> {
    const storage = this.#storage;
    const keys: Array<[string, string, string?, string?]> = [];
    for (let i = 0; storage && i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(this.#prefix)) keys.push([key, ...(key.slice(this.#prefix.length).split(":") as [string, string?, string?])]);
    }
    return keys;
  }

  /**
   * Keeps a failed send's wait (ms, with the status that caused it) for the site's next page
   * loads, in wall-clock time since it crosses them; 0 clears it.
   */
  defer(ms: number, status: number): void {
    const key = `${this.#prefix}wait`;
    if (ms > 0 && this.#mayStore()) this.#set(key, `${Date.now() + ms}:${status}`);
    else if (this.#deferring) this.#remove(key);
    this.#deferring = ms > 0;
  }

  /** The wait an earlier page load left, `[ms left, status]`: at most an hour, so a wrong
   * clock cannot stall sending; `[0, 0]` when there is none. */
  deferred(): [number, number] {
    let stored: string | null = null;
    try {
      stored = this.#storage?.getItem(`${this.#prefix}wait`) ?? null;
    } catch {
      // No storage: no wait.
    }
    const [until = 0, status = 0] = (stored ?? "").split(":").map(Number);
    const ms = Math.min(until - Date.now(), MAX_WAIT_MS);
    this.#deferring = ms > 0;
    return ms > 0 ? [ms, status] : [0, 0];
  }

  /** Another page load holds `stream`: its lease was renewed within {@link LEASE_MS}. */
  #live(stream: string): boolean {
    return Date.now() - Number(this.#storage?.getItem(this.#prefix + stream)) < LEASE_MS;
  }

  /** Consent was denied: every key of this site goes, whichever page load wrote it. */
  wipe(): void {
    for (const [key] of this.#keys()) this.#remove(key);
    this.release();
    this.#chunks = [];
  }

  /**
   * Takes in the chunks of page loads that are gone and holds their leases from then on.
   * Resolves to the number of events taken.
   */
  adopt(): Promise<number> {
    if (!this.#storage) return Promise.resolve(0);
    const run = (): number => {
      let adopted = 0;
      try {
        const held = new Set(this.#chunks.map((chunk) => chunk.stream));
        const found: Chunk[] = [];
        for (const [key, stream, first, end] of this.#keys()) {
          if (first === undefined || stream === this.#stream || held.has(stream) || this.#live(stream)) continue;
          const text = this.#storage?.getItem(key) ?? "[]";
          this.#core.take(text, stream, Number(first));
          found.push({ stream, first: Number(first), end: Number(end), chars: text.length, answers: text.includes('["$') });
        }
        for (const chunk of found) {
          this.#lease(chunk.stream);
          adopted += chunk.end - chunk.first;
        }
        this.#chunks.unshift(...found);
      } catch {
        // Storage went away while reading: what was taken is in memory and goes out.
      }
      this.#cap();
      return adopted;
    };
    // Without Web Locks, or where they are denied (an opaque origin), adopt unlocked.
    const locks = typeof navigator.locks === "object" ? navigator.locks : undefined;
    return locks ? locks.request(`${this.#prefix}adopt`, run).catch(run) : Promise.resolve(run());
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

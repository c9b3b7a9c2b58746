/**
 * localStorage for the core: the calls only, each in its own try/catch. Which keys exist, what
 * they hold, when a chunk, a lease or a wait is written or removed, which stored chunks are
 * adopted and which go when the stored cap bites — all of that is the core's
 * (crates/domain/src/delivery/store.rs). A write that throws is reported back (`false`): the
 * core then turns storage off for the page load and removes what it wrote. Nothing here
 * throws into the page, and the page's own keys are never touched.
 */
import type { StoreIo } from "../pkg/core/cxkit.js";

/** localStorage, or `undefined` where even reading the property throws (a sandboxed frame). */
function openStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export class LocalStore implements StoreIo {
  /** localStorage once opened (`null`: not yet). The first access of a page can take
   * milliseconds, so it waits for the first use, after ready. */
  #area: Storage | undefined | null = null;

  get #storage(): Storage | undefined {
    this.#area ??= openStorage();
    return this.#area;
  }

  keys(prefix: string): string[] {
    const storage = this.#storage;
    const keys: string[] = [];
    try {
      for (let i = 0; storage && i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(prefix)) keys.push(key);
      }
    } catch {
      // Storage went away while listing: what was listed is all there is.
    }
    return keys;
  }

  get(key: string): string | undefined {
    try {
      return this.#storage?.getItem(key) ?? undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: string): boolean {
    try {
      if (!this.#storage) return false;
      this.#storage.setItem(key, value);
      return true;
    } catch {
      return false;
    }
  }

  remove(key: string): void {
    try {
      this.#storage?.removeItem(key);
    } catch {
      // Nothing more to do: storage is gone.
    }
  }
}

/**
 * Runs `task` under the Web Lock `name`, held for that moment only: one held for the page's
 * life would keep it out of the back/forward cache. Without Web Locks, or where they are
 * denied (an opaque origin), it runs unlocked; two tabs may then adopt the same chunk and
 * the collector's dedupe absorbs the resend.
 */
export function withLock(name: string, task: () => void): Promise<void> {
  const locks = typeof navigator.locks === "object" ? navigator.locks : undefined;
  return locks ? locks.request(name, task).catch(task) : Promise.resolve(task());
}

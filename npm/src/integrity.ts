/**
 * Loading what the loader fetches, checked against hashes built into the JS that loads it
 * (`integrity` on the page's script tag covers `cxkit.js` only, not the files it fetches).
 * The browser checks them — `fetch(url, { integrity })` for the wasm, `<script type="module"
 * integrity>` for the survey glue — which works on http pages too, where `crypto.subtle` is
 * missing. A file that fails the check stays off, with one clear console error.
 */

/** Why a verified load failed: `integrity` when the file arrived but is not the one built. */
export class LoadError extends Error {
  constructor(readonly file: string, readonly reason: "integrity" | "network" | "protocol") {
    super(
      reason === "integrity"
        ? `${file} failed its integrity check (it is not the file this release was built with)`
        : reason === "protocol"
          ? `${file} belongs to another release of cxkit`
          : `${file} could not be loaded`,
    );
  }
}

function fileName(url: URL | string): string {
  return new URL(url, location.href).pathname.split("/").pop() ?? String(url);
}

/**
 * Tells a failed integrity check from a network failure: the browser rejects both alike. Only
 * on the failure path, and the file fetched is never used.
 */
async function reasonOf(url: URL | string): Promise<LoadError["reason"]> {
  try {
    return (await fetch(url)).ok ? "integrity" : "network";
  } catch {
    return "network";
  }
}

/**
 * Runs `start` on a request for `url` that the browser checks against `integrity`. Rejects
 * with a {@link LoadError}.
 */
export async function loadVerified<T>(url: URL | string, integrity: string, start: (request: Request) => Promise<T>): Promise<T> {
  try {
    return await start(new Request(url, { integrity }));
  } catch (thrown) {
    if (thrown instanceof WebAssembly.CompileError || thrown instanceof WebAssembly.LinkError) throw thrown;
    throw new LoadError(fileName(url), await reasonOf(url));
  }
}

/**
 * Imports the ES module at `url` after the browser checked it against `integrity`: a
 * `<script type="module" integrity>` puts it in the page's module map, from which `import()`
 * takes the very same module without fetching again. Used by the script tag, whose IIFE
 * cannot carry the survey module's code.
 */
export function importVerified<T>(url: URL, integrity: string): Promise<T> {
  return new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.type = "module";
    script.integrity = integrity;
    script.crossOrigin = "anonymous";
    script.src = url.href;
    script.onload = () => {
      script.remove();
      resolve();
    };
    script.onerror = () => {
      script.remove();
      void reasonOf(url).then((reason) => reject(new LoadError(fileName(url), reason)));
    };
    document.head.append(script);
  }).then(() => import(/* webpackIgnore: true */ /* @vite-ignore */ url.href) as Promise<T>);
}

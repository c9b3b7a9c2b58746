// Server-side rendering (Next.js, Remix, Astro render on Node): importing the package must
// neither throw nor touch a page's globals, and `init` there must say clearly that cxkit runs
// in a browser — resolved as a stopped handle by default, rejected with a CxError when strict
// (decisions.md §2). Run by `make test-node` on the built npm/dist.
import assert from "node:assert/strict";
import { test } from "node:test";

const PAGE_GLOBALS = ["window", "document", "navigator", "location", "self", "localStorage", "sessionStorage", "addEventListener", "requestIdleCallback", "PerformanceObserver", "MutationObserver"];
const touched = new Set();
let watching = true;
// Node may have some of these (navigator since 21): each becomes an accessor that notes a read
// and answers as a server does (nothing there).
for (const name of PAGE_GLOBALS) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      if (watching) touched.add(name);
      return undefined;
    },
  });
}

const cxkit = await import("../../npm/dist/index.js");
watching = false;

const ENDPOINT = "https://collect.example.com/v1/batch";

/** Runs `body` with console.error recorded; returns what it logged. */
async function errorsOf(body) {
  const logged = [];
  const original = console.error;
  console.error = (...args) => logged.push(args.join(" "));
  try {
    await body();
  } finally {
    console.error = original;
  }
  return logged;
}

test("importing the package on a server touches no page global and throws nothing", () => {
  assert.deepEqual([...touched], [], "read at import time");
  assert.equal(typeof cxkit.init, "function");
  assert.equal(typeof cxkit.CxError, "function");
});

test("init on a server resolves with a stopped handle that says cxkit runs in a browser", async () => {
  let cx;
  const logged = await errorsOf(async () => {
    cx = await cxkit.init({ endpoint: ENDPOINT, siteId: "ssr" });
    const ready = await cx.ready;
    assert.equal(ready.ok, false);
    assert.equal(ready.error.code, "not_running");
    assert.match(ready.error.message, /runs in a browser/);
    const tracked = cx.track("rendered", { page: "/" });
    assert.equal(tracked.ok, false);
    assert.equal(tracked.error.code, "not_running");
    assert.equal(cx.showSurvey("nps").ok, false);
  });
  assert.equal(logged.length, 1, `one console error: ${logged.join(" | ")}`);
  assert.match(logged[0], /^cxkit: cxkit runs in a browser/);
});

test("init on a server with strict: true rejects with a typed CxError, and keeps no instance", async () => {
  await errorsOf(async () => {
    await assert.rejects(cxkit.init({ endpoint: ENDPOINT, siteId: "ssr", strict: true }), (error) => {
      assert.ok(error instanceof cxkit.CxError);
      assert.equal(error.code, "not_running");
      assert.match(error.message, /runs in a browser/);
      return true;
    });
    // Nothing kept between requests: other options are no "already running" conflict.
    const other = await cxkit.init({ endpoint: ENDPOINT, siteId: "another-site" });
    assert.equal((await other.ready).error.code, "not_running");
  });
});

test("the React example renders on a server: useCx gives no handle there, and cxkit is never started", async () => {
  const { build } = await import("esbuild");
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const root = new URL("../../", import.meta.url).pathname;
  // Under target/, so the bundle finds the repo's react and react-dom.
  const dir = await mkdtemp(join(root, "target/ssr-"));
  try {
    await build({
      entryPoints: [join(root, "examples/react/src/App.tsx")], bundle: true, format: "esm", platform: "node", jsx: "automatic",
      outfile: join(dir, "app.mjs"), external: ["react", "react-dom", "cxkit"], define: { "import.meta.env": "{}" }, logLevel: "warning",
      alias: { cxkit: join(root, "npm/dist/index.js") },
    });
    const [{ App }, { createElement }, { renderToString }] = await Promise.all([import(join(dir, "app.mjs")), import("react"), import("react-dom/server")]);
    let html;
    const logged = await errorsOf(() => {
      html = renderToString(createElement(App));
    });
    assert.match(html, /<h1>Checkout<\/h1>/);
    assert.match(html, /<button type="button" disabled="">Buy<\/button>/, "no handle while rendering: the button waits for it");
    assert.deepEqual(logged, [], "init never ran: effects do not run on a server");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("README.md's React hook is examples/react/src/useCx.ts verbatim", async () => {
  const { readFile } = await import("node:fs/promises");
  const [readme, hook] = await Promise.all(["README.md", "examples/react/src/useCx.ts"].map((path) => readFile(new URL(`../../${path}`, import.meta.url), "utf8")));
  assert.ok(readme.includes("```ts\n" + hook + "```\n"), "README.md's React snippet differs from examples/react/src/useCx.ts: copy the file into it");
});

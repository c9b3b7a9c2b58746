// Serves www/, the npm build at /dist/, test pages at /test/ and bench/ at /bench/ on a free loopback port, with
// {{endpoint}} in HTML replaced by the collector's batch URL and {{collector}} by its origin (for a CSP's connect-src). Pages are opened as
// http://localhost:<port>, the collector is http://127.0.0.1:<port>: cross-origin, as on a site.
// It records the path of every request (`requests`), and serves `overrides[path]` instead of
// the file when a test sets one (a tampered module), or a 404 for `null` (a file gone).
// Given `firstScript` (the engine-neutral harness, lib/first-script.mjs), every HTML page it
// serves starts with <script src="/__harness/first.js">, whose source is `firstScript(pages.first)`
// at the time the page asks: the options of the last page opened.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { ROOT } from "./collector.mjs";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml" };
const MOUNTS = [["/dist/", "npm/dist"], ["/test/", "tests/e2e/pages"], ["/bench/", "bench"], ["/", "www"]];

const FIRST = "/__harness/first.js";

/** `html` with the first script before anything else the page holds (after the doctype). */
function withFirstScript(html) {
  const tag = `<script src="${FIRST}"></script>`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  return doctype ? doctype[0] + tag + html.slice(doctype[0].length) : tag + html;
}

export async function startPages(endpoint, { firstScript } = {}) {
  const requests = [];
  const overrides = new Map();
  const pages = {};
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    requests.push(path);
    if (firstScript && path === FIRST) {
      const source = await firstScript(pages.first);
      return void response.writeHead(200, { "content-type": TYPES[".js"], "cache-control": "no-store" }).end(source);
    }
    const [prefix, dir] = MOUNTS.find(([mount]) => path.startsWith(mount));
    const relative = normalize(path.slice(prefix.length) || "index.html");
    if (relative.startsWith("..")) return void response.writeHead(403).end();
    try {
      const override = overrides.get(path);
      if (override === null) throw new Error("gone");
      let body = override ?? (await readFile(join(ROOT, dir, relative)));
      if (extname(relative) === ".html") {
        body = body.toString("utf8").replaceAll("{{endpoint}}", endpoint).replaceAll("{{collector}}", new URL(endpoint).origin);
        if (firstScript) body = withFirstScript(body);
      }
      // CORS for every file: a sandboxed frame (an opaque origin) loads the wasm cross-origin.
      response.writeHead(200, { "content-type": TYPES[extname(relative)] ?? "application/octet-stream", "access-control-allow-origin": "*" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(pages, {
    origin: `http://localhost:${server.address().port}`,
    /** The first script's options for the next page (see lib/first-script.mjs). */
    first: {},
    requests,
    overrides,
    /** How many requests asked for `path` so far. */
    count: (path) => requests.filter((seen) => seen === path).length,
    stop: () => new Promise((resolve) => server.close(resolve)),
  });
}

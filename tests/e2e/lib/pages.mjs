// Serves www/, the npm build at /dist/, test pages at /test/ and bench/ at /bench/ on a free loopback port, with
// {{endpoint}} in HTML replaced by the collector's batch URL. Pages are opened as
// http://localhost:<port>, the collector is http://127.0.0.1:<port>: cross-origin, as on a site.
// It records the path of every request (`requests`), and serves `overrides[path]` instead of
// the file when a test sets one (a tampered module), or a 404 for `null` (a file gone).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { ROOT } from "./collector.mjs";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml" };
const MOUNTS = [["/dist/", "npm/dist"], ["/test/", "tests/e2e/pages"], ["/bench/", "bench"], ["/", "www"]];

export async function startPages(endpoint) {
  const requests = [];
  const overrides = new Map();
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    requests.push(path);
    const [prefix, dir] = MOUNTS.find(([mount]) => path.startsWith(mount));
    const relative = normalize(path.slice(prefix.length) || "index.html");
    if (relative.startsWith("..")) return void response.writeHead(403).end();
    try {
      const override = overrides.get(path);
      if (override === null) throw new Error("gone");
      let body = override ?? (await readFile(join(ROOT, dir, relative)));
      if (extname(relative) === ".html") body = body.toString("utf8").replaceAll("{{endpoint}}", endpoint);
      // CORS for every file: a sandboxed frame (an opaque origin) loads the wasm cross-origin.
      response.writeHead(200, { "content-type": TYPES[extname(relative)] ?? "application/octet-stream", "access-control-allow-origin": "*" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://localhost:${server.address().port}`,
    requests,
    overrides,
    /** How many requests asked for `path` so far. */
    count: (path) => requests.filter((seen) => seen === path).length,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

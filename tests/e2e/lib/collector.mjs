// Starts the real collector binary on a free loopback port with a fresh SQLite file.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BINARY = join(ROOT, "target/release/cxkit-collector");

/**
 * Starts the collector; `flags` add to `--port 0 --db <fresh file> --admin-token <fresh token>`
 * (e.g. `--www`, `--dist`). `stats()` and `session()` send the token; `adminToken` is it.
 */
export async function startCollector(flags = []) {
  const dir = await mkdtemp(join(tmpdir(), "cxkit-e2e-"));
  const db = join(dir, "events.sqlite");
  const adminToken = randomBytes(32).toString("base64url");
  const child = spawn(BINARY, ["--port", "0", "--db", db, `--admin-token=${adminToken}`, ...flags], { stdio: ["ignore", "pipe", "inherit"], cwd: ROOT });
  const origin = await new Promise((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`collector exited with ${code} before listening`)));
  });
  const admin = { authorization: `Bearer ${adminToken}` };
  return {
    origin,
    endpoint: `${origin}/v1/batch`,
    db,
    adminToken,
    async stats(site) {
      const response = await fetch(`${origin}/v1/stats?site=${encodeURIComponent(site)}`, { headers: admin });
      if (!response.ok) throw new Error(`stats refused: ${response.status} ${await response.text()}`);
      return response.json();
    },
    /** One session as the collector recomputes it from raw events (`null`: none stored). */
    async session(site, sid) {
      const response = await fetch(`${origin}/v1/stats?site=${encodeURIComponent(site)}&session=${encodeURIComponent(sid)}`, { headers: admin });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`session refused: ${response.status} ${await response.text()}`);
      return response.json();
    },
    /** With `--test-control`: moves the clock that closes sessions `offsetMs` ahead of the wall clock. */
    async clock(offsetMs) {
      const response = await fetch(`${origin}/v1/test/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offsetMs }) });
      if (!response.ok) throw new Error(`clock refused: ${response.status}`);
    },
    /** With `--test-control`: scripts the next answers (see collector/src/control.rs). */
    async script(script) {
      const response = await fetch(`${origin}/v1/test/script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(script) });
      if (response.status !== 204) throw new Error(`script refused: ${response.status} ${await response.text()}`);
    },
    /** With `--test-control`: every batch request since the script was loaded. */
    async attempts() {
      return (await fetch(`${origin}/v1/test/attempts`)).json();
    },
    /** Stops the process and keeps its files, to read every byte it stored (`db`, `-wal`, `-shm`). */
    async halt() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT");
        await exited;
      }
    },
    async stop() {
      await this.halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value, or fails after `ms`. */
export async function eventually(check, what, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

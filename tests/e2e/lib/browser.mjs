// Debian's Chromium through playwright-core, with the flags this machine needs (toolchain.md).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), "cxkit-profile-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", headless: true, args: ARGS });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` and records what a test must check: console errors, uncaught page errors and the
 * body bytes of every request to the collector. `setup(page)` runs before the page loads (to
 * install a fake clock or an init script).
 */
export async function open(context, url, collectorOrigin, setup = async () => {}) {
  const page = await context.newPage();
  await setup(page);
  const seen = { consoleErrors: [], pageErrors: [], batches: [] };
  page.on("console", (message) => { if (message.type() === "error") seen.consoleErrors.push(message.text()); });
  page.on("pageerror", (error) => seen.pageErrors.push(String(error)));
  page.on("request", (request) => {
    if (request.url().startsWith(collectorOrigin) && request.method() === "POST") seen.batches.push(request.postDataBuffer());
  });
  await page.goto(url);
  return { page, seen };
}

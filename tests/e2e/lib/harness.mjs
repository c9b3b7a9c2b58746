// One test file's world: the real collector, the page server with the first script
// (lib/first-script.mjs), and the engine under test (CXKIT_ENGINE, lib/engine.mjs).
import { after, afterEach } from "node:test";
import { startCollector } from "./collector.mjs";
import { launchEngine } from "./engine.mjs";
import { firstScript } from "./first-script.mjs";
import { startPages } from "./pages.mjs";

/** Starts all three; `collectorFlags` add to the collector's command line. */
export async function startHarness(collectorFlags = []) {
  const collector = await startCollector(collectorFlags);
  const pages = await startPages(collector.endpoint, { firstScript });
  const browser = await launchEngine(pages);
  return {
    collector,
    pages,
    browser,
    async stop() {
      await browser.close();
      await pages.stop();
      await collector.stop();
    },
  };
}

/**
 * A test file's harness, started as the file loads (`const { collector, pages, browser } = await
 * useHarness();`): the pages each test opened are closed after it, and all of it stops after the
 * file's last test.
 */
export async function useHarness(collectorFlags = []) {
  const harness = await startHarness(collectorFlags);
  afterEach(() => harness.browser.closePages());
  after(() => harness.stop());
  return harness;
}

// One ported test file's world (issue 14): the real collector, the page server with the first
// script, and the engine under test (CXKIT_ENGINE). Files not yet ported use lib/harness.mjs,
// the Chromium-only path.
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

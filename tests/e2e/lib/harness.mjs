// One test file's world: the real collector, the page server with the first script
// (lib/first-script.mjs), and the engine under test (CXKIT_ENGINE, lib/engine.mjs).
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

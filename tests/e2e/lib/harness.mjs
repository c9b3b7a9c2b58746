// One test file's world: the real collector, the page server pointing at it, and Chromium.
import { launch } from "./browser.mjs";
import { startCollector } from "./collector.mjs";
import { startPages } from "./pages.mjs";

/** Starts all three; `collectorFlags` add to the collector's command line. */
export async function startHarness(collectorFlags = []) {
  const collector = await startCollector(collectorFlags);
  const pages = await startPages(collector.endpoint);
  const browser = await launch();
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

// The Chromium driver of the engine-neutral harness (lib/engine.mjs): playwright-core over the
// DevTools protocol, launched as the Chromium-only path does (lib/browser.mjs).
import { launch as launchChromium } from "../browser.mjs";

export async function launch() {
  const browser = await launchChromium();
  return {
    version: `Chromium ${browser.context.browser()?.version() ?? ""}`.trim(),
    async newPage() {
      const page = await browser.context.newPage();
      return {
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        evaluate: (expression) => page.evaluate(expression),
        click: async (expression) => (await page.evaluateHandle(expression)).asElement().click(),
        press: (key) => page.keyboard.press(key),
        frameEvaluate(part, expression) {
          const frame = page.frames().find((f) => f.url().includes(part));
          if (!frame) throw new Error(`no frame at ${part}`);
          return frame.evaluate(expression);
        },
        async crash() {
          const cdp = await browser.context.newCDPSession(page);
          const crashed = new Promise((resolve) => page.once("crash", resolve));
          void cdp.send("Page.crash").catch(() => {});
          await crashed;
        },
        async heapUsage() {
          const cdp = await browser.context.newCDPSession(page);
          await cdp.send("HeapProfiler.collectGarbage");
          return (await cdp.send("Runtime.getHeapUsage")).usedSize;
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

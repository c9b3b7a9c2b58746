// The Firefox driver of the engine-neutral harness (lib/engine.mjs): Debian's firefox-esr,
// headless, over WebDriver BiDi with puppeteer-core (toolchain.md, "Other engines"), which
// never downloads a browser.
import puppeteer from "puppeteer-core";

const EXECUTABLE = process.env.CXKIT_FIREFOX ?? "/usr/bin/firefox-esr";

export async function launch() {
  const browser = await puppeteer.launch({ browser: "firefox", executablePath: EXECUTABLE, headless: true });
  return {
    version: await browser.version(),
    async newPage() {
      // A window, not a tab: Firefox hides the tab a new one covers (visibilityState
      // "hidden"), which cxkit rightly treats as the visitor leaving.
      const page = await browser.newPage({ type: "window" });
      return {
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        evaluate: (expression) => page.evaluate(expression),
        click: async (expression) => (await page.evaluateHandle(expression)).click(),
        press: (key) => page.keyboard.press(key),
        frameEvaluate(part, expression) {
          const frame = page.frames().find((f) => f.url().includes(part));
          if (!frame) throw new Error(`no frame at ${part}`);
          return frame.evaluate(expression);
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

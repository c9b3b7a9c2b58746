// `make dashboard-screenshots`: PNGs of the collector's dashboard with data, for a person to look
// at — not a test, nothing is compared. The real collector (a fresh database), the events of
// tests/e2e/lib/dashboard-fixture.mjs posted through its ingest route, headless Debian Chromium
// through playwright-core (tests/e2e/lib/browser.mjs) on /dashboard/, the token typed into its
// form as a person would. Writes screenshots/ (gitignored):
//   dashboard-desktop.png  1280 × 900 viewport, the full page
//   dashboard-phone.png    360 wide, the full page
//   dashboard-empty-phone.png  a site with no events (the empty states), 360 wide
// A CSP violation, page error or console error on the way fails the run.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { launch } from "./e2e/lib/browser.mjs";
import { startCollector } from "./e2e/lib/collector.mjs";
import { postDashboardData } from "./e2e/lib/dashboard-fixture.mjs";

const OUT = fileURLToPath(new URL("../screenshots/", import.meta.url));
const SHOTS = [
  { name: "dashboard-desktop", viewport: { width: 1280, height: 900 }, site: "demo" },
  { name: "dashboard-phone", viewport: { width: 360, height: 740 }, site: "demo" },
  { name: "dashboard-empty-phone", viewport: { width: 360, height: 740 }, site: "nothing-yet" },
];

const collector = await startCollector();
const browser = await launch();
await mkdir(OUT, { recursive: true });
const problems = [];
try {
  await postDashboardData(collector.endpoint, "demo");
  for (const shot of SHOTS) {
    const page = await browser.context.newPage();
    try {
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`), true);
      });
      page.on("pageerror", (error) => problems.push(`${shot.name}: ${error}`));
      page.on("console", (message) => { if (message.type() === "error") problems.push(`${shot.name}: ${message.text()}`); });
      await page.setViewportSize(shot.viewport);
      await page.goto(`${collector.origin}/dashboard/`);
      await page.fill("#token", collector.adminToken);
      await page.fill("#site", shot.site);
      await page.click("button[type=submit]");
      await page.waitForSelector("#board:not([hidden]) [data-figure=nps]");
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: `${OUT}${shot.name}.png`, fullPage: true });
      const violations = await page.evaluate(() => window.__violations);
      if (violations.length) problems.push(`${shot.name}: CSP violations: ${violations.join(" | ")}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      if (wide > 0) problems.push(`${shot.name}: the page is ${wide} px wider than the viewport`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  await collector.stop();
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`dashboard-screenshots: ${SHOTS.map((s) => `screenshots/${s.name}.png`).join(", ")}`);

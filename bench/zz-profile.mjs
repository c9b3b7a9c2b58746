import { launch, open } from "../tests/e2e/lib/browser.mjs";
import { startCollector } from "../tests/e2e/lib/collector.mjs";
const collector = await startCollector(["--www", "bench", "--dist", "npm/dist"]);
const browser = await launch();
const { page } = await open(browser.context, `${collector.origin}/page.html`, collector.origin);
await page.waitForFunction(() => window.__bench.readyAt !== undefined);
await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => setTimeout(resolve, 100))));
const cdp = await browser.context.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
await cdp.send("Profiler.start");
await page.evaluate(async () => {
  const plans = ["free", "pro", "team"];
  for (let i = 0; i < 10000; i++) window.cxkit.track("bench_event", { i, plan: plans[i % 3], ok: i % 2 === 0 });
  await new Promise((r) => setTimeout(r, 0));
  return window.cxkit.flush();
});
const { profile } = await cdp.send("Profiler.stop");
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || "(anon)"}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log((v / 1000).toFixed(2).padStart(8), k);
await browser.close();
await collector.stop();

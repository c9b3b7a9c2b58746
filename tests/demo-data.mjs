// `make demo-data`: generated traffic for the running demo (`make demo`, in another terminal).
// Starts nothing itself: Debian's headless Chromium (playwright-core, the flags of
// tests/e2e/lib/browser.mjs) drives the demo page at DEMO_URL (default http://127.0.0.1:8080)
// through VISITORS (30) made-up visitors, each a fresh browser context (a new visitor id): page
// views and journey steps by history.pushState (the page's `journey`), the checkout survey (CES,
// a comment when it was hard, a reason), NPS by the Rate button, rage and dead clicks on the
// page's unwired "Apply coupon" button, drop-outs. Real cxkit, real collector, nothing faked
// but two things, both said on the page ("Demo data is generated"):
// - it passes for a person: cxkit keeps automated browsers out (navigator.webdriver, a
//   "HeadlessChrome" user agent) unless a site sets countBots, and the demo site does not;
// - each visitor's clock is set back (Date only; timers run in real time) to a moment of the
//   last 7 days, at least 2 hours ago: the series have days, and the collector closes the
//   sessions (30 min of silence) at once, so drop-outs count.
// Seeded (SEED): the same visitors each run. Prints the stats it produced at the end.
import { chromium } from "playwright-core";

const DEMO = (process.env.DEMO_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const TOKEN = process.env.CXKIT_ADMIN_TOKEN || "cxkit-demo-token";
const VISITORS = Number(process.env.VISITORS ?? 30);
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-blink-features=AutomationControlled"];
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const HOUR = 3_600_000;

/** mulberry32: a small seeded generator, so a run is repeatable. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(Number(process.env.SEED ?? 18));
const pick = (items) => items[Math.floor(random() * items.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const chance = (p) => random() < p;

const COMMENTS = [
  "The coupon field did nothing, I clicked it five times.",
  "Shipping costs only showed up at the very end, annoying.",
  "Payment page was slow and the card form kept resetting.",
  "Too many steps to check out, I almost gave up.",
  "Delivery options are confusing and expensive.",
  "Could not find where to enter my address, the page jumped around.",
];
const PRODUCTS = ["/products/espresso", "/products/grinder", "/products/kettle", "/products/beans"];
const CALM_PRODUCTS = ["/products/espresso", "/products/kettle", "/products/beans", "/products/espresso", "/products/grinder"];

/** The kinds of visitor, in the proportions of a plausible shop. */
function profile(i) {
  const mood = i % 10 < 4 ? "happy" : i % 10 < 7 ? "meh" : "frustrated";
  const stop = {
    happy: pick(["done", "done", "done", "payment"]),
    meh: pick(["done", "shipping", "payment", "cart", null]),
    frustrated: pick(["payment", "payment", "shipping", "cart", "done"]),
  }[mood];
  // The story the moments of truth should find: the grinder's page has a dead "Apply coupon" and
  // the payment step rage clicks on it; frustrated visitors go through both.
  const products = Array.from({ length: between(1, 3) }, () => pick(mood === "frustrated" ? PRODUCTS : CALM_PRODUCTS));
  if (mood === "frustrated" && !products.includes("/products/grinder")) products.push("/products/grinder");
  return {
    mood,
    hoursAgo: between(2, 7 * 24),
    products,
    // The furthest journey step this visitor goes to (null: never opens the cart).
    stop,
    checkout: stop !== null && stop !== "cart" && chance(0.85),
    ces: { happy: between(6, 7), meh: between(4, 5), frustrated: between(1, 3) }[mood],
    nps: chance(mood === "meh" ? 0.6 : 0.8) ? { happy: between(9, 10), meh: between(7, 8), frustrated: between(0, 6) }[mood] : null,
    // Rage bursts at payment (each costs 15 points, up to 45), dead clicks on the grinder's page.
    rage: mood === "frustrated" ? between(1, 3) : Number(chance(0.1)),
    dead: mood === "frustrated" ? between(1, 2) : Number(chance(0.1)),
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SURVEY = "[data-cxkit=survey]";

/** A single-page navigation, as the shop's router would make it. */
async function go(page, path) {
  await page.evaluate((path) => history.pushState({}, "", path), path);
  await sleep(between(150, 400));
}

/** Answers the survey on screen step by step: `choose(step)` gives, for a step with options,
 * the option's position, or for a text step the text. Returns once the widget is gone. */
async function answer(page, choose) {
  await page.waitForSelector(`${SURVEY} .submit`, { timeout: 10_000 });
  for (let steps = 0; steps < 10; steps++) {
    const submit = await page.waitForSelector(`${SURVEY} .submit, ${SURVEY} .thanks`, { timeout: 10_000 });
    if (await submit.evaluate((e) => e.classList.contains("thanks"))) break;
    const options = await page.$$(`${SURVEY} .option`);
    const field = await page.$(`${SURVEY} textarea`);
    const given = choose({ options: options.length, text: field !== null });
    if (field) await field.fill(String(given));
    else await options[Math.min(given, options.length - 1)].click();
    await submit.click();
    await submit.waitForElementState("hidden", { timeout: 10_000 });
  }
  await page.waitForSelector(SURVEY, { state: "detached", timeout: 10_000 });
}

/** Clicks the unwired button: `times` quick clicks on one spot (3 or more: a rage click). */
async function clickCoupon(page, times) {
  const box = await (await page.$("#coupon")).boundingBox();
  for (let i = 0; i < times; i++) {
    await page.mouse.click(box.x + box.width / 2 + i, box.y + box.height / 2);
    await sleep(120);
  }
  await sleep(1_300); // a dead click is one with no effect within 1 s
}

async function visit(browser, i) {
  const who = profile(i);
  const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 1280, height: 800 } });
  const back = who.hoursAgo * HOUR + between(0, HOUR);
  await context.addInitScript((back) => {
    const Real = Date;
    class Shifted extends Real {
      constructor(...args) { if (args.length === 0) super(Real.now() - back); else super(...args); }
      static now() { return Real.now() - back; }
    }
    globalThis.Date = Shifted;
  }, back);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  try {
    await page.goto(`${DEMO}/`);
    await page.waitForFunction(() => window.cxkit);
    const ready = await page.evaluate(() => window.cxkit.ready);
    if (!ready.ok) throw new Error(`cxkit did not start: ${JSON.stringify(ready)}`);
    await sleep(600); // a page view replaced within 100 ms is a redirect, not a view of its own
    for (const product of who.products) {
      await go(page, product);
      if (product === "/products/grinder") for (let n = 0; n < who.dead; n++) await clickCoupon(page, 1);
    }
    if (who.nps !== null && who.mood !== "frustrated") {
      await page.click("#rate");
      await answer(page, () => who.nps);
    }
    const corridor = ["cart", "shipping", "payment", "done"];
    const paths = { cart: "/cart", shipping: "/checkout/shipping", payment: "/checkout/payment", done: "/checkout/done" };
    for (const step of who.stop ? corridor.slice(0, corridor.indexOf(who.stop) + 1) : []) {
      await go(page, paths[step]);
      if (step === "shipping" && who.checkout) {
        await page.click("#checkout");
        const ces = who.ces;
        await answer(page, ({ options, text }) => text ? pick(COMMENTS) : options === 7 ? ces - 1 : between(0, options - 1));
      }
      // Friction where it hurts: the coupon on the payment page (or the cart, for who stops there).
      if (step === "payment" || (step === "cart" && who.stop === "cart")) {
        for (let n = 0; n < who.rage; n++) await clickCoupon(page, between(3, 6));
      }
    }
    if (who.nps !== null && who.mood === "frustrated") {
      await page.click("#rate");
      await answer(page, () => who.nps);
    }
    const flushed = await page.evaluate(() => window.cxkit.flush());
    if (!flushed.ok) throw new Error(`flush: ${JSON.stringify(flushed)}`);
    // A hide sends the session summary, as a visitor leaving would.
    await page.close({ runBeforeUnload: true });
    await sleep(200);
  } finally {
    await context.close();
  }
  if (errors.length) console.warn(`visitor ${i}: page errors: ${errors.join(" | ")}`);
  return who;
}

try {
  await fetch(`${DEMO}/`);
} catch {
  console.error(`demo-data: nothing answers at ${DEMO}. Start the demo first (make demo), then run make demo-data in another terminal.`);
  process.exit(1);
}
const started = Date.now();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ARGS });
const seen = { happy: 0, meh: 0, frustrated: 0 };
try {
  for (let i = 0; i < VISITORS; i++) {
    const who = await visit(browser, i);
    seen[who.mood]++;
    process.stdout.write(`\rdemo-data: visitor ${i + 1}/${VISITORS} (${who.mood}, ${who.stop ?? "browsing"})   `);
  }
} finally {
  await browser.close();
}
console.log(`\ndemo-data: ${VISITORS} visitors (${JSON.stringify(seen)}) in ${Math.round((Date.now() - started) / 1000)} s`);

const response = await fetch(`${DEMO}/v1/stats?site=demo`, { headers: { Authorization: `Bearer ${TOKEN}` } });
if (!response.ok) {
  console.error(`demo-data: GET /v1/stats answered ${response.status}; is CXKIT_ADMIN_TOKEN the demo's?`);
  process.exit(1);
}
const stats = await response.json();
console.log(`NPS ${stats.nps.score} (${stats.nps.responses} answers) · CES mean ${stats.ces.mean} (${stats.ces.responses}) · ` +
  `comments ${stats.comments.latest.length} · sessions ${stats.sessions.count}, drop-outs ${stats.sessions.dropouts} · score mean ${stats.score.mean}`);
for (const m of stats.moments.slice(0, 5)) {
  console.log(`  moment: ${m.kind} ${m.name} — ${m.sessions} sessions, gap ${m.gap} (detractors ${m.detractor_share} %, low score ${m.low_score_share} %, drop-out ${m.dropout_share} %)`);
}

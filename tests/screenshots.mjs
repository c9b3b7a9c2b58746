// `make screenshots` (issue 16): PNGs of the survey widget as a visitor sees it, for a person to
// look at — not a test, nothing is compared. Headless Debian Chromium through playwright-core
// (tests/e2e/lib/browser.mjs), the npm build from npm/dist served by the e2e page server, batches
// to the real collector. Writes screenshots/ (gitignored):
//   <kind>-<scheme>-<device>.png        every kind, light and dark, desktop (1280×800) and phone (360×740), English
//   <locale>-<kind>-light-<device>.png  every kind in Arabic (right to left) and Japanese, light
//   choice-multiple-checked-*, nps-picked-*  with options chosen (light, dark)
//   placement-<placement>.png           each placement, the whole desktop viewport
// Kinds: nps csat ces text choice-single choice-multiple, in the default placement (a corner
// card); the placement shots show NPS. Desktop shots are clipped to the
// widget's frame (its card with the shadow around it), phone shots are the viewport.
// ONLY=pattern keeps the shots whose file name contains it: `ONLY=ar- make screenshots`.
import { mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { launch } from "./e2e/lib/browser.mjs";
import { startCollector } from "./e2e/lib/collector.mjs";
import { startPages } from "./e2e/lib/pages.mjs";

const OUT = fileURLToPath(new URL("../screenshots/", import.meta.url));
const DEVICES = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };
const ONLY = process.env.ONLY ?? "";

/** Site words for the choice steps, by locale (built-in kinds bring their own). */
const WORDS = {
  single: { en: "What brought you here today?", ar: "ما الذي أتى بك اليوم؟", ja: "本日のご来訪の目的は何ですか？" },
  multiple: { en: "What do you like most?", ar: "ما الذي يعجبك أكثر؟", ja: "特に気に入っている点はどれですか？" },
  options: [
    { en: "Price", ar: "السعر", ja: "価格" },
    { en: "Delivery, with tracking, on the day that suits me", ar: "التوصيل مع التتبع في اليوم الذي يناسبني", ja: "追跡付きで都合の良い日に届く配送" },
    { en: "Support", ar: "الدعم", ja: "サポート" },
    { en: "Other", ar: "أخرى", ja: "その他" },
  ],
};

const KINDS = ["nps", "csat", "ces", "text", "choice-single", "choice-multiple"];

/** The survey that shows `kind`: the built-in one of that id (its own words in every locale), or
 * a configured one-step survey for the choices and the placements (the NPS step in its built-in
 * words). Returns the id to show and the `surveys` option. */
function survey(kind, placement) {
  if (!kind.startsWith("choice-") && !placement) return { id: kind, surveys: [] };
  const step = kind.startsWith("choice-")
    ? { id: "q", kind: "choice", question: WORDS[kind.slice(7)], options: WORDS.options, multiple: kind === "choice-multiple" }
    : { id: "q", kind };
  const where = placement && { placement: placement === "inline" ? { inline: "#feedback" } : placement };
  return { id: "shot", surveys: [{ id: "shot", steps: [step], ...where }] };
}

const shots = [];
for (const kind of KINDS) {
  for (const scheme of ["light", "dark"]) {
    for (const device of Object.keys(DEVICES)) shots.push({ name: `${kind}-${scheme}-${device}`, kind, scheme, device, locale: "en" });
  }
}
for (const locale of ["ar", "ja"]) {
  for (const kind of KINDS) {
    for (const device of Object.keys(DEVICES)) shots.push({ name: `${locale}-${kind}-light-${device}`, kind, scheme: "light", device, locale });
  }
}
// The chosen state: the first and third of several choices, and an NPS score.
for (const scheme of ["light", "dark"]) {
  shots.push({ name: `choice-multiple-checked-${scheme}-desktop`, kind: "choice-multiple", scheme, device: "desktop", locale: "en", pick: [0, 2] });
  shots.push({ name: `nps-picked-${scheme}-phone`, kind: "nps", scheme, device: "phone", locale: "en", pick: [9] });
}
for (const placement of ["bottom-right", "bottom-left", "center", "inline"]) {
  shots.push({ name: `placement-${placement}`, kind: "nps", scheme: "light", device: "desktop", locale: "en", placement, viewport: true });
}

/** A page to hold the inline survey and show the corners are over the page's own text. */
const PAGE_BODY = `<main style="font: 16px/1.5 serif; max-width: 40rem; margin: 40px auto; padding: 0 16px">
  <h1>A shop page</h1><p>${"Some of the page's own text, so a card over it shows where it sits. ".repeat(12)}</p>
  <div id="feedback" style="margin: 24px 0"></div><p>${"More of the page. ".repeat(20)}</p></main>`;

const collector = await startCollector();
const pages = await startPages(collector.endpoint);
const browser = await launch();
// A whole run starts afresh; an ONLY run replaces its own shots and keeps the rest.
if (!ONLY) await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
const written = [];
try {
  for (const shot of shots.filter((s) => s.name.includes(ONLY))) {
    const page = await browser.context.newPage();
    try {
      const errors = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
      await page.setViewportSize(DEVICES[shot.device]);
      // Reduced motion: the card's entry animation off, so the shot is of the card at rest.
      await page.emulateMedia({ colorScheme: shot.scheme, reducedMotion: "reduce" });
      await page.goto(`${pages.origin}/test/init.html`);
      await page.waitForFunction(() => typeof window.cxkitInit === "function");
      const spec = survey(shot.kind, shot.placement);
      const shown = await page.evaluate(async ({ endpoint, spec, locale, body }) => {
        document.body.innerHTML = body;
        window.cx = await window.cxkitInit({ endpoint, siteId: "screenshots", locale, surveys: spec.surveys });
        return window.cx.showSurvey(spec.id, { force: true });
      }, { endpoint: collector.endpoint, spec, locale: shot.locale, body: PAGE_BODY });
      if (shown?.ok === false) throw new Error(`${shot.name}: showSurvey: ${JSON.stringify(shown)} ${errors.join(" | ")}`);
      await page.waitForFunction(() => document.querySelector("[data-cxkit=survey]")?.shadowRoot.querySelector(".submit"));
      for (const nth of shot.pick ?? []) await page.click(`[data-cxkit=survey] .option >> nth=${nth}`);
      await page.evaluate(() => document.fonts.ready);
      const path = `${OUT}${shot.name}.png`;
      if (shot.viewport || shot.device === "phone") {
        await page.screenshot({ path });
      } else {
        // The card and its shadow (40 px blur, 10 px down), within the viewport.
        const box = await page.evaluate(() => {
          const r = document.querySelector("[data-cxkit=survey]").shadowRoot.querySelector(".panel").getBoundingClientRect();
          const x = Math.max(0, r.left - 24), y = Math.max(0, r.top - 24);
          return { x, y, width: Math.min(innerWidth, r.right + 24) - x, height: Math.min(innerHeight, r.bottom + 40) - y };
        });
        await page.screenshot({ path, clip: box });
      }
      if (errors.length) console.warn(`${shot.name}: page errors: ${errors.join(" | ")}`);
      written.push(shot.name);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  await pages.stop();
  await collector.stop();
}
console.log(`screenshots: ${written.length} PNGs in screenshots/`);

// A realistic, deterministic set of events for the dashboard (its e2e scenario and
// `make dashboard-screenshots`), posted through the collector's real ingest route in the wire
// format of schema/batch.schema.json: one batch per visit (its own stream), spread over the last
// two weeks, so sessions are closed and drop-outs count. Visits view pages, walk a
// cart → checkout → paid journey (some leave before paying), meet rage, dead and error clicks
// and errors, report web vitals, and answer NPS, CSAT, CES and free-text surveys.
import { createHash } from "node:crypto";

const DAY = 86_400_000;
const VITALS = { LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] };
const COMMENTS = [
  ["Delivery was fast and the checkout was easy, thank you!", "en"],
  ["The delivery was slow and support never answered my email [email]", "en"],
  ["Great prices, but the payment page kept freezing", "en"],
  ["I could not find the size guide anywhere", "en"],
  ["Love the new design, very clear and quick", "en"],
  ["Shipping costs are too high for small orders", "en"],
  ["The app crashed twice at checkout, very frustrating", "en"],
  ["Friendly support, my refund arrived in two days", "en"],
  ["Sehr gut, danke!", "de"],
  ["Search results are confusing and the filters reset", "en"],
];

/** A small seeded generator (mulberry32), so every run posts the same events. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream id: 22 base64url characters (128 bits), derived from `label`. */
const streamId = (label) => createHash("sha256").update(label).digest("base64url").slice(0, 22);

/** One batch for `site` holding `events` (`[name, timeMs, props]`, in time order) of one stream. */
export function wireBatch(site, stream, events) {
  const names = [];
  const keys = [];
  const index = (list, item, same = (a, b) => a === b) => {
    const at = list.findIndex((x) => same(x, item));
    if (at >= 0) return at;
    list.push(item);
    return list.length - 1;
  };
  const t = events[0][1];
  let previous = t;
  const rows = events.map(([name, time, props], seq) => {
    const shape = Object.keys(props);
    const row = [0, seq, time - previous, index(names, name), index(keys, shape, (a, b) => a.join("\0") === b.join("\0")), ...shape.map((k) => props[k])];
    previous = time;
    return row;
  });
  return JSON.stringify({ v: 1, site, reason: "flush", sent: previous, t, streams: [stream], names, keys, events: rows });
}

/**
 * The visits, as batches (JSON text) for `site`, ending before `now`. `comments` adds
 * free-text answers (e.g. a hostile string) to the latest visits.
 */
export function dashboardBatches(site, { now = Date.now(), visits = 64, comments = [] } = {}) {
  const rand = random(18);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const batches = [];
  const extra = [...comments];
  for (let v = 0; v < visits; v++) {
    const sid = `visit-${v}`;
    // Oldest first, over 14 days, the latest an hour ago (closed: 30 min of silence).
    let time = now - DAY * 14 + Math.floor((v / visits) * DAY * 14 - DAY / 24) - Math.floor(rand() * 3_600_000);
    time = Math.min(time, now - 3_600_000);
    const events = [];
    const add = (name, props, after = 1_000 + Math.floor(rand() * 20_000)) => {
      time += after;
      events.push([name, time, { sid, ...props }]);
    };
    const unhappy = rand() < 0.3;
    add("$pageview", { path: "/", title: "Shop" }, 0);
    add("$pageview", { path: pick(["/p/42", "/p/7", "/search"]), title: "Product" });
    for (const [name, [good, poor]] of Object.entries(VITALS)) {
      const r = rand();
      const rating = unhappy ? (r < 0.5 ? "poor" : r < 0.8 ? "needs-improvement" : "good") : r < 0.75 ? "good" : r < 0.93 ? "needs-improvement" : "poor";
      const value = rating === "good" ? good * 0.6 : rating === "poor" ? poor * 1.3 : (good + poor) / 2;
      add("$vital", { name, value: name === "CLS" ? Math.round(value * 1000) / 1000 : Math.round(value), rating }, 200);
    }
    if (unhappy) {
      add("$rage", { clicks: 4 + Math.floor(rand() * 4), tag: "button" });
      if (rand() < 0.6) add("$dead", { tag: "a" });
      if (rand() < 0.4) add("$error", { message: "TypeError: price is undefined" });
    } else if (rand() < 0.15) {
      add("$dead", { tag: "img" });
    }
    // The journey: most put something in the cart; fewer check out; fewer pay.
    if (rand() < 0.8) {
      add("$step", { step: "cart", index: 0 });
      if (rand() < (unhappy ? 0.45 : 0.8)) {
        add("$step", { step: "checkout", index: 1 });
        if (rand() < (unhappy ? 0.4 : 0.85)) add("$step", { step: "paid", index: 2, goal: true });
      }
    }
    // Surveys: about two visits in three answer one.
    const survey = rand();
    if (survey < 0.4) {
      const value = unhappy ? Math.floor(rand() * 7) : 7 + Math.floor(rand() * 4);
      add("$response", { survey: "nps", question: "score", kind: "nps", value });
    } else if (survey < 0.55) {
      add("$response", { survey: "csat", question: "score", kind: "csat", value: unhappy ? 1 + Math.floor(rand() * 3) : 4 + Math.floor(rand() * 2) });
    } else if (survey < 0.67) {
      add("$response", { survey: "ces", question: "score", kind: "ces", value: unhappy ? 2 + Math.floor(rand() * 3) : 5 + Math.floor(rand() * 3) });
    }
    if (v % 4 === 1 || v >= visits - extra.length) {
      const [text, locale] = v >= visits - extra.length ? [extra.shift(), "en"] : COMMENTS[(v >> 2) % COMMENTS.length];
      add("$response", { survey: "feedback", question: "why", kind: "text", text, locale });
    }
    batches.push(wireBatch(site, streamId(`${site}/${sid}`), events));
  }
  return batches;
}

/** Posts the batches to the collector's ingest route; throws on any refusal. */
export async function postDashboardData(endpoint, site, options) {
  for (const body of dashboardBatches(site, options)) {
    const response = await fetch(endpoint, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body });
    if (!response.ok) throw new Error(`batch refused: ${response.status} ${await response.text()}`);
  }
}

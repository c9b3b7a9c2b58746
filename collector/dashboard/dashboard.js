// The cxkit dashboard: reads GET /v1/stats (schema/stats.schema.json, decisions §34) with the
// admin token and draws it. Every figure is the collector's (its Rust scoring code computed it);
// this page only formats. All text goes in as text nodes and charts are SVG made with
// createElementNS: comments are customers' words, so nothing here parses data as HTML.
// Served under `default-src 'self'`: no inline style, no eval, no other origin.

const TOKEN_KEY = "cxkit.dashboard.token";
const SVG = "http://www.w3.org/2000/svg";

/** Why a session lost points: SignalKind ids (crates/domain/src/score/session.rs). */
const REASONS = {
  rage: "Rage clicks",
  dead: "Dead clicks",
  error_click: "Clicks followed by an error",
  error: "JavaScript errors",
  vital_poor: "Poor web vitals",
  vital_needs_improvement: "Web vitals needing improvement",
  form_abandon: "Abandoned forms",
  dropout: "Left the journey before its goal",
};

const $ = (id) => document.getElementById(id);

/** An HTML element with attributes and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false).map((c) => (typeof c === "object" ? c : String(c))));
  return element;
}

/** An SVG element with attributes and children. */
function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children.flat(Infinity).filter(Boolean).map((c) => (typeof c === "object" ? c : String(c))));
  return element;
}

/** A figure as given: `null` (no data) shows as an em dash. */
const fig = (value, unit = "") => (value === null || value === undefined ? "—" : `${value}${unit}`);
const count = (n) => Number(n).toLocaleString("en");
const plural = (n, one, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** An empty state: what is missing and what to do about it. */
const empty = (...what) => h("p", { class: "empty" }, ...what);
const code = (text) => h("code", {}, text);

/**
 * A horizontal stacked bar: `parts` are `{ value, cls, label }`; widths are shares of their sum
 * (the counts themselves are printed beside it). Each segment has a <title> for hover.
 */
function stackedBar(parts, label) {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  const svg = s("svg", { class: "bar", viewBox: "0 0 100 10", preserveAspectRatio: "none", role: "img", "aria-label": label });
  let x = 0;
  for (const part of parts) {
    if (!total || !part.value) continue;
    const width = (part.value / total) * 100;
    svg.append(s("rect", { x, y: 0, width, height: 10, class: part.cls }, s("title", {}, `${part.label}: ${count(part.value)}`)));
    x += width;
  }
  if (!total) svg.append(s("rect", { x: 0, y: 0, width: 100, height: 10, class: "none" }));
  return svg;
}

/** A legend for a stacked bar. */
const legend = (parts) => h("ul", { class: "legend" }, parts.map((p) => h("li", {}, h("span", { class: `key ${p.cls}`, "aria-hidden": "true" }), `${p.label} `, h("b", {}, count(p.value)))));

/** One bar of a bar list: `value` of `max`. */
function meter(value, max, cls = "fill") {
  const svg = s("svg", { class: "meter", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true" });
  svg.append(s("rect", { x: 0, y: 0, width: 100, height: 10, class: "track" }));
  if (max > 0 && value > 0) svg.append(s("rect", { x: 0, y: 0, width: (value / max) * 100, height: 10, class: cls }));
  return svg;
}

/** A card: a section with a heading. */
const card = (title, cls, ...body) => h("section", { class: `card ${cls}`, "aria-label": title }, h("h2", {}, title), ...body);

function npsCard(nps) {
  const parts = [
    { value: nps.promoters, cls: "promoter", label: "Promoters (9–10)" },
    { value: nps.passives, cls: "passive", label: "Passives (7–8)" },
    { value: nps.detractors, cls: "detractor", label: "Detractors (0–6)" },
  ];
  if (!nps.responses) {
    return card("NPS", "nps", h("p", { class: "big", "data-figure": "nps" }, "—"),
      empty("No answers yet — show a survey with ", code("cx.showSurvey('nps')"), "."));
  }
  return card("NPS", "nps",
    h("p", { class: "big", "data-figure": "nps" }, fig(nps.score)),
    h("p", { class: "sub" }, plural(nps.responses, "answer")),
    stackedBar(parts, "Promoters, passives and detractors"),
    legend(parts));
}

function csatCard(csat) {
  if (!csat.responses) {
    return card("CSAT", "csat", h("p", { class: "big", "data-figure": "csat" }, "—"),
      empty("No answers yet — show a survey with ", code("cx.showSurvey('csat')"), "."));
  }
  return card("CSAT", "csat",
    h("p", { class: "big", "data-figure": "csat" }, fig(csat.percent, " %")),
    h("p", { class: "sub" }, `satisfied (4–5): ${count(csat.satisfied)} of ${plural(csat.responses, "answer")}`),
    h("p", { class: "sub" }, "mean ", h("b", {}, fig(csat.mean)), " of 5"));
}

function cesCard(ces) {
  if (!ces.responses) {
    return card("CES", "ces", h("p", { class: "big", "data-figure": "ces" }, "—"),
      empty("No answers yet — show a survey with ", code("cx.showSurvey('ces')"), "."));
  }
  return card("CES", "ces",
    h("p", { class: "big", "data-figure": "ces" }, fig(ces.mean), h("small", {}, " of 7")),
    h("p", { class: "sub" }, `mean effort score, ${plural(ces.responses, "answer")}`),
    h("p", { class: "sub" }, "agree (5–7) ", h("b", {}, fig(ces.percent_agree, " %")), ` · ${count(ces.agree)}`));
}

function countsCard(stats) {
  const rows = [
    ["NPS answers", stats.nps.responses],
    ["CSAT answers", stats.csat.responses],
    ["CES answers", stats.ces.responses],
    ["Sessions", stats.sessions.count],
    ["Page views", stats.pageviews],
    ["Events stored", stats.events],
  ];
  return card("Responses", "counts", h("dl", {}, rows.map(([name, value]) => [h("dt", {}, name), h("dd", {}, count(value))])));
}

/**
 * NPS by day from `series` (the collector answers it to `from`, `to` and `bucket=day`); a
 * collector that has no `series` yet gets an empty state saying so.
 */
function seriesCard(series) {
  const title = "NPS over time";
  if (!Array.isArray(series)) {
    return card(title, "series wide", empty("No per-day figures from this collector: its ", code("/v1/stats"),
      " answers no ", code("series"), " for a date range yet. The chart shows here once it does."));
  }
  const points = series.map((bucket, i) => ({ i, day: bucket.start, score: bucket.nps?.score ?? null, responses: bucket.nps ? (bucket.nps.promoters ?? 0) + (bucket.nps.passives ?? 0) + (bucket.nps.detractors ?? 0) : 0 }));
  if (!points.some((p) => p.score !== null)) {
    return card(title, "series wide", empty("No NPS answers in this range — show a survey with ", code("cx.showSurvey('nps')"), " or pick a longer range."));
  }
  // Drawn once the card is in the page, at its width (text stays at its size on a phone and a
  // wide screen alike), and again when the window is resized.
  const box = h("div", { class: "chart-box" });
  const first = series[0]?.start;
  const last = series[series.length - 1]?.start;
  charts.push(() => box.replaceChildren(npsChart(series, points, box.clientWidth || 640)));
  return card(title, "series wide", box, h("p", { class: "sub" }, `By day, ${first} to ${last}; a gap is a day without NPS answers.`));
}

/** The NPS-by-day chart, `width` px wide: −100…100, a line per run of days with answers. */
function npsChart(series, points, width) {
  const [W, H, left, right, top, bottom] = [Math.max(240, width), 220, 40, 12, 12, 28];
  const x = (i) => left + (series.length === 1 ? (W - left - right) / 2 : (i / (series.length - 1)) * (W - left - right));
  const y = (score) => top + ((100 - score) / 200) * (H - top - bottom);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "NPS by day, −100 to 100" });
  for (const level of [100, 50, 0, -50, -100]) {
    svg.append(s("line", { x1: left, x2: W - right, y1: y(level), y2: y(level), class: level === 0 ? "axis zero" : "axis" }));
    svg.append(s("text", { x: left - 6, y: y(level) + 4, class: "tick", "text-anchor": "end" }, String(level)));
  }
  const first = series[0]?.start;
  const last = series[series.length - 1]?.start;
  svg.append(s("text", { x: left, y: H - 8, class: "tick" }, String(first ?? "")));
  svg.append(s("text", { x: W - right, y: H - 8, class: "tick", "text-anchor": "end" }, String(last ?? "")));
  // One line per run of days with answers; a day without answers breaks it.
  let run = [];
  const flush = () => {
    if (run.length > 1) svg.append(s("polyline", { class: "line", points: run.map((p) => `${x(p.i)},${y(p.score)}`).join(" ") }));
    run = [];
  };
  for (const p of points) {
    if (p.score === null) flush();
    else run.push(p);
  }
  flush();
  for (const p of points.filter((p) => p.score !== null)) {
    svg.append(s("circle", { cx: x(p.i), cy: y(p.score), r: 3.5, class: "dot" }, s("title", {}, `${p.day}: NPS ${p.score} (${plural(p.responses, "answer")})`)));
  }
  return svg;
}

/** Charts drawn at their container's width once the board is shown. */
const charts = [];
addEventListener("resize", () => charts.forEach((draw) => draw()));

function scoreCard(score, sessions) {
  const title = "Session scores";
  if (!sessions.count) {
    return card(title, "score", empty("No sessions yet — add cxkit to your pages (the script tag, or ", code("init({ endpoint, siteId })"),
      " from the npm package); each visit is scored from its frustration signals."));
  }
  const max = Math.max(...score.bands.map((b) => b.sessions));
  const bandClass = ["low", "mid", "high"];
  return card(title, "score",
    h("p", { class: "sub" }, "mean ", h("b", { "data-figure": "score-mean" }, fig(score.mean)), ` of 100 over ${plural(sessions.count, "session")}`),
    h("ul", { class: "bars" }, score.bands.map((band, i) => h("li", {},
      h("span", { class: "name" }, `${band.min}–${band.max}`), meter(band.sessions, max, bandClass[i] ?? "fill"), h("b", {}, count(band.sessions))))),
    h("h3", {}, "Most frequent reasons"),
    score.reasons.length
      ? h("ol", { class: "reasons" }, score.reasons.map((r) => h("li", {},
        h("span", { class: "name" }, REASONS[r.kind] ?? r.kind),
        h("span", { class: "sub" }, `${plural(r.sessions, "session")} · ${plural(r.count, "signal")} · −${count(r.points)} pts`))))
      : empty("No session lost points: no rage, dead or error clicks, errors, poor vitals or drop-outs."));
}

function funnelCard(funnel, sessions) {
  const title = "Journey funnel";
  if (!funnel.steps.length) {
    return card(title, "funnel", empty("No journey steps yet — mark them with ", code("cx.step('cart')"),
      " or a ", code("journey"), " option of URLs; the last step is the goal."));
  }
  const max = Math.max(...funnel.steps.map((step) => step.reached));
  return card(title, "funnel",
    h("ol", { class: "bars steps" }, funnel.steps.map((step) => h("li", {},
      h("span", { class: "name" }, step.name ?? `step ${step.index}`),
      meter(step.reached, max),
      h("b", {}, count(step.reached)),
      h("span", { class: step.dropouts ? "drop sub" : "sub" }, step.dropouts ? `${count(step.dropouts)} dropped out here` : "no drop-out")))),
    h("p", { class: "sub" }, `goal reached in ${plural(funnel.goal, "session")}; ${plural(sessions.dropouts, "closed session")} dropped out`));
}

function vitalsCard(vitals) {
  const title = "Web vitals";
  if (!vitals.length) {
    return card(title, "vitals", empty("No web vitals yet — they are captured with the tracker on (", code("capture: { vitals: true }"), ", the default) as visitors load pages."));
  }
  return card(title, "vitals", h("ul", { class: "vital-list" }, vitals.map((v) => {
    const parts = [
      { value: v.good, cls: "good", label: "Good" },
      { value: v.needs_improvement, cls: "ni", label: "Needs improvement" },
      { value: v.poor, cls: "poor", label: "Poor" },
    ];
    return h("li", {}, h("span", { class: "name" }, v.name), stackedBar(parts, `${v.name} ratings`), legend(parts));
  })));
}

function commentsCard(comments) {
  const title = "Latest comments";
  if (!comments.latest.length) {
    return card(title, "comments wide", empty("No comments yet — a survey with a text step collects them, e.g. ", code("cx.showSurvey('text')"), "."));
  }
  const when = (ms) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  return card(title, "comments wide",
    comments.themes.length
      ? h("div", { class: "themes" }, h("h3", {}, "Themes"), h("ul", { class: "chips" }, comments.themes.map((t) => h("li", {}, `${t.theme} `, h("b", {}, count(t.comments))))))
      : null,
    h("ol", { class: "comment-list" }, comments.latest.map((c) => h("li", {},
      h("blockquote", { class: "text", lang: c.locale ?? undefined }, c.text),
      h("p", { class: "meta" },
        h("span", { class: `label ${c.label ?? "none"}` }, c.label ?? "no lexicon"),
        ` ${c.survey} · ${c.question} · ${when(c.time)} UTC`),
      c.themes.length ? h("ul", { class: "chips small" }, c.themes.map((t) => h("li", {}, t))) : null))));
}

/** Moments of truth: touchpoints ranked by the gap to the site's shares, as `/v1/stats` ranks them. */
function momentsCard(moments = []) {
  const title = "Moments of truth";
  if (!moments.length) {
    return card(title, "moments wide", empty("Not enough sessions yet — a page or journey step shows here once 3 sessions had it."));
  }
  const share = (value) => fig(value, value === null ? "" : " %");
  const gap = (value) => `${value > 0 ? "+" : ""}${value}`;
  return card(title, "moments wide",
    h("p", { class: "sub" }, "Pages and journey steps whose sessions fare worse than the site's: the gap is the mean difference, in points, of their detractor, unsatisfied, low-score and drop-out shares."),
    h("table", { class: "moments" },
      h("thead", {}, h("tr", {}, ["Touchpoint", "Sessions", "Detractors", "Unsatisfied", "Score < 50", "Drop-out", "Gap"].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, moments.map((m) => h("tr", {},
        h("th", { scope: "row" }, m.kind === "step" ? `step ${m.name ?? m.index}` : m.name),
        h("td", {}, count(m.sessions)),
        h("td", {}, share(m.detractor_share)),
        h("td", {}, share(m.unsatisfied_share)),
        h("td", {}, share(m.low_score_share)),
        h("td", {}, share(m.dropout_share)),
        h("td", { class: m.gap > 0 ? "worse" : "better" }, gap(m.gap)))))));
}

/** Draws `stats` into the board. */
function render(stats) {
  const board = $("board");
  charts.length = 0;
  board.replaceChildren(
    h("div", { class: "grid" },
      npsCard(stats.nps), csatCard(stats.csat), cesCard(stats.ces), countsCard(stats),
      seriesCard(stats.series),
      scoreCard(stats.score, stats.sessions), funnelCard(stats.funnel, stats.sessions),
      vitalsCard(stats.vitals), momentsCard(stats.moments), commentsCard(stats.comments)));
  board.hidden = false;
  charts.forEach((draw) => draw());
}

/** `YYYY-MM-DD` of a UTC day `daysAgo` before today. */
const day = (daysAgo) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

function status(text, cls = "") {
  const line = $("status");
  line.textContent = text;
  line.className = cls;
}

async function show() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    $("board").hidden = true;
    status("Enter the collector's admin token to see the figures.");
    return;
  }
  const site = $("site").value.trim() || "demo";
  const days = Number($("range").value) || 30;
  // The range and buckets of decisions §34; a collector without them answers the site's figures.
  const query = new URLSearchParams({ site, from: day(days - 1), to: day(0), tz: "UTC", bucket: "day" });
  status(`Loading ${site}…`);
  let response;
  try {
    response = await fetch(`/v1/stats?${query}`, { headers: { authorization: `Bearer ${token}` }, cache: "no-store", credentials: "omit" });
  } catch (error) {
    status(`Could not reach the collector: ${error.message}`, "error");
    return;
  }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    $("token").value = "";
    $("board").hidden = true;
    $("board").replaceChildren();
    status("Wrong or missing token — enter the collector's admin token (make demo prints it).", "error");
    $("token").focus();
    return;
  }
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    status(`The collector answered ${response.status}${answer.error ? `: ${answer.error}` : ""}`, "error");
    return;
  }
  const stats = await response.json();
  render(stats);
  status(`Showing ${stats.site}, ${day(days - 1)} to ${day(0)} (UTC), as of ${new Date().toLocaleTimeString("en-GB")}.`);
}

$("access").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  $("token").value = "";
  $("token").placeholder = "kept for this tab";
  $("token").required = !token && !sessionStorage.getItem(TOKEN_KEY);
  void show();
});
$("forget").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $("token").placeholder = "";
  $("token").required = true;
  $("board").hidden = true;
  $("board").replaceChildren();
  status("Token forgotten. Enter it again to see the figures.");
});
$("range").addEventListener("change", () => void show());
if (sessionStorage.getItem(TOKEN_KEY)) {
  $("token").placeholder = "kept for this tab";
  $("token").required = false;
  void show();
}

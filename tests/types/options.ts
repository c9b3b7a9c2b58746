// Compiled (never run) by `make test` against the published declarations in npm/dist: what a
// frontend developer's editor and build would accept or refuse.
import { init, type Batch, type Cx, type ErrorInfo, type Result, type Scores, type Status } from "../../npm/dist/index.js";

export async function accepted(): Promise<void> {
  const cx: Cx = await init({
    endpoint: "https://collect.example.com/v1/batch",
    siteId: "shop",
    redact: ["ORD-\\d{6}"],
    survey: "nps",
    trigger: "delay:20s",
    consent: "pending",
    beforeSend: (batch: Batch) => (batch.reason === "hide" ? batch : null),
  });
  const tracked: Result = cx.track("checkout_started", { plan: "pro" });
  if (!tracked.ok) console.log(tracked.error.code, tracked.error.field);
  const status: Status = cx.status();
  console.log(status.queued, status.consent, status.inFlight, status.failures, status.buffered, status.stored);
  cx.showSurvey("ces");
  cx.showSurvey("checkout_ces", { force: true });
  await init({
    endpoint: "https://collect.example.com/v1/batch",
    siteId: "shop",
    locale: "de-AT",
    debug: true,
    zIndex: 10,
    surveys: [{
      id: "checkout_ces",
      steps: [
        { id: "score", kind: "ces", question: { en: "Easy?", de: "Einfach?" }, low: "No", high: "Yes" },
        { id: "why", kind: "text", question: "What made it hard?", when: { step: "score", max: 4 } },
        { id: "reason", kind: "choice", question: "Why?", options: ["Price", { en: "Delivery", de: "Lieferung" }], multiple: true },
      ],
      thankYou: "Thanks",
      trigger: "manual",
      urls: { include: ["/checkout/*"] },
      sample: 50,
      cap: { days: 90, dismissals: 2 },
      placement: { inline: "#feedback" },
    }],
  });
  const reasons: Batch["reason"][] = ["size", "age", "flush", "hide", "retry", "load"];
  console.log(reasons);
  cx.on("response", (r) => console.log(r.value, r.bucket));
  cx.on("response", (r) => {
    const label: "positive" | "neutral" | "negative" | null | undefined = r.label;
    const found: number | undefined = r.redactions?.custom;
    console.log(r.text, r.sentiment, label, r.themes?.join(), found);
  });
  // @ts-expect-error: site patterns are a list of strings, not one RegExp
  void init({ endpoint: "https://c.example/v1/batch", siteId: "shop", redact: /ORD-\d+/ });
  const scores: Scores | null = cx.scores();
  const nps: number | null | undefined = scores?.nps.score;
  console.log(nps, scores?.csat.percent, scores?.csat.mean, scores?.ces.mean, scores?.ces.percentAgree, scores?.nps.responses);
  const flushed = await cx.flush();
  if (flushed.ok) console.log(flushed.sent);
}

export async function refused(): Promise<void> {
  // @ts-expect-error: a misspelt option is a type error, not a silent no-op
  await init({ endpoint: "https://collect.example.com/v1/batch", sitId: "shop" });
  // @ts-expect-error: the shorthand names a built-in survey: nps, csat, ces or text
  await init({ endpoint: "https://c.example.com/v1/batch", siteId: "shop", survey: "poll", trigger: "delay:2s" });
  // @ts-expect-error: a step kind is nps, csat, ces, text or choice
  await init({ endpoint: "https://c.example.com/v1/batch", siteId: "shop", surveys: [{ id: "s", steps: [{ id: "a", kind: "slider" }] }] });
  // @ts-expect-error: a choice step needs its options
  await init({ endpoint: "https://c.example.com/v1/batch", siteId: "shop", surveys: [{ id: "s", steps: [{ id: "a", kind: "choice", question: "?" }] }] });
  // @ts-expect-error: a placement is a corner, the centre or inline
  await init({ endpoint: "https://c.example.com/v1/batch", siteId: "shop", surveys: [{ id: "s", steps: [{ id: "a", kind: "nps" }], placement: "top" }] });
  // @ts-expect-error: an error code is one the core and the shell report
  const code: ErrorInfo["code"] = "oops";
  console.log(code);
  const scores = (await init({ endpoint: "https://c.example.com/v1/batch", siteId: "shop" })).scores();
  // @ts-expect-error: the browser's CES is camelCase, as the rest of the API (percent_agree is /v1/stats')
  console.log(scores?.ces.percent_agree);
  // @ts-expect-error: consent has three states
  await init({ endpoint: "https://c.example.com/v1/batch", siteId: "shop", consent: "maybe" });
}

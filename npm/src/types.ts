/** Public types of cxkit. The unions and the core's part of {@link Status} are generated from
 * the Rust that owns them (`contract.ts`). */
import type * as contract from "./contract.js";

/** A survey's id: one of the `surveys` option, or a built-in one (decisions.md §4), each
 * documented on its type. */
export type SurveyId = contract.BuiltinSurvey | (string & {});

/** Words a site gives as one string, or by locale (`{ en: "…", de: "…" }`; the first is the
 * fallback). */
export type Localized = string | Record<string, string>;

/** When a step comes next: a condition on an earlier step's answer (the first step whose
 * condition holds comes next; a step without one always does). */
export type When =
  | { step: string; min?: number; max?: number }
  | { step: string; bucket: "promoter" | "passive" | "detractor" }
  | { step: string; satisfied: boolean }
  | { step: string; option: string };

/** One step of a survey. A scale step without `question`, `low` or `high` takes the built-in
 * words in the visitor's language. */
export type SurveyStep = { id: string; question?: Localized; when?: When } & (
  | { kind: contract.BuiltinSurvey; low?: Localized; high?: Localized }
  | { kind: "choice"; options: Localized[]; multiple?: boolean }
);

/** A survey of the `surveys` option (README, "Surveys"). */
export interface SurveyConfig {
  /** `showSurvey(id)`; the `survey` of its events. A built-in id replaces that survey. */
  id: string;
  /** 1–10 steps. Each answered step is a `$response` of its own, linked by `run_id`. */
  steps: SurveyStep[];
  /** The note after the last step. */
  thankYou?: Localized;
  /** When it shows by itself (as {@link Options.trigger}), or `manual` (default): only by `showSurvey`. */
  trigger?: Options["trigger"] | "manual";
  /** Path globs (`*`: any run): one of `include` must match (all pages when absent), none of `exclude`. */
  urls?: { include?: string[]; exclude?: string[] };
  /** Percent of visitors who may see it, 0–100 (default 100), the same for a visitor on every visit. */
  sample?: number;
  /** Answered: away `days` (absent: never again); dismissed `dismissals` times (default 3): never again. */
  cap?: { days?: number; dismissals?: number };
  /** Where it shows (default `bottom-right`); only `center` is modal and takes focus. */
  placement?: "bottom-right" | "bottom-left" | "center" | { inline: string };
}

/**
 * The visitor's consent. `granted`: track and send. `pending`: hold events in memory, send
 * nothing, show no automatic survey. `denied`: keep and send nothing. Global Privacy Control
 * and Do-Not-Track count as `denied` until the site calls `consent("granted")`.
 */
export type ConsentState = contract.ConsentState;

/** Options for {@link init} and, kebab-cased as `data-*` attributes, for the script tag. */
export interface Options {
  /** Where batches are posted: an absolute https URL (http only on localhost / 127.0.0.1). */
  endpoint: string;
  /** Your site's id: 1–64 of `A–Z a–z 0–9 _ -`. */
  siteId: string;
  /** Shorthand for one built-in survey that {@link Options.trigger} shows. */
  survey?: contract.BuiltinSurvey;
  /**
   * When that survey shows by itself, once per page load (decisions §29): `delay:20s` after init,
   * `time:20s` visible on this page, `scroll:50` (25/50/75/100 % depth), `exit` (pointer out
   * through the top), `event:NAME` (`track("NAME")`), `step:NAME` (a journey step), or
   * `friction:rage|dead|error`. All but `delay` need the tracker running (see `countBots`).
   */
  trigger?:
    | `${"delay" | "time"}:${number}${"s" | "ms"}`
    | `scroll:${25 | 50 | 75 | 100}`
    | "exit"
    | `${"event" | "step"}:${string}`
    | `friction:${"rage" | "dead" | "error"}`;
  /** Longest an event waits before a send, in ms (50–60000; default 5000). */
  maxBatchAgeMs?: number;
  /** Consent at start (default `granted`); use `pending` if your site asks first. */
  consent?: ConsentState;
  /** Throw a {@link CxError} on misuse instead of returning `{ ok: false }`. Advised in development. */
  strict?: boolean;
  /**
   * Extra request headers (≤ 20), e.g. an API key your collector checks. Any header makes
   * each send a CORS request with a preflight, so your collector must answer `OPTIONS` and
   * allow them; a page that is leaving may not get its last batch out, which then goes from
   * storage at the next visit.
   */
  headers?: Record<string, string>;
  /**
   * Which touchpoints are captured without code (docs/tracker.md). All on by default except
   * `allClicks` (every link and button, not only `data-cx` elements) and `trackHash` (a
   * fragment change alone is a page view).
   */
  capture?: Partial<Record<(typeof contract.CAPTURE_SWITCHES)[number], boolean>>;
  /** Query parameters a captured URL keeps (default: the five `utm_*` tags); all others,
   * and every fragment, are dropped before anything is queued. */
  queryParams?: string[];
  /** The site's own patterns of personal data (at most 20, each at most 200 characters), run as
   * JavaScript `RegExp`s (flags `gu`) on a survey's text answer before cxkit's own scanners: each
   * match becomes `[custom]`, counted in `redactions.custom`. A pattern the browser cannot
   * compile is one console error naming `redact[i]`, and off. */
  redact?: string[];
  /** Frustration thresholds (decisions.md §22–23; the defaults are 3 clicks, 1000 ms, 30 px,
   * 1000 ms, 1000 ms). */
  frustration?: { rageClicks?: number; rageMs?: number; ragePx?: number; deadMs?: number; errorMs?: number };
  /** The journey corridor, in order; the last step is the goal. A `url` path glob (`*`: any
   * run of characters) marks its step when a page view matches. */
  journey?: Array<{ step: string; url?: string }>;
  /** The session score's penalties, by signal kind (docs/tracker.md, "Session score"). */
  score?: Partial<Record<string, { points?: number; cap?: number }>>;
  /** Capture and score known bots and automated browsers too (tests; default false). */
  countBots?: boolean;
  /** Your surveys: steps, branching, triggers, targeting, caps, placement. A survey with a
   * bad field is off alone, with one console error naming the field. */
  surveys?: SurveyConfig[];
  /** The widget's language, a BCP 47 tag (default `navigator.language`): en, de, fr, es, it,
   * pt, nl, pl, ja, zh, ar, he; others fall back to English. */
  locale?: string;
  /** The CSP nonce for the widget's `<style>` where a browser lacks constructable style sheets. */
  nonce?: string;
  /** The widget's z-index (default 2147483000). */
  zIndex?: number;
  /** Log one line per survey decision: why a survey showed or not. */
  debug?: boolean;
  /**
   * Sees each batch before it is sent and returns it (edited or not), or `null` to drop it:
   * e.g. to strip a property. A hook that throws is logged once and the batch goes unchanged.
   */
  beforeSend?: (batch: Batch) => Batch | null;
}

/** A batch as sent: wire format v1 (schema/batch.schema.json). Each event is
 * `[stream, seq, dt, name, keys, ...values]`, indexing `streams`, `names` and `keys`. */
export interface Batch {
  v: 1;
  site: string;
  reason: contract.SendReason;
  sent: number;
  t: number;
  streams: string[];
  names: string[];
  keys: string[][];
  events: unknown[][];
}

/** Event properties: JSON values, at most {@link contract.MAX_PROPS} keys, nested at most
 * {@link contract.MAX_DEPTH} deep, strings of at most {@link contract.MAX_STRING_CHARS} characters. */
export type Props = Record<string, unknown>;

/** What went wrong, and where. */
export interface ErrorInfo {
  /** The kind of refusal; each code is documented on its type. */
  code: contract.ErrorCode;
  /** The option or argument at fault (`siteId`, `props.plan`), or `""`. */
  field: string;
  /** `field: rule`, readable as is. */
  message: string;
}

/**
 * The outcome of a call. No method throws by default: a bad call returns `{ ok: false, error }`,
 * logs one console error per kind and queues nothing. With `strict: true` it throws a
 * {@link CxError} instead.
 */
export type Result<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorInfo };

/** The error thrown in strict mode. */
export class CxError extends Error {
  readonly code: contract.ErrorCode;
  readonly field: string;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = "CxError";
    this.code = info.code;
    this.field = info.field;
  }
}

/** One signal's part in the session score: how often it happened and the points it cost. */
export interface ScoreReason {
  /** The signal: `rage`, `dead`, `error_click`, `error`, `vital_poor`, `vital_needs_improvement`, `form_abandon` (docs/tracker.md). */
  kind: string;
  count: number;
  points: number;
}

/** The live local scores of `cx.scores()`, computed on the device by the core. */
export interface Scores {
  /** The session experience score, 0–100 (100 − the points lost, capped per signal), and
   * what it lost, most points first. A drop-out is known only when the session ends, at the
   * collector, so it is never among the reasons here. */
  session: { score: number; reasons: ScoreReason[] };
  /** The journey so far: the furthest corridor step reached, and whether it was the goal. */
  journey: { furthest: string | null; goal: boolean };
  /** The NPS of the answers this browser gave to the site (kept across page loads where
   * consent is granted). */
  nps: NpsScore;
  /** The CSAT of this browser's answers. */
  csat: CsatScore;
  /** The CES of this browser's answers. */
  ces: CesScore;
}

/**
 * Net Promoter Score of a set of 0–10 answers: promoters 9–10, passives 7–8, detractors 0–6.
 * Scores have one decimal, rounded half away from zero, and are `null` without answers
 * (decisions.md §21); the collector's `/v1/stats` computes them with the same Rust code.
 */
export interface NpsScore {
  /** % promoters − % detractors, −100 to 100; `null` without answers. */
  score: number | null;
  /** Answers counted. */
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** Customer satisfaction of a set of 1–5 answers (one decimal; `null` without answers). */
export interface CsatScore {
  /** % of answers that are 4 or 5 (top-2-box), 0–100. */
  percent: number | null;
  /** The mean answer, 1–5. */
  mean: number | null;
  /** Answers counted. */
  responses: number;
  /** Answers 4 and 5. */
  satisfied: number;
}

/** Customer effort of a set of 1–7 answers ("it was easy"; one decimal; `null` without answers). */
export interface CesScore {
  /** The mean answer, 1–7. */
  mean: number | null;
  /** % of answers that agree, 5–7, 0–100 (`percent_agree` in `/v1/stats`). */
  percentAgree: number | null;
  /** Answers counted. */
  responses: number;
  /** Answers 5–7. */
  agree: number;
}

/** One answered step of a survey, scored, as passed to `on("response", …)`. */
export interface SurveyResponse {
  survey: SurveyId;
  /** The survey run it belongs to: every step answered in one showing shares it. */
  run_id: string;
  /** The step's id (a built-in survey's one step has the survey's id). */
  question: string;
  /** What the step asked. */
  kind: contract.BuiltinSurvey | "choice";
  /** The score on the step's scale (NPS 0–10, CSAT 1–5, CES 1–7). */
  value?: number;
  /** A choice step's chosen options, in their first-language words. */
  choice?: string[];
  /** A text step's answer as it left the device: control characters dropped, cut to 2,000
   * characters, e-mail addresses, IBANs, card and phone numbers, runs of 20+ digits and the
   * site's `redact` patterns replaced by `[email]`, `[iban]`, `[card]`, `[phone]`, `[digits]`,
   * `[custom]`. */
  text?: string;
  /** A text step: how many spans of each kind were replaced (only the kinds found; `{}` when none). */
  redactions?: Partial<Record<"email" | "iban" | "card" | "phone" | "digits" | "custom", number>>;
  /** A text step: how the redacted text feels, −1…+1 with two decimals; `null` when its
   * language has no lexicon (English and German have one) or it could not be fetched. */
  sentiment?: number | null;
  /** A text step: the sentiment's label (±0.05 apart from neutral); `null` with `sentiment`. */
  label?: "positive" | "neutral" | "negative" | null;
  /** A text step: what it is about, at most five terms or two-word phrases, stop words left
   * out; `[]` without a lexicon. */
  themes?: string[];
  /** NPS only: the answer's group. */
  bucket?: "promoter" | "passive" | "detractor";
  /** The page path it was given on. */
  path: string;
  /** The session id (as on the session's touchpoints), when the tracker runs. */
  sid?: string;
  /** The furthest journey step reached in the session, when any. */
  step?: string;
  /** The session score (0–100) when it was given, as `scores().session.score`, when the tracker runs. */
  score?: number;
  /** The language the survey was shown in. */
  locale: string;
  /** The friction that showed the survey, when a `friction:` trigger did: its kind and the
   * clicked element's descriptor. */
  trigger?: { kind: "rage" | "dead" | "error"; tag?: string; id?: string; cx?: string; text?: string };
}

/** Queue counts, for dashboards and tests: the core's, as Rust lists them, and the shell's. */
export interface Status extends contract.CoreStatus {
  /** Tracked, not yet handed to the queue. */
  buffered: number;
}

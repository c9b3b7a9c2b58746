// Generated from crates/domain/src/contract.rs by `make gen`: do not edit. Each item is owned
// by the Rust file its comment names; change it there and run `make gen`. `make test` fails
// while this file differs from what the Rust says.

/**
 * Longest event name.
 *
 * Owned by `crates/domain/src/event.rs`.
 */
export const MAX_NAME_CHARS = 100;

/**
 * Most properties on one event.
 *
 * Owned by `crates/domain/src/event.rs`.
 */
export const MAX_PROPS = 50;

/**
 * Deepest nesting of containers, the properties object counting as the first.
 *
 * Owned by `crates/domain/src/event.rs`.
 */
export const MAX_DEPTH = 5;

/**
 * Longest string (in Unicode scalar values), keys included.
 *
 * Owned by `crates/domain/src/event.rs`.
 */
export const MAX_STRING_CHARS = 1_000;

/**
 * Names starting with this are cxkit's own (`$response`); `track()` may not use them.
 *
 * Owned by `crates/domain/src/event.rs`.
 */
export const RESERVED_PREFIX = "$";

/**
 * Whether `c` may not appear in an event name: a control character (C0, DEL, C1), invisible
 * in a dashboard and able to break the lines of a log.
 *
 * Owned by `crates/domain/src/event.rs`.
 */
export const FORBIDDEN_IN_NAME = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The options that take a number: the script tag turns the text of their `data-*` attribute into that.
 *
 * Owned by `crates/domain/src/config.rs`.
 */
export const NUMBER_OPTIONS = ["zIndex", "maxBatchAgeMs"] as const;

/**
 * The options that take `true` or `false`: the script tag turns the text of their `data-*` attribute into that.
 *
 * Owned by `crates/domain/src/config.rs`.
 */
export const BOOLEAN_OPTIONS = ["debug", "strict", "countBots"] as const;

/**
 * One touchpoint switch of `capture: { … }`.
 *
 * Owned by `crates/domain/src/capture/options.rs`.
 */
export const CAPTURE_SWITCHES = ["pageViews", "clicks", "allClicks", "forms", "scroll", "errors", "vitals", "trackHash"] as const;

/**
 * The step of scroll depth milestones, in %: a page view reports 25, 50, 75 and 100 % once
 * each, the first time the bottom of the viewport reaches them. The shell's scroll capture
 * counts in these steps (`contract.ts`), the tracker and `scroll:` triggers accept only them.
 *
 * Owned by `crates/domain/src/capture/mod.rs`.
 */
export const SCROLL_STEP_PERCENT = 25;

/**
 * A guard on events per request; bytes and age are the usual triggers (decisions.md §12).
 *
 * Owned by `crates/domain/src/queue.rs`.
 */
export const MAX_BATCH_EVENTS = 500;

/**
 * The longest wait a `Retry-After` can impose: 1 hour.
 *
 * Owned by `crates/domain/src/retry.rs`.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The built-in surveys (decisions.md §4): `showSurvey("nps")` and friends, and the kinds of
 * score a step asks for.
 *
 * - `nps`: Net Promoter Score: 0–10.
 * - `csat`: Customer satisfaction: 1–5.
 * - `ces`: Customer effort ("made it easy"): 1–7.
 * - `text`: A free-text question.
 *
 * Owned by `crates/domain/src/survey/mod.rs`.
 */
export type BuiltinSurvey = "nps" | "csat" | "ces" | "text";

/**
 * The visitor's consent, as the site reports it.
 *
 * - `granted`: Track, store and send; automatic surveys may show.
 * - `pending`: Hold events in memory only and send nothing; no automatic surveys. Answers to a survey the site shows itself are held too, and sent if consent is granted.
 * - `denied`: Nothing kept, stored or sent; no surveys.
 *
 * Owned by `crates/domain/src/consent.rs`.
 */
export type ConsentState = "granted" | "pending" | "denied";

/**
 * Why a batch was sent (decisions.md §11).
 *
 * - `size`: The pending bytes or count reached a cap.
 * - `age`: The oldest pending event reached the age limit.
 * - `flush`: `flush()`, or an answer that goes at once.
 * - `hide`: The page was hidden or left.
 * - `retry`: A failed send, tried again.
 * - `load`: Events left by an earlier page load.
 *
 * Owned by `crates/domain/src/batch.rs`.
 */
export type SendReason = "size" | "age" | "flush" | "hide" | "retry" | "load";

/**
 * The kind of refusal: `ErrorInfo.code` in the JS API.
 *
 * - `config`: An option broke a rule at `init` (or in the script tag): the instance stays off.
 * - `invalid_event`: A `track()` call broke an event limit: nothing was queued.
 * - `invalid_survey`: `showSurvey` named a survey that does not show, or the survey could not be shown.
 * - `consent`: The visitor's consent does not allow what was asked, or `consent()` got a state that does not exist: "not allowed" rather than "wrong", so a site can tell the two apart.
 * - `not_running`: cxkit is not running: it could not start, was shut down, or too many calls wait for it.
 * - `delivery`: A send did not reach the collector or was refused; its events stay queued.
 *
 * Owned by `crates/domain/src/error.rs`.
 */
export type ErrorCode = "config" | "invalid_event" | "invalid_survey" | "consent" | "not_running" | "delivery";

/**
 * What the core reports for `cx.status()`: the visitor's consent and the counts of the queue
 * and of what is stored. The keys are listed once, here: the core fills a plain object with
 * them and the shell's `CoreStatus` type is generated from them (`npm/src/contract.ts`).
 *
 * Owned by `crates/domain/src/status.rs`.
 */
export interface CoreStatus {
  /** The visitor's consent now: the key of the first entry. */
  consent: ConsentState;
  /** In the queue, waiting for a send. */
  queued: number;
  /** In the send under way. */
  inFlight: number;
  /** Refused at intake (bad events that slipped past the call-time checks). */
  rejected: number;
  /** Refused by the collector alone while the rest of their batch was accepted. */
  dropped: number;
  /** Evicted by the memory caps, oldest touchpoints first. */
  evicted: number;
  /** Failed sends in a row: above 0, cxkit is backing off and keeps every event. */
  failures: number;
  /** Stored in localStorage, so a reload, a crash or a closed tab loses none of them. */
  stored: number;
  /** Left in memory only by the stored cap. */
  unstored: number;
}

//! The core module's `#[wasm_bindgen]` surface, and nothing else: one class, `Core`, that the npm wrapper
//! (`npm/src/cx.ts`, `npm/src/delivery.ts`, `npm/src/store.ts`) drives, and the typed values
//! it hands back as plain objects: a `Step` of delivery, the counts of `cx.status()`, a
//! `CoreError` for a refused call. Crossed
//! per task, per send or per cold call, never per event, and never asynchronously.

use alloc::string::String;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use cxkit_domain::batch::SendReason;
use cxkit_domain::delivery::deadline::Timer;
use cxkit_domain::delivery::lease::RENEW_MS;
use cxkit_domain::delivery::{self, Now};
use cxkit_domain::error::CallError;
use cxkit_domain::json::{write_integer, write_string};
use cxkit_domain::score::Tenths;
use cxkit_domain::status::{Count, CONSENT_KEY};
use cxkit_domain::survey::PROTOCOL;

use crate::instance::{Instance, StoreIo};

#[wasm_bindgen(typescript_custom_section)]
const STORE_IO: &str = r#"
/** The shell's localStorage calls, each in its own try/catch: the core decides every key. */
export interface StoreIo {
  /** Every key that starts with `prefix`; none when storage cannot be read. */
  keys(prefix: string): string[];
  /** The value of `key`, if any. */
  get(key: string): string | undefined;
  /** Writes `key`; false when it threw (the quota, storage blocked). */
  set(key: string, value: string): boolean;
  /** Removes `key`. */
  remove(key: string): void;
}"#;

/// What happened in the page, besides a chunk, a round and an answer.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum Input {
    /// The browser is back online: a round goes if the wait was for the network.
    Online,
    /// The adoption Web Lock is held: take in what page loads that are gone left stored.
    Adopt,
    /// The lease renewal timer fired.
    Renew,
    /// `pagehide`: the leases go, so the next page load may adopt what is left.
    PageHide,
    /// `pageshow` (back from the back/forward cache): the leases again.
    PageShow,
}

#[wasm_bindgen]
extern "C" {
    /// What a call hands back: a plain object, typed by the interfaces below. Plain fields
    /// rather than a class with a getter per field: measured, the getters cost the module
    /// more than the whole persisted-queue policy.
    #[wasm_bindgen(typescript_type = "Step")]
    pub type JsStep;

    /// The core's part of `cx.status()`: the consent and every `cxkit_domain::status::Count`,
    /// by key (the shell's `CoreStatus`, generated from the same list).
    #[wasm_bindgen(typescript_type = "Record<string, string | number>")]
    pub type JsStatus;

    /// What a refused call throws (the interface `CoreError` below).
    #[wasm_bindgen(typescript_type = "CoreError")]
    #[derive(Debug)]
    pub type JsCoreError;

    /// `Reflect.set`, to fill those objects; it cannot throw on a plain object.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn set_field(target: &js_sys::Object, key: &str, value: &JsValue) -> bool;
}

#[wasm_bindgen(typescript_custom_section)]
const STEP: &str = r#"
/** What the shell is to do after a call; the storage calls were made already. */
export interface Step {
  /** Post this batch body now, then report the answer with `settle`. */
  body?: string;
  /** Post it with `keepalive`, as plain text (the page may be leaving); else gzip it. */
  keepalive?: boolean;
  /** Start a send round now, for this reason (a `SendReason` id). */
  send?: string;
  /** Clear the send timer and set it to start a round for `timerReason` in this many ms. */
  timer?: number;
  /** The reason of the round the timer starts (a `SendReason` id). */
  timerReason?: string;
  /** Clear the send timer. */
  disarm?: boolean;
  /** Report `Input.Renew` in this many ms: leases are held. */
  renew?: number;
  /** Events the answer acknowledged. */
  acknowledged?: number;
  /** The round ended without sending everything due, because of this status (0: no answer). */
  failed?: number;
  /** Call `take` again in this many ms, even with nothing new: the tracker decides then. */
  due?: number;
}

/** What the core throws when it refuses a call: `ErrorInfo`'s fields, each as it is, so the
 * shell never splits a message to find the field. */
export interface CoreError {
  /** An `ErrorCode` id. */
  code: string;
  /** The option or argument at fault, or `""`. */
  field: string;
  /** `field: rule`, readable as is. */
  message: string;
}"#;

/// Appends `,"name":{…}` to a `scores()` text: each score with one decimal (`null` when
/// empty, decisions.md §21), then each count.
fn write_tally(out: &mut String, name: &str, scores: &[(&str, Option<Tenths>)], counts: &[(&str, u64)]) {
    out.push_str(",\"");
    out.push_str(name);
    out.push_str("\":{");
    for (i, (key, score)) in scores.iter().enumerate() {
        out.push_str(if i == 0 { "\"" } else { ",\"" });
        out.push_str(key);
        out.push_str("\":");
        Tenths::write_or_null(*score, out);
    }
    for (key, count) in counts {
        out.push_str(",\"");
        out.push_str(key);
        out.push_str("\":");
        write_integer(*count as i64, out);
    }
    out.push('}');
}

/// A plain JS object, filled field by field.
struct Fields(js_sys::Object);

impl Fields {
    fn new() -> Fields {
        Fields(js_sys::Object::new())
    }

    fn set(&self, key: &str, value: JsValue) {
        set_field(&self.0, key, &value);
    }

    fn done<T: JsCast>(self) -> T {
        self.0.unchecked_into()
    }
}

/// A step as the shell reads it, with when the tracker is next due (ms): only the fields that
/// say something are set.
fn step_due(step: delivery::Step, due: Option<f64>) -> JsStep {
    let fields = Fields::new();
    if let Some(due) = due {
        fields.set("due", JsValue::from(due));
    }
    if let Some(body) = step.body {
        fields.set("body", JsValue::from(body));
    }
    if step.keepalive {
        fields.set("keepalive", JsValue::TRUE);
    }
    if let Some(send) = step.send {
        fields.set("send", JsValue::from_str(send.id()));
    }
    match step.timer {
        Timer::Arm { ms, reason } => {
            fields.set("timer", JsValue::from(ms));
            fields.set("timerReason", JsValue::from_str(reason.id()));
        }
        Timer::Disarm => fields.set("disarm", JsValue::TRUE),
        Timer::Keep => {}
    }
    if step.writes.renew {
        fields.set("renew", JsValue::from(RENEW_MS));
    }
    if step.acknowledged > 0 {
        fields.set("acknowledged", JsValue::from(step.acknowledged as u32));
    }
    if let Some(status) = step.failed {
        fields.set("failed", JsValue::from(status));
    }
    fields.done()
}

/// A step of delivery alone.
fn step(step: delivery::Step) -> JsStep {
    step_due(step, None)
}

/// A refused call, as the plain object the shell reads (`CoreError`).
fn thrown(error: CallError) -> JsCoreError {
    let fields = Fields::new();
    fields.set("code", JsValue::from_str(error.code.id()));
    fields.set("field", JsValue::from_str(&error.field));
    fields.set("message", JsValue::from_str(&error.message));
    fields.done()
}

/// A send reason from the shell: a `SendReason` id (`npm/src/contract.ts`); the shell only
/// passes those, and anything else counts as a flush.
fn reason(id: &str) -> SendReason {
    SendReason::from_id(id).unwrap_or(SendReason::Flush)
}

/// `now` from the shell: `performance.now()` and `Date.now()`.
fn now(mono: f64, wall: f64) -> Now {
    Now { mono, wall: wall as i64 }
}

/// A running cxkit instance, as seen from JavaScript.
#[wasm_bindgen]
pub struct Core {
    instance: Instance,
}

#[wasm_bindgen]
impl Core {
    /// Validates `config` (JSON text) and starts. `on_survey` gets a survey id when its trigger
    /// fires, for a friction trigger the signal as JSON, and, when it may not show, why (the
    /// shell loads the survey module, or logs the reason under `debug`); `browser_opt_out` is true under Global
    /// Privacy Control or Do-Not-Track "1"; `automated` in a known bot or a browser driven by
    /// automation (`navigator.webdriver`); `store` makes the storage calls. Throws a
    /// `CoreError` for a bad config.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: &str,
        on_survey: js_sys::Function,
        browser_opt_out: bool,
        automated: bool,
        store: StoreIo,
    ) -> Result<Core, JsCoreError> {
        Instance::start(config, on_survey, browser_opt_out, automated, store)
            .map(|instance| Core { instance })
            .map_err(thrown)
    }

    /// The touchpoints the shell captures: bit `1 << n` for the n-th switch of
    /// `CAPTURE_SWITCHES`; 0 when nothing is captured.
    #[wasm_bindgen(js_name = captureSwitches)]
    pub fn capture_switches(&self) -> u8 {
        self.instance.capture_switches()
    }

    /// How long after a click the shell watches for its effects, in ms: the dead-click window.
    #[wasm_bindgen(js_name = effectMs)]
    pub fn effect_ms(&self) -> u32 {
        self.instance.effect_ms()
    }

    /// Records journey step `name` (`cx.step`). Throws a `CoreError` for a bad name.
    pub fn step(&self, name: &str, mono: f64, wall: f64) -> Result<JsStep, JsCoreError> {
        let now = now(mono, wall);
        let done = self.instance.journey_step(name, now).map_err(thrown)?;
        Ok(step_due(done, self.instance.capture_due(now)))
    }

    /// The live session score with its reasons, and the journey so far: the JSON text of the
    /// public `Scores` of `npm/src/types.ts`, which documents it (the shell parses it; written
    /// with the JSON writer the module has anyway, it costs less than building the objects).
    pub fn scores(&self) -> js_sys::JsString {
        let (score, furthest, goal, answers) = self.instance.scores();
        let mut out = String::from("{\"session\":{\"score\":");
        write_integer(i64::from(score.score), &mut out);
        out.push_str(",\"reasons\":[");
        for (i, reason) in score.reasons.iter().enumerate() {
            out.push_str(if i == 0 { "{\"kind\":" } else { ",{\"kind\":" });
            write_string(reason.kind.id(), &mut out);
            out.push_str(",\"count\":");
            write_integer(i64::from(reason.count), &mut out);
            out.push_str(",\"points\":");
            write_integer(i64::from(reason.points), &mut out);
            out.push('}');
        }
        out.push_str("]},\"journey\":{\"furthest\":");
        match furthest {
            Some(name) => write_string(&name, &mut out),
            None => out.push_str("null"),
        }
        out.push_str(if goal { ",\"goal\":true}" } else { ",\"goal\":false}" });
        let (nps, csat, ces) = (answers.nps, answers.csat, answers.ces);
        let nps_counts = [
            ("responses", nps.responses()),
            ("promoters", nps.promoters),
            ("passives", nps.passives),
            ("detractors", nps.detractors),
        ];
        write_tally(&mut out, "nps", &[("score", nps.score())], &nps_counts);
        let csat_scores = [("percent", csat.top_percent()), ("mean", csat.mean())];
        write_tally(&mut out, "csat", &csat_scores, &[("responses", csat.responses), ("satisfied", csat.top)]);
        let ces_scores = [("mean", ces.mean()), ("percentAgree", ces.top_percent())];
        write_tally(&mut out, "ces", &ces_scores, &[("responses", ces.responses), ("agree", ces.top)]);
        out.push('}');
        out.as_str().into()
    }

    /// What a survey outcome carries of the session, as JSON object text: `sid`, the furthest
    /// journey `step` and the session `score` now, each only when the tracker has it (`{}`
    /// before a session). The shell spreads it into the `$response` / `$dismiss` it queues.
    pub fn context(&self) -> js_sys::JsString {
        self.instance.context().as_str().into()
    }

    /// Counts an answer this browser gave: survey `id` (`nps`, `csat`, `ces`) and its value.
    /// The shell calls it as it queues the `$response`; `scores()` reports the tallies.
    pub fn answered(&self, id: &str, value: u8) {
        self.instance.answered(id, value);
    }

    /// The version of the contract with the survey module: the shell shows nothing from a
    /// survey module whose `protocol()` differs.
    pub fn protocol() -> u32 {
        PROTOCOL
    }

    /// Takes a chunk of the `track()` buffer — the JSON text of `[[name, props, time], …]` —
    /// and the task's raw capture entries (`[[kind, props, mono], …]`) into the queue,
    /// numbered after the chunks before it, and stores what was accepted. Either may be absent:
    /// the tracker also runs when it is `due`. `mono` is `performance.now()`, `wall` `Date.now()`.
    pub fn take(&self, chunk: Option<String>, captured: Option<String>, mono: f64, wall: f64) -> JsStep {
        let now = now(mono, wall);
        step_due(self.instance.take(chunk, captured, now), self.instance.capture_due(now))
    }

    /// Starts a send round for `reason` (a `SendReason` id), after taking `chunk` (the rest of
    /// the buffer, if any) in: the step posts its first batch, or says why nothing goes.
    pub fn round(&self, reason_id: &str, chunk: Option<String>, mono: f64, wall: f64) -> JsStep {
        step(self.instance.round(reason(reason_id), chunk, now(mono, wall)))
    }

    /// Reports the answer to the post under way: HTTP status (0: no answer), the wait its
    /// `Retry-After` asked for in ms (`undefined`: absent or unreadable), and a random `u32`
    /// for the jitter. The step posts the round's next batch, or ends it.
    pub fn settle(&self, status: u16, retry_after_ms: Option<f64>, random: u32, mono: f64, wall: f64) -> JsStep {
        let asked = retry_after_ms.filter(|ms| *ms >= 0.0).map(|ms| ms as u64);
        step(self.instance.settle(status, asked, random, now(mono, wall)))
    }

    /// Something happened in the page (see [`Input`]), at `mono` (`performance.now()`) and
    /// `wall` (`Date.now()`).
    pub fn input(&self, input: Input, mono: f64, wall: f64) -> JsStep {
        let now = now(mono, wall);
        let instance = &self.instance;
        step(match input {
            Input::Online => instance.online(),
            Input::Adopt => instance.adopt(now),
            Input::Renew => instance.renew(now),
            Input::PageHide => instance.release(),
            Input::PageShow => instance.resume(now),
        })
    }

    /// The name of the Web Lock [`Input::Adopt`] runs under.
    #[wasm_bindgen(js_name = adoptLock)]
    pub fn adopt_lock(&self) -> js_sys::JsString {
        self.instance.adopt_lock().as_str().into()
    }

    /// The visitor's consent now: `granted`, `pending` or `denied`.
    pub fn consent(&self) -> js_sys::JsString {
        self.instance.consent().id().into()
    }

    /// Sets the visitor's consent. Throws a `CoreError` for another value.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, consent: &str) -> Result<(), JsCoreError> {
        self.instance.set_consent(consent).map_err(thrown)
    }

    /// Exercises the intake and encoder once, at idle, so a later burst runs optimised code.
    pub fn warm(&self) {
        self.instance.warm();
    }

    /// Checks whether survey `id` may show now (with `force`, a preview, whatever its URL rule,
    /// sample and caps say): `undefined` when it may, and the shell loads the survey module;
    /// else why not, for the `debug` log. Throws a `CoreError`: `invalid_survey` for an id
    /// neither configured nor built in, `consent` when consent forbids it.
    #[wasm_bindgen(js_name = showSurvey)]
    pub fn show_survey(&self, id: &str, force: bool) -> Result<Option<js_sys::JsString>, JsCoreError> {
        self.instance.show_survey(id, force).map(|skip| skip.map(js_sys::JsString::from)).map_err(thrown)
    }

    /// What the survey module renders for survey `id`: a configured survey's JSON text, or a
    /// built-in survey's id.
    #[wasm_bindgen(js_name = surveySource)]
    pub fn survey_source(&self, id: &str) -> js_sys::JsString {
        self.instance.survey_source(id).as_str().into()
    }

    /// Records what happened to survey `id`: `shown`, `answered` or `dismissed` (a survey left
    /// unanswered when the page goes is dismissed); every tab's caps read it.
    #[wasm_bindgen(js_name = surveySeen)]
    pub fn survey_seen(&self, id: &str, what: &str) {
        self.instance.survey_seen(id, what);
    }

    /// The configured surveys that are off, one `field: rule` per line ("" when none).
    #[wasm_bindgen(js_name = surveyErrors)]
    pub fn survey_errors(&self) -> js_sys::JsString {
        self.instance.survey_errors().as_str().into()
    }

    /// Whether to log one line per survey decision (`debug: true`).
    pub fn debug(&self) -> bool {
        self.instance.debug()
    }

    /// Whether a trigger may show a survey on this page view: the shell prefetches the survey
    /// module at idle.
    #[wasm_bindgen(js_name = surveyArmed)]
    pub fn survey_armed(&self) -> bool {
        self.instance.survey_armed()
    }

    /// The consent and the counts of the queue and of what is stored, keyed as
    /// `cxkit_domain::status` lists them.
    pub fn status(&self) -> JsStatus {
        let status = self.instance.status();
        let fields = Fields::new();
        fields.set(CONSENT_KEY, JsValue::from_str(self.instance.consent().id()));
        for &count in Count::ALL.iter() {
            fields.set(count.key(), JsValue::from(status.count(count) as f64));
        }
        fields.done()
    }

    /// Stops the survey triggers.
    pub fn shutdown(&self) {
        self.instance.shutdown();
    }
}

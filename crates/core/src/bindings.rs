//! The core module's `#[wasm_bindgen]` surface, and nothing else: one class, `Core`, that the npm wrapper
//! (`npm/src/cx.ts`, `npm/src/delivery.ts`, `npm/src/store.ts`) drives, and the typed values
//! it hands back: a [`Step`] of delivery, the [`Status`] counts, the [`Reason`] of a send. Crossed
//! per task, per send or per cold call, never per event, and never asynchronously.

use wasm_bindgen::prelude::*;

use cxkit_domain::batch::SendReason;
use cxkit_domain::delivery::deadline::Timer;
use cxkit_domain::delivery::lease::RENEW_MS;
use cxkit_domain::delivery::{self, Now};
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

/// Why a batch is sent, as on the wire.
#[wasm_bindgen]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The pending bytes or count reached a cap.
    Size,
    /// The oldest pending event reached the age limit.
    Age,
    /// `flush()`, or an answer that goes at once.
    Flush,
    /// The page was hidden or left.
    Hide,
    /// A failed send, tried again.
    Retry,
    /// Events left by an earlier page load.
    Load,
}

const REASONS: [(Reason, SendReason); 6] = [
    (Reason::Size, SendReason::Size),
    (Reason::Age, SendReason::Age),
    (Reason::Flush, SendReason::Flush),
    (Reason::Hide, SendReason::Hide),
    (Reason::Retry, SendReason::Retry),
    (Reason::Load, SendReason::Load),
];

impl From<Reason> for SendReason {
    fn from(reason: Reason) -> SendReason {
        REASONS.iter().find(|(r, _)| *r == reason).map_or(SendReason::Flush, |(_, send)| *send)
    }
}

impl From<SendReason> for Reason {
    fn from(send: SendReason) -> Reason {
        REASONS.iter().find(|(_, s)| *s == send).map_or(Reason::Flush, |(reason, _)| *reason)
    }
}

/// What the shell is to do after a call: post a body, start a round, set or clear the send
/// timer, renew the leases later; and how the round went. The storage calls were made already.
#[wasm_bindgen]
pub struct Step {
    /// Post this batch body now, then report the answer with `settle`.
    #[wasm_bindgen(readonly, getter_with_clone)]
    pub body: Option<String>,
    /// Post it with `keepalive`, as plain text (the page may be leaving); else gzip it.
    #[wasm_bindgen(readonly)]
    pub keepalive: bool,
    /// Start a send round now, for this reason.
    #[wasm_bindgen(readonly)]
    pub send: Option<Reason>,
    /// Clear the send timer and set it to start a round for `timerReason` in this many ms.
    #[wasm_bindgen(readonly)]
    pub timer: Option<f64>,
    /// The reason of the round the timer starts.
    #[wasm_bindgen(readonly, js_name = timerReason)]
    pub timer_reason: Reason,
    /// Clear the send timer.
    #[wasm_bindgen(readonly)]
    pub disarm: bool,
    /// Call `renew` in this many ms: leases are held.
    #[wasm_bindgen(readonly)]
    pub renew: Option<u32>,
    /// Events the answer acknowledged.
    #[wasm_bindgen(readonly)]
    pub acknowledged: u32,
    /// The round ended without sending everything due, because of this status (0: no answer).
    #[wasm_bindgen(readonly)]
    pub failed: Option<u16>,
}

impl From<delivery::Step> for Step {
    fn from(step: delivery::Step) -> Step {
        let (timer, timer_reason) = match step.timer {
            Timer::Arm { ms, reason } => (Some(ms), reason.into()),
            Timer::Keep | Timer::Disarm => (None, Reason::Retry),
        };
        Step {
            body: step.body,
            keepalive: step.keepalive,
            send: step.send.map(Reason::from),
            timer,
            timer_reason,
            disarm: step.timer == Timer::Disarm,
            renew: step.writes.renew.then_some(RENEW_MS),
            acknowledged: step.acknowledged as u32,
            failed: step.failed,
        }
    }
}

/// The counts of `cx.status()` the core keeps.
#[wasm_bindgen]
pub struct Status {
    /// The visitor's consent: `granted`, `pending` or `denied`.
    #[wasm_bindgen(readonly, getter_with_clone)]
    pub consent: String,
    /// In the queue, waiting for a send.
    #[wasm_bindgen(readonly)]
    pub queued: u32,
    /// In the send under way.
    #[wasm_bindgen(readonly, js_name = inFlight)]
    pub in_flight: u32,
    /// Refused at intake.
    #[wasm_bindgen(readonly)]
    pub rejected: u32,
    /// Refused by the collector alone while the rest of their batch was accepted.
    #[wasm_bindgen(readonly)]
    pub dropped: u32,
    /// Evicted by the memory caps.
    #[wasm_bindgen(readonly)]
    pub evicted: u32,
    /// Failed sends in a row.
    #[wasm_bindgen(readonly)]
    pub failures: u32,
    /// Stored in localStorage.
    #[wasm_bindgen(readonly)]
    pub stored: u32,
    /// Left in memory only by the stored cap.
    #[wasm_bindgen(readonly)]
    pub unstored: u32,
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
    /// Validates `config` (JSON text) and starts. `on_survey` gets a survey id when a trigger
    /// shows it (the shell loads the survey module); `browser_opt_out` is true under Global
    /// Privacy Control or Do-Not-Track "1"; `store` makes the storage calls. Throws
    /// `field: rule` for a bad config.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: &str,
        on_survey: js_sys::Function,
        browser_opt_out: bool,
        store: StoreIo,
    ) -> Result<Core, JsValue> {
        Instance::start(config, on_survey, browser_opt_out, store).map(|instance| Core { instance })
    }

    /// The version of the contract with the survey module: the shell shows nothing from a
    /// survey module whose `protocol()` differs.
    pub fn protocol() -> u32 {
        PROTOCOL
    }

    /// Takes a chunk of the `track()` buffer — the JSON text of `[[name, props, time], …]` —
    /// into the queue, numbered after the chunks before it, and stores what was accepted of it.
    /// `mono` is `performance.now()`, `wall` `Date.now()`.
    pub fn take(&self, chunk: &str, mono: f64, wall: f64) -> Step {
        self.instance.take(chunk, now(mono, wall)).into()
    }

    /// Starts a send round for `reason`, after taking `chunk` (the rest of the buffer, if any)
    /// in: the step posts its first batch, or says why nothing goes.
    pub fn round(&self, reason: Reason, chunk: Option<String>, mono: f64, wall: f64) -> Step {
        self.instance.round(reason.into(), chunk, now(mono, wall)).into()
    }

    /// Reports the answer to the post under way: HTTP status (0: no answer), the wait its
    /// `Retry-After` asked for in ms (`undefined`: absent or unreadable), and a random `u32`
    /// for the jitter. The step posts the round's next batch, or ends it.
    pub fn settle(&self, status: u16, retry_after_ms: Option<f64>, random: u32, mono: f64, wall: f64) -> Step {
        let asked = retry_after_ms.filter(|ms| *ms >= 0.0).map(|ms| ms as u64);
        self.instance.settle(status, asked, random, now(mono, wall)).into()
    }

    /// The browser is back online: the step starts a round if the wait was for the network.
    pub fn online(&self) -> Step {
        self.instance.online().into()
    }

    /// Takes in the stored chunks of page loads that are gone (run under the Web Lock named
    /// by `adoptLock`); the step starts a round when there were any.
    pub fn adopt(&self, mono: f64, wall: f64) -> Step {
        self.instance.adopt(now(mono, wall)).into()
    }

    /// The name of the Web Lock adoption runs under.
    #[wasm_bindgen(js_name = adoptLock)]
    pub fn adopt_lock(&self) -> String {
        self.instance.adopt_lock()
    }

    /// The lease renewal timer fired.
    pub fn renew(&self, mono: f64, wall: f64) -> Step {
        self.instance.renew(now(mono, wall)).into()
    }

    /// `pagehide`: the leases go, so the next page load may adopt what is left.
    pub fn release(&self) -> Step {
        self.instance.release().into()
    }

    /// `pageshow` (back from the back/forward cache): the leases again.
    pub fn resume(&self, mono: f64, wall: f64) -> Step {
        self.instance.resume(now(mono, wall)).into()
    }

    /// The visitor's consent now: `granted`, `pending` or `denied`.
    pub fn consent(&self) -> String {
        self.instance.consent().id().into()
    }

    /// Sets the visitor's consent. Throws `consent: rule` for another value.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, consent: &str) -> Result<(), JsValue> {
        self.instance.set_consent(consent)
    }

    /// Exercises the intake and encoder once, at idle, so a later burst runs optimised code.
    pub fn warm(&self) {
        self.instance.warm();
    }

    /// Checks that survey `id` may show now; the shell then loads the survey module. Throws
    /// `survey: rule` for an unknown id, `consent: rule` when consent forbids it.
    #[wasm_bindgen(js_name = showSurvey)]
    pub fn show_survey(&self, id: &str) -> Result<(), JsValue> {
        self.instance.show_survey(id)
    }

    /// Whether a trigger may show a survey on this page view: the shell prefetches the survey
    /// module at idle.
    #[wasm_bindgen(js_name = surveyArmed)]
    pub fn survey_armed(&self) -> bool {
        self.instance.survey_armed()
    }

    /// The counts of the queue and of what is stored.
    pub fn status(&self) -> Status {
        let status = self.instance.status();
        Status {
            consent: status.consent.id().into(),
            queued: status.queued as u32,
            in_flight: status.in_flight as u32,
            rejected: status.rejected,
            dropped: status.dropped as u32,
            evicted: status.evicted as u32,
            failures: status.failures,
            stored: status.stored as u32,
            unstored: status.unstored as u32,
        }
    }

    /// Stops the survey trigger.
    pub fn shutdown(&self) {
        self.instance.shutdown();
    }
}

//! The core module's `#[wasm_bindgen]` surface, and nothing else: one class, `Core`, that the npm wrapper
//! (`npm/src/cx.ts`, `npm/src/delivery.ts`, `npm/src/store.ts`) drives. Crossed per task,
//! per send or per cold call, never per event, and never asynchronously.

use alloc::boxed::Box;
use alloc::string::String;
use wasm_bindgen::prelude::*;

use cxkit_domain::survey::PROTOCOL;

use crate::instance::Instance;

/// A running cxkit instance, as seen from JavaScript.
#[wasm_bindgen]
pub struct Core {
    instance: Instance,
}

#[wasm_bindgen]
impl Core {
    /// Validates `config` (JSON text) and starts. `on_survey` gets a survey id when a trigger
    /// shows it (the shell loads the survey module); `browser_opt_out` is true under Global
    /// Privacy Control or Do-Not-Track "1". Throws `field: rule` for a bad config.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, on_survey: js_sys::Function, browser_opt_out: bool) -> Result<Core, JsValue> {
        Instance::start(config, on_survey, browser_opt_out).map(|instance| Core { instance })
    }

    /// The version of the contract with the survey module: the shell shows nothing from a
    /// survey module whose `protocol()` differs.
    pub fn protocol() -> u32 {
        PROTOCOL
    }

    /// This page load's stream id (22 base64url characters).
    pub fn stream(&self) -> String {
        self.instance.stream()
    }

    /// Takes a chunk of the `track()` buffer — the JSON text of `[[name, props, time], …]`,
    /// as stored — into the queue, entry `i` as event `(stream, firstSeq + i)`. Returns
    /// whether a full batch waits.
    pub fn take(&self, chunk: &str, stream: &str, first_seq: f64) -> bool {
        self.instance.take(chunk, stream, first_seq as u64)
    }

    /// The lowest sequence number of `stream` still queued; -1 when none is.
    pub fn oldest(&self, stream: &str) -> f64 {
        self.instance.oldest(stream).map_or(-1.0, |seq| seq as f64)
    }

    /// The visitor's consent now: `granted`, `pending` or `denied`.
    pub fn consent(&self) -> String {
        self.instance.consent().into()
    }

    /// Sets the visitor's consent. Throws `consent: rule` for another value.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, consent: &str) -> Result<(), JsValue> {
        self.instance.set_consent(consent)
    }

    /// The configured age limit of a pending event, in ms.
    #[wasm_bindgen(js_name = maxBatchAgeMs)]
    pub fn max_batch_age_ms(&self) -> u32 {
        self.instance.max_batch_age_ms()
    }

    /// The body of the next batch of a send round (`reason`: size, age, flush, hide, retry,
    /// load; `first`: the round's first call, which fixes the events due), or `undefined` when
    /// those are sent, a send is under way, or consent forbids sending.
    #[wasm_bindgen(js_name = nextBatch)]
    pub fn next_batch(&self, reason: &str, first: bool) -> Option<String> {
        self.instance.next_batch(reason, first)
    }

    /// Reports the answer to the send under way: HTTP status (0: no answer), the wait its
    /// `Retry-After` asked for in ms (negative: absent or unreadable), and a random `u32` for
    /// the jitter. Returns `[acknowledged, retryInMs]`: the events acknowledged, and how long
    /// to wait before the next send (`-1`: the next may go at once).
    pub fn settle(&self, status: u16, retry_after_ms: f64, random: u32) -> Box<[f64]> {
        let asked = (retry_after_ms >= 0.0).then_some(retry_after_ms as u64);
        let (acknowledged, delay) = self.instance.settle(status, asked, random);
        Box::new([f64::from(acknowledged), delay.map_or(-1.0, |ms| ms as f64)])
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

    /// Queue counts as JSON: `{"consent","queued","inFlight","rejected","dropped","evicted","failures"}`.
    pub fn status(&self) -> String {
        self.instance.status()
    }

    /// Stops the survey trigger.
    pub fn shutdown(&self) {
        self.instance.shutdown();
    }
}

//! One live cxkit instance in a page: the queue, the consent, and when a survey shows.
//!
//! The instance decides, the JS shell acts (sans-IO, as in ureq-proto: buffers in, buffers
//! out). `track()` pushes `[name, props, time]` onto a JS array; once per task the shell
//! stringifies a chunk of it, stores that text, and hands the same text to [`Instance::take`]
//! with the sequence number of its first entry. When the shell wants to send,
//! [`Instance::next_batch`] hands back the body of the next batch; the shell posts it and
//! reports the HTTP status to [`Instance::settle`]. So the hot path never enters wasm, and the
//! network and storage code stay out of the module (docs/architecture.md).

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use cxkit_runtime::Timeout;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use cxkit_domain::batch::{self, SendReason};
use cxkit_domain::config::{Config, ConfigError, ConfigProblem};
use cxkit_domain::consent::Consent;
use cxkit_domain::event;
use cxkit_domain::id;
use cxkit_domain::json::write_integer;
use cxkit_domain::queue::{Queue, MAX_BATCH_BYTES, MAX_BATCH_EVENTS};
use cxkit_domain::retry::{self, Verdict};
use cxkit_domain::survey::{SurveyKind, Trigger};

/// Events in the warm-up buffer: enough work for the engine to optimise the hot functions.
const WARM_EVENTS: i64 = 2_000;

/// A running instance.
pub struct Instance {
    shared: Rc<Shared>,
}

struct Shared {
    config: Config,
    /// Stream ids of the events queued: this page load's first, then those adopted.
    streams: RefCell<Vec<Rc<String>>>,
    /// Called with a survey id when a trigger decides it shows: the shell loads the survey
    /// module and shows it.
    on_survey: js_sys::Function,
    queue: RefCell<Queue>,
    /// Events the send round under way may still take: those waiting when it began.
    due: Cell<usize>,
    consent: Cell<Consent>,
    rejected: Cell<u32>,
    trigger_timer: RefCell<Option<Timeout>>,
}

#[wasm_bindgen]
extern "C" {
    /// The global object, read through a static getter: `web_sys::window()` goes through
    /// `globalThis` detection, which costs four accessors and a type check in the glue, and a
    /// `thread_local_v2` static is a lazy cell with a poisoning panic (docs/panic-free.md).
    #[wasm_bindgen(js_name = globalThis)]
    type Global;

    #[wasm_bindgen(static_method_of = Global, getter)]
    fn crypto() -> web_sys::Crypto;
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn random_stream_id() -> Result<String, JsValue> {
    let mut random = [0u8; 16];
    Global::crypto().get_random_values_with_u8_array(&mut random)?;
    Ok(id::stream_id(random))
}

impl Instance {
    /// Validates `config` (JSON text) and starts an instance that calls `on_survey` with a
    /// survey id when its trigger fires. `browser_opt_out` is true under Global Privacy Control
    /// or Do-Not-Track. The error is `field: rule`.
    pub fn start(config: &str, on_survey: js_sys::Function, browser_opt_out: bool) -> Result<Instance, JsValue> {
        let config = Config::parse(config).map_err(|e| JsValue::from_str(&e.message()))?;
        let trigger = config.trigger();
        let consent = Consent::at_start(config.consent(), browser_opt_out);
        let shared = Rc::new(Shared {
            config,
            streams: RefCell::new(vec![Rc::new(random_stream_id()?)]),
            on_survey,
            queue: RefCell::new(Queue::new()),
            due: Cell::new(0),
            consent: Cell::new(consent),
            rejected: Cell::new(0),
            trigger_timer: RefCell::new(None),
        });
        if let Some(Trigger::Delay { ms }) = trigger {
            let weak = Rc::downgrade(&shared);
            let timer = Timeout::new(ms, move || {
                let Some(shared) = weak.upgrade() else { return };
                if let (Some(kind), true) = (shared.config.survey(), shared.consent.get().allows_automatic_surveys()) {
                    let _ = shared.on_survey.call1(&JsValue::NULL, &JsValue::from_str(kind.id()));
                }
            });
            *shared.trigger_timer.borrow_mut() = Some(timer);
        }
        Ok(Instance { shared })
    }

    /// The configured age limit of a pending event, for the shell's timer.
    pub fn max_batch_age_ms(&self) -> u32 {
        self.shared.config.max_batch_age_ms()
    }

    /// This page load's stream id: the shell numbers its events and names its stored keys
    /// after it.
    pub fn stream(&self) -> String {
        String::clone(&self.shared.own_stream())
    }

    /// Takes a chunk of the buffer (the JSON text of `[[name, props, time], …]`, as stored)
    /// into the queue: entry `i` becomes event `(stream, first_seq + i)`. The stream is this
    /// page load's, or that of an earlier one whose stored chunk is adopted. Entries that break
    /// a rule are counted as rejected. Returns whether a full batch waits.
    pub fn take(&self, chunk: &str, stream: &str, first_seq: u64) -> bool {
        let shared = &self.shared;
        let Some((events, rejected)) = event::read_buffer(chunk).ok().filter(|_| id::is_stream_id(stream)) else {
            shared.rejected.set(shared.rejected.get() + 1);
            return false;
        };
        shared.rejected.set(shared.rejected.get() + rejected.len() as u32);
        if shared.consent.get().keeps_events() {
            let stream = shared.interned(stream);
            let mut queue = shared.queue.borrow_mut();
            for (index, event) in events {
                queue.push(&stream, first_seq + index as u64, event);
            }
        }
        shared.queue.borrow().full()
    }

    /// The lowest sequence number of `stream` still queued, or `None`: the shell removes a
    /// stored chunk once every event in it is below this (acknowledged, dropped or evicted).
    pub fn oldest(&self, stream: &str) -> Option<u64> {
        self.shared.queue.borrow().oldest(stream)
    }

    /// Starts the next send of a round: the batch body, or `None` when the events due are
    /// sent, a send is under way, or consent does not allow sending. The `first` call of a
    /// round fixes what is due: the events waiting then, not those tracked while the round
    /// runs (they wait for their own age limit, so steady traffic makes one request per age
    /// limit, not one per answer).
    pub fn next_batch(&self, reason: &str, first: bool) -> Option<String> {
        let shared = &self.shared;
        if !shared.consent.get().may_send() {
            return None;
        }
        let mut queue = shared.queue.borrow_mut();
        if first {
            shared.due.set(queue.pending_len());
        }
        if !queue.begin_send(MAX_BATCH_BYTES, MAX_BATCH_EVENTS.min(shared.due.get())) {
            return None;
        }
        shared.due.set(shared.due.get().saturating_sub(queue.in_flight().len()));
        let reason = SendReason::from_id(reason).unwrap_or(SendReason::Flush);
        Some(batch::encode(shared.config.site_id(), reason, now_ms(), queue.in_flight()))
    }

    /// The answer to the send under way: its HTTP status (0: no answer), the wait its
    /// `Retry-After` asked for in ms (`None`: absent or unreadable), and a random `u32` for the
    /// jitter. Returns the events acknowledged and, when the next send must wait, how long in
    /// ms (decisions.md §13–14).
    pub fn settle(&self, status: u16, retry_after_ms: Option<u64>, random: u32) -> (u32, Option<u64>) {
        let verdict = retry::classify(status);
        let settlement = self.shared.queue.borrow_mut().settle(verdict);
        let delay = settlement.back_off.map(|attempt| {
            let asked = retry_after_ms.filter(|_| verdict == Verdict::Retry);
            retry::next_delay_ms(retry::backoff_ms(attempt, random), asked)
        });
        (settlement.acknowledged as u32, delay)
    }

    /// Runs the intake and the encoder on a made-up buffer, at idle after load, so the engine
    /// has optimised them before a real burst arrives (V8 starts wasm in its baseline tier).
    pub fn warm(&self) {
        let mut text = String::from("[");
        for i in 0..WARM_EVENTS {
            text.push_str(if i == 0 { "[\"warm\",{\"i\":" } else { ",[\"warm\",{\"i\":" });
            write_integer(i, &mut text);
            text.push_str(",\"s\":\"text\",\"b\":true,\"o\":{\"n\":null}},1700000000000]");
        }
        text.push(']');
        let Ok((events, _)) = event::read_buffer(&text) else { return };
        let stream = self.shared.own_stream();
        let mut queue = Queue::new();
        for (index, event) in events {
            queue.push(&stream, index as u64, event);
        }
        if queue.begin_send(usize::MAX, usize::MAX) {
            let _ = batch::encode(self.shared.config.site_id(), SendReason::Flush, now_ms(), queue.in_flight());
        }
    }

    /// Whether `showSurvey(id)` may show survey `id` now: a known survey, and consent that
    /// keeps the answer (an answer that could not be kept must not be asked for). The shell
    /// then loads the survey module and shows it.
    pub fn show_survey(&self, id: &str) -> Result<(), JsValue> {
        SurveyKind::from_id(id).ok_or_else(|| refused("survey", ConfigProblem::UnknownSurvey))?;
        if !self.shared.consent.get().keeps_events() {
            return Err(JsValue::from_str("consent: denied, so no survey is shown"));
        }
        Ok(())
    }

    /// Whether a trigger may show a survey on this page view: the shell then fetches the
    /// survey module at idle, so the dialog does not wait on the network when it fires.
    pub fn survey_armed(&self) -> bool {
        self.shared.trigger_timer.borrow().is_some() && self.shared.consent.get().allows_automatic_surveys()
    }

    /// The visitor's consent now.
    pub fn consent(&self) -> &'static str {
        self.shared.consent.get().id()
    }

    /// Sets the visitor's consent: `granted`, `pending` or `denied`. Denied forgets every event
    /// (the shell closes an open survey). The error is `consent: rule`.
    pub fn set_consent(&self, id: &str) -> Result<(), JsValue> {
        let consent = Consent::from_id(id).ok_or_else(|| refused("consent", ConfigProblem::UnknownConsent))?;
        let shared = &self.shared;
        shared.consent.set(consent);
        if !consent.keeps_events() {
            shared.queue.borrow_mut().clear();
        }
        Ok(())
    }

    /// `cx.status()` as JSON: the consent, and counts of events in the queue, in flight, refused at intake,
    /// dropped as refused by the collector, evicted by the memory caps, and failed sends in a
    /// row.
    pub fn status(&self) -> String {
        let shared = &self.shared;
        let queue = shared.queue.borrow();
        let mut out = String::from("{\"consent\":\"");
        out.push_str(shared.consent.get().id());
        out.push('"');
        for (key, n) in [
            (",\"queued\":", queue.pending_len()),
            (",\"inFlight\":", queue.in_flight().len()),
            (",\"rejected\":", shared.rejected.get() as usize),
            (",\"dropped\":", queue.dropped() as usize),
            (",\"evicted\":", queue.evicted() as usize),
            (",\"failures\":", queue.failures() as usize),
        ] {
            out.push_str(key);
            write_integer(n as i64, &mut out);
        }
        out.push('}');
        out
    }

    /// Stops the survey trigger.
    pub fn shutdown(&self) {
        self.shared.trigger_timer.borrow_mut().take();
    }
}

/// A call's argument broke an option rule: the same `field: rule` message a bad config gets.
fn refused(field: &str, problem: ConfigProblem) -> JsValue {
    JsValue::from_str(&ConfigError::new(field, problem).message())
}

impl Shared {
    fn own_stream(&self) -> Rc<String> {
        self.streams.borrow().first().cloned().unwrap_or_default()
    }

    /// The one `Rc` for a stream id, so queued events share it.
    fn interned(&self, stream: &str) -> Rc<String> {
        let mut streams = self.streams.borrow_mut();
        if let Some(known) = streams.iter().find(|known| ***known == *stream) {
            return known.clone();
        }
        let stream = Rc::new(String::from(stream));
        streams.push(stream.clone());
        stream
    }
}

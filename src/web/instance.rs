//! One live cxkit instance in a page: the queue, the survey widget and its trigger.
//!
//! The instance decides, the JS shell acts (sans-IO, as in ureq-proto: buffers in, buffers
//! out). `track()` pushes `[name, props, time]` onto a JS array this instance shares; when the
//! shell wants to send, [`Instance::next_batch`] first *drains* that array (one
//! `JSON.stringify` of all of it, one crossing), then hands back the body of the next batch;
//! the shell posts it and reports the HTTP status to [`Instance::settle`]. So the hot path
//! never enters wasm, and the network code stays out of the module (docs/architecture.md).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use super::widget::{self, Outcome, Widget};
use crate::domain::batch::{self, SendReason, Sender};
use crate::domain::config::{Config, ConfigError, ConfigProblem};
use crate::domain::consent::Consent;
use crate::domain::event::{self, Event, Priority};
use crate::domain::id;
use crate::domain::json::{write_integer, Value};
use crate::domain::queue::{Queue, Queued, MAX_BATCH_BYTES, MAX_BATCH_EVENTS};
use crate::domain::retry::{self, Verdict};
use crate::domain::score::nps::NpsBucket;
use crate::domain::survey::{SurveyKind, Trigger};

/// Events in the warm-up buffer: enough work for the engine to optimise the hot functions.
const WARM_EVENTS: i64 = 2_000;

/// A running instance.
pub struct Instance {
    shared: Rc<Shared>,
}

struct Shared {
    config: Config,
    stream: String,
    buffer: js_sys::Array,
    on_outcome: js_sys::Function,
    queue: RefCell<Queue>,
    consent: Cell<Consent>,
    rejected: Cell<u32>,
    trigger_timer: RefCell<Option<Timeout>>,
    widget: RefCell<Option<Widget>>,
}

#[wasm_bindgen]
extern "C" {
    /// The page's `window`. Bound directly: `web_sys::window()` goes through `globalThis`
    /// detection, which costs four accessors and a type check in the glue. cxkit runs only in
    /// pages (it renders a widget), never in workers.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: web_sys::Window;
}

fn window() -> web_sys::Window {
    WINDOW.with(web_sys::Window::clone)
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn random_stream_id() -> Result<String, JsValue> {
    let mut random = [0u8; 16];
    window().crypto()?.get_random_values_with_u8_array(&mut random)?;
    Ok(id::stream_id(random))
}

impl Instance {
    /// Validates `config` (JSON text) and starts an instance that drains `buffer` and calls
    /// `on_outcome` with the JSON of each survey outcome it queues (an answer has a `value`).
    /// `browser_opt_out` is true under Global Privacy Control or Do-Not-Track. The error is
    /// `field: rule`.
    pub fn start(
        config: &str,
        buffer: js_sys::Array,
        on_outcome: js_sys::Function,
        browser_opt_out: bool,
    ) -> Result<Instance, JsValue> {
        let config = Config::parse(config).map_err(|e| JsValue::from_str(&e.message()))?;
        let trigger = config.trigger();
        let consent = Consent::at_start(config.consent(), browser_opt_out);
        let shared = Rc::new(Shared {
            config,
            stream: random_stream_id()?,
            buffer,
            on_outcome,
            queue: RefCell::new(Queue::new()),
            consent: Cell::new(consent),
            rejected: Cell::new(0),
            trigger_timer: RefCell::new(None),
            widget: RefCell::new(None),
        });
        if let Some(Trigger::Delay { ms }) = trigger {
            let weak = Rc::downgrade(&shared);
            let timer = Timeout::new(ms, move || {
                let Some(shared) = weak.upgrade() else { return };
                if let (Some(kind), true) = (shared.config.survey(), shared.consent.get().allows_automatic_surveys()) {
                    let _ = shared.show(kind);
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

    /// The most events in one request: the shell asks for a send each time this many wait.
    pub fn max_batch_events(&self) -> u32 {
        MAX_BATCH_EVENTS as u32
    }

    /// Moves one chunk of the buffer into the queue (while sends wait, so the buffer stays
    /// small and the queue's caps apply).
    pub fn drain(&self) {
        self.shared.drain(u32::MAX);
    }

    /// Drains one chunk of the buffer (at most `max_drain` entries: a send takes what was due
    /// when it began, not what arrives while it runs), then starts the next send: the batch
    /// body, or `None` when nothing waits, a send is already under way, or consent does not
    /// allow sending.
    pub fn next_batch(&self, reason: &str, max_drain: u32) -> Option<String> {
        let shared = &self.shared;
        shared.drain(max_drain);
        if !shared.consent.get().may_send() {
            return None;
        }
        let mut queue = shared.queue.borrow_mut();
        if !queue.begin_send(MAX_BATCH_BYTES, MAX_BATCH_EVENTS) {
            return None;
        }
        let reason = SendReason::from_id(reason).unwrap_or(SendReason::Flush);
        Some(batch::encode(shared.sender(), reason, now_ms(), queue.in_flight()))
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
        let queued: Vec<Queued> =
            events.into_iter().enumerate().map(|(seq, event)| Queued { seq: seq as u64, event }).collect();
        let _ = batch::encode(self.shared.sender(), SendReason::Flush, now_ms(), &queued);
    }

    /// Shows the survey with id `id`, unless one is already on screen. Refused under denied
    /// consent: an answer that could not be kept must not be asked for.
    pub fn show_survey(&self, id: &str) -> Result<(), JsValue> {
        let kind = SurveyKind::from_id(id).ok_or_else(|| refused("survey", ConfigProblem::UnknownSurvey))?;
        if !self.shared.consent.get().keeps_events() {
            return Err(JsValue::from_str("consent: denied, so no survey is shown"));
        }
        self.shared.show(kind)
    }

    /// The visitor's consent now.
    pub fn consent(&self) -> &'static str {
        self.shared.consent.get().id()
    }

    /// Sets the visitor's consent: `granted`, `pending` or `denied`. Denied forgets every event
    /// and closes an open survey. The error is `consent: rule`.
    pub fn set_consent(&self, id: &str) -> Result<(), JsValue> {
        let consent = Consent::from_id(id).ok_or_else(|| refused("consent", ConfigProblem::UnknownConsent))?;
        let shared = &self.shared;
        shared.consent.set(consent);
        if !consent.keeps_events() {
            shared.buffer.set_length(0);
            shared.queue.borrow_mut().clear();
            shared.widget.borrow_mut().take();
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

    /// Removes the widget and the trigger timer.
    pub fn shutdown(&self) {
        self.shared.trigger_timer.borrow_mut().take();
        self.shared.widget.borrow_mut().take();
    }
}

/// A call's argument broke an option rule: the same `field: rule` message a bad config gets.
fn refused(field: &str, problem: ConfigProblem) -> JsValue {
    JsValue::from_str(&ConfigError::new(field, problem).message())
}

impl Shared {
    /// Who sends: this site and this page load's stream.
    fn sender(&self) -> Sender<'_> {
        Sender { site: self.config.site_id(), stream: &self.stream }
    }

    /// Moves the oldest entries of the JS buffer, at most one batch's worth and `limit`, into
    /// the queue: one stringify and one crossing per chunk, so a burst of 10,000 `track()`
    /// calls becomes bounded pieces of work, one per send, never one long task
    /// (decisions.md §38).
    fn drain(&self, limit: u32) {
        let total = self.buffer.length();
        if total == 0 || limit == 0 {
            return;
        }
        if !self.consent.get().keeps_events() {
            self.buffer.set_length(0);
            return;
        }
        let take = total.min(limit).min(MAX_BATCH_EVENTS as u32);
        let chunk = if take == total { self.buffer.clone() } else { self.buffer.slice(0, take) };
        let text = match js_sys::JSON::stringify(&chunk) {
            Ok(text) => String::from(text),
            Err(_) => self.stringify_one_by_one(&chunk),
        };
        self.buffer.copy_within(0, take as i32, total as i32);
        self.buffer.set_length(total - take);
        let Ok((events, rejected)) = event::read_buffer(&text) else { return };
        let mut queue = self.queue.borrow_mut();
        for event in events {
            queue.push(event);
        }
        self.rejected.set(self.rejected.get() + rejected.len() as u32);
    }

    /// The chunk did not stringify (a cycle, a throwing `toJSON`): keep every entry that does,
    /// count the others.
    fn stringify_one_by_one(&self, chunk: &js_sys::Array) -> String {
        let mut text = String::from("[");
        for entry in chunk.iter() {
            match js_sys::JSON::stringify(&entry) {
                Ok(entry) => {
                    if text.len() > 1 {
                        text.push(',');
                    }
                    text.push_str(&String::from(entry));
                }
                Err(_) => self.rejected.set(self.rejected.get() + 1),
            }
        }
        text.push(']');
        text
    }

    fn show(self: &Rc<Self>, kind: SurveyKind) -> Result<(), JsValue> {
        if self.widget.borrow().as_ref().is_some_and(|w| w.host().is_connected()) {
            return Ok(());
        }
        let document = window().document().ok_or_else(|| JsValue::from_str("cxkit needs a document"))?;
        let weak = Rc::downgrade(self);
        let on_outcome = Box::new(move |outcome| {
            if let Some(shared) = weak.upgrade() {
                shared.record(kind, outcome);
            }
        });
        let mounted = widget::mount(&document, kind, on_outcome)?;
        *self.widget.borrow_mut() = Some(mounted);
        Ok(())
    }

    /// Queues the answer (or dismissal) after the touchpoints before it, scored, and tells the
    /// shell, which sends it at once: an answer is the most valuable event cxkit has.
    fn record(&self, kind: SurveyKind, outcome: Outcome) {
        if !self.consent.get().keeps_events() {
            return;
        }
        self.drain(u32::MAX);
        let mut props = vec![("survey".to_owned(), Value::String(kind.id().into()))];
        let name = match outcome {
            Outcome::Answered(score) => {
                let mut text = String::new();
                write_integer(i64::from(score), &mut text);
                props.push(("value".into(), Value::Number(text.into())));
                if kind == SurveyKind::Nps {
                    let bucket = NpsBucket::of(score).map_or("", NpsBucket::id);
                    props.push(("bucket".into(), Value::String(bucket.into())));
                }
                "$response"
            }
            Outcome::Dismissed => "$dismiss",
        };
        let path = window().location().pathname().unwrap_or_default();
        props.push(("path".into(), Value::String(path)));
        let outcome_json = Value::Object(props.clone()).to_json();
        if let Ok(event) = (Event { name: name.into(), time_ms: now_ms(), props, priority: Priority::Answer }).encode()
        {
            self.queue.borrow_mut().push(event);
            let _ = self.on_outcome.call1(&JsValue::NULL, &JsValue::from_str(&outcome_json));
        }
    }
}

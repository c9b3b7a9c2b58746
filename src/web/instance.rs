//! One live cxkit instance in a page: it owns the queue, the timers, the widget and the page
//! lifecycle listeners, and drops them all on shutdown.
//!
//! The hot path never enters wasm (decisions.md, "The hot path"): `track()` pushes
//! `[name, props, time]` onto a JS array that this instance shares, and calls [`Instance::wake`]
//! only when that array goes from empty to one entry. Every send first *drains* the array:
//! one `JSON.stringify` of the whole of it, handed over as one string and validated here.
//!
//! Sends run one after another on a promise chain, so batches leave in sequence order and a
//! failed send puts its events back in front before the next send reads the queue.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::transport;
use super::widget::{self, Outcome, Widget};
use crate::domain::batch::{self, SendReason, Sender};
use crate::domain::config::Config;
use crate::domain::event::{self, Event};
use crate::domain::json::{write_integer, Value};
use crate::domain::queue::{Queue, MAX_BATCH_BYTES, MAX_BATCH_EVENTS};
use crate::domain::score::nps::NpsBucket;
use crate::domain::survey::{SurveyKind, Trigger};
use crate::domain::{id, json};

/// A running instance. Cloning shares it.
pub struct Instance {
    shared: Rc<Shared>,
}

struct Shared {
    config: Config,
    stream: String,
    buffer: js_sys::Array,
    on_response: js_sys::Function,
    queue: RefCell<Queue>,
    rejected: Cell<u32>,
    sends: RefCell<js_sys::Promise>,
    age_timer: RefCell<Option<Timeout>>,
    trigger_timer: RefCell<Option<Timeout>>,
    widget: RefCell<Option<Widget>>,
    lifecycle: RefCell<Vec<EventListener>>,
}

fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| JsValue::from_str("cxkit needs a window"))
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn random_stream_id() -> Result<String, JsValue> {
    let mut random = [0u8; 16];
    window()?.crypto()?.get_random_values_with_u8_array(&mut random)?;
    Ok(id::stream_id(random))
}

impl Instance {
    /// Validates `config` (JSON text) and starts an instance that drains `buffer` and calls
    /// `on_response` with the JSON of each scored answer. The error is `field: rule`.
    pub fn start(config: &str, buffer: js_sys::Array, on_response: js_sys::Function) -> Result<Instance, JsValue> {
        let config = Config::parse(config).map_err(|e| JsValue::from_str(&e.message()))?;
        let trigger = config.trigger();
        let shared = Rc::new(Shared {
            config,
            stream: random_stream_id()?,
            buffer,
            on_response,
            queue: RefCell::new(Queue::new()),
            rejected: Cell::new(0),
            sends: RefCell::new(js_sys::Promise::resolve(&JsValue::UNDEFINED)),
            age_timer: RefCell::new(None),
            trigger_timer: RefCell::new(None),
            widget: RefCell::new(None),
            lifecycle: RefCell::new(Vec::new()),
        });
        shared.listen_for_hide()?;
        if let Some(Trigger::Delay { ms }) = trigger {
            let weak = Rc::downgrade(&shared);
            let timer = Timeout::new(ms, move || {
                let Some(shared) = weak.upgrade() else { return };
                if let Some(kind) = shared.config.survey() {
                    let _ = shared.show(kind);
                }
            });
            *shared.trigger_timer.borrow_mut() = Some(timer);
        }
        Ok(Instance { shared })
    }

    /// The JS buffer went from empty to one event: make sure a send is due within the age limit.
    pub fn wake(&self) {
        self.shared.arm_age_timer();
    }

    /// Sends everything queued now. Resolves with the number of events the collector
    /// acknowledged; rejects with the HTTP status (0: no answer) of a failed send.
    pub fn flush(&self) -> js_sys::Promise {
        self.shared.send(SendReason::Flush, false)
    }

    /// Shows the survey with id `id`, unless one is already on screen.
    pub fn show_survey(&self, id: &str) -> Result<(), JsValue> {
        let kind = SurveyKind::from_id(id).ok_or_else(|| JsValue::from_str("survey: must be one of nps, csat, ces, text"))?;
        self.shared.show(kind)
    }

    /// Counts for `cx.status()`, as JSON: events waiting in JS and in the queue, in flight,
    /// and refused at intake.
    pub fn status(&self) -> String {
        let shared = &self.shared;
        let queue = shared.queue.borrow();
        let mut out = String::from("{\"buffered\":");
        write_integer(i64::from(shared.buffer.length()), &mut out);
        for (key, n) in [
            (",\"queued\":", queue.pending_len()),
            (",\"inFlight\":", queue.in_flight().len()),
            (",\"rejected\":", shared.rejected.get() as usize),
        ] {
            out.push_str(key);
            write_integer(n as i64, &mut out);
        }
        out.push('}');
        out
    }

    /// Sends what is left (keepalive, so it survives the page), then removes every listener,
    /// timer and element of this instance.
    pub fn shutdown(&self) -> js_sys::Promise {
        let last_send = self.shared.send(SendReason::Flush, true);
        self.shared.lifecycle.borrow_mut().clear();
        self.shared.age_timer.borrow_mut().take();
        self.shared.trigger_timer.borrow_mut().take();
        self.shared.widget.borrow_mut().take();
        last_send
    }
}

impl Shared {
    fn listen_for_hide(self: &Rc<Self>) -> Result<(), JsValue> {
        let window = window()?;
        let document = window.document().ok_or_else(|| JsValue::from_str("cxkit needs a document"))?;
        let on_hide = |shared: &Weak<Shared>| {
            let shared = shared.clone();
            move |_: &web_sys::Event| {
                let hidden = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
                if let (true, Some(shared)) = (hidden, shared.upgrade()) {
                    let _ = shared.send(SendReason::Hide, true);
                }
            }
        };
        let weak = Rc::downgrade(self);
        let mut listeners = self.lifecycle.borrow_mut();
        listeners.push(EventListener::new(&document, "visibilitychange", on_hide(&weak)));
        listeners.push(EventListener::new(&window, "pagehide", on_hide(&weak)));
        Ok(())
    }

    fn arm_age_timer(self: &Rc<Self>) {
        let mut timer = self.age_timer.borrow_mut();
        if timer.is_none() {
            let weak = Rc::downgrade(self);
            *timer = Some(Timeout::new(self.config.max_batch_age_ms(), move || {
                if let Some(shared) = weak.upgrade() {
                    shared.age_timer.borrow_mut().take();
                    let _ = shared.send(SendReason::Age, false);
                }
            }));
        }
    }

    /// Moves the JS buffer into the queue: one stringify, one crossing, whatever its length.
    fn drain(&self) {
        if self.buffer.length() == 0 {
            return;
        }
        let text = match js_sys::JSON::stringify(&self.buffer) {
            Ok(text) => String::from(text),
            Err(_) => self.stringify_one_by_one(),
        };
        self.buffer.set_length(0);
        let Ok((events, rejected)) = event::read_buffer(&text) else { return };
        let mut queue = self.queue.borrow_mut();
        let refused = events.into_iter().filter_map(|event| queue.push(event).err()).count() + rejected.len();
        self.rejected.set(self.rejected.get() + refused as u32);
    }

    /// The whole buffer did not stringify (a cycle, a throwing `toJSON`): keep every entry that
    /// does, count the others.
    fn stringify_one_by_one(&self) -> String {
        let mut text = String::from("[");
        for entry in self.buffer.iter() {
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

    /// Queues a send after the ones already under way; returns its promise.
    fn send(self: &Rc<Self>, reason: SendReason, keepalive: bool) -> js_sys::Promise {
        let weak = Rc::downgrade(self);
        let previous = self.sends.borrow().clone();
        let next = future_to_promise(async move {
            let _ = JsFuture::from(previous).await;
            match weak.upgrade() {
                Some(shared) => shared.send_all(reason, keepalive).await,
                None => Ok(JsValue::from(0)),
            }
        });
        // The chain itself must never reject, or one failure would fail every later send; and
        // awaiting `next` here marks its rejection handled, so a failed internal send is not
        // an "Uncaught (in promise)" on the visitor's console.
        let outcome = JsFuture::from(next.clone());
        *self.sends.borrow_mut() = future_to_promise(async move {
            let _ = outcome.await;
            Ok(JsValue::UNDEFINED)
        });
        next
    }

    /// Sends batch after batch until the queue is empty. A failure puts the batch back and
    /// tries again when the age timer fires.
    async fn send_all(self: &Rc<Self>, reason: SendReason, keepalive: bool) -> Result<JsValue, JsValue> {
        self.drain();
        self.age_timer.borrow_mut().take();
        let sender = Sender { site: self.config.site_id(), stream: &self.stream };
        let mut acknowledged = 0u32;
        loop {
            let body = {
                let mut queue = self.queue.borrow_mut();
                if !queue.begin_send(MAX_BATCH_BYTES, MAX_BATCH_EVENTS) {
                    break;
                }
                batch::encode(sender, reason, now_ms(), queue.in_flight())
            };
            let outcome = transport::post(self.config.endpoint(), &body, keepalive).await;
            let mut queue = self.queue.borrow_mut();
            match outcome {
                Ok(status) if (200..300).contains(&status) => {
                    acknowledged += queue.in_flight().len() as u32;
                    queue.acknowledge();
                }
                failed => {
                    queue.fail();
                    drop(queue);
                    self.arm_age_timer();
                    return Err(JsValue::from(failed.unwrap_or(0)));
                }
            }
        }
        Ok(JsValue::from(acknowledged))
    }

    fn show(self: &Rc<Self>, kind: SurveyKind) -> Result<(), JsValue> {
        if self.widget.borrow().as_ref().is_some_and(|w| w.host().is_connected()) {
            return Ok(());
        }
        let document = window()?.document().ok_or_else(|| JsValue::from_str("cxkit needs a document"))?;
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

    /// Queues the answer (or dismissal) after the touchpoints before it, tells the page, and
    /// sends at once: an answer is the most valuable event cxkit has.
    fn record(self: &Rc<Self>, kind: SurveyKind, outcome: Outcome) {
        self.drain();
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
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        props.push(("path".into(), Value::String(path)));
        let answer = json::Value::Object(props.clone()).to_json();
        let queued = self.queue.borrow_mut().push(Event { name: name.into(), time_ms: now_ms(), props });
        if queued.is_ok() && matches!(outcome, Outcome::Answered(_)) {
            let _ = self.on_response.call1(&JsValue::NULL, &JsValue::from_str(&answer));
        }
        let _ = self.send(SendReason::Flush, false);
    }
}

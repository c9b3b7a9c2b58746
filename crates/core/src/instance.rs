//! One live cxkit instance in a page: delivery, consent, and when a survey shows.
//!
//! The instance decides, the JS shell acts (sans-IO, as in ureq-proto: buffers in, buffers
//! out). `track()` pushes `[name, props, time]` onto a JS array; once per task the shell
//! stringifies a chunk of it and hands that text to [`Instance::take`], with the time. Every
//! delivery decision — what to send and when, how to post it, what to store or remove — is the
//! domain's state machine (`cxkit_domain::delivery`); this file feeds it the page's time and
//! storage reads, makes its storage calls through the shell's [`StoreIo`] (a failed one is
//! reported back), and hands the rest of each [`Step`] to the shell. So the hot path never
//! enters wasm, and the network code stays out of the module (docs/architecture.md).

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{RefCell, RefMut};

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use cxkit_domain::batch::{self, SendReason};
use cxkit_domain::capture::tracker::{FreshId, Tracker};
use cxkit_domain::config::{Config, ConfigError, ConfigProblem};
use cxkit_domain::consent::Consent;
use cxkit_domain::delivery::store::{StoredView, Write};
use cxkit_domain::delivery::{Delivery, Now, Status, Step};
use cxkit_domain::error::{CallError, ErrorCode};
use cxkit_domain::event;
use cxkit_domain::id;
use cxkit_domain::json::write_integer;
use cxkit_domain::queue::Queue;
use cxkit_domain::score::answers::Answers;
use cxkit_domain::score::session::SessionScore;
use cxkit_domain::survey::spec::Survey;
use cxkit_domain::survey::target::{Book, Skip};
use cxkit_domain::survey::SurveyKind;

/// Events in the warm-up buffer: enough work for the engine to optimise the hot functions.
const WARM_EVENTS: i64 = 2_000;

#[wasm_bindgen]
extern "C" {
    /// The global object, read through a static getter: `web_sys::window()` goes through
    /// `globalThis` detection, which costs four accessors and a type check in the glue, and a
    /// `thread_local_v2` static is a lazy cell with a poisoning panic (docs/panic-free.md).
    #[wasm_bindgen(js_name = globalThis)]
    type Global;

    #[wasm_bindgen(static_method_of = Global, getter)]
    fn crypto() -> web_sys::Crypto;

    /// `location`, for the path a survey's URL rule reads when it would show: read then, so a
    /// survey whose page the visitor left does not show (issue 16, "SPA-correct").
    #[wasm_bindgen(js_name = location)]
    type PageLocation;

    #[wasm_bindgen(static_method_of = PageLocation, getter)]
    fn pathname() -> String;

    /// The shell's localStorage calls (`npm/src/store.ts`), each in its own try/catch: a key
    /// listing, a read, a write that reports whether it succeeded, a removal.
    #[wasm_bindgen(typescript_type = "StoreIo")]
    pub type StoreIo;

    #[wasm_bindgen(method)]
    fn keys(this: &StoreIo, prefix: &str) -> Vec<String>;

    #[wasm_bindgen(method)]
    fn get(this: &StoreIo, key: &str) -> Option<String>;

    #[wasm_bindgen(method)]
    fn set(this: &StoreIo, key: &str, value: &str) -> bool;

    #[wasm_bindgen(method)]
    fn remove(this: &StoreIo, key: &str);
}

impl StoredView for StoreIo {
    fn keys(&self, prefix: &str) -> Vec<String> {
        StoreIo::keys(self, prefix)
    }

    fn get(&self, key: &str) -> Option<String> {
        StoreIo::get(self, key)
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn random_stream_id() -> Result<String, CallError> {
    let mut random = [0u8; 16];
    Global::crypto()
        .get_random_values_with_u8_array(&mut random)
        .map_err(|_| CallError::unfielded(ErrorCode::NotRunning, "cxkit needs crypto.getRandomValues"))?;
    Ok(id::stream_id(random))
}

/// A running instance.
pub struct Instance {
    shared: Rc<Shared>,
}

struct Shared {
    config: Config,
    /// The touchpoint tracker: raw observations of the page in, events out.
    tracker: RefCell<Tracker>,
    /// Whether the shell captures at all: not in a known bot or automated browser, unless the
    /// site counts them (`countBots`).
    captures: bool,
    /// Called with a survey id, the friction that fired its trigger (JSON, or undefined) and
    /// why it does not show (undefined: it does): the shell loads the survey module and shows
    /// it (once the visitor is not typing in a field), or logs the reason under `debug`.
    on_survey: js_sys::Function,
    /// The index in `config.surveys()` of each armed trigger, in the order of arming.
    armed: Vec<usize>,
    delivery: RefCell<Delivery>,
    store: StoreIo,
    /// This browser's survey answers not in storage: all of them while consent keeps nothing,
    /// none once one is stored (the stored tally is the site's, shared by its tabs).
    unsaved: RefCell<Answers>,
}

impl Instance {
    /// Validates `config` (JSON text) and starts an instance that calls `on_survey` with a
    /// survey id when its trigger fires and stores through `store`. `browser_opt_out` is true
    /// under Global Privacy Control or Do-Not-Track. The error names the option and the rule it
    /// broke.
    pub fn start(
        config: &str,
        on_survey: js_sys::Function,
        browser_opt_out: bool,
        automated: bool,
        store: StoreIo,
    ) -> Result<Instance, CallError> {
        let mut config = Config::parse(config).map_err(|e| CallError::from_config(ErrorCode::Config, e))?;
        let mut tracker = Tracker::new(config.take_capture());
        let captures = !automated || tracker.capture().count_bots;
        // The triggers' policy lives with the tracker, which feeds them what it sees; their
        // time comes in with each intake, and the shell's timer for the tracker wakes it when due.
        let mut armed = Vec::new();
        for (index, (survey, _)) in config.surveys().iter().enumerate() {
            if let Some(trigger) = &survey.targeting.trigger {
                tracker.arm(trigger.clone(), now_ms());
                armed.push(index);
            }
        }
        let consent = Consent::at_start(config.consent(), browser_opt_out);
        let delivery = Delivery::new(config.site_id(), random_stream_id()?, config.max_batch_age_ms(), consent);
        let shared = Rc::new(Shared {
            config,
            tracker: RefCell::new(tracker),
            captures,
            on_survey,
            armed,
            delivery: RefCell::new(delivery),
            store,
            unsaved: RefCell::new(Answers::default()),
        });
        Ok(Instance { shared })
    }

    /// Runs one input of the delivery state machine with the shell's storage as its view, then
    /// makes the storage calls of its step. The rest of the step is the shell's to act on.
    fn step(&self, input: impl FnOnce(&mut Delivery, &StoreIo) -> Step) -> Step {
        let shared = &self.shared;
        let mut step = input(&mut shared.delivery.borrow_mut(), &shared.store);
        self.write(core::mem::take(&mut step.writes.calls));
        step
    }

    /// Makes storage calls in order. A write that fails turns storage off for the page load:
    /// the state machine answers with the removal of every key it wrote, which goes instead of
    /// the rest.
    fn write(&self, calls: Vec<Write>) {
        let store = &self.shared.store;
        for call in calls {
            match call {
                Write::Set { key, value } => {
                    if !store.set(&key, &value) {
                        let undo = self.shared.delivery.borrow_mut().storage_failed();
                        return self.write(undo);
                    }
                }
                Write::Remove(key) => store.remove(&key),
            }
        }
    }

    /// Takes a chunk of the `track()` buffer (the JSON text of `[[name, props, time], …]`)
    /// and the raw capture entries of the task (`[[kind, props, mono], …]`) into the queue, and
    /// stores what was accepted, at `now`. The capture entries become the tracker's events
    /// first, so only redacted events are ever stored.
    pub fn take(&self, chunk: Option<String>, captured: Option<String>, now: Now) -> Step {
        // The tracker runs when there is something to take or to decide: a task of `track()`
        // calls alone costs no storage read.
        let idle = captured.is_none() && {
            let mut tracker = self.shared.tracker.borrow_mut();
            let trigger_due = tracker.trigger_due().is_some_and(|due| due <= now.wall);
            tracker.deadline().is_none() && !trigger_due
        };
        if let Some(chunk) = &chunk {
            for watch in self.shared.tracker.borrow_mut().triggers() {
                watch.see_chunk(chunk, now.wall);
            }
        }
        let events = if idle {
            None
        } else {
            self.track(|tracker, fresh| tracker.take(captured.as_deref().unwrap_or("[]"), now, fresh))
        };
        self.fire();
        match joined(chunk, events) {
            Some(text) => self.step(|delivery, store| delivery.take(&text, store, now)),
            None => Step::default(),
        }
    }

    /// Offers each survey whose trigger fired to the shell, with the friction that fired it
    /// and, when it may not show, why: a trigger fires once per page load, whether or not its
    /// survey could show.
    fn fire(&self) {
        // The tracker's borrow ends with the statement: the shell's handler may call back in.
        while let Some((armed, cause)) = self.shared.tracker.borrow_mut().fired() {
            let Some((survey, _)) = self.shared.armed.get(armed).and_then(|&i| self.shared.config.surveys().get(i))
            else {
                continue;
            };
            let verdict = match self.consent().allows_automatic_surveys() {
                true => self.targeted(survey),
                false => Err(Skip::Consent),
            };
            let cause = cause.map(|(signal, descriptor)| {
                let mut json = String::from("{\"kind\":\"");
                json.push_str(signal.id());
                json.push('"');
                // The descriptor's members, each written with its leading comma.
                json.push_str(&descriptor);
                json.push('}');
                JsValue::from_str(&json)
            });
            let reason = verdict.err().map_or(JsValue::UNDEFINED, |skip| JsValue::from_str(skip.reason()));
            let _ = self.shared.on_survey.call3(
                &JsValue::NULL,
                &JsValue::from_str(&survey.spec.id),
                &cause.unwrap_or(JsValue::UNDEFINED),
                &reason,
            );
        }
    }

    /// Whether `survey` may show now on this page to this visitor: its URL rule, sample and
    /// caps, read from storage now so that another tab's answer counts.
    fn targeted(&self, survey: &Survey) -> Result<(), Skip> {
        let visitor = if self.consent().may_send() { self.visitor() } else { String::new() };
        let (book, _) = self.book();
        let id = &survey.spec.id;
        survey.targeting.allows(id, &PageLocation::pathname(), &visitor, book.seen(id), now_ms())
    }

    /// What this visitor did with each survey, and the key to store it under (`None`: consent
    /// keeps nothing, and the book starts empty on each page load).
    fn book(&self) -> (Book, Option<String>) {
        if !self.consent().may_send() {
            return (Book::default(), None);
        }
        let key = self.shared.delivery.borrow().layout().surveys();
        (Book::decode(&self.shared.store.get(&key).unwrap_or_default()), Some(key))
    }

    /// Records what happened to survey `id` now: `shown`, `answered` or `dismissed`; the caps
    /// of every tab read it (nothing is kept unless consent keeps it).
    pub fn survey_seen(&self, id: &str, what: &str) {
        let (mut book, Some(key)) = self.book() else { return };
        let now = now_ms();
        match what {
            "shown" => book.opened(id, now),
            "answered" => book.answered(id, now),
            "dismissed" => book.dismissed(id, now),
            _ => return,
        }
        self.shared.store.set(&key, &book.encode());
    }

    /// Records journey step `name` (`cx.step`). The error names the rule the name broke.
    pub fn journey_step(&self, name: &str, now: Now) -> Result<Step, CallError> {
        let mut refused = None;
        let events = self.track(|tracker, fresh| {
            tracker.step(name, now, fresh).unwrap_or_else(|problem| {
                refused = Some(problem);
                None
            })
        });
        if let Some(problem) = refused {
            return Err(CallError::new(ErrorCode::InvalidEvent, "name", problem.message()));
        }
        self.fire();
        Ok(events.map(|text| self.step(|delivery, store| delivery.take(&text, store, now))).unwrap_or_default())
    }

    /// Runs the tracker on the session state the site's storage holds (when consent allows
    /// storing), then stores what changed: the session spans tabs and page loads.
    fn track(&self, run: impl FnOnce(&mut Tracker, FreshId<'_>) -> Option<String>) -> Option<String> {
        let (mut tracker, key) = self.open_tracker();
        let events = run(&mut tracker, &mut || random_stream_id().unwrap_or_default());
        self.save_tracker(&mut tracker, key);
        events
    }

    /// The tracker, with the stored session state taken in, and the storage key to save it
    /// under (`None`: consent keeps nothing). Apart from [`Instance::track`], which each caller
    /// instantiates, so that one copy of it serves both.
    #[inline(never)]
    fn open_tracker(&self) -> (RefMut<'_, Tracker>, Option<String>) {
        let shared = &self.shared;
        // Only granted consent stores anything (decisions.md §18): pending keeps the session
        // in memory, and no visitor id exists.
        let keeps = self.consent().may_send();
        let key = shared.delivery.borrow().layout().session();
        let mut tracker = shared.tracker.borrow_mut();
        if keeps {
            tracker.restore(shared.store.get(&key).as_deref());
            if !tracker.has_visitor() {
                tracker.set_visitor(Some(self.visitor()));
            }
        } else {
            tracker.set_visitor(None);
        }
        (tracker, keeps.then_some(key))
    }

    /// Stores the session state if it changed and consent keeps it.
    #[inline(never)]
    fn save_tracker(&self, tracker: &mut Tracker, key: Option<String>) {
        if let (Some(saved), Some(key)) = (tracker.saved(), key) {
            self.shared.store.set(&key, &saved);
        }
    }

    /// The visitor id the site's storage holds, made and stored on first use.
    fn visitor(&self) -> String {
        let (store, key) = (&self.shared.store, self.shared.delivery.borrow().layout().visitor());
        if let Some(id) = store.get(&key).filter(|id| id::is_stream_id(id)) {
            return id;
        }
        let id = random_stream_id().unwrap_or_default();
        store.set(&key, &id);
        id
    }

    /// When the tracker next decides something by itself (a redirect or click window
    /// closes), in ms from `now`: the shell calls [`Instance::take`] then.
    pub fn capture_due(&self, now: Now) -> Option<f64> {
        let mut tracker = self.shared.tracker.borrow_mut();
        let window = tracker.deadline().map(|due| due as f64 - now.mono);
        // The trigger's time is `Date.now()` time, the windows' `performance.now()` time.
        let trigger = tracker.trigger_due().map(|due| (due - now.wall) as f64);
        let due = match (window, trigger) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some(due.max(0.0))
    }

    /// The touchpoints the shell captures, as `Switch` bits; none in an automated browser.
    pub fn capture_switches(&self) -> u8 {
        if self.shared.captures {
            self.shared.tracker.borrow().capture().switches()
        } else {
            0
        }
    }

    /// How long after a click its effects are watched: the dead-click window.
    pub fn effect_ms(&self) -> u32 {
        self.shared.tracker.borrow().capture().thresholds.dead_window_ms
    }

    /// The live session score, the journey so far, and this browser's answers.
    pub fn scores(&self) -> (SessionScore, Option<String>, bool, Answers) {
        let tracker = self.shared.tracker.borrow();
        let (furthest, goal) = tracker.journey();
        let (mut answers, _) = self.stored_answers();
        answers.merge(&self.shared.unsaved.borrow());
        (tracker.score(), furthest.map(String::from), goal, answers)
    }

    /// What a survey outcome carries of the session: the tracker's answer context (JSON text).
    pub fn context(&self) -> String {
        self.shared.tracker.borrow().context()
    }

    /// Counts an answer this browser gave to survey `id` (the shell hands each answered outcome
    /// in as it queues its `$response`), and stores it when consent keeps it.
    pub fn answered(&self, id: &str, value: u8) {
        let Some(kind) = SurveyKind::from_id(id) else { return };
        self.shared.unsaved.borrow_mut().add(kind, value);
        self.save_answers();
    }

    /// Adds the answers not stored yet to the site's stored tally when consent keeps it: read,
    /// added to and written at once, so the site's tabs add up rather than overwrite each other.
    fn save_answers(&self) {
        let mut unsaved = self.shared.unsaved.borrow_mut();
        if *unsaved == Answers::default() {
            return;
        }
        let (mut stored, Some(key)) = self.stored_answers() else { return };
        stored.merge(&unsaved);
        if self.shared.store.set(&key, &stored.encode()) {
            *unsaved = Answers::default();
        }
    }

    /// The site's stored answer tally (nothing when the text is missing or not cxkit's) and its
    /// key; no key when consent keeps nothing (decisions.md §18: only granted stores).
    fn stored_answers(&self) -> (Answers, Option<String>) {
        if !self.consent().may_send() {
            return (Answers::default(), None);
        }
        let key = self.shared.delivery.borrow().layout().scores();
        let stored = self.shared.store.get(&key).as_deref().and_then(Answers::decode);
        (stored.unwrap_or_default(), Some(key))
    }

    /// Starts a send round for `reason`, after taking `chunk` (the rest of the buffer) in.
    pub fn round(&self, reason: SendReason, chunk: Option<String>, now: Now) -> Step {
        self.step(|delivery, store| delivery.round(reason, chunk.as_deref(), store, now))
    }

    /// The answer to the post under way (decisions.md §13–14).
    pub fn settle(&self, status: u16, retry_after_ms: Option<u64>, random: u32, now: Now) -> Step {
        self.step(|delivery, _| delivery.settle(status, retry_after_ms, random, now))
    }

    /// The browser is back online.
    pub fn online(&self) -> Step {
        self.step(|delivery, _| delivery.online())
    }

    /// Takes in what page loads that are gone left stored.
    pub fn adopt(&self, now: Now) -> Step {
        self.step(|delivery, store| delivery.adopt(store, now))
    }

    /// The lease renewal timer fired.
    pub fn renew(&self, now: Now) -> Step {
        self.step(|delivery, _| delivery.renew(now))
    }

    /// `pagehide`: the leases go.
    pub fn release(&self) -> Step {
        self.step(|delivery, _| delivery.release())
    }

    /// `pageshow` from the back/forward cache: the leases again.
    pub fn resume(&self, now: Now) -> Step {
        self.step(|delivery, _| delivery.resume(now))
    }

    /// The name of the Web Lock adoption runs under.
    pub fn adopt_lock(&self) -> String {
        self.shared.delivery.borrow().layout().adopt_lock()
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
        let Ok(read) = event::read_buffer(&text) else { return };
        let stream = self.shared.delivery.borrow().stream();
        let mut queue = Queue::new();
        for (index, event) in read.events {
            queue.push(&stream, index as u64, event);
        }
        if queue.begin_send(usize::MAX, usize::MAX) {
            let _ = batch::encode(self.shared.config.site_id(), SendReason::Flush, now_ms(), queue.in_flight());
        }
    }

    /// Whether `showSurvey(id)` may show survey `id` now: a configured or built-in survey, and
    /// consent that keeps the answer (an answer that could not be kept must not be asked
    /// for). Unless `force` (a preview), the survey's URL rule, sample and caps hold too: the
    /// reason it does not show is the answer, for the `debug` log.
    pub fn show_survey(&self, id: &str, force: bool) -> Result<Option<&'static str>, CallError> {
        let configured = self.configured(id);
        if configured.is_none() && SurveyKind::from_id(id).is_none() {
            return Err(CallError::new(
                ErrorCode::InvalidSurvey,
                "survey",
                "no configured or built-in survey has this id",
            ));
        }
        if !self.consent().keeps_events() {
            return Err(CallError::new(ErrorCode::Consent, "consent", "denied, so no survey is shown"));
        }
        Ok(match configured {
            Some((survey, _)) if !force => self.targeted(survey).err().map(Skip::reason),
            _ => None,
        })
    }

    /// What the survey module renders for survey `id`: a configured survey's JSON text, or the
    /// id of a built-in one.
    pub fn survey_source(&self, id: &str) -> String {
        self.configured(id).map_or_else(|| String::from(id), |(_, source)| source.clone())
    }

    /// The configured survey `id` with its JSON text, if there is one.
    fn configured(&self, id: &str) -> Option<&(Survey, String)> {
        self.shared.config.surveys().iter().find(|(survey, _)| survey.spec.id == id)
    }

    /// Whether a trigger may show a survey on this page view — one still armed whose survey's
    /// URL rule, sample and caps allow it now, under consent that allows automatic surveys:
    /// the shell then fetches the survey module at idle, so the dialog does not wait on the
    /// network when it fires, and a page where no survey can show never fetches it.
    pub fn survey_armed(&self) -> bool {
        if !self.consent().allows_automatic_surveys() {
            return false;
        }
        let armed: Vec<usize> = self.shared.tracker.borrow().armed().collect();
        let surveys = self.shared.config.surveys();
        armed
            .into_iter()
            .filter_map(|i| self.shared.armed.get(i).and_then(|&s| surveys.get(s)))
            .any(|(survey, _)| self.targeted(survey).is_ok())
    }

    /// The configured surveys that are off, each error as `field: rule` on a line of its own,
    /// for the shell to log.
    pub fn survey_errors(&self) -> String {
        let mut lines = String::new();
        for error in self.shared.config.survey_errors() {
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(&error.message());
        }
        lines
    }

    /// Whether to log each survey decision.
    pub fn debug(&self) -> bool {
        self.shared.config.debug()
    }

    /// The visitor's consent now.
    pub fn consent(&self) -> Consent {
        self.shared.delivery.borrow().consent()
    }

    /// Sets the visitor's consent: `granted`, `pending` or `denied`. Denied forgets every event
    /// and removes every stored key of the site (the shell closes an open survey). The error
    /// names the rule.
    pub fn set_consent(&self, id: &str) -> Result<(), CallError> {
        let consent = Consent::from_id(id)
            .ok_or_else(|| refused(ErrorCode::Consent, "consent", ConfigProblem::UnknownConsent))?;
        self.step(|delivery, store| delivery.set_consent(consent, store));
        if !consent.keeps_events() {
            // Denied forgets the answers too; the stored tally went with the site's keys.
            *self.shared.unsaved.borrow_mut() = Answers::default();
        }
        // Granted keeps what was answered while consent was pending.
        self.save_answers();
        Ok(())
    }

    /// The counts `cx.status()` shows.
    pub fn status(&self) -> Status {
        self.shared.delivery.borrow().status()
    }

    /// Stops the survey triggers.
    pub fn shutdown(&self) {
        for watch in self.shared.tracker.borrow_mut().triggers() {
            watch.disarm();
        }
    }
}

/// The `track()` chunk and the tracker's events as one buffer text.
fn joined(chunk: Option<String>, events: Option<String>) -> Option<String> {
    match (chunk, events) {
        (Some(mut chunk), Some(events)) if chunk.len() > 2 && events.len() > 2 => {
            chunk.pop();
            chunk.push(',');
            chunk.push_str(events.get(1..).unwrap_or("]"));
            Some(chunk)
        }
        (Some(chunk), None) => Some(chunk),
        (chunk, events) => events.or(chunk),
    }
}

/// A call's argument broke an option rule: the same field and rule a bad config gets.
fn refused(code: ErrorCode, field: &str, problem: ConfigProblem) -> CallError {
    CallError::from_config(code, ConfigError::new(field, problem))
}

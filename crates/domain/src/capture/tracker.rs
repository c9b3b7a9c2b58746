//! The tracker: raw observations in, touchpoint and signal events out (docs/tracker.md).
//!
//! The shell pushes raw entries `[kind, props, mono]` — a click with its coordinates, a
//! mutation seen within a second of it, a URL change, an error — and hands them over once per
//! task. This state machine decides everything: which URL change is a page view, which click is
//! a rage, dead or error click, when a form was abandoned, what each vital rates, and the
//! session's score. Time comes in as arguments (`mono` on each entry, [`Now`] for the intake),
//! so every rule is exact under `cargo test`.

use alloc::string::String;
use alloc::vec::Vec;

use super::clicks::{Classifier, Signal};
use super::emit::{write_text, Emit, Props};
use super::options::{Capture, Switch};
use super::session::{self, Session};
use super::state::SessionState;
use super::vitals::{Rating, Vital};
use crate::delivery::Now;
use crate::event::check_name;
use crate::json::{self, write_integer, write_string};
use crate::redact::{clean_referrer, clean_url};
use crate::score::session::{session_score, SessionScore, SignalKind};
use crate::trigger::{Cause, Cue, Trigger, Watch};

/// URL changes at most this far apart are one page view: a redirect (decisions.md §27).
pub const REDIRECT_MS: i64 = 100;
/// How stale the stored session's last activity may get before it is written again, when
/// nothing else changed: other tabs see the visitor's activity up to this late, which moves an
/// idle expiry (30 minutes) by as much, and an intake with nothing new costs no storage write.
pub const SAVE_ACTIVITY_MS: i64 = 10_000;
/// Distinct errors remembered per session for deduplication; beyond it, the oldest is forgotten.
const ERRORS_REMEMBERED: usize = 32;

/// The page view on screen.
#[derive(Debug)]
struct View {
    key: String,
    wall: i64,
    visible_ms: Option<i64>,
}

/// A URL change waiting out the redirect window.
#[derive(Debug)]
struct PendingView {
    key: String,
    url: String,
    title: String,
    referrer: String,
    nav: String,
    mono: i64,
    wall: i64,
}

/// A form the visitor started on this page view.
#[derive(Debug)]
struct Form {
    name: String,
    fields: i64,
    last: String,
    submitted: bool,
}

/// The tracker of one page load.
pub struct Tracker {
    capture: Capture,
    clicks: Classifier<String>,
    state: Option<SessionState>,
    /// The session state changed since [`Tracker::saved`] was last read.
    dirty: bool,
    /// The session's last activity as last stored (or read back).
    saved_last: i64,
    visitor: Option<String>,
    view: Option<View>,
    pending: Option<PendingView>,
    forms: Vec<Form>,
    depths: u8,
    vitals: u8,
    emit: Emit,
    /// The survey triggers of this page load, in the order they were armed, fed by what the
    /// tracker sees.
    watches: Vec<Watch>,
}

/// A fresh random id (a session's), from the caller's random source.
pub type FreshId<'a> = &'a mut dyn FnMut() -> String;

impl Tracker {
    /// A tracker with the site's options.
    pub fn new(capture: Capture) -> Tracker {
        Tracker {
            clicks: Classifier::new(capture.thresholds),
            capture,
            state: None,
            dirty: false,
            saved_last: i64::MIN,
            visitor: None,
            view: None,
            pending: None,
            forms: Vec::new(),
            depths: 0,
            vitals: 0,
            emit: Emit::default(),
            watches: Vec::new(),
        }
    }

    /// The options the tracker runs with (the shell reads its switches).
    pub fn capture(&self) -> &Capture {
        &self.capture
    }

    /// Whether page views carry a visitor id.
    pub fn has_visitor(&self) -> bool {
        self.visitor.is_some()
    }

    /// Sets the visitor id page views carry (`None`: consent does not allow one).
    pub fn set_visitor(&mut self, visitor: Option<String>) {
        self.visitor = visitor;
    }

    /// Takes in the session state another tab or page load stored, when it is the newer one:
    /// the same session (with what other tabs added), or a session another tab started.
    pub fn restore(&mut self, stored: Option<&str>) {
        let Some(stored) = stored.and_then(SessionState::decode) else { return };
        let newer = match &self.state {
            None => true,
            Some(ours) => stored.session.id == ours.session.id || stored.session.last > ours.session.last,
        };
        if newer {
            self.saved_last = stored.session.last;
            self.state = Some(stored);
        }
    }

    /// The session state to store, when it changed since the last call, or when its last
    /// activity is [`SAVE_ACTIVITY_MS`] newer than what was stored.
    pub fn saved(&mut self) -> Option<String> {
        let state = self.state.as_ref()?;
        let stale = state.session.last.saturating_sub(self.saved_last) >= SAVE_ACTIVITY_MS;
        if !core::mem::take(&mut self.dirty) && !stale {
            return None;
        }
        self.saved_last = state.session.last;
        Some(state.encode())
    }

    /// Arms a survey trigger at `wall` (init); [`Tracker::fired`] names it by the order of arming.
    pub fn arm(&mut self, trigger: Trigger, wall: i64) {
        self.watches.push(Watch::new(trigger, wall));
    }

    /// The armed triggers that have not fired yet.
    pub fn triggers(&mut self) -> impl Iterator<Item = &mut Watch> {
        self.watches.iter_mut().filter(|watch| watch.armed())
    }

    /// The indexes (in the order of arming) of the triggers that have not fired yet.
    pub fn armed(&self) -> impl Iterator<Item = usize> + '_ {
        self.watches.iter().enumerate().filter(|(_, watch)| watch.armed()).map(|(index, _)| index)
    }

    /// When the first time trigger comes due (`Date.now()` time), if one waits on time.
    pub fn trigger_due(&mut self) -> Option<i64> {
        self.triggers().filter_map(|watch| watch.due()).min()
    }

    /// A trigger that fired since the last call (its index in the order of arming), and why.
    pub fn fired(&mut self) -> Option<(usize, Cause)> {
        self.watches.iter_mut().enumerate().find_map(|(index, watch)| Some((index, watch.fired()?)))
    }

    /// Feeds the triggers what was seen at `wall`.
    fn cue(&mut self, cue: Cue<'_>, wall: i64) {
        for watch in &mut self.watches {
            watch.see(cue, wall);
        }
    }

    /// When [`Tracker::settle`] is next due (`performance.now()` time): a redirect window or a
    /// click window closes.
    pub fn deadline(&self) -> Option<i64> {
        let view = self.pending.as_ref().map(|p| p.mono + REDIRECT_MS + 1);
        match (view, self.clicks.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes the raw entries of one task (the JSON text of `[[kind, props, mono], …]`) at
    /// `now`. Returns the events they make, as buffer text; malformed entries are skipped
    /// (the shell writes them, a page cannot).
    pub fn take(&mut self, raw: &str, now: Now, fresh: FreshId<'_>) -> Option<String> {
        for entry in json::array_items(raw).unwrap_or_default() {
            let Some(&[kind, props, mono]) = json::array_items(entry).as_deref() else { continue };
            let (Some(kind), Some(mono)) = (json::string_of(kind), json::parse_integer(mono)) else { continue };
            let wall = now.wall - (now.mono as i64 - mono);
            self.decide(mono, wall);
            self.touch(wall, fresh);
            self.entry(&kind, &Fields::read(props), mono, wall);
        }
        self.settle(now)
    }

    /// Decides what the time passed settles (a redirect window, click windows) at `now`.
    pub fn settle(&mut self, now: Now) -> Option<String> {
        self.decide(now.mono as i64, now.wall);
        for watch in &mut self.watches {
            watch.tick(now.wall);
        }
        self.emit.finish()
    }

    /// Records journey step `name` (`cx.step`). Refuses a name that breaks the event name rule.
    pub fn step(
        &mut self,
        name: &str,
        now: Now,
        fresh: FreshId<'_>,
    ) -> Result<Option<String>, crate::event::EventProblem> {
        check_name(name)?;
        self.touch(now.wall, fresh);
        self.reach(name, now.wall);
        Ok(self.emit.finish())
    }

    /// The live session score and its reasons (the journey's drop-out is known only when the
    /// session ends, so it is never among them here).
    pub fn score(&self) -> SessionScore {
        let counts = self.state.as_ref().map(|s| s.counts).unwrap_or_default();
        session_score(&counts, &self.capture.penalties)
    }

    /// The journey so far: the furthest step's name and whether the goal was reached.
    pub fn journey(&self) -> (Option<&str>, bool) {
        let progress = self.state.as_ref().map(|s| s.progress).unwrap_or_default();
        (progress.furthest().and_then(|i| self.capture.corridor.name(i)), progress.goal_reached())
    }

    /// What a survey answer carries of the session, as the JSON object text the shell spreads
    /// into its `$response` / `$dismiss`: `sid`, the furthest journey `step` and the session
    /// `score` now; `{}` before the tracker has a session, and no `step` before one is reached.
    pub fn context(&self) -> String {
        let Some(state) = self.state.as_ref() else { return String::from("{}") };
        let mut out = String::from("{\"sid\":");
        write_string(&state.session.id, &mut out);
        if let Some(step) = self.journey().0 {
            out.push_str(",\"step\":");
            write_string(step, &mut out);
        }
        out.push_str(",\"score\":");
        write_integer(i64::from(self.score().score), &mut out);
        out.push('}');
        out
    }

    #[cfg(test)]
    fn sid(&self) -> &str {
        self.state.as_ref().map_or("", |s| s.session.id.as_str())
    }

    /// Starts event `name`, with the session id as its first property.
    fn event(&mut self, name: &str) -> Props<'_> {
        let sid = self.state.as_ref().map_or("", |s| s.session.id.as_str());
        self.emit.event(name, sid)
    }

    /// Continues the session at `wall`, or starts a new one (decisions.md §26).
    fn touch(&mut self, wall: i64, fresh: FreshId<'_>) {
        let continued = self.state.as_mut().is_some_and(|state| session::resume_in_place(&mut state.session, wall));
        if !continued {
            self.state = Some(SessionState::new(Session { id: fresh(), started: wall, last: wall }));
            self.dirty = true;
        }
    }

    fn state(&mut self) -> &mut SessionState {
        self.state.get_or_insert_with(|| SessionState::new(Session { id: String::new(), started: 0, last: 0 }))
    }

    fn count(&mut self, kind: SignalKind) {
        self.state().counts.add(kind);
        self.dirty = true;
    }

    /// Settles what closed by `mono`: the pending page view, then the clicks.
    fn decide(&mut self, mono: i64, wall: i64) {
        if self.pending.as_ref().is_some_and(|p| mono > p.mono + REDIRECT_MS) {
            self.show_view();
        }
        for signal in self.clicks.settle(mono) {
            self.signal(signal, wall);
        }
    }

    fn signal(&mut self, signal: Signal<String>, wall: i64) {
        let (name, kind, clicks, target) = match signal {
            Signal::Rage { clicks, payload } => ("$rage", SignalKind::Rage, Some(clicks), payload),
            Signal::Dead { payload } => ("$dead", SignalKind::Dead, None, payload),
            Signal::ErrorClick { payload } => ("$error_click", SignalKind::ErrorClick, None, payload),
            Signal::Plain { .. } => return,
        };
        self.count(kind);
        self.cue(Cue::Friction(kind, &target), wall);
        let mut event = self.event(name);
        if let Some(clicks) = clicks {
            event.int("clicks", i64::from(clicks));
        }
        event.members(&target);
        event.end(wall);
    }

    fn entry(&mut self, kind: &str, props: &Fields<'_>, mono: i64, wall: i64) {
        let int = |key: &str| props.int(key);
        match kind {
            "view" if self.capture.on(Switch::PageViews) => self.view(props, mono, wall),
            "click" if self.capture.on(Switch::Clicks) => {
                let target = descriptor(props);
                if int("track") == Some(1) {
                    let mut event = self.event("$click");
                    event.members(&target);
                    event.end(wall);
                }
                let (x, y) = (int("x").unwrap_or(0) as i32, int("y").unwrap_or(0) as i32);
                self.clicks.click(mono, x, y, int("act") == Some(1), int("sel") == Some(1), target);
            }
            "effect" => self.clicks.effect(mono),
            "error" if self.capture.on(Switch::Errors) => self.error(props, mono, wall),
            "form" if self.capture.on(Switch::Forms) => self.form(props, wall),
            "scroll" if self.capture.on(Switch::Scroll) => {
                let Some(depth) = int("depth").filter(|d| super::is_scroll_milestone(*d)) else { return };
                let bit = 1 << (depth / i64::from(super::SCROLL_STEP_PERCENT));
                if self.depths & bit == 0 {
                    self.depths |= bit;
                    self.cue(Cue::Scroll(depth), wall);
                    self.event("$scroll").int("depth", depth).end(wall);
                }
            }
            "visible" => {
                if let Some(view) = self.view.as_mut() {
                    view.visible_ms = int("ms").filter(|ms| *ms >= 0);
                }
            }
            "vital" if self.capture.on(Switch::Vitals) => self.vital(props, wall),
            "show" => self.cue(Cue::Shown, wall),
            "exit" => self.cue(Cue::Exit, wall),
            "hidden" => self.cue(Cue::Hidden, wall),
            "hide" => {
                self.cue(Cue::Hidden, wall);
                self.show_view();
                self.summary(wall);
            }
            "leave" => {
                self.cue(Cue::Hidden, wall);
                for signal in self.clicks.flush(mono) {
                    self.signal(signal, wall);
                }
                self.show_view();
                self.abandon(wall);
                self.summary(wall);
            }
            _ => {}
        }
    }

    fn view(&mut self, props: &Fields<'_>, mono: i64, wall: i64) {
        let url = props.text("url");
        let key = view_key(&url, self.capture.on(Switch::TrackHash));
        let nav = props.text("nav");
        let fresh_document = matches!(nav.as_str(), "load" | "activate" | "restore");
        if let Some(pending) = self.pending.as_mut() {
            if mono - pending.mono <= REDIRECT_MS {
                // A redirect: one view, at the URL it ended on, as the first change named it.
                if pending.key != key {
                    pending.key = key;
                    pending.url = url;
                    pending.title = props.text("title");
                }
                return;
            }
            self.show_view();
        }
        if !fresh_document && self.view.as_ref().is_some_and(|v| v.key == key) {
            return;
        }
        self.pending =
            Some(PendingView { key, url, title: props.text("title"), referrer: props.text("ref"), nav, mono, wall });
    }

    /// The pending page view becomes the one on screen, and an event.
    fn show_view(&mut self) {
        let Some(view) = self.pending.take() else { return };
        self.abandon(view.wall);
        self.depths = 0;
        let previous = self.view.replace(View { key: view.key, wall: view.wall, visible_ms: None });
        let mut path = String::new();
        clean_url(&view.url, self.capture.allowed_query(), &mut path);
        let mut referrer = String::new();
        if !view.referrer.is_empty() {
            clean_referrer(&view.referrer, &mut referrer);
        }
        self.state().pages += 1;
        // Out while the event is written (it borrows the tracker), back after.
        let visitor = self.visitor.take();
        let mut event = self.event("$pageview");
        event.known("path", &path).text("title", &view.title).known("nav", &view.nav);
        if !referrer.is_empty() {
            event.known("ref", &referrer);
        }
        if let Some(previous) = previous {
            event.int("prev_ms", (view.wall - previous.wall).max(0));
            if let Some(ms) = previous.visible_ms {
                event.int("prev_visible_ms", ms);
            }
        }
        if let Some(visitor) = &visitor {
            event.known("vid", visitor);
        }
        event.end(view.wall);
        self.visitor = visitor;
        self.dirty = true;
        if let Some(index) = self.capture.corridor.step_for_path(&path) {
            if let Some(name) = self.capture.corridor.name(index).map(String::from) {
                self.reach(&name, view.wall);
            }
        }
    }

    /// Journey step `name` reached at `wall`: its event, and the furthest step so far.
    fn reach(&mut self, name: &str, wall: i64) {
        let index = self.capture.corridor.index_of(name);
        if let Some(index) = index {
            let corridor = &self.capture.corridor;
            if let Some(state) = self.state.as_mut() {
                state.progress.reach(index, corridor);
            }
            self.dirty = true;
        }
        self.cue(Cue::Step(name), wall);
        let goal = self.capture.corridor.goal();
        let mut event = self.event("$step");
        event.known("step", name);
        if let Some(index) = index {
            event.int("index", index as i64);
            if index == goal {
                event.json("goal", "true");
            }
        }
        event.end(wall);
    }

    fn error(&mut self, props: &Fields<'_>, mono: i64, wall: i64) {
        let (message, source) = (props.text("message"), props.text("source"));
        let line = props.int("line").unwrap_or(0);
        let clicked = self.clicks.error(mono);
        let hash = fingerprint(&[&message, &source], line);
        let seen = &mut self.state().errors;
        if seen.contains(&hash) {
            return;
        }
        if seen.len() >= ERRORS_REMEMBERED {
            seen.remove(0);
        }
        seen.push(hash);
        if !clicked {
            self.count(SignalKind::Error);
        }
        self.dirty = true;
        let mut event = self.event("$error");
        event.text("message", &message).text("source", &source).int("line", line);
        event.known("kind", if props.text("kind") == "rejection" { "rejection" } else { "error" });
        if clicked {
            event.json("click", "true");
        }
        event.end(wall);
    }

    fn form(&mut self, props: &Fields<'_>, wall: i64) {
        let (name, last) = (props.text("form"), props.text("last"));
        let fields = props.int("fields").unwrap_or(0);
        let index = self.forms.iter().position(|f| f.name == name);
        match (props.text("phase").as_str(), index) {
            ("start", None) => {
                self.event("$form_start").text("form", &name).int("fields", fields).end(wall);
                self.forms.push(Form { name, fields, last, submitted: false });
            }
            ("field", Some(i)) => {
                if let Some(form) = self.forms.get_mut(i) {
                    form.last = last;
                }
            }
            ("submit", _) => {
                self.event("$form_submit").text("form", &name).int("fields", fields).text("last", &last).end(wall);
                match index.and_then(|i| self.forms.get_mut(i)) {
                    Some(form) => form.submitted = true,
                    None => self.forms.push(Form { name, fields, last, submitted: true }),
                }
            }
            _ => {}
        }
    }

    /// Every form started and not submitted on the page view that ends is abandoned.
    fn abandon(&mut self, wall: i64) {
        for form in core::mem::take(&mut self.forms) {
            if form.submitted {
                continue;
            }
            self.count(SignalKind::FormAbandon);
            self.event("$form_abandon")
                .text("form", &form.name)
                .int("fields", form.fields)
                .text("last", &form.last)
                .end(wall);
        }
    }

    fn vital(&mut self, props: &Fields<'_>, wall: i64) {
        let Some(vital) = Vital::from_name(&props.text("name")) else { return };
        let Some(value) = props.number("value") else { return };
        let Some(rating) = vital.rate(value) else { return };
        let bit = 1 << vital as u8;
        if self.vitals & bit != 0 {
            return;
        }
        self.vitals |= bit;
        match rating {
            Rating::Poor => self.count(SignalKind::VitalPoor),
            Rating::NeedsImprovement => self.count(SignalKind::VitalNeedsImprovement),
            Rating::Good => {}
        }
        let mut resource = String::new();
        let url = props.text("url");
        if !url.is_empty() {
            clean_referrer(&url, &mut resource);
        }
        let mut event = self.event("$vital");
        event.known("name", vital.name()).json("value", value).known("rating", rating.id());
        event.text("target", &props.text("target")).text("type", &props.text("type"));
        event.text("element", &props.text("element"));
        if !resource.is_empty() {
            event.known("url", &resource);
        }
        for &key in ["delay", "processing", "presentation"].iter() {
            if let Some(ms) = props.number(key) {
                event.json(key, ms);
            }
        }
        event.end(wall);
    }

    /// The idempotent `$session_summary` (decisions.md §26): the collector keeps the latest.
    fn summary(&mut self, wall: i64) {
        let score = self.score();
        let (furthest, goal) = self.journey();
        let furthest = furthest.map(String::from);
        let pages = i64::from(self.state().pages);
        let mut event = self.event("$session_summary");
        event.int("score", i64::from(score.score));
        // Written in place: `[[kind, count, points], …]`.
        let reasons = event.key("reasons");
        reasons.push('[');
        for (i, reason) in score.reasons.iter().enumerate() {
            reasons.push_str(if i == 0 { "[" } else { ",[" });
            write_string(reason.kind.id(), reasons);
            for n in [reason.count, reason.points].iter() {
                reasons.push(',');
                write_integer(i64::from(*n), reasons);
            }
            reasons.push(']');
        }
        reasons.push(']');
        event.int("pages", pages);
        if let Some(furthest) = &furthest {
            event.known("furthest", furthest);
        }
        event.json("goal", if goal { "true" } else { "false" });
        event.end(wall);
    }
}

/// A raw entry's props: the members of an object, each value as its JSON text (anything but
/// an object has none). Read with the streaming reader, so no value tree is built.
struct Fields<'a>(Vec<(String, &'a str)>);

impl<'a> Fields<'a> {
    fn read(props: &'a str) -> Fields<'a> {
        Fields(json::object_members(props).ok().flatten().unwrap_or_default())
    }

    /// The string member `key`, or `""` when it is missing or not a string.
    fn text(&self, key: &str) -> String {
        json::member(&self.0, key).and_then(json::string_of).unwrap_or_default()
    }

    /// The member `key` if it is a number written as an integer.
    fn int(&self, key: &str) -> Option<i64> {
        json::member(&self.0, key).and_then(json::parse_integer)
    }

    /// The member `key` if it is a number, as its JSON text.
    fn number(&self, key: &str) -> Option<&'a str> {
        json::member(&self.0, key).filter(|value| json::is_number(value))
    }
}

/// An element descriptor (`tag`, `id`, `cx`, `text`), redacted, as `,"key":value` members.
fn descriptor(props: &Fields<'_>) -> String {
    let (mut members, mut scratch) = (String::new(), String::new());
    for &key in ["tag", "id", "cx", "text"].iter() {
        write_text(key, &props.text(key), &mut members, &mut scratch);
    }
    members
}

/// What makes a page view: the path and query (and the fragment with `trackHash`) of `url`.
/// (Byte scans: `str::find("://")` would bring the generic string searcher into the module.)
fn view_key(url: &str, hash: bool) -> String {
    let after_scheme =
        url.as_bytes().windows(3).position(|w| w == b"://").map_or(url, |i| url.get(i + 3..).unwrap_or(""));
    let path = after_scheme.bytes().position(|b| b == b'/').map_or("/", |i| after_scheme.get(i..).unwrap_or("/"));
    let path = match path.bytes().position(|b| b == b'#') {
        Some(i) if !hash => path.get(..i).unwrap_or(""),
        _ => path,
    };
    path.into()
}

/// FNV-1a over the parts and the line: an error's identity for deduplication.
fn fingerprint(parts: &[&str], line: i64) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut add = |bytes: &[u8]| {
        for &byte in bytes {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
    };
    // Loops, not chained iterators: the same bytes, without the adapters' code in the module.
    for part in parts {
        add(part.as_bytes());
        add(&[0]);
    }
    add(&line.to_le_bytes());
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::json::Value;

    /// Wall-clock time at `performance.now()` 0.
    const EPOCH: i64 = 1_795_000_000_000;

    fn at(mono: i64) -> Now {
        Now { mono: mono as f64, wall: EPOCH + mono }
    }

    fn tracker(options: &str) -> Tracker {
        let mut text = String::from(r#"{"endpoint":"https://c.example/v1/batch","siteId":"shop""#);
        if !options.is_empty() {
            text.push(',');
            text.push_str(options);
        }
        text.push('}');
        Tracker::new(Config::parse(&text).unwrap().capture().clone())
    }

    /// Session ids `S1`, `S2`, … in the order they are asked for.
    struct Ids(u32);

    impl Ids {
        fn next(&mut self) -> String {
            self.0 += 1;
            format!("S{}", self.0)
        }
    }

    /// Events as `(name, props)`, from the buffer text the tracker wrote.
    fn events(text: Option<String>) -> Vec<(String, Value)> {
        let Some(text) = text else { return vec![] };
        let Value::Array(items) = json::parse(&text).unwrap() else { panic!("{text}") };
        items
            .into_iter()
            .map(|item| match item {
                Value::Array(mut parts) => {
                    let props = parts.remove(1);
                    (parts[0].as_str().unwrap().to_owned(), props)
                }
                other => panic!("{other:?}"),
            })
            .collect()
    }

    struct Run {
        tracker: Tracker,
        ids: Ids,
    }

    impl Run {
        fn new(options: &str) -> Run {
            Run { tracker: tracker(options), ids: Ids(0) }
        }

        /// Takes `entries` (without the outer brackets) at `mono`.
        fn take(&mut self, entries: &str, mono: i64) -> Vec<(String, Value)> {
            let ids = &mut self.ids;
            events(self.tracker.take(&format!("[{entries}]"), at(mono), &mut || ids.next()))
        }

        fn settle(&mut self, mono: i64) -> Vec<(String, Value)> {
            events(self.tracker.settle(at(mono)))
        }
    }

    fn names(events: &[(String, Value)]) -> Vec<&str> {
        events.iter().map(|(name, _)| name.as_str()).collect()
    }

    fn prop<'a>(event: &'a (String, Value), key: &str) -> &'a Value {
        event.1.get(key).unwrap_or_else(|| panic!("{key} in {:?}", event.1))
    }

    fn view(url: &str, nav: &str, mono: i64) -> String {
        format!(r#"["view",{{"url":"{url}","title":"T","nav":"{nav}"}},{mono}]"#)
    }

    fn click(cx: &str, x: i64, act: u8, mono: i64) -> String {
        format!(r#"["click",{{"x":{x},"y":10,"tag":"button","cx":"{cx}","act":{act},"track":1,"sel":0}},{mono}]"#)
    }

    #[test]
    fn a_page_view_waits_out_the_redirect_window_and_a_redirect_is_one_view() {
        let mut run = Run::new("");
        assert!(run.take(&view("https://s.example/a?utm_source=x&email=j@x.io#top", "load", 0), 0).is_empty());
        assert_eq!(run.tracker.deadline(), Some(REDIRECT_MS + 1));
        assert!(run.settle(100).is_empty(), "still within the redirect window");
        let shown = run.settle(101);
        assert_eq!(names(&shown), ["$pageview"]);
        assert_eq!(prop(&shown[0], "path").as_str(), Some("/a?utm_source=x"), "only allowed parameters, no fragment");
        assert_eq!(prop(&shown[0], "sid").as_str(), Some("S1"));

        let redirected = run.take(
            &(view("https://s.example/b", "push", 1_000) + "," + &view("https://s.example/c", "replace", 1_100)),
            1_100,
        );
        assert!(redirected.is_empty());
        let shown = run.settle(1_200);
        assert_eq!(shown.len(), 1, "a replace within 100 ms is the same view");
        assert_eq!(prop(&shown[0], "path").as_str(), Some("/c"));
        assert_eq!(prop(&shown[0], "nav").as_str(), Some("push"));
        assert_eq!(prop(&shown[0], "prev_ms").as_i64(), Some(1_000));

        assert!(run.take(&view("https://s.example/c", "replace", 2_000), 2_000).is_empty());
        assert!(run.settle(2_200).is_empty(), "the same URL again is no view");
        assert!(run.take(&view("https://s.example/c#more", "hash", 3_000), 3_000).is_empty());
        assert!(run.settle(3_200).is_empty(), "a fragment alone is no view without trackHash");
        assert_eq!(
            run.take(&view("https://s.example/c", "restore", 4_000), 4_200).len(),
            1,
            "back from the bfcache is a view"
        );
    }

    #[test]
    fn with_track_hash_a_fragment_change_is_a_view() {
        let mut run = Run::new(r#""capture":{"trackHash":true}"#);
        run.take(&view("https://s.example/#/a", "load", 0), 200);
        assert_eq!(run.take(&view("https://s.example/#/b", "hash", 300), 500).len(), 1);
    }

    #[test]
    fn each_survey_has_its_own_trigger_named_by_the_order_of_arming() {
        let mut run = Run::new("");
        run.tracker.arm(Trigger::parse("delay:3s").unwrap(), EPOCH);
        run.tracker.arm(Trigger::parse("exit").unwrap(), EPOCH);
        run.tracker.arm(Trigger::parse("delay:1s").unwrap(), EPOCH);
        assert_eq!(run.tracker.trigger_due(), Some(EPOCH + 1_000), "the earliest time trigger");
        run.take(r#"["exit",{},10]"#, 10);
        assert_eq!(run.tracker.fired(), Some((1, None)));
        assert_eq!(run.tracker.fired(), None, "once");
        assert_eq!(run.tracker.armed().collect::<Vec<_>>(), [0, 2]);
        run.settle(3_001);
        assert_eq!(
            (run.tracker.fired(), run.tracker.fired(), run.tracker.fired()),
            (Some((0, None)), Some((2, None)), None)
        );
        assert_eq!(run.tracker.triggers().count(), 0);
    }

    #[test]
    fn the_trigger_hears_what_the_tracker_sees() {
        let armed = |trigger: &str, options: &str| {
            let mut run = Run::new(options);
            run.tracker.arm(Trigger::parse(trigger).unwrap(), EPOCH);
            run
        };
        let mut time = armed("time:1s", "");
        time.take(r#"["hide",{},400],["show",{},2000]"#, 2_000);
        assert_eq!(time.tracker.trigger_due(), Some(EPOCH + 2_600), "hidden 1.6 s of it");
        time.settle(2_599);
        assert_eq!(time.tracker.fired(), None, "T − 1 ms");
        time.settle(2_601);
        assert_eq!(time.tracker.fired(), Some((0, None)), "T + 1 ms");
        assert_eq!(time.tracker.triggers().count(), 0, "once");

        let mut scroll = armed("scroll:75", "");
        scroll.take(r#"["scroll",{"depth":50},10]"#, 10);
        assert_eq!(scroll.tracker.fired(), None);
        scroll.take(r#"["scroll",{"depth":75},20]"#, 20);
        assert_eq!(scroll.tracker.fired(), Some((0, None)));

        let mut exit = armed("exit", "");
        exit.take(r#"["exit",{},10]"#, 10);
        assert_eq!(exit.tracker.fired(), Some((0, None)));

        let mut rage = armed("friction:rage", "");
        rage.take(&click("dead", 500, 1, 0), 0);
        rage.settle(2_000);
        assert_eq!(rage.tracker.fired(), None, "a dead click");
        rage.take(&[click("r", 10, 1, 3_000), click("r", 12, 1, 3_300), click("r", 14, 1, 3_600)].join(","), 3_600);
        rage.settle(6_000);
        let descriptor = String::from(r#","tag":"button","cx":"r""#);
        assert_eq!(rage.tracker.fired(), Some((0, Some((SignalKind::Rage, descriptor)))));

        let journey = r#""journey":[{"step":"landing","url":"/"},{"step":"cart","url":"/cart"}]"#;
        let mut step = armed("step:cart", journey);
        step.take(&view("https://s.example/", "load", 0), 0);
        step.settle(200);
        assert_eq!(step.tracker.fired(), None, "the landing step");
        step.take(&view("https://s.example/cart", "push", 1_000), 1_000);
        step.settle(1_200);
        assert_eq!(step.tracker.fired(), Some((0, None)), "the cart step, from its URL");
    }

    #[test]
    fn clicks_are_classified_once_their_windows_close() {
        let mut run = Run::new("");
        let rage = [click("r", 10, 1, 0), click("r", 12, 1, 300), click("r", 14, 1, 600)].join(",");
        let taken = run.take(&rage, 600);
        assert_eq!(names(&taken), ["$click", "$click", "$click"], "a tracked click is a touchpoint at once");
        assert_eq!(prop(&taken[0], "cx").as_str(), Some("r"));
        let decided = run.settle(3_000);
        assert_eq!(names(&decided), ["$rage"]);
        assert_eq!(prop(&decided[0], "clicks").as_i64(), Some(3));

        let mut decided = run.take(&click("dead", 500, 1, 5_000), 5_000);
        assert!(run.settle(6_000).is_empty(), "a dead window closes 1,000 ms after the click, inclusive");
        decided.extend(run.settle(6_001));
        assert_eq!(names(&decided), ["$click", "$dead"]);
        assert_eq!(prop(&decided[1], "cx").as_str(), Some("dead"));
        run.take(&click("fine", 900, 1, 7_000), 7_000);
        run.take(r#"["effect",{"kind":"mutation"},7400]"#, 7_400);
        run.take(&click("boom", 300, 1, 9_000), 9_000);
        let error = run.take(r#"["error",{"message":"x is not defined","source":"https://s.example/app.js","line":3,"kind":"error"},9200]"#, 9_200);
        assert_eq!(names(&error), ["$error"]);
        assert_eq!(prop(&error[0], "click"), &Value::Bool(true));
        let decided = run.settle(12_000);
        assert_eq!(names(&decided), ["$error_click"], "the click with an effect was none");
        assert_eq!(prop(&decided[0], "cx").as_str(), Some("boom"));

        let again = run.take(
            r#"["error",{"message":"x is not defined","source":"https://s.example/app.js","line":3},20000]"#,
            20_000,
        );
        assert!(again.is_empty(), "an error is reported once per session");
        let reasons: Vec<_> = run.tracker.score().reasons.iter().map(|r| (r.kind.id(), r.count)).collect();
        assert_eq!(
            reasons,
            [("rage", 1), ("error_click", 1), ("dead", 1)],
            "the error that made an error click costs nothing more"
        );
    }

    #[test]
    fn forms_left_unsubmitted_are_abandoned_by_field_name() {
        let mut run = Run::new("");
        run.take(&view("https://s.example/signup", "load", 0), 200);
        let started = run.take(
            r#"["form",{"phase":"start","form":"signup","fields":3,"last":"email"},300],["form",{"phase":"field","form":"signup","fields":3,"last":"name"},400],["form",{"phase":"start","form":"news","fields":1,"last":"mail"},500],["form",{"phase":"submit","form":"news","fields":1,"last":"mail"},600]"#,
            600,
        );
        assert_eq!(names(&started), ["$form_start", "$form_start", "$form_submit"]);
        let left = run.take(&view("https://s.example/next", "push", 1_000), 1_200);
        assert_eq!(names(&left), ["$form_abandon", "$pageview"]);
        assert_eq!(prop(&left[0], "form").as_str(), Some("signup"));
        assert_eq!(prop(&left[0], "last").as_str(), Some("name"));
        assert_eq!(prop(&left[0], "fields").as_i64(), Some(3));
    }

    #[test]
    fn vitals_are_rated_once_per_document() {
        let mut run = Run::new("");
        let rated = run.take(
            r#"["vital",{"name":"LCP","value":4200.5,"element":"img hero","url":"https://cdn.example/a.jpg?sig=j@x.io"},10],["vital",{"name":"LCP","value":100},20],["vital",{"name":"CLS","value":0.1},30],["vital",{"name":"INP","value":350,"type":"click","target":"button#buy","delay":10,"processing":300,"presentation":40},40]"#,
            40,
        );
        assert_eq!(names(&rated), ["$vital", "$vital", "$vital"]);
        assert_eq!(prop(&rated[0], "rating").as_str(), Some("poor"));
        assert_eq!(prop(&rated[0], "url").as_str(), Some("https://cdn.example/a.jpg"));
        assert_eq!(prop(&rated[1], "rating").as_str(), Some("good"), "CLS 0.1 is good: at the threshold");
        assert_eq!(prop(&rated[2], "rating").as_str(), Some("needs-improvement"));
        assert_eq!(prop(&rated[2], "processing").to_json(), "300");
        assert!(
            run.take(r#"["vital",{"name":"FCP","value":-1},50]"#, 50).is_empty(),
            "a value that cannot be a vital is none"
        );
    }

    #[test]
    fn journey_steps_reach_the_goal_and_a_bad_name_is_refused() {
        let journey =
            r#""journey":[{"step":"product","url":"/p/*"},{"step":"cart","url":"/cart"},{"step":"purchase"}]"#;
        let mut run = Run::new(journey);
        let viewed = run.take(&view("https://s.example/p/42", "load", 0), 200);
        assert_eq!(names(&viewed), ["$pageview", "$step"]);
        assert_eq!(prop(&viewed[1], "step").as_str(), Some("product"));
        assert_eq!(run.tracker.journey(), (Some("product"), false));
        let ids = &mut run.ids;
        let goal = events(run.tracker.step("purchase", at(300), &mut || ids.next()).unwrap());
        assert_eq!(prop(&goal[0], "index").as_i64(), Some(2));
        assert_eq!(prop(&goal[0], "goal"), &Value::Bool(true));
        assert_eq!(run.tracker.journey(), (Some("purchase"), true));
        assert!(run.tracker.step("", at(400), &mut || String::from("x")).is_err());
    }

    #[test]
    fn the_answer_context_is_the_session_id_the_furthest_step_and_the_live_score() {
        let mut run = Run::new(
            r#""journey":[{"step":"cart","url":"/cart"},{"step":"paid"}],"score":{"dead":{"points":30,"cap":40}}"#,
        );
        assert_eq!(run.tracker.context(), "{}", "no session yet");
        run.take(&view("https://s.example/home", "load", 0), 0);
        assert_eq!(run.tracker.context(), r#"{"sid":"S1","score":100}"#, "no step reached yet");
        run.take(&view("https://s.example/cart", "push", 1_000), 1_000);
        run.take(&click("d", 1, 1, 1_100), 1_100);
        run.settle(5_000);
        assert_eq!(run.tracker.score().score, 70);
        assert_eq!(run.tracker.context(), r#"{"sid":"S1","step":"cart","score":70}"#);
        let parsed = json::parse(&run.tracker.context()).unwrap();
        assert_eq!(parsed.get("sid").and_then(Value::as_str), Some("S1"));
    }

    #[test]
    fn a_hide_sends_the_session_summary_with_the_score_and_its_reasons() {
        let mut run = Run::new(r#""score":{"dead":{"points":30,"cap":40}}"#);
        run.take(&click("d", 1, 1, 0), 0);
        run.settle(2_000);
        let summary = run.take(r#"["hide",{},2100]"#, 2_100);
        assert_eq!(names(&summary), ["$session_summary"]);
        assert_eq!(prop(&summary[0], "score").as_i64(), Some(70));
        assert_eq!(prop(&summary[0], "reasons").to_json(), r#"[["dead",1,30]]"#);
        assert_eq!(prop(&summary[0], "goal"), &Value::Bool(false));
    }

    #[test]
    fn the_session_is_shared_through_storage_and_ends_after_30_idle_minutes() {
        let mut first = Run::new("");
        first.take(&click("d", 1, 1, 0), 0);
        first.settle(2_000);
        let stored = first.tracker.saved().expect("the session changed");
        assert_eq!(first.tracker.saved(), None, "saved once per change");
        first.take(&click("x", 900, 0, 5_000), 5_000);
        assert_eq!(first.tracker.saved(), None, "activity alone is not written at once");
        first.take(&click("x", 900, 0, 12_000), 12_000);
        assert!(first.tracker.saved().is_some(), "but once it is 10 s newer than what was stored");

        let mut second = Run::new("");
        second.ids = Ids(10);
        second.tracker.restore(Some(&stored));
        let taken = second.take(&click("x", 1, 0, 3_000), 3_000);
        assert_eq!(prop(&taken[0], "sid").as_str(), Some("S1"), "another tab's session goes on");
        assert_eq!(second.tracker.score().reasons.len(), 1, "with its signals");

        let later = 3_000 + 30 * 60 * 1000 + 1;
        let taken = second.take(&click("x", 1, 0, later), later);
        assert_eq!(prop(&taken[0], "sid").as_str(), Some("S11"), "30 idle minutes start a new session");
        assert!(second.tracker.score().reasons.is_empty(), "whose score starts afresh");
        second.tracker.restore(Some("garbage"));
        assert_eq!(second.tracker.sid(), "S11", "an unreadable stored value changes nothing");
    }

    #[test]
    fn every_captured_string_is_redacted_before_it_is_an_event() {
        let mut run = Run::new("");
        run.take(r#"["view",{"url":"https://s.example/u/jane@example.com?token=4111111111111111","title":"Hi jane@example.com","ref":"https://mail.example/inbox?u=jane@example.com","nav":"load"},0]"#, 0);
        let shown = run.settle(200);
        let text = shown[0].1.to_json();
        assert!(!text.contains("jane") && !text.contains("4111"), "{text}");
        assert_eq!(prop(&shown[0], "path").as_str(), Some("/u/[email]"));
        assert_eq!(prop(&shown[0], "title").as_str(), Some("Hi [email]"));
        assert_eq!(prop(&shown[0], "ref").as_str(), Some("https://mail.example/inbox"));
        let clicked = run.take(
            r#"["click",{"x":1,"y":1,"tag":"button","text":"Call +44 20 7946 0958","act":1,"track":1,"sel":0},300]"#,
            300,
        );
        assert_eq!(prop(&clicked[0], "text").as_str(), Some("Call [phone]"));
    }

    #[test]
    fn switches_turn_touchpoints_off() {
        let mut run = Run::new(r#""capture":{"pageViews":false,"errors":false}"#);
        run.take(&view("https://s.example/", "load", 0), 0);
        assert!(run.settle(500).is_empty());
        assert!(run.take(r#"["error",{"message":"m"},600]"#, 600).is_empty());
    }
}

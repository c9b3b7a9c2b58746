//! The `#[wasm_bindgen]` surface of the survey module: one class, `Survey`, that the JS shell
//! (`npm/src/cx.ts`) creates once the core decided a survey shows, the locale negotiation the
//! shell fetches words with, and the protocol number the shell checks against the core's.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use cxkit_domain::json;
use cxkit_domain::survey::locale;
use cxkit_domain::survey::spec::{parse_spec, Spec, StepKind};
use cxkit_domain::survey::{Outcome, SurveyKind, PROTOCOL};
use cxkit_domain::text::{lexicon_of, Lexicon};
use wasm_bindgen::prelude::*;

use crate::widget::{self, error, Widget};

#[wasm_bindgen]
extern "C" {
    /// The global object, read through static getters rather than bound as a
    /// `thread_local_v2` static: such a static is a lazy cell whose poisoning panic, with
    /// `core`'s source path, would ship in the module (docs/panic-free.md).
    #[wasm_bindgen(js_name = globalThis)]
    pub type Global;

    #[wasm_bindgen(static_method_of = Global, getter)]
    fn document() -> Option<web_sys::Document>;

    #[wasm_bindgen(static_method_of = Global, getter)]
    fn location() -> web_sys::Location;

    #[wasm_bindgen(static_method_of = Global, getter, js_name = visualViewport)]
    pub fn visual_viewport() -> Option<web_sys::VisualViewport>;

    #[wasm_bindgen(static_method_of = Global, getter, js_name = innerHeight)]
    fn inner_height() -> f64;

    /// The shell's handler of an outcome, typed so each argument crosses as what it is.
    #[wasm_bindgen(typescript_type = "(name: string, props: string, answered: boolean) => void")]
    pub type OnOutcome;

    /// The shell's pass of the site's patterns (the `redact` option, compiled once at init):
    /// the text with each match replaced by `[custom]`, and how many it replaced.
    #[wasm_bindgen(typescript_type = "(text: string) => [string, number]")]
    pub type Redact;

    #[wasm_bindgen(method, catch, js_name = call)]
    fn run(this: &Redact, context: &JsValue, text: &str) -> Result<js_sys::Array, JsValue>;

    #[wasm_bindgen(method, catch, js_name = call)]
    fn report(this: &OnOutcome, context: &JsValue, name: &str, props: &str, answered: bool) -> Result<(), JsValue>;
}

/// How many CSS px of the layout viewport's bottom an on-screen keyboard covers (0 without one).
pub fn viewport_inset() -> i64 {
    let Some(viewport) = Global::visual_viewport() else { return 0 };
    let covered = Global::inner_height() - viewport.height() - viewport.offset_top();
    if covered > 0.0 {
        covered as i64
    } else {
        0
    }
}

/// The stacking order of the widget when the shell names none: above nearly everything.
const DEFAULT_Z_INDEX: i64 = 2_147_483_000;

/// What the shell hands a survey besides the survey itself (the `setup` JSON text).
pub struct Setup {
    /// The negotiated locale, `en` by default.
    pub locale: String,
    /// Whether that locale is written right to left.
    pub rtl: bool,
    /// The locale file's strings by dotted key (`submit`, `nps.question`), from its first two
    /// levels (empty: English).
    words: Vec<(String, String)>,
    /// English, the same way: for any key the locale file lacks.
    english: Vec<(String, String)>,
    /// The widget's `z-index`, 0–2147483647.
    pub z_index: i64,
    /// The page's CSP nonce for a `<style>` element, where constructed sheets are missing.
    pub nonce: Option<String>,
    /// The id that links this run's events.
    pub run_id: String,
    /// The words sentiment and themes read (`npm/lexicons/<lang>.txt`), when the survey has a
    /// text step, its language has one and it could be fetched.
    pub lexicon: Option<Lexicon>,
    /// The site's patterns, when it set any.
    redact: Option<Redact>,
}

impl Setup {
    /// Reads `{"locale","words","zIndex","nonce","runId"}`; every member may be missing.
    fn read(text: &str) -> Result<Setup, JsValue> {
        // Raw members, as the core reads its config: no value tree (and its code) in the module.
        let members =
            json::object_members(text).map_err(|e| error(&["survey setup: ", e.kind.message()]))?.unwrap_or_default();
        let raw = |key| json::member(&members, key);
        let string = |key| raw(key).and_then(json::string_of);
        let locale = string("locale").unwrap_or_else(|| String::from("en"));
        Ok(Setup {
            rtl: locale::is_rtl(&locale),
            locale,
            words: raw("words").map(flatten).unwrap_or_default(),
            english: flatten(ENGLISH),
            z_index: raw("zIndex").and_then(json::parse_integer).unwrap_or(DEFAULT_Z_INDEX).clamp(0, 2_147_483_647),
            nonce: string("nonce"),
            run_id: string("runId").unwrap_or_default(),
            lexicon: string("lexicon").map(|text| Lexicon::parse(&text)),
            redact: None,
        })
    }

    /// `window` through the site's patterns: the text and how many matches became `[custom]`.
    /// Without patterns, or if the shell's pass fails, the text as it is (the scanners still run).
    pub fn custom(&self, window: String) -> (String, u32) {
        let Some(redact) = &self.redact else { return (window, 0) };
        match redact.run(&JsValue::NULL, &window) {
            Ok(pair) => match pair.get(0).as_string() {
                Some(text) => (text, pair.get(1).as_f64().unwrap_or(0.0) as u32),
                None => (window, 0),
            },
            Err(_) => (window, 0),
        }
    }

    /// The words for a dotted key (`nps.question`, `submit`): the locale file's, when it has a
    /// non-empty string there, else English.
    pub fn word(&self, key: &str) -> &str {
        lookup(&self.words, key).or_else(|| lookup(&self.english, key)).unwrap_or_default()
    }
}

/// The non-empty words of `key` in flattened `words`.
fn lookup<'w>(words: &'w [(String, String)], key: &str) -> Option<&'w str> {
    words.iter().find(|(dotted, text)| dotted == key && !text.is_empty()).map(|(_, text)| text.as_str())
}

/// The English words: `npm/locales/en.json` itself, the reference of every other locale file,
/// read the same way as a fetched one, so the two can never say different things.
const ENGLISH: &str = include_str!("../../../npm/locales/en.json");

/// The strings of a locale file's JSON text by dotted key (`submit`, `nps.question`), from its
/// first two levels; a key with a `.` of its own is never found. Where a key repeats, the first
/// wins, as [`lookup`] finds it first.
fn flatten(text: &str) -> Vec<(String, String)> {
    let mut words = Vec::new();
    collect(text, "", &mut words);
    words
}

/// Adds the strings of the object `text` under `prefix`, and at the top level those of its
/// objects one level down.
fn collect(text: &str, prefix: &str, words: &mut Vec<(String, String)>) {
    let Ok(Some(members)) = json::object_members(text) else { return };
    for (key, value) in members.iter().filter(|(key, _)| !key.bytes().any(|b| b == b'.')) {
        match json::string_of(value) {
            Some(text) => words.push(([prefix, key].concat(), text)),
            None if prefix.is_empty() => collect(value, &[key.as_str(), "."].concat(), words),
            None => {}
        }
    }
}

/// The version of the contract with the core module ([`PROTOCOL`]): the shell shows nothing
/// when the two disagree.
#[wasm_bindgen]
pub fn protocol() -> u32 {
    PROTOCOL
}

/// The supported locale closest to `requested` (a BCP 47 tag, e.g. `navigator.language`):
/// the name of the words file the shell fetches, `en` when none is closer.
#[wasm_bindgen]
pub fn locale(requested: &str) -> js_sys::JsString {
    locale::negotiate(requested).into()
}

/// The survey `source` names: a built-in id or one configured survey's JSON text.
fn spec_of(source: &str) -> Result<Spec, JsValue> {
    match SurveyKind::from_id(source) {
        Some(kind) => Ok(Spec::builtin(kind)),
        // The core validated it with `parse_survey` before handing it on, so an error here
        // means the two modules disagree (version skew): the field, without the rule's
        // words, which the module does not carry.
        None if source.trim_start().starts_with('{') => {
            parse_spec(source).map_err(|e| error(&[&e.field, ": invalid survey"]))
        }
        None => Err(unknown_survey()),
    }
}

/// The lexicon to fetch for `source` shown in `locale` (`en`, `de`: `lexicons/<lang>.txt`), or
/// `undefined` when the survey has no text step or the language has no lexicon
/// ([`LEXICONS`](cxkit_domain::text::LEXICONS), the one list).
#[wasm_bindgen(js_name = lexiconFor)]
pub fn lexicon_for(source: &str, locale: &str) -> Option<js_sys::JsString> {
    let spec = spec_of(source).ok()?;
    let text = spec.steps.iter().any(|step| step.kind == StepKind::Builtin(SurveyKind::Text));
    text.then(|| lexicon_of(locale)).flatten().map(Into::into)
}

/// `survey: must be one of nps, csat, ces, text`: the core's words for an unknown survey
/// ([`ConfigProblem::UnknownSurvey`](cxkit_domain::config::ConfigProblem::UnknownSurvey)),
/// written from [`SurveyKind::ALL`] without the table of every rule's words.
fn unknown_survey() -> JsValue {
    let mut message = String::from("survey: must be one of");
    for (i, kind) in SurveyKind::ALL.iter().enumerate() {
        message.push_str(if i == 0 { " " } else { ", " });
        message.push_str(kind.id());
    }
    error(&[&message])
}

/// A survey on screen. `free()` removes it and its listeners.
#[wasm_bindgen]
pub struct Survey {
    widget: Widget,
}

#[wasm_bindgen]
impl Survey {
    /// Shows `source` — a built-in id (`nps`, `csat`, `ces`, `text`) or one configured survey's
    /// JSON text — with `setup` (`{"locale","words","zIndex","nonce","runId","lexicon"}`,
    /// `lexicon` the text of [`lexicon_for`]'s file or null) and the site's patterns `redact`
    /// (optional: run on a text answer before the module's own scanners), and calls
    /// `on_outcome(name, props, answered)` at once for each answered step (`$response`), or once
    /// for a dismissal with nothing answered (`$dismiss`): the properties as JSON, for the shell
    /// to queue like any event, and whether it is an answer (for `cx.on("response")`).
    #[wasm_bindgen(constructor)]
    pub fn new(source: &str, setup: &str, on_outcome: OnOutcome, redact: Option<Redact>) -> Result<Survey, JsValue> {
        let spec = spec_of(source)?;
        let mut setup = Setup::read(setup)?;
        setup.redact = redact;
        let document = Global::document().ok_or_else(|| error(&["cxkit needs a document"]))?;
        let survey = spec.id.clone();
        let run_id = setup.run_id.clone();
        let report = Box::new(move |outcome: &Outcome| {
            let path = Global::location().pathname().unwrap_or_default();
            let props = outcome.props_json(&survey, &run_id, &path);
            let answered = matches!(outcome, Outcome::Answered { .. });
            // A handler that throws must not unwind through the widget's state.
            let _ = on_outcome.report(&JsValue::NULL, outcome.event_name(), &props, answered);
        });
        Ok(Survey { widget: widget::mount(&document, spec, setup, report)? })
    }

    /// Whether the survey is still on the page (not finished and closed, not dismissed).
    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.widget.host().is_connected()
    }

    /// The page is going: reports a dismissal if no step was answered, and closes.
    pub fn leave(&self) {
        self.widget.leave();
    }
}

//! The `#[wasm_bindgen]` surface of the survey module: one class, `Survey`, that the JS shell
//! (`npm/src/survey.ts`) creates once the core decided a survey shows, and the protocol number
//! the shell checks against the core's before it does.

use alloc::boxed::Box;

use cxkit_domain::config::{ConfigError, ConfigProblem};
use cxkit_domain::survey::{Outcome, SurveyKind, PROTOCOL};
use wasm_bindgen::prelude::*;

use crate::widget::{self, Widget};

#[wasm_bindgen]
extern "C" {
    /// The global object, read through static getters rather than bound as a
    /// `thread_local_v2` static: such a static is a lazy cell whose poisoning panic, with
    /// `core`'s source path, would ship in the module (docs/panic-free.md).
    #[wasm_bindgen(js_name = globalThis)]
    type Global;

    #[wasm_bindgen(static_method_of = Global, getter)]
    fn document() -> Option<web_sys::Document>;

    #[wasm_bindgen(static_method_of = Global, getter)]
    fn location() -> web_sys::Location;

    /// The shell's handler of an outcome, typed so each argument crosses as what it is.
    #[wasm_bindgen(typescript_type = "(name: string, props: string, answered: boolean) => void")]
    pub type OnOutcome;

    #[wasm_bindgen(method, catch, js_name = call)]
    fn report(this: &OnOutcome, context: &JsValue, name: &str, props: &str, answered: bool) -> Result<(), JsValue>;
}

/// The version of the contract with the core module ([`PROTOCOL`]): the shell shows nothing
/// when the two disagree.
#[wasm_bindgen]
pub fn protocol() -> u32 {
    PROTOCOL
}

/// A survey on screen. `free()` removes it and its listeners.
#[wasm_bindgen]
pub struct Survey {
    widget: Widget,
}

#[wasm_bindgen]
impl Survey {
    /// Shows the built-in survey `id`, one that shows today (`SurveyKind::showable`), and calls
    /// `on_outcome(name, props, answered)` once, when it is answered or dismissed: the event
    /// name (`$response`, `$dismiss`), its properties as JSON, scored, for the shell to queue
    /// like any event, and whether it is an answer (for `cx.on("response")`).
    #[wasm_bindgen(constructor)]
    pub fn new(id: &str, on_outcome: OnOutcome) -> Result<Survey, JsValue> {
        let kind = SurveyKind::showable(id)
            .ok_or_else(|| JsValue::from_str(&ConfigError::new("survey", ConfigProblem::UnknownSurvey).message()))?;
        let document = Global::document().ok_or_else(|| JsValue::from_str("cxkit needs a document"))?;
        let report = Box::new(move |outcome: Outcome| {
            let path = Global::location().pathname().unwrap_or_default();
            let props = outcome.props_json(kind, &path);
            let answered = matches!(outcome, Outcome::Answered(_));
            // A handler that throws must not unwind through the widget's state.
            let _ = on_outcome.report(&JsValue::NULL, outcome.event_name(), &props, answered);
        });
        Ok(Survey { widget: widget::mount(&document, kind, report)? })
    }

    /// Whether the survey is still on the page (not answered and closed, not dismissed).
    #[wasm_bindgen(js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.widget.host().is_connected()
    }
}

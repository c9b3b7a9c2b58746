//! Browser tests of the survey module's widget in real headless Chromium and Firefox
//! (`cargo test --target wasm32-unknown-unknown --test web`, driven by chromedriver or
//! geckodriver: `make test-browser` runs both).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use cxkit_survey::Survey;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// A survey on screen with a recorder for the outcomes it reports: `(name, props, answered)`.
struct Harness {
    survey: Option<Survey>,
    outcomes: Rc<RefCell<Vec<(String, serde_json::Value, bool)>>>,
    _on_outcome: Closure<dyn FnMut(String, String, bool)>,
}

fn show(id: &str) -> Harness {
    let outcomes = Rc::new(RefCell::new(Vec::new()));
    let sink = outcomes.clone();
    let on_outcome = Closure::<dyn FnMut(String, String, bool)>::new(move |name: String, props: String, answered| {
        sink.borrow_mut().push((name, serde_json::from_str(&props).unwrap(), answered))
    });
    let survey = Survey::new(id, on_outcome.as_ref().clone().unchecked_into()).expect("a known survey");
    Harness { survey: Some(survey), outcomes, _on_outcome: on_outcome }
}

impl Harness {
    /// Drops the survey: what the shell's `free()` does.
    fn close(&mut self) {
        self.survey.take();
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn widget_root() -> Option<ShadowRoot> {
    document().query_selector("[data-cxkit=survey]").unwrap().and_then(|host| host.shadow_root())
}

fn press(key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    let target: Element = widget_root().unwrap().active_element().expect("focus is inside the widget");
    target.dispatch_event(&event).unwrap();
}

fn radios(root: &ShadowRoot) -> Vec<Element> {
    let list = root.query_selector_all("[role=radio]").unwrap();
    (0..list.length()).map(|i| list.get(i).unwrap().unchecked_into()).collect()
}

#[wasm_bindgen_test]
fn the_nps_widget_renders_in_a_shadow_root() {
    let mut harness = show("nps");
    let root = widget_root().expect("an open shadow root on the host");
    let dialog = root.query_selector("[role=dialog]").unwrap().expect("a dialog");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let labels: Vec<String> = radios(&root).iter().map(|r| r.text_content().unwrap()).collect();
    assert_eq!(labels, (0..=10).map(|n| n.to_string()).collect::<Vec<_>>());
    assert!(root.query_selector("img, script").unwrap().is_none());
    assert!(
        document().body().unwrap().query_selector("[role=dialog]").unwrap().is_none(),
        "nothing leaks into the light DOM"
    );
    assert!(harness.survey.as_ref().unwrap().is_open());
    harness.close();
    assert!(widget_root().is_none(), "dropping the handle removes the widget");
}

#[wasm_bindgen_test]
fn a_keyboard_choice_of_nine_is_a_promoter_response() {
    let mut harness = show("nps");
    for _ in 0..9 {
        press("ArrowRight");
    }
    let checked: Vec<String> = radios(&widget_root().unwrap())
        .iter()
        .filter(|r| r.get_attribute("aria-checked").as_deref() == Some("true"))
        .map(|r| r.text_content().unwrap())
        .collect();
    assert_eq!(checked, ["9"]);
    assert!(harness.outcomes.borrow().is_empty(), "selecting alone never submits");

    press("Enter");
    let outcomes = harness.outcomes.borrow().clone();
    assert_eq!(outcomes.len(), 1);
    let (name, props, answered) = &outcomes[0];
    assert_eq!(name, "$response", "the shell queues it under this name");
    assert!(answered);
    assert_eq!(props["survey"], "nps");
    assert_eq!(props["value"], 9);
    assert_eq!(props["bucket"], "promoter");
    assert_eq!(props["path"], "/", "where it was given");
    harness.close();
}

#[wasm_bindgen_test]
fn escape_dismisses_without_an_answer() {
    let mut harness = show("nps");
    press("ArrowRight");
    press("Escape");
    assert!(widget_root().is_none(), "the widget is gone");
    assert!(!harness.survey.as_ref().unwrap().is_open());
    let outcomes = harness.outcomes.borrow().clone();
    assert_eq!(outcomes.len(), 1);
    let (name, props, answered) = &outcomes[0];
    assert_eq!(name, "$dismiss");
    assert!(!answered);
    assert_eq!(props["survey"], "nps");
    assert!(props.get("value").is_none(), "a dismissal is not an answer: {props}");
    harness.close();
}

#[wasm_bindgen_test]
fn an_unknown_survey_and_free_text_are_refused() {
    let noop = Closure::<dyn FnMut(String, String, bool)>::new(|_: String, _: String, _: bool| {});
    for id in ["poll", "text"] {
        let error = Survey::new(id, noop.as_ref().clone().unchecked_into()).err().unwrap();
        assert_eq!(error.as_string().unwrap(), "survey: must be one of nps, csat, ces", "{id}");
        assert!(widget_root().is_none(), "{id}");
    }
}

#[wasm_bindgen_test]
fn the_protocol_is_the_domain_s() {
    assert_eq!(cxkit_survey::protocol(), cxkit_domain::survey::PROTOCOL);
}

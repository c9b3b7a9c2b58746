//! Browser tests: the widget and the instance in real headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test web`, driven by chromedriver).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use cxkit::Core;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, KeyboardEvent, KeyboardEventInit, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens on port 9 of the loopback host: sends fail fast and events stay queued.
const CONFIG: &str = r#"{"endpoint":"http://127.0.0.1:9/v1/batch","siteId":"test"}"#;

struct Harness {
    core: Core,
    answers: Rc<RefCell<Vec<String>>>,
    _on_response: Closure<dyn FnMut(String)>,
}

fn start() -> Harness {
    let answers = Rc::new(RefCell::new(Vec::new()));
    let sink = answers.clone();
    let on_response = Closure::<dyn FnMut(String)>::new(move |answer: String| sink.borrow_mut().push(answer));
    let core = Core::new(CONFIG, js_sys::Array::new(), on_response.as_ref().clone().unchecked_into()).expect("config is good");
    Harness { core, answers, _on_response: on_response }
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

fn status(core: &Core) -> serde_json::Value {
    serde_json::from_str(&core.status()).unwrap()
}

#[wasm_bindgen_test]
fn the_nps_widget_renders_in_a_shadow_root() {
    let harness = start();
    harness.core.show_survey("nps").unwrap();
    let root = widget_root().expect("an open shadow root on the host");
    let dialog = root.query_selector("[role=dialog]").unwrap().expect("a dialog");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let labels: Vec<String> = radios(&root).iter().map(|r| r.text_content().unwrap()).collect();
    assert_eq!(labels, (0..=10).map(|n| n.to_string()).collect::<Vec<_>>());
    assert!(root.query_selector("img, script").unwrap().is_none());
    assert!(document().body().unwrap().query_selector("[role=dialog]").unwrap().is_none(), "nothing leaks into the light DOM");
    let _ = harness.core.shutdown();
    assert!(widget_root().is_none(), "shutdown removes the widget");
}

#[wasm_bindgen_test]
fn a_keyboard_choice_of_nine_is_a_promoter_response() {
    let harness = start();
    harness.core.show_survey("nps").unwrap();
    for _ in 0..9 {
        press("ArrowRight");
    }
    let checked: Vec<String> = radios(&widget_root().unwrap())
        .iter()
        .filter(|r| r.get_attribute("aria-checked").as_deref() == Some("true"))
        .map(|r| r.text_content().unwrap())
        .collect();
    assert_eq!(checked, ["9"]);
    assert!(harness.answers.borrow().is_empty(), "selecting alone never submits");

    press("Enter");
    let answers = harness.answers.borrow();
    assert_eq!(answers.len(), 1);
    let answer: serde_json::Value = serde_json::from_str(&answers[0]).unwrap();
    assert_eq!(answer["survey"], "nps");
    assert_eq!(answer["value"], 9);
    assert_eq!(answer["bucket"], "promoter");
    let counts = status(&harness.core);
    assert_eq!(counts["queued"].as_u64().unwrap() + counts["inFlight"].as_u64().unwrap(), 1, "the answer is queued: {counts}");
    let _ = harness.core.shutdown();
}

#[wasm_bindgen_test]
fn escape_dismisses_without_an_answer() {
    let harness = start();
    harness.core.show_survey("nps").unwrap();
    press("ArrowRight");
    press("Escape");
    assert!(widget_root().is_none(), "the widget is gone");
    assert!(harness.answers.borrow().is_empty());
    let _ = harness.core.shutdown();
}

#[wasm_bindgen_test]
fn a_bad_config_names_the_field_and_the_rule() {
    let noop = Closure::<dyn FnMut(String)>::new(|_: String| {});
    let bad = r#"{"endpoint":"http://example.com/cx","siteId":"test"}"#;
    let error = Core::new(bad, js_sys::Array::new(), noop.as_ref().clone().unchecked_into()).err().unwrap();
    assert_eq!(error.as_string().unwrap(), "endpoint: must use https (http only for localhost / 127.0.0.1)");
}

#[wasm_bindgen_test]
fn an_unknown_survey_is_refused() {
    let harness = start();
    let error = harness.core.show_survey("poll").unwrap_err();
    assert_eq!(error.as_string().unwrap(), "survey: must be one of nps, csat, ces, text");
    assert!(widget_root().is_none());
    let _ = harness.core.shutdown();
}

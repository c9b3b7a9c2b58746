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

/// The core never sends by itself (the JS shell does), so this endpoint is never reached.
const CONFIG: &str = r#"{"endpoint":"http://127.0.0.1:9/v1/batch","siteId":"test"}"#;

/// A core with a recorder for the survey outcomes it reports.
struct Harness {
    core: Core,
    outcomes: Rc<RefCell<Vec<serde_json::Value>>>,
    _on_outcome: Closure<dyn FnMut(String)>,
}

fn start() -> Harness {
    let outcomes = Rc::new(RefCell::new(Vec::new()));
    let sink = outcomes.clone();
    let on_outcome = Closure::<dyn FnMut(String)>::new(move |json: String| {
        sink.borrow_mut().push(serde_json::from_str(&json).unwrap())
    });
    let core = Core::new(CONFIG, js_sys::Array::new(), on_outcome.as_ref().clone().unchecked_into(), false)
        .expect("config is good");
    Harness { core, outcomes, _on_outcome: on_outcome }
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
    assert!(
        document().body().unwrap().query_selector("[role=dialog]").unwrap().is_none(),
        "nothing leaks into the light DOM"
    );
    harness.core.shutdown();
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
    assert!(harness.outcomes.borrow().is_empty(), "selecting alone never submits");

    press("Enter");
    let outcomes = harness.outcomes.borrow();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0]["survey"], "nps");
    assert_eq!(outcomes[0]["value"], 9);
    assert_eq!(outcomes[0]["bucket"], "promoter");
    assert_eq!(status(&harness.core)["queued"], 1, "the answer is queued");
    let body: serde_json::Value =
        serde_json::from_str(&harness.core.next_batch("flush", u32::MAX).expect("a batch")).unwrap();
    assert_eq!(body["names"], serde_json::json!(["$response"]));
    assert_eq!(
        body["events"][0].as_array().unwrap()[5..8],
        [serde_json::json!("nps"), serde_json::json!(9), serde_json::json!("promoter")]
    );
    harness.core.shutdown();
}

#[wasm_bindgen_test]
fn escape_dismisses_without_an_answer() {
    let harness = start();
    harness.core.show_survey("nps").unwrap();
    press("ArrowRight");
    press("Escape");
    assert!(widget_root().is_none(), "the widget is gone");
    let outcomes = harness.outcomes.borrow();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0]["survey"], "nps");
    assert!(outcomes[0].get("value").is_none(), "a dismissal is not an answer: {}", outcomes[0]);
    harness.core.shutdown();
}

#[wasm_bindgen_test]
fn a_bad_config_names_the_field_and_the_rule() {
    let noop = Closure::<dyn FnMut(String)>::new(|_: String| {});
    let bad = r#"{"endpoint":"http://example.com/cx","siteId":"test"}"#;
    let error = Core::new(bad, js_sys::Array::new(), noop.as_ref().clone().unchecked_into(), false).err().unwrap();
    assert_eq!(error.as_string().unwrap(), "endpoint: must use https (http only for localhost / 127.0.0.1)");
}

#[wasm_bindgen_test]
fn sends_take_the_buffer_and_a_failed_one_loses_nothing() {
    let buffer = js_sys::Array::new();
    let noop = Closure::<dyn FnMut(String)>::new(|_: String| {});
    let core = Core::new(CONFIG, buffer.clone(), noop.as_ref().clone().unchecked_into(), false).unwrap();
    for (name, props) in [("a", r#"{"n":1}"#), ("$reserved", "{}"), ("b", r#"{"n":2}"#)] {
        let entry =
            js_sys::Array::of3(&name.into(), &js_sys::JSON::parse(props).unwrap(), &1_700_000_000_000f64.into());
        buffer.push(&entry);
    }
    let first = core.next_batch("age", u32::MAX).expect("a batch");
    assert_eq!(buffer.length(), 0, "the buffer was drained");
    assert!(core.next_batch("age", u32::MAX).is_none(), "one send at a time");
    let top = u32::MAX;
    assert_eq!(*core.settle(503, -1.0, top), [0.0, 999.0], "back off 1 s (full jitter at its top)");
    assert_eq!(
        status(&core),
        serde_json::json!({"consent": "granted", "queued": 2, "inFlight": 0, "rejected": 1, "dropped": 0, "evicted": 0, "failures": 1})
    );
    let again = core.next_batch("retry", u32::MAX).expect("the same events again");
    assert_eq!(
        first.replace("\"age\"", "\"retry\"").split("\"t\":").nth(1),
        again.split("\"t\":").nth(1),
        "same events, same ids"
    );
    assert_eq!(*core.settle(429, 120_000.0, top), [0.0, 120_000.0], "Retry-After wins over a shorter backoff");
    core.next_batch("retry", u32::MAX).unwrap();
    assert_eq!(*core.settle(200, -1.0, top), [2.0, -1.0]);
    assert!(core.next_batch("flush", u32::MAX).is_none());
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_send_takes_only_what_was_due_when_it_began() {
    let buffer = js_sys::Array::new();
    let noop = Closure::<dyn FnMut(String)>::new(|_: String| {});
    let core = Core::new(CONFIG, buffer.clone(), noop.as_ref().clone().unchecked_into(), false).unwrap();
    for i in 0..5 {
        buffer.push(&js_sys::Array::of3(&"e".into(), &js_sys::Object::new(), &f64::from(i).into()));
    }
    let body: serde_json::Value = serde_json::from_str(&core.next_batch("age", 3).unwrap()).unwrap();
    assert_eq!(body["events"].as_array().unwrap().len(), 3);
    assert_eq!(buffer.length(), 2, "the rest waits in the buffer");
    core.settle(200, -1.0, 0);
    assert!(core.next_batch("age", 0).is_none(), "nothing more was due");
    assert_eq!(core.max_batch_events(), 500);
    core.shutdown();
}

#[wasm_bindgen_test]
fn consent_gates_sending_keeping_and_surveys() {
    let buffer = js_sys::Array::new();
    let noop = Closure::<dyn FnMut(String)>::new(|_: String| {});
    let pending = CONFIG.replace('}', r#","consent":"pending"}"#);
    let core = Core::new(&pending, buffer.clone(), noop.as_ref().clone().unchecked_into(), false).unwrap();
    buffer.push(&js_sys::Array::of3(&"a".into(), &js_sys::Object::new(), &1.0.into()));
    assert!(core.next_batch("flush", u32::MAX).is_none(), "pending sends nothing");
    assert_eq!(status(&core)["queued"], 1, "but keeps the event in memory");
    core.set_consent("granted").unwrap();
    assert!(core.next_batch("flush", u32::MAX).is_some(), "granted releases it");
    core.settle(200, -1.0, 0);
    core.show_survey("nps").unwrap();
    core.set_consent("denied").unwrap();
    assert!(widget_root().is_none(), "denied closes the survey");
    buffer.push(&js_sys::Array::of3(&"b".into(), &js_sys::Object::new(), &2.0.into()));
    assert!(core.next_batch("flush", u32::MAX).is_none());
    assert_eq!(status(&core)["queued"], 0, "denied keeps nothing");
    assert_eq!(buffer.length(), 0);
    assert_eq!(core.show_survey("nps").unwrap_err().as_string().unwrap(), "consent: denied, so no survey is shown");
    assert_eq!(
        core.set_consent("maybe").unwrap_err().as_string().unwrap(),
        "consent: must be granted, pending or denied"
    );
    core.shutdown();

    let opted_out = Core::new(CONFIG, js_sys::Array::new(), noop.as_ref().clone().unchecked_into(), true).unwrap();
    assert_eq!(opted_out.consent(), "denied", "GPC / DNT mean denied");
    opted_out.set_consent("granted").unwrap();
    assert_eq!(opted_out.consent(), "granted", "unless the site says otherwise");
    opted_out.shutdown();
}

#[wasm_bindgen_test]
fn an_unknown_survey_is_refused() {
    let harness = start();
    let error = harness.core.show_survey("poll").unwrap_err();
    assert_eq!(error.as_string().unwrap(), "survey: must be one of nps, csat, ces, text");
    assert!(widget_root().is_none());
    harness.core.shutdown();
}

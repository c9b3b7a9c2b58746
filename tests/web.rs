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
    let core = Core::new(CONFIG, on_outcome.as_ref().clone().unchecked_into(), false).expect("config is good");
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
    assert_eq!(outcomes[0]["path"], "/", "where it was given");
    assert_eq!(status(&harness.core)["queued"], 0, "the shell queues it, as a `$response` entry");
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
    let noop = noop();
    let bad = r#"{"endpoint":"http://example.com/cx","siteId":"test"}"#;
    let error = Core::new(bad, noop.as_ref().clone().unchecked_into(), false).err().unwrap();
    assert_eq!(error.as_string().unwrap(), "endpoint: must use https (http only for localhost / 127.0.0.1)");
}

/// A chunk of `n` buffer entries, as the shell stringifies it.
fn chunk(n: u32) -> String {
    let entries: Vec<String> =
        (0..n).map(|i| format!(r#"["e",{{"i":{i}}},{}]"#, 1_700_000_000_000u64 + u64::from(i))).collect();
    format!("[{}]", entries.join(","))
}

fn events_in(body: &str) -> Vec<serde_json::Value> {
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    body["events"].as_array().unwrap().clone()
}

fn noop() -> Closure<dyn FnMut(String)> {
    Closure::<dyn FnMut(String)>::new(|_: String| {})
}

#[wasm_bindgen_test]
fn a_chunk_is_numbered_from_its_first_seq_and_a_failed_send_loses_nothing() {
    let noop = noop();
    let core = Core::new(CONFIG, noop.as_ref().clone().unchecked_into(), false).unwrap();
    let stream = core.stream();
    let text =
        r#"[["a",{"n":1},1700000000000],["$reserved",{"deep":[[[[[1]]]]]},1700000000000],["b",{"n":2},1700000000001]]"#;
    assert!(!core.take(text, &stream, 7.0), "two events are no full batch");
    let first = core.next_batch("age", true).expect("a batch");
    let seqs: Vec<_> = events_in(&first).iter().map(|e| e[1].clone()).collect();
    assert_eq!(seqs, [7, 9], "entry i is event first + i; the bad one is counted, not numbered again");
    assert!(core.next_batch("age", true).is_none(), "one send at a time");
    let top = u32::MAX;
    assert_eq!(*core.settle(503, -1.0, top), [0.0, 999.0], "back off 1 s (full jitter at its top)");
    assert_eq!(
        status(&core),
        serde_json::json!({"consent": "granted", "queued": 2, "inFlight": 0, "rejected": 1, "dropped": 0, "evicted": 0, "failures": 1})
    );
    assert_eq!(core.oldest(&stream), 7.0, "nothing is done yet");
    let again = core.next_batch("retry", true).expect("the same events again");
    assert_eq!(
        first.replace("\"age\"", "\"retry\"").split("\"t\":").nth(1),
        again.split("\"t\":").nth(1),
        "same events, same ids"
    );
    assert_eq!(*core.settle(429, 120_000.0, top), [0.0, 120_000.0], "Retry-After wins over a shorter backoff");
    core.next_batch("retry", true).unwrap();
    assert_eq!(*core.settle(200, -1.0, top), [2.0, -1.0]);
    assert!(core.next_batch("flush", true).is_none());
    assert_eq!(core.oldest(&stream), -1.0, "all done: the stored chunk may go");
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_send_round_takes_only_what_was_due_when_it_began() {
    let noop = noop();
    let core = Core::new(CONFIG, noop.as_ref().clone().unchecked_into(), false).unwrap();
    let stream = core.stream();
    core.take(&chunk(3), &stream, 0.0);
    assert_eq!(events_in(&core.next_batch("age", true).unwrap()).len(), 3);
    core.take(&chunk(2), &stream, 3.0);
    core.settle(200, -1.0, 0);
    assert!(core.next_batch("age", false).is_none(), "taken while the round ran: not due in it");
    assert_eq!(events_in(&core.next_batch("age", true).unwrap()).len(), 2, "due in the next round");
    assert!(core.take(&chunk(500), &stream, 5.0), "500 waiting make a full batch");
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_stored_chunk_of_a_page_load_that_is_gone_keeps_its_ids() {
    let noop = noop();
    let gone = Core::new(CONFIG, noop.as_ref().clone().unchecked_into(), false).unwrap();
    let next = Core::new(CONFIG, noop.as_ref().clone().unchecked_into(), false).unwrap();
    next.take(&chunk(1), &next.stream(), 0.0);
    next.take(&chunk(2), &gone.stream(), 40.0);
    assert!(!next.take(&chunk(1), "not-a-stream-id", 0.0));
    let body: serde_json::Value = serde_json::from_str(&next.next_batch("load", true).unwrap()).unwrap();
    assert_eq!(body["streams"], serde_json::json!([next.stream(), gone.stream()]));
    let ids: Vec<_> = events_in(&body.to_string()).iter().map(|e| (e[0].clone(), e[1].clone())).collect();
    assert_eq!(ids, [(0.into(), 0.into()), (1.into(), 40.into()), (1.into(), 41.into())]);
    assert_eq!((next.oldest(&gone.stream()), status(&next)["rejected"].clone()), (40.0, 1.into()));
    for core in [gone, next] {
        core.shutdown();
    }
}

#[wasm_bindgen_test]
fn consent_gates_sending_keeping_and_surveys() {
    let noop = noop();
    let pending = CONFIG.replace('}', r#","consent":"pending"}"#);
    let core = Core::new(&pending, noop.as_ref().clone().unchecked_into(), false).unwrap();
    core.take(&chunk(1), &core.stream(), 0.0);
    assert!(core.next_batch("flush", true).is_none(), "pending sends nothing");
    assert_eq!(status(&core)["queued"], 1, "but keeps the event in memory");
    core.set_consent("granted").unwrap();
    assert!(core.next_batch("flush", true).is_some(), "granted releases it");
    core.settle(200, -1.0, 0);
    core.show_survey("nps").unwrap();
    core.set_consent("denied").unwrap();
    assert!(widget_root().is_none(), "denied closes the survey");
    core.take(&chunk(1), &core.stream(), 1.0);
    assert!(core.next_batch("flush", true).is_none());
    assert_eq!(status(&core)["queued"], 0, "denied keeps nothing");
    assert_eq!(core.show_survey("nps").unwrap_err().as_string().unwrap(), "consent: denied, so no survey is shown");
    assert_eq!(
        core.set_consent("maybe").unwrap_err().as_string().unwrap(),
        "consent: must be granted, pending or denied"
    );
    core.shutdown();

    let opted_out = Core::new(CONFIG, noop.as_ref().clone().unchecked_into(), true).unwrap();
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

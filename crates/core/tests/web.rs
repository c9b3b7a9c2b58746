//! Browser tests of the core module's instance in real headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test web`, driven by chromedriver).
#![cfg(target_arch = "wasm32")]

use cxkit_core::{Core, CoreError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The core never sends by itself (the JS shell does), so this endpoint is never reached.
const CONFIG: &str = r#"{"endpoint":"http://127.0.0.1:9/v1/batch","siteId":"test"}"#;

fn status(core: &Core) -> serde_json::Value {
    serde_json::from_str(&core.status()).unwrap()
}

/// A refusal as the shell reads it: `(code, field, message)`.
fn parts(error: CoreError) -> (String, String, String) {
    (error.code(), error.field(), error.message())
}

fn parts_of(code: &str, field: &str, message: &str) -> (String, String, String) {
    (code.into(), field.into(), message.into())
}

#[wasm_bindgen_test]
fn a_bad_config_names_the_field_and_the_rule() {
    let noop = noop();
    let bad = r#"{"endpoint":"http://example.com/cx","siteId":"test"}"#;
    let error = Core::new(bad, noop.as_ref().clone().unchecked_into(), false).err().unwrap();
    assert_eq!(
        parts(error),
        parts_of("config", "endpoint", "endpoint: must use https (http only for localhost / 127.0.0.1)")
    );
    let text = CONFIG.replace('}', r#","survey":"text","trigger":"delay:1s"}"#);
    let error = Core::new(&text, noop.as_ref().clone().unchecked_into(), false).err().unwrap();
    assert_eq!(
        parts(error),
        parts_of("config", "survey", "survey: must be one of nps, csat, ces"),
        "free text has no widget yet: a trigger for it would never show"
    );
    let consent = CONFIG.replace('}', r#","consent":"maybe"}"#);
    let error = Core::new(&consent, noop.as_ref().clone().unchecked_into(), false).err().unwrap();
    assert_eq!(
        parts(error),
        parts_of("config", "consent", "consent: must be granted, pending or denied"),
        "a bad option is a config error, whichever option"
    );
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
    core.show_survey("nps").expect("granted consent may show a survey");
    core.set_consent("denied").unwrap();
    core.take(&chunk(1), &core.stream(), 1.0);
    assert!(core.next_batch("flush", true).is_none());
    assert_eq!(status(&core)["queued"], 0, "denied keeps nothing");
    assert_eq!(
        parts(core.show_survey("nps").unwrap_err()),
        parts_of("consent", "consent", "consent: denied, so no survey is shown")
    );
    assert_eq!(
        parts(core.set_consent("maybe").unwrap_err()),
        parts_of("consent", "consent", "consent: must be granted, pending or denied")
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
    let noop = noop();
    let core = Core::new(CONFIG, noop.as_ref().clone().unchecked_into(), false).unwrap();
    let refused = parts_of("invalid_survey", "survey", "survey: must be one of nps, csat, ces");
    assert_eq!(parts(core.show_survey("poll").unwrap_err()), refused);
    assert_eq!(parts(core.show_survey("text").unwrap_err()), refused, "free text has no widget yet");
    assert!(!core.survey_armed(), "no trigger configured");
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_configured_trigger_arms_a_survey_unless_consent_is_pending() {
    let noop = noop();
    let with_trigger = CONFIG.replace('}', r#","survey":"csat","trigger":"delay:20s"}"#);
    let core = Core::new(&with_trigger, noop.as_ref().clone().unchecked_into(), false).unwrap();
    assert!(core.survey_armed(), "the shell prefetches the survey module");
    core.shutdown();
    assert!(!core.survey_armed(), "shutdown disarms it");
    let pending = with_trigger.replace('}', r#","consent":"pending"}"#);
    let held = Core::new(&pending, noop.as_ref().clone().unchecked_into(), false).unwrap();
    assert!(!held.survey_armed(), "no automatic survey under pending consent");
    held.shutdown();
}

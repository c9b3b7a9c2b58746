//! Browser tests of the core module's instance in real headless Chromium and Firefox
//! (`cargo test --target wasm32-unknown-unknown --test web`, driven by chromedriver or
//! geckodriver: `make test-browser` runs both).
#![cfg(target_arch = "wasm32")]

use cxkit_core::{Core, Input, JsCoreError, JsStep, StoreIo};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The core never sends by itself (the JS shell does), so this endpoint is never reached.
const CONFIG: &str = r#"{"endpoint":"http://127.0.0.1:9/v1/batch","siteId":"test"}"#;
const GONE: &str = "GoneGoneGoneGoneGone_A";

#[wasm_bindgen(inline_js = "export function memory() {
  const m = new Map();
  return { m, keys: (p) => [...m.keys()].filter((k) => k.startsWith(p)).sort(), get: (k) => m.get(k), set: (k, v) => (m.set(k, v), true), remove: (k) => void m.delete(k) };
}")]
extern "C" {
    /// localStorage in memory, as the shell's `LocalStore` answers.
    type Memory;
    fn memory() -> Memory;
    #[wasm_bindgen(method)]
    fn keys(this: &Memory, prefix: &str) -> Vec<String>;
    #[wasm_bindgen(method)]
    fn get(this: &Memory, key: &str) -> Option<String>;
    #[wasm_bindgen(method)]
    fn set(this: &Memory, key: &str, value: &str) -> bool;
}

fn start(config: &str, store: &Memory, opted_out: bool) -> Result<Core, JsCoreError> {
    let noop = Closure::<dyn FnMut(String)>::new(|_: String| {});
    let on_survey = noop.as_ref().clone().unchecked_into();
    noop.forget();
    Core::new(config, on_survey, opted_out, false, AsRef::<JsValue>::as_ref(store).clone().unchecked_into::<StoreIo>())
}

fn field(step: &JsStep, key: &str) -> JsValue {
    js_sys::Reflect::get(step, &key.into()).unwrap()
}

fn number(step: &JsStep, key: &str) -> Option<f64> {
    field(step, key).as_f64()
}

fn text_of(step: &JsStep, key: &str) -> Option<String> {
    field(step, key).as_string()
}

fn body(step: &JsStep) -> Option<String> {
    text_of(step, "body")
}

fn status(core: &Core) -> serde_json::Value {
    let counts = js_sys::JSON::stringify(&core.status()).unwrap().as_string().unwrap();
    serde_json::from_str(&counts).unwrap()
}

/// A refusal as the shell reads it: `(code, field, message)`.
fn parts(error: JsCoreError) -> (String, String, String) {
    let part = |key: &str| js_sys::Reflect::get(&error, &key.into()).unwrap().as_string().unwrap();
    (part("code"), part("field"), part("message"))
}

fn parts_of(code: &str, field: &str, message: &str) -> (String, String, String) {
    (code.into(), field.into(), message.into())
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

const WALL: f64 = 1_800_000_000_000.0;

#[wasm_bindgen_test]
fn a_bad_config_names_the_field_and_the_rule() {
    let bad = r#"{"endpoint":"http://example.com/cx","siteId":"test"}"#;
    let error = start(bad, &memory(), false).err().unwrap();
    assert_eq!(
        parts(error),
        parts_of("config", "endpoint", "endpoint: must use https (http only for localhost / 127.0.0.1)")
    );
    let poll = CONFIG.replace('}', r#","survey":"poll","trigger":"delay:1s"}"#);
    assert_eq!(
        parts(start(&poll, &memory(), false).err().unwrap()),
        parts_of("config", "survey", "survey: must be one of nps, csat, ces, text"),
        "the shorthand names a built-in survey"
    );
    let consent = CONFIG.replace('}', r#","consent":"maybe"}"#);
    assert_eq!(
        parts(start(&consent, &memory(), false).err().unwrap()),
        parts_of("config", "consent", "consent: must be granted, pending or denied"),
        "a bad option is a config error, whichever option"
    );
}

#[wasm_bindgen_test]
fn chunks_are_numbered_in_order_what_is_stored_is_what_was_accepted_and_a_failed_send_loses_nothing() {
    let store = memory();
    let core = start(CONFIG, &store, false).unwrap();
    core.take(Some(chunk(7)), None, 0.0, WALL);
    let text =
        r#"[["a",{"n":1},1700000000000],["$reserved",{"deep":[[[[[1]]]]]},1700000000000],["b",{"n":2},1700000000001]]"#;
    assert_eq!(
        text_of(&core.take(Some(text.to_string()), None, 0.0, WALL), "send"),
        None,
        "ten events are no full batch"
    );
    let stored =
        store.keys("cxkit:test:").into_iter().find(|k| k.ends_with(":7:10")).expect("the chunk, named by its seqs");
    assert_eq!(
        store.get(&stored).unwrap(),
        r#"[["a",{"n":1},1700000000000],null,["b",{"n":2},1700000000001]]"#,
        "the refused entry is a hole, never its text"
    );
    let first = body(&core.round("age", None, 1.0, WALL)).expect("a batch");
    let seqs: Vec<_> = events_in(&first).iter().map(|e| e[1].clone()).collect();
    assert_eq!(seqs[7..], [7, 9], "entry i of a chunk is event first + i; the bad one is counted, not numbered again");
    assert!(body(&core.round("age", None, 2.0, WALL)).is_none(), "one send at a time");
    let top = u32::MAX;
    let failed = core.settle(503, None, top, 10.0, WALL);
    assert_eq!(
        (number(&failed, "failed"), number(&failed, "timer")),
        (Some(503.0), Some(999.0)),
        "back off 1 s (full jitter at its top)"
    );
    assert_eq!(
        status(&core),
        serde_json::json!({"consent": "granted", "queued": 9, "inFlight": 0, "rejected": 1, "dropped": 0, "evicted": 0, "failures": 1, "stored": 10, "unstored": 0})
    );
    assert_eq!(number(&core.round("flush", None, 1_008.0, WALL), "failed"), Some(503.0), "not before the deadline");
    let again = body(&core.round("retry", None, 1_009.0, WALL)).expect("the same events again");
    assert_eq!(
        first.replace("\"age\"", "\"retry\"").split("\"t\":").nth(1),
        again.split("\"t\":").nth(1),
        "same events, same ids"
    );
    let asked = core.settle(429, Some(120_000.0), top, 1_010.0, WALL);
    assert_eq!(number(&asked, "timer"), Some(120_000.0), "Retry-After wins over a shorter backoff");
    assert!(store.get("cxkit:test:wait").is_some(), "a wait the collector asked for outlives the page");
    body(&core.round("retry", None, 121_010.0, WALL)).unwrap();
    assert_eq!(number(&core.settle(200, None, top, 121_011.0, WALL), "acknowledged"), Some(9.0));
    assert!(body(&core.round("flush", None, 121_012.0, WALL)).is_none());
    assert_eq!(
        store.keys("cxkit:test:"),
        Vec::<String>::new(),
        "all done: the chunks, the lease and the wait are gone"
    );
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_send_round_takes_only_what_was_due_when_it_began() {
    let core = start(CONFIG, &memory(), false).unwrap();
    core.take(Some(chunk(3)), None, 0.0, WALL);
    assert_eq!(events_in(&body(&core.round("age", None, 0.0, WALL)).unwrap()).len(), 3);
    core.take(Some(chunk(2)), None, 1.0, WALL);
    assert!(body(&core.settle(200, None, 0, 2.0, WALL)).is_none(), "taken while the round ran: not due in it");
    assert_eq!(events_in(&body(&core.round("age", None, 3.0, WALL)).unwrap()).len(), 2, "due in the next round");
    core.settle(200, None, 0, 4.0, WALL);
    let full = text_of(&core.take(Some(chunk(500)), None, 5.0, WALL), "send");
    assert_eq!(full.as_deref(), Some("size"), "500 waiting make a full batch");
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_stored_chunk_of_a_page_load_that_is_gone_keeps_its_ids() {
    let store = memory();
    let next = start(CONFIG, &store, false).unwrap();
    next.take(Some(chunk(1)), None, 0.0, WALL);
    store.set(&format!("cxkit:test:{GONE}:40:42"), &chunk(2));
    store.set("cxkit:test:not-a-stream-id:0:1", &chunk(1));
    assert_eq!(text_of(&next.input(Input::Adopt, 1.0, WALL), "send").as_deref(), Some("load"));
    let body: serde_json::Value = serde_json::from_str(&body(&next.round("load", None, 2.0, WALL)).unwrap()).unwrap();
    assert_eq!(body["streams"][1], GONE);
    let ids: Vec<_> = events_in(&body.to_string()).iter().map(|e| (e[0].clone(), e[1].clone())).collect();
    assert_eq!(ids, [(0.into(), 0.into()), (1.into(), 40.into()), (1.into(), 41.into())]);
    assert_eq!(status(&next)["rejected"], 1, "the forged stream");
    assert!(store.get(&format!("cxkit:test:{GONE}")).is_some(), "the adopting page load holds its lease");
    next.shutdown();
}

#[wasm_bindgen_test]
fn consent_gates_sending_keeping_storing_and_surveys() {
    let store = memory();
    let pending = CONFIG.replace('}', r#","consent":"pending"}"#);
    let core = start(&pending, &store, false).unwrap();
    core.take(Some(chunk(1)), None, 0.0, WALL);
    assert!(body(&core.round("flush", None, 0.0, WALL)).is_none(), "pending sends nothing");
    assert_eq!(
        (status(&core)["queued"].clone(), store.keys("cxkit:")),
        (1.into(), vec![]),
        "but keeps the event in memory only"
    );
    core.set_consent("granted").unwrap();
    assert!(body(&core.round("flush", None, 0.0, WALL)).is_some(), "granted releases it");
    core.settle(200, None, 0, 1.0, WALL);
    assert_eq!(core.show_survey("nps", false).ok(), Some(None), "granted consent may show a survey");
    core.take(Some(chunk(1)), None, 2.0, WALL);
    assert!(!store.keys("cxkit:test:").is_empty());
    core.set_consent("denied").unwrap();
    assert_eq!(store.keys("cxkit:test:"), Vec::<String>::new(), "denied removes every key of the site");
    core.take(Some(chunk(1)), None, 3.0, WALL);
    assert!(body(&core.round("flush", None, 3.0, WALL)).is_none());
    assert_eq!(status(&core)["queued"], 0, "denied keeps nothing");
    assert_eq!(
        parts(core.show_survey("nps", true).unwrap_err()),
        parts_of("consent", "consent", "consent: denied, so no survey is shown")
    );
    assert_eq!(
        parts(core.set_consent("maybe").unwrap_err()),
        parts_of("consent", "consent", "consent: must be granted, pending or denied")
    );
    core.shutdown();

    let opted_out = start(CONFIG, &memory(), true).unwrap();
    assert_eq!(opted_out.consent(), "denied", "GPC / DNT mean denied");
    opted_out.set_consent("granted").unwrap();
    assert_eq!(opted_out.consent(), "granted", "unless the site says otherwise");
    opted_out.shutdown();
}

#[wasm_bindgen_test]
fn an_unknown_survey_is_refused() {
    let core = start(CONFIG, &memory(), false).unwrap();
    let refused = parts_of("invalid_survey", "survey", "survey: no configured or built-in survey has this id");
    assert_eq!(parts(core.show_survey("poll", false).unwrap_err()), refused);
    assert_eq!(parts(core.show_survey("poll", true).unwrap_err()), refused, "force previews only what exists");
    assert_eq!(core.show_survey("text", false).ok(), Some(None), "free text is a built-in survey");
    assert_eq!(core.survey_source("text"), "text", "a built-in survey's source is its id");
    assert!(!core.survey_armed(), "no trigger configured");
    core.shutdown();
}

#[wasm_bindgen_test]
fn configured_surveys_keep_to_their_caps_which_only_granted_consent_stores() {
    let survey = r#"{"id":"once","steps":[{"id":"s","kind":"nps"}],"cap":{"dismissals":1}}"#;
    let config = CONFIG.replace('}', &[r#","surveys":["#, survey, r#",{"id":"bad","steps":[]}]}"#].concat());
    let store = memory();
    let core = start(&config, &store, false).unwrap();
    assert_eq!(core.survey_errors(), "surveys[1].steps: at least 1", "the bad survey is off alone");
    assert_eq!(core.survey_source("once"), survey, "the module gets the survey's own JSON text");
    assert_eq!(core.show_survey("once", false).ok(), Some(None));
    core.survey_seen("once", "shown");
    assert_eq!(
        core.show_survey("once", false).ok(),
        Some(Some("open in another tab".into())),
        "held open by this showing"
    );
    core.survey_seen("once", "dismissed");
    assert_eq!(core.show_survey("once", false).ok(), Some(Some("dismissed too often or too recently".into())));
    assert_eq!(core.show_survey("once", true).ok(), Some(None), "force: a preview");
    assert_eq!(store.keys("cxkit:test:surveys"), ["cxkit:test:surveys"]);
    core.shutdown();

    let pending = config.replace(r#""siteId":"test""#, r#""siteId":"test","consent":"pending""#);
    let held = memory();
    let core = start(&pending, &held, false).unwrap();
    core.survey_seen("once", "dismissed");
    assert_eq!(held.keys("cxkit:"), Vec::<String>::new(), "pending consent stores nothing of the caps");
    assert_eq!(core.show_survey("once", false).ok(), Some(None), "and holds none in memory across calls");
    core.shutdown();
}

#[wasm_bindgen_test]
fn a_configured_trigger_arms_a_survey_unless_consent_is_pending() {
    let with_trigger = CONFIG.replace('}', r#","survey":"csat","trigger":"delay:20s"}"#);
    let core = start(&with_trigger, &memory(), false).unwrap();
    assert!(core.survey_armed(), "the shell prefetches the survey module");
    core.shutdown();
    assert!(!core.survey_armed(), "shutdown disarms it");
    let pending = with_trigger.replace('}', r#","consent":"pending"}"#);
    let held = start(&pending, &memory(), false).unwrap();
    assert!(!held.survey_armed(), "no automatic survey under pending consent");
    held.shutdown();
    let elsewhere = CONFIG.replace(
        '}',
        r#","surveys":[{"id":"far","steps":[{"id":"s","kind":"nps"}],"trigger":"delay:20s","urls":{"include":["/nowhere/*"]}}]}"#,
    );
    let away = start(&elsewhere, &memory(), false).unwrap();
    assert!(!away.survey_armed(), "a survey whose URL rule excludes this page is no reason to fetch the module");
    away.shutdown();
}

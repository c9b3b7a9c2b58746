//! Browser tests of the survey module's widget in real headless Chromium and Firefox
//! (`cargo test --target wasm32-unknown-unknown --test web`, driven by chromedriver or
//! geckodriver: `make test-browser` runs both).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use cxkit_survey::{lexicon_for, Redact, Survey};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit, ShadowRoot,
};

wasm_bindgen_test_configure!(run_in_browser);

/// The run id every test's setup hands the module.
const RUN: &str = "AAAAAAAAAAAAAAAAAAAAAA";

/// One outcome as the shell gets it: `(name, props as sent, props parsed, answered)`.
type Seen = (String, String, serde_json::Value, bool);

/// A survey on screen with a recorder for the outcomes it reports.
struct Harness {
    survey: Option<Survey>,
    outcomes: Rc<RefCell<Vec<Seen>>>,
    _on_outcome: Closure<dyn FnMut(String, String, bool)>,
}

/// A setup in English (no words: the compiled-in ones) with `extra` members, e.g.
/// `,"nonce":"abc"`.
fn setup(extra: &str) -> String {
    ["{\"locale\":\"en\",\"runId\":\"", RUN, "\"", extra, "}"].concat()
}

fn try_show(source: &str, setup: &str) -> Result<Harness, JsValue> {
    try_show_with(source, setup, None)
}

fn try_show_with(source: &str, setup: &str, redact: Option<Redact>) -> Result<Harness, JsValue> {
    // A test that failed left its widget behind (a panic runs no destructor in wasm).
    let left = document().query_selector_all("[data-cxkit=survey]").unwrap();
    for i in 0..left.length() {
        left.get(i).unwrap().unchecked_into::<Element>().remove();
    }
    let outcomes = Rc::new(RefCell::new(Vec::new()));
    let sink = outcomes.clone();
    let on_outcome = Closure::<dyn FnMut(String, String, bool)>::new(move |name: String, props: String, answered| {
        let parsed = serde_json::from_str(&props).unwrap();
        sink.borrow_mut().push((name, props, parsed, answered))
    });
    let survey = Survey::new(source, setup, on_outcome.as_ref().clone().unchecked_into(), redact)?;
    Ok(Harness { survey: Some(survey), outcomes, _on_outcome: on_outcome })
}

fn show(source: &str, setup: &str) -> Harness {
    try_show(source, setup).map_err(|e| message(&e)).expect("a survey that shows")
}

impl Harness {
    /// Drops the survey: what the shell's `free()` does.
    fn close(&mut self) {
        self.survey.take();
    }

    fn outcomes(&self) -> Vec<Seen> {
        self.outcomes.borrow().clone()
    }

    /// The props of each `$response` so far.
    fn responses(&self) -> Vec<serde_json::Value> {
        self.outcomes().into_iter().filter(|o| o.0 == "$response").map(|o| o.2).collect()
    }
}

fn message(error: &JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{error:?}"))
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn widget_root() -> Option<ShadowRoot> {
    document().query_selector("[data-cxkit=survey]").unwrap().and_then(|host| host.shadow_root())
}

fn root() -> ShadowRoot {
    widget_root().expect("the widget is on the page")
}

fn find(selector: &str) -> Option<HtmlElement> {
    root().query_selector(selector).unwrap().map(JsCast::unchecked_into)
}

fn key(key: &str, ctrl: bool) {
    send(key, ctrl, false);
}

fn key_with(key: &str, shift: bool) {
    send(key, false, shift);
}

fn send(key: &str, ctrl: bool, shift: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_composed(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    let target: Element = root().active_element().expect("focus is inside the widget");
    target.dispatch_event(&event).unwrap();
}

fn press(name: &str) {
    key(name, false);
}

/// Puts focus on the widget's first control, as a visitor's Tab from the page would.
fn tab_in() {
    let first = find("[role=radio], [role=checkbox], textarea").expect("a control");
    first.focus().unwrap();
}

/// Types `text` into the step's text field, as a visitor would (one `input` event).
fn type_text(text: &str) {
    let field: HtmlTextAreaElement = find("textarea").expect("a text field").unchecked_into();
    field.focus().unwrap();
    field.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    field.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

fn options(root: &ShadowRoot) -> Vec<Element> {
    let list = root.query_selector_all("[role=radio], [role=checkbox]").unwrap();
    (0..list.length()).map(|i| list.get(i).unwrap().unchecked_into()).collect()
}

fn labels() -> Vec<String> {
    options(&root()).iter().map(|r| r.text_content().unwrap()).collect()
}

fn checked() -> Vec<String> {
    options(&root())
        .iter()
        .filter(|r| r.get_attribute("aria-checked").as_deref() == Some("true"))
        .map(|r| r.text_content().unwrap())
        .collect()
}

fn question() -> String {
    find("#cx-q").expect("a question").text_content().unwrap()
}

fn submit() -> HtmlElement {
    find(".submit").expect("a submit button")
}

/// Chooses score `n` of a scale whose lowest is `low` with the arrow keys and confirms it.
fn score(low: u8, n: u8) {
    tab_in();
    press("Home");
    for _ in low..n {
        press("ArrowRight");
    }
    press("Enter");
}

/// The issue's example: CES, a text step when it was hard (≤ 4), a choice always.
const CHECKOUT: &str = r#"{ "id": "checkout_ces",
  "steps": [
    { "id": "score", "kind": "ces", "question": "How easy was checkout?", "low": "Very hard", "high": "Very easy" },
    { "id": "why", "kind": "text", "question": "What made it hard?", "when": { "step": "score", "max": 4 } },
    { "id": "reason", "kind": "choice", "question": "What mattered most?", "options": ["Price", "Delivery", "Other"], "multiple": false } ],
  "thankYou": "Thanks — we read every answer.",
  "trigger": "delay:20s", "urls": { "include": ["/checkout/*"], "exclude": ["/checkout/done"] },
  "sample": 50, "cap": { "days": 90, "dismissals": 2 }, "placement": "bottom-right" }"#;

#[wasm_bindgen_test]
fn the_nps_widget_renders_in_a_shadow_root() {
    let mut harness = show("nps", &setup(",\"words\":null"));
    let root = root();
    let dialog = root.query_selector("[role=dialog]").unwrap().expect("a dialog");
    assert_eq!(dialog.get_attribute("aria-modal"), None, "a built-in shows in the corner: not modal");
    assert_eq!(labels(), (0..=10).map(|n| n.to_string()).collect::<Vec<_>>());
    assert_eq!(question(), "How likely are you to recommend us to a friend or colleague?");
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
    let mut harness = show("nps", &setup(""));
    tab_in();
    for _ in 0..9 {
        press("ArrowRight");
    }
    assert_eq!(checked(), ["9"]);
    assert!(harness.outcomes().is_empty(), "selecting alone never submits");
    assert_eq!(submit().text_content().unwrap(), "Submit", "one step: the last");

    press("Enter");
    let outcomes = harness.outcomes();
    assert_eq!(outcomes.len(), 1);
    let (name, _, props, answered) = &outcomes[0];
    assert_eq!(name, "$response", "the shell queues it under this name");
    assert!(answered);
    assert_eq!(props["survey"], "nps");
    assert_eq!(props["run_id"], RUN);
    assert_eq!(props["question"], "nps");
    assert_eq!(props["kind"], "nps");
    assert_eq!(props["value"], 9);
    assert_eq!(props["bucket"], "promoter");
    assert_eq!(props["path"], "/", "where it was given");
    let thanks = find("[role=status]").expect("the thank-you is announced");
    assert_eq!(thanks.text_content().unwrap(), "Thank you for your feedback!");
    harness.close();
}

#[wasm_bindgen_test]
fn escape_dismisses_without_an_answer() {
    let mut harness = show("nps", &setup(""));
    tab_in();
    press("ArrowRight");
    press("Escape");
    assert!(widget_root().is_none(), "the widget is gone");
    assert!(!harness.survey.as_ref().unwrap().is_open());
    let outcomes = harness.outcomes();
    assert_eq!(outcomes.len(), 1);
    let (name, _, props, answered) = &outcomes[0];
    assert_eq!(name, "$dismiss");
    assert!(!answered);
    assert_eq!(props["survey"], "nps");
    assert_eq!(props["run_id"], RUN);
    assert!(props.get("value").is_none(), "a dismissal is not an answer: {props}");
    harness.close();
}

#[wasm_bindgen_test]
fn an_unknown_survey_and_a_bad_one_are_refused() {
    let error = try_show("poll", &setup("")).err().expect("refused");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert!(message(&error).starts_with("survey: must be one of"), "{}", message(&error));
    let error = try_show(r#"{"id":"x","steps":[]}"#, &setup("")).err().expect("refused");
    assert!(message(&error).starts_with("surveys[0]"), "the config error's words: {}", message(&error));
    assert!(widget_root().is_none());
}

#[wasm_bindgen_test]
fn the_issue_example_answered_by_keyboard_takes_the_why_branch() {
    let mut harness = show(CHECKOUT, &setup(""));
    assert_eq!(question(), "How easy was checkout?");
    assert_eq!(find("#cx-low").unwrap().text_content().unwrap(), "Very hard");
    assert_eq!(submit().text_content().unwrap(), "Next", "more steps may follow");
    score(1, 3);
    assert_eq!(harness.responses().len(), 1, "sent at once, not at the end");

    assert_eq!(question(), "What made it hard?", "the branch is taken");
    let field = find("textarea").expect("a text field");
    assert!(root().active_element().is_some_and(|a| a == *field.as_ref()), "focus follows the visitor's step");
    assert!(submit().has_attribute("disabled"), "nothing to submit yet");
    type_text("   ");
    assert!(submit().has_attribute("disabled"), "blank is nothing");
    type_text("The coupon field\nwas hidden");
    assert!(!submit().has_attribute("disabled"));
    press("Enter");
    assert_eq!(harness.responses().len(), 1, "Enter in the field is a new line");
    key("Enter", true);

    assert_eq!(question(), "What mattered most?");
    assert_eq!(submit().text_content().unwrap(), "Submit");
    tab_in();
    press(" ");
    assert_eq!(checked(), ["Price"]);
    press("Enter");

    let responses = harness.responses();
    assert_eq!(responses.len(), 3, "one per answered step");
    for (props, (step, kind)) in responses.iter().zip([("score", "ces"), ("why", "text"), ("reason", "choice")]) {
        assert_eq!(props["survey"], "checkout_ces");
        assert_eq!(props["run_id"], RUN, "one run");
        assert_eq!(props["question"], step);
        assert_eq!(props["kind"], kind);
        assert_eq!(props["path"], "/");
    }
    assert_eq!(responses[0]["value"], 3);
    assert!(responses[0].get("bucket").is_none(), "buckets are NPS's");
    assert_eq!(responses[1]["text"], "The coupon field\nwas hidden");
    assert_eq!(responses[2]["choice"], serde_json::json!(["Price"]));
    assert_eq!(find("[role=status]").unwrap().text_content().unwrap(), "Thanks — we read every answer.");
    assert!(harness.outcomes().iter().all(|o| o.0 == "$response"), "no dismissal after answers");
    harness.close();
}

#[wasm_bindgen_test]
fn an_easy_checkout_skips_why_and_closing_then_sends_no_dismissal() {
    let mut harness = show(CHECKOUT, &setup(""));
    score(1, 6);
    assert_eq!(question(), "What mattered most?", "why is skipped");
    assert!(find("textarea").is_none());
    press("Escape");
    assert!(widget_root().is_none(), "Esc closes after an answer");
    let outcomes = harness.outcomes();
    assert_eq!(outcomes.len(), 1, "the answer only: {outcomes:?}");
    assert_eq!(outcomes[0].2["value"], 6);
    harness.close();
}

#[wasm_bindgen_test]
fn leaving_reports_a_dismissal_only_when_nothing_was_answered() {
    let mut harness = show(CHECKOUT, &setup(""));
    harness.survey.as_ref().unwrap().leave();
    assert!(widget_root().is_none());
    let outcomes = harness.outcomes();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].0, "$dismiss");
    assert_eq!(outcomes[0].2, serde_json::json!({ "survey": "checkout_ces", "run_id": RUN, "path": "/" }));
    harness.close();

    let mut harness = show(CHECKOUT, &setup(""));
    score(1, 7);
    harness.survey.as_ref().unwrap().leave();
    assert!(widget_root().is_none());
    let names: Vec<String> = harness.outcomes().into_iter().map(|o| o.0).collect();
    assert_eq!(names, ["$response"]);
    harness.close();
}

#[wasm_bindgen_test]
fn several_choices_are_checkboxes_reported_by_their_given_text() {
    let survey = r#"{"id":"why","placement":"center","steps":[{"id":"reason","kind":"choice","question":"Why?",
      "options":[{"en":"Price","de":"Preis"},"Delivery","Other"],"multiple":true}]}"#;
    let mut harness = show(survey, &setup("").replace("\"en\"", "\"de\""));
    assert_eq!(labels(), ["Preis", "Delivery", "Other"], "shown in the locale");
    let boxes = options(&root());
    assert!(boxes.iter().all(|b| b.get_attribute("role").as_deref() == Some("checkbox")));
    assert!(submit().has_attribute("disabled"), "nothing chosen yet");
    tab_in();
    press(" ");
    assert!(!submit().has_attribute("disabled"));
    boxes[2].unchecked_ref::<HtmlElement>().focus().unwrap();
    press(" ");
    boxes[1].unchecked_ref::<HtmlElement>().click();
    boxes[1].unchecked_ref::<HtmlElement>().click();
    assert_eq!(checked(), ["Preis", "Other"], "Space and clicks toggle");
    assert!(harness.outcomes().is_empty());
    submit().click();
    let responses = harness.responses();
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0]["choice"], serde_json::json!(["Price", "Other"]), "the first entry, in option order");
    harness.close();
}

#[wasm_bindgen_test]
fn a_lexicon_is_asked_for_only_with_a_text_step_in_a_language_that_has_one() {
    let name = |source: &str, locale: &str| lexicon_for(source, locale).map(String::from);
    assert_eq!(name("text", "en"), Some("en".into()));
    assert_eq!(name("text", "de-AT"), Some("de".into()));
    assert_eq!(name("text", "fr"), None, "no French lexicon");
    assert_eq!(name("nps", "en"), None, "no text step");
    assert_eq!(name(CHECKOUT, "en"), Some("en".into()), "a text step among others");
    assert_eq!(name(&CHECKOUT.replace(r#""kind": "text""#, r#""kind": "csat""#), "en"), None);
    assert_eq!(name("{broken", "en"), None);
}

#[wasm_bindgen_test]
fn a_text_answer_carries_the_site_patterns_count_sentiment_and_themes() {
    let lexicon = serde_json::to_string("great\t3\nslow\t-2\n!stop the was\n").unwrap();
    let redact = Closure::<dyn Fn(String) -> js_sys::Array>::new(|text: String| {
        let n = text.matches("ORD-1").count() as f64;
        js_sys::Array::of2(&text.replace("ORD-1", "[custom]").into(), &n.into())
    });
    let mut harness = try_show_with(
        "text",
        &setup(&format!(",\"lexicon\":{lexicon}")),
        Some(redact.as_ref().clone().unchecked_into()),
    )
    .map_err(|e| message(&e))
    .expect("a survey that shows");
    tab_in();
    type_text("Great checkout, ORD-1 mail zed.sentinel@example.com");
    key("Enter", true);
    let responses = harness.responses();
    assert_eq!(responses.len(), 1);
    let r = &responses[0];
    assert_eq!(r["text"], "Great checkout, [custom] mail [email]");
    assert_eq!(r["redactions"], serde_json::json!({ "email": 1, "custom": 1 }));
    assert_eq!(r["label"], "positive");
    assert!(r["sentiment"].as_f64().is_some_and(|s| s > 0.0), "{r}");
    assert!(r["themes"].as_array().is_some_and(|t| t.iter().any(|t| t == "checkout")), "{r}");
    harness.close();
    // Without a lexicon: no figures, the answer still goes.
    let mut harness = show("text", &setup(""));
    tab_in();
    type_text("Great");
    key("Enter", true);
    let r = &harness.responses()[0];
    assert_eq!(
        (&r["text"], &r["sentiment"], &r["label"], &r["themes"]),
        (&"Great".into(), &serde_json::Value::Null, &serde_json::Value::Null, &serde_json::json!([]))
    );
    harness.close();
}

#[wasm_bindgen_test]
fn free_text_leaves_redacted_and_never_raw() {
    let mut harness = show("text", &setup(""));
    tab_in();
    type_text("Write to zed.sentinel@example.com, card 4111 1111 1111 1111\u{7}, thanks");
    key("Enter", true);
    let outcomes = harness.outcomes();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].2["text"], "Write to [email], card [card], thanks", "placeholders, controls gone");
    for (_, raw, _, _) in &outcomes {
        assert!(raw.contains("[email]"), "the positive control is found by the same search");
        for sentinel in ["zed.sentinel", "example.com", "4111", "1111 1111"] {
            assert!(!raw.contains(sentinel), "{sentinel} in {raw}");
        }
    }
    harness.close();
}

#[wasm_bindgen_test]
fn a_long_text_is_cut_not_refused() {
    let mut harness = show("text", &setup(""));
    tab_in();
    type_text(&"ab".repeat(2_500));
    key("Enter", true);
    let responses = harness.responses();
    assert_eq!(responses.len(), 1, "a long answer is an answer");
    assert_eq!(responses[0]["text"].as_str().unwrap().chars().count(), 2_000);
    harness.close();
}

#[wasm_bindgen_test]
fn each_nps_bucket_takes_its_own_follow_up() {
    let survey = r#"{"id":"nps_why","placement":"center","steps":[{"id":"score","kind":"nps"},
      {"id":"low","kind":"text","question":"What went wrong?","when":{"step":"score","bucket":"detractor"}},
      {"id":"high","kind":"text","question":"What do you love?","when":{"step":"score","bucket":"promoter"}}]}"#;
    for (n, follow_up, step) in [(3, "What went wrong?", "low"), (10, "What do you love?", "high")] {
        let mut harness = show(survey, &setup(""));
        score(0, n);
        assert_eq!(question(), follow_up, "score {n}");
        type_text("ok");
        submit().click();
        let responses = harness.responses();
        assert_eq!(responses.len(), 2, "score {n}");
        assert_eq!(responses[0]["bucket"], if n == 3 { "detractor" } else { "promoter" });
        assert_eq!(responses[1]["question"], step);
        assert!(find("[role=status]").is_some(), "score {n}: one follow-up, then thanks");
        harness.close();
    }
}

#[wasm_bindgen_test]
fn a_corner_card_takes_no_focus_and_announces_itself() {
    let input = document().create_element("input").unwrap();
    document().body().unwrap().append_child(&input).unwrap();
    input.unchecked_ref::<HtmlElement>().focus().unwrap();
    let mut harness = show(&CHECKOUT.replace("bottom-right", "bottom-left"), &setup(""));
    assert_eq!(document().active_element(), Some(input.clone()), "focus stays on the page");
    assert!(root().active_element().is_none());
    let dialog = find("[role=dialog]").unwrap();
    assert_eq!(dialog.get_attribute("aria-modal"), None);
    assert!(find(".center").is_none(), "no backdrop");
    let live = find("[aria-live=polite]").expect("a live region");
    assert_eq!(live.text_content().unwrap(), "How easy was checkout?");
    let host: HtmlElement = document().query_selector("[data-cxkit=survey]").unwrap().unwrap().unchecked_into();
    assert_eq!(document().body().unwrap().last_element_child(), Some(host.clone().into()), "Tab reaches it last");
    assert_eq!(host.style().get_property_value("--cx-z").unwrap(), "2147483000");
    harness.close();
    assert_eq!(document().active_element(), Some(input.clone()), "closing takes no focus either");
    input.remove();
}

#[wasm_bindgen_test]
fn the_centre_dialog_is_modal_and_takes_focus() {
    let input = document().create_element("input").unwrap();
    document().body().unwrap().append_child(&input).unwrap();
    input.unchecked_ref::<HtmlElement>().focus().unwrap();
    let mut harness = show(&CHECKOUT.replace("bottom-right", "center"), &setup(",\"zIndex\":99999999999"));
    let dialog = find("[role=dialog]").unwrap();
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert!(find(".center").is_some(), "a backdrop");
    let active = root().active_element().expect("focus is inside");
    assert_eq!(active.text_content().unwrap(), "1");
    let host: HtmlElement = document().query_selector("[data-cxkit=survey]").unwrap().unwrap().unchecked_into();
    assert_eq!(host.style().get_property_value("--cx-z").unwrap(), "2147483647", "clamped");

    // Tab wraps: from the close button (first) backwards to the last control, and on to the first.
    find(".close").unwrap().focus().unwrap();
    key_with("Tab", true);
    assert_eq!(root().active_element().unwrap().get_attribute("class").as_deref(), Some("option"));
    press("Tab");
    assert_eq!(root().active_element().unwrap().get_attribute("class").as_deref(), Some("close"));
    harness.close();
    assert_eq!(document().active_element(), Some(input.clone()), "focus goes back where it was");
    input.remove();
}

#[wasm_bindgen_test]
fn a_focused_text_field_follows_the_on_screen_keyboard_until_it_blurs() {
    let mut harness = show("text", &setup(""));
    let host: HtmlElement = document().query_selector("[data-cxkit=survey]").unwrap().unwrap().unchecked_into();
    assert_eq!(host.style().get_property_value("--cx-kb").unwrap(), "");
    tab_in();
    assert_eq!(host.style().get_property_value("--cx-kb").unwrap(), "0px", "no keyboard in a headless browser");
    find(".close").unwrap().focus().unwrap();
    assert_eq!(host.style().get_property_value("--cx-kb").unwrap(), "", "removed with the focus");
    harness.close();
}

#[wasm_bindgen_test]
fn an_inline_survey_renders_in_its_element_or_names_the_missing_one() {
    let slot = document().create_element("div").unwrap();
    slot.set_id("feedback");
    document().body().unwrap().append_child(&slot).unwrap();
    let active = document().active_element();
    let inline = CHECKOUT.replace(r#""bottom-right""#, r##"{"inline":"#feedback"}"##);
    let mut harness = show(&inline, &setup(""));
    let host = slot.query_selector("[data-cxkit=survey]").unwrap().expect("inside #feedback");
    assert!(host.shadow_root().unwrap().query_selector(".center, [aria-modal]").unwrap().is_none());
    let region = host.shadow_root().unwrap().query_selector("[role=region]").unwrap().expect("a region");
    assert_eq!(
        region.get_attribute("aria-labelledby").as_deref(),
        Some("cx-q"),
        "named by its question, not only by a word the page may use too"
    );
    assert_eq!(document().active_element(), active, "no focus taken");
    harness.close();
    slot.remove();

    let error = try_show(&inline.replace("#feedback", "#nowhere"), &setup("")).err().expect("refused");
    assert!(message(&error).contains("#nowhere"), "{}", message(&error));
    assert!(widget_root().is_none());
}

#[wasm_bindgen_test]
fn right_to_left_mirrors_the_scale_and_its_keys() {
    let words = r#","words":{"nps":{"question":"ما مدى احتمال أن توصي بنا؟","low":"غير محتمل","high":"محتمل جدا"},"submit":"إرسال"}"#;
    let mut harness = show("nps", &setup(words).replace("\"en\"", "\"ar\""));
    assert_eq!(find(".panel").unwrap().get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(question(), "ما مدى احتمال أن توصي بنا؟");
    assert_eq!(submit().text_content().unwrap(), "إرسال");
    assert_eq!(find("[role=dialog]").unwrap().get_attribute("aria-label"), None);
    let all = options(&root());
    let (zero, ten) = (all[0].get_bounding_client_rect(), all[10].get_bounding_client_rect());
    assert_eq!(all[0].text_content().unwrap(), "0");
    assert!((zero.top() - ten.top()).abs() < 1.0, "one row");
    assert!(zero.left() > ten.right(), "0 at {} lies right of 10 at {}", zero.left(), ten.right());
    tab_in();
    press("ArrowLeft");
    assert_eq!(checked(), ["1"], "ArrowLeft is the next score, visually on the left");
    press("ArrowRight");
    assert_eq!(checked(), ["0"]);
    harness.close();
}

/// Hostile strings as question and options: the exact literal is each node's text.
fn hostile_strings_stay_text() {
    let control = "a\u{1}b\u{1b}[31mc\u{7f}";
    let words = [r#","words":{"nps":{"question":"#, &serde_json::to_string(control).unwrap(), "}}"].concat();
    let mut harness = show("nps", &setup(&words));
    assert_eq!(question(), control);
    harness.close();

    let hostile = ["</style><script>x</script>", "<img src=x onerror=alert(1)>", "\u{202E}gnp.exe", "a & b"];
    let survey = serde_json::json!({
        "id": "h", "steps": [{ "id": "c", "kind": "choice", "question": hostile[0], "options": &hostile[1..] }]
    });
    let mut harness = show(&survey.to_string(), &setup(""));
    assert_eq!(question(), hostile[0]);
    assert_eq!(labels(), &hostile[1..]);
    assert!(root().query_selector("img, script").unwrap().is_none());
    harness.close();
}

#[wasm_bindgen_test]
fn hostile_strings_are_only_ever_text() {
    hostile_strings_stay_text();
}

#[wasm_bindgen_test]
fn without_constructed_sheets_a_style_element_carries_the_nonce() {
    let prototype = js_sys::Reflect::get(&js_sys::global(), &"ShadowRoot".into()).unwrap();
    let prototype: js_sys::Object = js_sys::Reflect::get(&prototype, &"prototype".into()).unwrap().unchecked_into();
    let name = JsValue::from_str("adoptedStyleSheets");
    let saved = js_sys::Object::get_own_property_descriptor(&prototype, &name);
    assert!(js_sys::Reflect::delete_property(&prototype, &name).unwrap());

    let mut harness = show("nps", &setup(",\"nonce\":\"abc\""));
    let style = find("style[nonce]").expect("a <style> with the nonce");
    assert_eq!(style.get_attribute("nonce").as_deref(), Some("abc"));
    assert!(style.text_content().unwrap().contains(".panel"));
    harness.close();
    hostile_strings_stay_text();

    js_sys::Object::define_property(&prototype, &name, &saved.unchecked_into());
    assert!(js_sys::Reflect::has(&prototype, &name).unwrap(), "restored");
}

#[wasm_bindgen_test]
fn the_protocol_is_the_domain_s() {
    assert_eq!(cxkit_survey::protocol(), cxkit_domain::survey::PROTOCOL);
}

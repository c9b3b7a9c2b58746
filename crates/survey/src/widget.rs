//! The survey widget: any configured survey, step after step, in a Shadow DOM, so the page's
//! CSS cannot break it and its CSS cannot leak into the page (issue 16, "How it looks and
//! behaves").
//!
//! Every string is set with `textContent`, never parsed as HTML. Styles go in through
//! `adoptedStyleSheets`, which a strict CSP allows, else a `<style>` carrying the page's nonce.
//! Scales and single choices are radio groups with a roving tabindex (WAI-ARIA APG "Radio
//! Group"): arrow keys move the selection (mirrored in right-to-left text), Enter / Space /
//! Submit confirm it, and selecting alone never submits (decisions.md §28). Several choices are
//! checkboxes (Space toggles). Free text is a `<textarea>` (Ctrl/Cmd+Enter submits).
//!
//! Focus (decisions.md §30): the centre placement is a modal dialog that takes focus, traps Tab
//! and gives focus back when it closes; a corner card or an inline survey takes no focus and
//! announces itself through a polite live region. Esc dismisses (closes, after an answer).

use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use cxkit_runtime::{EventListener, Timeout};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use cxkit_domain::json::write_integer;
use cxkit_domain::survey::branch::Answer;
use cxkit_domain::survey::spec::{Localized, Placement, Spec, Step, StepKind};
use cxkit_domain::survey::{is_blank, Outcome, Reply, SurveyKind};
use cxkit_domain::text::analysis::analyse_with;

use crate::bindings::{viewport_inset, Setup};

/// How long the thank-you note stays before the widget removes itself.
const THANKS_MS: u32 = 2_500;

/// The stylesheet, minified by build.rs from widget.css.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// What Tab moves between, in the modal.
const FOCUSABLE: &str = ":is(button:not([disabled]),textarea,[role=checkbox]):not([tabindex='-1'])";

/// How the placement behaves with focus.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The centre dialog: modal, takes and traps focus.
    Modal,
    /// A corner card: takes no focus, announces itself.
    Corner,
    /// Inside a page element: takes no focus, announces itself.
    Inline,
}

/// A mounted survey. Dropping it removes it from the page and all its listeners.
#[must_use = "the widget is removed when this handle is dropped"]
pub struct Widget {
    parts: Rc<Parts>,
}

struct Parts {
    me: Weak<Parts>,
    spec: Spec,
    setup: Setup,
    mode: Mode,
    host: HtmlElement,
    root: ShadowRoot,
    document: Document,
    close: HtmlElement,
    /// The current step's controls (or the thank-you), replaced at each step.
    body: Element,
    /// The polite live region of the non-modal placements.
    live: Option<Element>,
    previous_focus: Option<HtmlElement>,
    on_outcome: Box<dyn Fn(&Outcome)>,
    /// `Cell`s, not `RefCell`s: taken and put back whole (or cloned out, for the `Rc`), so
    /// there is no borrow that could fail, and no borrow-panic text in the module
    /// (docs/panic-free.md).
    step: Cell<Option<Rc<StepUi>>>,
    answers: Cell<Vec<Option<Answer>>>,
    answered: Cell<bool>,
    finished: Cell<bool>,
    listeners: Cell<Vec<EventListener>>,
    /// The `visualViewport` listeners while a text field has focus.
    viewport: Cell<Vec<EventListener>>,
    close_timer: Cell<Option<Timeout>>,
}

/// The controls of the step on screen.
struct StepUi {
    index: usize,
    form: Form,
    options: Vec<HtmlElement>,
    text: Option<HtmlTextAreaElement>,
    submit: HtmlElement,
    /// The selected option of a radio group.
    selected: Cell<Option<usize>>,
    /// The checked options of a checkbox group, one bit each (at most 10 options).
    checked: Cell<u32>,
}

/// What a step's controls are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A scale of this kind, from this lowest score.
    Scale(SurveyKind, u8),
    /// One of the options.
    Single,
    /// Any of the options.
    Multiple,
    /// Free text.
    Text,
}

impl Drop for Widget {
    fn drop(&mut self) {
        drop(self.parts.listeners.take());
        drop(self.parts.close_timer.take());
        self.parts.close();
    }
}

fn element(document: &Document, tag: &str, class: &str, parent: &web_sys::Node) -> Result<HtmlElement, JsValue> {
    let element = document.create_element(tag)?;
    if !class.is_empty() {
        element.set_attribute("class", class)?;
    }
    parent.append_child(&element)?;
    Ok(element.unchecked_into())
}

fn text(
    document: &Document,
    tag: &str,
    class: &str,
    parent: &web_sys::Node,
    content: &str,
) -> Result<HtmlElement, JsValue> {
    let element = element(document, tag, class, parent)?;
    element.set_text_content(Some(content));
    Ok(element)
}

/// A JS `Error` with `parts` as its message.
pub fn error(parts: &[&str]) -> JsValue {
    js_sys::Error::new(&parts.concat()).into()
}

/// The text of an option as reported: the one string, or the first entry of a map by locale.
fn canonical(words: &Localized) -> &str {
    match words {
        Localized::One(text) => text,
        Localized::ByLocale(entries) => entries.first().map_or("", |(_, text)| text.as_str()),
    }
}

/// Shows `spec` and calls `on_outcome` for each answered step, or once for a dismissal.
pub fn mount(
    document: &Document,
    spec: Spec,
    setup: Setup,
    on_outcome: Box<dyn Fn(&Outcome)>,
) -> Result<Widget, JsValue> {
    let (mode, frame_class) = match &spec.placement {
        Placement::Center => (Mode::Modal, "frame center"),
        Placement::BottomRight => (Mode::Corner, "frame corner"),
        Placement::BottomLeft => (Mode::Corner, "frame corner start"),
        Placement::Inline(_) => (Mode::Inline, "frame inline"),
    };
    let parent: Element = match &spec.placement {
        Placement::Inline(selector) => match document.query_selector(selector) {
            Ok(Some(found)) => found,
            _ => return Err(error(&["survey: no element matches the inline selector ", selector])),
        },
        _ => document.body().ok_or_else(|| error(&["document has no body"]))?.into(),
    };
    // `focus()` is on every element that can hold focus; no type check needed (each costs glue).
    let previous_focus: Option<HtmlElement> = document.active_element().map(JsCast::unchecked_into);

    let host: HtmlElement = document.create_element("div")?.unchecked_into();
    host.set_attribute("data-cxkit", "survey")?;
    host.set_attribute("data-cx-ignore", "")?;
    let mut z = String::new();
    write_integer(setup.z_index, &mut z);
    host.style().set_property("--cx-z", &z)?;
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let root = host.attach_shadow(&init)?;
    adopt_styles(document, &root, setup.nonce.as_deref())?;

    let frame = element(document, "div", frame_class, &root)?;
    let panel = element(document, "div", "panel", &frame)?;
    // The language of its words: line breaks (Japanese phrases), CJK glyph forms, screen readers.
    panel.set_attribute("lang", &setup.locale)?;
    if setup.rtl {
        frame.set_attribute("dir", "rtl")?;
        panel.set_attribute("dir", "rtl")?;
    }
    match mode {
        Mode::Inline => {
            panel.set_attribute("role", "region")?;
            // Named by the question, so it stays unique beside the page's own landmarks (an
            // element it sits in is often named "Feedback" too); the word is the name left
            // once the thank-you has replaced the question.
            panel.set_attribute("aria-labelledby", "cx-q")?;
            panel.set_attribute("aria-label", setup.word("survey"))?;
        }
        _ => {
            panel.set_attribute("role", "dialog")?;
            panel.set_attribute("aria-labelledby", "cx-q")?;
            if mode == Mode::Modal {
                panel.set_attribute("aria-modal", "true")?;
            }
        }
    }
    let close = text(document, "button", "close", &panel, "×")?;
    close.set_attribute("type", "button")?;
    close.set_attribute("aria-label", setup.word("close"))?;
    let body = element(document, "div", "", &panel)?;
    let live = match mode {
        Mode::Modal => None,
        _ => {
            let live = element(document, "div", "sr", &root)?;
            live.set_attribute("aria-live", "polite")?;
            Some(live.into())
        }
    };

    parent.append_child(&host)?;
    let steps = spec.steps.len();
    let parts = Rc::new_cyclic(|me| Parts {
        me: me.clone(),
        spec,
        setup,
        mode,
        host,
        root,
        document: document.clone(),
        close,
        body: body.into(),
        live,
        previous_focus,
        on_outcome,
        step: Cell::new(None),
        answers: Cell::new(vec![None; steps]),
        answered: Cell::new(false),
        finished: Cell::new(false),
        listeners: Cell::new(Vec::new()),
        viewport: Cell::new(Vec::new()),
        close_timer: Cell::new(None),
    });
    let listeners = vec![
        parts.listen(&panel, "click", Parts::on_click),
        parts.listen(&panel, "keydown", Parts::on_key),
        parts.listen(&panel, "input", Parts::on_input),
        parts.listen(&panel, "focusin", Parts::on_focus_in),
        parts.listen(&panel, "focusout", Parts::on_focus_out),
    ];
    parts.listeners.set(listeners);
    match parts.spec.next_step(None, &[]) {
        Some(first) => parts.show_step(first)?,
        None => return Err(error(&["survey: no step to show"])),
    }
    Ok(Widget { parts })
}

/// Styles through a constructed sheet (CSP-safe); a `<style>` element, with the page's nonce,
/// where that is missing.
fn adopt_styles(document: &Document, root: &ShadowRoot, nonce: Option<&str>) -> Result<(), JsValue> {
    match web_sys::CssStyleSheet::new() {
        Ok(sheet) if js_sys::Reflect::has(root, &JsValue::from_str("adoptedStyleSheets")).unwrap_or(false) => {
            sheet.replace_sync(CSS)?;
            root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        }
        _ => {
            let style = text(document, "style", "", root, CSS)?;
            if let Some(nonce) = nonce {
                style.set_attribute("nonce", nonce)?;
            }
        }
    }
    Ok(())
}

impl Parts {
    fn listen(
        &self,
        target: &web_sys::EventTarget,
        kind: &'static str,
        handler: fn(&Parts, &web_sys::Event),
    ) -> EventListener {
        let me = self.me.clone();
        EventListener::new(target, kind, move |event| {
            if let Some(parts) = me.upgrade() {
                handler(&parts, event);
            }
        })
    }

    /// The step on screen, cloned out of its cell so a handler that runs meanwhile sees it too.
    fn ui(&self) -> Option<Rc<StepUi>> {
        let ui = self.step.take();
        self.step.set(ui.clone());
        ui
    }

    /// Whether focus is in the widget, or belongs there (the modal).
    fn holds_focus(&self) -> bool {
        self.mode == Mode::Modal || self.root.active_element().is_some()
    }

    /// The step's own words for `part` in the locale, else the module's words for its kind.
    fn wording<'s>(&'s self, step: &'s Step, own: Option<&'s Localized>, part: &str) -> &'s str {
        if let Some(words) = own {
            return words.pick(&self.setup.locale);
        }
        match step.kind {
            StepKind::Builtin(kind) => self.setup.word(&[kind.id(), ".", part].concat()),
            StepKind::Choice { .. } => "",
        }
    }

    /// Replaces what is on screen with step `index`.
    fn show_step(&self, index: usize) -> Result<(), JsValue> {
        let Some(step) = self.spec.steps.get(index) else { return Ok(()) };
        let focus = self.holds_focus();
        let document = &self.document;
        let body = &self.body;
        body.set_text_content(None);
        let question_text = self.wording(step, step.question.as_ref(), "question");
        let mut options = Vec::new();
        let mut textarea = None;
        let form = match &step.kind {
            StepKind::Builtin(SurveyKind::Text) => {
                let label = text(document, "label", "question", body, question_text)?;
                label.set_attribute("id", "cx-q")?;
                label.set_attribute("for", "cx-text")?;
                let field: HtmlTextAreaElement = element(document, "textarea", "", body)?.unchecked_into();
                field.set_attribute("id", "cx-text")?;
                field.set_attribute("rows", "4")?;
                field.set_placeholder(self.setup.word("placeholder"));
                textarea = Some(field);
                Form::Text
            }
            StepKind::Builtin(kind) => {
                let (low, high) = kind.scale().unwrap_or((0, 0));
                text(document, "p", "question", body, question_text)?.set_attribute("id", "cx-q")?;
                let scale = element(document, "div", "scale", body)?;
                scale.set_attribute("role", "radiogroup")?;
                scale.set_attribute("aria-labelledby", "cx-q")?;
                scale.set_attribute("aria-describedby", "cx-low cx-high")?;
                let mut label = String::new();
                for score in low..=high {
                    label.clear();
                    write_integer(i64::from(score), &mut label);
                    options.push(self.option(&scale, &label, "option", "radio", score == low)?);
                }
                let ends = element(document, "div", "ends", body)?;
                let low_label = self.wording(step, step.low.as_ref(), "low");
                text(document, "span", "", &ends, low_label)?.set_attribute("id", "cx-low")?;
                let high_label = self.wording(step, step.high.as_ref(), "high");
                text(document, "span", "", &ends, high_label)?.set_attribute("id", "cx-high")?;
                Form::Scale(*kind, low)
            }
            StepKind::Choice { options: choices, multiple } => {
                text(document, "p", "question", body, question_text)?.set_attribute("id", "cx-q")?;
                let group = element(document, "div", "choices", body)?;
                group.set_attribute("role", if *multiple { "group" } else { "radiogroup" })?;
                group.set_attribute("aria-labelledby", "cx-q")?;
                for (i, choice) in choices.iter().enumerate() {
                    let words = choice.pick(&self.setup.locale);
                    let option = match multiple {
                        true => self.option(&group, words, "option choice", "checkbox", true)?,
                        false => self.option(&group, words, "option choice", "radio", i == 0)?,
                    };
                    options.push(option);
                }
                if *multiple {
                    Form::Multiple
                } else {
                    Form::Single
                }
            }
        };
        let answers = self.answers.take();
        let last = !self.spec.may_follow(index, &answers);
        self.answers.set(answers);
        let submit = text(document, "button", "submit", body, self.setup.word(if last { "submit" } else { "next" }))?;
        submit.set_attribute("type", "button")?;
        submit.set_attribute("disabled", "")?;
        let first: Option<HtmlElement> = match &textarea {
            Some(field) => Some(field.clone().unchecked_into()),
            None => options.first().cloned(),
        };
        self.step.set(Some(Rc::new(StepUi {
            index,
            form,
            options,
            text: textarea,
            submit,
            selected: Cell::new(None),
            checked: Cell::new(0),
        })));
        if let Some(live) = &self.live {
            live.set_text_content(Some(question_text));
        }
        if let (true, Some(first)) = (focus, first) {
            let _ = first.focus();
        }
        Ok(())
    }

    /// One option of a group: a radio (a button, in a roving tabindex) or a checkbox (an
    /// element with no activation of its own, so Space toggles it once).
    fn option(
        &self,
        group: &HtmlElement,
        label: &str,
        class: &str,
        role: &str,
        tab_stop: bool,
    ) -> Result<HtmlElement, JsValue> {
        let tag = if role == "radio" { "button" } else { "div" };
        let option = text(&self.document, tag, class, group, label)?;
        if role == "radio" {
            option.set_attribute("type", "button")?;
        }
        option.set_attribute("role", role)?;
        option.set_attribute("aria-checked", "false")?;
        option.set_attribute("tabindex", if tab_stop { "0" } else { "-1" })?;
        Ok(option)
    }

    fn on_click(&self, event: &web_sys::Event) {
        let target: Option<JsValue> = event.target().map(Into::into);
        if target.as_ref() == Some(AsRef::<JsValue>::as_ref(&self.close)) {
            return self.dismiss();
        }
        let Some(ui) = self.ui() else { return };
        if target.as_ref() == Some(AsRef::<JsValue>::as_ref(&ui.submit)) {
            return self.confirm();
        }
        if let Some(index) = ui.index_of(event.target()) {
            match ui.form {
                Form::Multiple => ui.toggle(index),
                _ => ui.select(index),
            }
        }
    }

    fn on_input(&self, _: &web_sys::Event) {
        if let Some(ui) = self.ui() {
            if let Some(field) = &ui.text {
                ui.enable(!is_blank(&field.value()));
            }
        }
    }

    fn is_text_field(&self, event: &web_sys::Event) -> bool {
        let target: Option<JsValue> = event.target().map(Into::into);
        self.ui().is_some_and(|ui| ui.text.as_ref().map(AsRef::<JsValue>::as_ref) == target.as_ref())
    }

    /// A text field took focus: keep the card above an on-screen keyboard while it has it.
    fn on_focus_in(&self, event: &web_sys::Event) {
        if !self.is_text_field(event) {
            return;
        }
        let Some(viewport) = crate::bindings::Global::visual_viewport() else { return };
        let update = |parts: &Parts, _: &web_sys::Event| parts.set_keyboard_inset();
        self.viewport.set(vec![self.listen(&viewport, "resize", update), self.listen(&viewport, "scroll", update)]);
        self.set_keyboard_inset();
    }

    fn on_focus_out(&self, event: &web_sys::Event) {
        if self.is_text_field(event) {
            drop(self.viewport.take());
            let _ = self.host.style().remove_property("--cx-kb");
        }
    }

    /// `--cx-kb`: how much of the layout viewport's bottom the on-screen keyboard covers.
    fn set_keyboard_inset(&self) {
        let mut inset = String::new();
        write_integer(viewport_inset(), &mut inset);
        inset.push_str("px");
        let _ = self.host.style().set_property("--cx-kb", &inset);
    }

    fn on_key(&self, event: &web_sys::Event) {
        // Only ever registered for `keydown`, whose events are keyboard events.
        let key_event: &KeyboardEvent = event.unchecked_ref();
        let key = key_event.key();
        match key.as_str() {
            "Escape" => {
                event.prevent_default();
                return self.dismiss();
            }
            "Tab" if self.mode == Mode::Modal => return self.trap_tab(key_event),
            _ => {}
        }
        let Some(ui) = self.ui() else { return };
        if self.is_text_field(event) {
            if key == "Enter" && (key_event.ctrl_key() || key_event.meta_key()) {
                event.prevent_default();
                self.confirm();
            }
            return;
        }
        let Some(at) = ui.index_of(event.target()) else { return };
        let last = ui.options.len().saturating_sub(1);
        if ui.form == Form::Multiple {
            match key.as_str() {
                " " => ui.toggle(at),
                "Enter" => self.confirm(),
                _ => return,
            }
            return event.prevent_default();
        }
        let current = ui.selected.get().unwrap_or(at);
        let (forward, back) = if self.setup.rtl { ("ArrowLeft", "ArrowRight") } else { ("ArrowRight", "ArrowLeft") };
        let next = match key.as_str() {
            "ArrowDown" => (current + 1).min(last),
            "ArrowUp" => current.saturating_sub(1),
            k if k == forward => (current + 1).min(last),
            k if k == back => current.saturating_sub(1),
            "Home" => 0,
            "End" => last,
            "Enter" | " " => {
                event.prevent_default();
                return match ui.selected.get() {
                    Some(_) => self.confirm(),
                    None => ui.select(at),
                };
            }
            _ => return,
        };
        event.prevent_default();
        ui.select(next);
    }

    /// Keeps Tab inside the dialog: from the last focusable control back to the first.
    fn trap_tab(&self, event: &KeyboardEvent) {
        let Ok(focusables) = self.root.query_selector_all(FOCUSABLE) else { return };
        let (Some(first), Some(last)) = (focusables.get(0), focusables.get(focusables.length().saturating_sub(1)))
        else {
            return;
        };
        let active: Option<web_sys::Node> = self.root.active_element().map(Into::into);
        let wrap_to = match (event.shift_key(), active) {
            (false, Some(node)) if node == last => first,
            (true, Some(node)) if node == first => last,
            (_, None) => first,
            _ => return,
        };
        event.prevent_default();
        let _ = wrap_to.unchecked_into::<HtmlElement>().focus();
    }

    /// Reports the step's answer, if it has one, and shows what comes next.
    fn confirm(&self) {
        let Some(ui) = self.ui() else { return };
        let Some(step) = self.spec.steps.get(ui.index) else { return };
        if self.finished.get() {
            return;
        }
        let report = |reply| (self.on_outcome)(&Outcome::Answered { step: &step.id, reply });
        let answer = match ui.form {
            Form::Scale(kind, low) => {
                let Some(selected) = ui.selected.get() else { return };
                let score = low.saturating_add(selected as u8);
                report(Reply::Score(kind, score));
                Answer::Score(score)
            }
            Form::Single | Form::Multiple => {
                let chosen = ui.chosen();
                let StepKind::Choice { options, .. } = &step.kind else { return };
                if chosen.is_empty() {
                    return;
                }
                let texts: Vec<&str> = chosen.iter().filter_map(|&i| options.get(i)).map(canonical).collect();
                report(Reply::Choice(&texts));
                Answer::Choice(chosen)
            }
            Form::Text => {
                let raw = ui.text.as_ref().map(HtmlTextAreaElement::value).unwrap_or_default();
                if is_blank(&raw) {
                    return;
                }
                let analysis = analyse_with(&raw, self.setup.lexicon.as_ref(), |window| self.setup.custom(window));
                drop(raw);
                report(Reply::Text(&analysis));
                Answer::Text
            }
        };
        self.answered.set(true);
        let mut answers = self.answers.take();
        if let Some(slot) = answers.get_mut(ui.index) {
            *slot = Some(answer);
        }
        let next = self.spec.next_step(Some(ui.index), &answers);
        self.answers.set(answers);
        match next {
            Some(index) if self.show_step(index).is_ok() => {}
            _ => self.thank(),
        }
    }

    /// The thank-you note, announced, then the widget goes.
    fn thank(&self) {
        self.finished.set(true);
        let focus = self.holds_focus();
        self.step.set(None);
        self.body.set_text_content(None);
        let words = match &self.spec.thank_you {
            Some(own) => own.pick(&self.setup.locale),
            None => self.setup.word("thanks"),
        };
        if let Ok(thanks) = text(&self.document, "p", "thanks", &self.body, words) {
            let _ = thanks.set_attribute("role", "status");
            let _ = thanks.set_attribute("tabindex", "-1");
            if focus {
                let _ = thanks.focus();
            }
        }
        let me = self.me.clone();
        self.close_timer.set(Some(Timeout::new(THANKS_MS, move || {
            if let Some(parts) = me.upgrade() {
                parts.close();
            }
        })));
    }

    /// × / Esc / the page going: a dismissal if nothing was answered, then close.
    pub fn dismiss(&self) {
        if !self.answered.get() && !self.finished.replace(true) {
            (self.on_outcome)(&Outcome::Dismissed);
        }
        self.close();
    }

    /// Removes the widget; focus goes back where it was if it was in the widget.
    fn close(&self) {
        self.finished.set(true);
        drop(self.viewport.take());
        if !self.host.is_connected() {
            return;
        }
        let focus = self.holds_focus();
        self.host.remove();
        if let (true, Some(element)) = (focus, &self.previous_focus) {
            let _ = element.focus();
        }
    }
}

impl StepUi {
    fn index_of(&self, target: Option<web_sys::EventTarget>) -> Option<usize> {
        let target: JsValue = target?.into();
        self.options.iter().position(|option| AsRef::<JsValue>::as_ref(option) == &target)
    }

    fn enable(&self, on: bool) {
        let _ = match on {
            true => self.submit.remove_attribute("disabled"),
            false => self.submit.set_attribute("disabled", ""),
        };
    }

    /// Selects radio `index` and moves the tab stop and focus to it.
    fn select(&self, index: usize) {
        for (i, option) in self.options.iter().enumerate() {
            let _ = option.set_attribute("aria-checked", if i == index { "true" } else { "false" });
            let _ = option.set_attribute("tabindex", if i == index { "0" } else { "-1" });
        }
        self.selected.set(Some(index));
        self.enable(true);
        if let Some(option) = self.options.get(index) {
            let _ = option.focus();
        }
    }

    /// Checks or unchecks checkbox `index`.
    fn toggle(&self, index: usize) {
        let Some(option) = self.options.get(index) else { return };
        let checked = self.checked.get() ^ (1u32 << (index & 31));
        self.checked.set(checked);
        let _ = option.set_attribute("aria-checked", if checked & (1 << (index & 31)) != 0 { "true" } else { "false" });
        self.enable(checked != 0);
    }

    /// The options chosen, ascending.
    fn chosen(&self) -> Vec<usize> {
        match self.form {
            Form::Multiple => (0..self.options.len()).filter(|&i| self.checked.get() & (1 << (i & 31)) != 0).collect(),
            _ => self.selected.get().into_iter().collect(),
        }
    }
}

impl Widget {
    /// The element the widget hangs from, for tests and for the instance to find it.
    pub fn host(&self) -> &Element {
        &self.parts.host
    }

    /// The page is going: a dismissal if nothing was answered; the widget closes.
    pub fn leave(&self) {
        self.parts.dismiss();
    }
}

//! The survey widget: a scale question in a Shadow DOM, so the page's CSS cannot break it and
//! its CSS cannot leak into the page.
//!
//! Every string is set with `textContent`, never parsed as HTML. Styles go in through
//! `adoptedStyleSheets`, which a strict CSP allows. The scale is a radio group with a roving
//! tabindex (WAI-ARIA APG "Radio Group"): arrow keys move the selection, Enter / Space / Submit
//! confirm it, and selecting alone never submits (decisions.md §28). The dialog is modal: it
//! takes focus, traps Tab and gives focus back when it closes; Esc dismisses it.

use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use cxkit_runtime::{EventListener, Timeout};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, KeyboardEvent, ShadowRoot, ShadowRootInit, ShadowRootMode};

use cxkit_domain::json::write_integer;
use cxkit_domain::survey::{Outcome, SurveyKind};

use crate::wording::wording;

/// How long the thank-you note stays before the widget removes itself.
const THANKS_MS: u32 = 2_500;

/// The stylesheet, minified by build.rs from widget.css.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// A mounted survey. Dropping it removes it from the page and all its listeners.
#[must_use = "the widget is removed when this handle is dropped"]
pub struct Widget {
    parts: Rc<Parts>,
}

struct Parts {
    kind: SurveyKind,
    document: Document,
    host: Element,
    root: ShadowRoot,
    panel: Element,
    options: Vec<HtmlElement>,
    submit: HtmlElement,
    selected: Cell<Option<usize>>,
    finished: Cell<bool>,
    previous_focus: Option<HtmlElement>,
    on_outcome: Box<dyn Fn(Outcome)>,
    /// `Cell`s, not `RefCell`s: taken and put back whole, so there is no borrow that could
    /// fail, and no borrow-panic text in the module (docs/panic-free.md).
    listeners: Cell<Vec<EventListener>>,
    close_timer: Cell<Option<Timeout>>,
}

impl Drop for Widget {
    fn drop(&mut self) {
        drop(self.parts.listeners.take());
        drop(self.parts.close_timer.take());
        self.parts.host.remove();
        if let Some(element) = &self.parts.previous_focus {
            let _ = element.focus();
        }
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

/// Shows a scale survey of `kind` and calls `on_outcome` once, when it is answered or dismissed.
pub fn mount(document: &Document, kind: SurveyKind, on_outcome: Box<dyn Fn(Outcome)>) -> Result<Widget, JsValue> {
    let (low, high) = kind.scale().ok_or_else(|| JsValue::from_str("survey: free text is not available yet"))?;
    let wording = wording(kind);
    let body = document.body().ok_or_else(|| JsValue::from_str("document has no body"))?;
    // `focus()` is on every element that can hold focus; no type check needed (each costs glue).
    let previous_focus: Option<HtmlElement> = document.active_element().map(JsCast::unchecked_into);

    let host = document.create_element("div")?;
    host.set_attribute("data-cxkit", "survey")?;
    host.set_attribute("data-cx-ignore", "")?;
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let root = host.attach_shadow(&init)?;
    adopt_styles(document, &root)?;

    let backdrop = element(document, "div", "backdrop", &root)?;
    let panel = element(document, "div", "panel", &backdrop)?;
    panel.set_attribute("role", "dialog")?;
    panel.set_attribute("aria-modal", "true")?;
    panel.set_attribute("aria-labelledby", "cx-question")?;
    let close = text(document, "button", "close", &panel, "×")?;
    close.set_attribute("type", "button")?;
    close.set_attribute("aria-label", "Close")?;
    let question = text(document, "p", "question", &panel, wording.question)?;
    question.set_attribute("id", "cx-question")?;
    let scale = element(document, "div", "scale", &panel)?;
    scale.set_attribute("role", "radiogroup")?;
    scale.set_attribute("aria-labelledby", "cx-question")?;
    let mut options = Vec::new();
    let mut label = String::new();
    for score in low..=high {
        label.clear();
        write_integer(i64::from(score), &mut label);
        let option = text(document, "button", "option", &scale, &label)?;
        option.set_attribute("type", "button")?;
        option.set_attribute("role", "radio")?;
        option.set_attribute("aria-checked", "false")?;
        option.set_attribute("tabindex", if score == low { "0" } else { "-1" })?;
        options.push(option);
    }
    let ends = element(document, "div", "ends", &panel)?;
    text(document, "span", "", &ends, wording.low)?;
    text(document, "span", "", &ends, wording.high)?;
    let submit = text(document, "button", "submit", &panel, "Submit")?;
    submit.set_attribute("type", "button")?;
    submit.set_attribute("disabled", "")?;

    body.append_child(&host)?;
    let parts = Rc::new(Parts {
        kind,
        document: document.clone(),
        host,
        root,
        panel: panel.clone().into(),
        options,
        submit: submit.clone(),
        selected: Cell::new(None),
        finished: Cell::new(false),
        previous_focus,
        on_outcome,
        listeners: Cell::new(Vec::new()),
        close_timer: Cell::new(None),
    });
    wire(&parts, &close, &submit)?;
    if let Some(first) = parts.options.first() {
        let _ = first.focus();
    }
    Ok(Widget { parts })
}

/// Styles through a constructed sheet (CSP-safe); a `<style>` element where that is missing.
fn adopt_styles(document: &Document, root: &ShadowRoot) -> Result<(), JsValue> {
    match web_sys::CssStyleSheet::new() {
        Ok(sheet) if js_sys::Reflect::has(root, &JsValue::from_str("adoptedStyleSheets")).unwrap_or(false) => {
            sheet.replace_sync(CSS)?;
            root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        }
        _ => {
            text(document, "style", "", root, CSS)?;
        }
    }
    Ok(())
}

fn listen(parts: &Rc<Parts>, target: &web_sys::EventTarget, kind: &'static str, handler: fn(&Parts, &web_sys::Event)) {
    let weak: Weak<Parts> = Rc::downgrade(parts);
    let listener = EventListener::new(target, kind, move |event| {
        if let Some(parts) = weak.upgrade() {
            handler(&parts, event);
        }
    });
    let mut listeners = parts.listeners.take();
    listeners.push(listener);
    parts.listeners.set(listeners);
}

fn wire(parts: &Rc<Parts>, close: &HtmlElement, submit: &HtmlElement) -> Result<(), JsValue> {
    listen(parts, close, "click", |parts, _| parts.finish(Outcome::Dismissed));
    listen(parts, submit, "click", |parts, _| parts.confirm());
    for option in &parts.options {
        listen(parts, option, "click", |parts, event| {
            if let Some(index) = parts.index_of(event.target()) {
                parts.select(index);
            }
        });
    }
    listen(parts, &parts.panel, "keydown", |parts, event| parts.on_key(event));
    Ok(())
}

impl Parts {
    fn index_of(&self, target: Option<web_sys::EventTarget>) -> Option<usize> {
        let target: JsValue = target?.into();
        self.options.iter().position(|option| JsValue::from(option) == target)
    }

    fn select(&self, index: usize) {
        if self.finished.get() {
            return;
        }
        for (i, option) in self.options.iter().enumerate() {
            let _ = option.set_attribute("aria-checked", if i == index { "true" } else { "false" });
            let _ = option.set_attribute("tabindex", if i == index { "0" } else { "-1" });
        }
        self.selected.set(Some(index));
        let _ = self.submit.remove_attribute("disabled");
        if let Some(option) = self.options.get(index) {
            let _ = option.focus();
        }
    }

    fn confirm(&self) {
        if let (Some((low, _)), Some(index)) = (self.kind.scale(), self.selected.get()) {
            self.finish(Outcome::Answered(low + index as u8));
        }
    }

    fn finish(&self, outcome: Outcome) {
        if self.finished.replace(true) {
            return;
        }
        (self.on_outcome)(outcome);
        if outcome == Outcome::Dismissed {
            self.host.remove();
            return;
        }
        self.panel.set_text_content(None);
        let document = &self.document;
        if let Ok(thanks) = text(document, "p", "thanks", &self.panel, "Thank you for your feedback!") {
            let _ = thanks.set_attribute("role", "status");
            let _ = thanks.set_attribute("tabindex", "-1");
            let _ = thanks.focus();
        }
        let host = self.host.clone();
        self.close_timer.set(Some(Timeout::new(THANKS_MS, move || host.remove())));
    }

    fn on_key(&self, event: &web_sys::Event) {
        // Only ever registered for `keydown`, whose events are keyboard events.
        let key_event: &KeyboardEvent = event.unchecked_ref();
        let key = key_event.key();
        let in_scale = self.index_of(event.target()).is_some();
        let current = self.selected.get().or_else(|| self.index_of(event.target()));
        let last = self.options.len() - 1;
        let next = match key.as_str() {
            "Escape" => {
                self.finish(Outcome::Dismissed);
                return event.prevent_default();
            }
            "Tab" => return self.trap_tab(key_event),
            "ArrowRight" | "ArrowDown" if in_scale => current.map_or(0, |i| (i + 1).min(last)),
            "ArrowLeft" | "ArrowUp" if in_scale => current.map_or(0, |i| i.saturating_sub(1)),
            "Home" if in_scale => 0,
            "End" if in_scale => last,
            "Enter" | " " if in_scale => {
                event.prevent_default();
                return match self.selected.get() {
                    Some(_) => self.confirm(),
                    None => self.select(current.unwrap_or(0)),
                };
            }
            _ => return,
        };
        event.prevent_default();
        self.select(next);
    }

    /// Keeps Tab inside the dialog: from the last focusable control back to the first.
    fn trap_tab(&self, event: &KeyboardEvent) {
        let focusables = self.root.query_selector_all("button:not([disabled]):not([tabindex='-1'])");
        let Ok(focusables) = focusables else { return };
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
}

impl Widget {
    /// The element the widget hangs from, for tests and for the instance to find it.
    pub fn host(&self) -> &Element {
        &self.parts.host
    }
}

//! An event listener that is removed when its handle is dropped: gloo-events'
//! `EventListener`, without std.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

/// A listener for `kind` events on a target. Dropping the handle removes it, so the callback
/// (and what it holds) never outlives its owner.
///
/// Added without options: `passive` only matters for touch and wheel events, so for the
/// events cxkit listens to a handler may call `preventDefault()`.
#[must_use = "the listener is removed when this handle is dropped"]
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(&Event)>,
}

impl EventListener {
    /// Calls `callback` with each `kind` event on `target`. A target that refuses the
    /// listener (`addEventListener` throws only on a broken page) gets none.
    pub fn new(target: &EventTarget, kind: &'static str, callback: impl FnMut(&Event) + 'static) -> EventListener {
        let callback = Closure::<dyn FnMut(&Event)>::new(callback);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        EventListener { target: target.clone(), kind, callback }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

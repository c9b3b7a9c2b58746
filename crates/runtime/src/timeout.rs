//! A timer that is cleared when its handle is dropped: gloo-timers' `Timeout`, without std.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    /// `catch`: a page that broke `setTimeout` gets no timer, not an exception through our
    /// frames.
    #[wasm_bindgen(js_name = setTimeout, catch)]
    fn set_timeout(handler: &Closure<dyn FnMut()>, ms: u32) -> Result<i32, JsValue>;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: i32);
}

/// A callback scheduled with `setTimeout`. Dropping the handle clears it, so an owner that
/// goes away takes its pending callback with it.
#[must_use = "the timer is cleared when this handle is dropped"]
pub struct Timeout {
    id: Option<i32>,
    /// Owned by the handle, so it lives as long as the timer can fire: JS holds only a
    /// reference to it.
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `callback` once, `ms` milliseconds from now. Browsers fire at once for a delay
    /// above `i32::MAX` ms (24.8 days); callers keep theirs shorter.
    pub fn new(ms: u32, callback: impl FnOnce() + 'static) -> Timeout {
        let callback = Closure::once(callback);
        Timeout { id: set_timeout(&callback, ms).ok(), _callback: callback }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            clear_timeout(id);
        }
    }
}

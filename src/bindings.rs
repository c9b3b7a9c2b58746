//! The `#[wasm_bindgen]` surface, and nothing else: one class, `Core`, that the npm wrapper
//! (`npm/src/core.ts`) drives. Crossed per send or per cold call, never per event.

use wasm_bindgen::prelude::*;

use crate::web::instance::Instance;

/// A running cxkit instance, as seen from JavaScript.
#[wasm_bindgen]
pub struct Core {
    instance: Instance,
}

#[wasm_bindgen]
impl Core {
    /// Validates `config` (JSON text) and starts. `buffer` is the array `track()` pushes
    /// `[name, props, time]` onto; `on_response` gets the JSON of each scored answer.
    /// Throws `field: rule` for a bad config.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, buffer: js_sys::Array, on_response: js_sys::Function) -> Result<Core, JsValue> {
        Instance::start(config, buffer, on_response).map(|instance| Core { instance })
    }

    /// Called when the buffer gets its first event: arms the age timer.
    pub fn wake(&self) {
        self.instance.wake();
    }

    /// Sends all queued events; resolves with the count acknowledged, rejects with the HTTP
    /// status of a failed send (0 when there was no answer).
    pub fn flush(&self) -> js_sys::Promise {
        self.instance.flush()
    }

    /// Shows a built-in survey (`nps`, `csat`, `ces`). Throws `survey: rule` for another id.
    #[wasm_bindgen(js_name = showSurvey)]
    pub fn show_survey(&self, id: &str) -> Result<(), JsValue> {
        self.instance.show_survey(id)
    }

    /// Queue counts as JSON: `{"buffered","queued","inFlight","rejected"}`.
    pub fn status(&self) -> String {
        self.instance.status()
    }

    /// Sends what is left and removes every listener, timer and element.
    pub fn shutdown(&self) -> js_sys::Promise {
        self.instance.shutdown()
    }
}

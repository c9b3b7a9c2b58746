//! Posting a batch with `fetch`.
//!
//! The body is a plain string, so the browser sends `text/plain;charset=UTF-8`: a CORS-simple
//! request with no preflight (decisions.md §7). Credentials are omitted: cxkit sets no cookies
//! and sends none.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// `RequestInit` with the `keepalive` member, which web-sys does not generate (its WebIDL
    /// comes from Firefox): <https://fetch.spec.whatwg.org/#dom-requestinit-keepalive>.
    type KeepaliveInit;
    #[wasm_bindgen(method, setter = keepalive)]
    fn set_keepalive(this: &KeepaliveInit, keepalive: bool);
}

/// Posts `body` to `endpoint` and returns the HTTP status the collector answered. `Err` is a
/// network error (no answer at all). `keepalive` lets the request outlive the page.
pub async fn post(endpoint: &str, body: &str, keepalive: bool) -> Result<u16, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    init.set_credentials(RequestCredentials::Omit);
    init.unchecked_ref::<KeepaliveInit>().set_keepalive(keepalive);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(endpoint, &init)).await?.unchecked_into();
    Ok(response.status())
}

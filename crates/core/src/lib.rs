//! cxkit's core module: the wasm every page view loads.
//!
//! It validates the config, takes the `track()` buffer in per task, keeps the send queue and
//! decides what to send and when to retry, keeps the consent, and decides when a survey shows —
//! then the JS shell loads the survey module (`crates/survey`), which this module never
//! contains. The pure logic is in `cxkit-domain`; this crate is the live instance and its
//! `#[wasm_bindgen]` surface (docs/architecture.md).
// No std in the module (docs/panic-free.md). On the host the crate is empty, but a cdylib
// there still needs std's allocator and panic handler.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

/// The heap, the panic handler and the timer handle: what the module needs to run in a page
/// without std (crates/runtime).
#[cfg(target_arch = "wasm32")]
extern crate cxkit_runtime;

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
pub use bindings::{Core, Input, JsCoreError, JsStatus, JsStep};
#[cfg(target_arch = "wasm32")]
pub use instance::StoreIo;
#[cfg(target_arch = "wasm32")]
mod instance;

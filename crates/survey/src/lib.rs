//! cxkit's survey module: fetched only on a page view where a survey will show.
//!
//! It renders a survey in a Shadow DOM, handles focus and the keyboard, carries the styles and
//! the wording, and scores the answer; the core module (`crates/core`) decided that the survey
//! shows, and takes the scored outcome back through the JS shell's buffer like any event.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod wording;

/// The wasm heap: talc, as in the core module (docs/architecture.md).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
pub use bindings::{protocol, Survey};
#[cfg(target_arch = "wasm32")]
mod widget;

//! cxkit's survey module: fetched only on a page view where a survey will show.
//!
//! It renders a survey in a Shadow DOM, handles focus and the keyboard, carries the styles and
//! the wording, and scores the answer; the core module (`crates/core`) decided that the survey
//! shows, and takes the scored outcome back through the JS shell's buffer like any event.
// No std in the module (docs/panic-free.md). On the host nothing of it compiles, but a cdylib
// there still needs std's allocator and panic handler.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

/// The heap, the panic handler, the timer and listener handles: what the module needs to run
/// in a page without std (crates/runtime).
#[cfg(target_arch = "wasm32")]
extern crate cxkit_runtime;

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
pub use bindings::{lexicon_for, locale, protocol, Redact, Survey};
#[cfg(target_arch = "wasm32")]
mod widget;

//! What both cxkit wasm modules need to run in a page without std: the heap, what a panic
//! does, and RAII handles for the two browser resources they hold — timers and event
//! listeners.
//!
//! Without std the modules ship no panic machinery: no message, no source location, no
//! `core::fmt` reached through them (docs/panic-free.md). gloo-timers and gloo-events, whose
//! handles these replace, would bring std back (they ask for wasm-bindgen's and js-sys's `std`
//! feature, and cargo unifies features), so the two handles are here, on web-sys and `Closure`.
//!
//! Each module links this crate once; on the host it is empty.
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
mod listener;
#[cfg(target_arch = "wasm32")]
mod timeout;

#[cfg(target_arch = "wasm32")]
pub use listener::EventListener;
#[cfg(target_arch = "wasm32")]
pub use timeout::Timeout;

/// The wasm heap: talc instead of the default dlmalloc. Measured: 2.6 KB gzip smaller, and
/// no slower on the delivery path (bench/results.md).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A panic traps the instance, as std's `panic = "abort"` does, but leaves its message and
/// location unread, so neither they nor the formatting code they need are in the module. The
/// code avoids panic paths anyway (style.md §7): a trap on someone else's page is a bug.
#[cfg(all(target_arch = "wasm32", feature = "panic-handler"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

//! The positive control of `make test-shipped`: a planted panic, built with the shipped
//! modules' codegen flags and path maps (Makefile), but with std: std's panic handler keeps the
//! message and location that the modules' own handler (no_std, crates/runtime) leaves unread,
//! so a panic planted there would leave nothing to find. The check must find what this one
//! leaves in the wasm, or the check proves nothing about the modules it passes.

/// Panics on 7, so the panic's message and location stay in the module.
#[no_mangle]
pub extern "C" fn planted(n: u32) -> u32 {
    if n == 7 {
        panic!("cx-sentinel");
    }
    n + 1
}

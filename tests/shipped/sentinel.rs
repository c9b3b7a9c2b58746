//! The positive control of `make test-shipped`: a planted panic, built with the shipped
//! module's profile and path maps (Makefile). The check must find what it leaves in the wasm,
//! or the check proves nothing about the modules it passes.

/// Panics on 7, so the panic's message and location stay in the module.
#[no_mangle]
pub extern "C" fn planted(n: u32) -> u32 {
    if n == 7 {
        panic!("cx-sentinel");
    }
    n + 1
}

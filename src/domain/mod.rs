//! Pure Rust, no browser imports: everything here runs and is tested on the host.

pub mod batch;
pub mod config;
pub mod consent;
pub mod event;
pub mod id;
pub mod json;
pub mod queue;
pub mod retry;
pub mod score;
pub mod survey;

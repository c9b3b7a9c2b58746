//! cxkit's pure logic: configuration, events and their limits, the wire format, the send queue
//! and retry policy, consent, the tracker's signals, redaction, scores. No browser imports:
//! everything here runs and is tested on the host, and the same code runs in both wasm modules
//! and in the reference collector.
//!
//! ```
//! use cxkit_domain::score::nps::NpsTally;
//! use cxkit_domain::score::Tenths;
//!
//! let tally = NpsTally::from_scores([10, 9, 7, 3]);
//! assert_eq!(tally.score(), Some(Tenths(250))); // NPS 25.0
//! ```
// No std: the browser modules link none (docs/panic-free.md); the collector brings its own.
// The host tests keep std and its prelude, so test modules need no imports of their own.
#![cfg_attr(not(test), no_std)]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

extern crate alloc;
/// The contract writer runs on the host only, where std is at hand.
#[cfg(all(not(test), not(target_arch = "wasm32")))]
extern crate std;

pub mod batch;
pub mod capture;
pub mod config;
pub mod consent;
/// Host only: it writes `npm/src/contract.ts`, and nothing in it ships in a wasm module.
#[cfg(not(target_arch = "wasm32"))]
pub mod contract;
pub mod delivery;
pub mod error;
pub mod event;
pub mod id;
pub mod json;
pub mod queue;
pub mod redact;
pub mod retry;
pub mod scan;
pub mod score;
pub mod status;
pub mod survey;
pub mod text;
pub mod time;
pub mod trigger;

//! The tracker's pure policies: what a raw observation of the page means (docs/tracker.md,
//! the pinned design). Each is a function or state machine of its inputs, times included, so
//! host tests are exact; the browser side only observes and forwards raw entries.
//!
//! - [`clicks`]: rage, dead and error clicks from clicks, effects and errors;
//! - [`journey`]: the corridor of steps to a goal, a session's progress and dropout;
//! - [`session`]: sessions without cookies, their idle and age limits;
//! - [`vitals`]: web vitals rated good / needs-improvement / poor, without floats.

pub mod clicks;
pub mod journey;
pub mod session;
pub mod vitals;

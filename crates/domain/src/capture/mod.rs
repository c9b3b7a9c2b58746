//! The tracker's pure policies: what a raw observation of the page means (docs/tracker.md,
//! the pinned design). Each is a function or state machine of its inputs, times included, so
//! host tests are exact; the browser side only observes and forwards raw entries.
//!
//! - [`clicks`]: rage, dead and error clicks from clicks, effects and errors;
//! - [`journey`]: the corridor of steps to a goal, a session's progress and dropout;
//! - [`session`]: sessions without cookies, their idle and age limits;
//! - [`vitals`]: web vitals rated good / needs-improvement / poor, without floats;
//! - [`options`]: the tracker's part of the configuration;
//! - [`state`]: what a session carries across tabs and page loads;
//! - [`emit`]: events written as buffer text, every captured string redacted;
//! - [`tracker`]: the state machine that runs them on the shell's raw entries.

pub mod clicks;
pub mod emit;
pub mod journey;
pub mod options;
pub mod session;
pub mod state;
pub mod tracker;
pub mod vitals;

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

/// The step of scroll depth milestones, in %: a page view reports 25, 50, 75 and 100 % once
/// each, the first time the bottom of the viewport reaches them. The shell's scroll capture
/// counts in these steps (`contract.ts`), the tracker and `scroll:` triggers accept only them.
pub const SCROLL_STEP_PERCENT: u8 = 25;

/// Whether `depth` (in %) is a scroll milestone: a multiple of [`SCROLL_STEP_PERCENT`] in 1–100.
pub fn is_scroll_milestone(depth: i64) -> bool {
    (1..=100).contains(&depth) && depth % i64::from(SCROLL_STEP_PERCENT) == 0
}

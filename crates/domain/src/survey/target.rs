//! Whether a survey may show now (issue 16, "When a survey shows"): URL targeting, sticky
//! sampling, caps across reloads and tabs, each with the time passed in. The core reads what
//! this visitor has seen from storage (`cxkit:<site>:surveys`, only where consent keeps it),
//! decides, and with `debug: true` logs the [`Skip`] that kept a survey away.

use alloc::string::String;
use alloc::vec::Vec;

use super::spec::{Targeting, Urls};

/// How long a survey shown in one tab keeps it from showing in another, unless the first tab
/// closes it first (answered, dismissed or gone): a tab that crashed frees it after this.
pub const OPEN_LEASE_MS: i64 = 30 * 60_000;
/// How long a dismissed survey stays away, when its dismissals left it any chance.
pub const DISMISSED_PAUSE_MS: i64 = 24 * 3_600_000;

/// What one visitor has done with one survey.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// When it was last answered (`Date.now()` ms).
    pub answered_at: Option<i64>,
    /// When it was last dismissed.
    pub dismissed_at: Option<i64>,
    /// How often it was dismissed.
    pub dismissals: u32,
    /// Until when a tab holds it open.
    pub open_until: Option<i64>,
}

/// What this visitor has seen, by survey id: the stored value of `cxkit:<site>:surveys`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book {
    entries: Vec<(String, Seen)>,
}

/// Why a survey does not show now: one line of the `debug` log each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The page's path is not among its `urls`.
    Url,
    /// This visitor is outside its sample.
    Sample,
    /// Answered, and its `cap.days` have not passed (or it never shows again).
    Answered,
    /// Dismissed `cap.dismissals` times, or too recently.
    Dismissed,
    /// Open in another tab.
    OpenElsewhere,
    /// Another survey is on screen in this page.
    AnotherOpen,
    /// Consent does not allow automatic surveys (pending or denied).
    Consent,
    /// The visitor is typing in a field: it waits.
    Typing,
}

impl Skip {
    /// The reason in words, for the debug line `cxkit: survey "id" not shown: <reason>`.
    pub fn reason(self) -> &'static str {
        todo!("{self:?}")
    }
}

impl Urls {
    /// Whether a page of `path` is targeted.
    pub fn matches(&self, path: &str) -> bool {
        todo!("{path}")
    }
}

/// Whether `visitor` falls in a `sample` percent of visitors for survey `id`: the same answer
/// on every page load of that visitor, independent between surveys.
pub fn sampled(visitor: &str, id: &str, sample: u8) -> bool {
    todo!("{visitor}{id}{sample}")
}

impl Book {
    /// Reads the stored text; anything unreadable is an empty book.
    pub fn decode(text: &str) -> Book {
        todo!("{text}")
    }
    /// The text to store.
    pub fn encode(&self) -> String {
        todo!()
    }
    /// What the visitor did with survey `id`.
    pub fn seen(&self, id: &str) -> Seen {
        todo!("{id}")
    }
    /// Survey `id` shows now, held open in this tab until `now` + [`OPEN_LEASE_MS`].
    pub fn opened(&mut self, id: &str, now: i64) {
        todo!("{id}{now}")
    }
    /// Survey `id` was answered at `now` (its first answered step); it is no longer open.
    pub fn answered(&mut self, id: &str, now: i64) {
        todo!("{id}{now}")
    }
    /// Survey `id` was closed, or left when the page went, without an answer.
    pub fn dismissed(&mut self, id: &str, now: i64) {
        todo!("{id}{now}")
    }
}

impl Targeting {
    /// Whether survey `id` may show by a trigger on a page of `path` to `visitor` at `now`,
    /// given what the visitor has seen: checked in the order of [`Skip`]'s variants from
    /// `Url` to `OpenElsewhere` (consent, another open survey and typing are the caller's).
    pub fn allows(&self, id: &str, path: &str, visitor: &str, seen: Seen, now: i64) -> Result<(), Skip> {
        todo!("{id}{path}{visitor}{seen:?}{now}")
    }
}

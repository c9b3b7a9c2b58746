//! Whether a survey may show now (issue 16, "When a survey shows"): URL targeting, sticky
//! sampling, caps across reloads and tabs, each with the time passed in. The core reads what
//! this visitor has seen from storage (`cxkit:<site>:surveys`, only where consent keeps it),
//! decides, and with `debug: true` logs the [`Skip`] that kept a survey away.

use alloc::string::String;
use alloc::vec::Vec;

use super::spec::{Targeting, Urls};
use crate::capture::journey::path_glob_matches;
use crate::event::check_name;
use crate::json;

/// How long a survey shown in one tab keeps it from showing in another, unless the first tab
/// closes it first (answered, dismissed or gone): a tab that crashed frees it after this.
pub const OPEN_LEASE_MS: i64 = 30 * 60_000;
/// How long a dismissed survey stays away, when its dismissals left it any chance.
pub const DISMISSED_PAUSE_MS: i64 = 24 * 3_600_000;

/// Most surveys a [`Book`] remembers: beyond, the one touched longest ago is forgotten.
pub const MAX_BOOK_ENTRIES: usize = 100;
/// A day, in ms: the unit of `cap.days`.
const DAY_MS: i64 = 86_400_000;

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
///
/// Stored as text, one entry per survey separated by `;`, the one touched longest ago first:
/// `id=answered_at,dismissed_at,dismissals,open_until`, times in ms, an empty field for
/// `None` (`checkout_ces=1700000000000,,0,;nps=,1700000500000,2,`). An id may hold any
/// character but controls, so `%`, `=`, `;` and `,` in it are written `%25`, `%3D`, `%3B` and
/// `%2C`. At most [`MAX_BOOK_ENTRIES`] entries.
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
        match self {
            Skip::Url => "the page is not among its urls",
            Skip::Sample => "this visitor is outside its sample",
            Skip::Answered => "answered, and its cap keeps it away",
            Skip::Dismissed => "dismissed too often or too recently",
            Skip::OpenElsewhere => "open in another tab",
            Skip::AnotherOpen => "another survey is open",
            Skip::Consent => "consent does not allow automatic surveys",
            Skip::Typing => "the visitor is typing; it waits",
        }
    }
}

impl Urls {
    /// Whether a page of `path` is targeted: no include glob or one that matches, and no
    /// exclude glob that matches. Only the path is matched: anything from a `?` or `#` on is
    /// ignored, as for journey steps.
    pub fn matches(&self, path: &str) -> bool {
        let end = path.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(path.len());
        let path = path.get(..end).unwrap_or_default();
        let matching = |globs: &[String]| globs.iter().any(|glob| path_glob_matches(glob, path));
        (self.include.is_empty() || matching(&self.include)) && !matching(&self.exclude)
    }
}

/// Whether `visitor` falls in a `sample` percent of visitors for survey `id`: the same answer
/// on every page load of that visitor, independent between surveys.
///
/// The 32-bit FNV-1a hash of `visitor`, a 0 byte and `id`, modulo 100, below `sample`: 0 is
/// nobody, 100 (or more) everybody.
pub fn sampled(visitor: &str, id: &str, sample: u8) -> bool {
    match sample {
        0 => false,
        100.. => true,
        _ => {
            let bytes = visitor.bytes().chain([0]).chain(id.bytes());
            let hash = bytes.fold(0x811c_9dc5_u32, |hash, b| (hash ^ u32::from(b)).wrapping_mul(0x0100_0193));
            hash % 100 < u32::from(sample)
        }
    }
}

impl Book {
    /// Reads the stored text; anything unreadable is an empty book.
    pub fn decode(text: &str) -> Book {
        Book::read(text).unwrap_or_default()
    }

    fn read(text: &str) -> Option<Book> {
        let mut entries: Vec<(String, Seen)> = Vec::new();
        if text.is_empty() {
            return Some(Book { entries });
        }
        for entry in text.split(';') {
            let (id, fields) = entry.split_once('=')?;
            let id = unescape(id)?;
            if check_name(&id).is_err() || entries.iter().any(|(earlier, _)| *earlier == id) {
                return None;
            }
            let mut fields = fields.split(',');
            let mut time = || -> Option<Option<i64>> {
                match fields.next()? {
                    "" => Some(None),
                    digits => json::parse_integer(digits).map(Some),
                }
            };
            let (answered_at, dismissed_at) = (time()?, time()?);
            let dismissals = u32::try_from(time()??).ok()?;
            let open_until = time()?;
            if fields.next().is_some() {
                return None;
            }
            entries.push((id, Seen { answered_at, dismissed_at, dismissals, open_until }));
        }
        let mut book = Book { entries };
        book.trim();
        Some(book)
    }

    /// The text to store.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (id, seen)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            escape(id, &mut out);
            out.push('=');
            let time = |time: Option<i64>, out: &mut String| {
                if let Some(time) = time {
                    json::write_integer(time, out);
                }
            };
            time(seen.answered_at, &mut out);
            out.push(',');
            time(seen.dismissed_at, &mut out);
            out.push(',');
            json::write_integer(i64::from(seen.dismissals), &mut out);
            out.push(',');
            time(seen.open_until, &mut out);
        }
        out
    }

    /// What the visitor did with survey `id`.
    pub fn seen(&self, id: &str) -> Seen {
        self.entries.iter().find(|(of, _)| of == id).map(|(_, seen)| *seen).unwrap_or_default()
    }

    /// Survey `id` shows now, held open in this tab until `now` + [`OPEN_LEASE_MS`].
    pub fn opened(&mut self, id: &str, now: i64) {
        self.touch(id, |seen| seen.open_until = Some(now.saturating_add(OPEN_LEASE_MS)));
    }

    /// Survey `id` was answered at `now` (its first answered step); it is no longer open.
    pub fn answered(&mut self, id: &str, now: i64) {
        self.touch(id, |seen| {
            seen.answered_at = Some(now);
            seen.open_until = None;
        });
    }

    /// Survey `id` was closed, or left when the page went, without an answer.
    pub fn dismissed(&mut self, id: &str, now: i64) {
        self.touch(id, |seen| {
            seen.dismissals = seen.dismissals.saturating_add(1);
            seen.dismissed_at = Some(now);
            seen.open_until = None;
        });
    }

    /// Changes the entry of `id` (a new one if none) and moves it to the end, touched last;
    /// then trims the book to [`MAX_BOOK_ENTRIES`]. (`retain`, not `remove`: no panic path.)
    fn touch(&mut self, id: &str, change: impl FnOnce(&mut Seen)) {
        let mut seen = Seen::default();
        self.entries.retain(|(of, was)| {
            let other = of != id;
            if !other {
                seen = *was;
            }
            other
        });
        change(&mut seen);
        self.entries.push((id.into(), seen));
        self.trim();
    }

    /// Forgets the entries touched longest ago, beyond [`MAX_BOOK_ENTRIES`].
    fn trim(&mut self) {
        let mut over = self.entries.len().saturating_sub(MAX_BOOK_ENTRIES);
        self.entries.retain(|_| {
            let keep = over == 0;
            over = over.saturating_sub(1);
            keep
        });
    }
}

/// Writes `id` with `%`, `=`, `;` and `,` escaped.
fn escape(id: &str, out: &mut String) {
    for c in id.chars() {
        match c {
            '%' => out.push_str("%25"),
            '=' => out.push_str("%3D"),
            ';' => out.push_str("%3B"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
}

/// Reads an id [`escape`] wrote; `None` for any other `%` sequence.
fn unescape(text: &str) -> Option<String> {
    let mut id = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            id.push(c);
            continue;
        }
        id.push(match (chars.next()?, chars.next()?) {
            ('2', '5') => '%',
            ('3', 'D') => '=',
            ('3', 'B') => ';',
            ('2', 'C') => ',',
            _ => return None,
        });
    }
    Some(id)
}

impl Targeting {
    /// Whether survey `id` may show by a trigger on a page of `path` to `visitor` at `now`,
    /// given what the visitor has seen: checked in the order of [`Skip`]'s variants from
    /// `Url` to `OpenElsewhere` (consent, another open survey and typing are the caller's).
    pub fn allows(&self, id: &str, path: &str, visitor: &str, seen: Seen, now: i64) -> Result<(), Skip> {
        if !self.urls.matches(path) {
            return Err(Skip::Url);
        }
        if !sampled(visitor, id, self.sample) {
            return Err(Skip::Sample);
        }
        if let Some(answered_at) = seen.answered_at {
            let away = match self.cap.days {
                None => true,
                Some(days) => now < answered_at.saturating_add(i64::from(days).saturating_mul(DAY_MS)),
            };
            if away {
                return Err(Skip::Answered);
            }
        }
        let paused = seen.dismissed_at.is_some_and(|at| now < at.saturating_add(DISMISSED_PAUSE_MS));
        if seen.dismissals >= self.cap.dismissals || paused {
            return Err(Skip::Dismissed);
        }
        if seen.open_until.is_some_and(|until| now < until) {
            return Err(Skip::OpenElsewhere);
        }
        Ok(())
    }
}

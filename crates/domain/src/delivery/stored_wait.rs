//! Stored waits: a wait the collector caused outlives the page (decisions.md §13).
//!
//! After a `Retry-After` or a server error's backoff, the site's next page loads must not
//! hasten the retry the collector asked to defer: the deadline is stored as `<until>:<status>`
//! in wall-clock ms, since it crosses page loads, and read back at a page load's first send.
//! It holds a page load back [`MAX_WAIT_MS`] at most, whatever the clocks say. A wait for a
//! missing network is not stored: a page that loads has a network.

use crate::json::{parse_integer, write_integer};
use crate::retry::MAX_RETRY_AFTER_MS;
use alloc::string::String;

/// The longest a stored wait holds a page load back: the longest wait a `Retry-After` can
/// impose.
pub const MAX_WAIT_MS: u64 = MAX_RETRY_AFTER_MS;

/// A wait read back: what is left of it, and the status that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// Ms left from now, at most [`MAX_WAIT_MS`].
    pub ms: u64,
    /// The HTTP status that caused it.
    pub status: u16,
}

/// Whether a failed send's wait is kept for the next page loads: only one the collector caused.
pub fn outlives_the_page(status: u16) -> bool {
    status != 0
}

/// The stored value of a wait of `ms` from wall-clock `now`, caused by `status`.
pub fn value(now: i64, ms: u64, status: u16) -> String {
    let mut text = String::new();
    write_integer(now.saturating_add(ms as i64), &mut text);
    text.push(':');
    write_integer(i64::from(status), &mut text);
    text
}

/// The wait left at wall-clock `now` of a stored value; `None` when it is over or unreadable.
pub fn read(stored: &str, now: i64) -> Option<Wait> {
    let (until, status) = crate::scan::split_once(stored, b':')?;
    let left = parse_integer(until)?.checked_sub(now).filter(|ms| *ms > 0)?;
    let status = parse_integer(status).and_then(|s| u16::try_from(s).ok())?;
    Some(Wait { ms: (left as u64).min(MAX_WAIT_MS), status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_read_back_as_what_is_left_of_it() {
        let stored = value(1_000_000, 120_000, 429);
        assert_eq!(stored, "1120000:429");
        assert_eq!(read(&stored, 1_100_000), Some(Wait { ms: 20_000, status: 429 }));
        assert_eq!(read(&stored, 1_119_999), Some(Wait { ms: 1, status: 429 }), "absent at T − 1 ms…");
        assert_eq!(read(&stored, 1_120_000), None, "…over at T");
    }

    #[test]
    fn a_wait_never_holds_a_page_back_more_than_an_hour() {
        let far = value(0, 10 * MAX_WAIT_MS, 503);
        assert_eq!(
            read(&far, 0),
            Some(Wait { ms: MAX_WAIT_MS, status: 503 }),
            "a clock set back does not stall sending"
        );
    }

    #[test]
    fn an_unreadable_wait_is_no_wait() {
        for stored in ["", "soon", "12:", ":429", "x:429"] {
            assert_eq!(read(stored, 0), None, "{stored}");
        }
    }

    #[test]
    fn only_a_wait_the_collector_caused_outlives_the_page() {
        assert!(outlives_the_page(429) && outlives_the_page(503));
        assert!(!outlives_the_page(0), "no network: the next page load has one");
    }
}

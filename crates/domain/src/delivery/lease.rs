//! Leases: which page load holds a stream's stored chunks (decisions.md §10).
//!
//! A page load writes the wall-clock time into its stream's lease while it has chunks, and
//! removes it at `pagehide`. A lease not renewed for [`LEASE_MS`] belongs to a page that is
//! gone (a crash, a killed tab), and the next page load of the site may adopt its chunks. The
//! wall clock, not `performance.now()`, because the value crosses page loads.

use crate::json::{parse_integer, write_integer};
use alloc::string::String;

/// A lease not renewed for this long belongs to a page that is gone.
pub const LEASE_MS: i64 = 10_000;
/// How often a held lease is renewed: well within [`LEASE_MS`], so a busy main thread does not
/// let it lapse.
pub const RENEW_MS: u32 = 4_000;
/// A lease is written at most this often: each storage call costs about a millisecond in a
/// burst (profiled), and the lease only has to beat [`LEASE_MS`].
pub const WRITE_EVERY_MS: i64 = 1_000;

/// The value of a lease renewed at wall-clock `now`.
pub fn value(now: i64) -> String {
    let mut text = String::new();
    write_integer(now, &mut text);
    text
}

/// Whether the lease whose stored value is `stored` still holds at wall-clock `now`: a
/// missing or unreadable one does not.
pub fn live(stored: Option<&str>, now: i64) -> bool {
    stored.and_then(parse_integer).is_some_and(|renewed| now - renewed < LEASE_MS)
}

/// Whether a lease this page load last wrote at `written` (never: `None`) is to be written
/// again at `now`.
pub fn due(written: Option<i64>, now: i64) -> bool {
    written.map_or(true, |written| now - written >= WRITE_EVERY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_holds_for_ten_seconds_after_its_renewal() {
        let renewed = value(1_000_000);
        assert!(live(Some(&renewed), 1_000_000 + LEASE_MS - 1));
        assert!(!live(Some(&renewed), 1_000_000 + LEASE_MS));
        assert!(!live(None, 0), "no lease: the page is gone");
        assert!(!live(Some("garbage"), 0), "an unreadable lease holds nothing");
    }

    #[test]
    fn a_lease_is_written_at_most_once_a_second() {
        assert!(due(None, 0));
        assert!(!due(Some(5_000), 5_999));
        assert!(due(Some(5_000), 6_000));
        assert!(RENEW_MS as i64 >= WRITE_EVERY_MS && (RENEW_MS as i64) < LEASE_MS / 2);
    }
}

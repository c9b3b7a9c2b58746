//! Event times: the range a wall-clock time may take, on the device and at the collector.
//!
//! Every event time is a `Date.now()` taken in the shell: ms since the Unix epoch. A time is
//! legal when `0 ≤ t ≤` [`MAX_TIME_MS`]:
//! - not before the epoch: the buffer reader has always refused negative times;
//! - not after the end of an ECMAScript time value's range, 10⁸ days after the epoch
//!   (ECMA-262, "Time Values and Time Range"): no `Date.now()` can be larger, and
//!   the bound is below 2⁵³, so every legal time is exact as a JS number and as an f64 in
//!   whatever reads the collector's JSON.
//!
//! A tighter, "sane" window (say 2000–2100) is not for the decoder to impose: a device with
//! a wrong clock still sent real answers, and a lost answer is a bug (decisions.md §20). The
//! time is kept as the device stamped it.
//!
//! The wire format sends times as deltas (`dt`, `batch.rs`), so the collector adds numbers a
//! sender chose. [`after`] is that step, checked: a hostile `dt` is refused, never wrapped.
//! A `dt` is legal exactly when it lands on a legal time, so `|dt| ≤ MAX_TIME_MS` follows.

/// The latest legal event time: 8.64·10¹⁵ ms, the last ms a JavaScript `Date` can hold.
pub const MAX_TIME_MS: i64 = 8_640_000_000_000_000;

// Every legal time is exact as a JS number (below 2⁵³), checked when this compiles.
const _: () = assert!(MAX_TIME_MS < 1 << 53);

/// Whether `ms` is a legal event time, `0 ≤ ms ≤` [`MAX_TIME_MS`].
pub fn is_event_time(ms: i64) -> bool {
    (0..=MAX_TIME_MS).contains(&ms)
}

/// The time `dt` ms after `time_ms`, if that is a legal event time. Never overflows.
pub fn after(time_ms: i64, dt: i64) -> Option<i64> {
    time_ms.checked_add(dt).filter(|&t| is_event_time(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_that_of_a_javascript_date() {
        assert!(is_event_time(0) && is_event_time(1_732_350_000_123) && is_event_time(MAX_TIME_MS));
        assert!(!is_event_time(-1) && !is_event_time(MAX_TIME_MS + 1) && !is_event_time(i64::MAX));
    }

    #[test]
    fn steps_are_checked_at_both_ends() {
        assert_eq!(after(100, -100), Some(0));
        assert_eq!(after(100, -101), None);
        assert_eq!(after(0, MAX_TIME_MS), Some(MAX_TIME_MS));
        assert_eq!(after(1, MAX_TIME_MS), None);
        assert_eq!(after(MAX_TIME_MS, -MAX_TIME_MS), Some(0));
        assert_eq!(after(MAX_TIME_MS, i64::MAX), None, "an overflow is refused, not wrapped");
        assert_eq!(after(0, i64::MIN), None);
    }

    #[test]
    fn the_device_reads_no_time_the_collector_would_refuse() {
        let entry = |t: i64| {
            let read = crate::event::read_buffer(&format!(r#"[["a",{{}},{t}]]"#)).unwrap();
            (read.events.len(), read.rejected.len())
        };
        assert_eq!(entry(MAX_TIME_MS), (1, 0));
        assert_eq!(entry(MAX_TIME_MS + 1), (0, 1));
        assert_eq!(entry(-1), (0, 1));
    }
}

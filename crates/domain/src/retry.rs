//! What a send's answer means, and how long to wait before the next try.
//!
//! Policy as functions of their inputs (style.md): the status, the attempt number, a random
//! number and the wait a `Retry-After` asked for come in; a verdict and a delay go out. Nothing
//! here reads a clock or a random source, so every rule is tested exactly (decisions.md §13,
//! §14). Reading the header itself (seconds or an HTTP date) is left to the JS shell's
//! `Date.parse`, which knows all three HTTP date forms and costs the module no bytes.

/// The base of the exponential backoff: 1 s, 2 s, 4 s, …
pub const BASE_DELAY_MS: u64 = 1_000;
/// The longest backoff: 5 minutes.
pub const MAX_BACKOFF_MS: u64 = 5 * 60 * 1_000;
/// The longest wait a `Retry-After` can impose: 1 hour.
pub const MAX_RETRY_AFTER_MS: u64 = 60 * 60 * 1_000;

/// What the answer to a send means for its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: the collector has them.
    Delivered,
    /// No answer, 408, 429 or a 5xx other than 501/505: the same events later.
    Retry,
    /// 400, 413 or 422: something in the batch is refused; split it to find what.
    Split,
    /// Any other answer (401, 403, 404, 501, 505, …): a misconfigured endpoint. Keep the
    /// events, try again after the longest backoff, and report it.
    Refused,
}

/// Classifies an HTTP status; 0 stands for no answer at all (offline, refused, CORS).
pub fn classify(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        0 | 408 | 429 => Verdict::Retry,
        501 | 505 => Verdict::Refused,
        500..=599 => Verdict::Retry,
        400 | 413 | 422 => Verdict::Split,
        _ => Verdict::Refused,
    }
}

/// The wait before try `attempt + 1` after `attempt` failures in a row (the first failure is
/// attempt 0): full jitter over `min(5 min, 1 s × 2^attempt)`. `random` is uniform over `u32`.
pub fn backoff_ms(attempt: u32, random: u32) -> u64 {
    let cap = BASE_DELAY_MS.saturating_mul(1u64 << attempt.min(20)).min(MAX_BACKOFF_MS);
    cap * u64::from(random) / (u64::from(u32::MAX) + 1)
}

/// The wait before the next try: the backoff, or what `Retry-After` asked for, clamped to
/// [this attempt's backoff, 1 hour] (decisions.md §13).
pub fn next_delay_ms(backoff_ms: u64, retry_after_ms: Option<u64>) -> u64 {
    match retry_after_ms {
        Some(asked) => asked.clamp(backoff_ms, MAX_RETRY_AFTER_MS.max(backoff_ms)),
        None => backoff_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_as_the_policy_says() {
        for status in [200, 201, 204, 299] {
            assert_eq!(classify(status), Verdict::Delivered, "{status}");
        }
        for status in [0, 408, 429, 500, 502, 503, 504, 599] {
            assert_eq!(classify(status), Verdict::Retry, "{status}");
        }
        for status in [400, 413, 422] {
            assert_eq!(classify(status), Verdict::Split, "{status}");
        }
        for status in [301, 401, 403, 404, 405, 501, 505] {
            assert_eq!(classify(status), Verdict::Refused, "{status}");
        }
    }

    #[test]
    fn backoff_doubles_to_its_cap_with_full_jitter() {
        let top = u32::MAX;
        assert_eq!(backoff_ms(0, 0), 0, "full jitter reaches zero");
        assert_eq!(backoff_ms(0, top), 999);
        assert_eq!(backoff_ms(1, top), 1_999);
        assert_eq!(backoff_ms(3, top), 7_999);
        assert_eq!(backoff_ms(3, 1 << 31), 4_000, "the middle of the range");
        assert_eq!(backoff_ms(8, top), 255_999);
        assert_eq!(backoff_ms(9, top), MAX_BACKOFF_MS - 1, "capped at 5 minutes");
        assert_eq!(backoff_ms(63, top), MAX_BACKOFF_MS - 1, "no overflow for huge attempts");
    }

    #[test]
    fn retry_after_is_clamped_between_the_backoff_and_an_hour() {
        assert_eq!(next_delay_ms(1_500, None), 1_500, "garbage or absent: the default backoff");
        assert_eq!(next_delay_ms(1_500, Some(0)), 1_500, "0 never beats the backoff");
        assert_eq!(next_delay_ms(1_500, Some(120_000)), 120_000);
        assert_eq!(next_delay_ms(1_500, Some(86_400_000)), MAX_RETRY_AFTER_MS, "a day is clamped to an hour");
    }
}

//! The rule at hide (decisions.md §11): how a batch is posted when the page may be leaving.
//!
//! The first batch of a hide round goes with `keepalive` and as plain text: compression is
//! asynchronous, and the page may be gone before it finishes. Only the first: Chromium counts
//! a keepalive request against its 64 KiB quota for a while after its answer, so a second one
//! is refused (measured: 52 KB, then 60 KB fails). If the page lives on (a tab switch), the
//! rest go as usual; if it is gone, they stay stored for the next page load. Every other
//! batch is gzipped while the page lives.

use crate::batch::SendReason;

/// How to post one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Post {
    /// With `keepalive` and as plain text, so it outlives the page.
    pub keepalive: bool,
}

/// How to post the batch that is `nth` (0: the first) of a round sent for `reason`.
pub fn post(reason: SendReason, nth: usize) -> Post {
    Post { keepalive: reason == SendReason::Hide && nth == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_batch_of_a_hide_round_goes_with_keepalive() {
        assert_eq!(post(SendReason::Hide, 0), Post { keepalive: true });
        assert_eq!(post(SendReason::Hide, 1), Post { keepalive: false }, "a second would be refused");
        for reason in [SendReason::Size, SendReason::Age, SendReason::Flush, SendReason::Retry, SendReason::Load] {
            assert_eq!(post(reason, 0), Post { keepalive: false }, "{reason:?}: gzip while the page lives");
        }
    }
}

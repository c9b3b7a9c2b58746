//! Deadlines: when the next send may go, and the one send timer (decisions.md §13, §16).
//!
//! Time here is monotonic (`performance.now()` in the page), so a clock change neither stalls
//! nor hastens a retry. After a failed send nothing goes before the deadline, not even
//! `flush()`: a `Retry-After` is the collector asking for quiet. Back online after sends found
//! no network, the wait ends at once: it was for the network, not the server. The resume is a
//! flag the next round reads, not a cleared deadline, because an attempt still in flight may
//! fail after the `online` event and set a new one.
//!
//! One timer starts rounds: the age timer (the oldest waiting event reached the age limit) or
//! the retry timer (a deadline passed). A retry replaces an age timer, which would go too
//! early; an age timer never replaces a retry.

use crate::batch::SendReason;

/// What to do with the send timer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Timer {
    /// Leave it as it is.
    #[default]
    Keep,
    /// Clear it, and start a round for `reason` in `ms`.
    Arm {
        /// Ms from now.
        ms: f64,
        /// The reason of the round it starts.
        reason: SendReason,
    },
    /// Clear it.
    Disarm,
}

/// The deadline of the next send and the state of the send timer.
#[derive(Debug, Clone, Default)]
pub struct Deadline {
    /// Monotonic ms before which no send goes.
    not_before: Option<f64>,
    /// The status of the failure that set it (0: no answer).
    status: u16,
    /// Back online after a network failure: the next round ignores the deadline.
    resume: bool,
    /// The reason of the armed timer.
    armed: Option<SendReason>,
}

/// Whether a round may send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gate {
    /// It may: the timer is cleared (the round takes what it would have sent).
    Open(Timer),
    /// Not before the deadline a failure with this status set.
    Closed(u16),
}

impl Deadline {
    /// Nothing may go for `ms` from `now` after a failure with `status`: the retry timer.
    pub fn wait(&mut self, now: f64, ms: u64, status: u16) -> Timer {
        self.status = status;
        self.not_before = Some(now + ms as f64);
        self.armed = Some(SendReason::Retry);
        Timer::Arm { ms: ms as f64, reason: SendReason::Retry }
    }

    /// An event waits: a round within `max_age_ms`, unless a timer is armed already.
    pub fn age(&mut self, max_age_ms: u32) -> Timer {
        if self.armed.is_some() {
            return Timer::Keep;
        }
        self.armed = Some(SendReason::Age);
        Timer::Arm { ms: f64::from(max_age_ms), reason: SendReason::Age }
    }

    /// A round begins at `now`.
    pub fn gate(&mut self, now: f64) -> Gate {
        if core::mem::take(&mut self.resume) {
            self.not_before = None;
        }
        if self.not_before.is_some_and(|deadline| now < deadline) {
            return Gate::Closed(self.status);
        }
        Gate::Open(if self.armed.take().is_some() { Timer::Disarm } else { Timer::Keep })
    }

    /// A round ended with everything due sent: no wait any more.
    pub fn clear(&mut self) {
        self.not_before = None;
    }

    /// The browser is back online: whether a round is to go now (the wait was for the network).
    pub fn online(&mut self) -> bool {
        if self.not_before.is_none() || self.status != 0 {
            return false;
        }
        self.resume = true;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_goes_before_the_deadline_and_everything_right_after() {
        let mut deadline = Deadline::default();
        assert_eq!(deadline.wait(100.0, 999, 500), Timer::Arm { ms: 999.0, reason: SendReason::Retry });
        assert_eq!(deadline.gate(1_098.0), Gate::Closed(500), "absent at T − 1 ms");
        assert_eq!(deadline.gate(1_099.0), Gate::Open(Timer::Disarm), "present at T");
        deadline.clear();
        assert_eq!(deadline.gate(0.0), Gate::Open(Timer::Keep), "cleared: no wait, no timer");
    }

    #[test]
    fn a_flush_during_a_wait_keeps_the_retry_timer() {
        let mut deadline = Deadline::default();
        deadline.wait(0.0, 4_000, 429);
        assert_eq!(deadline.gate(10.0), Gate::Closed(429));
        assert_eq!(deadline.age(5_000), Timer::Keep, "the retry timer stays armed");
    }

    #[test]
    fn an_age_timer_is_armed_once_and_cleared_by_a_round() {
        let mut deadline = Deadline::default();
        assert_eq!(deadline.age(5_000), Timer::Arm { ms: 5_000.0, reason: SendReason::Age });
        assert_eq!(deadline.age(5_000), Timer::Keep, "the first waiting event set it");
        assert_eq!(deadline.gate(0.0), Gate::Open(Timer::Disarm), "the round takes what it would send");
        assert_eq!(deadline.age(5_000), Timer::Arm { ms: 5_000.0, reason: SendReason::Age });
    }

    #[test]
    fn a_retry_replaces_an_age_timer() {
        let mut deadline = Deadline::default();
        deadline.age(5_000);
        assert_eq!(deadline.wait(0.0, 1_000, 503), Timer::Arm { ms: 1_000.0, reason: SendReason::Retry });
    }

    #[test]
    fn back_online_ends_a_wait_for_the_network_but_not_one_the_server_asked_for() {
        let mut deadline = Deadline::default();
        assert!(!deadline.online(), "no wait: nothing to resume");
        deadline.wait(0.0, 60_000, 0);
        assert!(deadline.online());
        assert_eq!(deadline.gate(1.0), Gate::Open(Timer::Disarm), "the next round goes at once");

        let mut asked = Deadline::default();
        asked.wait(0.0, 60_000, 429);
        assert!(!asked.online(), "the collector asked for quiet");
        assert_eq!(asked.gate(1.0), Gate::Closed(429));
    }

    #[test]
    fn a_failure_after_the_online_event_still_sets_its_deadline() {
        let mut deadline = Deadline::default();
        deadline.wait(0.0, 60_000, 0);
        assert!(deadline.online());
        assert!(matches!(deadline.gate(1.0), Gate::Open(_)));
        deadline.wait(2.0, 2_000, 0);
        assert_eq!(deadline.gate(3.0), Gate::Closed(0), "the resume was used up by the round");
    }
}

//! Test control (only with `--test-control`, decisions.md §35): scripts the collector's next
//! answers and records every attempt, so fault-injection tests drive the real collector.
//!
//! `POST /v1/test/script` with `{"answers": [{"status": 503, "retryAfter": "120"}, …],
//! "poison": "name"}` replaces the script and clears the record. Each batch request takes the
//! next answer; with none left, the collector behaves normally. An answer with `"store": true`
//! stores the batch and still answers its status ("store then fail"). A batch holding an event
//! named `poison` is refused with 400 naming its index. `GET /v1/test/attempts` lists what came.
//! `retryAfterDateIn: n` sends `Date: <now>` and `Retry-After: <now + n s>` as HTTP dates.
//! `networkError: true` answers without CORS headers, so the browser rejects the fetch as a
//! network error (status 0) on every engine; `"offline": true` in a script answers every batch
//! request so until the next script: what a driver's offline mode did, for any driver (issue 14).
//!
//! `POST /v1/test/clock` with `{"offsetMs": n}` moves the collector's session clock n ms ahead
//! of its wall clock (decisions.md §16): what closes sessions after 30 min of silence in
//! `/v1/stats`, so a test that ran the page on a fake clock can close them. It holds until set
//! again (loading a script leaves it); receive times and the record of attempts keep wall time.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// One scripted answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Answer {
    /// The status to answer.
    pub status: u16,
    /// A `Retry-After` header value, sent as is.
    #[serde(default)]
    pub retry_after: Option<String>,
    /// A `Retry-After` HTTP date this many seconds after the `Date` sent with it (both
    /// written from one instant, so the wait it asks for is exact).
    #[serde(default)]
    pub retry_after_date_in: Option<u64>,
    /// Store the batch before answering a non-2xx status.
    #[serde(default)]
    pub store: bool,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: u64,
    /// Answer so the page cannot read it (no CORS headers): a network error to the page.
    #[serde(default)]
    pub network_error: bool,
}

/// A new script.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// Answers for the next requests, in order.
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// Refuse any batch holding an event with this name.
    #[serde(default)]
    pub poison: Option<String>,
    /// Answer every batch request as a network error until the next script.
    #[serde(default)]
    pub offline: bool,
}

/// A new session clock.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Clock {
    /// How far the session clock runs ahead of the wall clock, ms (negative: behind).
    pub offset_ms: i64,
}

/// One batch request as received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Receive time, ms since the epoch.
    pub at: i64,
    /// The status answered.
    pub status: u16,
    /// Request-body bytes.
    pub bytes: usize,
    /// Events in the batch (0 if it did not decode).
    pub events: usize,
    /// The batch's send reason.
    pub reason: String,
    /// The sequence numbers of its events.
    pub seqs: Vec<u64>,
    /// Answered as a network error: the page saw no answer.
    pub network_error: bool,
}

/// The script in force and the record.
#[derive(Debug, Default)]
pub struct Control {
    answers: VecDeque<Answer>,
    poison: Option<String>,
    offline: bool,
    attempts: Vec<Attempt>,
    clock: Clock,
}

impl Control {
    /// Replaces the script and clears the record.
    pub fn load(&mut self, script: Script) {
        self.answers = script.answers.into();
        self.poison = script.poison;
        self.offline = script.offline;
        self.attempts.clear();
    }

    /// The scripted answer for the next request, if any: a network error while offline.
    pub fn next_answer(&mut self) -> Option<Answer> {
        if self.offline {
            return Some(Answer { status: 503, network_error: true, ..Answer::default() });
        }
        self.answers.pop_front()
    }

    /// The index of the first poison event among `names`, if the script names one.
    pub fn poison_index<'a>(&self, mut names: impl Iterator<Item = &'a str>) -> Option<usize> {
        let poison = self.poison.as_deref()?;
        names.position(|name| name == poison)
    }

    /// Records an attempt.
    pub fn record(&mut self, attempt: Attempt) {
        self.attempts.push(attempt);
    }

    /// Every attempt since the script was loaded.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// Sets the session clock's offset.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// How far the session clock runs ahead of the wall clock, ms.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock.offset_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_taken_in_order_then_run_out() {
        let mut control = Control::default();
        let script: Script =
            serde_json::from_str(r#"{"answers":[{"status":500},{"status":429,"retryAfter":"120"}],"poison":"bad"}"#)
                .unwrap();
        control.load(script);
        assert_eq!(control.next_answer().map(|a| a.status), Some(500));
        assert_eq!(control.next_answer().and_then(|a| a.retry_after).as_deref(), Some("120"));
        assert!(control.next_answer().is_none());
        assert_eq!(control.poison_index(["ok", "bad", "bad"].into_iter()), Some(1));
        assert!(serde_json::from_str::<Script>(r#"{"answer":[]}"#).is_err(), "a typo in a script is an error");
    }

    #[test]
    fn offline_answers_network_errors_until_the_next_script() {
        let mut control = Control::default();
        control.load(serde_json::from_str(r#"{"answers":[{"status":500}],"offline":true}"#).unwrap());
        for _ in 0..3 {
            assert!(control.next_answer().is_some_and(|a| a.network_error));
        }
        control.load(Script::default());
        assert!(control.next_answer().is_none(), "back online: the collector answers normally");
    }

    #[test]
    fn the_clock_offset_holds_across_scripts() {
        let mut control = Control::default();
        assert_eq!(control.clock_offset_ms(), 0);
        control.set_clock(serde_json::from_str(r#"{"offsetMs":1800001}"#).unwrap());
        control.load(Script::default());
        assert_eq!(control.clock_offset_ms(), 1_800_001, "a new script leaves the clock");
        assert!(serde_json::from_str::<Clock>(r#"{"offset":1}"#).is_err(), "a typo is an error");
    }
}

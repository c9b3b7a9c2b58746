//! The send queue as a pure state machine: events wait in `pending`, a send moves a prefix of
//! them `in_flight`, and the outcome either drops them (acknowledged) or puts them back in
//! front, in order. Each event lives in exactly one place, so a failed send never loses one.

use std::collections::VecDeque;

use super::event::Encoded;

/// Largest request body: under the 64 KiB keepalive quota, with room for the envelope.
pub const MAX_BATCH_BYTES: usize = 60 * 1024;
/// A guard on events per request; bytes and age are the usual triggers (decisions.md §12).
pub const MAX_BATCH_EVENTS: usize = 500;

/// An event with its sequence number: with the page's stream id, its unique id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Position in this page's stream.
    pub seq: u64,
    /// The checked, encoded event.
    pub event: Encoded,
}

/// Events waiting to be sent or in flight.
#[derive(Debug, Default)]
pub struct Queue {
    next_seq: u64,
    pending: VecDeque<Queued>,
    in_flight: Vec<Queued>,
}

impl Queue {
    /// An empty queue whose first event gets sequence number 0.
    pub fn new() -> Queue {
        Queue::default()
    }

    /// Numbers and enqueues a checked event; returns its sequence number.
    pub fn push(&mut self, event: Encoded) -> u64 {
        let seq = self.next_seq;
        self.pending.push_back(Queued { seq, event });
        self.next_seq += 1;
        seq
    }

    /// Events waiting, not counting those in flight.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Events of the send under way.
    pub fn in_flight(&self) -> &[Queued] {
        &self.in_flight
    }

    /// Starts a send of the oldest pending events, up to `max_bytes` and `max_events`.
    /// Returns `false` when a send is already under way or nothing waits. An event larger than
    /// `max_bytes` still goes, alone, so it can never block the queue.
    pub fn begin_send(&mut self, max_bytes: usize, max_events: usize) -> bool {
        if !self.in_flight.is_empty() || self.pending.is_empty() {
            return false;
        }
        let mut bytes = 0;
        while let Some(next) = self.pending.front() {
            let size = next.event.wire_bytes();
            let full = self.in_flight.len() >= max_events || bytes + size > max_bytes;
            if full && !self.in_flight.is_empty() {
                break;
            }
            bytes += size;
            self.in_flight.extend(self.pending.pop_front());
        }
        true
    }

    /// The collector acknowledged the send: its events are done.
    pub fn acknowledge(&mut self) {
        self.in_flight.clear();
    }

    /// The send failed or its outcome is unknown: its events go back in front, in order.
    pub fn fail(&mut self) {
        for event in self.in_flight.drain(..).rev() {
            self.pending.push_front(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::Event;
    use crate::domain::json::Value;

    fn event(name: &str, text_len: usize) -> Encoded {
        let props = vec![("t".into(), Value::String("x".repeat(text_len)))];
        Event { name: name.into(), time_ms: 1, props }.encode().unwrap()
    }

    fn seqs(events: &[Queued]) -> Vec<u64> {
        events.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn sequence_numbers_count_up_from_zero() {
        let mut queue = Queue::new();
        assert_eq!(queue.push(event("a", 1)), 0);
        assert_eq!(queue.push(event("b", 1)), 1);
        assert_eq!(queue.pending_len(), 2);
    }

    #[test]
    fn a_send_takes_the_oldest_events_within_both_caps() {
        let mut queue = Queue::new();
        for _ in 0..10 {
            queue.push(event("e", 100));
        }
        let one = queue.pending.front().unwrap().event.wire_bytes();
        assert!(queue.begin_send(one * 3, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1, 2]);
        assert!(!queue.begin_send(usize::MAX, 100), "one send at a time");
        queue.acknowledge();
        assert!(queue.begin_send(usize::MAX, 4));
        assert_eq!(seqs(queue.in_flight()), [3, 4, 5, 6]);
    }

    #[test]
    fn a_failed_send_loses_nothing_and_keeps_order() {
        let mut queue = Queue::new();
        for _ in 0..5 {
            queue.push(event("e", 10));
        }
        assert!(queue.begin_send(usize::MAX, 3));
        queue.push(event("late", 10));
        queue.fail();
        assert!(queue.in_flight().is_empty());
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1, 2, 3, 4, 5]);
        queue.acknowledge();
        assert!(!queue.begin_send(usize::MAX, 100), "nothing left");
    }

    #[test]
    fn an_event_above_the_byte_cap_goes_alone() {
        let mut queue = Queue::new();
        queue.push(event("big", 900));
        queue.push(event("small", 1));
        assert!(queue.begin_send(10, 100));
        assert_eq!(seqs(queue.in_flight()), [0]);
    }
}

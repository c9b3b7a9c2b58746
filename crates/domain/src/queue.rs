//! The send queue as a pure state machine: events wait in `pending`, a send moves a prefix of
//! them `in_flight`, and the verdict on the answer ([`Queue::settle`]) either retires them or
//! puts them back in front, in order. Each event lives in exactly one place, so a failed send
//! never loses one.
//!
//! A batch the collector refuses (400/413/422) is split in halves, and the halves again, to
//! isolate what it refuses. An event is dropped only when it fails alone *and* another part of
//! the same batch was accepted; when no part is accepted, everything is kept and the queue
//! backs off (decisions.md §14): a collector that refuses everything is misconfigured, and
//! that must never cost an answer.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::event::{Encoded, Priority};
use super::retry::Verdict;

/// Largest request body: under the 64 KiB keepalive quota, with room for the envelope.
pub const MAX_BATCH_BYTES: usize = 60 * 1024;
/// A guard on events per request; bytes and age are the usual triggers (decisions.md §12).
pub const MAX_BATCH_EVENTS: usize = 500;
/// Most events held in memory (decisions.md §9): beyond it the oldest touchpoint goes.
pub const MAX_MEMORY_EVENTS: usize = 20_000;
/// Most bytes held in memory, counted as [`Encoded::wire_bytes`].
pub const MAX_MEMORY_BYTES: usize = 4 * 1024 * 1024;

/// An event with its unique id, `(stream, seq)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The stream of the page load that made it: this one's, or one whose stored events this
    /// page load adopted. (`Rc<String>`: `Rc<str>` would bring a layout check's panic message,
    /// and `core::fmt` with it, into the wasm.)
    pub stream: Rc<String>,
    /// Position in its stream.
    pub seq: u64,
    /// The checked, encoded event.
    pub event: Encoded,
}

/// Events waiting to be sent or in flight.
#[derive(Debug, Default)]
pub struct Queue {
    pending: VecDeque<Queued>,
    in_flight: Vec<Queued>,
    /// While a refused batch is split: the sizes its remaining parts must be sent in.
    parts: VecDeque<usize>,
    split: Option<Split>,
    failures: u32,
    dropped: u64,
    evicted: u64,
    bytes: usize,
}

/// The state of one refused batch being split.
#[derive(Debug, Default)]
struct Split {
    /// Some part of the batch was accepted.
    accepted_any: bool,
    /// Events refused alone before any part was accepted, kept aside until the others are tried.
    held: Vec<Queued>,
}

/// What [`Queue::settle`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// Events acknowledged by this answer.
    pub acknowledged: usize,
    /// `Some(attempt)`: wait before the next send, with the backoff of this attempt number;
    /// `None`: the next send may go at once.
    pub back_off: Option<u32>,
}

/// The attempt number that gives the longest backoff: for a collector that refuses everything.
pub const LONGEST_BACKOFF_ATTEMPT: u32 = 32;

impl Queue {
    /// An empty queue.
    pub fn new() -> Queue {
        Queue::default()
    }

    /// Enqueues a checked event with its id. Over the memory caps, the oldest waiting
    /// touchpoint is evicted — an answer only when no touchpoint is left — and counted
    /// (decisions.md §9).
    pub fn push(&mut self, stream: &Rc<String>, seq: u64, event: Encoded) {
        self.bytes += event.wire_bytes();
        self.pending.push_back(Queued { stream: stream.clone(), seq, event });
        while self.pending.len() + self.in_flight.len() > MAX_MEMORY_EVENTS || self.bytes > MAX_MEMORY_BYTES {
            if !self.evict_one() {
                break;
            }
        }
    }

    /// The lowest sequence number of `stream` still queued (waiting, in flight or held by a
    /// split): stored records below it are done with.
    pub fn oldest(&self, stream: &str) -> Option<u64> {
        let held = self.split.iter().flat_map(|split| split.held.iter());
        self.pending.iter().chain(&self.in_flight).chain(held).filter(|q| *q.stream == stream).map(|q| q.seq).min()
    }

    /// A full batch waits: the next send need not wait for the age limit.
    pub fn full(&self) -> bool {
        let in_flight = self.in_flight.iter().map(|q| q.event.wire_bytes()).sum::<usize>();
        self.pending.len() >= MAX_BATCH_EVENTS || self.bytes - in_flight >= MAX_BATCH_BYTES
    }

    /// Evicts the oldest waiting event of the lowest priority, outside a batch being split
    /// (whose part sizes count on its events). `swap_remove_front` moves the front event into
    /// the gap: order within the queue is not a contract (ids and times travel with events),
    /// and it spares the wasm the general `remove`.
    fn evict_one(&mut self) -> bool {
        let protected = self.parts.iter().sum::<usize>();
        let touchpoint =
            (protected..self.pending.len()).find(|&i| self.pending[i].event.priority == Priority::Touchpoint);
        let Some(evicted) = touchpoint.or((protected < self.pending.len()).then_some(protected)).and_then(|i| {
            self.pending.swap(protected, i);
            if protected == 0 {
                self.pending.pop_front()
            } else {
                self.pending.swap_remove_front(protected)
            }
        }) else {
            return false;
        };
        self.bytes -= evicted.event.wire_bytes();
        self.evicted += 1;
        true
    }

    /// Forgets every event, waiting or in flight (consent was denied).
    pub fn clear(&mut self) {
        self.pending.clear();
        self.in_flight.clear();
        self.parts.clear();
        self.split = None;
        self.bytes = 0;
    }

    /// Events evicted by the memory caps.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Events waiting, not counting those in flight.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Events of the send under way.
    pub fn in_flight(&self) -> &[Queued] {
        &self.in_flight
    }

    /// Events dropped because the collector refused them alone while accepting the rest.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Failed sends in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Starts a send of the oldest pending events, up to `max_bytes` and `max_events` — or,
    /// while a refused batch is split, exactly its next part. Returns `false` when a send is
    /// already under way, nothing waits, or `max_events` is 0 outside a split. An event larger than `max_bytes` still goes, alone,
    /// so it can never block the queue.
    pub fn begin_send(&mut self, max_bytes: usize, max_events: usize) -> bool {
        if !self.in_flight.is_empty() || self.pending.is_empty() {
            return false;
        }
        if let Some(part) = self.parts.pop_front() {
            for _ in 0..part {
                self.in_flight.extend(self.pending.pop_front());
            }
            return true;
        }
        if max_events == 0 {
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

    /// Applies the verdict on the answer to the send under way.
    pub fn settle(&mut self, verdict: Verdict) -> Settlement {
        let sent = self.in_flight.len();
        match verdict {
            Verdict::Delivered => {
                self.bytes -= self.in_flight.iter().map(|q| q.event.wire_bytes()).sum::<usize>();
                self.in_flight.clear();
                self.failures = 0;
                if let Some(split) = &mut self.split {
                    split.accepted_any = true;
                }
                let back_off = self.finish_split();
                Settlement { acknowledged: sent, back_off }
            }
            Verdict::Retry | Verdict::Refused => {
                if self.split.is_some() {
                    self.parts.push_front(sent);
                }
                self.put_back();
                self.failures += 1;
                let attempt = if verdict == Verdict::Refused { LONGEST_BACKOFF_ATTEMPT } else { self.failures - 1 };
                Settlement { acknowledged: 0, back_off: Some(attempt) }
            }
            Verdict::Split if sent > 1 => {
                let first = sent / 2;
                self.parts.push_front(sent - first);
                self.parts.push_front(first);
                self.split.get_or_insert_with(Split::default);
                self.put_back();
                Settlement { acknowledged: 0, back_off: None }
            }
            Verdict::Split => {
                let split = self.split.get_or_insert_with(Split::default);
                if split.accepted_any {
                    self.dropped += sent as u64;
                    self.bytes -= self.in_flight.iter().map(|q| q.event.wire_bytes()).sum::<usize>();
                } else {
                    split.held.append(&mut self.in_flight);
                }
                self.in_flight.clear();
                let back_off = self.finish_split();
                Settlement { acknowledged: 0, back_off }
            }
        }
    }

    /// Ends the split once every part was tried: events held aside are dropped if another part
    /// was accepted, else all of them go back in front and the queue backs off.
    fn finish_split(&mut self) -> Option<u32> {
        if !self.parts.is_empty() {
            return None;
        }
        let split = self.split.take()?;
        if split.accepted_any {
            self.dropped += split.held.len() as u64;
            self.bytes -= split.held.iter().map(|q| q.event.wire_bytes()).sum::<usize>();
            return None;
        }
        for event in split.held.into_iter().rev() {
            self.pending.push_front(event);
        }
        self.failures += 1;
        Some(self.failures - 1)
    }

    fn put_back(&mut self) {
        for event in self.in_flight.drain(..).rev() {
            self.pending.push_front(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;
    use crate::json::Value;
    use std::ops::{Deref, DerefMut};

    /// A queue fed as the shell feeds it: events of one stream, numbered from 0.
    #[derive(Default)]
    struct Numbered {
        queue: Queue,
        stream: Rc<String>,
        next: u64,
    }

    impl Numbered {
        fn push(&mut self, event: Encoded) -> u64 {
            let seq = self.next;
            self.next += 1;
            self.queue.push(&self.stream.clone(), seq, event);
            seq
        }
    }

    impl Deref for Numbered {
        type Target = Queue;
        fn deref(&self) -> &Queue {
            &self.queue
        }
    }

    impl DerefMut for Numbered {
        fn deref_mut(&mut self) -> &mut Queue {
            &mut self.queue
        }
    }

    fn event(name: &str, text_len: usize) -> Encoded {
        let props = vec![("t".into(), Value::String("x".repeat(text_len)))];
        Event { name: name.into(), time_ms: 1, props, priority: Priority::Touchpoint }.encode().unwrap()
    }

    /// A queue of `n` touchpoints carrying `text_len` characters each.
    fn queue_of(n: usize, text_len: usize) -> Numbered {
        let mut queue = Numbered::default();
        for _ in 0..n {
            queue.push(event("e", text_len));
        }
        queue
    }

    fn answer() -> Encoded {
        Encoded { priority: Priority::Answer, ..event("$response", 1) }
    }

    #[test]
    fn over_the_count_cap_the_oldest_touchpoint_goes_and_answers_stay() {
        let mut queue = Numbered::default();
        queue.push(answer());
        for _ in 0..MAX_MEMORY_EVENTS + 5 {
            queue.push(event("e", 1));
        }
        assert_eq!(queue.pending_len(), MAX_MEMORY_EVENTS);
        assert_eq!(queue.evicted(), 6);
        let seqs: Vec<u64> = queue.pending.iter().map(|q| q.seq).collect();
        assert!(seqs.contains(&0), "the answer is kept");
        assert!((1..=6).all(|seq| !seqs.contains(&seq)), "touchpoints 1–6 went, oldest first");
        assert!(seqs.contains(&7));
    }

    #[test]
    fn the_oldest_queued_event_of_each_stream_counts_those_in_flight() {
        let mut queue = queue_of(3, 1);
        let adopted = Rc::new(String::from("adopted"));
        queue.queue.push(&adopted, 40, event("old", 1));
        assert!(queue.begin_send(usize::MAX, 2));
        assert_eq!((queue.oldest(""), queue.oldest("adopted")), (Some(0), Some(40)));
        deliver(&mut queue);
        assert_eq!(queue.oldest(""), Some(2));
        assert!(queue.begin_send(usize::MAX, 10));
        deliver(&mut queue);
        assert_eq!((queue.oldest(""), queue.oldest("adopted")), (None, None));
    }

    #[test]
    fn a_full_batch_is_reported_by_count() {
        let mut queue = queue_of(MAX_BATCH_EVENTS - 1, 1);
        assert!(!queue.full());
        queue.push(event("e", 1));
        assert!(queue.full());
    }

    #[test]
    fn clearing_forgets_everything_but_never_reuses_an_id() {
        let mut queue = Numbered::default();
        queue.push(event("a", 1));
        queue.push(event("b", 1));
        assert!(queue.begin_send(usize::MAX, 1));
        queue.clear();
        assert_eq!((queue.pending_len(), queue.in_flight().len(), queue.bytes), (0, 0, 0));
        assert_eq!(queue.push(event("c", 1)), 2);
    }

    #[test]
    fn answers_go_only_when_nothing_else_is_left() {
        let mut queue = Numbered::default();
        for _ in 0..MAX_MEMORY_EVENTS + 1 {
            queue.push(answer());
        }
        assert_eq!((queue.pending_len(), queue.evicted()), (MAX_MEMORY_EVENTS, 1));
        assert!(queue.pending.iter().all(|q| q.seq != 0), "the oldest answer went");
    }

    #[test]
    fn the_byte_cap_holds_too_and_bytes_are_given_back_on_delivery() {
        let mut queue = Numbered::default();
        let one = event("e", 900).wire_bytes();
        let fit = MAX_MEMORY_BYTES / one;
        for _ in 0..fit + 3 {
            queue.push(event("e", 900));
        }
        assert_eq!((queue.pending_len(), queue.evicted()), (fit, 3));
        assert!(queue.begin_send(usize::MAX, 100));
        deliver(&mut queue);
        assert_eq!(queue.bytes, (fit - 100) * one, "acknowledged events give their bytes back");
    }

    fn seqs(events: &[Queued]) -> Vec<u64> {
        events.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn sequence_numbers_count_up_from_zero() {
        let mut queue = Numbered::default();
        assert_eq!(queue.push(event("a", 1)), 0);
        assert_eq!(queue.push(event("b", 1)), 1);
        assert_eq!(queue.pending_len(), 2);
    }

    #[test]
    fn a_send_takes_the_oldest_events_within_both_caps() {
        let mut queue = queue_of(10, 100);
        let one = queue.pending.front().unwrap().event.wire_bytes();
        assert!(queue.begin_send(one * 3, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1, 2]);
        assert!(!queue.begin_send(usize::MAX, 100), "one send at a time");
        assert_eq!(deliver(&mut queue), Settlement { acknowledged: 3, back_off: None });
        assert!(queue.begin_send(usize::MAX, 4));
        assert_eq!(seqs(queue.in_flight()), [3, 4, 5, 6]);
    }

    fn deliver(queue: &mut Queue) -> Settlement {
        queue.settle(Verdict::Delivered)
    }

    #[test]
    fn a_failed_send_loses_nothing_and_keeps_order() {
        let mut queue = queue_of(5, 10);
        assert!(queue.begin_send(usize::MAX, 3));
        queue.push(event("late", 10));
        assert_eq!(queue.settle(Verdict::Retry), Settlement { acknowledged: 0, back_off: Some(0) });
        assert!(queue.in_flight().is_empty());
        assert!(queue.begin_send(usize::MAX, 3));
        assert_eq!(queue.settle(Verdict::Retry).back_off, Some(1), "the backoff grows with each failure");
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1, 2, 3, 4, 5]);
        assert_eq!(deliver(&mut queue).acknowledged, 6);
        assert_eq!(queue.failures(), 0, "a delivery resets the backoff");
        assert!(!queue.begin_send(usize::MAX, 100), "nothing left");
    }

    #[test]
    fn a_refusing_endpoint_gets_the_longest_backoff_and_keeps_everything() {
        let mut queue = Numbered::default();
        queue.push(event("e", 1));
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(queue.settle(Verdict::Refused).back_off, Some(LONGEST_BACKOFF_ATTEMPT));
        assert_eq!(queue.pending_len(), 1);
    }

    /// Runs sends until the queue is empty or backs off, answering 400 when a batch holds a
    /// poison seq, else 200. Returns (delivered seqs in order, sizes of the batches sent).
    fn drain_with_poison(queue: &mut Queue, poison: &[u64]) -> (Vec<u64>, Vec<usize>, Option<u32>) {
        let (mut delivered, mut batches) = (Vec::new(), Vec::new());
        while queue.begin_send(usize::MAX, 100) {
            batches.push(queue.in_flight().len());
            let refused = queue.in_flight().iter().any(|q| poison.contains(&q.seq));
            let sent = seqs(queue.in_flight());
            let settlement = queue.settle(if refused { Verdict::Split } else { Verdict::Delivered });
            if !refused {
                delivered.extend(sent);
            }
            if settlement.back_off.is_some() {
                return (delivered, batches, settlement.back_off);
            }
        }
        (delivered, batches, None)
    }

    #[test]
    fn a_poison_event_is_isolated_and_dropped_while_the_rest_is_delivered() {
        let mut queue = queue_of(8, 1);
        let (delivered, batches, back_off) = drain_with_poison(&mut queue, &[5]);
        assert_eq!(delivered, [0, 1, 2, 3, 4, 6, 7]);
        assert_eq!(batches, [8, 4, 4, 2, 1, 1, 2], "halves, then halves of the refused half");
        assert_eq!((queue.dropped(), back_off, queue.pending_len()), (1, None, 0));
    }

    #[test]
    fn a_poison_event_first_in_line_waits_for_the_others_before_it_is_dropped() {
        let mut queue = queue_of(4, 1);
        let (delivered, _, back_off) = drain_with_poison(&mut queue, &[0]);
        assert_eq!(delivered, [1, 2, 3]);
        assert_eq!((queue.dropped(), back_off), (1, None));
    }

    #[test]
    fn when_nothing_is_accepted_nothing_is_dropped() {
        let mut queue = queue_of(4, 1);
        let (delivered, batches, back_off) = drain_with_poison(&mut queue, &[0, 1, 2, 3]);
        assert!(delivered.is_empty());
        assert_eq!(batches, [4, 2, 1, 1, 2, 1, 1], "depth first: a half is split fully before the next");
        assert_eq!((queue.dropped(), back_off, queue.pending_len()), (0, Some(0), 4), "all kept, backing off");
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1, 2, 3], "in their order, whole again");
    }

    #[test]
    fn a_retry_in_the_middle_of_a_split_keeps_its_part() {
        let mut queue = queue_of(4, 1);
        assert!(queue.begin_send(usize::MAX, 100));
        queue.settle(Verdict::Split);
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1]);
        assert_eq!(queue.settle(Verdict::Retry).back_off, Some(0));
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(seqs(queue.in_flight()), [0, 1], "the same part again");
        deliver(&mut queue);
        assert!(queue.begin_send(usize::MAX, 100));
        assert_eq!(seqs(queue.in_flight()), [2, 3]);
    }

    #[test]
    fn an_event_above_the_byte_cap_goes_alone() {
        let mut queue = Numbered::default();
        queue.push(event("big", 900));
        queue.push(event("small", 1));
        assert!(queue.begin_send(10, 100));
        assert_eq!(seqs(queue.in_flight()), [0]);
    }
}

//! Delivery as a state machine, sans I/O (ureq-proto's shape): time and each outcome come in,
//! actions go out.
//!
//! The shell reports what happens — a chunk of the `track()` buffer, a round asked for (age,
//! size, `flush()`, an answer, hide, a retry timer, adopted events at load), the answer to a
//! post, the browser back online, `pagehide` / `pageshow`, the lease renewal timer — each with
//! `now`: monotonic ms ([`Now::mono`], `performance.now()`) for scheduling, wall-clock ms
//! ([`Now::wall`], `Date.now()`) only for what crosses page loads (stored waits, leases). Each
//! input returns a [`Step`]: post this body (with keepalive or not), start a round, arm or clear
//! the send timer, renew the leases later, make these storage calls, and the round's outcome.
//! The shell makes the calls and keeps the timers; it decides nothing.
//!
//! One concern per file: [`round`] (the due rule), [`deadline`] (waits after failure, the
//! online resume, the send timer), [`hide`] (keepalive first at hide), [`stored_wait`] (waits
//! that outlive the page), [`keys`], [`lease`], [`cap`] and [`store`] (the persisted queue).

pub mod cap;
pub mod deadline;
pub mod hide;
pub mod keys;
pub mod lease;
pub mod round;
pub mod store;
pub mod stored_wait;

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::batch::{self, SendReason};
use crate::consent::Consent;
use crate::event::{self, Priority};
use crate::id;
use crate::queue::{Queue, MAX_BATCH_BYTES};
use crate::retry::{self, Verdict};
use crate::status::Count;

use self::cap::Held;
use self::deadline::{Deadline, Gate, Timer};
use self::keys::ChunkKey;
use self::round::Round;
use self::store::{Chunk, Persisted, StoredView, Write, Writes};

/// The time of an input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Now {
    /// Monotonic ms (`performance.now()`): every wait and timer.
    pub mono: f64,
    /// Wall-clock ms since the Unix epoch (`Date.now()`): stored waits, leases, batch times.
    pub wall: i64,
}

/// What the shell is to do after an input.
#[derive(Debug, Default, PartialEq)]
pub struct Step {
    /// Post this batch body now, then report the answer ([`Delivery::settle`]).
    pub body: Option<String>,
    /// Post it with `keepalive`, as plain text ([`hide`]).
    pub keepalive: bool,
    /// Start a round now, for this reason.
    pub send: Option<SendReason>,
    /// What to do with the send timer.
    pub timer: Timer,
    /// Storage calls to make, in order, and whether lease renewal starts.
    pub writes: Writes,
    /// Events the answer acknowledged.
    pub acknowledged: usize,
    /// The round ended without sending everything due: a failed send, or a wait not over,
    /// caused by this status (0: no answer).
    pub failed: Option<u16>,
}

/// `cx.status()`'s counts of the queue and the persisted queue (the consent is
/// [`Delivery::consent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// Events waiting for a send.
    pub queued: usize,
    /// Events in the send under way.
    pub in_flight: usize,
    /// Entries refused at intake.
    pub rejected: u32,
    /// Events the collector refused alone while accepting the rest of their batch.
    pub dropped: u64,
    /// Events evicted by the memory caps.
    pub evicted: u64,
    /// Failed sends in a row.
    pub failures: u32,
    /// Events stored.
    pub stored: u64,
    /// Events the stored cap left in memory only.
    pub unstored: u64,
}

impl Status {
    /// The figure `cx.status()` shows under `count`'s key.
    pub fn count(&self, count: Count) -> u64 {
        match count {
            Count::Queued => self.queued as u64,
            Count::InFlight => self.in_flight as u64,
            Count::Rejected => u64::from(self.rejected),
            Count::Dropped => self.dropped,
            Count::Evicted => self.evicted,
            Count::Failures => u64::from(self.failures),
            Count::Stored => self.stored,
            Count::Unstored => self.unstored,
        }
    }
}

/// One page load's delivery: the queue, its rounds and deadlines, and the persisted queue.
#[derive(Debug)]
pub struct Delivery {
    site: String,
    max_age_ms: u32,
    consent: Consent,
    queue: Queue,
    deadline: Deadline,
    round: Round,
    reason: SendReason,
    persisted: Persisted,
    /// Stream ids of the events queued: this page load's first, then those adopted.
    streams: Vec<Rc<String>>,
    /// The seq of this page load's next buffer entry.
    next_seq: u64,
    rejected: u32,
    /// The wait an earlier page load stored was read (at the first round).
    restored: bool,
}

impl Delivery {
    /// The delivery of a page load of `site` whose stream is `stream`, sending events within
    /// `max_age_ms`, under `consent`.
    pub fn new(site: &str, stream: String, max_age_ms: u32, consent: Consent) -> Delivery {
        Delivery {
            site: String::from(site),
            max_age_ms,
            consent,
            queue: Queue::new(),
            deadline: Deadline::default(),
            round: Round::default(),
            reason: SendReason::Flush,
            persisted: Persisted::new(site),
            streams: vec![Rc::new(stream)],
            next_seq: 0,
            rejected: 0,
            restored: false,
        }
    }

    /// This page load's stream id.
    pub fn stream(&self) -> Rc<String> {
        self.streams.first().cloned().unwrap_or_default()
    }

    /// The site's key layout, for the shell's key listing and Web Lock.
    pub fn layout(&self) -> &keys::Layout {
        self.persisted.layout()
    }

    /// The visitor's consent.
    pub fn consent(&self) -> Consent {
        self.consent
    }

    /// Takes a chunk of the `track()` buffer (one `JSON.stringify` of `[[name, props, time], …]`)
    /// into the queue, entry `i` as event `(stream, next seq + i)`, and stores what was
    /// accepted of it. A full batch starts a round; otherwise the age timer is armed.
    pub fn take(&mut self, text: &str, view: &dyn StoredView, now: Now) -> Step {
        let mut step = Step::default();
        self.intake(text, view, now, &mut step.writes);
        if self.queue.full() {
            step.send = Some(SendReason::Size);
        } else if self.queue.pending_len() > 0 {
            step.timer = self.deadline.age(self.max_age_ms);
        }
        step
    }

    /// Queues a chunk of this page load's buffer, numbered after the chunks before it, and
    /// stores what was accepted of it when consent lets events be stored.
    fn intake(&mut self, text: &str, view: &dyn StoredView, now: Now, out: &mut Writes) {
        let first = self.next_seq;
        let stream = self.stream();
        let Some((entries, held, accepted)) = self.queue_read(&stream, first, text) else { return };
        self.next_seq += entries;
        if held.events > 0 && self.consent.may_send() {
            let chunk = Chunk { stream, first, end: self.next_seq, held: Held { events: entries, ..held } };
            let queue = &self.queue;
            self.persisted.store(chunk, accepted, view, now.wall, &|s| queue.oldest(s), out);
        }
    }

    /// Reads `text` (a buffer chunk, or a stored one) and queues its events as `stream`'s from
    /// seq `first`, counting what it refuses. Returns the entries read, what the stored cap
    /// needs to know of the chunk (`events`: those accepted) and the text of what was
    /// accepted; `None` when the text is no JSON array.
    fn queue_read(&mut self, stream: &Rc<String>, first: u64, text: &str) -> Option<(u64, Held, String)> {
        let Ok(read) = event::read_buffer(text) else {
            self.rejected += 1;
            return None;
        };
        self.rejected += read.rejected.len() as u32;
        let answers = read.events.iter().any(|(_, e)| e.priority == Priority::Answer);
        let held = Held { events: read.events.len() as u64, bytes: read.accepted.len(), answers };
        if self.consent.keeps_events() {
            for (index, event) in read.events {
                self.queue.push(stream, first + index as u64, event);
            }
        }
        Some((read.entries as u64, held, read.accepted))
    }

    /// Starts a round for `reason` at `now`, after taking `text` (the rest of the buffer, if
    /// any) in: it sends what is due now, batch after batch. At a page load's first round, the
    /// wait an earlier one stored goes on here — read then, not at start, because a page's first
    /// storage access is slow and would delay ready.
    pub fn round(&mut self, reason: SendReason, text: Option<&str>, view: &dyn StoredView, now: Now) -> Step {
        let mut step = Step::default();
        if let Some(text) = text {
            self.intake(text, view, now, &mut step.writes);
        }
        if !self.restored {
            self.restored = true;
            if let Some(wait) = self.persisted.deferred(view, now.wall) {
                step.timer = self.deadline.wait(now.mono, wait.ms, wait.status);
            }
        }
        match self.deadline.gate(now.mono) {
            Gate::Closed(status) => {
                step.failed = Some(status);
                return step;
            }
            Gate::Open(timer) => {
                if timer != Timer::Keep {
                    step.timer = timer;
                }
            }
        }
        self.round = Round::begin(self.queue.pending_len());
        self.reason = reason;
        self.next(&mut step, now);
        step
    }

    /// The next batch of the round, or its end with everything due sent.
    fn next(&mut self, step: &mut Step, now: Now) {
        if self.consent.may_send() && self.queue.begin_send(MAX_BATCH_BYTES, self.round.allowance()) {
            let nth = self.round.took(self.queue.in_flight().len());
            step.keepalive = hide::post(self.reason, nth).keepalive;
            step.body = Some(batch::encode(&self.site, self.reason, now.wall, self.queue.in_flight()));
            return;
        }
        self.deadline.clear();
        self.persisted.defer(now.wall, 0, 0, false, &mut step.writes);
    }

    /// The answer to the post under way: its HTTP status (0: none), the wait its `Retry-After`
    /// asked for in ms, and a random `u32` for the jitter. The round goes on with its next
    /// batch, or ends: after a failure nothing goes before the deadline set here, and a wait
    /// the collector caused is stored for the site's next page loads (decisions.md §13–14).
    pub fn settle(&mut self, status: u16, retry_after_ms: Option<u64>, random: u32, now: Now) -> Step {
        let mut step = Step::default();
        let verdict = retry::classify(status);
        let settlement = self.queue.settle(verdict);
        step.acknowledged = settlement.acknowledged;
        let queue = &self.queue;
        self.persisted.prune(&|s| queue.oldest(s), &mut step.writes);
        if let Some(attempt) = settlement.back_off {
            let asked = retry_after_ms.filter(|_| verdict == Verdict::Retry);
            let ms = retry::next_delay_ms(retry::backoff_ms(attempt, random), asked);
            step.timer = self.deadline.wait(now.mono, ms, status);
            if stored_wait::outlives_the_page(status) {
                self.persisted.defer(now.wall, ms, status, self.consent.may_send(), &mut step.writes);
            }
            step.failed = Some(status);
            return step;
        }
        self.next(&mut step, now);
        step
    }

    /// The browser is back online: a round goes now if the wait was for the network.
    pub fn online(&mut self) -> Step {
        Step { send: self.deadline.online().then_some(SendReason::Retry), ..Step::default() }
    }

    /// Takes in the chunks of page loads that are gone, with their ids, and holds their leases
    /// from then on; a round goes if any were found. Run under the site's Web Lock.
    pub fn adopt(&mut self, view: &dyn StoredView, now: Now) -> Step {
        let mut step = Step::default();
        if !self.consent.may_send() {
            return step;
        }
        let mut chunks = Vec::new();
        for key in self.persisted.abandoned(view, &self.stream(), now.wall) {
            let Some(ChunkKey { stream, first, end }) = self.layout().chunk_of(&key) else { continue };
            let stream = self.interned(stream);
            let read = if id::is_stream_id(&stream) {
                self.queue_read(&stream, first, &view.get(&key).unwrap_or_default())
            } else {
                self.rejected += 1;
                None
            };
            let held = read.map_or(Held { events: 0, bytes: 0, answers: false }, |(_, held, _)| held);
            chunks.push(Chunk { stream, first, end, held: Held { events: end - first, ..held } });
        }
        if chunks.is_empty() {
            return step;
        }
        let queue = &self.queue;
        self.persisted.adopted(chunks, view, now.wall, &|s| queue.oldest(s), &mut step.writes);
        step.send = Some(SendReason::Load);
        step
    }

    /// The lease renewal timer fired.
    pub fn renew(&mut self, now: Now) -> Step {
        let mut step = Step::default();
        self.persisted.renew(now.wall, &mut step.writes);
        step
    }

    /// `pagehide`: the leases go, so the next page load may adopt what is left.
    pub fn release(&mut self) -> Step {
        let mut step = Step::default();
        self.persisted.release(&mut step.writes);
        step
    }

    /// `pageshow` from the back/forward cache: the leases again.
    pub fn resume(&mut self, now: Now) -> Step {
        let mut step = Step::default();
        self.persisted.resume(now.wall, &mut step.writes);
        step
    }

    /// A storage call failed: storage is off for this page load (the keys it wrote go).
    pub fn storage_failed(&mut self) -> Vec<Write> {
        let mut out = Writes::default();
        self.persisted.failed(&mut out);
        out.calls
    }

    /// The visitor's consent changed. Denied forgets every event and removes every key of the
    /// site; pending keeps events in memory.
    pub fn set_consent(&mut self, consent: Consent, view: &dyn StoredView) -> Step {
        let mut step = Step::default();
        self.consent = consent;
        if !consent.keeps_events() {
            self.queue.clear();
            self.persisted.wipe(view, &mut step.writes);
        }
        step
    }

    /// The counts `cx.status()` shows.
    pub fn status(&self) -> Status {
        let (stored, unstored) = self.persisted.counts();
        Status {
            queued: self.queue.pending_len(),
            in_flight: self.queue.in_flight().len(),
            rejected: self.rejected,
            dropped: self.queue.dropped(),
            evicted: self.queue.evicted(),
            failures: self.queue.failures(),
            stored,
            unstored,
        }
    }

    /// The one `Rc` for a stream id, so queued events share it.
    fn interned(&mut self, stream: &str) -> Rc<String> {
        if let Some(known) = self.streams.iter().find(|known| ***known == *stream) {
            return known.clone();
        }
        let stream = Rc::new(String::from(stream));
        self.streams.push(stream.clone());
        stream
    }
}

#[cfg(test)]
mod tests;

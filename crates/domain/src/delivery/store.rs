//! The persisted queue (decisions.md §9–10): which keys to write and remove, and when.
//!
//! Each task's accepted events are stored as one chunk under a key naming its stream and seq
//! range ([`super::keys`]), after the stream's lease; a chunk is removed once the queue holds
//! none of its events (acknowledged, dropped or evicted). A page load adopts the chunks of
//! streams whose lease lapsed ([`super::lease`]) and holds their lease from then on. Over the
//! stored cap ([`super::cap`]) this page load's oldest chunk goes, its events staying in
//! memory. A write that fails (the quota, storage blocked) turns storage off for the page
//! load: every key it wrote is removed, events go on in memory.
//!
//! Reads come in through a [`StoredView`]; writes go out as [`Write`]s for the shell to make,
//! in order, and a failed one is reported back ([`Persisted::failed`]).

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::cap::{self, Held};
use super::keys::{ChunkKey, Layout};
use super::lease;
use super::stored_wait::{self, Wait};

/// What the persisted queue reads of the page's storage, as it shows now.
pub trait StoredView {
    /// Every key that starts with `prefix`.
    fn keys(&self, prefix: &str) -> Vec<String>;
    /// The value of `key`, if there is one and storage can be read.
    fn get(&self, key: &str) -> Option<String>;
}

/// A storage call for the shell to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// `setItem(key, value)`; one that throws is reported back.
    Set {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// `removeItem(key)`.
    Remove(String),
}

/// A stored chunk: this page load's, or one it adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The stream of its events.
    pub stream: Rc<String>,
    /// Sequence numbers `first … end − 1`.
    pub first: u64,
    /// One past the last.
    pub end: u64,
    /// What the cap needs to know of it.
    pub held: Held,
}

/// The stored chunks a page load holds, its leases, and the site's wait.
#[derive(Debug)]
pub struct Persisted {
    layout: Layout,
    /// Oldest first: adopted ones, then this page load's.
    chunks: Vec<Chunk>,
    /// Streams whose lease this page load holds, with when it last wrote each (wall clock).
    leased: Vec<(Rc<String>, i64)>,
    /// Leases are held: renew them every [`lease::RENEW_MS`].
    renewing: bool,
    /// A wait is stored, or may be: the next round that sends everything clears it.
    deferring: bool,
    /// A write failed: nothing more is stored in this page load.
    off: bool,
    /// Events the stored cap left in memory only.
    unstored: u64,
}

/// The writes of one step, and whether lease renewal is to start.
#[derive(Debug, Default, PartialEq)]
pub struct Writes {
    /// Storage calls, in order.
    pub calls: Vec<Write>,
    /// Leases are held from now: renew them in [`lease::RENEW_MS`].
    pub renew: bool,
}

impl Persisted {
    /// The persisted queue of site `site`, empty.
    pub fn new(site: &str) -> Persisted {
        Persisted {
            layout: Layout::new(site),
            chunks: Vec::new(),
            leased: Vec::new(),
            renewing: false,
            deferring: false,
            off: false,
            unstored: 0,
        }
    }

    /// The site's key layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Events stored now (as their keys name them), and events the cap left in memory only.
    pub fn counts(&self) -> (u64, u64) {
        (self.chunks.iter().map(|c| c.held.events).sum(), self.unstored)
    }

    /// Stores `chunk` with `text` (what the core accepted of it) at wall-clock `now`: the lease
    /// first (a chunk without one would look abandoned to another tab), then the chunk, then
    /// the cap. `oldest` is the queue's lowest seq of a stream.
    pub fn store(
        &mut self,
        chunk: Chunk,
        text: String,
        view: &dyn StoredView,
        now: i64,
        oldest: &dyn Fn(&str) -> Option<u64>,
        out: &mut Writes,
    ) {
        if self.off {
            return;
        }
        self.lease(&chunk.stream, now, out);
        out.calls.push(Write::Set { key: self.layout.chunk(&chunk.stream, chunk.first, chunk.end), value: text });
        self.chunks.push(chunk);
        self.cap(view, now, oldest, out);
    }

    /// Takes or renews the lease of `stream`: written at most once a second.
    fn lease(&mut self, stream: &Rc<String>, now: i64, out: &mut Writes) {
        if !self.renewing {
            self.renewing = true;
            out.renew = true;
        }
        let held = match self.leased.iter_mut().find(|(held, _)| held == stream) {
            Some(held) => held,
            None => {
                self.leased.push((stream.clone(), i64::MIN));
                let Some(held) = self.leased.last_mut() else { return };
                held
            }
        };
        if lease::due((held.1 != i64::MIN).then_some(held.1), now) {
            held.1 = now;
            out.calls.push(Write::Set { key: self.layout.lease(stream), value: lease::value(now) });
        }
    }

    /// The keys of other page loads' chunks (streams this page load does not hold), each with
    /// whether the lease of its stream holds at wall-clock `now`.
    fn others(&self, view: &dyn StoredView, now: i64) -> Vec<(String, bool)> {
        let mut found = Vec::new();
        for key in view.keys(self.layout.prefix()) {
            let Some(ChunkKey { stream, .. }) = self.layout.chunk_of(&key) else { continue };
            if self.leased.iter().any(|(held, _)| **held == stream) || self.chunks.iter().any(|c| *c.stream == stream) {
                continue;
            }
            let live = lease::live(view.get(&self.layout.lease(stream)).as_deref(), now);
            found.push((key, live));
        }
        found
    }

    /// Over the stored cap, this page load's oldest chunks go, those holding an answer last.
    /// The event cap counts the site's other live page loads too, from their key names.
    fn cap(&mut self, view: &dyn StoredView, now: i64, oldest: &dyn Fn(&str) -> Option<u64>, out: &mut Writes) {
        self.prune(oldest, out);
        let others = self
            .others(view, now)
            .iter()
            .filter(|(_, live)| *live)
            .filter_map(|(key, _)| self.layout.chunk_of(key))
            .map(|c| c.end - c.first)
            .sum();
        let held: Vec<Held> = self.chunks.iter().map(|c| c.held).collect();
        let gone = cap::victims(&held, others);
        let (layout, mut index, mut unstored) = (&self.layout, 0, 0);
        self.chunks.retain(|chunk| {
            index += 1;
            if !gone.contains(&(index - 1)) {
                return true;
            }
            unstored += chunk.held.events;
            out.calls.push(Write::Remove(layout.chunk(&chunk.stream, chunk.first, chunk.end)));
            false
        });
        self.unstored += unstored;
    }

    /// Removes the chunks the queue holds no event of any more; with none left, the leases go.
    pub fn prune(&mut self, oldest: &dyn Fn(&str) -> Option<u64>, out: &mut Writes) {
        let layout = &self.layout;
        self.chunks.retain(|chunk| {
            let done = oldest(&chunk.stream).map_or(true, |seq| chunk.end <= seq);
            if done {
                out.calls.push(Write::Remove(layout.chunk(&chunk.stream, chunk.first, chunk.end)));
            }
            !done
        });
        if self.chunks.is_empty() && self.renewing {
            self.release(out);
        }
    }

    /// Renews the leases of the streams it holds chunks of (the renewal timer fired at
    /// wall-clock `now`), and keeps renewing them.
    pub fn renew(&mut self, now: i64, out: &mut Writes) {
        if self.renewing {
            out.renew = true;
            self.resume(now, out);
        }
    }

    /// Gives up the leases (at `pagehide`): the next page load may adopt what is left.
    pub fn release(&mut self, out: &mut Writes) {
        self.renewing = false;
        for (stream, _) in self.leased.drain(..) {
            out.calls.push(Write::Remove(self.layout.lease(&stream)));
        }
    }

    /// Back from the back/forward cache with chunks: their leases again.
    pub fn resume(&mut self, now: i64, out: &mut Writes) {
        let streams: Vec<Rc<String>> = self.chunks.iter().map(|c| c.stream.clone()).collect();
        for stream in streams {
            self.lease(&stream, now, out);
        }
    }

    /// The keys of the chunks of page loads that are gone: not this page load's stream (`own`),
    /// not one it holds, and with no live lease at wall-clock `now`.
    pub fn abandoned(&self, view: &dyn StoredView, own: &str, now: i64) -> Vec<String> {
        if self.off {
            return Vec::new();
        }
        let gone = self
            .others(view, now)
            .into_iter()
            .filter(|(key, live)| !live && self.layout.chunk_of(key).is_some_and(|c| c.stream != own));
        gone.map(|(key, _)| key).collect()
    }

    /// Takes in adopted chunks (older than any of this page load's) and holds their leases.
    pub fn adopted(
        &mut self,
        chunks: Vec<Chunk>,
        view: &dyn StoredView,
        now: i64,
        oldest: &dyn Fn(&str) -> Option<u64>,
        out: &mut Writes,
    ) {
        for chunk in &chunks {
            self.lease(&chunk.stream, now, out);
        }
        let mine = core::mem::replace(&mut self.chunks, chunks);
        self.chunks.extend(mine);
        self.cap(view, now, oldest, out);
    }

    /// Consent was denied: every key of the site goes, whichever page load wrote it.
    pub fn wipe(&mut self, view: &dyn StoredView, out: &mut Writes) {
        self.renewing = false;
        self.leased.clear();
        self.chunks.clear();
        self.deferring = false;
        out.calls.extend(view.keys(self.layout.prefix()).into_iter().map(Write::Remove));
    }

    /// A write failed: every key this page load wrote goes, and nothing more is stored.
    pub fn failed(&mut self, out: &mut Writes) {
        self.off = true;
        self.prune(&|_| None, out);
        self.release(out);
    }

    /// Keeps a failed send's wait of `ms` (caused by `status`) for the site's next page loads,
    /// from wall-clock `now`, when events may be stored; a wait of 0 clears a stored one.
    pub fn defer(&mut self, now: i64, ms: u64, status: u16, may_store: bool, out: &mut Writes) {
        if ms > 0 && may_store && !self.off {
            out.calls.push(Write::Set { key: self.layout.wait(), value: stored_wait::value(now, ms, status) });
        } else if self.deferring {
            out.calls.push(Write::Remove(self.layout.wait()));
        }
        self.deferring = ms > 0;
    }

    /// The wait an earlier page load left, at wall-clock `now`.
    pub fn deferred(&mut self, view: &dyn StoredView, now: i64) -> Option<Wait> {
        let wait = view.get(&self.layout.wait()).and_then(|stored| stored_wait::read(&stored, now));
        self.deferring = wait.is_some();
        wait
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use core::cell::RefCell;

    /// localStorage in memory: writes are applied as the shell applies them.
    #[derive(Default)]
    pub(crate) struct Memory(pub RefCell<BTreeMap<String, String>>);

    impl StoredView for Memory {
        fn keys(&self, prefix: &str) -> Vec<String> {
            self.0.borrow().keys().filter(|k| k.starts_with(prefix)).cloned().collect()
        }
        fn get(&self, key: &str) -> Option<String> {
            self.0.borrow().get(key).cloned()
        }
    }

    impl Memory {
        pub(crate) fn apply(&self, calls: &[Write]) {
            let mut map = self.0.borrow_mut();
            for call in calls {
                match call {
                    Write::Set { key, value } => map.insert(key.clone(), value.clone()),
                    Write::Remove(key) => map.remove(key),
                };
            }
        }

        pub(crate) fn set(&self, key: &str, value: &str) {
            self.0.borrow_mut().insert(key.into(), value.into());
        }

        pub(crate) fn keys_now(&self) -> Vec<String> {
            self.0.borrow().keys().cloned().collect()
        }
    }

    fn chunk(stream: &Rc<String>, first: u64, end: u64, answers: bool) -> Chunk {
        Chunk { stream: stream.clone(), first, end, held: Held { events: end - first, bytes: 10, answers } }
    }

    const NOTHING_SENT: &dyn Fn(&str) -> Option<u64> = &|_| Some(0);

    #[test]
    fn a_chunk_goes_after_its_lease_and_is_removed_once_its_events_are_done() {
        let (memory, mut store, own) = (Memory::default(), Persisted::new("s"), Rc::new(String::from("A")));
        let mut out = Writes::default();
        store.store(chunk(&own, 0, 3, false), "[…]".into(), &memory, 1_000, NOTHING_SENT, &mut out);
        assert_eq!(
            out.calls,
            [
                Write::Set { key: "cxkit:s:A".into(), value: "1000".into() },
                Write::Set { key: "cxkit:s:A:0:3".into(), value: "[…]".into() }
            ]
        );
        assert!(out.renew, "renewal starts with the first lease");
        memory.apply(&out.calls);
        let mut out = Writes::default();
        store.store(chunk(&own, 3, 5, false), "[…]".into(), &memory, 1_500, NOTHING_SENT, &mut out);
        assert_eq!(out.calls.len(), 1, "the lease is not written again within a second");
        memory.apply(&out.calls);
        let mut out = Writes::default();
        store.prune(&|_| Some(3), &mut out);
        assert_eq!(out.calls, [Write::Remove("cxkit:s:A:0:3".into())]);
        let mut out = Writes::default();
        store.prune(&|_| None, &mut out);
        assert_eq!(
            out.calls,
            [Write::Remove("cxkit:s:A:3:5".into()), Write::Remove("cxkit:s:A".into())],
            "no chunk left: the lease goes"
        );
        assert_eq!(store.counts(), (0, 0));
    }

    #[test]
    fn leases_are_renewed_while_held_and_given_up_at_pagehide() {
        let (memory, mut store, own) = (Memory::default(), Persisted::new("s"), Rc::new(String::from("A")));
        store.store(chunk(&own, 0, 1, false), "[]".into(), &memory, 0, NOTHING_SENT, &mut Writes::default());
        let mut out = Writes::default();
        store.renew(i64::from(lease::RENEW_MS), &mut out);
        assert_eq!(
            out,
            Writes { calls: vec![Write::Set { key: "cxkit:s:A".into(), value: "4000".into() }], renew: true }
        );
        let mut out = Writes::default();
        store.release(&mut out);
        assert_eq!(out.calls, [Write::Remove("cxkit:s:A".into())]);
        let mut out = Writes::default();
        store.renew(8_000, &mut out);
        assert_eq!(out, Writes::default(), "released: no renewal");
        store.resume(9_000, &mut out);
        assert_eq!(
            out.calls,
            [Write::Set { key: "cxkit:s:A".into(), value: "9000".into() }],
            "back from the bfcache: leased again"
        );
    }

    #[test]
    fn only_chunks_of_streams_whose_lease_lapsed_are_adopted() {
        let (memory, store) = (Memory::default(), Persisted::new("s"));
        memory.set("cxkit:s:Gone:0:2", "[]");
        memory.set("cxkit:s:Gone", "0");
        memory.set("cxkit:s:Live:0:2", "[]");
        memory.set("cxkit:s:Live", "5000");
        memory.set("cxkit:s:Own:0:1", "[]");
        memory.set("cxkit:s:NoLease:4:6", "[]");
        memory.set("cxkit:s:wait", "1:429");
        memory.set("cxkit:other:Gone:0:1", "[]");
        assert_eq!(store.abandoned(&memory, "Own", 10_000), ["cxkit:s:Gone:0:2", "cxkit:s:NoLease:4:6"]);
        assert_eq!(store.abandoned(&memory, "Own", 14_999).len(), 2, "Live is live until 10 s after 5000");
        assert_eq!(store.abandoned(&memory, "Own", 15_000).len(), 3);
    }

    #[test]
    fn adopted_chunks_are_held_and_leased() {
        let (memory, mut store) = (Memory::default(), Persisted::new("s"));
        let gone = Rc::new(String::from("Gone"));
        let mut out = Writes::default();
        store.adopted(vec![chunk(&gone, 0, 2, false)], &memory, 20_000, NOTHING_SENT, &mut out);
        assert_eq!(out.calls, [Write::Set { key: "cxkit:s:Gone".into(), value: "20000".into() }]);
        assert_eq!(store.counts(), (2, 0));
    }

    #[test]
    fn over_the_cap_this_page_loads_oldest_touchpoints_go_and_are_counted() {
        let (memory, mut store, own) = (Memory::default(), Persisted::new("s"), Rc::new(String::from("A")));
        memory.set("cxkit:s:B:0:600", "[]");
        memory.set("cxkit:s:B", "0");
        let mut out = Writes::default();
        store.store(chunk(&own, 0, 1, true), "[]".into(), &memory, 1, NOTHING_SENT, &mut out);
        store.store(chunk(&own, 1, 300, false), "[]".into(), &memory, 2, NOTHING_SENT, &mut out);
        store.store(chunk(&own, 300, 500, false), "[]".into(), &memory, 3, NOTHING_SENT, &mut out);
        assert_eq!(
            out.calls.last(),
            Some(&Write::Remove("cxkit:s:A:1:300".into())),
            "B's live 600 count; the answer stays"
        );
        assert_eq!(store.counts(), (201, 299));
        let mut out = Writes::default();
        store.store(chunk(&own, 500, 501, false), "[]".into(), &memory, 20_000, NOTHING_SENT, &mut out);
        assert!(
            out.calls.iter().all(|c| !matches!(c, Write::Remove(_))),
            "B's lease lapsed: its chunks no longer count"
        );
    }

    #[test]
    fn a_failed_write_removes_every_key_this_page_load_wrote_and_stores_nothing_more() {
        let (memory, mut store, own) = (Memory::default(), Persisted::new("s"), Rc::new(String::from("A")));
        store.store(chunk(&own, 0, 1, false), "[]".into(), &memory, 0, NOTHING_SENT, &mut Writes::default());
        let mut out = Writes::default();
        store.failed(&mut out);
        assert_eq!(out.calls, [Write::Remove("cxkit:s:A:0:1".into()), Write::Remove("cxkit:s:A".into())]);
        let mut out = Writes::default();
        store.store(chunk(&own, 1, 2, false), "[]".into(), &memory, 5_000, NOTHING_SENT, &mut out);
        assert_eq!(out, Writes::default());
        assert_eq!(store.counts(), (0, 0));
    }

    #[test]
    fn denied_consent_removes_every_key_of_the_site_and_only_of_the_site() {
        let (memory, mut store) = (Memory::default(), Persisted::new("s"));
        for key in ["cxkit:s:X:0:1", "cxkit:s:X", "cxkit:s:wait", "cxkit:other:X", "page-own"] {
            memory.set(key, "1");
        }
        let mut out = Writes::default();
        store.wipe(&memory, &mut out);
        memory.apply(&out.calls);
        assert_eq!(memory.keys_now(), ["cxkit:other:X", "page-own"]);
    }

    #[test]
    fn a_stored_wait_is_written_cleared_and_read_back() {
        let (memory, mut store) = (Memory::default(), Persisted::new("s"));
        let mut out = Writes::default();
        store.defer(1_000, 120_000, 429, true, &mut out);
        assert_eq!(out.calls, [Write::Set { key: "cxkit:s:wait".into(), value: "121000:429".into() }]);
        memory.apply(&out.calls);
        assert_eq!(Persisted::new("s").deferred(&memory, 119_000), Some(Wait { ms: 2_000, status: 429 }));
        let mut out = Writes::default();
        store.defer(2_000, 0, 0, true, &mut out);
        assert_eq!(out.calls, [Write::Remove("cxkit:s:wait".into())], "cleared once delivered");
        let mut out = Writes::default();
        store.defer(3_000, 0, 0, true, &mut out);
        assert!(out.calls.is_empty(), "nothing to clear");
        store.defer(3_000, 5_000, 503, false, &mut out);
        assert!(out.calls.is_empty(), "not stored without consent to store");
    }
}

//! The stored cap (decisions.md §9): which of this page load's chunks go when storage holds
//! too much.
//!
//! 1,000 events for the site — this page load's chunks and those of its other live page loads,
//! counted from their key names — and 512 KiB of this page load's chunks. Over it, the oldest
//! chunk goes, one holding an answer only when no other is left; its events stay in memory.
//! Only this page load's chunks are candidates: a tab does not remove keys another live tab
//! still counts on.

use alloc::vec::Vec;

/// Most events stored for a site, all its live page loads together.
pub const MAX_STORED_EVENTS: u64 = 1_000;
/// Most bytes of chunk text a page load stores: UTF-8 bytes, an upper bound of the UTF-16
/// units localStorage's quota counts.
pub const MAX_STORED_BYTES: usize = 512 * 1024;

/// What the cap needs to know of a stored chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// Events its key names.
    pub events: u64,
    /// Bytes of its text.
    pub bytes: usize,
    /// It holds a survey answer ([`crate::event::Priority::Answer`]): it goes last.
    pub answers: bool,
}

/// The indexes of the chunks to remove, in the order they go, given this page load's chunks
/// (oldest first) and the events other live page loads of the site store.
pub fn victims(chunks: &[Held], others: u64) -> Vec<usize> {
    let mut events = others + chunks.iter().map(|c| c.events).sum::<u64>();
    let mut bytes = chunks.iter().map(|c| c.bytes).sum::<usize>();
    let mut gone = Vec::new();
    // Touchpoints first, oldest first; then answers, oldest first.
    for answers in [false, true] {
        for (index, chunk) in chunks.iter().enumerate().filter(|(_, c)| c.answers == answers) {
            if events <= MAX_STORED_EVENTS && bytes <= MAX_STORED_BYTES {
                return gone;
            }
            events -= chunk.events;
            bytes -= chunk.bytes;
            gone.push(index);
        }
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touchpoints(events: u64) -> Held {
        Held { events, bytes: 10, answers: false }
    }

    #[test]
    fn within_the_cap_nothing_goes() {
        assert!(victims(&[touchpoints(500), touchpoints(500)], 0).is_empty());
        assert!(victims(&[], 5_000).is_empty(), "another tab's chunks are never ours to remove");
    }

    #[test]
    fn over_the_event_cap_the_oldest_chunk_goes_first() {
        assert_eq!(victims(&[touchpoints(500), touchpoints(500), touchpoints(1)], 0), [0]);
        assert_eq!(victims(&[touchpoints(300), touchpoints(300)], 800), [0, 1], "other live tabs count");
    }

    #[test]
    fn a_chunk_holding_an_answer_goes_last() {
        let answer = Held { events: 2, bytes: 10, answers: true };
        assert_eq!(victims(&[answer, touchpoints(500), touchpoints(500)], 0), [1]);
        assert_eq!(victims(&[answer, touchpoints(999)], 1_000), [1, 0], "when nothing else is left, it goes too");
    }

    #[test]
    fn over_the_byte_cap_chunks_go_too() {
        let big = Held { events: 1, bytes: MAX_STORED_BYTES / 2 + 1, answers: false };
        assert_eq!(victims(&[big, big, touchpoints(1)], 0), [0]);
        assert!(
            victims(&[Held { events: 1, bytes: MAX_STORED_BYTES, answers: false }], 0).is_empty(),
            "at the cap is within it"
        );
    }
}

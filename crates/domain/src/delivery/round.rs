//! Send rounds and the due rule.
//!
//! A round (age, size, `flush()`, an answer, hide, a retry, adopted events at load) sends,
//! one batch after another, the events waiting when it began — not those tracked while it
//! runs: they wait for their own age limit, so steady traffic makes one request per age limit,
//! not one per answer (decisions.md §12).

use crate::queue::MAX_BATCH_EVENTS;

/// The round under way.
#[derive(Debug, Clone, Copy, Default)]
pub struct Round {
    /// Events the round may still take.
    due: usize,
    /// Batches it posted so far.
    posted: usize,
}

impl Round {
    /// A round that begins with `pending` events waiting.
    pub fn begin(pending: usize) -> Round {
        Round { due: pending, posted: 0 }
    }

    /// How many events the next batch may take: a batch's count guard, and no more than due.
    pub fn allowance(&self) -> usize {
        MAX_BATCH_EVENTS.min(self.due)
    }

    /// The next batch took `events`. Returns its place in the round (0: the first).
    pub fn took(&mut self, events: usize) -> usize {
        self.due = self.due.saturating_sub(events);
        self.posted += 1;
        self.posted - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_takes_only_what_was_due_when_it_began() {
        let mut round = Round::begin(3);
        assert_eq!(round.allowance(), 3);
        assert_eq!(round.took(3), 0);
        assert_eq!(round.allowance(), 0, "events tracked since wait for their own round");
    }

    #[test]
    fn a_big_round_goes_in_batches_of_the_count_guard() {
        let mut round = Round::begin(1_200);
        assert_eq!(round.allowance(), MAX_BATCH_EVENTS);
        assert_eq!(round.took(MAX_BATCH_EVENTS), 0);
        assert_eq!(round.took(MAX_BATCH_EVENTS), 1);
        assert_eq!(round.allowance(), 200);
    }
}

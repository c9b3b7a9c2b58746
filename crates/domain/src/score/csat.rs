//! Customer satisfaction: answers 1–5; CSAT % = the share of 4 and 5 (top-2-box), reported
//! with the mean beside it (design.md, "Scoring").

use super::Tenths;

/// The lowest answer on the CSAT scale.
pub const LOW: u8 = 1;
/// The highest answer on the CSAT scale.
pub const HIGH: u8 = 5;
/// The lowest answer that counts as satisfied: 4 and 5 are the top two boxes.
pub const SATISFIED: u8 = 4;

/// Counts of CSAT answers. Dismissed surveys are not answers and never reach it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsatTally {
    /// Answers 1–5.
    pub responses: u64,
    /// Answers 4–5.
    pub satisfied: u64,
    /// The sum of the answers, for the mean.
    pub total: u64,
}

impl CsatTally {
    /// Tallies 1–5 answers, ignoring any off the scale.
    pub fn from_scores(scores: impl IntoIterator<Item = u8>) -> CsatTally {
        let mut tally = CsatTally::default();
        for score in scores {
            tally.add(score);
        }
        tally
    }

    /// Counts one answer; one off the scale is ignored.
    pub fn add(&mut self, score: u8) {
        if (LOW..=HIGH).contains(&score) {
            self.responses = self.responses.saturating_add(1);
            self.satisfied = self.satisfied.saturating_add(u64::from(score >= SATISFIED));
            self.total = self.total.saturating_add(u64::from(score));
        }
    }

    /// % of answers that are 4 or 5, in tenths; `None` without answers.
    pub fn percent(&self) -> Option<Tenths> {
        Tenths::ratio(self.satisfied as i64 * 100, self.responses as i64)
    }

    /// The mean answer, 1–5, in tenths; `None` without answers.
    pub fn mean(&self) -> Option<Tenths> {
        Tenths::ratio(self.total as i64, self.responses as i64)
    }

    /// Whether the counts can come from answers on the scale: what a stored text must hold.
    pub fn is_consistent(&self) -> bool {
        super::consistent(self.responses, self.satisfied, self.total, LOW, HIGH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers given; the percent and the mean, in tenths.
    type Vector = (&'static [u8], Option<i64>, Option<i64>);

    #[test]
    fn test_vectors() {
        let fifteen_ones_and_a_five: &[u8] = &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5];
        let cases: &[Vector] = &[
            (&[], None, None),                                // no answers, no score
            (&[5, 5, 4], Some(1000), Some(47)),               // all top: 14 / 3 = 4.67
            (&[1, 2, 3], Some(0), Some(20)),                  // all bottom
            (&[5, 4, 2], Some(667), Some(37)),                // the e2e vector: 66.67, 3.67
            (&[3], Some(0), Some(30)),                        // 3 is not satisfied
            (&[4], Some(1000), Some(40)),                     // 4 is
            (&[5, 5, 5, 4], Some(1000), Some(48)),            // 4.75 → 4.8
            (&[1, 1, 1, 2], Some(0), Some(13)),               // 1.25 → 1.3
            (fifteen_ones_and_a_five, Some(63), Some(13)),    // 6.25 % → 6.3; 20 / 16 = 1.25 → 1.3
            (&[5, 1, 1, 1, 1, 1, 1, 1], Some(125), Some(15)), // 12.5 % exactly; 12 / 8 = 1.5
            (&[5, 0, 6, 9], Some(1000), Some(50)),            // off-scale answers are ignored
        ];
        for &(scores, percent, mean) in cases {
            let tally = CsatTally::from_scores(scores.iter().copied());
            assert_eq!(tally.percent(), percent.map(Tenths), "percent of {scores:?}");
            assert_eq!(tally.mean(), mean.map(Tenths), "mean of {scores:?}");
            assert!(tally.is_consistent());
        }
    }

    #[test]
    fn counts_are_kept_apart() {
        let tally = CsatTally::from_scores([5, 4, 2]);
        assert_eq!(tally, CsatTally { responses: 3, satisfied: 2, total: 11 });
    }
}

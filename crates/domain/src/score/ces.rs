//! Customer effort: agreement 1–7 with "it was easy to …"; reported as the mean and the share
//! agreeing, 5–7 (design.md, "Scoring").

use super::Tenths;

/// The lowest answer on the CES scale.
pub const LOW: u8 = 1;
/// The highest answer on the CES scale.
pub const HIGH: u8 = 7;
/// The lowest answer that agrees: 5, 6 and 7.
pub const AGREE: u8 = 5;

/// Counts of CES answers. Dismissed surveys are not answers and never reach it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CesTally {
    /// Answers 1–7.
    pub responses: u64,
    /// Answers 5–7.
    pub agree: u64,
    /// The sum of the answers, for the mean.
    pub total: u64,
}

impl CesTally {
    /// Tallies 1–7 answers, ignoring any off the scale.
    pub fn from_scores(scores: impl IntoIterator<Item = u8>) -> CesTally {
        let mut tally = CesTally::default();
        for score in scores {
            tally.add(score);
        }
        tally
    }

    /// Counts one answer; one off the scale is ignored.
    pub fn add(&mut self, score: u8) {
        if (LOW..=HIGH).contains(&score) {
            self.responses = self.responses.saturating_add(1);
            self.agree = self.agree.saturating_add(u64::from(score >= AGREE));
            self.total = self.total.saturating_add(u64::from(score));
        }
    }

    /// % of answers that agree (5–7), in tenths; `None` without answers.
    pub fn percent_agree(&self) -> Option<Tenths> {
        Tenths::ratio(self.agree as i64 * 100, self.responses as i64)
    }

    /// The mean answer, 1–7, in tenths; `None` without answers.
    pub fn mean(&self) -> Option<Tenths> {
        Tenths::ratio(self.total as i64, self.responses as i64)
    }

    /// Whether the counts can come from answers on the scale: what a stored text must hold.
    pub fn is_consistent(&self) -> bool {
        super::consistent(self.responses, self.agree, self.total, LOW, HIGH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers given; the percent agreeing and the mean, in tenths.
    type Vector = (&'static [u8], Option<i64>, Option<i64>);

    #[test]
    fn test_vectors() {
        let fifteen_ones_and_a_seven: &[u8] = &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7];
        let cases: &[Vector] = &[
            (&[], None, None),                              // no answers, no score
            (&[7, 6, 5], Some(1000), Some(60)),             // all agree
            (&[1, 2, 3, 4], Some(0), Some(25)),             // none agree: 2.5
            (&[7, 3], Some(500), Some(50)),                 // the e2e vector
            (&[4], Some(0), Some(40)),                      // 4 is neutral, not agreement
            (&[5], Some(1000), Some(50)),                   // 5 agrees
            (&[7, 7, 6, 7, 1, 1], Some(667), Some(48)),     // 66.67 %; 29 / 6 = 4.83
            (&[5, 5, 5, 6], Some(1000), Some(53)),          // 5.25 → 5.3
            (&[1, 1, 1, 2], Some(0), Some(13)),             // 1.25 → 1.3
            (fifteen_ones_and_a_seven, Some(63), Some(14)), // 6.25 % → 6.3; 22 / 16 = 1.375
            (&[7, 0, 8, 200], Some(1000), Some(70)),        // off-scale answers are ignored
        ];
        for &(scores, percent, mean) in cases {
            let tally = CesTally::from_scores(scores.iter().copied());
            assert_eq!(tally.percent_agree(), percent.map(Tenths), "percent agreeing of {scores:?}");
            assert_eq!(tally.mean(), mean.map(Tenths), "mean of {scores:?}");
            assert!(tally.is_consistent());
        }
    }

    #[test]
    fn counts_are_kept_apart() {
        assert_eq!(CesTally::from_scores([7, 3]), CesTally { responses: 2, agree: 1, total: 10 });
    }
}

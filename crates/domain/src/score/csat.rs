//! Customer satisfaction: answers 1–5; CSAT % = the share of 4 and 5 (top-2-box), reported
//! with the mean beside it (design.md, "Scoring").

use super::scale::ScaleTally;

/// CSAT answers 1–5; 4 and 5 are the top two boxes (`top`: satisfied), `top_percent()` is CSAT %.
pub type CsatTally = ScaleTally<1, 5, 4>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Tenths;

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
            assert_eq!(tally.top_percent(), percent.map(Tenths), "percent of {scores:?}");
            assert_eq!(tally.mean(), mean.map(Tenths), "mean of {scores:?}");
            assert!(tally.is_consistent());
        }
    }

    #[test]
    fn counts_are_kept_apart() {
        let tally = CsatTally::from_scores([5, 4, 2]);
        assert_eq!(tally, CsatTally { responses: 3, top: 2, total: 11 });
    }
}

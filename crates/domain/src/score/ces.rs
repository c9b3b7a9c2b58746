//! Customer effort: agreement 1–7 with "it was easy to …"; reported as the mean and the share
//! agreeing, 5–7 (design.md, "Scoring").

use super::scale::ScaleTally;

/// CES answers 1–7; 5, 6 and 7 agree (`top`), `top_percent()` is the share agreeing.
pub type CesTally = ScaleTally<1, 7, 5>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Tenths;

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
            assert_eq!(tally.top_percent(), percent.map(Tenths), "percent agreeing of {scores:?}");
            assert_eq!(tally.mean(), mean.map(Tenths), "mean of {scores:?}");
            assert!(tally.is_consistent());
        }
    }

    #[test]
    fn counts_are_kept_apart() {
        assert_eq!(CesTally::from_scores([7, 3]), CesTally { responses: 2, top: 1, total: 10 });
    }
}

//! Local scoring: pure functions over counts, the same code on the device and in the collector.
//!
//! Counting is done in integers; a score is reported with one decimal, rounded half away from
//! zero (decisions.md §21), as [`Tenths`]. An empty set scores `None`, never 0. The session
//! experience score ([`session`]) is a whole number, 0–100, with its reasons.

pub mod nps;
pub mod session;

/// A score with one decimal, held as an integer number of tenths (`250` is 25.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tenths(pub i64);

impl Tenths {
    /// `numerator / denominator` in tenths, rounded half away from zero. `None` when the
    /// denominator is 0 (an empty set has no score).
    pub fn ratio(numerator: i64, denominator: i64) -> Option<Tenths> {
        if denominator == 0 {
            return None;
        }
        let scaled = numerator * 10;
        let (quotient, remainder) = (scaled / denominator, scaled % denominator);
        let rounds_away = 2 * remainder.abs() >= denominator.abs();
        let away = if (scaled < 0) != (denominator < 0) { -1 } else { 1 };
        Some(Tenths(quotient + if rounds_away { away } else { 0 }))
    }

    /// The score as a number (`250` tenths is `25.0`), for JSON writers that take floats.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Tenths::ratio(1, 3), Some(Tenths(3)));
        assert_eq!(Tenths::ratio(2, 3), Some(Tenths(7)));
        assert_eq!(Tenths::ratio(1, 8), Some(Tenths(1))); // 0.125 → 0.1
        assert_eq!(Tenths::ratio(1, 4), Some(Tenths(3))); // 0.25 → 0.3
        assert_eq!(Tenths::ratio(-1, 4), Some(Tenths(-3))); // −0.25 → −0.3
        assert_eq!(Tenths::ratio(-1, 3), Some(Tenths(-3)));
        assert_eq!(Tenths::ratio(5, 0), None);
    }

    #[test]
    fn converts_to_one_decimal_numbers() {
        assert_eq!(Tenths(250).as_f64(), 25.0);
        assert_eq!(Tenths(-333).as_f64(), -33.3);
        assert_eq!(Tenths(-5).as_f64(), -0.5);
        assert_eq!(Tenths(1000).as_f64(), 100.0);
    }
}

//! Local scoring: pure functions over counts, the same code on the device and in the collector.
//!
//! Counting is done in integers; a score is reported with one decimal, rounded half away from
//! zero (decisions.md §21), as [`Tenths`]. An empty set scores `None`, never 0.

pub mod nps;

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

    /// The JSON number text, e.g. `25.0`, `-33.3`.
    pub fn to_json(self) -> String {
        let mut out = String::new();
        if self.0 < 0 {
            out.push('-');
        }
        super::json::write_integer((self.0 / 10).abs(), &mut out);
        out.push('.');
        out.push(char::from(b'0' + (self.0 % 10).unsigned_abs() as u8));
        out
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
    fn prints_one_decimal() {
        assert_eq!(Tenths(250).to_json(), "25.0");
        assert_eq!(Tenths(-333).to_json(), "-33.3");
        assert_eq!(Tenths(-5).to_json(), "-0.5");
        assert_eq!(Tenths(0).to_json(), "0.0");
        assert_eq!(Tenths(1000).to_json(), "100.0");
    }
}

//! Local scoring: pure functions over counts, the same code on the device and in the collector.
//!
//! Counting is done in integers; a score is reported with one decimal, rounded half away from
//! zero (decisions.md §21), as [`Tenths`]. An empty set scores `None`, never 0. The session
//! experience score ([`session`]) is a whole number, 0–100, with its reasons. [`answers`]
//! holds one browser's tallies of NPS ([`nps`]), CSAT ([`csat`]) and CES ([`ces`]) answers.

use alloc::string::String;

use crate::json::write_integer;

pub mod answers;
pub mod ces;
pub mod csat;
pub mod nps;
pub mod scale;
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

    /// Appends the score as a JSON number with one decimal (`25.0`, `-0.5`), without floats:
    /// the wasm writes it with the integer writer it has anyway.
    pub fn write(self, out: &mut String) {
        if self.0 < 0 {
            out.push('-');
        }
        let tenths = self.0.unsigned_abs();
        write_integer((tenths / 10) as i64, out);
        out.push('.');
        out.push(char::from(b'0' + (tenths % 10) as u8));
    }

    /// Appends `score` as [`write`](Tenths::write) does, or `null` for an empty set.
    pub fn write_or_null(score: Option<Tenths>, out: &mut String) {
        match score {
            Some(score) => score.write(out),
            None => out.push_str("null"),
        }
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
    fn writes_one_decimal_json_numbers_without_floats() {
        let written = |tenths: i64| {
            let mut out = String::new();
            Tenths(tenths).write(&mut out);
            out
        };
        let cases =
            [(250, "25.0"), (667, "66.7"), (-333, "-33.3"), (-5, "-0.5"), (5, "0.5"), (0, "0.0"), (-1000, "-100.0")];
        for (tenths, text) in cases {
            assert_eq!(written(tenths), text);
            assert_eq!(
                text.parse::<f64>().unwrap(),
                Tenths(tenths).as_f64(),
                "{text} reads as the number as_f64 gives"
            );
        }
        let mut out = String::new();
        Tenths::write_or_null(None, &mut out);
        assert_eq!(out, "null");
    }

    #[test]
    fn converts_to_one_decimal_numbers() {
        assert_eq!(Tenths(250).as_f64(), 25.0);
        assert_eq!(Tenths(-333).as_f64(), -33.3);
        assert_eq!(Tenths(-5).as_f64(), -0.5);
        assert_eq!(Tenths(1000).as_f64(), 100.0);
    }
}

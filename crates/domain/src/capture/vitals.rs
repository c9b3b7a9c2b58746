//! Web vitals and their ratings (decisions.md §25, docs/tracker.md "Vitals ratings").
//!
//! The rule is web-vitals' `getRating`: `value > poor ? poor : value > good ?
//! needs-improvement : good`, so a value exactly at a threshold takes the better rating.
//!
//! Values arrive as JSON number text (`2500`, `123.45`, `0.1`, `1e-7`) and are rated without
//! floats: the text becomes whole thousandths of its unit (ms, or CLS's unitless score),
//! **rounded up**. For whole-thousandth thresholds that is exact: `v > t` exactly when
//! `⌈1000·v⌉ > 1000·t`, so `0.1000001` is above CLS's 0.1 and `2500.0000001` above LCP's
//! 2,500 ms, as they should be.

use crate::score::session::SignalKind;

/// A web vital cxkit reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vital {
    /// Largest Contentful Paint, ms.
    Lcp,
    /// Interaction to Next Paint, ms.
    Inp,
    /// Cumulative Layout Shift, unitless.
    Cls,
    /// First Contentful Paint, ms.
    Fcp,
    /// Time to First Byte, ms.
    Ttfb,
}

/// How a vital's value rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    /// At or below the good threshold.
    Good,
    /// Above good, at or below poor.
    NeedsImprovement,
    /// Above the poor threshold.
    Poor,
}

/// The largest value rated, in thousandths of its unit: one hour of ms (and 3.6 million for
/// CLS, a bound it never nears). No real paint, interaction or first byte takes longer; a
/// larger number is a bug or a forgery, and is refused rather than counted.
pub const MAX_THOUSANDTHS: u64 = 3_600_000_000;

impl Vital {
    /// Every vital, in the order the docs list them.
    pub const ALL: [Vital; 5] = [Vital::Lcp, Vital::Inp, Vital::Cls, Vital::Fcp, Vital::Ttfb];

    /// The vital named as web-vitals names it (`LCP`); exact, upper case.
    pub fn from_name(name: &str) -> Option<Vital> {
        Vital::ALL.iter().copied().find(|vital| vital.name() == name)
    }

    /// The name, as on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Vital::Lcp => "LCP",
            Vital::Inp => "INP",
            Vital::Cls => "CLS",
            Vital::Fcp => "FCP",
            Vital::Ttfb => "TTFB",
        }
    }

    /// The good and poor thresholds (decisions.md §25), in thousandths of the unit.
    pub fn thresholds(self) -> (u64, u64) {
        match self {
            Vital::Lcp => (2_500_000, 4_000_000),
            Vital::Inp => (200_000, 500_000),
            Vital::Cls => (100, 250),
            Vital::Fcp => (1_800_000, 3_000_000),
            Vital::Ttfb => (800_000, 1_800_000),
        }
    }

    /// Rates a value given as JSON number text; `None` when it is not a number, negative, or
    /// above [`MAX_THOUSANDTHS`].
    pub fn rate(self, value: &str) -> Option<Rating> {
        let (good, poor) = self.thresholds();
        let value = thousandths(value)?;
        Some(if value > poor {
            Rating::Poor
        } else if value > good {
            Rating::NeedsImprovement
        } else {
            Rating::Good
        })
    }
}

impl Rating {
    /// The id, as on the wire (web-vitals' own).
    pub fn id(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::NeedsImprovement => "needs-improvement",
            Rating::Poor => "poor",
        }
    }

    /// The kind it counts as in the session score; `None` for good.
    pub fn signal(self) -> Option<SignalKind> {
        match self {
            Rating::Good => None,
            Rating::NeedsImprovement => Some(SignalKind::VitalNeedsImprovement),
            Rating::Poor => Some(SignalKind::VitalPoor),
        }
    }
}

/// A non-negative JSON number (`int[.frac][e±exp]`) as whole thousandths, rounded up; `None`
/// for other text, a minus sign (`JSON.stringify` never writes `-0`), or above
/// [`MAX_THOUSANDTHS`].
pub fn thousandths(text: &str) -> Option<u64> {
    // A byte scan: `split_once(['e', 'E'])` would bring a searcher of its own into the module.
    let at_e = text.bytes().position(|b| b == b'e' || b == b'E');
    let (mantissa, exponent) = match at_e.and_then(|i| Some((text.get(..i)?, text.get(i + 1..)?))) {
        Some((mantissa, exponent)) => (mantissa, parse_exponent(exponent)?),
        None => (text, 0),
    };
    let (int, frac) = match crate::scan::split_once(mantissa, b'.') {
        Some((int, frac)) if !frac.is_empty() => (int, frac),
        Some(_) => return None,
        None => (mantissa, ""),
    };
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digit i (from the left, over int then frac) weighs 10^(int.len() − 1 − i + exponent + 3)
    // thousandths. Digits of weight ≥ 0 are the whole part; any non-zero digit after them
    // rounds it up.
    let whole_digits = (int.len() as i64).saturating_add(exponent).saturating_add(3);
    let (mut whole, mut rest) = (0u64, false);
    for (i, b) in int.bytes().chain(frac.bytes()).enumerate() {
        let digit = u64::from(b - b'0');
        if (i as i64) < whole_digits {
            whole = whole.checked_mul(10)?.checked_add(digit)?;
            if whole > MAX_THOUSANDTHS {
                return None;
            }
        } else {
            rest |= digit != 0;
        }
    }
    // Whole digits beyond the text (`25e2`): trailing zeros.
    let given = (int.len() + frac.len()) as i64;
    for _ in given..whole_digits {
        if whole == 0 {
            break;
        }
        whole = whole.checked_mul(10)?;
        if whole > MAX_THOUSANDTHS {
            return None;
        }
    }
    let value = whole + u64::from(rest);
    (value <= MAX_THOUSANDTHS).then_some(value)
}

/// An exponent, `[+-]digits`, clamped to ±10,000: far past any value that rates, and small
/// enough that no sum with it overflows.
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |acc, b| (acc * 10 + i64::from(b - b'0')).min(10_000));
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        for vital in Vital::ALL {
            assert_eq!(Vital::from_name(vital.name()), Some(vital));
        }
        assert_eq!(Vital::from_name("lcp"), None);
        assert_eq!(Vital::from_name("FID"), None);
        let ids: Vec<_> = [Rating::Good, Rating::NeedsImprovement, Rating::Poor].map(Rating::id).into();
        assert_eq!(ids, ["good", "needs-improvement", "poor"]);
        assert_eq!(Rating::Good.signal(), None);
        assert_eq!(Rating::Poor.signal(), Some(SignalKind::VitalPoor));
    }

    #[test]
    fn thousandths_are_exact_and_round_up() {
        let cases = [
            ("0", Some(0)),
            ("2500", Some(2_500_000)),
            ("123.45", Some(123_450)),
            ("0.1", Some(100)),
            ("0.25", Some(250)),
            ("0.1000001", Some(101)),
            ("0.0001", Some(1)),
            ("0.000", Some(0)),
            ("1e-7", Some(1)),
            ("2.5e-1", Some(250)),
            ("25e2", Some(2_500_000)),
            ("2.5E+3", Some(2_500_000)),
            ("0e999999999999999999999", Some(0)),
            ("3600000", Some(MAX_THOUSANDTHS)),
            ("3600000.001", None),
            ("3600000.0001", None),
            ("1e400", None),
            ("18446744073709551616", None),
            ("1e-400", Some(1)),
            ("-0", None),
            ("-1", None),
            ("", None),
            (".5", None),
            ("5.", None),
            ("1e", None),
            ("1e+", None),
            ("NaN", None),
            ("Infinity", None),
            ("null", None),
            (" 1", None),
            ("1.2.3", None),
            ("0x10", None),
        ];
        for (text, want) in cases {
            assert_eq!(thousandths(text), want, "{text:?}");
        }
    }

    #[test]
    fn ratings_at_each_threshold_and_the_smallest_step_around_it() {
        use Rating::*;
        let cases = [
            (Vital::Lcp, "2499.999", Good),
            (Vital::Lcp, "2500", Good),
            (Vital::Lcp, "2500.001", NeedsImprovement),
            (Vital::Lcp, "2500.0000001", NeedsImprovement),
            (Vital::Lcp, "4000", NeedsImprovement),
            (Vital::Lcp, "4000.001", Poor),
            (Vital::Inp, "200", Good),
            (Vital::Inp, "200.001", NeedsImprovement),
            (Vital::Inp, "500", NeedsImprovement),
            (Vital::Inp, "501", Poor),
            (Vital::Cls, "0", Good),
            (Vital::Cls, "0.099", Good),
            (Vital::Cls, "0.1", Good),
            (Vital::Cls, "0.1000001", NeedsImprovement),
            (Vital::Cls, "0.101", NeedsImprovement),
            (Vital::Cls, "0.25", NeedsImprovement),
            (Vital::Cls, "0.2500000000001", Poor),
            (Vital::Cls, "2.5e-1", NeedsImprovement),
            (Vital::Cls, "1e-7", Good),
            (Vital::Fcp, "1800", Good),
            (Vital::Fcp, "1800.001", NeedsImprovement),
            (Vital::Fcp, "3000", NeedsImprovement),
            (Vital::Fcp, "3000.001", Poor),
            (Vital::Ttfb, "800", Good),
            (Vital::Ttfb, "800.001", NeedsImprovement),
            (Vital::Ttfb, "1800", NeedsImprovement),
            (Vital::Ttfb, "1800.001", Poor),
        ];
        for (vital, value, want) in cases {
            assert_eq!(vital.rate(value), Some(want), "{} {value}", vital.name());
        }
        assert_eq!(Vital::Lcp.rate("-1"), None);
        assert_eq!(Vital::Inp.rate("1e9"), None);
    }
}

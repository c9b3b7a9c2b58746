//! One browser's survey answers, tallied by kind: what `cx.scores()` reports with the same
//! formulas as `/v1/stats`, and the compact text the core keeps in localStorage
//! (`cxkit:<site>:scores`) so the tallies outlive the page load.

use alloc::string::String;

use super::ces::CesTally;
use super::csat::CsatTally;
use super::nps::{NpsBucket, NpsTally};
use crate::json::{parse_integer, write_integer};
use crate::survey::SurveyKind;

/// The numbers in the stored text, in [`Answers::encode`] order.
const FIELDS: usize = 9;

/// The largest count or sum a stored text may hold: far beyond one browser's answers, and
/// small enough that a percent's `count × 100` cannot overflow.
const MAX_STORED: i64 = 1 << 40;

/// The tallies of NPS, CSAT and CES answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answers {
    /// NPS answers by bucket.
    pub nps: NpsTally,
    /// CSAT answers.
    pub csat: CsatTally,
    /// CES answers.
    pub ces: CesTally,
}

impl Answers {
    /// Counts one answer of a survey of `kind`; an answer off its scale, or of a kind without
    /// a score (free text), is ignored.
    pub fn add(&mut self, kind: SurveyKind, value: u8) {
        match kind {
            SurveyKind::Nps => {
                if let Some(bucket) = NpsBucket::of(value) {
                    self.nps.add(bucket);
                }
            }
            SurveyKind::Csat => self.csat.add(value),
            SurveyKind::Ces => self.ces.add(value),
            SurveyKind::Text => {}
        }
    }

    /// Adds another tally, count by count: answers not stored yet to the stored ones. (No
    /// sum can overflow: a stored count is at most 2⁴⁰, and a page load adds a handful.)
    pub fn merge(&mut self, other: &Answers) {
        let (nps, csat, ces) = (&mut self.nps, &mut self.csat, &mut self.ces);
        nps.promoters += other.nps.promoters;
        nps.passives += other.nps.passives;
        nps.detractors += other.nps.detractors;
        csat.merge(&other.csat);
        ces.merge(&other.ces);
    }

    fn fields(&self) -> [u64; FIELDS] {
        let (nps, csat, ces) = (&self.nps, &self.csat, &self.ces);
        [
            nps.promoters,
            nps.passives,
            nps.detractors,
            csat.responses,
            csat.top,
            csat.total,
            ces.responses,
            ces.top,
            ces.total,
        ]
    }

    fn from_fields(
        [promoters, passives, detractors, csat_responses, satisfied, csat_total, ces_responses, agree, ces_total]: [u64; FIELDS],
    ) -> Answers {
        Answers {
            nps: NpsTally { promoters, passives, detractors },
            csat: CsatTally { responses: csat_responses, top: satisfied, total: csat_total },
            ces: CesTally { responses: ces_responses, top: agree, total: ces_total },
        }
    }

    /// The tallies as text for localStorage: nine decimal numbers joined by `.` — NPS
    /// promoters, passives, detractors; CSAT responses, satisfied, sum; CES responses, agreeing,
    /// sum (`2.1.1.3.2.11.2.1.10`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, field) in self.fields().iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            write_integer(*field as i64, &mut out);
        }
        out
    }

    /// Reads [`encode`](Answers::encode)'s text; `None` for anything else, including counts no
    /// answers could give (more satisfied than responses, a sum off the scale). A longer text
    /// (a later version that appends) is checked, and its extra numbers ignored.
    pub fn decode(text: &str) -> Option<Answers> {
        let mut fields = [0u64; FIELDS];
        let mut read = 0;
        for (i, part) in crate::scan::split(text, b'.').enumerate() {
            let n = parse_integer(part).filter(|n| (0..=MAX_STORED).contains(n) && !part.starts_with('-'))? as u64;
            if let Some(field) = fields.get_mut(i) {
                *field = n;
            }
            read = i + 1;
        }
        let answers = Answers::from_fields(fields);
        (read >= FIELDS && answers.csat.is_consistent() && answers.ces.is_consistent()).then_some(answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Tenths;

    fn answers(given: &[(SurveyKind, u8)]) -> Answers {
        let mut answers = Answers::default();
        for &(kind, value) in given {
            answers.add(kind, value);
        }
        answers
    }

    #[test]
    fn answers_are_tallied_by_kind_with_the_kinds_formulas() {
        use SurveyKind::*;
        let all = answers(&[
            (Nps, 10),
            (Nps, 9),
            (Nps, 7),
            (Nps, 3),
            (Csat, 5),
            (Csat, 4),
            (Csat, 2),
            (Ces, 7),
            (Ces, 3),
            (Nps, 11),
            (Csat, 0),
            (Ces, 8),
            (Text, 5),
        ]);
        assert_eq!((all.nps.score(), all.nps.responses()), (Some(Tenths(250)), 4));
        assert_eq!(
            (all.csat.top_percent(), all.csat.mean(), all.csat.responses),
            (Some(Tenths(667)), Some(Tenths(37)), 3)
        );
        assert_eq!(
            (all.ces.mean(), all.ces.top_percent(), all.ces.responses),
            (Some(Tenths(50)), Some(Tenths(500)), 2)
        );
        assert_eq!(Answers::default().nps.score(), None);
    }

    #[test]
    fn tallies_round_trip_through_storage_text_and_merge() {
        use SurveyKind::*;
        let first = answers(&[(Nps, 10), (Nps, 9), (Csat, 5), (Ces, 7)]);
        let later = answers(&[(Nps, 7), (Nps, 3), (Csat, 4), (Csat, 2), (Ces, 3)]);
        let mut both = Answers::decode(&first.encode()).unwrap();
        both.merge(&later);
        assert_eq!(both.encode(), "2.1.1.3.2.11.2.1.10");
        assert_eq!(Answers::decode(&both.encode()), Some(both));
        assert_eq!(Answers::default().encode(), "0.0.0.0.0.0.0.0.0");
        assert_eq!(Answers::decode("0.0.0.0.0.0.0.0.0"), Some(Answers::default()));
        assert_eq!(Answers::decode("2.1.1.3.2.11.2.1.10.7"), Some(both), "a later, longer text");
        let most = Answers::decode("1099511627776.0.0.0.0.0.0.0.0").unwrap();
        assert_eq!(most.nps.score(), Some(Tenths(1000)), "the largest stored count scores without overflow");
    }

    #[test]
    fn broken_or_impossible_text_reads_as_nothing() {
        for garbage in [
            "",
            ".",
            "1.0.0.0.0.0.0.0",    // too short
            "1..0.0.0.0.0.0.0",   // an empty number
            "1.0.0.0.0.0.0.0.x",  // not a number
            "-1.0.0.0.0.0.0.0.0", // negative
            "1.0.0.0.0.-0.0.0.0", // a signed zero is not what encode writes
            "+1.0.0.0.0.0.0.0.0",
            " 1.0.0.0.0.0.0.0.0",
            "1e3.0.0.0.0.0.0.0.0",
            "0.0.0.1.2.5.0.0.0", // more satisfied than responses
            "0.0.0.1.1.6.0.0.0", // a CSAT sum above 5 per answer
            "0.0.0.2.0.1.0.0.0", // a CSAT sum below 1 per answer
            "0.0.0.0.0.0.1.0.8", // a CES sum above 7
            "0.0.0.0.0.0.1.2.7", // more agreeing than responses
            "0.0.0.0.0.0.999999999999999999.0.0",
            "1099511627777.0.0.0.0.0.0.0.0", // above the largest stored count
            "1.0.0.0.0.0.0.0.0.y",           // a later version's text still has to be numbers
        ] {
            assert_eq!(Answers::decode(garbage), None, "{garbage:?}");
        }
    }
}

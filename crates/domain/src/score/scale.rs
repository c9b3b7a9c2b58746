//! A tally of answers on a bounded scale with top boxes: the one shape of CSAT (1–5, top-2-box
//! 4–5) and CES (1–7, agreeing 5–7). Each is this tally with its own bounds ([`super::csat`],
//! [`super::ces`]): one piece of code, tested once per scale.

use super::Tenths;

/// Counts of answers on the scale `LOW..=HIGH`, `TOP` and above in its top boxes. Dismissed
/// surveys are not answers and never reach it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScaleTally<const LOW: u8, const HIGH: u8, const TOP: u8> {
    /// Answers on the scale.
    pub responses: u64,
    /// Answers in the top boxes (`TOP..=HIGH`): CSAT's satisfied, CES's agreeing.
    pub top: u64,
    /// The sum of the answers, for the mean.
    pub total: u64,
}

impl<const LOW: u8, const HIGH: u8, const TOP: u8> ScaleTally<LOW, HIGH, TOP> {
    /// Tallies answers, ignoring any off the scale.
    pub fn from_scores(scores: impl IntoIterator<Item = u8>) -> Self {
        let mut tally = Self::default();
        for score in scores {
            tally.add(score);
        }
        tally
    }

    /// Counts one answer; one off the scale is ignored.
    pub fn add(&mut self, score: u8) {
        if (LOW..=HIGH).contains(&score) {
            self.responses = self.responses.saturating_add(1);
            self.top = self.top.saturating_add(u64::from(score >= TOP));
            self.total = self.total.saturating_add(u64::from(score));
        }
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, other: &Self) {
        self.responses = self.responses.saturating_add(other.responses);
        self.top = self.top.saturating_add(other.top);
        self.total = self.total.saturating_add(other.total);
    }

    /// % of answers in the top boxes, in tenths; `None` without answers.
    pub fn top_percent(&self) -> Option<Tenths> {
        Tenths::ratio(self.top as i64 * 100, self.responses as i64)
    }

    /// The mean answer, in tenths; `None` without answers.
    pub fn mean(&self) -> Option<Tenths> {
        Tenths::ratio(self.total as i64, self.responses as i64)
    }

    /// Whether the counts can come from answers on the scale: what a stored text must hold.
    pub fn is_consistent(&self) -> bool {
        let least = self.responses.checked_mul(u64::from(LOW));
        let most = self.responses.checked_mul(u64::from(HIGH));
        self.top <= self.responses && least.is_some_and(|l| l <= self.total) && most.is_some_and(|m| self.total <= m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Csat = ScaleTally<1, 5, 4>;
    type Wide = ScaleTally<2, 7, 5>;

    #[test]
    fn only_counts_answers_on_the_scale_could_give_are_consistent() {
        assert!(Csat::default().is_consistent());
        assert!(Csat { responses: 3, top: 2, total: 11 }.is_consistent());
        assert!(!Csat { responses: 3, top: 4, total: 11 }.is_consistent(), "more in the top boxes than answers");
        assert!(!Csat { responses: 3, top: 2, total: 2 }.is_consistent(), "below 3 × 1");
        assert!(!Csat { responses: 3, top: 2, total: 16 }.is_consistent(), "above 3 × 5");
        assert!(!Wide { responses: u64::MAX, top: 0, total: u64::MAX }.is_consistent(), "a product that overflows");
    }

    #[test]
    fn merging_adds_count_by_count() {
        let mut tally = Csat::from_scores([5, 4]);
        tally.merge(&Csat::from_scores([2, 9]));
        assert_eq!(tally, Csat { responses: 3, top: 2, total: 11 });
    }
}

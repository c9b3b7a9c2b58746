//! Which step comes next (issue 16, "Branching"): after a step is answered, the first later
//! step whose `when` holds (a step without one always does); none left, the survey is done.

use alloc::vec::Vec;

use super::spec::{Condition, Spec, When};
use crate::score::nps::NpsBucket;

/// A step's answer, as branching reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A score on the step's scale.
    Score(u8),
    /// The indexes of the options chosen, ascending.
    Choice(Vec<usize>),
    /// Free text (branching reads only that there is one).
    Text,
}

impl Spec {
    /// The step that comes after step `answered` (`None`: before the first), given the answers
    /// so far by step index (`None`: not asked or not answered).
    ///
    /// A `when` holds on the answer of the step it reads: a score within its range, in its
    /// NPS bucket, satisfied (CSAT 4–5) or not (1–3); a choice that includes its option. A
    /// `when` on a step not answered never holds.
    pub fn next_step(&self, answered: Option<usize>, answers: &[Option<Answer>]) -> Option<usize> {
        let from = match answered {
            None => return (!self.steps.is_empty()).then_some(0),
            Some(step) => step.saturating_add(1),
        };
        let mut later = self.steps.iter().enumerate().skip(from);
        later.find(|(_, step)| step.when.as_ref().map_or(true, |when| when.holds(answers))).map(|(index, _)| index)
    }
}

impl When {
    /// Whether it holds on `answers`, by step index.
    pub fn holds(&self, answers: &[Option<Answer>]) -> bool {
        let Some(Some(answer)) = answers.get(self.step) else { return false };
        match (&self.condition, answer) {
            (Condition::Range { min, max }, Answer::Score(score)) => {
                min.map_or(true, |min| *score >= min) && max.map_or(true, |max| *score <= max)
            }
            (Condition::Bucket(bucket), Answer::Score(score)) => NpsBucket::of(*score) == Some(*bucket),
            (Condition::Satisfied(satisfied), Answer::Score(score)) => (*score >= 4) == *satisfied,
            (Condition::Option(option), Answer::Choice(chosen)) => chosen.contains(option),
            _ => false,
        }
    }
}

//! Which step comes next (issue 16, "Branching"): after a step is answered, the first later
//! step whose `when` holds (a step without one always does); none left, the survey is done.

use alloc::vec::Vec;

use super::spec::Spec;

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
    pub fn next_step(&self, answered: Option<usize>, answers: &[Option<Answer>]) -> Option<usize> {
        todo!("{answered:?}{answers:?}")
    }
}

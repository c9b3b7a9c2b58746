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

impl Spec {
    /// Whether any step may come after step `index` once it is answered, given the answers so
    /// far: a later step without `when`, one whose `when` reads step `index` itself (its answer
    /// is still to come), or one whose `when` already holds. The widget's button then reads
    /// "Next", else "Submit".
    pub fn may_follow(&self, index: usize, answers: &[Option<Answer>]) -> bool {
        self.steps.iter().skip(index + 1).any(|step| match &step.when {
            None => true,
            Some(when) => when.step == index || when.holds(answers),
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::spec::{parse_survey, StepKind};
    use crate::survey::SurveyKind;

    fn spec(text: &str) -> Spec {
        parse_survey(text, 0).unwrap().spec
    }

    /// The issue's example: score (CES), why (text, when score ≤ 4), reason (choice, always).
    const CHECKOUT: &str = r#"{"id":"checkout_ces","steps":[
        {"id":"score","kind":"ces"},
        {"id":"why","kind":"text","question":"What made it hard?","when":{"step":"score","max":4}},
        {"id":"reason","kind":"choice","question":"Why?","options":["Price","Delivery","Other"]}]}"#;

    #[test]
    fn the_issue_example_asks_why_only_when_it_was_hard() {
        let spec = spec(CHECKOUT);
        assert_eq!(spec.next_step(None, &[]), Some(0));
        let hard = [Some(Answer::Score(4))];
        assert_eq!(spec.next_step(Some(0), &hard), Some(1), "max is inclusive");
        assert_eq!(spec.next_step(Some(1), &[Some(Answer::Score(4)), Some(Answer::Text)]), Some(2));
        let easy = [Some(Answer::Score(5))];
        assert_eq!(spec.next_step(Some(0), &easy), Some(2), "why is skipped");
        let all = [Some(Answer::Score(5)), None, Some(Answer::Choice(vec![2]))];
        assert_eq!(spec.next_step(Some(2), &all), None, "done");
        assert_eq!(spec.next_step(Some(0), &[None]), Some(2), "a when on an unanswered step does not hold");
        assert_eq!(spec.next_step(Some(0), &[]), Some(2), "nor on one past the answers");
    }

    #[test]
    fn each_nps_answer_takes_exactly_its_buckets_follow_up() {
        let spec = spec(
            r#"{"id":"nps_why","steps":[{"id":"score","kind":"nps"},
            {"id":"detractor","kind":"text","question":"What went wrong?","when":{"step":"score","bucket":"detractor"}},
            {"id":"passive","kind":"text","question":"What would make it a 10?","when":{"step":"score","bucket":"passive"}},
            {"id":"promoter","kind":"text","question":"What do you love?","when":{"step":"score","bucket":"promoter"}}]}"#,
        );
        for score in 0..=10u8 {
            let mut answers = vec![Some(Answer::Score(score)), None, None, None];
            let follow_up = spec.next_step(Some(0), &answers).unwrap();
            let expected = match score {
                0..=6 => "detractor",
                7..=8 => "passive",
                _ => "promoter",
            };
            assert_eq!(spec.steps[follow_up].id, expected, "score {score}");
            assert!(spec.may_follow(0, &[None]), "before the score, a follow-up may come");
            assert!(!spec.may_follow(follow_up, &answers), "score {score}: its follow-up is the last step");
            answers[follow_up] = Some(Answer::Text);
            assert_eq!(spec.next_step(Some(follow_up), &answers), None, "score {score}: one follow-up only");
        }
    }

    #[test]
    fn csat_ranges_and_options_branch() {
        let spec = spec(
            r#"{"id":"s","steps":[{"id":"csat","kind":"csat"},
            {"id":"reason","kind":"choice","question":"Why?","options":["Price","Speed","Other"],"multiple":true,"when":{"step":"csat","satisfied":false}},
            {"id":"other","kind":"text","question":"Tell us","when":{"step":"reason","option":"Other"}},
            {"id":"glad","kind":"text","question":"What did you like?","when":{"step":"csat","satisfied":true}},
            {"id":"middle","kind":"ces","when":{"step":"csat","min":2,"max":3}}]}"#,
        );
        assert!(matches!(spec.steps[1].kind, StepKind::Choice { multiple: true, .. }));
        let unhappy = |score: u8, chosen: Vec<usize>| {
            vec![Some(Answer::Score(score)), Some(Answer::Choice(chosen)), None, None, None]
        };
        assert_eq!(spec.next_step(Some(0), &unhappy(3, vec![])), Some(1));
        assert_eq!(spec.next_step(Some(1), &unhappy(3, vec![0, 2])), Some(2), "the choice includes Other");
        assert_eq!(spec.next_step(Some(1), &unhappy(1, vec![0, 1])), None, "without Other; 1 is below the range");
        assert_eq!(spec.next_step(Some(1), &unhappy(2, vec![1])), Some(4), "within min..=max");
        assert_eq!(spec.next_step(Some(2), &unhappy(3, vec![2])), Some(4));
        let happy = [Some(Answer::Score(4))];
        assert_eq!(spec.next_step(Some(0), &happy), Some(3));
        assert_eq!(spec.next_step(Some(3), &happy), None);
        assert_eq!(spec.next_step(Some(0), &[Some(Answer::Text)]), None, "an answer of another shape never holds");
    }

    #[test]
    fn a_builtin_is_one_step_and_an_empty_spec_none() {
        let spec = Spec::builtin(SurveyKind::Csat);
        assert_eq!(spec.next_step(None, &[]), Some(0));
        assert_eq!(spec.next_step(Some(0), &[Some(Answer::Score(5))]), None);
        assert_eq!(spec.next_step(Some(usize::MAX), &[]), None, "no overflow");
        let empty = Spec { steps: Vec::new(), ..spec };
        assert_eq!(empty.next_step(None, &[]), None);
    }
}

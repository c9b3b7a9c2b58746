//! The survey's words: the English defaults of each kind. Here, not in the domain, so the
//! core module that every page loads carries none of them.

use cxkit_domain::survey::SurveyKind;

/// Default wording of a survey: the question and the labels of both ends of its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    /// The question.
    pub question: &'static str,
    /// The label under the lowest score.
    pub low: &'static str,
    /// The label under the highest score.
    pub high: &'static str,
}

/// The English default wording.
pub fn wording(kind: SurveyKind) -> Wording {
    match kind {
        SurveyKind::Nps => Wording {
            question: "How likely are you to recommend us to a friend or colleague?",
            low: "Not at all likely",
            high: "Extremely likely",
        },
        SurveyKind::Csat => Wording {
            question: "How satisfied are you with your experience today?",
            low: "Very dissatisfied",
            high: "Very satisfied",
        },
        SurveyKind::Ces => Wording {
            question: "It was easy to do what I came here to do.",
            low: "Strongly disagree",
            high: "Strongly agree",
        },
        SurveyKind::Text => Wording { question: "How can we improve?", low: "", high: "" },
    }
}

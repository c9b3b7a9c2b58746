//! The survey's English words, compiled in: what shows when the shell hands no locale file
//! (`words: null`, English, or a fetch that failed) and for any key a locale file lacks. Here,
//! not in the domain, so the core module that every page loads carries none of them. The keys
//! are those of `npm/locales/<tag>.json`, dotted: `nps.question`, `submit`.

use cxkit_domain::survey::SurveyKind;

/// Default wording of a survey kind: the question and the labels of both ends of its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    /// The question.
    pub question: &'static str,
    /// The label under the lowest score.
    pub low: &'static str,
    /// The label under the highest score.
    pub high: &'static str,
}

/// The English wording of a kind (npm/locales/en.json says the same; a host test in
/// `cxkit_domain::survey::locale` holds the two together).
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

/// The English words for `key` (`"nps.low"`, `"submit"`, …); `""` for a key there is none of.
pub fn english(key: &str) -> &'static str {
    if let Some((group, part)) = key.split_once('.') {
        let Some(words) = SurveyKind::from_id(group).map(wording) else { return "" };
        return match part {
            "question" => words.question,
            "low" => words.low,
            "high" => words.high,
            _ => "",
        };
    }
    match key {
        "submit" => "Submit",
        "next" => "Next",
        "close" => "Close",
        "thanks" => "Thank you for your feedback!",
        "placeholder" => "Type your answer here",
        "survey" => "Feedback",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_words() {
        for kind in ["nps", "csat", "ces"] {
            for part in ["question", "low", "high"] {
                let key = [kind, part].join(".");
                assert!(!english(&key).is_empty(), "{key}");
            }
        }
        for key in ["text.question", "submit", "next", "close", "thanks", "placeholder", "survey"] {
            assert!(!english(key).is_empty(), "{key}");
        }
        assert_eq!(english("text.low"), "");
        assert_eq!(english("poll.question"), "");
        assert_eq!(english("nps.question"), wording(SurveyKind::Nps).question);
    }
}

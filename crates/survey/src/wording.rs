//! The survey's English words, compiled in: what shows when the shell hands no locale file
//! (`words: null`, English, or a fetch that failed) and for any key a locale file lacks. Here,
//! not in the domain, so the core module that every page loads carries none of them. The keys
//! are those of `npm/locales/<tag>.json`, dotted: `nps.question`, `submit`.

/// The English words for `key` (`"nps.low"`, `"submit"`, …); `""` for a key there is none of.
pub fn english(key: &str) -> &'static str {
    match key {
        "nps.question" => "How likely are you to recommend us to a friend or colleague?",
        "nps.low" => "Not at all likely",
        "nps.high" => "Extremely likely",
        "csat.question" => "How satisfied are you with your experience today?",
        "csat.low" => "Very dissatisfied",
        "csat.high" => "Very satisfied",
        "ces.question" => "It was easy to do what I came here to do.",
        "ces.low" => "Strongly disagree",
        "ces.high" => "Strongly agree",
        "text.question" => "How can we improve?",
        "submit" => "Submit",
        "next" => "Next",
        "close" => "Close",
        "thanks" => "Thank you for your feedback!",
        "placeholder" => "Type your answer",
        "survey" => "Survey",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::english;

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
    }
}

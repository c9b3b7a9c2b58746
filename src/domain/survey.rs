//! Survey kinds, their scales and wording, and the rules that show a survey by itself.

/// The built-in surveys (decisions.md §4): `showSurvey("nps")` and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyKind {
    /// Net Promoter Score: 0–10.
    Nps,
    /// Customer satisfaction: 1–5.
    Csat,
    /// Customer effort ("made it easy"): 1–7.
    Ces,
    /// A free-text question.
    Text,
}

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

impl SurveyKind {
    /// The kind for an id as used in config and `showSurvey`.
    pub fn from_id(id: &str) -> Option<SurveyKind> {
        match id {
            "nps" => Some(SurveyKind::Nps),
            "csat" => Some(SurveyKind::Csat),
            "ces" => Some(SurveyKind::Ces),
            "text" => Some(SurveyKind::Text),
            _ => None,
        }
    }

    /// The id, as on the wire.
    pub fn id(self) -> &'static str {
        match self {
            SurveyKind::Nps => "nps",
            SurveyKind::Csat => "csat",
            SurveyKind::Ces => "ces",
            SurveyKind::Text => "text",
        }
    }

    /// The lowest and highest score, or `None` for free text.
    pub fn scale(self) -> Option<(u8, u8)> {
        match self {
            SurveyKind::Nps => Some((0, 10)),
            SurveyKind::Csat => Some((1, 5)),
            SurveyKind::Ces => Some((1, 7)),
            SurveyKind::Text => None,
        }
    }

    /// The English default wording.
    pub fn wording(self) -> Wording {
        match self {
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
}

/// When a configured survey shows without a `showSurvey` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// This long after `init`.
    Delay {
        /// Milliseconds after init.
        ms: u32,
    },
}

/// The longest delay a trigger may ask for: one day.
pub const MAX_TRIGGER_DELAY_MS: u32 = 86_400_000;

impl Trigger {
    /// Parses `delay:20s` or `delay:500ms`.
    pub fn parse(text: &str) -> Option<Trigger> {
        let amount = text.strip_prefix("delay:")?;
        let (digits, scale) = match amount.strip_suffix("ms") {
            Some(digits) => (digits, 1),
            None => (amount.strip_suffix('s')?, 1_000),
        };
        if digits.len() > 8 || digits.starts_with('-') {
            return None;
        }
        let ms = super::json::parse_integer(digits)?.checked_mul(scale)?;
        let ms = u32::try_from(ms).ok().filter(|ms| *ms <= MAX_TRIGGER_DELAY_MS)?;
        Some(Trigger::Delay { ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_scales_match_design() {
        for kind in [SurveyKind::Nps, SurveyKind::Csat, SurveyKind::Ces, SurveyKind::Text] {
            assert_eq!(SurveyKind::from_id(kind.id()), Some(kind));
        }
        assert_eq!(SurveyKind::Nps.scale(), Some((0, 10)));
        assert_eq!(SurveyKind::Csat.scale(), Some((1, 5)));
        assert_eq!(SurveyKind::Ces.scale(), Some((1, 7)));
        assert_eq!(SurveyKind::Text.scale(), None);
        assert_eq!(SurveyKind::from_id("NPS"), None);
    }

    #[test]
    fn triggers_parse_seconds_and_milliseconds() {
        assert_eq!(Trigger::parse("delay:20s"), Some(Trigger::Delay { ms: 20_000 }));
        assert_eq!(Trigger::parse("delay:0s"), Some(Trigger::Delay { ms: 0 }));
        assert_eq!(Trigger::parse("delay:750ms"), Some(Trigger::Delay { ms: 750 }));
        for bad in
            ["delay:", "delay:s", "delay:20", "delay:-1s", "delay:1.5s", "delay:86401s", "time:20s", "delay:99999999s"]
        {
            assert_eq!(Trigger::parse(bad), None, "{bad}");
        }
    }
}

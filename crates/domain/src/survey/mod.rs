//! Survey kinds and their scales, and what an outcome
//! becomes: the one description both wasm modules share. The wording lives in the survey
//! module (`crates/survey`), which only pages that show a survey load.

use alloc::string::String;

use super::event::{DISMISS_EVENT, RESPONSE_EVENT};
use super::json::{write_integer, write_string};
use super::score::nps::NpsBucket;

pub use super::trigger::Trigger;

pub mod branch;
pub mod locale;
pub mod spec;
pub mod target;

/// The version of the contract between the core module and the survey module: bumped whenever
/// what one hands the other changes. A cached core that meets a survey module of another
/// protocol refuses it instead of misreading it (docs/architecture.md, "Version skew").
pub const PROTOCOL: u32 = 1;

/// The built-in surveys (decisions.md §4): `showSurvey("nps")` and friends, and the kinds of
/// score a step asks for.
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

impl SurveyKind {
    /// Every kind cxkit knows, in the order the docs list them.
    pub const ALL: [SurveyKind; 4] = [SurveyKind::Nps, SurveyKind::Csat, SurveyKind::Ces, SurveyKind::Text];

    /// The kind for an id, whether or not it [`shows`](SurveyKind::shows) today.
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
}

/// What the visitor did with a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Confirmed a score.
    Answered(u8),
    /// Closed it without answering.
    Dismissed,
}

impl Outcome {
    /// The event name it is queued under: [`RESPONSE_EVENT`] or [`DISMISS_EVENT`].
    pub fn event_name(self) -> &'static str {
        match self {
            Outcome::Answered(_) => RESPONSE_EVENT,
            Outcome::Dismissed => DISMISS_EVENT,
        }
    }

    /// The event's properties as JSON, scored: e.g.
    /// `{"survey":"nps","value":9,"bucket":"promoter","path":"/"}`; a dismissal has no `value`.
    pub fn props_json(self, kind: SurveyKind, path: &str) -> String {
        let mut json = String::from("{\"survey\":");
        write_string(kind.id(), &mut json);
        if let Outcome::Answered(score) = self {
            json.push_str(",\"value\":");
            write_integer(i64::from(score), &mut json);
            if let Some(bucket) = NpsBucket::of(score).filter(|_| kind == SurveyKind::Nps) {
                json.push_str(",\"bucket\":");
                write_string(bucket.id(), &mut json);
            }
        }
        json.push_str(",\"path\":");
        write_string(path, &mut json);
        json.push('}');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_scales_match_design() {
        for kind in SurveyKind::ALL {
            assert_eq!(SurveyKind::from_id(kind.id()), Some(kind));
        }
        assert_eq!(SurveyKind::Nps.scale(), Some((0, 10)));
        assert_eq!(SurveyKind::Csat.scale(), Some((1, 5)));
        assert_eq!(SurveyKind::Ces.scale(), Some((1, 7)));
        assert_eq!(SurveyKind::Text.scale(), None);
        assert_eq!(SurveyKind::from_id("NPS"), None);
    }

    #[test]
    fn outcomes_are_scored_and_named() {
        let answer = Outcome::Answered(9);
        assert_eq!(answer.event_name(), "$response");
        assert_eq!(
            answer.props_json(SurveyKind::Nps, "/a\"b"),
            r#"{"survey":"nps","value":9,"bucket":"promoter","path":"/a\"b"}"#
        );
        assert_eq!(Outcome::Answered(4).props_json(SurveyKind::Csat, "/"), r#"{"survey":"csat","value":4,"path":"/"}"#);
        assert_eq!(Outcome::Dismissed.event_name(), "$dismiss");
        assert_eq!(Outcome::Dismissed.props_json(SurveyKind::Ces, "/"), r#"{"survey":"ces","path":"/"}"#);
    }
}

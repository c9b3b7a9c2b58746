//! Survey kinds and their scales, and what an outcome
//! becomes: the one description both wasm modules share. The wording lives in the survey
//! module (`crates/survey`), which only pages that show a survey load.

use alloc::string::String;

use super::event::{DISMISS_EVENT, RESPONSE_EVENT};
use super::json::{write_integer, write_string};
use super::redact::{redact, Redactions};
use super::score::nps::NpsBucket;
use super::text::analysis::{write_props, Analysis};

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

    /// The kind for an id: `nps`, `csat`, `ces` or `text`.
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

/// Most Unicode scalar values a free-text answer keeps (decisions.md §20).
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most UTF-8 bytes a free-text answer keeps (decisions.md §20).
pub const MAX_TEXT_BYTES: usize = 4_000;

/// One step's answer, as its `$response` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply<'a> {
    /// A score on the scale of `kind` (`value`, and `bucket` for NPS).
    Score(SurveyKind, u8),
    /// The canonical text of each option chosen, in option order (`choice`).
    Choice(&'a [&'a str]),
    /// A free-text answer, redacted, cut and analysed (`text`, `redactions`, `sentiment`,
    /// `label`, `themes`: [`write_props`](crate::text::analysis::write_props)).
    Text(&'a Analysis),
}

/// What the visitor did with a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// Answered the step with this id (one event per answered step, decisions.md §28).
    Answered {
        /// The step's id.
        step: &'a str,
        /// Its answer.
        reply: Reply<'a>,
    },
    /// Closed it before answering any step.
    Dismissed,
}

impl Outcome<'_> {
    /// The event name it is queued under: [`RESPONSE_EVENT`] or [`DISMISS_EVENT`].
    pub fn event_name(&self) -> &'static str {
        match self {
            Outcome::Answered { .. } => RESPONSE_EVENT,
            Outcome::Dismissed => DISMISS_EVENT,
        }
    }

    /// The event's properties as JSON, scored: e.g. `{"survey":"nps","run_id":"…","question":"nps",
    /// "kind":"nps","value":9,"bucket":"promoter","path":"/"}`; a dismissal has only `survey`,
    /// `run_id` and `path`.
    pub fn props_json(&self, survey: &str, run_id: &str, path: &str) -> String {
        let mut json = String::from("{\"survey\":");
        write_string(survey, &mut json);
        json.push_str(",\"run_id\":");
        write_string(run_id, &mut json);
        if let Outcome::Answered { step, reply } = self {
            json.push_str(",\"question\":");
            write_string(step, &mut json);
            json.push_str(",\"kind\":");
            match reply {
                Reply::Score(kind, score) => {
                    write_string(kind.id(), &mut json);
                    json.push_str(",\"value\":");
                    write_integer(i64::from(*score), &mut json);
                    if let Some(bucket) = NpsBucket::of(*score).filter(|_| *kind == SurveyKind::Nps) {
                        json.push_str(",\"bucket\":");
                        write_string(bucket.id(), &mut json);
                    }
                }
                Reply::Choice(options) => {
                    json.push_str("\"choice\",\"choice\":[");
                    for (i, option) in options.iter().enumerate() {
                        if i > 0 {
                            json.push(',');
                        }
                        write_string(option, &mut json);
                    }
                    json.push(']');
                }
                Reply::Text(analysis) => {
                    json.push_str("\"text\",");
                    write_props(analysis, &mut json);
                }
            }
        }
        json.push_str(",\"path\":");
        write_string(path, &mut json);
        json.push('}');
        json
    }
}

/// A visitor's free text as it may leave the survey module: [`redact_text`]'s text.
pub fn clean_text(raw: &str) -> String {
    redact_text(raw).0
}

/// A visitor's free text as it may leave the survey module, and what was redacted from it:
/// the [`window`] of `raw` (control characters dropped, within the limits), personal data
/// replaced by placeholders (`redact`, decisions.md §19), then cut again to [`MAX_TEXT_CHARS`]
/// and [`MAX_TEXT_BYTES`] (decisions.md §20: a placeholder may be longer than a short address),
/// never rejected. The scanners see the window only, at most [`MAX_TEXT_BYTES`] of a paste of
/// any length.
pub fn redact_text(raw: &str) -> (String, Redactions) {
    redact_text_with(raw, |window| (window, 0))
}

/// [`redact_text`] with the site's own patterns (the `redact` option, decisions.md §39):
/// `custom` gets the [`window`] before the scanners and returns it with its matches replaced by
/// `[custom]` and how many it replaced, counted as [`Pii::Custom`](crate::redact::Pii::Custom).
/// The patterns see what the scanners see: at most [`MAX_TEXT_BYTES`], control characters gone.
pub fn redact_text_with(raw: &str, custom: impl FnOnce(String) -> (String, u32)) -> (String, Redactions) {
    let (kept, matched) = custom(window(raw));
    let mut text = String::with_capacity(kept.len() + 16);
    let mut found = redact(&kept, &mut text);
    found.add(crate::redact::Pii::Custom, matched);
    let cut = cut_point(&text);
    text.truncate(cut);
    (text, found)
}

/// What the redaction scanners see of `raw`: its characters but control characters (a line
/// break and a tab stay), trimmed, cut at [`cut_point`]. When that cut drops text, a tail that
/// may be the head of a span cut in two (ASCII letters, digits, `+ - . ( ) @ % _ '` and single
/// spaces, holding a digit or an `@`) is dropped with it, up to [`MAX_SPAN_TAIL`] bytes: a card
/// number cut after eight digits would pass for an order number. Reads `raw` only up to the
/// limits, so a 1 MB paste costs what 4 KB does.
pub fn window(raw: &str) -> String {
    let mut kept = String::with_capacity(raw.len().min(MAX_TEXT_BYTES + 4));
    let (mut chars, mut over) = (0, false);
    for c in raw.chars().skip_while(|c| c.is_whitespace() || c.is_control()) {
        if c.is_control() && c != '\n' && c != '\t' {
            continue;
        }
        // One character past a limit, for `cut_point` to see what follows the cut.
        kept.push(c);
        chars += 1;
        if chars > MAX_TEXT_CHARS || kept.len() > MAX_TEXT_BYTES {
            over = true;
            break;
        }
    }
    let mut end = cut_point(&kept);
    if over {
        let tail = kept.get(..end).unwrap_or("").bytes().rev().take(MAX_SPAN_TAIL);
        let (mut len, mut risky, mut space) = (0, false, false);
        for b in tail {
            let spans =
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'(' | b')' | b'@' | b'%' | b'_' | b'\'');
            if !(spans || (b == b' ' && !space)) {
                break;
            }
            (space, risky, len) = (b == b' ', risky || b.is_ascii_digit() || b == b'@', len + 1);
        }
        if risky {
            end -= len;
        }
    }
    kept.truncate(end);
    kept.truncate(kept.trim_end().len());
    kept
}

/// Most bytes [`window`] drops behind its cut: more than the longest IBAN written in groups (42)
/// or phone number (about 30), the length of a long e-mail address.
pub const MAX_SPAN_TAIL: usize = 64;

/// Whether free text holds nothing to submit (only white space and control characters).
pub fn is_blank(raw: &str) -> bool {
    raw.chars().all(|c| c.is_whitespace() || c.is_control())
}

/// The byte length of the longest prefix of `text` within both limits that ends on a character
/// boundary, moved back over characters that extend the one before them (combining marks,
/// variation selectors, joiners, emoji modifiers and tags), so that the cut falls between
/// grapheme clusters in the common cases without Unicode tables (decisions.md §20).
pub fn cut_point(text: &str) -> usize {
    let mut end = 0;
    for (count, (at, c)) in text.char_indices().enumerate() {
        if count == MAX_TEXT_CHARS || at + c.len_utf8() > MAX_TEXT_BYTES {
            break;
        }
        end = at + c.len_utf8();
    }
    if end == text.len() {
        return end;
    }
    // Back off while the first character cut extends the last one kept, or the last kept is
    // a joiner that wants a character after it.
    while let Some(head) = text.get(..end) {
        let next = text.get(end..).and_then(|rest| rest.chars().next());
        let last = head.chars().next_back();
        match (last, next) {
            (Some(last), Some(next)) if extends(next) || last == '\u{200D}' => end -= last.len_utf8(),
            _ => break,
        }
    }
    end
}

/// A character that belongs to the grapheme cluster of the one before it.
fn extends(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D | 0x20D0..=0x20FF | 0x302A..=0x302F | 0x3099..=0x309A | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
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
        let answer = Outcome::Answered { step: "nps", reply: Reply::Score(SurveyKind::Nps, 9) };
        assert_eq!(answer.event_name(), "$response");
        assert_eq!(
            answer.props_json("nps", "r1", "/a\"b"),
            r#"{"survey":"nps","run_id":"r1","question":"nps","kind":"nps","value":9,"bucket":"promoter","path":"/a\"b"}"#
        );
        let csat = Outcome::Answered { step: "score", reply: Reply::Score(SurveyKind::Csat, 4) };
        assert_eq!(
            csat.props_json("csat", "r", "/"),
            r#"{"survey":"csat","run_id":"r","question":"score","kind":"csat","value":4,"path":"/"}"#
        );
        assert_eq!(Outcome::Dismissed.event_name(), "$dismiss");
        assert_eq!(Outcome::Dismissed.props_json("ces", "r", "/"), r#"{"survey":"ces","run_id":"r","path":"/"}"#);
    }

    #[test]
    fn choices_and_text_are_reported_as_given() {
        let chosen = ["Price", "Other \"x\""];
        let choice = Outcome::Answered { step: "reason", reply: Reply::Choice(&chosen) };
        assert_eq!(
            choice.props_json("checkout_ces", "r", "/c"),
            r#"{"survey":"checkout_ces","run_id":"r","question":"reason","kind":"choice","choice":["Price","Other \"x\""],"path":"/c"}"#
        );
        let none = Outcome::Answered { step: "reason", reply: Reply::Choice(&[]) };
        assert!(none.props_json("s", "r", "/").contains(r#""choice":[]"#));
        let analysis = crate::text::analysis::analyse_with("line\nтекст", None, |w| (w, 0));
        let text = Outcome::Answered { step: "why", reply: Reply::Text(&analysis) };
        assert_eq!(
            text.props_json("s", "r", "/"),
            r#"{"survey":"s","run_id":"r","question":"why","kind":"text","text":"line\nтекст","redactions":{},"sentiment":null,"label":null,"themes":[],"path":"/"}"#
        );
    }

    #[test]
    fn free_text_is_redacted_stripped_and_cut() {
        assert_eq!(
            clean_text("  mail me at jane@example.com\u{0}\u{7}\r\n card 4111 1111 1111 1111 \u{9f}"),
            "mail me at [email]\n card [card]"
        );
        assert_eq!(clean_text("a\tb"), "a\tb");
        assert!(is_blank(" \n\t\u{1}"));
        assert!(!is_blank(" x "));
        let long = "é".repeat(5_000);
        let cut = clean_text(&long);
        assert_eq!(cut.chars().count(), MAX_TEXT_CHARS.min(MAX_TEXT_BYTES / 2));
        assert!(cut.len() <= MAX_TEXT_BYTES);
        let ascii = "x".repeat(5_000);
        assert_eq!(clean_text(&ascii).chars().count(), MAX_TEXT_CHARS);
        // Four-byte characters: the byte limit binds first.
        let wide = "😀".repeat(1_500);
        assert_eq!(clean_text(&wide).len(), MAX_TEXT_BYTES);
        // Not between a letter and its combining accent, nor inside a joined emoji.
        let accent = format!("{}e\u{301}", "x".repeat(MAX_TEXT_CHARS - 1));
        assert_eq!(clean_text(&accent), "x".repeat(MAX_TEXT_CHARS - 1));
        let family = format!("{}👩\u{200D}👧", "x".repeat(MAX_TEXT_CHARS - 2));
        assert_eq!(clean_text(&family), "x".repeat(MAX_TEXT_CHARS - 2));
        let short = "fine as it is";
        assert_eq!(clean_text(short), short);
    }
}

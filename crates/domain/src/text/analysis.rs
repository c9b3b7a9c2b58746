//! A free-text answer as the survey module sends it: redacted and cut (the survey's
//! [`redact_text`]), with its sentiment and themes computed on that redacted text, never on the
//! raw one (issue 17; decisions.md §19–20).

use alloc::string::String;
use alloc::vec::Vec;

use super::sentiment::{sentiment, Label, Sentiment};
use super::themes::themes;
use super::Lexicon;
use crate::json::{write_integer, write_string};
use crate::redact::{Pii, Redactions};
use crate::survey::redact_text;

/// What the survey module reports of a free-text answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The text as it may leave the device: control characters dropped, redacted, cut.
    pub text: String,
    /// How many spans of each kind were replaced.
    pub redactions: Redactions,
    /// How the text feels.
    pub sentiment: Sentiment,
    /// What it is about, at most [`MAX_THEMES`](super::themes::MAX_THEMES).
    pub themes: Vec<String>,
}

impl Analysis {
    /// The sentiment's label.
    pub fn label(&self) -> Label {
        self.sentiment.label()
    }
}

/// Redacts and cuts `raw`, then scores and themes what is left with `lexicon`. The scanners
/// and analysers see at most the survey's `MAX_TEXT_BYTES` of it, however long the paste.
pub fn analyse(raw: &str, lexicon: &Lexicon) -> Analysis {
    let (text, redactions) = redact_text(raw);
    let sentiment = sentiment(&text, lexicon);
    let themes = themes(&text, lexicon);
    Analysis { text, redactions, sentiment, themes }
}

/// Appends the analysis as JSON members (no braces), for the response event's properties:
/// `"text":"…","redactions":{"email":1},"sentiment":0.42,"label":"positive","themes":["…"]`.
/// `redactions` names only the kinds found (`{}` when none); `sentiment` has two decimals,
/// written from integers.
pub fn write_props(analysis: &Analysis, out: &mut String) {
    out.push_str("\"text\":");
    write_string(&analysis.text, out);
    out.push_str(",\"redactions\":{");
    let mut first = true;
    for kind in Pii::ALL {
        let n = analysis.redactions.count(kind);
        if n > 0 {
            if !first {
                out.push(',');
            }
            first = false;
            write_string(kind.id(), out);
            out.push(':');
            write_integer(i64::from(n), out);
        }
    }
    out.push_str("},\"sentiment\":");
    let hundredths = analysis.sentiment.hundredths();
    if hundredths < 0 {
        out.push('-');
    }
    let magnitude = hundredths.unsigned_abs();
    write_integer(i64::from(magnitude / 100), out);
    out.push('.');
    out.push(char::from(b'0' + (magnitude / 10 % 10) as u8));
    out.push(char::from(b'0' + (magnitude % 10) as u8));
    out.push_str(",\"label\":");
    write_string(analysis.label().id(), out);
    out.push_str(",\"themes\":[");
    for (i, theme) in analysis.themes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(theme, out);
    }
    out.push(']');
}

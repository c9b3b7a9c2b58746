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
use crate::survey::redact_text_with;

/// What the survey module reports of a free-text answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The text as it may leave the device: control characters dropped, redacted, cut.
    pub text: String,
    /// How many spans of each kind were replaced.
    pub redactions: Redactions,
    /// How the text feels; `None` without a lexicon for its language.
    pub sentiment: Option<Sentiment>,
    /// What it is about, at most [`MAX_THEMES`](super::themes::MAX_THEMES).
    pub themes: Vec<String>,
}

impl Analysis {
    /// The sentiment's label; `None` without a lexicon.
    pub fn label(&self) -> Option<Label> {
        self.sentiment.map(Sentiment::label)
    }
}

/// Redacts and cuts `raw`, then scores and themes what is left with `lexicon`. The scanners
/// and analysers see at most the survey's `MAX_TEXT_BYTES` of it, however long the paste.
pub fn analyse(raw: &str, lexicon: &Lexicon) -> Analysis {
    analyse_with(raw, Some(lexicon), |window| (window, 0))
}

/// [`analyse`] as the survey module runs it: the site's patterns first (`custom`, see
/// [`redact_text_with`]), and no sentiment and no themes without a lexicon (a language that
/// has none, or a lexicon that could not be fetched): the answer still goes, redacted.
pub fn analyse_with(raw: &str, lexicon: Option<&Lexicon>, custom: impl FnOnce(String) -> (String, u32)) -> Analysis {
    let (text, redactions) = redact_text_with(raw, custom);
    let sentiment = lexicon.map(|lexicon| sentiment(&text, lexicon));
    let themes = lexicon.map(|lexicon| themes(&text, lexicon)).unwrap_or_default();
    Analysis { text, redactions, sentiment, themes }
}

/// Appends the analysis as JSON members (no braces), for the response event's properties:
/// `"text":"…","redactions":{"email":1},"sentiment":0.42,"label":"positive","themes":["…"]`.
/// `redactions` names only the kinds found (`{}` when none); `sentiment` has two decimals,
/// written from integers. Without a lexicon: `"sentiment":null,"label":null,"themes":[]`.
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
    match analysis.sentiment {
        Some(sentiment) => {
            let hundredths = sentiment.hundredths();
            if hundredths < 0 {
                out.push('-');
            }
            let magnitude = hundredths.unsigned_abs();
            write_integer(i64::from(magnitude / 100), out);
            out.push('.');
            out.push(char::from(b'0' + (magnitude / 10 % 10) as u8));
            out.push(char::from(b'0' + (magnitude % 10) as u8));
            out.push_str(",\"label\":");
            write_string(sentiment.label().id(), out);
        }
        None => out.push_str("null,\"label\":null"),
    }
    out.push_str(",\"themes\":[");
    for (i, theme) in analysis.themes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(theme, out);
    }
    out.push(']');
}

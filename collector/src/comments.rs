//! The free-text answers of a site, as `/v1/stats` lists them (issue 17): the latest comments,
//! already redacted on the device, with their sentiment and themes, and the themes' counts
//! over all comments. Sentiment and themes are recomputed here from the stored text with the
//! domain's own code and the lexicon of the answer's language (`npm/lexicons/`), never taken
//! from the event: a forged or stale figure changes nothing, as with session scores.

use cxkit_domain::text::sentiment::sentiment;
use cxkit_domain::text::themes::themes;
use cxkit_domain::text::{lexicon_of, Lexicon};

/// How many of the latest comments `/v1/stats` lists.
pub const LATEST: usize = 20;
/// How many themes `/v1/stats` counts, most frequent first.
pub const TOP_THEMES: usize = 20;

/// One stored free-text answer, as read from the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The survey it answers.
    pub survey: String,
    /// The step it answers.
    pub question: String,
    /// The redacted text.
    pub text: String,
    /// The language it was asked in, if the event says.
    pub locale: Option<String>,
    /// When it was given (ms since the epoch).
    pub time_ms: i64,
}

/// A comment as listed: the stored one with what this collector computed from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// What was stored.
    pub stored: Stored,
    /// −1000…1000 (thousandths), or `None` in a language without a lexicon.
    pub sentiment: Option<i16>,
    /// Its themes, at most five.
    pub themes: Vec<String>,
}

/// What `/v1/stats` shows of a site's comments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comments {
    /// The latest [`LATEST`], newest first.
    pub latest: Vec<Comment>,
    /// Themes by the number of comments that have them, then alphabetically: at most [`TOP_THEMES`].
    pub themes: Vec<(String, u64)>,
}

/// The lexicons this collector scores with: those the survey module can fetch.
pub struct Lexicons {
    english: Lexicon,
    german: Lexicon,
}

impl Default for Lexicons {
    fn default() -> Self {
        Lexicons {
            english: Lexicon::parse(include_str!("../../npm/lexicons/en.txt")),
            german: Lexicon::parse(include_str!("../../npm/lexicons/de.txt")),
        }
    }
}

impl Lexicons {
    /// The lexicon of a language tag (`de-AT` → German), if there is one
    /// ([`LEXICONS`](cxkit_domain::text::LEXICONS) says which, as for the survey module).
    fn of(&self, locale: Option<&str>) -> Option<&Lexicon> {
        match lexicon_of(locale.unwrap_or("en"))? {
            "en" => Some(&self.english),
            "de" => Some(&self.german),
            _ => None,
        }
    }

    /// Scores `stored` (any order) into what `/v1/stats` lists.
    pub fn summarise(&self, mut stored: Vec<Stored>) -> Comments {
        stored.sort_by_key(|comment| core::cmp::Reverse(comment.time_ms));
        let scored: Vec<Comment> = stored
            .into_iter()
            .map(|stored| {
                let lexicon = self.of(stored.locale.as_deref());
                Comment {
                    sentiment: lexicon.map(|lexicon| sentiment(&stored.text, lexicon).0),
                    themes: lexicon.map(|lexicon| themes(&stored.text, lexicon)).unwrap_or_default(),
                    stored,
                }
            })
            .collect();
        let mut counts: Vec<(String, u64)> = Vec::new();
        for theme in scored.iter().flat_map(|comment| &comment.themes) {
            match counts.iter_mut().find(|(name, _)| name == theme) {
                Some((_, count)) => *count += 1,
                None => counts.push((theme.clone(), 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts.truncate(TOP_THEMES);
        Comments { latest: scored.into_iter().take(LATEST).collect(), themes: counts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lexicon_the_survey_module_fetches_is_scored_here() {
        let lexicons = Lexicons::default();
        for lang in cxkit_domain::text::LEXICONS {
            assert!(lexicons.of(Some(lang)).is_some_and(|l| !l.is_empty()), "{lang}");
        }
    }

    fn stored(text: &str, locale: &str, time_ms: i64) -> Stored {
        Stored { survey: "s".into(), question: "why".into(), text: text.into(), locale: Some(locale.into()), time_ms }
    }

    #[test]
    fn comments_are_scored_here_newest_first_and_their_themes_counted() {
        let lexicons = Lexicons::default();
        let comments = lexicons.summarise(vec![
            stored("The delivery was slow and the support was terrible.", "en", 1),
            stored("Great prices, great support!", "en-GB", 3),
            stored("Die Lieferung war sehr langsam.", "de", 2),
            stored("Très bien", "fr", 4),
        ]);
        let order: Vec<_> = comments.latest.iter().map(|c| c.stored.time_ms).collect();
        assert_eq!(order, [4, 3, 2, 1]);
        let sentiments: Vec<_> = comments.latest.iter().map(|c| c.sentiment.map(i16::signum)).collect();
        assert_eq!(sentiments, [None, Some(1), Some(-1), Some(-1)], "French has no lexicon: no figure, not 0");
        assert!(
            comments.themes.iter().any(|(theme, count)| theme == "support" && *count == 2),
            "{:?}",
            comments.themes
        );
        assert!(comments.themes.windows(2).all(|w| w[0].1 >= w[1].1), "most frequent first");
    }

    #[test]
    fn only_the_latest_are_listed_but_every_comment_counts_in_the_themes() {
        let many: Vec<_> = (0..LATEST as i64 + 5).map(|t| stored("The checkout again", "en", t)).collect();
        let comments = Lexicons::default().summarise(many);
        assert_eq!(comments.latest.len(), LATEST);
        assert_eq!(comments.themes, [("checkout".to_owned(), LATEST as u64 + 5)], "stop words are no themes");
    }
}

//! What a comment is about, so that answers can be grouped: its top terms and two-word phrases.
//!
//! The rule: words of three letters or more that are not stop words (the lexicon's `!stop`
//! lines) are terms; two such words next to each other, with only white space between them, are
//! a phrase (`checkout page`). A term scores its count, a phrase twice its count. The
//! [`MAX_THEMES`] best are kept, highest score first, ties in alphabetical order (of the UTF-8
//! bytes), so the same text always gives the same themes.

use alloc::string::String;
use alloc::vec::Vec;

use super::{sort, tokens, Lexicon, Token};

/// Most themes a comment gets.
pub const MAX_THEMES: usize = 5;
/// Fewest letters of a word in a theme.
const MIN_LETTERS: usize = 3;

/// The themes of `text`, by the rule of the module notes, with `lexicon`'s stop words.
pub fn themes(text: &str, lexicon: &Lexicon) -> Vec<String> {
    // (theme, score): counted by sorting, no hash map.
    let mut found: Vec<(String, u32)> = Vec::new();
    let mut previous: Option<String> = None;
    for token in tokens(text) {
        let Token::Word { text: word, after_break, .. } = token else { continue };
        let keep = word.chars().count() >= MIN_LETTERS && !lexicon.get(&word).is_some_and(|w| w.stop);
        if !keep {
            previous = None;
            continue;
        }
        if let Some(before) = previous.take().filter(|_| !after_break) {
            let mut phrase = before;
            phrase.push(' ');
            phrase.push_str(&word);
            found.push((phrase, 2));
        }
        found.push((word.clone(), 1));
        previous = Some(word);
    }
    sort(&mut found, &|a, b| a.0 < b.0);
    found.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
        }
        same
    });
    sort(&mut found, &|a, b| a.1 > b.1 || (a.1 == b.1 && a.0 < b.0));
    found.truncate(MAX_THEMES);
    found.into_iter().map(|(theme, _)| theme).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_short_words_and_breaks_are_left_out() {
        let stop = Lexicon::parse("!stop the was and is");
        assert_eq!(themes("The app is ok", &stop), ["app"]);
        // "delivery time" twice: 4; then "delivery", "time" and the phrase "support helped" (2
        // each) A–Z; then the words seen once.
        assert_eq!(
            themes("Delivery time was long, and the delivery time is bad. Support helped", &stop),
            ["delivery time", "delivery", "support helped", "time", "bad"]
        );
        // A full stop between two words makes no phrase of them.
        assert_eq!(themes("slow. checkout", &stop), ["checkout", "slow"]);
        assert_eq!(themes("", &stop), Vec::<String>::new());
    }
}

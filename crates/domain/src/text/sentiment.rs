//! How a comment feels, −1…+1, in the way of VADER (Hutto & Gilbert, 2014) with a smaller rule
//! set: each word's valence from the [`Lexicon`], scaled by the intensifiers just before it,
//! flipped by a negator up to three words before it, stressed when written in capitals while
//! the rest is not; a contrast word (`but`, `aber`) halves what came before it and adds half to
//! what follows; emoji from a small built-in table; exclamation marks push the sum further
//! from zero. The sum is normalised like VADER's compound score, `x / √(x² + 15)`.
//!
//! All in integers (thousandths): the same score on every platform, and no float formatting or
//! `libm` in the wasm.

use alloc::vec::Vec;

use super::{tokens, Lexicon, Token, Word};

/// A sentiment score in thousandths, −1000…+1000.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sentiment(pub i16);

/// A sentiment's label, by VADER's thresholds (±0.05).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// Score ≥ 0.05.
    Positive,
    /// Between the two.
    Neutral,
    /// Score ≤ −0.05.
    Negative,
}

impl Label {
    /// The label's name on the wire: `positive`, `neutral` or `negative`.
    pub fn id(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
        }
    }
}

/// Thousandths at which a score is labelled positive (or, negated, negative).
const LABEL_AT: i16 = 50;

impl Sentiment {
    /// Its label.
    pub fn label(self) -> Label {
        match self.0 {
            s if s >= LABEL_AT => Label::Positive,
            s if s <= -LABEL_AT => Label::Negative,
            _ => Label::Neutral,
        }
    }

    /// The score in hundredths, rounded half away from zero (what the wire carries).
    pub fn hundredths(self) -> i16 {
        let s = self.0;
        (s + if s < 0 { -5 } else { 5 }) / 10
    }
}

/// VADER's factor for a negated word (`N_SCALAR`), in thousandths.
const NEGATED: i32 = -740;
/// VADER's stress of a word in capitals (`C_INCR`), in thousandths of valence.
const CAPS: i32 = 733;
/// What each `!` adds, at most four of them (VADER's `_amplify_ep`), in thousandths.
const EXCLAMATION: i32 = 292;
/// How many words back a negator reaches.
const NEGATION_WINDOW: usize = 3;
/// How many words back an intensifier reaches.
const INTENSIFIER_WINDOW: usize = 2;
/// VADER's normalisation constant (`alpha`).
const ALPHA: i64 = 15;

/// Common emoji and their valence in thousandths (−4000…+4000), by their meaning in feedback:
/// kept in code because they are the same in every language.
const EMOJI: [(char, i16); 32] = [
    ('☹', -2200),
    ('☺', 2000),
    ('♥', 3000),
    ('✅', 1500),
    ('❌', -1500),
    ('❤', 3000),
    ('⭐', 2000),
    ('👌', 1800),
    ('👍', 2000),
    ('👎', -2000),
    ('👏', 2200),
    ('💔', -2800),
    ('💩', -2500),
    ('💯', 2500),
    ('🔥', 1500),
    ('😀', 2200),
    ('😁', 2200),
    ('😂', 1500),
    ('😃', 2200),
    ('😉', 1200),
    ('😊', 2200),
    ('😍', 3000),
    ('😐', -300),
    ('😒', -1800),
    ('😞', -2200),
    ('😠', -2800),
    ('😡', -3000),
    ('😢', -2200),
    ('😭', -2300),
    ('🙁', -1800),
    ('🙂', 1500),
    ('🤬', -3200),
];

/// The valence of emoji `c` in thousandths, if it is in the table.
fn emoji(c: char) -> Option<i32> {
    EMOJI.binary_search_by(|&(e, _)| e.cmp(&c)).ok().and_then(|i| EMOJI.get(i)).map(|&(_, v)| i32::from(v))
}

/// The sentiment of `text` by the rules of the module notes, with `lexicon`'s words.
pub fn sentiment(text: &str, lexicon: &Lexicon) -> Sentiment {
    let tokens = tokens(text);
    let mixed_case = tokens.iter().any(|t| matches!(t, Token::Word { caps: false, .. }));
    // Each token's valence (thousandths), and where the last contrast word stands.
    let mut valences = Vec::with_capacity(tokens.len());
    let mut contrast = None;
    let mut exclamations = 0;
    let mut seen: [Option<Word>; NEGATION_WINDOW] = [None; NEGATION_WINDOW];
    for token in &tokens {
        let (word, valence) = match token {
            Token::Mark('!') => {
                exclamations += 1;
                continue;
            }
            Token::Mark(c) => {
                valences.push(emoji(*c).unwrap_or(0));
                continue;
            }
            Token::Word { text, caps, .. } => {
                let word = lexicon.get(text).unwrap_or_default();
                let negator = word.negates || text.ends_with("n't");
                let mut v = i32::from(word.valence) * 1000;
                if v != 0 {
                    if *caps && mixed_case {
                        v += v.signum() * CAPS;
                    }
                    for before in seen.iter().take(INTENSIFIER_WINDOW).flatten() {
                        if before.scale > 0 {
                            v = v * i32::from(before.scale) / 100;
                        }
                    }
                    if seen.iter().flatten().any(|w| w.negates) {
                        v = v * NEGATED / 1000;
                    }
                }
                if word.contrasts {
                    contrast = Some(valences.len());
                }
                (Word { negates: negator, ..word }, v)
            }
        };
        seen.rotate_right(1);
        if let Some(first) = seen.first_mut() {
            *first = Some(word);
        }
        valences.push(valence);
    }
    let mut sum: i64 = valences
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let v = i64::from(v);
            match contrast {
                Some(at) if i < at => v / 2,
                Some(at) if i > at => v * 3 / 2,
                _ => v,
            }
        })
        .sum();
    if sum != 0 {
        sum += sum.signum() * i64::from(EXCLAMATION) * exclamations.min(4);
    }
    Sentiment(normalise(sum))
}

/// VADER's compound: `x / √(x² + α)`, with `x` and the result in thousandths.
fn normalise(milli: i64) -> i16 {
    let root = isqrt((milli * milli + ALPHA * 1_000_000) as u64) as i64;
    let score = if root == 0 { 0 } else { milli * 1000 / root };
    score.clamp(-1000, 1000) as i16
}

/// The integer square root (rounded down), by Newton's method.
fn isqrt(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emoji_table_is_sorted_for_its_binary_search() {
        assert!(EMOJI.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(emoji('👍'), Some(2000));
        assert_eq!(emoji('x'), None);
    }

    #[test]
    fn normalises_like_vader() {
        assert_eq!(normalise(0), 0);
        // 2 / √19 = 0.4588…
        assert_eq!(normalise(2000), 458);
        assert_eq!(normalise(-2000), -458);
        assert!(normalise(1_000_000) <= 1000);
        assert_eq!(isqrt(15_000_000), 3872);
    }

    #[test]
    fn labels_and_hundredths() {
        assert_eq!(Sentiment(50).label(), Label::Positive);
        assert_eq!(Sentiment(49).label(), Label::Neutral);
        assert_eq!(Sentiment(-50).label(), Label::Negative);
        assert_eq!(Sentiment(425).hundredths(), 43);
        assert_eq!(Sentiment(-425).hundredths(), -43);
        assert_eq!(Sentiment(-4).hundredths(), 0);
        assert_eq!(Label::Negative.id(), "negative");
    }
}

//! Free text understood on the device (issue 17): how a comment feels ([`sentiment`]) and what it
//! is about ([`themes`]), computed on the redacted text ([`analysis`]). The words are data: a
//! [`Lexicon`] parsed from a small text file per language (`npm/lexicons/<lang>.txt`) that the
//! survey module fetches with the text step, so adding a language is adding a file.
//!
//! The lexicon format, one entry a line (`#` starts a comment line, blank lines are skipped):
//!
//! - `word<TAB>valence`: a word and its valence, an integer −4…+4 (`good<TAB>2`);
//! - `!neg word word …`: negators, which flip the words after them (`not`, `nicht`);
//! - `!int percent word word …`: intensifiers (`!int 130 very`) or dampeners (`!int 70 slightly`),
//!   which scale the next sentiment word by `percent` / 100;
//! - `!but word …`: contrast words: what follows weighs more than what came before (`but`);
//! - `!stop word word …`: stop words, left out of the themes.
//!
//! Words are lowercase; a word may carry several roles (`not` is a negator and a stop word).
//!
//! ```
//! use cxkit_domain::text::{sentiment::sentiment, Lexicon};
//!
//! let lexicon = Lexicon::parse("good\t2\nslow\t-1\n!neg not\n!int 130 very\n!but but\n");
//! assert!(sentiment("very good", &lexicon).0 > sentiment("good", &lexicon).0);
//! assert!(sentiment("not good", &lexicon).0 < 0);
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json::parse_integer;
use crate::redact::is_mark;

pub mod analysis;
pub mod sentiment;
pub mod themes;

/// The languages that have a lexicon, `npm/lexicons/<lang>.txt`: the one list. The build ships
/// each file it finds there (npm/build.mjs), a host test holds the two the same, the survey
/// module fetches one only for these ([`lexicon_of`]) and the collector scores with them.
pub const LEXICONS: [&str; 2] = ["en", "de"];

/// The lexicon's language for a locale tag (`de-AT` → `de`), if that language has one.
pub fn lexicon_of(locale: &str) -> Option<&'static str> {
    let language = locale.split('-').next().unwrap_or_default();
    LEXICONS.into_iter().find(|lang| language.eq_ignore_ascii_case(lang))
}

/// What the lexicon knows about one word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Word {
    /// Valence −4…+4; 0 for a word that carries none.
    pub valence: i8,
    /// The intensifier's factor in percent (`130`: ×1.3); 0 when the word is none.
    pub scale: u16,
    /// A negator (`!neg`).
    pub negates: bool,
    /// A contrast word (`!but`).
    pub contrasts: bool,
    /// A stop word (`!stop`).
    pub stop: bool,
}

/// One language's words: parsed once from its text file, looked up by binary search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    /// Sorted by word, each word once.
    words: Vec<(String, Word)>,
}

impl Lexicon {
    /// Parses the lexicon format of the module notes. Never fails: a line it cannot read
    /// (a valence out of −4…+4, a directive it does not know) is skipped, so that a newer file
    /// still works with an older module. A word listed twice gets the roles of both lines.
    pub fn parse(text: &str) -> Lexicon {
        let mut words: Vec<(String, Word)> = Vec::new();
        for line in text.lines().map(str::trim) {
            let mut parts = line.split_whitespace();
            let Some(first) = parts.next().filter(|_| !line.starts_with('#')) else { continue };
            let mut word = Word::default();
            match first {
                "!neg" => word.negates = true,
                "!but" => word.contrasts = true,
                "!stop" => word.stop = true,
                "!int" => match parts.next().and_then(parse_integer).and_then(|p| u16::try_from(p).ok()) {
                    Some(percent) => word.scale = percent,
                    None => continue,
                },
                _ if first.starts_with('!') => continue,
                _ => {
                    match parts.next().and_then(parse_integer).filter(|v| (-4..=4).contains(v)) {
                        Some(valence) => words.push((first.to_string(), Word { valence: valence as i8, ..word })),
                        None => continue,
                    }
                    continue;
                }
            }
            words.extend(parts.map(|w| (w.to_string(), word)));
        }
        sort(&mut words, &|a, b| a.0 < b.0);
        words.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                let (w, k) = (later.1, &mut kept.1);
                k.valence = if w.valence != 0 { w.valence } else { k.valence };
                k.scale = k.scale.max(w.scale);
                k.negates |= w.negates;
                k.contrasts |= w.contrasts;
                k.stop |= w.stop;
            }
            same
        });
        Lexicon { words }
    }

    /// What the lexicon knows about `word` (lowercase), if anything.
    pub fn get(&self, word: &str) -> Option<Word> {
        self.words.binary_search_by(|(w, _)| w.as_str().cmp(word)).ok().and_then(|i| self.words.get(i)).map(|e| e.1)
    }

    /// How many distinct words it holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether it holds no word at all.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Sorts `items` so that no item is `less` than one before it: a heapsort, not stable. The
/// standard library's sorts weigh about 3 KB of wasm per closure they are called with (three
/// here: 9 KB of the survey module, gzip -9 about 3.5 KB); this one is a few hundred bytes per
/// item type, with the order passed as `dyn`. O(n log n) in time, no allocation.
pub(crate) fn sort<T>(items: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    let sift = |items: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && items.get(child).zip(items.get(child + 1)).is_some_and(|(a, b)| less(a, b)) {
            child += 1;
        }
        if !items.get(root).zip(items.get(child)).is_some_and(|(a, b)| less(a, b)) {
            break;
        }
        items.swap(root, child);
        root = child;
    };
    let len = items.len();
    for root in (0..len / 2).rev() {
        sift(items, root, len);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift(items, 0, end);
    }
}

/// One piece of a text, as the analysers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word, lowercased, with whether it was written in capitals (`GREAT`) and whether
    /// something other than white space (punctuation, an emoji) stood between it and the word
    /// before (a sentence or clause break, for the themes' phrases).
    Word {
        /// The word in lowercase.
        text: String,
        /// Written all in capitals, two letters or more.
        caps: bool,
        /// Punctuation or a symbol came between it and the word before.
        after_break: bool,
    },
    /// A character that is neither a letter nor white space: punctuation, digits, emoji.
    Mark(char),
}

/// Whether `c` spells words: ASCII letters and any non-ASCII character outside the punctuation,
/// symbol and emoji blocks (the redaction pass's rule, which needs no Unicode tables; combining
/// accents stay with their letter). Apostrophes inside a word are handled by [`tokens`].
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && !is_mark(c) && !c.is_whitespace())
}

/// `c` in lowercase for the scripts the widget's locales write in with case: ASCII, Latin-1,
/// Latin Extended-A, Greek and Cyrillic. Without `char::to_lowercase`, whose tables would
/// weigh more than this module.
fn lower(c: char) -> char {
    let n = c as u32;
    let shift = match n {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => 0x20,
        0x400..=0x40F => 0x50,
        0x100..=0x137 | 0x14A..=0x177 if n % 2 == 0 => 1,
        0x139..=0x148 | 0x179..=0x17E if n % 2 == 1 => 1,
        _ => 0,
    };
    char::from_u32(n + shift).unwrap_or(c)
}

/// Splits `text` into words and marks, left to right. A word is a run of letters, with an
/// apostrophe (`'` or `’`) kept when letters stand on both sides (`don't`); the redaction
/// placeholders (`[email]`) are left out, word and brackets.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut after_break = false;
    while let Some((start, c)) = chars.next() {
        if !is_letter(c) {
            if !c.is_whitespace() {
                after_break = true;
                out.push(Token::Mark(c));
            }
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            let apostrophe = (c == '\'' || c == '’')
                && text.get(i + c.len_utf8()..).and_then(|r| r.chars().next()).is_some_and(is_letter);
            if !is_letter(c) && !apostrophe {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let raw = text.get(start..end).unwrap_or("");
        let placeholder =
            text.get(..start).is_some_and(|b| b.ends_with('[')) && text.get(end..).is_some_and(|a| a.starts_with(']'));
        if placeholder {
            continue;
        }
        let text: String = raw.chars().map(|c| if c == '’' { '\'' } else { lower(c) }).collect();
        let caps = raw.chars().count() >= 2 && raw.chars().all(|c| !c.is_ascii_lowercase()) && text != raw;
        out.push(Token::Word { text, caps, after_break });
        after_break = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .filter_map(|t| match t {
                Token::Word { text, .. } => Some(text),
                Token::Mark(_) => None,
            })
            .collect()
    }

    #[test]
    fn words_are_lowercased_in_many_scripts_and_keep_apostrophes() {
        assert_eq!(words("Don't GO—ÄRGER über Straße!"), ["don't", "go", "ärger", "über", "straße"]);
        assert_eq!(words("Ελληνικά ПРИВЕТ Łódź don’t 'quoted'"), ["ελληνικά", "привет", "łódź", "don't", "quoted"]);
        assert_eq!(words("mail [email] or [phone]!"), ["mail", "or"]);
        assert_eq!(words("café\u{301} 42 🙂 ok"), ["café\u{301}", "ok"]);
        assert_eq!(words("שלום עולם"), ["שלום", "עולם"]);
    }

    #[test]
    fn capitals_and_breaks_are_noted() {
        let toks = tokens("GREAT app. Slow");
        let flags: Vec<(bool, bool)> = toks
            .iter()
            .filter_map(|t| match t {
                Token::Word { caps, after_break, .. } => Some((*caps, *after_break)),
                Token::Mark(_) => None,
            })
            .collect();
        assert_eq!(flags, [(true, false), (false, false), (false, true)]);
    }

    #[test]
    fn the_sort_orders_like_the_standard_one() {
        let mut seed = 7u32;
        for len in [0, 1, 2, 3, 10, 101, 1000] {
            let mut items: Vec<u32> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    seed % 50
                })
                .collect();
            let mut expected = items.clone();
            expected.sort();
            sort(&mut items, &|a, b| a < b);
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn every_listed_lexicon_is_shipped_and_no_other() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../npm/lexicons");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("npm/lexicons")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|name| Some(name.strip_suffix(".txt")?.to_string()))
            .filter(|name| !name.starts_with("LICENSE"))
            .collect();
        files.sort();
        let mut listed: Vec<String> = LEXICONS.iter().map(|l| l.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed);
        assert_eq!(lexicon_of("de-AT"), Some("de"));
        assert_eq!(lexicon_of("EN"), Some("en"));
        assert_eq!(lexicon_of("fr"), None);
        assert_eq!(lexicon_of(""), None);
    }

    #[test]
    fn the_lexicon_parses_roles_and_skips_what_it_cannot_read() {
        let lexicon = Lexicon::parse(
            "# comment\ngood\t2\nbad -3\nworse\t9\n!neg not never\n!stop not the\n!int 130 very\n!int x oops\n!future a\n\n",
        );
        assert_eq!(lexicon.get("good").map(|w| w.valence), Some(2));
        assert_eq!(lexicon.get("bad").map(|w| w.valence), Some(-3));
        assert_eq!(lexicon.get("worse"), None);
        assert_eq!(lexicon.get("oops"), None);
        assert_eq!(lexicon.get("a"), None);
        let not = lexicon.get("not").unwrap_or_default();
        assert!(not.negates && not.stop);
        assert_eq!(lexicon.get("very").map(|w| w.scale), Some(130));
        assert_eq!(lexicon.len(), 6);
    }
}

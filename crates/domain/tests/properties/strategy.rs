//! Generators: JSON documents as a sender might write them — every number form, every way
//! to spell a character, white space wherever it is legal — each with the value it must read
//! as, and mutations that (mostly) break them.

use cxkit_domain::json::Value;
use proptest::collection::vec;
use proptest::prelude::*;

/// A generated JSON document: its text, and the value the text must read as.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The text, as a sender might have written it.
    pub text: String,
    /// What the text means.
    pub value: Value,
}

impl Doc {
    fn literal(text: &str, value: Value) -> Doc {
        Doc { text: text.to_owned(), value }
    }
}

/// White space JSON allows between tokens; mostly none.
fn space() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", "", " ", "\n", "\t", "\r\n  "])
}

/// A number in any JSON form: sign, zero or up to 30 digits (far beyond u64), fraction,
/// exponent in either case with or without sign and with leading zeros. The magnitude stays
/// within f64's range, where serde_json reads it too (beyond it: `json.rs`, intended
/// differences).
pub fn number() -> impl Strategy<Value = String> {
    let int = prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,29}"];
    let exponent = prop::option::of(("[eE]", "[+-]?", 0usize..3, 0u32..=250));
    (any::<bool>(), int, prop::option::of("[0-9]{1,20}"), exponent).prop_map(|(negative, int, fraction, exponent)| {
        let mut text = String::from(if negative { "-" } else { "" });
        text.push_str(&int);
        if let Some(fraction) = fraction {
            text.push('.');
            text.push_str(&fraction);
        }
        if let Some((e, sign, zeros, power)) = exponent {
            text.push_str(&e);
            text.push_str(&sign);
            text.push_str(&"0".repeat(zeros));
            text.push_str(&power.to_string());
        }
        text
    })
}

/// A character as a string literal may spell it, and the character: raw where JSON allows
/// it, a short escape, `\uXXXX` in either case, or a surrogate pair for one beyond the BMP.
fn spelt_char() -> impl Strategy<Value = (String, char)> {
    let awkward = ['"', '\\', '/', '\u{7f}', 'é', '€', '\u{2028}', '\u{fffd}', '\u{feff}', '😀', '\u{10ffff}'];
    let c = prop_oneof![
        4 => prop::char::range(' ', '~'),
        1 => prop::char::range('\0', '\u{1f}'),
        2 => prop::sample::select(awkward.to_vec()),
        2 => any::<char>(),
    ];
    (c, 0u8..3, any::<bool>()).prop_map(|(c, how, upper)| (spell(c, how, upper), c))
}

fn spell(c: char, how: u8, upper: bool) -> String {
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '/' => Some("\\/"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        _ => None,
    };
    let raw_allowed = c != '"' && c != '\\' && c >= ' ';
    match (how, short) {
        (0, _) if raw_allowed => c.to_string(),
        (1, Some(short)) => short.to_owned(),
        _ => c
            .encode_utf16(&mut [0; 2])
            .iter()
            .map(|unit| if upper { format!("\\u{unit:04X}") } else { format!("\\u{unit:04x}") })
            .collect(),
    }
}

/// A string literal of up to `max` characters, and the string it holds.
pub fn string(max: usize) -> impl Strategy<Value = (String, String)> {
    vec(spelt_char(), 0..=max).prop_map(|chars| {
        let mut text = String::from("\"");
        text.extend(chars.iter().map(|(spelt, _)| spelt.as_str()));
        text.push('"');
        (text, chars.iter().map(|(_, c)| *c).collect())
    })
}

/// An object key: often one of a few, so that keys repeat.
fn key() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        1 => prop::sample::select(vec!["a", "b", "\u{e9}"]).prop_map(|k| (format!("\"{k}\""), k.to_owned())),
        2 => string(8),
    ]
}

/// A value with containers nested at most `depth` deep, of about `size` values in all.
pub fn value(depth: u32, size: u32) -> BoxedStrategy<Doc> {
    let leaf = prop_oneof![
        Just(Doc::literal("null", Value::Null)),
        Just(Doc::literal("true", Value::Bool(true))),
        Just(Doc::literal("false", Value::Bool(false))),
        number().prop_map(|text| Doc { value: Value::Number(text.as_str().into()), text }),
        string(24).prop_map(|(text, s)| Doc { text, value: Value::String(s) }),
    ];
    leaf.prop_recursive(depth, size, 8, |inner| {
        prop_oneof![
            (vec(inner.clone(), 0..8), space()).prop_map(|(items, space)| array(items, space)),
            (vec((key(), inner), 0..8), space()).prop_map(|(members, space)| object(members, space)),
        ]
    })
    .boxed()
}

/// Joins `parts` between `open` and `close` with `space` around every token.
fn container(open: char, parts: &[String], close: char, space: &str) -> String {
    let mut text = String::from(open);
    for (i, part) in parts.iter().enumerate() {
        text.push_str(space);
        if i > 0 {
            text.push(',');
            text.push_str(space);
        }
        text.push_str(part);
    }
    text.push_str(space);
    text.push(close);
    text
}

fn array(items: Vec<Doc>, space: &str) -> Doc {
    let texts: Vec<String> = items.iter().map(|item| item.text.clone()).collect();
    Doc { text: container('[', &texts, ']', space), value: Value::Array(items.into_iter().map(|i| i.value).collect()) }
}

fn object(members: Vec<((String, String), Doc)>, space: &str) -> Doc {
    let texts: Vec<String> =
        members.iter().map(|((key, _), item)| format!("{key}{space}:{space}{}", item.text)).collect();
    let value = Value::Object(members.into_iter().map(|((_, key), item)| (key, item.value)).collect());
    Doc { text: container('{', &texts, '}', space), value }
}

/// A whole document: a value up to 6 containers deep, with white space around it.
pub fn document() -> impl Strategy<Value = Doc> {
    (space(), value(6, 64), space())
        .prop_map(|(before, doc, after)| Doc { text: format!("{before}{}{after}", doc.text), ..doc })
}

/// Snippets that a broken text is made of: tokens, half tokens, escapes good and bad, a
/// control character, a byte order mark, a number beyond f64.
const SNIPPETS: [&str; 27] = [
    "{", "}", "[", "]", "\"", ",", ":", "\\", "/", "-", "+", ".", "0", "7", "e", "E", "t", "n", "u", " ", "\u{1}",
    "\\u", "\\ud800", "\\udc00", "\\u00e9", "1e999", "\u{feff}",
];

/// One change to a text.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Removes the character at a position.
    Delete(usize),
    /// Inserts a snippet at a position.
    Insert(usize, &'static str),
    /// Replaces the character at a position with a snippet.
    Replace(usize, &'static str),
    /// Cuts the text at a position.
    Truncate(usize),
    /// Repeats the text between two positions.
    Repeat(usize, usize),
}

/// A few changes, applied in turn.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let snippet = prop::sample::select(SNIPPETS.to_vec());
    let one = prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), snippet.clone()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), snippet).prop_map(|(at, s)| Mutation::Replace(at, s)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Repeat(a, b)),
    ];
    vec(one, 1..4)
}

/// The character boundary at or after `at`, taken modulo the text's length.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The end of the character that starts at `at` (or `at` itself, at the end).
fn char_end(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

impl Mutation {
    /// The text with this change made.
    pub fn apply(&self, text: &str) -> String {
        match *self {
            Mutation::Delete(at) => {
                let at = boundary(text, at);
                format!("{}{}", &text[..at], &text[char_end(text, at)..])
            }
            Mutation::Insert(at, snippet) => {
                let at = boundary(text, at);
                format!("{}{snippet}{}", &text[..at], &text[at..])
            }
            Mutation::Replace(at, snippet) => {
                let at = boundary(text, at);
                format!("{}{snippet}{}", &text[..at], &text[char_end(text, at)..])
            }
            Mutation::Truncate(at) => text[..boundary(text, at)].to_owned(),
            Mutation::Repeat(a, b) => {
                let (a, b) = (boundary(text, a), boundary(text, b));
                let (from, to) = (a.min(b), a.max(b));
                format!("{}{}", &text[..to], &text[from..])
            }
        }
    }
}

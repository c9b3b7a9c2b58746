//! The JSON reader and writer against serde_json: the same verdict on valid and broken texts
//! (but for the differences `json.rs` intends), the same values, round trips, measures.

use cxkit_domain::json::{self, JsonErrorKind, Measure, Reader, Value, MAX_PARSE_DEPTH};
use proptest::prelude::*;

use crate::strategy::{document, mutations, string};

/// What serde_json makes of the same JSON: numbers read by serde_json from the text we kept;
/// objects with the last of repeated keys, as serde_json keeps them.
fn oracle(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(text) => serde_json::from_str(text).expect("serde_json reads the number we kept"),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => items.iter().map(oracle).collect(),
        Value::Object(members) => {
            let mut map = serde_json::Map::new();
            for (key, item) in members {
                map.insert(key.clone(), oracle(item));
            }
            serde_json::Value::Object(map)
        }
    }
}

/// A second, plain measure: depth and longest string by `chars().count()`, keys included.
fn plain_measure(value: &Value) -> Measure {
    let inner = |items: &mut dyn Iterator<Item = (Option<&String>, &Value)>| {
        items.fold(Measure { depth: 1, longest_string: 0 }, |m, (key, item)| {
            let inner = plain_measure(item);
            Measure {
                depth: m.depth.max(inner.depth + 1),
                longest_string: m.longest_string.max(inner.longest_string).max(key.map_or(0, |k| k.chars().count())),
            }
        })
    };
    match value {
        Value::String(s) => Measure { depth: 0, longest_string: s.chars().count() },
        Value::Array(items) => inner(&mut items.iter().map(|item| (None, item))),
        Value::Object(members) => inner(&mut members.iter().map(|(key, item)| (Some(key), item))),
        _ => Measure::default(),
    }
}

/// Whether `value` holds a number beyond f64's range: the reader keeps it as text.
fn has_number_beyond_f64(value: &Value) -> bool {
    match value {
        Value::Number(text) => text.parse::<f64>().is_ok_and(f64::is_infinite),
        Value::Array(items) => items.iter().any(has_number_beyond_f64),
        Value::Object(members) => members.iter().any(|(_, item)| has_number_beyond_f64(item)),
        _ => false,
    }
}

/// Whether `text` has a `\uXXXX` escape of a UTF-16 surrogate.
fn has_surrogate_escape(text: &str) -> bool {
    text.to_ascii_lowercase()
        .match_indices("\\ud")
        .any(|(at, _)| matches!(text.as_bytes().get(at + 3), Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')))
}

/// The differences `json.rs` intends, as seen on a text the reader took and serde_json refused.
fn intended(text: &str, ours: &Value, theirs: &serde_json::Error) -> bool {
    let message = theirs.to_string();
    let surrogate = message.contains("surrogate") || message.starts_with("unexpected end of hex escape");
    (message.starts_with("number out of range") && has_number_beyond_f64(ours))
        || (surrogate && has_surrogate_escape(text))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reads_what_serde_json_reads(doc in document()) {
        let ours = json::parse(&doc.text);
        prop_assert_eq!(ours.as_ref(), Ok(&doc.value));
        let theirs: serde_json::Value = serde_json::from_str(&doc.text).expect("the oracle reads every generated text");
        prop_assert_eq!(oracle(&doc.value), theirs);
    }

    #[test]
    fn what_the_writer_writes_reads_back_the_same(doc in document()) {
        let written = doc.value.to_json();
        prop_assert_eq!(json::parse(&written), Ok(doc.value.clone()));
        let theirs: serde_json::Value = serde_json::from_str(&written).expect("the oracle reads what we write");
        prop_assert_eq!(theirs, oracle(&doc.value));
    }

    #[test]
    fn raw_values_are_measured_right(doc in document()) {
        let mut reader = Reader::new(&doc.text);
        let (raw, measured) = reader.raw_value().expect("a generated document is JSON");
        prop_assert_eq!(raw, doc.text.trim_matches([' ', '\t', '\n', '\r']));
        prop_assert_eq!(measured, plain_measure(&doc.value));
        prop_assert_eq!(measured, json::measure(&doc.value));
        prop_assert!(reader.end().is_ok());
    }

    #[test]
    fn any_string_is_written_so_that_serde_json_reads_it_back((_, s) in string(64)) {
        let mut written = String::new();
        json::write_string(&s, &mut written);
        prop_assert_eq!(serde_json::from_str::<String>(&written).expect("the oracle reads it"), s.clone());
        prop_assert_eq!(json::parse(&written), Ok(Value::String(s)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn broken_texts_get_the_same_verdict(doc in document(), changes in mutations()) {
        let text = changes.iter().fold(doc.text, |text, change| change.apply(&text));
        match (json::parse(&text), serde_json::from_str::<serde_json::Value>(&text)) {
            (Ok(ours), Ok(theirs)) => prop_assert_eq!(oracle(&ours), theirs),
            (Err(_), Err(_)) => {}
            (Ok(ours), Err(theirs)) => prop_assert!(intended(&text, &ours, &theirs), "we accept {:?}, serde_json: {}", text, theirs),
            (Err(ours), Ok(_)) => prop_assert!(false, "we refuse {:?} ({:?}), serde_json accepts it", text, ours),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Intended difference: the reader refuses nesting deeper than `MAX_PARSE_DEPTH` (64),
    /// serde_json from 128 on; between them the oracle accepts what we refuse.
    #[test]
    fn nesting_is_refused_past_the_depth_limit(depth in 1usize..160, object in any::<bool>()) {
        let (open, close) = if object { ("{\"k\":", "}") } else { ("[", "]") };
        let text = open.repeat(depth) + "0" + &close.repeat(depth);
        let ours = json::parse(&text);
        if depth <= MAX_PARSE_DEPTH {
            prop_assert!(ours.is_ok());
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        } else {
            prop_assert_eq!(ours.map_err(|e| e.kind), Err(JsonErrorKind::TooDeep));
        }
    }

    /// Intended difference: a lone surrogate escape (JSON.stringify writes one for a lone
    /// UTF-16 unit of a page's string) reads as U+FFFD instead of failing the whole text.
    #[test]
    fn lone_surrogates_read_as_replacement_characters(unit in 0xd800u32..0xe000, (after, rest) in string(4)) {
        // What follows cannot pair with the unit: a generated literal spells no lone low surrogate.
        let text = format!("\"\\u{unit:04x}{}", &after[1..]);
        let Ok(Value::String(read)) = json::parse(&text) else { return Err(TestCaseError::fail("not read")) };
        prop_assert_eq!(read, format!("\u{fffd}{rest}"));
        prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    }
}

/// Intended difference: numbers are kept as their text, so one beyond f64's range is read
/// (JSON's grammar allows it; JSON.stringify never writes one) where serde_json refuses it.
#[test]
fn numbers_beyond_f64_are_kept_as_text() {
    for text in ["1e400", "-1e400", "123456789e999999999999999999999"] {
        assert_eq!(json::parse(text), Ok(Value::Number(text.into())));
        assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "{text}");
    }
}

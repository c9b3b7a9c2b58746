//! Which of the survey's languages a visitor gets (issue 16, "Languages"), from the `locale`
//! option or `navigator.language`, and which way its words run.
//!
//! Only the choice lives here, so both modules agree on it: the words do not. English is
//! compiled into the survey module (`npm/locales/en.json` itself); every other language is a
//! small JSON file (`npm/locales/<tag>.json`, shipped as `dist/locales/<tag>.json`) that the
//! survey module fetches beside itself, so neither the core nor an English page pays for
//! eleven translations it never shows.

/// The languages the survey speaks, as the names of their files. English first: it is the
/// fallback, the reference every other file must match key for key, and the only one
/// compiled in.
pub const LOCALES: [&str; 12] = ["en", "de", "fr", "es", "it", "pt", "nl", "pl", "ja", "zh", "ar", "he"];

/// The one of [`LOCALES`] to show a visitor whose language is `requested`, a BCP 47 tag such as
/// `navigator.language` gives (`de-AT`, `zh-Hant-TW`, `pt-BR`).
///
/// The tag itself when it is one of them, else its language subtag, else English; compared
/// ASCII case-insensitively, since tags are case-insensitive (RFC 5646 §2.1.1) and sites write
/// `pt-br` as often as `pt-BR`. A region or script changes nothing: Austrians read the German
/// file, Brazilians the one Portuguese file and `zh-Hant` readers the Simplified Chinese one,
/// which serves them better than English would. `iw`, Hebrew's code before 1989, still comes
/// from older Android and Java runtimes. `_` separates like `-`, as in POSIX names (`pt_BR`)
/// that reach a `locale` option. An empty, unknown or malformed tag (`nb`, `x-klingon`, `*`)
/// gets English: the visitor still gets a working survey, never an error.
pub fn negotiate(requested: &str) -> &'static str {
    if let Some(exact) = find(requested) {
        return exact;
    }
    // A byte scan: a char-array pattern would bring its searcher into the survey module.
    let end = requested.bytes().position(|b| b == b'-' || b == b'_').unwrap_or(requested.len());
    let language = requested.get(..end).unwrap_or_default();
    let language = if language.eq_ignore_ascii_case("iw") { "he" } else { language };
    find(language).unwrap_or(LOCALES[0])
}

/// The entry of [`LOCALES`] equal to `tag`, ignoring ASCII case.
fn find(tag: &str) -> Option<&'static str> {
    LOCALES.into_iter().find(|locale| locale.eq_ignore_ascii_case(tag))
}

/// Whether the words shown for `locale` (any tag, [negotiated](negotiate) first) run right to
/// left, so the widget sets `dir="rtl"`: Arabic and Hebrew. It follows the words, not the tag:
/// a Persian visitor (`fa`, a right-to-left script) gets English words, laid out left to right.
pub fn is_rtl(locale: &str) -> bool {
    matches!(negotiate(locale), "ar" | "he")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, Value};
    use std::path::PathBuf;

    #[test]
    fn negotiates_tags_to_a_shipped_locale() {
        let table = [
            ("en", "en"),
            ("en-US", "en"),
            ("de", "de"),
            ("de-AT", "de"),
            ("DE-ch", "de"),
            ("fr-CA", "fr"),
            ("es-419", "es"),
            ("it-IT", "it"),
            ("pt-BR", "pt"),
            ("pt_br", "pt"),
            ("pt-PT", "pt"),
            ("nl-BE", "nl"),
            ("pl-PL", "pl"),
            ("ja-JP", "ja"),
            ("zh-CN", "zh"),
            ("zh-Hant-TW", "zh"),
            ("zh-Hans", "zh"),
            ("ar", "ar"),
            ("ar-EG", "ar"),
            ("he-IL", "he"),
            ("iw", "he"),
            ("iw-IL", "he"),
            ("nb", "en"),
            ("nb-NO", "en"),
            ("fa-IR", "en"),
            ("", "en"),
            ("-", "en"),
            ("*", "en"),
            ("x-klingon", "en"),
            ("i-default", "en"),
            ("de!", "en"),
            ("deu", "en"),
            (" de", "en"),
            ("ende", "en"),
        ];
        for (tag, expected) in table {
            assert_eq!(negotiate(tag), expected, "{tag:?}");
        }
    }

    #[test]
    fn only_arabic_and_hebrew_run_right_to_left() {
        let rtl: Vec<_> = LOCALES.into_iter().filter(|locale| is_rtl(locale)).collect();
        assert_eq!(rtl, ["ar", "he"]);
        assert!(is_rtl("ar-SA") && is_rtl("HE-il") && is_rtl("iw"));
        assert!(!is_rtl("fa") && !is_rtl("") && !is_rtl("en-US"));
    }

    #[test]
    fn english_is_first_and_every_locale_negotiates_to_itself() {
        assert_eq!(LOCALES[0], "en");
        for locale in LOCALES {
            assert_eq!(negotiate(locale), locale);
        }
    }

    /// `npm/locales`, the source of the shipped `dist/locales`.
    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../npm/locales")
    }

    fn read(locale: &str) -> Value {
        let path = dir().join(locale).with_extension("json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!text.starts_with('\u{feff}'), "{locale}.json starts with a BOM");
        parse(&text).unwrap_or_else(|e| panic!("{locale}.json: {} at byte {}", e.kind.message(), e.offset))
    }

    /// Checks that `value` has exactly the keys of `reference`, in its order and nesting, and
    /// that every leaf is a string fit to show; `at` names the place for the failure message.
    fn same_shape(locale: &str, at: &str, reference: &Value, value: &Value) {
        match (reference, value) {
            (Value::Object(expected), Value::Object(actual)) => {
                assert_eq!(keys(value), keys(reference), "{locale}.json{at}: keys differ from en.json");
                for ((key, expected), (_, actual)) in expected.iter().zip(actual) {
                    same_shape(locale, &format!("{at}.{key}"), expected, actual);
                }
            }
            (Value::String(_), Value::String(text)) => {
                assert!(!text.is_empty(), "{locale}.json{at} is empty");
                assert_eq!(text.trim(), text, "{locale}.json{at} has white space at an end");
                assert!(text.chars().count() <= 200, "{locale}.json{at} is over 200 characters");
                let bad = text.chars().find(|c| matches!(c, '<' | '>') || c.is_control());
                assert_eq!(bad, None, "{locale}.json{at}: no markup or control characters");
            }
            (Value::String(_), _) => panic!("{locale}.json{at} must be a string"),
            _ => panic!("en.json{at} must be an object of strings"),
        }
    }

    /// The keys of an object, in order; none for anything else.
    fn keys(value: &Value) -> Vec<&str> {
        match value {
            Value::Object(members) => members.iter().map(|(k, _)| k.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn every_locale_has_a_file_with_the_keys_of_english() {
        let english = read("en");
        assert_eq!(
            keys(&english),
            ["nps", "csat", "ces", "text", "submit", "next", "close", "thanks", "placeholder", "survey"]
        );
        for kind in ["nps", "csat", "ces"] {
            assert_eq!(english.get(kind).map(keys), Some(vec!["question", "low", "high"]), "en.json.{kind}");
        }
        assert_eq!(english.get("text").map(keys), Some(vec!["question"]), "en.json.text");
        for locale in LOCALES {
            same_shape(locale, "", &english, &read(locale));
        }
    }

    #[test]
    fn no_file_but_the_locales() {
        for entry in std::fs::read_dir(dir()).expect("npm/locales") {
            let name = entry.expect("npm/locales entry").file_name().into_string().expect("a UTF-8 file name");
            let locale = name.strip_suffix(".json");
            assert!(
                locale.is_some_and(|locale| LOCALES.contains(&locale)),
                "npm/locales/{name} is no locale of LOCALES"
            );
        }
    }
}

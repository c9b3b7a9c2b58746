//! The redaction pass on generated text: it never panics, a second pass finds nothing, and
//! addresses, cards and phone numbers put between ordinary text never come out.

use cxkit_domain::redact::{redact, Pii, Redactions};
use proptest::collection::vec;
use proptest::prelude::*;

fn redacted(text: &str) -> (String, Redactions) {
    let mut out = String::new();
    let found = redact(text, &mut out);
    (out, found)
}

fn pick(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(pieces).prop_map(str::to_owned)
}

/// Text in which numbers, separators, `@` and `%40` meet in every order: where the scanners'
/// edge cases are.
fn dense() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            4 => "[0-9]{1,6}",
            2 => pick(&[" ", "-", ".", "+", "(", ")", "@", "%40", ",", "/", ":", "?", "=", "&", "#"]),
            1 => "[a-cxZ]{1,4}",
            1 => pick(&["é", "用户", "例子", "🙂", "\u{200F}", "：", "。", "[card]", "]", "["]),
            1 => pick(&["4111 1111 1111 1111", "5555555555554444", "+44 20 7946 0958", "jane@example.com", "030 1234567", "12345678901234567890"]),
        ],
        0..24,
    )
    .prop_map(|pieces| pieces.concat())
}

/// Personal data that must not survive, each with its kind.
const SAMPLES: &[(Pii, &str)] = &[
    (Pii::Email, "jane@example.com"),
    (Pii::Email, "jürgen.müller@beispiel.de"),
    (Pii::Email, "o'brien+shop@mail.example.co.uk"),
    (Pii::Email, "用户@例子.广告"),
    (Pii::Email, "jane%40example.com"),
    (Pii::Iban, "DE89 3704 0044 0532 0130 00"),
    (Pii::Iban, "GB82WEST12345698765432"),
    (Pii::Card, "4111 1111 1111 1111"),
    (Pii::Card, "4111111111111111"),
    (Pii::Card, "5555-5555-5555-4444"),
    (Pii::Card, "3782 822463 10005"),
    (Pii::Card, "6011111111111117"),
    (Pii::Phone, "+44 20 7946 0958"),
    (Pii::Phone, "+49 (0)30 1234567"),
    (Pii::Phone, "(555) 123-4567"),
    (Pii::Phone, "555-123-4567"),
    (Pii::Phone, "06 12 34 56 78"),
    (Pii::Phone, "030 1234567"),
    (Pii::Phone, "0171-1234567"),
    (Pii::Digits, "12345678901234567890123"),
];

/// What stands between the pieces of a sentence: never a bare space, which would let two
/// numbers join into one grouped number.
const JOINERS: &[&str] = &[", ", " and ", "\n", "; ", " | ", " – ", "：", "، ", " (", ") "];

/// Ordinary text, near-misses included.
const NOISE: &[&str] = &[
    "2026-11-27",
    "1.2.3",
    "10.0.19045",
    "192.168.0.1",
    "€ 49.90",
    "1,299.00",
    "12:30",
    "Order 1234567890123456",
    "ISBN 978-3-16-148410-0",
    "550e8400-e29b-41d4-a716-446655440000",
    "1Z999AA10123456784",
    "日本語",
    "مرحبا",
    "שלום",
    "🙂",
    "@",
    "%40",
    "+",
    "-",
    ".",
    "0",
    "12",
    "abc",
    "",
];

/// A sentence of samples and noise, and the samples in it.
fn sentence() -> impl Strategy<Value = (String, Vec<(Pii, &'static str)>)> {
    let piece =
        prop_oneof![prop::sample::select(SAMPLES).prop_map(Some), prop::sample::select(NOISE).prop_map(|_| None),];
    let noise = prop::sample::select(NOISE);
    vec((piece, noise, prop::sample::select(JOINERS)), 1..10).prop_map(|parts| {
        let (mut text, mut samples) = (String::new(), Vec::new());
        for (sample, noise, joiner) in parts {
            match sample {
                Some((kind, sample)) => {
                    text.push_str(sample);
                    samples.push((kind, sample));
                }
                None => text.push_str(noise),
            }
            text.push_str(joiner);
        }
        (text, samples)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn any_text_is_redacted_once_and_for_all(text in any::<String>()) {
        let (out, _) = redacted(&text);
        let (again, more) = redacted(&out);
        prop_assert_eq!((again, more.total()), (out, 0));
    }

    #[test]
    fn dense_text_is_redacted_once_and_for_all(text in dense()) {
        let (out, _) = redacted(&text);
        let (again, more) = redacted(&out);
        prop_assert_eq!((&again, more.total()), (&out, 0), "input {:?}", text);
    }

    #[test]
    fn no_sample_survives((text, samples) in sentence()) {
        let (out, found) = redacted(&text);
        for (_, sample) in &samples {
            prop_assert!(!out.contains(sample), "{:?} in {:?}", sample, out);
        }
        for kind in Pii::ALL {
            let put = samples.iter().filter(|(k, _)| *k == kind).count() as u32;
            prop_assert!(found.count(kind) >= put, "{} of {:?}: {} in {:?}", kind.id(), text, found.count(kind), out);
        }
        prop_assert_eq!(redacted(&out).1.total(), 0);
    }
}

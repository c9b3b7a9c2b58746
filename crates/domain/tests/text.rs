//! Free-text analysis (issue 17, crates/domain/src/text/): sentiment on clear, negated,
//! intensified, contrasted and emoji sentences in English and German with the shipped lexicons
//! (npm/lexicons/), themes, and the whole pass on redacted, cut text, a 1 MB paste included.

use cxkit_domain::redact::{redact, Pii};
use cxkit_domain::survey::{clean_text, redact_text, window, MAX_SPAN_TAIL, MAX_TEXT_BYTES, MAX_TEXT_CHARS};
use cxkit_domain::text::analysis::{analyse, analyse_with, write_props};
use cxkit_domain::text::sentiment::{sentiment, Label, Sentiment};
use cxkit_domain::text::themes::themes;
use cxkit_domain::text::Lexicon;

fn en() -> Lexicon {
    Lexicon::parse(include_str!("../../../npm/lexicons/en.txt"))
}

fn de() -> Lexicon {
    Lexicon::parse(include_str!("../../../npm/lexicons/de.txt"))
}

fn score(text: &str, lexicon: &Lexicon) -> i16 {
    sentiment(text, lexicon).0
}

fn label(text: &str, lexicon: &Lexicon) -> Label {
    sentiment(text, lexicon).label()
}

// ---- Lexicons ----

#[test]
fn the_shipped_lexicons_parse_and_stay_small() {
    let (en_text, de_text) =
        (include_str!("../../../npm/lexicons/en.txt"), include_str!("../../../npm/lexicons/de.txt"));
    let (en, de) = (en(), de());
    assert!(en.len() > 2_000, "{}", en.len());
    assert!(de.len() > 400, "{}", de.len());
    // Raw sizes: the gzip figures are in the closing note (≤ 12 KiB for English).
    assert!(en_text.len() < 40_000 && de_text.len() < 20_000);
    for (lexicon, negator, booster, contrast, stop) in
        [(&en, "not", "very", "but", "the"), (&de, "nicht", "sehr", "aber", "und")]
    {
        let get = |w: &str| lexicon.get(w).unwrap_or_default();
        assert!(get(negator).negates && get(booster).scale > 100 && get(contrast).contrasts && get(stop).stop);
    }
    // Every entry line is read: a word with a valence, or a directive.
    for text in [en_text, de_text] {
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.starts_with('!')) {
            let (word, valence) = line.split_once('\t').unwrap_or_else(|| panic!("{line:?}"));
            let v: i8 = valence.parse().unwrap_or_else(|_| panic!("{line:?}"));
            assert!((-4..=4).contains(&v) && v != 0, "{line:?}");
            assert_eq!(word, word.to_lowercase(), "{line:?}");
        }
        assert!(text.lines().next().is_some_and(|l| l.starts_with("# cxkit sentiment lexicon")));
    }
}

// ---- Sentiment ----

#[test]
fn english_sentences_get_the_expected_labels() {
    let en = en();
    let cases = [
        ("The checkout was great, thank you!", Label::Positive),
        ("Love it, super easy and fast", Label::Positive),
        ("Terrible. The page crashed twice and support was rude.", Label::Negative),
        ("Way too expensive and the app is buggy", Label::Negative),
        // Support, help, care and free name a department or an offer in feedback, not a feeling.
        ("The delivery was slow and support never answered my email", Label::Negative),
        ("Free shipping, but the delivery took three weeks and was slow", Label::Negative),
        ("not good", Label::Negative),
        ("It wasn't bad at all", Label::Positive),
        ("I don't like the new design", Label::Negative),
        ("No problems whatsoever", Label::Positive),
        ("good but slow", Label::Negative),
        ("slow but good", Label::Positive),
        ("The delivery arrived on Tuesday", Label::Neutral),
        ("", Label::Neutral),
        ("👍", Label::Positive),
        ("😡😡", Label::Negative),
        ("shipping took ages 🙁", Label::Negative),
        ("[email] [phone]", Label::Neutral),
    ];
    for (text, expected) in cases {
        assert_eq!(label(text, &en), expected, "{text:?}: {}", score(text, &en));
    }
}

#[test]
fn german_sentences_get_the_expected_labels() {
    let de = de();
    let cases = [
        ("Alles super, vielen Dank!", Label::Positive),
        ("Sehr freundlicher und kompetenter Service", Label::Positive),
        ("Die Lieferung war schnell und unkompliziert", Label::Positive),
        ("Total kaputt angekommen, einfach schrecklich", Label::Negative),
        ("Viel zu teuer und der Versand ist langsam", Label::Negative),
        ("nicht gut", Label::Negative),
        ("Das war gar nicht schlecht", Label::Positive),
        ("Keine Probleme", Label::Positive),
        ("gut, aber viel zu langsam", Label::Negative),
        ("Ärgerlich: die Bestellung ist nie angekommen 😠", Label::Negative),
        ("Die Bestellung kam am Dienstag", Label::Neutral),
        ("👍 Danke", Label::Positive),
    ];
    for (text, expected) in cases {
        assert_eq!(label(text, &de), expected, "{text:?}: {}", score(text, &de));
    }
}

#[test]
fn intensifiers_negation_contrast_caps_and_exclamation_move_the_score() {
    for (lexicon, good, very, extremely, not, slow, but) in [
        (en(), "good", "very good", "extremely good", "not good", "slow", "but"),
        (de(), "gut", "sehr gut", "extrem gut", "nicht gut", "langsam", "aber"),
    ] {
        let s = |t: &str| score(t, &lexicon);
        assert!(s(very) > s(good) && s(extremely) > s(good), "{very}");
        assert!(s(good) > 0 && s(not) < 0 && s(not).abs() < s(good), "{not}");
        // Negation reaches three words back, not four.
        assert!(s(&format!("{not} {good}")) < 0);
        let (a, b) = (format!("{good} {but} {slow}"), format!("{slow} {but} {good}"));
        assert!(s(&a) < 0 && s(&b) > 0, "{a}: {}, {b}: {}", s(&a), s(&b));
        // Capitals stress a word among lower-case ones; exclamation marks push further out.
        assert!(s(&format!("{} app", good.to_uppercase())) > s(&format!("{good} app")));
        assert!(s(&format!("{good}!!!")) > s(good));
        assert!(s(&format!("{not}!!!")) < s(not));
    }
    let en = en();
    assert!(score("the app is good", &en) > score("the app is not really that good", &en));
    assert!(score("not, in any way, a good app", &en) > 0, "four words away: not negated");
    assert!(score("slightly good", &en) < score("good", &en));
    assert!(score("😍", &en) > score("🙂", &en));
    // Normalised like VADER: bounded, and a pile of praise saturates towards 1.
    let praise = "great ".repeat(200);
    assert!((900..=1000).contains(&score(&praise, &en)));
    assert!((-1000..=-900).contains(&score(&"awful horrible ".repeat(200), &en)));
}

// ---- Themes ----

#[test]
fn themes_are_top_terms_and_repeated_phrases_without_stop_words() {
    let (en, de) = (en(), de());
    assert_eq!(
        themes("The delivery time was far too long. Delivery time matters to me!", &en),
        ["delivery time", "delivery", "time", "time matters", "far"]
    );
    assert_eq!(themes("Checkout page froze. The checkout page froze again", &en)[..2], ["checkout page", "page froze"]);
    assert_eq!(
        themes("Die Lieferzeit war zu lang, die Lieferzeit ist wichtig", &de),
        ["lieferzeit", "lang", "wichtig"]
    );
    assert_eq!(themes("ok", &en), Vec::<String>::new());
    // Placeholders are not words.
    assert_eq!(themes("mail [email] and [email] please", &en), ["mail", "please"]);
}

// ---- The whole pass ----

#[test]
fn analysis_runs_on_the_redacted_text_and_writes_its_members() {
    let en = en();
    let a = analyse("  Great support! Call me on +44 20 7946 0958 or jane@example.com\u{7}", &en);
    assert_eq!(a.text, "Great support! Call me on [phone] or [email]");
    assert_eq!((a.redactions.count(Pii::Phone), a.redactions.count(Pii::Email), a.redactions.total()), (1, 1, 2));
    assert_eq!(a.label(), Some(Label::Positive));
    // A phrase scores twice its count: "great support" first; the `!` parts "support" and "call".
    assert_eq!(a.themes, ["great support", "call", "great", "support"]);
    let mut out = String::from("{");
    write_props(&a, &mut out);
    out.push('}');
    let expected = format!(
        r#"{{"text":"Great support! Call me on [phone] or [email]","redactions":{{"email":1,"phone":1}},"sentiment":0.{:02},"label":"positive","themes":["great support","call","great","support"]}}"#,
        a.sentiment.map_or(0, |s| s.hundredths())
    );
    assert_eq!(out, expected);
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(parsed["redactions"]["phone"], 1);

    let none = analyse("meh", &en);
    let mut out = String::new();
    write_props(&none, &mut out);
    assert!(out.contains(r#""redactions":{},"sentiment":"#), "{out}");
    // Two decimals from integers, sign and all.
    for (milli, text) in
        [(0, "0.00"), (425, "0.43"), (-425, "-0.43"), (-4, "0.00"), (1000, "1.00"), (-1000, "-1.00"), (-61, "-0.06")]
    {
        let mut a = none.clone();
        a.sentiment = Some(Sentiment(milli));
        let mut out = String::new();
        write_props(&a, &mut out);
        assert!(out.contains(&format!(r#""sentiment":{text},"#)), "{milli}: {out}");
    }
}

#[test]
fn a_megabyte_paste_is_cut_before_the_scanners_see_it() {
    let en = en();
    let paste = "Great shop, call +44 20 7946 0958. ".repeat(30_000);
    assert!(paste.len() > 1_000_000);
    let seen = window(&paste);
    assert!(seen.len() <= MAX_TEXT_BYTES && seen.chars().count() <= MAX_TEXT_CHARS, "{}", seen.len());
    let a = analyse(&paste, &en);
    let mut expected = String::new();
    redact(&seen, &mut expected);
    assert_eq!(a.text, expected);
    assert!(a.text.len() <= MAX_TEXT_BYTES && !a.text.contains("7946"));
    assert_eq!(a.label(), Some(Label::Positive));
    // The phone at the cut is dropped whole, not left as a head of digits.
    assert!(!a.text.contains(|c: char| c.is_ascii_digit()), "{}", &a.text[a.text.len() - 40..]);
    assert!(a.text.ends_with("Great shop,") || a.text.ends_with("[phone]."), "{}", &a.text[a.text.len() - 40..]);
}

#[test]
fn nothing_is_left_of_a_number_cut_in_two() {
    // Each kind, placed so that the 2,000-character cut falls inside it.
    for span in [
        "4111 1111 1111 1111",
        "+44 20 7946 0958",
        "DE89 3704 0044 0532 0130 00",
        "jane.doe@example.com",
        "(555) 123-4567",
    ] {
        for split in 1..span.len() {
            let head = "x ".repeat((MAX_TEXT_CHARS - split) / 2);
            let pad = if head.len() + split < MAX_TEXT_CHARS { " " } else { "" };
            let text = format!("{head}{pad}{span} and more words after it");
            let (out, _) = redact_text(&text);
            let digits: String = out.chars().filter(char::is_ascii_digit).collect();
            assert!(
                digits.is_empty() && !out.contains('@'),
                "{span:?} split at {split}: …{}",
                &out[out.len().saturating_sub(30)..]
            );
            assert!(out.len() + MAX_SPAN_TAIL + 2 >= head.len(), "{span:?} at {split}: dropped too much");
        }
    }
    // A tail without digits or `@` is kept to the last character.
    let words = "word ".repeat(500);
    assert_eq!(clean_text(&words).chars().count(), MAX_TEXT_CHARS - 1);
}

/// Input and the text it becomes (control characters, white space, redaction, limits), in many
/// scripts: what the survey's text step sends.
const CLEAN: &[(&str, &str)] = &[
    ("  Great, thanks!  ", "Great, thanks!"),
    ("line one\r\nline two\ttab", "line one\nline two\ttab"),
    ("\u{0}\u{1b}[31mred\u{7f}", "[31mred"),
    ("IBAN DE89 3704 0044 0532 0130 00 bitte erstatten", "IBAN [iban] bitte erstatten"),
    ("Meine Nummer: 0171-1234567, Mail: jürgen@beispiel.de", "Meine Nummer: [phone], Mail: [email]"),
    ("Карта 4111 1111 1111 1111, спасибо", "Карта [card], спасибо"),
    ("رقمي +966 50 123 4567 والبريد jane@example.com", "رقمي [phone] والبريد [email]"),
    ("\u{202B}שלום jane@example.com\u{202C}", "\u{202B}שלום [email]\u{202C}"),
    ("電話番号は090-1234-5678です", "電話番号は[phone]です"),
    ("订单号 1234567890123456 还没到", "订单号 1234567890123456 还没到"),
    ("Ελληνικά +30 21 0123 4567 👍", "Ελληνικά [phone] 👍"),
    ("e\u{301} café 🇩🇪 👩\u{200D}💻", "e\u{301} café 🇩🇪 👩\u{200D}💻"),
    ("Version 2.14.1 from 27.11.2026 costs €49.90", "Version 2.14.1 from 27.11.2026 costs €49.90"),
    ("Tracking 1Z999AA10123456784", "Tracking 1Z999AA10123456784"),
    ("IBAN DE88 3704 0044 0532 0130 00 falsch", "IBAN DE88 3704 0044 0532 0130 00 falsch"),
    ("\u{feff}BOM first", "\u{feff}BOM first"),
    ("\u{85}next line", "next line"),
];

#[test]
fn clean_text_table() {
    for &(raw, expected) in CLEAN {
        let (text, found) = redact_text(raw);
        assert_eq!(text, expected, "{raw:?}");
        assert_eq!(clean_text(raw), text);
        let placed: u32 = Pii::ALL.iter().map(|k| expected.matches(k.placeholder()).count() as u32).sum();
        assert_eq!(found.total(), placed, "{raw:?}");
    }
}

#[test]
fn the_cut_keeps_graphemes_whole_in_every_script() {
    let cases = [
        ("x", "😀"),
        ("x", "e\u{301}"),
        ("x", "👍\u{1F3FD}"),
        ("x", "👩\u{200D}👧\u{200D}👦"),
        ("x", "🇩🇪"),
        ("ש", "ש\u{5B8}"),
        ("ع", "ع\u{64E}"),
        ("가", "가"),
    ];
    for (fill, tail) in cases {
        for shift in 0..4 {
            let text = format!("{}{}{}", fill.repeat(MAX_TEXT_CHARS - shift), tail, tail);
            let out = clean_text(&text);
            assert!(out.len() <= MAX_TEXT_BYTES && out.chars().count() <= MAX_TEXT_CHARS, "{tail:?}");
            // The cut is never right before a mark that extends what it follows.
            let next = text[out.len()..].chars().next();
            assert!(
                !matches!(next, Some('\u{301}' | '\u{200D}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{5B8}' | '\u{64E}')),
                "{tail:?} shift {shift}: cut before {next:?}"
            );
            assert!(text.starts_with(&out));
        }
    }
}

#[test]
fn the_sites_patterns_run_first_and_are_counted_and_no_lexicon_means_no_figures() {
    // The shell's RegExp pass, as a stand-in: it sees the window, control characters gone.
    let custom = |window: String| {
        assert!(!window.contains('\u{7}'));
        let n = window.matches("ORD-123456").count() as u32;
        (window.replace("ORD-123456", "[custom]"), n)
    };
    let a = analyse_with("Order ORD-123456 was late, mail jane@example.com\u{7}", None, custom);
    assert_eq!(a.text, "Order [custom] was late, mail [email]");
    assert_eq!((a.redactions.count(Pii::Custom), a.redactions.count(Pii::Email)), (1, 1));
    assert_eq!((a.sentiment, a.label(), a.themes.len()), (None, None, 0));
    let mut out = String::new();
    write_props(&a, &mut out);
    assert_eq!(
        out,
        r#""text":"Order [custom] was late, mail [email]","redactions":{"email":1,"custom":1},"sentiment":null,"label":null,"themes":[]"#
    );
    // The scanners run after it: a card the pattern left is still found.
    let en = en();
    let b = analyse_with("great, card 4111 1111 1111 1111", Some(&en), |w| (w, 0));
    assert_eq!((b.text.as_str(), b.label()), ("great, card [card]", Some(Label::Positive)));
}

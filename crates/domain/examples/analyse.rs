//! `make bench`'s text-analysis figure (issue 17): redaction + sentiment + themes of a
//! 2,000-character English comment with the shipped lexicon, as the survey module runs it at a
//! text step's Submit (`analysis::analyse`; parsing the lexicon is done once per page load and
//! not counted). Host, release build: `cargo run --release -p cxkit-domain --example analyse`.
//! Prints a JSON array of the median µs of each of 11 batches of 200 runs.

use cxkit_domain::text::analysis::analyse;
use cxkit_domain::text::Lexicon;
use std::hint::black_box;
use std::time::Instant;

const BATCHES: usize = 11;
const RUNS: usize = 200;

fn comment() -> String {
    let parts = [
        "The checkout was really slow and the page froze twice, but support was very helpful. ",
        "Mail me at jane.doe@example.com or call +49 30 1234567 if you need more. ",
        "I paid with card 4111 1111 1111 1111 and the order ORD-123456 never arrived! ",
        "Delivery is not great, prices are fair, and the app looks nice :) ",
    ];
    let mut text = String::new();
    let mut i = 0;
    while text.chars().count() < 2_000 {
        text.push_str(parts[i % parts.len()]);
        i += 1;
    }
    text.chars().take(2_000).collect()
}

fn main() {
    let lexicon = Lexicon::parse(include_str!("../../../npm/lexicons/en.txt"));
    let text = comment();
    assert_eq!(text.chars().count(), 2_000);
    let check = analyse(&text, &lexicon);
    assert!(check.redactions.total() > 0 && !check.themes.is_empty() && check.sentiment.is_some());
    let mut medians = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let mut times: Vec<f64> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                black_box(analyse(black_box(&text), &lexicon));
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        times.sort_by(f64::total_cmp);
        medians.push(times[RUNS / 2]);
    }
    let list: Vec<String> = medians.iter().map(|us| format!("{us:.1}")).collect();
    println!("[{}]", list.join(","));
}

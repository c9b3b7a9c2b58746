//! Whether a survey may show now (issue 16, "When a survey shows"): URL targeting, sticky
//! sampling, caps across reloads and tabs, each with the time passed in. The core reads what
//! this visitor has seen from storage (`cxkit:<site>:surveys`, only where consent keeps it),
//! decides, and with `debug: true` logs the [`Skip`] that kept a survey away.

use alloc::string::String;
use alloc::vec::Vec;

use super::spec::{Targeting, Urls};
use crate::capture::journey::path_glob_matches;
use crate::event::check_name;
use crate::{json, scan};

/// How long a survey shown in one tab keeps it from showing in another, unless the first tab
/// closes it first (answered, dismissed or gone): a tab that crashed frees it after this.
pub const OPEN_LEASE_MS: i64 = 30 * 60_000;
/// How long a dismissed survey stays away, when its dismissals left it any chance.
pub const DISMISSED_PAUSE_MS: i64 = 24 * 3_600_000;

/// Most surveys a [`Book`] remembers: beyond, the one touched longest ago is forgotten.
pub const MAX_BOOK_ENTRIES: usize = 100;
/// A day, in ms: the unit of `cap.days`.
const DAY_MS: i64 = 86_400_000;

/// What one visitor has done with one survey.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// When it was last answered (`Date.now()` ms).
    pub answered_at: Option<i64>,
    /// When it was last dismissed.
    pub dismissed_at: Option<i64>,
    /// How often it was dismissed.
    pub dismissals: u32,
    /// Until when a tab holds it open.
    pub open_until: Option<i64>,
}

/// What this visitor has seen, by survey id: the stored value of `cxkit:<site>:surveys`.
///
/// Stored as text, one entry per survey separated by `;`, the one touched longest ago first:
/// `id=answered_at,dismissed_at,dismissals,open_until`, times in ms, an empty field for
/// `None` (`checkout_ces=1700000000000,,0,;nps=,1700000500000,2,`). An id may hold any
/// character but controls, so `%`, `=`, `;` and `,` in it are written `%25`, `%3D`, `%3B` and
/// `%2C`. At most [`MAX_BOOK_ENTRIES`] entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book {
    entries: Vec<(String, Seen)>,
}

/// Why the core keeps a survey from showing now: one line of the `debug` log each. (The shell
/// decides the rest itself, in its own words: another survey on screen, a field in use.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The page's path is not among its `urls`.
    Url,
    /// This visitor is outside its sample.
    Sample,
    /// Answered, and its `cap.days` have not passed (or it never shows again).
    Answered,
    /// Dismissed `cap.dismissals` times, or too recently.
    Dismissed,
    /// Open in another tab.
    OpenElsewhere,
    /// Consent does not allow automatic surveys (pending or denied).
    Consent,
}

impl Skip {
    /// The reason in words, for the debug line `cxkit: survey "id" not shown: <reason>`.
    pub fn reason(self) -> &'static str {
        match self {
            Skip::Url => "the page is not among its urls",
            Skip::Sample => "this visitor is outside its sample",
            Skip::Answered => "answered, and its cap keeps it away",
            Skip::Dismissed => "dismissed too often or too recently",
            Skip::OpenElsewhere => "open in another tab",
            Skip::Consent => "consent does not allow automatic surveys",
        }
    }
}

impl Urls {
    /// Whether a page of `path` is targeted: no include glob or one that matches, and no
    /// exclude glob that matches. Only the path is matched: anything from a `?` or `#` on is
    /// ignored, as for journey steps.
    pub fn matches(&self, path: &str) -> bool {
        let end = path.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(path.len());
        let path = path.get(..end).unwrap_or_default();
        let matching = |globs: &[String]| globs.iter().any(|glob| path_glob_matches(glob, path));
        (self.include.is_empty() || matching(&self.include)) && !matching(&self.exclude)
    }
}

/// Whether `visitor` falls in a `sample` percent of visitors for survey `id`: the same answer
/// on every page load of that visitor, independent between surveys.
///
/// The 32-bit FNV-1a hash of `visitor`, a 0 byte and `id`, modulo 100, below `sample`: 0 is
/// nobody, 100 (or more) everybody.
pub fn sampled(visitor: &str, id: &str, sample: u8) -> bool {
    match sample {
        0 => false,
        100.. => true,
        _ => {
            let hash = fnv1a(visitor.bytes().chain([0]).chain(id.bytes()));
            hash % 100 < u32::from(sample)
        }
    }
}

/// The 32-bit FNV-1a hash: small, stable, and spread well enough for percentages.
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u32 {
    bytes.fold(0x811c_9dc5, |hash, b| (hash ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

impl Book {
    /// Reads the stored text; anything unreadable is an empty book.
    pub fn decode(text: &str) -> Book {
        Book::read(text).unwrap_or_default()
    }

    fn read(text: &str) -> Option<Book> {
        let mut entries: Vec<(String, Seen)> = Vec::new();
        if text.is_empty() {
            return Some(Book { entries });
        }
        for entry in scan::split(text, b';') {
            let (id, fields) = scan::split_once(entry, b'=')?;
            let id = unescape(id)?;
            if check_name(&id).is_err() || entries.iter().any(|(earlier, _)| *earlier == id) {
                return None;
            }
            let mut fields = scan::split(fields, b',');
            let mut time = || -> Option<Option<i64>> {
                match fields.next()? {
                    "" => Some(None),
                    digits => integer(digits).map(Some),
                }
            };
            let (answered_at, dismissed_at) = (time()?, time()?);
            let dismissals = u32::try_from(time()??).ok()?;
            let open_until = time()?;
            if fields.next().is_some() {
                return None;
            }
            entries.push((id, Seen { answered_at, dismissed_at, dismissals, open_until }));
        }
        let mut book = Book { entries };
        book.trim();
        Some(book)
    }

    /// The text to store.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (id, seen)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            escape(id, &mut out);
            out.push('=');
            let time = |time: Option<i64>, out: &mut String| {
                if let Some(time) = time {
                    json::write_integer(time, out);
                }
            };
            time(seen.answered_at, &mut out);
            out.push(',');
            time(seen.dismissed_at, &mut out);
            out.push(',');
            json::write_integer(i64::from(seen.dismissals), &mut out);
            out.push(',');
            time(seen.open_until, &mut out);
        }
        out
    }

    /// What the visitor did with survey `id`.
    pub fn seen(&self, id: &str) -> Seen {
        self.entries.iter().find(|(of, _)| of == id).map(|(_, seen)| *seen).unwrap_or_default()
    }

    /// Survey `id` shows now, held open in this tab until `now` + [`OPEN_LEASE_MS`].
    pub fn opened(&mut self, id: &str, now: i64) {
        self.touch(id, |seen| seen.open_until = Some(now.saturating_add(OPEN_LEASE_MS)));
    }

    /// Survey `id` was answered at `now` (its first answered step); it is no longer open.
    pub fn answered(&mut self, id: &str, now: i64) {
        self.touch(id, |seen| {
            seen.answered_at = Some(now);
            seen.open_until = None;
        });
    }

    /// Survey `id` was closed, or left when the page went, without an answer.
    pub fn dismissed(&mut self, id: &str, now: i64) {
        self.touch(id, |seen| {
            seen.dismissals = seen.dismissals.saturating_add(1);
            seen.dismissed_at = Some(now);
            seen.open_until = None;
        });
    }

    /// Changes the entry of `id` (a new one if none) and moves it to the end, touched last;
    /// then trims the book to [`MAX_BOOK_ENTRIES`]. (`retain`, not `remove`: no panic path.)
    fn touch(&mut self, id: &str, change: impl FnOnce(&mut Seen)) {
        let mut seen = Seen::default();
        self.entries.retain(|(of, was)| {
            let other = of != id;
            if !other {
                seen = *was;
            }
            other
        });
        change(&mut seen);
        self.entries.push((id.into(), seen));
        self.trim();
    }

    /// Forgets the entries touched longest ago, beyond [`MAX_BOOK_ENTRIES`].
    fn trim(&mut self) {
        let mut over = self.entries.len().saturating_sub(MAX_BOOK_ENTRIES);
        self.entries.retain(|_| {
            let keep = over == 0;
            over = over.saturating_sub(1);
            keep
        });
    }
}

/// A decimal integer of the whole `i64` range (times the clock gave, however odd; `json::parse_integer`
/// stops at 18 digits), without a `+`.
fn integer(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0i64, |n, b| {
        let digit = i64::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
        n.checked_mul(10)?.checked_add(if negative { -digit } else { digit })
    })
}

/// Writes `id` with `%`, `=`, `;` and `,` escaped.
fn escape(id: &str, out: &mut String) {
    for c in id.chars() {
        match c {
            '%' => out.push_str("%25"),
            '=' => out.push_str("%3D"),
            ';' => out.push_str("%3B"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
}

/// Reads an id [`escape`] wrote; `None` for any other `%` sequence.
fn unescape(text: &str) -> Option<String> {
    let mut id = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            id.push(c);
            continue;
        }
        id.push(match (chars.next()?, chars.next()?) {
            ('2', '5') => '%',
            ('3', 'D') => '=',
            ('3', 'B') => ';',
            ('2', 'C') => ',',
            _ => return None,
        });
    }
    Some(id)
}

impl Targeting {
    /// Whether survey `id` may show by a trigger on a page of `path` to `visitor` at `now`,
    /// given what the visitor has seen: checked in the order of [`Skip`]'s variants from
    /// `Url` to `OpenElsewhere` (consent is the caller's).
    pub fn allows(&self, id: &str, path: &str, visitor: &str, seen: Seen, now: i64) -> Result<(), Skip> {
        if !self.urls.matches(path) {
            return Err(Skip::Url);
        }
        if !sampled(visitor, id, self.sample) {
            return Err(Skip::Sample);
        }
        if let Some(answered_at) = seen.answered_at {
            let away = match self.cap.days {
                None => true,
                Some(days) => now < answered_at.saturating_add(i64::from(days).saturating_mul(DAY_MS)),
            };
            if away {
                return Err(Skip::Answered);
            }
        }
        let paused = seen.dismissed_at.is_some_and(|at| now < at.saturating_add(DISMISSED_PAUSE_MS));
        if seen.dismissals >= self.cap.dismissals || paused {
            return Err(Skip::Dismissed);
        }
        if seen.open_until.is_some_and(|until| now < until) {
            return Err(Skip::OpenElsewhere);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::spec::{Cap, DEFAULT_DISMISSALS};
    use proptest::prelude::*;

    const T: i64 = 1_700_000_000_000;

    fn urls(include: &[&str], exclude: &[&str]) -> Urls {
        Urls {
            include: include.iter().map(|g| (*g).into()).collect(),
            exclude: exclude.iter().map(|g| (*g).into()).collect(),
        }
    }

    fn targeting(cap: Cap) -> Targeting {
        Targeting { trigger: None, urls: urls(&["/checkout/*"], &["/checkout/done"]), sample: 100, cap }
    }

    #[test]
    fn every_skip_has_its_words() {
        let all = [Skip::Url, Skip::Sample, Skip::Answered, Skip::Dismissed, Skip::OpenElsewhere, Skip::Consent];
        let reasons: Vec<_> = all.into_iter().map(Skip::reason).collect();
        assert_eq!(reasons[0], "the page is not among its urls");
        assert_eq!(reasons[5], "consent does not allow automatic surveys");
        for (i, reason) in reasons.iter().enumerate() {
            assert!(!reason.is_empty() && !reasons[..i].contains(reason), "{reason}");
        }
    }

    #[test]
    fn urls_include_one_and_exclude_all() {
        let checkout = urls(&["/checkout/*", "/cart"], &["/checkout/done"]);
        assert!(checkout.matches("/checkout/pay"));
        assert!(checkout.matches("/cart"));
        assert!(checkout.matches("/checkout/pay?step=2#top"), "only the path counts");
        assert!(!checkout.matches("/checkout/done"));
        assert!(!checkout.matches("/checkout/done?x=1"));
        assert!(!checkout.matches("/cart/"));
        assert!(!checkout.matches("/"));
        let everywhere_but = urls(&[], &["/admin/*"]);
        assert!(everywhere_but.matches("/") && everywhere_but.matches("/p/1"));
        assert!(!everywhere_but.matches("/admin/users"));
        assert!(Urls::default().matches("/anything"));
    }

    #[test]
    fn sampling_is_sticky_independent_and_fair() {
        assert!(!sampled("v", "nps", 0));
        assert!(sampled("v", "nps", 100));
        let visitors: Vec<String> = (0..10_000).map(|i| format!("visitor-{i:05}")).collect();
        let inside = |id: &str, sample: u8| visitors.iter().filter(|v| sampled(v, id, sample)).count();
        let half = inside("nps", 50);
        assert!((4_700..=5_300).contains(&half), "{half} of 10,000 in a 50 % sample");
        let tenth = inside("csat", 10);
        assert!((800..=1_200).contains(&tenth), "{tenth} of 10,000 in a 10 % sample");
        for visitor in &visitors[..100] {
            assert_eq!(sampled(visitor, "nps", 50), sampled(visitor, "nps", 50), "sticky");
            assert!(
                !sampled(visitor, "nps", 30) || sampled(visitor, "nps", 60),
                "a larger sample keeps the smaller one's"
            );
        }
        let both = visitors.iter().filter(|v| sampled(v, "nps", 50) && sampled(v, "checkout_ces", 50)).count();
        assert!((2_200..=2_800).contains(&both), "{both}: independent between surveys, about a quarter");
        // The 0 byte keeps ("ab", "c") and ("a", "bc") apart.
        let split = |visitor: &str, id: &str| (1..100).filter(|&s| sampled(visitor, id, s)).count();
        assert_ne!(split("ab", "c"), split("a", "bc"));
    }

    #[test]
    fn the_hash_is_the_published_fnv1a() {
        assert_eq!(fnv1a("".bytes()), 0x811c_9dc5);
        assert_eq!(fnv1a("a".bytes()), 0xe40c_292c);
        assert_eq!(fnv1a("foobar".bytes()), 0xbf9c_f968);
        let cut = fnv1a("v\0nps".bytes()) % 100;
        assert!(!sampled("v", "nps", cut as u8) && sampled("v", "nps", cut as u8 + 1));
    }

    #[test]
    fn the_book_records_and_reads_back() {
        let mut book = Book::decode("");
        assert_eq!(book, Book::default());
        assert_eq!(book.seen("nps"), Seen::default());
        book.opened("nps", T);
        assert_eq!(book.seen("nps").open_until, Some(T + OPEN_LEASE_MS));
        book.dismissed("nps", T + 5);
        book.opened("checkout_ces", T + 6);
        book.answered("checkout_ces", T + 9);
        assert_eq!(
            book.seen("nps"),
            Seen { answered_at: None, dismissed_at: Some(T + 5), dismissals: 1, open_until: None }
        );
        assert_eq!(
            book.seen("checkout_ces"),
            Seen { answered_at: Some(T + 9), dismissed_at: None, dismissals: 0, open_until: None }
        );
        book.dismissed("nps", T + 10);
        assert_eq!(book.seen("nps").dismissals, 2);
        let text = book.encode();
        assert_eq!(text, "checkout_ces=1700000000009,,0,;nps=,1700000000010,2,");
        assert_eq!(Book::decode(&text), book);
        let odd = "a=b;c,d%e";
        book.opened(odd, -3);
        let text = book.encode();
        assert!(text.ends_with(";a%3Db%3Bc%2Cd%25e=,,0,1799997"), "{text}");
        assert_eq!(Book::decode(&text).seen(odd).open_until, Some(-3 + OPEN_LEASE_MS));
    }

    #[test]
    fn garbled_text_is_an_empty_book() {
        for garbled in [
            "nps",
            "nps=",
            "nps=1,2,3",
            "nps=1,2,3,4,5",
            "nps=x,,0,",
            "nps=,,,",
            "nps=,,-1,",
            "nps=,,4294967296,",
            "nps=1.5,,0,",
            "=,,0,",
            "n%3=,,0,",
            "n%41=,,0,",
            "nps=,,0,;nps=,,1,",
            "nps=,,0,;",
            "a\u{7}=,,0,",
            "{\"nps\":1}",
        ] {
            assert_eq!(Book::decode(garbled), Book::default(), "{garbled:?}");
        }
        assert_eq!(Book::decode("nps=-5,,4294967295,").seen("nps").dismissals, u32::MAX);
        let extremes = Book::decode("nps=-9223372036854775808,9223372036854775807,0,");
        assert_eq!(extremes.seen("nps").answered_at, Some(i64::MIN));
        assert_eq!(extremes.seen("nps").dismissed_at, Some(i64::MAX));
        for overflow in ["nps=9223372036854775808,,0,", "nps=-9223372036854775809,,0,", "nps=+1,,0,", "nps=-,,0,"] {
            assert_eq!(Book::decode(overflow), Book::default(), "{overflow}");
        }
    }

    #[test]
    fn the_book_forgets_the_survey_touched_longest_ago() {
        let mut book = Book::default();
        for i in 0..MAX_BOOK_ENTRIES {
            book.dismissed(&format!("s{i}"), T + i as i64);
        }
        book.opened("s0", T + 1_000);
        book.answered("new", T + 1_001);
        assert_eq!(book.seen("s1"), Seen::default(), "s1 was touched longest ago");
        assert_eq!(book.seen("s0").dismissals, 1, "s0 was touched again");
        assert_eq!(book.seen("new").answered_at, Some(T + 1_001));
        let text = book.encode();
        assert_eq!(text.split(';').count(), MAX_BOOK_ENTRIES);
        assert!(text.starts_with("s2="), "oldest first");
        assert_eq!(Book::decode(&text), book);
        let long = (0..MAX_BOOK_ENTRIES + 5).map(|i| format!("s{i}=,,1,")).collect::<Vec<_>>().join(";");
        let decoded = Book::decode(&long);
        assert_eq!(decoded.seen("s4"), Seen::default());
        assert_eq!(decoded.seen("s5").dismissals, 1);
        assert_eq!(decoded.encode().split(';').count(), MAX_BOOK_ENTRIES);
    }

    fn seen_strategy() -> impl Strategy<Value = Seen> {
        let time = proptest::option::of(any::<i64>());
        (time.clone(), time.clone(), any::<u32>(), time).prop_map(
            |(answered_at, dismissed_at, dismissals, open_until)| Seen {
                answered_at,
                dismissed_at,
                dismissals,
                open_until,
            },
        )
    }

    proptest! {
        #[test]
        fn any_book_round_trips(entries in proptest::collection::vec(("[^\\p{Cc}]{1,12}", seen_strategy()), 0..8)) {
            let mut book = Book::default();
            for (id, seen) in &entries {
                book.touch(id, |s| *s = *seen);
            }
            let text = book.encode();
            prop_assert_eq!(Book::decode(&text), book);
        }

        #[test]
        fn any_text_decodes_without_panic(text in "[a-z0-9=,;%-]{0,40}") {
            let book = Book::decode(&text);
            prop_assert_eq!(Book::decode(&book.encode()), book);
        }
    }

    #[test]
    fn targeting_checks_urls_then_sample_then_caps() {
        let open = targeting(Cap::default());
        assert_eq!(open.allows("s", "/checkout/pay", "v", Seen::default(), T), Ok(()));
        assert_eq!(open.allows("s", "/checkout/done", "v", Seen::default(), T), Err(Skip::Url));
        let visitor = (0..).map(|i| format!("v{i}")).find(|v| !sampled(v, "s", 50)).unwrap();
        let half = Targeting { sample: 50, ..open.clone() };
        assert_eq!(half.allows("s", "/checkout/pay", &visitor, Seen::default(), T), Err(Skip::Sample));
        assert_eq!(half.allows("s", "/", &visitor, Seen::default(), T), Err(Skip::Url), "urls first");
        let everything = Seen { answered_at: Some(T), dismissed_at: Some(T), dismissals: 9, open_until: Some(T + 1) };
        assert_eq!(
            open.allows("s", "/checkout/pay", "v", everything, T),
            Err(Skip::Answered),
            "answered before dismissed"
        );
        let dismissed_and_open = Seen { answered_at: None, ..everything };
        assert_eq!(open.allows("s", "/checkout/pay", "v", dismissed_and_open, T), Err(Skip::Dismissed));
        assert_eq!(
            Targeting { sample: 0, ..open }.allows("s", "/checkout/pay", "v", Seen::default(), T),
            Err(Skip::Sample)
        );
    }

    #[test]
    fn each_cap_holds_until_its_moment_and_not_a_ms_longer() {
        let path = "/checkout/pay";
        let days = targeting(Cap { days: Some(90), dismissals: 2 });
        let answered = Seen { answered_at: Some(T), ..Seen::default() };
        let back = T + 90 * 86_400_000;
        assert_eq!(days.allows("s", path, "v", answered, back - 1), Err(Skip::Answered));
        assert_eq!(days.allows("s", path, "v", answered, back), Ok(()));
        assert_eq!(days.allows("s", path, "v", answered, back + 1), Ok(()));
        let never = targeting(Cap::default());
        assert_eq!(
            never.allows("s", path, "v", answered, T + 3_650 * 86_400_000),
            Err(Skip::Answered),
            "days None: never again"
        );

        let once = Seen { dismissed_at: Some(T), dismissals: 1, ..Seen::default() };
        let back = T + DISMISSED_PAUSE_MS;
        assert_eq!(days.allows("s", path, "v", once, back - 1), Err(Skip::Dismissed));
        assert_eq!(days.allows("s", path, "v", once, back + 1), Ok(()));
        let twice = Seen { dismissals: 2, ..once };
        assert_eq!(
            days.allows("s", path, "v", twice, back + 1),
            Err(Skip::Dismissed),
            "cap.dismissals reached: never again"
        );
        let default_cap = Seen { dismissals: DEFAULT_DISMISSALS - 1, ..once };
        assert_eq!(never.allows("s", path, "v", default_cap, back + 1), Ok(()));
        let default_cap = Seen { dismissals: DEFAULT_DISMISSALS, ..once };
        assert_eq!(never.allows("s", path, "v", default_cap, back + 1), Err(Skip::Dismissed));

        let mut book = Book::default();
        book.opened("s", T);
        let until = T + OPEN_LEASE_MS;
        assert_eq!(days.allows("s", path, "v", book.seen("s"), until - 1), Err(Skip::OpenElsewhere));
        assert_eq!(days.allows("s", path, "v", book.seen("s"), until + 1), Ok(()), "a crashed tab frees it");
        book.answered("s", T + 1);
        assert_eq!(book.seen("s").open_until, None);
        assert_eq!(days.allows("s", path, "v", book.seen("s"), T + 2), Err(Skip::Answered));
    }
}

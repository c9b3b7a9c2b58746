//! The one redaction pass every captured string goes through before it is stored or sent:
//! URLs, titles, referrers, element text, error messages, free-text answers (decisions.md §19).
//! E-mail addresses, IBANs, payment card numbers, phone numbers and long runs of digits become
//! placeholders (`[email]`, `[iban]`, `[card]`, `[phone]`, `[digits]`); everything else is copied
//! as it is.
//!
//! The scanners are written by hand over bytes and chars: the `regex` crate would cost more
//! than the whole tracker's wasm budget (decisions.md §39). They use no Unicode tables either
//! (`char::is_alphanumeric` alone added 4.1 KB gzip to a probe module): "a letter" outside
//! ASCII is any character that is not in the common punctuation, space and symbol blocks
//! ([`is_word`]). This module and the two URL cleaners came to about 2.8 KB gzip in the same
//! probe (wasm-opt -Oz).
//!
//! **Precedence** when spans overlap: e-mail > IBAN > card > phone > digits. Each kind is
//! searched for only in the text the kinds before it left, so a number inside an address is part
//! of the address, an IBAN's digit groups are never taken for a card, a phone number or a run of
//! digits (`DE89 3704 0044 0532 0130 00` holds a Luhn-valid-looking `3704 0044 0532 0130`), and
//! a card is never cut into a phone number. Phone and digits spans cannot overlap
//! (a phone has at most 15 digits, and every group is a whole run of digits), so the digits
//! pass runs before the phone pass: that only lets a phone glued to a long run
//! (`…7890+49 30 1234567`) be found in one pass, as a second pass would find it.
//!
//! What survives on purpose (the near-misses the tests hold): dates (`2026-11-27`,
//! `27.11.2026`), versions and IP addresses (`10.0.19045`, `192.168.0.1`), prices and times
//! (`1,299.00`, `12:30`), years, ZIP codes, ISBNs, UUIDs, tracking numbers, and a plain run of
//! 13–19 digits that fails the Luhn check (an order number, decisions.md §31), and an IBAN-shaped
//! code whose mod-97 checksum fails.
//!
//! ```
//! use cxkit_domain::redact::{redact, Pii};
//!
//! let mut out = String::new();
//! let found = redact("Mail jane@example.com or call +44 20 7946 0958", &mut out);
//! assert_eq!(out, "Mail [email] or call [phone]");
//! assert_eq!((found.count(Pii::Email), found.count(Pii::Phone), found.total()), (1, 1, 2));
//! ```

use alloc::string::String;
use core::ops::{Add, AddAssign};

use crate::scan::split_at_byte;

/// A kind of personal data the pass replaces. Declared in order of precedence.
// A later kind (a site's own pattern) is one variant, its two names, its place in `ALL` and
// `SCAN`, and one arm in `find` with its matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pii {
    /// An e-mail address, `local@domain.tld`, also with the `@` percent-encoded (`%40`).
    Email,
    /// An IBAN (ISO 13616): country code, check digits and 11–30 letters and digits, compact or
    /// in groups of four, its mod-97 checksum verified.
    Iban,
    /// A payment card number: 13–19 digits passing the Luhn check.
    Card,
    /// A phone number: international (`+…`) or national with a phone's grouping.
    Phone,
    /// A run of 20 or more digits: longer than any card (account numbers, tokens).
    Digits,
    /// A match of one of the site's own patterns (the `redact` option), run as JS RegExp by
    /// the shell before the scanners (decisions.md §39): counted here, never found here.
    Custom,
}

impl Pii {
    /// Every kind, in order of precedence.
    pub const ALL: [Pii; 6] = [Pii::Email, Pii::Iban, Pii::Card, Pii::Phone, Pii::Digits, Pii::Custom];

    /// The text that replaces a span of this kind.
    pub fn placeholder(self) -> &'static str {
        match self {
            Pii::Email => "[email]",
            Pii::Iban => "[iban]",
            Pii::Card => "[card]",
            Pii::Phone => "[phone]",
            Pii::Digits => "[digits]",
            Pii::Custom => "[custom]",
        }
    }

    /// The kind's name in reports and counts (`status()`, the collector).
    pub fn id(self) -> &'static str {
        match self {
            Pii::Email => "email",
            Pii::Iban => "iban",
            Pii::Card => "card",
            Pii::Phone => "phone",
            Pii::Digits => "digits",
            Pii::Custom => "custom",
        }
    }
}

/// The order of the passes: [`Pii::ALL`] but for digits before phones (see the module notes).
const SCAN: [Pii; 5] = [Pii::Email, Pii::Iban, Pii::Card, Pii::Digits, Pii::Phone];

/// How many spans of each kind were replaced, so that what was removed can be counted without
/// keeping any of it. Add the counts of several strings with `+`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redactions([u32; Pii::ALL.len()]);

impl Redactions {
    /// Spans of `kind` replaced.
    pub fn count(&self, kind: Pii) -> u32 {
        self.0.get(kind as usize).copied().unwrap_or(0)
    }

    /// Spans replaced, all kinds together.
    pub fn total(&self) -> u32 {
        self.0.iter().fold(0, |sum, &n| sum.saturating_add(n))
    }

    fn note(&mut self, kind: Pii) {
        self.add(kind, 1);
    }

    /// Counts `n` more spans of `kind` (the site's patterns report theirs from JS).
    pub fn add(&mut self, kind: Pii, n: u32) {
        if let Some(count) = self.0.get_mut(kind as usize) {
            *count = count.saturating_add(n);
        }
    }
}

impl AddAssign for Redactions {
    fn add_assign(&mut self, other: Redactions) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            *mine = mine.saturating_add(*theirs);
        }
    }
}

impl Add for Redactions {
    type Output = Redactions;

    fn add(mut self, other: Redactions) -> Redactions {
        self += other;
        self
    }
}

/// Appends `text` to `out` with every e-mail address, IBAN, card number, phone number and run of
/// 20+ digits replaced by its placeholder, and says how many of each. Text without any is copied
/// once, with no allocation of its own. Linear in the length of `text`; never panics.
///
/// Redacting the output again changes nothing: placeholders hold no digits and no `@`, and a
/// span's edges are judged the same next to a placeholder as next to the span it replaced.
pub fn redact(text: &str, out: &mut String) -> Redactions {
    let mut found = Redactions::default();
    pass(text, &SCAN, out, &mut found);
    found
}

/// Replaces the spans of `kinds[0]` in `text`, handing the text between them to the next kind.
fn pass(text: &str, kinds: &[Pii], out: &mut String, found: &mut Redactions) {
    let Some((&kind, later)) = kinds.split_first() else {
        out.push_str(text);
        return;
    };
    let mut rest = text;
    // `find` looks at `rest` alone: the end of a span is a boundary for the next one, as its
    // placeholder will be.
    while let Some((start, end)) = find(kind, rest) {
        pass(rest.get(..start).unwrap_or(""), later, out, found);
        out.push_str(kind.placeholder());
        found.note(kind);
        rest = rest.get(end..).unwrap_or("");
    }
    pass(rest, later, out, found);
}

/// The first span of `kind` in `text`, as byte offsets on char boundaries, never empty.
fn find(kind: Pii, text: &str) -> Option<(usize, usize)> {
    match kind {
        Pii::Email => email(text),
        Pii::Iban => iban(text),
        Pii::Card => number(text, card),
        Pii::Phone => number(text, phone),
        Pii::Digits => number(text, digits),
        Pii::Custom => None,
    }
}

// ---- E-mail ----

/// Longest local part taken (RFC 5321's limit): it keeps the backward scan of each `@` short.
const MAX_LOCAL_CHARS: usize = 64;

/// The first e-mail address, found from its `@` or a URL's `%40`: the local part runs back from
/// it, the domain forward. An `@` without both (`@handle`, `user@localhost`) is text.
fn email(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let at_len = match b {
            b'@' => 1,
            b'%' if bytes.get(i + 1..i + 3) == Some(&b"40"[..]) => 3,
            _ => 0,
        };
        if at_len > 0 {
            if let (Some(start), Some(end)) = (local_start(text, i), domain_end(text, i + at_len)) {
                return Some((start, end));
            }
            i += at_len;
        } else {
            i += 1;
        }
    }
    None
}

/// Whether `c` is a letter or digit of any script, by the cheap rule of the module notes.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && !is_mark(c))
}

/// Non-ASCII characters that separate words rather than spell them: Latin-1 punctuation and
/// no-break space, general punctuation (spaces, dashes, quotes, direction marks, joiners),
/// arrows and other symbols, CJK and full-width punctuation, Arabic and Hebrew punctuation,
/// variation selectors, emoji.
pub(crate) fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{BF}'
        | '\u{5BE}' | '\u{5C0}' | '\u{5C3}' | '\u{5F3}'..='\u{5F4}'
        | '\u{60C}'..='\u{60D}' | '\u{61B}'..='\u{61F}' | '\u{66A}'..='\u{66D}' | '\u{6D4}'
        | '\u{2000}'..='\u{2BFF}'
        | '\u{3000}'..='\u{303F}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FF00}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}'
        | '\u{1F000}'..='\u{1FAFF}')
}

/// Whether `c` may be in a local part: RFC 5322's atext, but for `/ ? = & #`, which delimit
/// URLs and in practice stand next to an address far more often than inside one
/// (`/users/jane@example.com`, `?to=jane@example.com`).
fn is_local(c: char) -> bool {
    is_word(c) || matches!(c, '.' | '!' | '$' | '%' | '\'' | '*' | '+' | '-' | '^' | '_' | '`' | '{' | '|' | '}' | '~')
}

/// Where the local part before the `@` at `at` starts: up to 64 local characters back, from
/// the first letter or digit among them (`'jane@…'` keeps its quote). `None` when empty.
fn local_start(text: &str, at: usize) -> Option<usize> {
    let mut start = None;
    for (i, c) in text.get(..at)?.char_indices().rev().take(MAX_LOCAL_CHARS) {
        if !is_local(c) {
            break;
        }
        if is_word(c) {
            start = Some(i);
        }
    }
    start
}

/// Where the domain starting at `from` ends: dot-separated labels of letters, digits and
/// hyphens, at least two, ending after the leading letters of the last label that starts with
/// two or more of them: the top-level domain. `jane@example.com.` ends before the final dot,
/// `jane@example.com2026` before the digits; `user@localhost` has no end.
///
/// (The top-level domain stops at its first digit so that a later pass cannot change it: a
/// number span starts with a digit, `+` or `(`, so its placeholder can shorten a label but never
/// its leading letters, and a second pass finds the same addresses.)
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    let (mut end, mut labels, mut len, mut letters, mut letters_end) = (None, 0, 0, 0, 0);
    // A NUL after the last char closes the last label like any other separator (and ends the
    // loop: it is neither part of a label nor a dot). Not `chain`: its adapter would ship.
    let mut chars = rest.char_indices();
    loop {
        let (i, c) = chars.next().unwrap_or((rest.len(), '\0'));
        if is_word(c) || c == '-' {
            if len == letters && c != '-' && !c.is_ascii_digit() {
                (letters, letters_end) = (letters + 1, i + c.len_utf8());
            }
            len += 1;
            continue;
        }
        if len == 0 {
            break;
        }
        labels += 1;
        if labels >= 2 && letters >= 2 {
            end = Some(from + letters_end);
        }
        if c != '.' {
            break;
        }
        (len, letters) = (0, 0);
    }
    end
}

// ---- IBAN ----

/// Shortest and longest IBAN, country code and check digits included (ISO 13616: Norway has 15,
/// Russia 33; the standard allows 34).
const IBAN_LEN: core::ops::RangeInclusive<usize> = 15..=34;

/// The first IBAN: two letters of one case (the country) and two digits, not glued to an ASCII
/// letter or digit before them, then letters and digits, either in one run or in groups of four
/// joined by single spaces (the last group 1–4), 15–34 in all, where no ASCII letter or digit
/// follows, and whose checksum holds: moved to the end, with letters as 10–35, the whole number
/// is 1 mod 97. The longest such span. Letters of either case: a visitor types `de89 …`.
fn iban(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut prev = b' ';
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphabetic() && !prev.is_ascii_alphanumeric() {
            if let Some(end) = iban_at(bytes, i) {
                return Some((i, end));
            }
        }
        prev = b;
    }
    None
}

/// The end of the IBAN starting at `i`, if one does (see [`iban`]).
fn iban_at(bytes: &[u8], start: usize) -> Option<usize> {
    let head = bytes.get(start..start + 4)?;
    let &[a, b, c, d] = head else { return None };
    let country =
        a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && a.is_ascii_uppercase() == b.is_ascii_uppercase();
    if !country || !c.is_ascii_digit() || !d.is_ascii_digit() {
        return None;
    }
    // The remainder mod 97 of the basic account number read so far (ISO 7064 MOD 97-10, one
    // character at a time: no big integers).
    let (mut rest, mut len, mut i, mut best) = (0u32, 4, start + 4, None);
    let grouped = bytes.get(i) == Some(&b' ');
    loop {
        i += usize::from(grouped);
        let from = i;
        while let Some(&c) = bytes.get(i).filter(|c| c.is_ascii_alphanumeric()) {
            rest = mod97(rest, c);
            i += 1;
        }
        let run = i - from;
        len += run;
        if run == 0 || len > *IBAN_LEN.end() || (grouped && run > 4) {
            return best;
        }
        if IBAN_LEN.contains(&len) && head.iter().fold(rest, |r, &c| mod97(r, c)) == 1 {
            best = Some(i);
        }
        if !grouped || run < 4 || bytes.get(i) != Some(&b' ') {
            return best;
        }
    }
}

/// `rest` with the character `c` appended to the number: a digit, or a letter as 10–35.
fn mod97(rest: u32, c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (rest * 10 + u32::from(c - b'0')) % 97,
        _ => (rest * 100 + u32::from(c.to_ascii_uppercase() - b'A') + 10) % 97,
    }
}

// ---- Numbers ----

/// A matcher of one kind of number: the end of the span it accepts starting at byte `i`.
type Matcher = fn(&[u8], usize) -> Option<usize>;

/// The first span `matcher` accepts at a place where a number may start: a digit, `+` or `(`
/// that is not glued to an ASCII letter or digit before it (`1Z999AA10123456784`, the hex of a
/// UUID), and no digit right after a `.` (the fraction of `0.30000000000000004`, the parts of
/// `192.168.0.1`). Non-ASCII letters do not glue: Chinese or Arabic text runs into numbers
/// without a space. Matchers end a span only where no ASCII letter or digit follows.
fn number(text: &str, matcher: Matcher) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut prev = b' ';
    for (i, &b) in bytes.iter().enumerate() {
        let starts = match b {
            b'0'..=b'9' => prev != b'.',
            b'+' | b'(' => true,
            _ => false,
        };
        if starts && !prev.is_ascii_alphanumeric() {
            if let Some(end) = matcher(bytes, i) {
                return Some((i, end));
            }
        }
        prev = b;
    }
    None
}

fn is_digit(bytes: &[u8], i: usize) -> bool {
    bytes.get(i).is_some_and(u8::is_ascii_digit)
}

/// Whether a span may end at `i`: no ASCII letter or digit follows.
fn ends_clean(bytes: &[u8], i: usize) -> bool {
    !bytes.get(i).is_some_and(u8::is_ascii_alphanumeric)
}

/// A card number: 13–19 digits passing the Luhn check, in one run or in groups of 4–6 digits
/// (the last 1–6) joined by single spaces or hyphens (`4111 1111 1111 1111`,
/// `3782 822463 10005`), starting with 2–6, the payment cards' major industry identifiers
/// (0 is not issued; 1, 7, 8, 9 are airline, fuel, health and national cards; it keeps 13- and
/// 16-digit epoch timestamps in ms and µs, which start with 1 until 2033, out), and not right
/// after a `+`, which makes it a phone number (`+4915112345678` passes Luhn). The longest.
fn card(bytes: &[u8], mut i: usize) -> Option<usize> {
    if !matches!(bytes.get(i), Some(b'2'..=b'6')) || bytes.get(i.wrapping_sub(1)) == Some(&b'+') {
        return None;
    }
    // Luhn sums of the digits so far, with the last one as the check digit (`sum`), or with it
    // doubled, as it will be once another digit follows (`doubled`).
    let (mut sum, mut doubled, mut digits, mut groups, mut best) = (0u32, 0u32, 0, 0, None);
    loop {
        let start = i;
        while let Some(d) = bytes.get(i).filter(|b| b.is_ascii_digit()).map(|b| u32::from(b - b'0')) {
            (sum, doubled) = (doubled + d, sum + if d < 5 { 2 * d } else { 2 * d - 9 });
            digits += 1;
            i += 1;
            if digits > 19 {
                return best;
            }
        }
        let len = i - start;
        groups += 1;
        if digits >= 13 && sum % 10 == 0 && (groups == 1 || len <= 6) && ends_clean(bytes, i) {
            best = Some(i);
        }
        if !(4..=6).contains(&len) || !matches!(bytes.get(i), Some(b' ' | b'-')) || !is_digit(bytes, i + 1) {
            return best;
        }
        i += 1;
    }
}

/// Fewest digits of a national number (without `+`): Belgian and Israeli landlines have 9
/// (`02 123 45 67`, `03-123-4567`); dates have at most 8.
const MIN_NATIONAL_DIGITS: usize = 9;
/// Fewest digits after a `+`.
const MIN_INTERNATIONAL_DIGITS: usize = 7;
/// Most digits of any phone number (E.164).
const MAX_PHONE_DIGITS: usize = 15;

/// A phone number: groups of digits joined by single spaces, hyphens or dots, with at most one
/// group in parentheses, first or after the country code (`(555) 123-4567`, `+49 (0)30
/// 1234567`). The longest span that is
///
/// - international: `+` and 7–15 digits, grouped in any of these ways (`+44 20 7946 0958`);
/// - national, 9–15 digits, and grouped as a phone number is:
///   - starting with a group in parentheses (`(555) 123-4567`), or else, with one separator
///     throughout,
///   - NANP: groups of 3-3-4 or 1-3-3-4 (`555.123.4567`, `1-800-555-1234`), or
///   - trunk prefix: a first digit 0, no group shorter than 2 digits, and three or more groups
///     (`06 12 34 56 78`, `03-123-4567`) or two with 10 or more digits (`030 1234567`,
///     `0171-1234567`; not the ZIP+4 code `02134-1234`).
///
/// A bare run of digits is never a phone number here: without `+` or grouping it cannot be
/// told from an order number. Nor is a part of a longer grouped number: a national number
/// neither continues a group of 4 or more digits (`9400 1000 0000 0000 0000 00`, a tracking
/// number, holds no `0000 0000 00`) nor is the start of a run grouped the same way throughout
/// past 15 digits (`0000 0000 0000 0000`).
fn phone(bytes: &[u8], mut i: usize) -> Option<usize> {
    let plus = bytes.get(i) == Some(&b'+');
    // Phones are the last pass, so the bytes before `i` are never another kind's span: looking
    // back sees what a second pass would see.
    let tail = i.checked_sub(5).and_then(|from| bytes.get(from..i)).is_some_and(
        |before| matches!(before, [a, b, c, d, b' ' | b'-' | b'.'] if [a, b, c, d].iter().all(|x| x.is_ascii_digit())),
    );
    if tail && !plus {
        return None;
    }
    i += usize::from(plus);
    let (mut digits, mut groups, mut shape, mut best) = (0, 0, 0u64, None);
    // An area code in parentheses comes first: `(555) 123-4567`, `(030) 1234567`.
    let area = bytes.get(i) == Some(&b'(');
    let (mut trunk, mut paren, mut sep, mut mixed) = (bytes.get(i) == Some(&b'0'), false, 0u8, false);
    loop {
        let open = bytes.get(i) == Some(&b'(') && !paren;
        i += usize::from(open);
        let start = i;
        while is_digit(bytes, i) && digits + i - start <= MAX_PHONE_DIGITS {
            i += 1;
        }
        let len = i - start;
        digits += len;
        if digits > MAX_PHONE_DIGITS && !plus && !paren && !mixed {
            return None;
        }
        if len == 0 || digits > MAX_PHONE_DIGITS || (open && bytes.get(i) != Some(&b')')) {
            return best;
        }
        i += usize::from(open);
        paren |= open;
        groups += 1;
        // Group lengths as decimal digits: 3-3-4 is 334. At most 15 groups of 1–9: fits.
        shape = shape * 10 + len.min(9) as u64;
        trunk &= len >= 2;
        let national = digits >= MIN_NATIONAL_DIGITS
            && (area
                || (!mixed
                    && (matches!(shape, 334 | 1334)
                        || (trunk && groups >= 2 && (groups >= 3 || digits > MIN_NATIONAL_DIGITS)))));
        if (if plus { digits >= MIN_INTERNATIONAL_DIGITS } else { national }) && ends_clean(bytes, i) {
            best = Some(i);
        }
        match (bytes.get(i).copied(), bytes.get(i + 1)) {
            (Some(c @ (b' ' | b'-' | b'.')), Some(next))
                if next.is_ascii_digit() || (*next == b'(' && plus && !paren) =>
            {
                mixed |= sep != 0 && sep != c;
                sep = c;
                i += 1;
            }
            // `(0)30`: a closing parenthesis is separator enough.
            (Some(b'0'..=b'9'), _) if open => {}
            _ => return best,
        }
    }
}

/// A run of 20 or more digits: longer than any card number.
fn digits(bytes: &[u8], i: usize) -> Option<usize> {
    let end = i + bytes.get(i..)?.iter().take_while(|b| b.is_ascii_digit()).count();
    (end - i >= 20 && ends_clean(bytes, end)).then_some(end)
}

// ---- URLs ----

/// An absolute URL cut where cxkit cuts it, the fragment already gone.
struct Url<'a> {
    /// `https://`, or empty when the text does not start with a `scheme://`.
    scheme: &'a str,
    /// The host and port (without user info), then the path: one piece of the input.
    host_path: &'a str,
    /// Where the path starts in `host_path`.
    path_at: usize,
    /// The query, without its `?`, if there is one.
    query: Option<&'a str>,
}

impl<'a> Url<'a> {
    /// Cuts `url`. Anything that does not start with `scheme://` is all path, so that it is
    /// kept redacted, without its query (but for allowed parameters) and fragment.
    fn cut(url: &'a str) -> Url<'a> {
        let (url, _fragment) = split_at_byte(url, b'#');
        let (url, query) = split_at_byte(url, b'?');
        // RFC 3986: a letter, then letters, digits, `+`, `-` or `.`; then `://`.
        let bytes = url.as_bytes();
        let name = bytes.iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')).count();
        let scheme_len =
            if bytes.first().is_some_and(u8::is_ascii_alphabetic) && bytes.get(name..name + 3) == Some(&b"://"[..]) {
                name + 3
            } else {
                0
            };
        let (scheme, rest) = url.split_at_checked(scheme_len).unwrap_or(("", url));
        if scheme.is_empty() {
            return Url { scheme, host_path: rest, path_at: 0, query };
        }
        let host_end = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
        // `user:password@` names someone; the origin is what follows it.
        let host_start = rest.as_bytes().get(..host_end).and_then(|host| host.iter().rposition(|&b| b == b'@'));
        let host_start = host_start.map_or(0, |at| at + 1);
        Url { scheme, host_path: rest.get(host_start..).unwrap_or(""), path_at: host_end - host_start, query }
    }
}

/// Appends what a page view keeps of `url` (`location.href`): the path and the query
/// parameters named in `allowed_query` (exact, case-sensitive names, in their original order),
/// redacted: `https://shop.example/users/jane@example.com/orders?plan=pro&token=x#top` with
/// `["plan"]` gives `/users/[email]/orders?plan=pro`. The fragment is always dropped; a URL
/// with an empty path gives `/`. Never panics; a text that is not `scheme://…` is kept as a
/// path, redacted.
pub fn clean_url<Q: AsRef<str>>(url: &str, allowed_query: &[Q], out: &mut String) -> Redactions {
    let url = Url::cut(url);
    let path = url.host_path.get(url.path_at..).unwrap_or("");
    let mut found = Redactions::default();
    if path.is_empty() && !url.scheme.is_empty() {
        out.push('/');
    } else {
        found += redact(path, out);
    }
    let (mut sep, mut rest) = ('?', url.query);
    while let Some(query) = rest {
        let (param, next) = split_at_byte(query, b'&');
        rest = next;
        let name = split_at_byte(param, b'=').0;
        if allowed_query.iter().any(|allowed| allowed.as_ref() == name) {
            out.push(sep);
            sep = '&';
            // A query or path cannot join a span across `?`, `&` or `=`: each piece is redacted
            // alone, as the whole would be.
            found += redact(param, out);
        }
    }
    found
}

/// Appends what a referrer keeps of `url` (`document.referrer`): origin and path, redacted,
/// without user info, query or fragment: `https://www.google.com/search?q=…` gives
/// `https://www.google.com/search`. Never panics; a text that is not `scheme://…` is kept,
/// redacted, up to its `?` or `#`.
pub fn clean_referrer(url: &str, out: &mut String) -> Redactions {
    let url = Url::cut(url);
    out.push_str(url.scheme);
    redact(url.host_path, out)
}

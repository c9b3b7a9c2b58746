//! Byte scans for ASCII delimiters: what `str::split`, `split_once` and `find` do with a `char`
//! or `&str` pattern, without the pattern searchers those bring into the wasm (each pattern
//! type its own: the two-way string searcher alone was 0.6 KB gzip of the core). The text is
//! cut only next to an ASCII byte, so every piece is a `str` on character boundaries.

/// `s` cut at its first `delimiter` (ASCII): what is before, and what is after if it is there.
pub fn split_at_byte(s: &str, delimiter: u8) -> (&str, Option<&str>) {
    match s.bytes().position(|b| b == delimiter) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..)),
        None => (s, None),
    }
}

/// `s.split_once(delimiter)` for an ASCII delimiter.
pub fn split_once(s: &str, delimiter: u8) -> Option<(&str, &str)> {
    match split_at_byte(s, delimiter) {
        (before, Some(after)) => Some((before, after)),
        (_, None) => None,
    }
}

/// `s.split(delimiter)` for an ASCII delimiter: the pieces between delimiters, empty ones
/// included (`"a..b"` gives `a`, ``, `b`; `""` gives one empty piece).
pub fn split(s: &str, delimiter: u8) -> Split<'_> {
    Split { rest: Some(s), delimiter }
}

/// The iterator of [`split`].
#[derive(Debug, Clone)]
pub struct Split<'a> {
    rest: Option<&'a str>,
    delimiter: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (piece, rest) = split_at_byte(self.rest?, self.delimiter);
        self.rest = rest;
        Some(piece)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scans_agree_with_the_str_methods() {
        for s in ["", ".", "a", "a.b", "a..b", ".a.", "é.€.😀", "no delimiter"] {
            assert_eq!(split(s, b'.').collect::<Vec<_>>(), s.split('.').collect::<Vec<_>>(), "{s}");
            assert_eq!(split_once(s, b'.'), s.split_once('.'), "{s}");
        }
    }
}

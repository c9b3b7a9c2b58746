//! A small JSON reader and writer, so the wasm build carries no serde_json.
//!
//! Why hand-written: serde_json with its float formatting costs ~20 KiB gzip in the browser
//! (decisions.md, "Size"). Numbers are kept as their validated source text ([`Value::Number`]),
//! so neither the reader nor the writer ever parses or prints a float: JavaScript prints the
//! numbers, we copy them. Host tests check this module against serde_json as an oracle
//! (`tests/properties`: generated documents, broken ones, round trips).
//!
//! The reader means to accept exactly what serde_json accepts, with the same values, but for
//! three differences, each on purpose:
//! - nesting deeper than [`MAX_PARSE_DEPTH`] (64) is refused; serde_json allows up to 127;
//! - a lone surrogate escape (`"\ud800"`) reads as U+FFFD; serde_json refuses the text.
//!   `JSON.stringify` writes one for a lone UTF-16 unit of a page's string, and one such
//!   character must not cost a whole buffer;
//! - a number beyond f64's range (`1e400`) is kept, as text like every number; serde_json
//!   refuses it. The grammar allows it and nothing here reads it as a float.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// Deepest nesting the reader accepts: a guard against hostile input exhausting the stack.
/// Event properties have their own, tighter limit (`event::MAX_DEPTH`).
pub const MAX_PARSE_DEPTH: usize = 64;

/// A parsed JSON value. Objects keep their key order, which the wire format relies on.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as its validated JSON text (e.g. `-1.5e3`).
    Number(Box<str>),
    /// A string, unescaped. Lone surrogates become U+FFFD.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in source order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object (the first, if repeated), or `None`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an integer, if it is a number written without fraction or exponent.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(text) => parse_integer(text),
            _ => None,
        }
    }

    /// The array's items, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

/// Parses a plain integer (`-12`, `0`), rejecting fractions, exponents and overflow.
pub fn parse_integer(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    Some(if negative { -magnitude } else { magnitude })
}

/// Why a text is not JSON, and the byte offset where the reader noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset into the input.
    pub offset: usize,
    /// What was wrong there.
    pub kind: JsonErrorKind,
}

/// The kinds of [`JsonError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonErrorKind {
    /// The text ended inside a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedCharacter,
    /// A number that does not follow the JSON grammar.
    InvalidNumber,
    /// A bad escape or a raw control character inside a string.
    InvalidString,
    /// Nesting deeper than [`MAX_PARSE_DEPTH`].
    TooDeep,
    /// Something other than white space after the value.
    TrailingCharacters,
}

impl JsonErrorKind {
    /// A short English description, for error messages.
    pub fn message(self) -> &'static str {
        match self {
            JsonErrorKind::UnexpectedEnd => "unexpected end of JSON",
            JsonErrorKind::UnexpectedCharacter => "unexpected character in JSON",
            JsonErrorKind::InvalidNumber => "invalid number in JSON",
            JsonErrorKind::InvalidString => "invalid string in JSON",
            JsonErrorKind::TooDeep => "JSON nested too deeply",
            JsonErrorKind::TrailingCharacters => "characters after the JSON value",
        }
    }
}

/// The facts about a JSON value that size limits are about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Nesting of containers: 0 for a scalar, 1 for `{}` or `[1]`, 2 for `[[1]]`.
    pub depth: usize,
    /// The longest string or object key inside, in Unicode scalar values.
    pub longest_string: usize,
}

impl Measure {
    fn string(chars: usize) -> Measure {
        Measure { depth: 0, longest_string: chars }
    }

    /// Folds in a value one container level further in.
    fn contain(&mut self, inner: Measure) {
        self.depth = self.depth.max(inner.depth + 1);
        self.longest_string = self.longest_string.max(inner.longest_string);
    }
}

/// Measures a parsed value; agrees with what [`Reader::raw_value`] measures on its text.
pub fn measure(value: &Value) -> Measure {
    match value {
        Value::String(s) => Measure::string(char_count(s)),
        Value::Array(items) => items.iter().fold(Measure { depth: 1, longest_string: 0 }, |mut m, item| {
            m.contain(measure(item));
            m
        }),
        Value::Object(members) => measure_members(members),
        Value::Null | Value::Bool(_) | Value::Number(_) => Measure::default(),
    }
}

/// Whether `byte` starts a UTF-8 character (is not a continuation byte, `10xxxxxx`).
fn starts_char(byte: u8) -> bool {
    byte & 0xC0 != 0x80
}

/// The number of Unicode scalar values in `s`, by counting first bytes: the same count as
/// `chars().count()`, without the 0.9 KB that function costs the wasm.
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|&b| starts_char(b)).count()
}

/// Measures an object given as its members.
pub fn measure_members(members: &[(String, Value)]) -> Measure {
    members.iter().fold(Measure { depth: 1, longest_string: 0 }, |mut m, (key, item)| {
        m.contain(measure(item));
        m.longest_string = m.longest_string.max(char_count(key));
        m
    })
}

/// Reads a JSON object as its members, each value left as its JSON text: for readers that
/// look at a few known keys (the config) without building a [`Value`] tree. `Ok(None)` when
/// the text is JSON but not an object.
pub fn object_members(text: &str) -> Result<Option<Vec<(String, &str)>>, JsonError> {
    let mut reader = Reader::new(text);
    if reader.peek()? != b'{' {
        reader.raw_value()?;
        reader.end()?;
        return Ok(None);
    }
    reader.expect(b'{')?;
    let mut members = Vec::new();
    if !reader.eat(b'}')? {
        loop {
            let key = reader.string()?;
            reader.expect(b':')?;
            members.push((key, reader.raw_value()?.0));
            if !reader.more(b'}')? {
                break;
            }
        }
    }
    reader.end()?;
    Ok(Some(members))
}

/// Reads a JSON array as its items, each left as its JSON text, checking the whole text as
/// [`parse`] does (nesting counted from the array): for readers that walk a known shape (the
/// tracker's raw entries, list options) without building a [`Value`] tree. `None` when the
/// text is not JSON or not an array.
pub fn array_items(text: &str) -> Option<Vec<&str>> {
    let mut reader = Reader::new(text);
    if reader.peek().ok()? != b'[' {
        return None;
    }
    let mut items = Vec::new();
    let _: Skipped = reader
        .container(1, b']', |reader| loop {
            reader.skip_space();
            let start = reader.pos;
            reader.skip(1)?;
            items.push(reader.text_from(start));
            if !reader.more(b']')? {
                return Ok(Skipped);
            }
        })
        .ok()?;
    reader.end().ok()?;
    Some(items)
}

/// The value of member `key` (the first, if repeated) among an object's members as
/// [`object_members`] gives them.
pub fn member<'t>(members: &[(String, &'t str)], key: &str) -> Option<&'t str> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

/// Whether `text`, a JSON value's text, is a number.
pub fn is_number(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'-' | b'0'..=b'9'))
}

/// The string a JSON string literal holds, or `None` for any other JSON text.
pub fn string_of(text: &str) -> Option<String> {
    let mut reader = Reader::new(text);
    let value = reader.string().ok()?;
    reader.end().ok().map(|()| value)
}

/// Parses one JSON value, surrounded by optional white space.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut reader = Reader::new(text);
    let value = reader.value(0)?;
    reader.end()?;
    Ok(value)
}

/// A cursor over JSON text, for readers that walk a known structure without building a
/// [`Value`] for all of it (`event::read_buffer`).
pub struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

// Slicing goes through `get`: an index panic would pull `core::fmt`'s `Debug` for `str` and
// the Unicode printing tables into the wasm (several KiB), for a case that cannot happen here.
impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader { bytes: text.as_bytes(), text, pos: 0 }
    }

    /// The bytes not read yet.
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// The text from `start` to the current position, which always sit on character boundaries.
    fn text_from(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or_default()
    }

    fn error(&self, kind: JsonErrorKind) -> JsonError {
        JsonError { offset: self.pos, kind }
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte that is not white space, without consuming it.
    pub fn peek(&mut self) -> Result<u8, JsonError> {
        self.skip_space();
        self.bytes.get(self.pos).copied().ok_or_else(|| self.error(JsonErrorKind::UnexpectedEnd))
    }

    /// Consumes `byte` if it comes next (after white space).
    pub fn eat(&mut self, byte: u8) -> Result<bool, JsonError> {
        let found = self.peek()? == byte;
        if found {
            self.pos += 1;
        }
        Ok(found)
    }

    /// Consumes `byte`, which must come next.
    pub fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.eat(byte)? {
            Ok(())
        } else {
            Err(self.error(JsonErrorKind::UnexpectedCharacter))
        }
    }

    /// After the items of an array or object: `,` (more follow, `true`) or `close` (`false`).
    pub fn more(&mut self, close: u8) -> Result<bool, JsonError> {
        if self.eat(b',')? {
            Ok(true)
        } else {
            self.expect(close).map(|()| false)
        }
    }

    /// Checks that only white space is left.
    pub fn end(&mut self) -> Result<(), JsonError> {
        self.skip_space();
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error(JsonErrorKind::TrailingCharacters))
        }
    }

    fn expect_literal(&mut self, literal: &str) -> Result<(), JsonError> {
        if self.rest().starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(())
        } else {
            Err(self.error(JsonErrorKind::UnexpectedCharacter))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek()? {
            b'{' => self.container(depth + 1, b'}', |reader| {
                let mut members = Vec::new();
                loop {
                    let key = reader.string()?;
                    reader.expect(b':')?;
                    members.push((key, reader.value(depth + 1)?));
                    if !reader.more(b'}')? {
                        return Ok(Value::Object(members));
                    }
                }
            }),
            b'[' => self.container(depth + 1, b']', |reader| {
                let mut items = Vec::new();
                loop {
                    items.push(reader.value(depth + 1)?);
                    if !reader.more(b']')? {
                        return Ok(Value::Array(items));
                    }
                }
            }),
            b'"' => self.string().map(Value::String),
            b'-' | b'0'..=b'9' => self.number().map(|text| Value::Number(text.into())),
            _ => self.literal(),
        }
    }

    fn literal(&mut self) -> Result<Value, JsonError> {
        Ok(match self.skip_literal()? {
            b't' => Value::Bool(true),
            b'f' => Value::Bool(false),
            _ => Value::Null,
        })
    }

    /// Reads `true`, `false` or `null`, and returns its first byte. (No [`Value`]: skipping
    /// one would carry the drop of a whole tree into readers that build none.)
    fn skip_literal(&mut self) -> Result<u8, JsonError> {
        let first = self.peek()?;
        let text = match first {
            b't' => "true",
            b'f' => "false",
            b'n' => "null",
            _ => return Err(self.error(JsonErrorKind::UnexpectedCharacter)),
        };
        self.expect_literal(text).map(|()| first)
    }

    /// Opens a container, returns its empty form at once, or reads its items with `items`.
    fn container<T>(
        &mut self,
        depth: usize,
        close: u8,
        items: impl FnOnce(&mut Self) -> Result<T, JsonError>,
    ) -> Result<T, JsonError>
    where
        T: From<Empty>,
    {
        if depth > MAX_PARSE_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.pos += 1;
        if self.eat(close)? {
            return Ok(T::from(Empty(close)));
        }
        items(self)
    }

    /// Skips one value, checking its grammar, and returns its text and [`Measure`].
    pub fn raw_value(&mut self) -> Result<(&'a str, Measure), JsonError> {
        self.skip_space();
        let start = self.pos;
        let measure = self.skip(0)?;
        Ok((self.text_from(start), measure))
    }

    fn skip(&mut self, depth: usize) -> Result<Measure, JsonError> {
        let mut measure = Measure { depth: 1, longest_string: 0 };
        match self.peek()? {
            b'{' => {
                let _: Skipped = self.container(depth + 1, b'}', |reader| loop {
                    let (_, key_chars) = reader.raw_string()?;
                    measure.longest_string = measure.longest_string.max(key_chars);
                    reader.expect(b':')?;
                    measure.contain(reader.skip(depth + 1)?);
                    if !reader.more(b'}')? {
                        return Ok(Skipped);
                    }
                })?;
                Ok(measure)
            }
            b'[' => {
                let _: Skipped = self.container(depth + 1, b']', |reader| loop {
                    measure.contain(reader.skip(depth + 1)?);
                    if !reader.more(b']')? {
                        return Ok(Skipped);
                    }
                })?;
                Ok(measure)
            }
            b'"' => self.raw_string().map(|(_, chars)| Measure::string(chars)),
            b'-' | b'0'..=b'9' => self.number().map(|_| Measure::default()),
            _ => self.skip_literal().map(|_| Measure::default()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads a number and returns its text.
    pub fn number(&mut self) -> Result<&'a str, JsonError> {
        self.skip_space();
        let start = self.pos;
        let invalid = |reader: &Self| reader.error(JsonErrorKind::InvalidNumber);
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(invalid(self)),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(invalid(self));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(invalid(self));
            }
        }
        Ok(self.text_from(start))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or_else(|| self.error(JsonErrorKind::InvalidString))?;
        let mut code = 0u32;
        for &b in digits {
            let nibble = (b as char).to_digit(16).ok_or_else(|| self.error(JsonErrorKind::InvalidString))?;
            code = code * 16 + nibble;
        }
        self.pos += 4;
        Ok(code)
    }

    /// Reads `\uXXXX` (the backslash and `u` already read) and, for a high surrogate, the low
    /// surrogate escape that follows it. Lone surrogates become U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.rest().starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            self.pos = save;
        }
        Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// Reads a string, calling `escaped(offset, length, char)` for each escape, and returns its
    /// quoted text and its length in characters. The one grammar check for strings.
    fn scan_string(&mut self, mut escaped: impl FnMut(usize, usize, char)) -> Result<(&'a str, usize), JsonError> {
        if self.peek()? != b'"' {
            return Err(self.error(JsonErrorKind::UnexpectedCharacter));
        }
        let start = self.pos;
        self.pos += 1;
        let mut chars = 0;
        loop {
            match self.bytes.get(self.pos).copied() {
                None => return Err(self.error(JsonErrorKind::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok((self.text_from(start), chars));
                }
                Some(b'\\') => {
                    let at = self.pos;
                    self.pos += 1;
                    let escape =
                        self.bytes.get(self.pos).copied().ok_or_else(|| self.error(JsonErrorKind::UnexpectedEnd))?;
                    self.pos += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error(JsonErrorKind::InvalidString)),
                    };
                    escaped(at, self.pos - at, c);
                    chars += 1;
                }
                Some(b) if b < 0x20 => return Err(self.error(JsonErrorKind::InvalidString)),
                Some(b) => {
                    chars += usize::from(starts_char(b));
                    self.pos += 1;
                }
            }
        }
    }

    /// Reads a string and returns it quoted and escaped as in the text, with its length in
    /// characters: for copying it on without decoding it.
    pub fn raw_string(&mut self) -> Result<(&'a str, usize), JsonError> {
        self.scan_string(|_, _, _| {})
    }

    /// Reads a string and returns it unescaped.
    pub fn string(&mut self) -> Result<String, JsonError> {
        let mut escapes: Vec<(usize, usize, char)> = Vec::new();
        let (quoted, _) = self.scan_string(|at, len, c| escapes.push((at, len, c)))?;
        let start = self.pos - quoted.len();
        let body = quoted.get(1..quoted.len() - 1).unwrap_or_default();
        if escapes.is_empty() {
            return Ok(body.to_owned());
        }
        let mut out = String::with_capacity(body.len());
        let mut copied = start + 1;
        for (at, len, c) in escapes {
            out.push_str(self.text.get(copied..at).unwrap_or_default());
            out.push(c);
            copied = at + len;
        }
        out.push_str(self.text.get(copied..self.pos - 1).unwrap_or_default());
        Ok(out)
    }
}

/// What a container reads as when it is empty: `{}` or `[]`.
struct Empty(u8);

impl From<Empty> for Value {
    fn from(Empty(close): Empty) -> Value {
        if close == b'}' {
            Value::Object(Vec::new())
        } else {
            Value::Array(Vec::new())
        }
    }
}

/// A container skipped by [`Reader::raw_value`].
#[derive(Default)]
struct Skipped;

impl From<Empty> for Skipped {
    fn from(_: Empty) -> Skipped {
        Skipped
    }
}

/// Appends `value` as JSON text to `out`.
pub fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text) => out.push_str(text),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a quoted JSON string to `out`.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut run_start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run_start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(s.get(run_start..).unwrap_or_default());
    out.push('"');
}

/// Appends an integer as JSON text, without `core::fmt`.
pub fn write_integer(n: i64, out: &mut String) {
    if n < 0 {
        out.push('-');
    }
    let mut magnitude = n.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (magnitude % 10) as u8;
        start -= 1;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    for &d in digits.get(start..).unwrap_or_default() {
        out.push(d as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oracle(text: &str) -> serde_json::Value {
        serde_json::from_str(text).expect("oracle parses")
    }

    #[test]
    fn round_trips_agree_with_serde_json() {
        let samples = [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
            r#"[-0,0.5,-1.25e-3,1E+2,12345678901234567890]"#,
            r#""quote \" back \\ slash \/ ctl \b\f\n\r\t uni \u00e9 \ud83d\ude00""#,
            r#"  [ 1 , { "x" : [ ] , "y" : { } } ]  "#,
            "\"raw ünïcödé ✓ 😀\"",
        ];
        for text in samples {
            let ours = parse(text).unwrap();
            let written = ours.to_json();
            assert_eq!(oracle(&written), oracle(text), "{text}");
        }
    }

    #[test]
    fn writer_escapes_what_serde_json_reads_back() {
        let nasty: String = (0u8..0x80).map(char::from).chain("é😀\u{2028}".chars()).collect();
        let mut out = String::new();
        write_string(&nasty, &mut out);
        assert_eq!(oracle(&out), serde_json::Value::String(nasty));
    }

    #[test]
    fn generated_strings_round_trip() {
        // A deterministic generator over awkward code points.
        let alphabet = ['a', '"', '\\', '\n', '\u{0}', '\u{1f}', 'é', '€', '😀', '\u{fffd}', '/'];
        let mut state = 7u32;
        for _ in 0..500 {
            let mut s = String::new();
            for _ in 0..(state % 13) {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                s.push(alphabet[(state >> 16) as usize % alphabet.len()]);
            }
            state = state.wrapping_add(1);
            let mut out = String::new();
            write_string(&s, &mut out);
            assert_eq!(parse(&out).unwrap(), Value::String(s.clone()));
            assert_eq!(serde_json::to_string(&s).map(|t| oracle(&t)).unwrap(), oracle(&out));
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(parse(r#""\ud800x""#).unwrap(), Value::String("\u{fffd}x".into()));
        assert_eq!(parse(r#""\udc00""#).unwrap(), Value::String("\u{fffd}".into()));
    }

    #[test]
    fn rejects_what_json_rejects() {
        let bad = [
            "",
            "[",
            "{",
            "[1,]",
            "{\"a\"}",
            "{\"a\":}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "NaN",
            "Infinity",
            "tru",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\u{1}b\"",
            "[1] 2",
            "{'a':1}",
        ];
        for text in bad {
            assert!(parse(text).is_err(), "accepted {text:?}");
            assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "oracle disagrees on {text:?}");
        }
    }

    #[test]
    fn hostile_depth_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().kind, JsonErrorKind::TooDeep);
        let ok = "[".repeat(MAX_PARSE_DEPTH) + &"]".repeat(MAX_PARSE_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn raw_values_are_measured_like_parsed_ones() {
        let samples = [
            ("1", 0, 0),
            (r#""héllo""#, 0, 5),
            (r#""a\n\u00e9\ud83d\ude00""#, 0, 4),
            (r#""\ud800""#, 0, 1),
            ("[]", 1, 0),
            (r#"{"longest key":[1,[2,{"x":"abc"}]]}"#, 4, 11),
            (r#"[[[["four"]]]]"#, 4, 4),
        ];
        for (text, depth, longest) in samples {
            let mut reader = Reader::new(text);
            let (raw, measured) = reader.raw_value().unwrap();
            assert_eq!(raw, text);
            assert_eq!(measured, Measure { depth, longest_string: longest }, "{text}");
            assert_eq!(measure(&parse(text).unwrap()), measured, "{text}");
        }
    }

    #[test]
    fn object_members_keep_their_values_as_text() {
        let members = object_members(r#" {"a": 1, "b\u00e9": {"c": [true]}, "d": "x\"y"} "#).unwrap().unwrap();
        assert_eq!(
            members,
            [("a".to_owned(), "1"), ("bé".to_owned(), r#"{"c": [true]}"#), ("d".to_owned(), r#""x\"y""#)]
        );
        assert_eq!(object_members("[1]").unwrap(), None);
        assert_eq!(object_members("{}").unwrap(), Some(vec![]));
        assert!(object_members(r#"{"a":}"#).is_err());
        assert!(object_members(r#"{"a":1} x"#).is_err());
        assert_eq!(string_of(r#""x\"y""#).as_deref(), Some("x\"y"));
        assert_eq!(string_of("7"), None);
    }

    #[test]
    fn array_items_keep_their_text_and_check_the_whole_array_as_parse_does() {
        assert_eq!(
            array_items(r#" [1, ["a", {"b": null}] ,"c\"d", true] "#),
            Some(vec!["1", r#"["a", {"b": null}]"#, r#""c\"d""#, "true"])
        );
        assert_eq!(array_items("[]"), Some(vec![]));
        for text in ["{}", "1", "[1,]", "[1] x", "[1", ""] {
            assert_eq!(array_items(text), None, "{text}");
        }
        for depth in [MAX_PARSE_DEPTH, MAX_PARSE_DEPTH + 1] {
            let text = "[".repeat(depth) + &"]".repeat(depth);
            assert_eq!(array_items(&text).is_some(), parse(&text).is_ok(), "depth {depth}");
        }
        let members = object_members(r#"{"a":1,"a":2,"b":"x"}"#).unwrap().unwrap();
        assert_eq!((member(&members, "a"), member(&members, "c")), (Some("1"), None), "the first of a repeated key");
        assert!(is_number("-1.5e3") && is_number("0") && !is_number(r#""1""#) && !is_number("true"));
    }

    #[test]
    fn characters_are_counted_like_chars_count() {
        for s in ["", "a", "é", "€uro", "😀😀", "mixed é € 😀 text\u{0}"] {
            assert_eq!(char_count(s), s.chars().count(), "{s}");
        }
    }

    #[test]
    fn integers_parse_without_floats() {
        assert_eq!(parse_integer("0"), Some(0));
        assert_eq!(parse_integer("-42"), Some(-42));
        assert_eq!(parse_integer("1732350000123"), Some(1_732_350_000_123));
        assert_eq!(parse_integer("1.0"), None);
        assert_eq!(parse_integer("1e3"), None);
        assert_eq!(parse_integer("-"), None);
        let mut out = String::new();
        for n in [0, 7, -7, i64::MAX, i64::MIN, 1_732_350_000_123] {
            out.clear();
            write_integer(n, &mut out);
            assert_eq!(out, n.to_string());
        }
    }
}

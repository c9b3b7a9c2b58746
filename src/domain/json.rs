//! A small JSON reader and writer, so the wasm build carries no serde_json.
//!
//! Why hand-written: serde_json with its float formatting costs ~20 KiB gzip in the browser
//! (decisions.md, "Size"). Numbers are kept as their validated source text ([`Value::Number`]),
//! so neither the reader nor the writer ever parses or prints a float: JavaScript prints the
//! numbers, we copy them. Host tests check this module against serde_json as an oracle.

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

/// Parses one JSON value, surrounded by optional white space.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut reader = Reader { bytes: text.as_bytes(), text, pos: 0 };
    let value = reader.value(0)?;
    reader.skip_space();
    if reader.pos != reader.bytes.len() {
        return Err(reader.error(JsonErrorKind::TrailingCharacters));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

// Slicing goes through `get`: an index panic would pull `core::fmt`'s `Debug` for `str` and
// the Unicode printing tables into the wasm (several KiB), for a case that cannot happen here.
impl Reader<'_> {
    /// The bytes not read yet.
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// The text from `start` to the current position, which always sit on character boundaries.
    fn text_from(&self, start: usize) -> &str {
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

    fn peek(&self) -> Result<u8, JsonError> {
        self.bytes.get(self.pos).copied().ok_or_else(|| self.error(JsonErrorKind::UnexpectedEnd))
    }

    fn expect_literal(&mut self, literal: &str, value: Value) -> Result<Value, JsonError> {
        if self.rest().starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            Ok(value)
        } else {
            Err(self.error(JsonErrorKind::UnexpectedCharacter))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.skip_space();
        match self.peek()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.expect_literal("true", Value::Bool(true)),
            b'f' => self.expect_literal("false", Value::Bool(false)),
            b'n' => self.expect_literal("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error(JsonErrorKind::UnexpectedCharacter)),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_PARSE_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek()? == b']' {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_space();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(JsonErrorKind::UnexpectedCharacter)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_PARSE_DEPTH {
            return Err(self.error(JsonErrorKind::TooDeep));
        }
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_space();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_space();
            if self.peek()? != b'"' {
                return Err(self.error(JsonErrorKind::UnexpectedCharacter));
            }
            let key = self.string()?;
            self.skip_space();
            if self.peek()? != b':' {
                return Err(self.error(JsonErrorKind::UnexpectedCharacter));
            }
            self.pos += 1;
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_space();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.error(JsonErrorKind::UnexpectedCharacter)),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        let invalid = |reader: &Self| reader.error(JsonErrorKind::InvalidNumber);
        if self.bytes[self.pos] == b'-' {
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
        Ok(Value::Number(self.text_from(start).into()))
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

    /// Reads a string starting at its opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends on an ASCII byte or at the end, so it is a whole-character slice.
            out.push_str(self.text_from(run_start));
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let escape = self.peek()?;
                    self.pos += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return Err(self.error(JsonErrorKind::InvalidString)),
                    }
                }
                _ => return Err(self.error(JsonErrorKind::InvalidString)),
            }
        }
    }

    /// Reads the XXXX of `\uXXXX` (and a following low surrogate, if any).
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
    loop {
        start -= 1;
        digits[start] = b'0' + (magnitude % 10) as u8;
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
            "", "[", "{", "[1,]", "{\"a\"}", "{\"a\":}", "01", "1.", ".5", "-", "1e", "+1", "NaN",
            "Infinity", "tru", "\"abc", "\"\\x\"", "\"\\u12\"", "\"a\u{1}b\"", "[1] 2", "{'a':1}",
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

//! The event model and its limits.
//!
//! `track()` pushes `[name, props, time]` into a JS buffer; at each send the whole buffer
//! arrives here as one JSON text ([`read_buffer`]), every event is checked against the limits
//! below, and the good ones are [`Encoded`] once, in the form the wire format concatenates.
//! cxkit's own events (survey answers) are built in Rust with reserved `$` names.

use super::json::{self, Value};

/// Most properties on one event.
pub const MAX_PROPS: usize = 50;
/// Deepest nesting of containers, the properties object counting as the first.
pub const MAX_DEPTH: usize = 5;
/// Longest string (in Unicode scalar values), keys included.
pub const MAX_STRING_CHARS: usize = 1_000;
/// Longest event name.
pub const MAX_NAME_CHARS: usize = 100;
/// Largest encoded event, in bytes.
pub const MAX_EVENT_BYTES: usize = 8 * 1024;
/// Names starting with this are cxkit's own (`$response`); `track()` may not use them.
pub const RESERVED_PREFIX: char = '$';

/// One touchpoint or answer, before it gets its sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened: `checkout_started`, or `$response` for a survey answer.
    pub name: String,
    /// Wall-clock time, ms since the Unix epoch.
    pub time_ms: i64,
    /// Properties, in the caller's order.
    pub props: Vec<(String, Value)>,
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventProblem {
    /// A buffer entry that is not `[name, props, time]`.
    Malformed,
    /// An empty name, or one with control characters.
    BadName,
    /// A name longer than [`MAX_NAME_CHARS`].
    NameTooLong,
    /// A `$` name from `track()`.
    ReservedName,
    /// Properties that are not a plain object.
    PropsNotObject,
    /// More than [`MAX_PROPS`] properties.
    TooManyProps,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A string or key longer than [`MAX_STRING_CHARS`].
    StringTooLong,
    /// Encoded larger than [`MAX_EVENT_BYTES`].
    TooLarge,
    /// A time that is not a non-negative whole number of ms.
    BadTime,
}

impl EventProblem {
    /// The rule, in words.
    pub fn message(self) -> &'static str {
        match self {
            EventProblem::Malformed => "event must be [name, props, time]",
            EventProblem::BadName => "name must be non-empty text without control characters",
            EventProblem::NameTooLong => "name is longer than 100 characters",
            EventProblem::ReservedName => "names starting with '$' are reserved",
            EventProblem::PropsNotObject => "props must be a plain object",
            EventProblem::TooManyProps => "more than 50 properties",
            EventProblem::TooDeep => "nested deeper than 5 levels",
            EventProblem::StringTooLong => "a string is longer than 1000 characters",
            EventProblem::TooLarge => "event is larger than 8 KB",
            EventProblem::BadTime => "time must be a whole number of ms",
        }
    }
}

/// Checks an event name: `allow_reserved` is true only for cxkit's own events.
pub fn check_name(name: &str, allow_reserved: bool) -> Result<(), EventProblem> {
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(EventProblem::BadName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(EventProblem::NameTooLong);
    }
    if !allow_reserved && name.starts_with(RESERVED_PREFIX) {
        return Err(EventProblem::ReservedName);
    }
    Ok(())
}

/// Checks a property value's nesting and string lengths; `depth` is the level it sits at.
pub fn check_value(value: &Value, depth: usize) -> Result<(), EventProblem> {
    match value {
        Value::String(s) => check_string(s),
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(EventProblem::TooDeep);
            }
            items.iter().try_for_each(|item| check_value(item, depth + 1))
        }
        Value::Object(members) => {
            if depth >= MAX_DEPTH {
                return Err(EventProblem::TooDeep);
            }
            members.iter().try_for_each(|(key, item)| {
                check_string(key)?;
                check_value(item, depth + 1)
            })
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

fn check_string(s: &str) -> Result<(), EventProblem> {
    // Byte length bounds the char count from above: skip the count for short strings.
    if s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS {
        return Err(EventProblem::StringTooLong);
    }
    Ok(())
}

/// Checks the properties of an event as a whole.
pub fn check_props(props: &[(String, Value)]) -> Result<(), EventProblem> {
    if props.len() > MAX_PROPS {
        return Err(EventProblem::TooManyProps);
    }
    props.iter().try_for_each(|(key, value)| {
        check_string(key)?;
        check_value(value, 1)
    })
}

/// An event in the form the wire format concatenates, with its sequence number.
///
/// Encoded once at intake, so a retry or a split never re-encodes, and the size of a batch is
/// known before it is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// Position in this page's stream: with the stream id, the event's unique id.
    pub seq: u64,
    /// Wall-clock time, ms since the Unix epoch.
    pub time_ms: i64,
    /// The event name.
    pub name: String,
    /// The property keys as a JSON array, e.g. `["plan","n"]`: the event's shape.
    pub keys: String,
    /// The property values, each preceded by a comma, e.g. `,"pro",3`.
    pub values: String,
}

impl Encoded {
    /// An upper bound of the bytes this event adds to a batch, names and keys included.
    pub fn wire_bytes(&self) -> usize {
        // `[0,<seq>,<dt>,<name>,<keys>` costs at most 4 commas, brackets and 3 × 20 digits.
        self.name.len() + self.keys.len() + self.values.len() + 70
    }
}

impl Event {
    /// Validates and encodes the event with sequence number `seq`.
    pub fn encode(self, seq: u64) -> Result<Encoded, EventProblem> {
        check_name(&self.name, true)?;
        check_props(&self.props)?;
        let mut keys = String::from("[");
        let mut values = String::new();
        for (i, (key, value)) in self.props.iter().enumerate() {
            if i > 0 {
                keys.push(',');
            }
            json::write_string(key, &mut keys);
            values.push(',');
            json::write_value(value, &mut values);
        }
        keys.push(']');
        let encoded = Encoded { seq, time_ms: self.time_ms, name: self.name, keys, values };
        if encoded.wire_bytes() > MAX_EVENT_BYTES {
            return Err(EventProblem::TooLarge);
        }
        Ok(encoded)
    }
}

/// One entry of the JS buffer that could not be taken, by its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    /// Index in the buffer.
    pub index: usize,
    /// What was wrong.
    pub problem: EventProblem,
}

/// Reads the JS buffer, `[[name, props, time], …]`, as given by one `JSON.stringify`.
///
/// Entries that break a rule are returned apart, so one bad event never costs the others.
/// `Err` only when the text as a whole is not a JSON array.
pub fn read_buffer(text: &str) -> Result<(Vec<Event>, Vec<Rejected>), json::JsonError> {
    let value = json::parse(text)?;
    let Value::Array(entries) = value else {
        return Err(json::JsonError { offset: 0, kind: json::JsonErrorKind::UnexpectedCharacter });
    };
    let mut events = Vec::with_capacity(entries.len());
    let mut rejected = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        match event_from_entry(entry) {
            Ok(event) => events.push(event),
            Err(problem) => rejected.push(Rejected { index, problem }),
        }
    }
    Ok((events, rejected))
}

fn event_from_entry(entry: Value) -> Result<Event, EventProblem> {
    let Value::Array(parts) = entry else { return Err(EventProblem::Malformed) };
    let [name, props, time]: [Value; 3] = parts.try_into().map_err(|_| EventProblem::Malformed)?;
    let Value::String(name) = name else { return Err(EventProblem::BadName) };
    check_name(&name, false)?;
    let Value::Object(props) = props else { return Err(EventProblem::PropsNotObject) };
    let time_ms = time.as_i64().filter(|t| *t >= 0).ok_or(EventProblem::BadTime)?;
    check_props(&props)?;
    Ok(Event { name, time_ms, props })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Properties nested `levels` deep, the properties object being the first level.
    fn nested(levels: usize) -> String {
        "{\"a\":".repeat(levels) + "1" + &"}".repeat(levels)
    }

    fn problem_of(entry: &str) -> EventProblem {
        let (events, rejected) = read_buffer(&format!("[{entry}]")).unwrap();
        assert!(events.is_empty(), "{entry} was accepted");
        rejected[0].problem
    }

    #[test]
    fn a_good_buffer_becomes_events_in_order() {
        let (events, rejected) =
            read_buffer(r#"[["checkout_started",{"plan":"pro","n":2},1732350000123],["cart",{},1732350000200]]"#)
                .unwrap();
        assert!(rejected.is_empty());
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].name, "checkout_started");
        assert_eq!(events[0].time_ms, 1_732_350_000_123);
        let encoded = events[0].clone().encode(7).unwrap();
        assert_eq!(encoded.seq, 7);
        assert_eq!(encoded.keys, r#"["plan","n"]"#);
        assert_eq!(encoded.values, r#","pro",2"#);
        let empty = events[1].clone().encode(8).unwrap();
        assert_eq!((empty.keys.as_str(), empty.values.as_str()), ("[]", ""));
    }

    #[test]
    fn one_bad_event_costs_only_itself() {
        let (events, rejected) = read_buffer(r#"[["a",{},1],["$response",{},2],["b",{},3]]"#).unwrap();
        assert_eq!(events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(rejected, [Rejected { index: 1, problem: EventProblem::ReservedName }]);
    }

    #[test]
    fn each_limit_is_enforced_at_its_edge() {
        let props = |n: usize| (0..n).map(|i| format!("\"k{i}\":{i}")).collect::<Vec<_>>().join(",");
        assert!(read_buffer(&format!(r#"[["x",{{{}}},1]]"#, props(MAX_PROPS))).unwrap().1.is_empty());
        assert_eq!(problem_of(&format!(r#"["x",{{{}}},1]"#, props(MAX_PROPS + 1))), EventProblem::TooManyProps);

        assert!(read_buffer(&format!(r#"[["x",{},1]]"#, nested(MAX_DEPTH))).unwrap().1.is_empty());
        assert_eq!(problem_of(&format!(r#"["x",{},1]"#, nested(MAX_DEPTH + 1))), EventProblem::TooDeep);
        assert_eq!(problem_of(r#"["x",{"a":[[[[[1]]]]]},1]"#), EventProblem::TooDeep);

        let at_limit = "é".repeat(MAX_STRING_CHARS);
        assert!(read_buffer(&format!(r#"[["x",{{"s":"{at_limit}"}},1]]"#)).unwrap().1.is_empty());
        assert_eq!(problem_of(&format!(r#"["x",{{"s":"{at_limit}é"}},1]"#)), EventProblem::StringTooLong);
        assert_eq!(problem_of(&format!(r#"["x",{{"{}":1}},1]"#, "k".repeat(1001))), EventProblem::StringTooLong);

        assert!(read_buffer(&format!(r#"[["{}",{{}},1]]"#, "n".repeat(MAX_NAME_CHARS))).unwrap().1.is_empty());
        assert_eq!(problem_of(&format!(r#"["{}",{{}},1]"#, "n".repeat(MAX_NAME_CHARS + 1))), EventProblem::NameTooLong);
    }

    #[test]
    fn encoded_size_is_capped() {
        let props = (0..9).map(|i| (format!("k{i}"), Value::String("x".repeat(900)))).collect();
        let event = Event { name: "big".into(), time_ms: 1, props };
        assert_eq!(event.encode(0).unwrap_err(), EventProblem::TooLarge);
    }

    #[test]
    fn malformed_entries_are_named() {
        assert_eq!(problem_of("7"), EventProblem::Malformed);
        assert_eq!(problem_of(r#"["x",{}]"#), EventProblem::Malformed);
        assert_eq!(problem_of(r#"[1,{},1]"#), EventProblem::BadName);
        assert_eq!(problem_of(r#"["",{},1]"#), EventProblem::BadName);
        assert_eq!(problem_of(r#"["a\nb",{},1]"#), EventProblem::BadName);
        assert_eq!(problem_of(r#"["x",[],1]"#), EventProblem::PropsNotObject);
        assert_eq!(problem_of(r#"["x",{},-1]"#), EventProblem::BadTime);
        assert_eq!(problem_of(r#"["x",{},1.5]"#), EventProblem::BadTime);
        assert!(read_buffer("{}").is_err());
    }
}

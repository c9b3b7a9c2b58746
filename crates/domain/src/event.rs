//! The event model and its limits.
//!
//! `track()` pushes `[name, props, time]` into a JS buffer; once per task a chunk of it arrives
//! here as one JSON text ([`read_buffer`]). Each entry is checked against the limits below
//! while it is read, and its property values are copied on as the text they already are: no
//! tree of values is built on the hot path. The result is [`Encoded`], the form the wire
//! format concatenates, and the text of what was accepted ([`Read::accepted`]): that, never
//! the buffer as the page gave it, is what gets stored. Survey answers come the same way, with
//! reserved `$` names. [`Event`] builds an event from values instead (native code and tests),
//! under the same limits.

use alloc::string::String;
use alloc::vec::Vec;

use super::json::{self, Measure, Reader, Value};
use super::time;

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
/// The event of a survey answer.
pub const RESPONSE_EVENT: &str = "$response";
/// The event of a survey closed without an answer.
pub const DISMISS_EVENT: &str = "$dismiss";
/// The events a full queue gives up last: what a visitor took the time to tell. The one list,
/// decided from the name; cxkit's other `$` events are touchpoints.
pub const ANSWER_EVENTS: [&str; 2] = [RESPONSE_EVENT, DISMISS_EVENT];

/// What a full queue gives up last: answers outrank touchpoints (decisions.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// A page view, click, `track()` call…
    Touchpoint,
    /// A survey answer or dismissal: what a visitor took the time to tell.
    Answer,
}

impl Priority {
    /// The priority of an event named `name`: [`ANSWER_EVENTS`] are answers, all else touchpoints.
    pub fn of(name: &str) -> Priority {
        if ANSWER_EVENTS.contains(&name) {
            Priority::Answer
        } else {
            Priority::Touchpoint
        }
    }
}

/// A touchpoint or answer built from values in Rust (native code, tests), before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// What happened: `checkout_started`, or `$response` for a survey answer.
    pub name: String,
    /// Wall-clock time, ms since the Unix epoch.
    pub time_ms: i64,
    /// Properties, in the caller's order.
    pub props: Vec<(String, Value)>,
    /// What a full queue gives up last.
    pub priority: Priority,
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
    /// A time that is not a whole number of ms within [`time::is_event_time`]'s range.
    BadTime,
}

impl EventProblem {
    /// The rule, in words.
    pub fn message(self) -> &'static str {
        match self {
            EventProblem::Malformed => "event must be [name, props, time]",
            EventProblem::BadName => "name must be non-empty text without control characters",
            EventProblem::NameTooLong => "name is longer than 100 characters",
            EventProblem::PropsNotObject => "props must be a plain object",
            EventProblem::TooManyProps => "more than 50 properties",
            EventProblem::TooDeep => "nested deeper than 5 levels",
            EventProblem::StringTooLong => "a string is longer than 1000 characters",
            EventProblem::TooLarge => "event is larger than 8 KB",
            EventProblem::BadTime => "time must be a whole number of ms",
        }
    }
}

/// Whether `c` may not appear in an event name: a control character (C0, DEL, C1), invisible
/// in a dashboard and able to break the lines of a log.
pub fn forbidden_in_name(c: char) -> bool {
    c.is_control()
}

/// Checks an event name. (`$` names are cxkit's own: the shell's `track()` refuses them, so
/// the only ones that arrive are the answers the shell itself queues.)
pub fn check_name(name: &str) -> Result<(), EventProblem> {
    if name.is_empty() || name.chars().any(forbidden_in_name) {
        return Err(EventProblem::BadName);
    }
    if json::char_count(name) > MAX_NAME_CHARS {
        return Err(EventProblem::NameTooLong);
    }
    Ok(())
}

/// Checks a properties object by its member count and [`Measure`]: the one place the
/// property limits are applied, whether the object was read as text or built as values.
pub fn check_props(members: usize, measure: Measure) -> Result<(), EventProblem> {
    if members > MAX_PROPS {
        return Err(EventProblem::TooManyProps);
    }
    if measure.depth > MAX_DEPTH {
        return Err(EventProblem::TooDeep);
    }
    if measure.longest_string > MAX_STRING_CHARS {
        return Err(EventProblem::StringTooLong);
    }
    Ok(())
}

/// An event in the form the wire format concatenates, checked against every limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// Wall-clock time, ms since the Unix epoch.
    pub time_ms: i64,
    /// The event name.
    pub name: String,
    /// The property keys as a JSON array, e.g. `["plan","n"]`: the event's shape.
    pub keys: String,
    /// The property values, each preceded by a comma, e.g. `,"pro",3`.
    pub values: String,
    /// What a full queue gives up last.
    pub priority: Priority,
}

impl Encoded {
    /// An upper bound of the bytes this event adds to a batch, names and keys included.
    pub fn wire_bytes(&self) -> usize {
        // `[0,<seq>,<dt>,<name>,<keys>` costs at most 4 commas, brackets and 3 × 20 digits.
        self.name.len() + self.keys.len() + self.values.len() + 70
    }

    fn checked(self) -> Result<Encoded, EventProblem> {
        if self.wire_bytes() > MAX_EVENT_BYTES {
            return Err(EventProblem::TooLarge);
        }
        Ok(self)
    }
}

/// Appends one property to the encoded key list and values.
fn append_prop(keys: &mut String, values: &mut String, key_json: &str, value_json: &str) {
    keys.push(if keys.is_empty() { '[' } else { ',' });
    keys.push_str(key_json);
    values.push(',');
    values.push_str(value_json);
}

fn close_keys(mut keys: String) -> String {
    keys.push_str(if keys.is_empty() { "[]" } else { "]" });
    keys
}

impl Event {
    /// Validates and encodes the event.
    pub fn encode(self) -> Result<Encoded, EventProblem> {
        check_name(&self.name)?;
        check_props(self.props.len(), json::measure_members(&self.props))?;
        let (mut keys, mut values) = (String::new(), String::new());
        let mut key_json = String::new();
        for (key, value) in &self.props {
            key_json.clear();
            json::write_string(key, &mut key_json);
            append_prop(&mut keys, &mut values, &key_json, &value.to_json());
        }
        Encoded { time_ms: self.time_ms, name: self.name, keys: close_keys(keys), values, priority: self.priority }
            .checked()
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

/// What [`read_buffer`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Read {
    /// The events taken, each with its index in the chunk (the shell numbers events by it).
    pub events: Vec<(usize, Encoded)>,
    /// The entries refused, by index.
    pub rejected: Vec<Rejected>,
    /// Entries in the chunk, taken, refused or holes.
    pub entries: usize,
    /// The chunk as it is to be stored: each taken event as `[name, props, time]` in the form
    /// it was accepted in, and `null` in place of a refused entry, so every index holds and a
    /// stored chunk read back gives each event its id again. A `null` entry is a hole: it is
    /// neither an event nor counted as refused.
    pub accepted: String,
}

/// Reads a chunk of the JS buffer, `[[name, props, time], …]`, as given by one
/// `JSON.stringify`, or a stored chunk ([`Read::accepted`] of an earlier read).
///
/// Entries that break a rule are returned apart, so one bad event never costs the others.
/// `Err` only when the text is not a JSON array.
pub fn read_buffer(text: &str) -> Result<Read, json::JsonError> {
    let mut reader = Reader::new(text);
    reader.expect(b'[')?;
    let mut read = Read { accepted: String::with_capacity(text.len()), ..Read::default() };
    read.accepted.push('[');
    if !reader.eat(b']')? {
        // Each entry is written here first, then copied on or replaced by `null`: `truncate`
        // would carry a char-boundary assert, and its panic text, into the wasm.
        let mut entry = String::new();
        for index in 0.. {
            if index > 0 {
                read.accepted.push(',');
            }
            read.entries += 1;
            entry.clear();
            match read_entry(&mut reader, &mut entry)? {
                Some(Ok(event)) => {
                    read.accepted.push_str(&entry);
                    read.events.push((index, event));
                }
                Some(Err(problem)) => {
                    read.accepted.push_str("null");
                    read.rejected.push(Rejected { index, problem });
                }
                None => read.accepted.push_str(&entry),
            }
            if !reader.more(b']')? {
                break;
            }
        }
    }
    reader.end()?;
    read.accepted.push(']');
    Ok(read)
}

/// Reads one `[name, props, time]` entry to its end, whatever is wrong with it, so the reader
/// is always ready for the next one, and appends it to `accepted` as taken; a broken rule is
/// the inner `Err` (the caller replaces what was appended), a `null` hole is `None`.
fn read_entry(
    reader: &mut Reader<'_>,
    accepted: &mut String,
) -> Result<Option<Result<Encoded, EventProblem>>, json::JsonError> {
    if reader.peek()? != b'[' {
        let (raw, _) = reader.raw_value()?;
        if raw == "null" {
            accepted.push_str("null");
            return Ok(None);
        }
        return Ok(Some(Err(EventProblem::Malformed)));
    }
    reader.expect(b'[')?;
    if reader.eat(b']')? {
        return Ok(Some(Err(EventProblem::Malformed)));
    }
    let mut problem;
    let name = if reader.peek()? == b'"' {
        let name = reader.string()?;
        problem = check_name(&name).err();
        name
    } else {
        reader.raw_value()?;
        problem = Some(EventProblem::BadName);
        String::new()
    };
    if !reader.more(b']')? {
        return Ok(Some(Err(EventProblem::Malformed)));
    }
    accepted.push('[');
    json::write_string(&name, accepted);
    accepted.push_str(",{");
    let (mut keys, mut values) = (String::new(), String::new());
    if reader.peek()? == b'{' {
        reader.expect(b'{')?;
        let (mut members, mut measure) = (0, Measure { depth: 1, longest_string: 0 });
        if !reader.eat(b'}')? {
            loop {
                let (key, key_chars) = reader.raw_string()?;
                reader.expect(b':')?;
                let (value, inner) = reader.raw_value()?;
                members += 1;
                measure.longest_string = measure.longest_string.max(key_chars).max(inner.longest_string);
                measure.depth = measure.depth.max(inner.depth + 1);
                append_prop(&mut keys, &mut values, key, value);
                if members > 1 {
                    accepted.push(',');
                }
                accepted.push_str(key);
                accepted.push(':');
                accepted.push_str(value);
                if !reader.more(b'}')? {
                    break;
                }
            }
        }
        problem = problem.or(check_props(members, measure).err());
    } else {
        reader.raw_value()?;
        problem = problem.or(Some(EventProblem::PropsNotObject));
    }
    if !reader.more(b']')? {
        return Ok(Some(Err(EventProblem::Malformed)));
    }
    let time = reader.raw_value()?.0;
    let time_ms = json::parse_integer(time).filter(|&t| time::is_event_time(t));
    problem = problem.or(time_ms.is_none().then_some(EventProblem::BadTime));
    if reader.more(b']')? {
        loop {
            reader.raw_value()?;
            if !reader.more(b']')? {
                break;
            }
        }
        problem = Some(EventProblem::Malformed);
    }
    if let Some(problem) = problem {
        return Ok(Some(Err(problem)));
    }
    let time_ms = time_ms.unwrap_or_default();
    accepted.push_str("},");
    json::write_integer(time_ms, accepted);
    accepted.push(']');
    let priority = Priority::of(&name);
    let event = Encoded { time_ms, name, keys: close_keys(keys), values, priority };
    Ok(Some(event.checked()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Properties nested `levels` deep, the properties object being the first level.
    fn nested(levels: usize) -> String {
        "{\"a\":".repeat(levels) + "1" + &"}".repeat(levels)
    }

    /// The events of a buffer text, without their indexes.
    fn buffer(text: &str) -> Result<(Vec<Encoded>, Vec<Rejected>), json::JsonError> {
        let read = read_buffer(text)?;
        Ok((read.events.into_iter().map(|(_, event)| event).collect(), read.rejected))
    }

    fn problem_of(entry: &str) -> EventProblem {
        let (events, rejected) = buffer(&format!("[{entry}]")).unwrap();
        assert!(events.is_empty(), "{entry} was accepted");
        rejected[0].problem
    }

    fn accepts(entry: &str) -> bool {
        buffer(&format!("[{entry}]")).unwrap().1.is_empty()
    }

    #[test]
    fn a_good_buffer_becomes_encoded_events_in_order() {
        let (events, rejected) =
            buffer(r#"[["checkout_started",{"plan":"pro","n":2,"x":{"y":[1,"é\n"]}},1732350000123],["cart",{},1732350000200]]"#)
                .unwrap();
        assert!(rejected.is_empty());
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].name, "checkout_started");
        assert_eq!(events[0].time_ms, 1_732_350_000_123);
        assert_eq!(events[0].keys, r#"["plan","n","x"]"#);
        assert_eq!(events[0].values, r#","pro",2,{"y":[1,"é\n"]}"#);
        assert_eq!((events[1].keys.as_str(), events[1].values.as_str()), ("[]", ""));
        assert_eq!(buffer("[]").unwrap(), (vec![], vec![]));
    }

    #[test]
    fn text_and_values_encode_alike() {
        let text = r#"[["x",{"plan":"pro","n":-2.5e3,"a":[true,null],"q":"\"hi\""},7]]"#;
        let (from_text, _) = buffer(text).unwrap();
        let json::Value::Object(props) =
            json::parse(r#"{"plan":"pro","n":-2.5e3,"a":[true,null],"q":"\"hi\""}"#).unwrap()
        else {
            unreachable!()
        };
        let from_values =
            Event { name: "x".into(), time_ms: 7, props, priority: Priority::Touchpoint }.encode().unwrap();
        assert_eq!(from_text, [from_values]);
    }

    #[test]
    fn answers_outrank_touchpoints_and_every_event_keeps_its_index() {
        let events = read_buffer(r#"[7,["a",{},1],["$response",{"value":9},2]]"#).unwrap().events;
        let read: Vec<_> = events.iter().map(|(i, e)| (*i, e.priority)).collect();
        assert_eq!(read, [(1, Priority::Touchpoint), (2, Priority::Answer)]);
    }

    #[test]
    fn one_bad_event_costs_only_itself() {
        let (events, rejected) =
            buffer(r#"[["a",{},1],["$response",{"deep":[[[[[1]]]]]},2],7,["b",{},3,"extra"],["c",{},3]]"#).unwrap();
        assert_eq!(events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(
            rejected,
            [
                Rejected { index: 1, problem: EventProblem::TooDeep },
                Rejected { index: 2, problem: EventProblem::Malformed },
                Rejected { index: 3, problem: EventProblem::Malformed },
            ]
        );
    }

    #[test]
    fn each_limit_is_enforced_at_its_edge() {
        let props = |n: usize| (0..n).map(|i| format!("\"k{i}\":{i}")).collect::<Vec<_>>().join(",");
        assert!(accepts(&format!(r#"["x",{{{}}},1]"#, props(MAX_PROPS))));
        assert_eq!(problem_of(&format!(r#"["x",{{{}}},1]"#, props(MAX_PROPS + 1))), EventProblem::TooManyProps);

        assert!(accepts(&format!(r#"["x",{},1]"#, nested(MAX_DEPTH))));
        assert_eq!(problem_of(&format!(r#"["x",{},1]"#, nested(MAX_DEPTH + 1))), EventProblem::TooDeep);
        assert_eq!(problem_of(r#"["x",{"a":[[[[[1]]]]]},1]"#), EventProblem::TooDeep);

        let at_limit = "é".repeat(MAX_STRING_CHARS);
        assert!(accepts(&format!(r#"["x",{{"s":"{at_limit}"}},1]"#)));
        assert_eq!(problem_of(&format!(r#"["x",{{"s":"{at_limit}é"}},1]"#)), EventProblem::StringTooLong);
        assert!(
            accepts(&format!(r#"["x",{{"s":"{}"}},1]"#, "\\n".repeat(MAX_STRING_CHARS))),
            "an escape is one character"
        );
        assert_eq!(problem_of(&format!(r#"["x",{{"{}":1}},1]"#, "k".repeat(1001))), EventProblem::StringTooLong);

        assert!(accepts(&format!(r#"["{}",{{}},1]"#, "n".repeat(MAX_NAME_CHARS))));
        assert_eq!(problem_of(&format!(r#"["{}",{{}},1]"#, "n".repeat(MAX_NAME_CHARS + 1))), EventProblem::NameTooLong);
    }

    #[test]
    fn encoded_size_is_capped() {
        let props = (0..9).map(|i| (format!("k{i}"), Value::String("x".repeat(900)))).collect();
        let event = Event { name: "big".into(), time_ms: 1, props, priority: Priority::Touchpoint };
        assert_eq!(event.encode().unwrap_err(), EventProblem::TooLarge);
        let big = (0..9).map(|i| format!(r#""k{i}":"{}""#, "x".repeat(900))).collect::<Vec<_>>().join(",");
        assert_eq!(problem_of(&format!(r#"["big",{{{big}}},1]"#)), EventProblem::TooLarge);
    }

    #[test]
    fn what_is_stored_is_what_was_accepted_and_reads_back_with_the_same_indexes() {
        let big = (0..9).map(|i| format!(r#""k{i}":"{}""#, "x".repeat(900))).collect::<Vec<_>>().join(",");
        let text =
            format!(r#"[["a", {{"n" : 1,"s":"\u00e9"}}, 1],["big",{{{big}}},2],7,["$response",{{"value":9}},3]]"#);
        let read = read_buffer(&text).unwrap();
        assert_eq!(read.entries, 4);
        assert_eq!(read.accepted, r#"[["a",{"n":1,"s":"\u00e9"},1],null,null,["$response",{"value":9},3]]"#);
        let again = read_buffer(&read.accepted).unwrap();
        assert_eq!(again.events, read.events, "the same events at the same indexes");
        assert_eq!((again.rejected.len(), again.entries), (0, 4), "a hole is not refused twice");
        assert_eq!(again.accepted, read.accepted);
        assert_eq!(read_buffer("[]").unwrap().accepted, "[]");
    }

    #[test]
    fn malformed_entries_are_named() {
        assert_eq!(problem_of("7"), EventProblem::Malformed);
        assert_eq!(problem_of("[]"), EventProblem::Malformed);
        assert_eq!(problem_of(r#"["x",{}]"#), EventProblem::Malformed);
        assert_eq!(problem_of(r#"[1,{},1]"#), EventProblem::BadName);
        assert_eq!(problem_of(r#"["",{},1]"#), EventProblem::BadName);
        assert_eq!(problem_of(r#"["a\nb",{},1]"#), EventProblem::BadName);
        assert_eq!(problem_of(r#"["x",[],1]"#), EventProblem::PropsNotObject);
        assert_eq!(problem_of(r#"["x",{},-1]"#), EventProblem::BadTime);
        assert_eq!(problem_of(r#"["x",{},1.5]"#), EventProblem::BadTime);
        assert!(buffer("{}").is_err());
        assert!(buffer(r#"[["x",{"a":}]]"#).is_err(), "a grammar error fails the whole text");
    }
}

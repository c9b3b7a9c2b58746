//! The wire format, version 1 (`schema/batch.schema.json`): what the browser sends and the
//! collector reads. Encoder and decoder live together so they cannot drift apart.
//!
//! Names, key lists and stream ids appear once per batch; each event is an array
//! `[stream, seq, dt, name, keys, ...values]` where `stream`, `name` and `keys` index those
//! tables and `dt` is ms since the previous event (the first: since `t`):
//!
//! ```json
//! {"v":1,"site":"shop","reason":"flush","sent":1732350000500,"t":1732350000123,
//!  "streams":["Q2hlY2tvdXRTdGFydGVkIQ"],"names":["checkout_started"],"keys":[["plan"]],
//!  "events":[[0,0,0,0,0,"pro"],[0,1,77,0,0,"team"]]}
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::config::validate_site_id;
use super::event;
use super::id::is_stream_id;
use super::json::{self, write_integer, write_string, Value};
use super::queue::Queued;

/// The wire format version this code writes and reads.
pub const VERSION: i64 = 1;

/// Why a batch was sent (decisions.md §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendReason {
    /// The pending bytes or count reached a cap.
    Size,
    /// The oldest pending event reached the age limit.
    Age,
    /// `flush()`, or an answer that goes at once.
    Flush,
    /// The page was hidden or left.
    Hide,
    /// A failed send, tried again.
    Retry,
    /// Events left by an earlier page load.
    Load,
}

const REASONS: [(SendReason, &str); 6] = [
    (SendReason::Size, "size"),
    (SendReason::Age, "age"),
    (SendReason::Flush, "flush"),
    (SendReason::Hide, "hide"),
    (SendReason::Retry, "retry"),
    (SendReason::Load, "load"),
];

impl SendReason {
    /// The name on the wire.
    pub fn id(self) -> &'static str {
        REASONS.iter().find(|(reason, _)| *reason == self).map_or("flush", |(_, id)| id)
    }

    /// The reason for a wire name.
    pub fn from_id(id: &str) -> Option<SendReason> {
        REASONS.iter().find(|(_, name)| *name == id).map(|(reason, _)| *reason)
    }
}

/// Encodes `events` (non-empty; from this page load's stream and any it adopted) as a
/// version-1 batch of `site`.
pub fn encode(site: &str, reason: SendReason, sent_ms: i64, events: &[Queued]) -> String {
    let mut streams: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut shapes: Vec<&str> = Vec::new();
    let mut body = String::with_capacity(events.iter().map(|q| q.event.wire_bytes()).sum::<usize>() + 128);
    let first_time = events.first().map_or(sent_ms, |q| q.event.time_ms);
    let mut previous_time = first_time;
    for (i, Queued { stream, seq, event, .. }) in events.iter().enumerate() {
        body.push_str(if i == 0 { "[" } else { ",[" });
        write_integer(index_of(&mut streams, stream.as_str()) as i64, &mut body);
        body.push(',');
        write_integer(*seq as i64, &mut body);
        body.push(',');
        write_integer(event.time_ms - previous_time, &mut body);
        previous_time = event.time_ms;
        body.push(',');
        write_integer(index_of(&mut names, &event.name) as i64, &mut body);
        body.push(',');
        write_integer(index_of(&mut shapes, &event.keys) as i64, &mut body);
        body.push_str(&event.values);
        body.push(']');
    }
    let mut out = String::with_capacity(body.len() + 256);
    out.push_str("{\"v\":1,\"site\":");
    write_string(site, &mut out);
    out.push_str(",\"reason\":\"");
    out.push_str(reason.id());
    out.push_str("\",\"sent\":");
    write_integer(sent_ms, &mut out);
    out.push_str(",\"t\":");
    write_integer(first_time, &mut out);
    out.push_str(",\"streams\":[");
    push_separated(&mut out, &streams, write_string);
    out.push_str("],\"names\":[");
    push_separated(&mut out, &names, write_string);
    out.push_str("],\"keys\":[");
    push_separated(&mut out, &shapes, |shape, out| out.push_str(shape));
    out.push_str("],\"events\":[");
    out.push_str(&body);
    out.push_str("]}");
    out
}

/// Writes `items` comma-separated (without `str::join`, which costs 1 KB of wasm).
fn push_separated(out: &mut String, items: &[&str], write: fn(&str, &mut String)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(item, out);
    }
}

fn index_of<'a>(table: &mut Vec<&'a str>, item: &'a str) -> usize {
    table.iter().position(|known| *known == item).unwrap_or_else(|| {
        table.push(item);
        table.len() - 1
    })
}

/// A batch as the collector reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The site id.
    pub site: String,
    /// Why it was sent.
    pub reason: SendReason,
    /// The sender's wall clock at send time, ms since the epoch.
    pub sent_ms: i64,
    /// The events, in order.
    pub events: Vec<DecodedEvent>,
}

/// One event of a decoded batch.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedEvent {
    /// Stream id: with `seq`, the event's unique id.
    pub stream: String,
    /// Sequence number within the stream.
    pub seq: u64,
    /// Wall-clock time, ms since the epoch.
    pub time_ms: i64,
    /// The event name.
    pub name: String,
    /// The properties object.
    pub props: Value,
}

/// A batch the collector refuses: where (`events[3]`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchError {
    /// Where in the batch, as a path (`events[3]`, `site`).
    pub path: String,
    /// The rule it broke.
    pub problem: &'static str,
    /// The index of the bad event, when one event is to blame.
    pub event_index: Option<usize>,
}

impl core::fmt::Display for BatchError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.path)?;
        f.write_str(": ")?;
        f.write_str(self.problem)
    }
}

impl core::error::Error for BatchError {}

fn fail<T>(path: &str, problem: &'static str) -> Result<T, BatchError> {
    Err(BatchError { path: path.into(), problem, event_index: None })
}

/// Reads and checks a version-1 batch against the same limits the browser applies.
pub fn decode(text: &str) -> Result<Batch, BatchError> {
    let root =
        json::parse(text).map_err(|e| BatchError { path: "$".into(), problem: e.kind.message(), event_index: None })?;
    if !matches!(root, Value::Object(_)) {
        return fail("$", "must be an object");
    }
    if root.get("v").and_then(Value::as_i64) != Some(VERSION) {
        return fail("v", "must be 1");
    }
    let site = root.get("site").and_then(Value::as_str).unwrap_or("");
    if validate_site_id(site).is_err() {
        return fail("site", "must be a site id");
    }
    let reason = match root.get("reason").and_then(Value::as_str).and_then(SendReason::from_id) {
        Some(reason) => reason,
        None => return fail("reason", "must be size, age, flush, hide, retry or load"),
    };
    let sent_ms = integer_field(&root, "sent")?;
    let mut time_ms = integer_field(&root, "t")?;
    let streams = string_table(&root, "streams")?;
    if let Some(i) = streams.iter().position(|s| !is_stream_id(s)) {
        return fail(&indexed("streams", i), "must be 22 base64url characters");
    }
    let names = string_table(&root, "names")?;
    if let Some(i) = names.iter().position(|n| event::check_name(n).is_err()) {
        return fail(&indexed("names", i), "must be an event name");
    }
    let shapes = key_tables(&root)?;
    let Some(items) = root.get("events").and_then(Value::as_array) else {
        return fail("events", "must be an array");
    };
    let mut events = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let event = decode_event(item, &streams, &names, &shapes, &mut time_ms).map_err(|problem| BatchError {
            path: indexed("events", i),
            problem,
            event_index: Some(i),
        })?;
        events.push(event);
    }
    Ok(Batch { site: site.into(), reason, sent_ms, events })
}

fn indexed(table: &str, i: usize) -> String {
    let mut path = String::from(table);
    path.push('[');
    write_integer(i as i64, &mut path);
    path.push(']');
    path
}

fn integer_field(root: &Value, field: &'static str) -> Result<i64, BatchError> {
    root.get(field).and_then(Value::as_i64).map_or_else(|| fail(field, "must be a whole number"), Ok)
}

fn string_table<'v>(root: &'v Value, field: &'static str) -> Result<Vec<&'v str>, BatchError> {
    let items = root.get(field).and_then(Value::as_array).map_or_else(|| fail(field, "must be an array"), Ok)?;
    items.iter().map(|item| item.as_str().map_or_else(|| fail(field, "must hold strings"), Ok)).collect()
}

fn key_tables(root: &Value) -> Result<Vec<Vec<&str>>, BatchError> {
    let items = root.get("keys").and_then(Value::as_array).map_or_else(|| fail("keys", "must be an array"), Ok)?;
    items
        .iter()
        .enumerate()
        .map(|(i, shape)| {
            let keys: Option<Vec<&str>> = shape.as_array().and_then(|keys| keys.iter().map(Value::as_str).collect());
            keys.map_or_else(|| fail(&indexed("keys", i), "must be an array of strings"), Ok)
        })
        .collect()
}

fn decode_event(
    item: &Value,
    streams: &[&str],
    names: &[&str],
    shapes: &[Vec<&str>],
    time_ms: &mut i64,
) -> Result<DecodedEvent, &'static str> {
    let parts = item.as_array().ok_or("must be an array")?;
    if parts.len() < 5 {
        return Err("must be [stream, seq, dt, name, keys, ...values]");
    }
    let index = |i: usize, len: usize| parts[i].as_i64().filter(|n| *n >= 0 && (*n as usize) < len).map(|n| n as usize);
    let stream = index(0, streams.len()).ok_or("stream must index streams")?;
    let seq = parts[1].as_i64().filter(|n| *n >= 0).ok_or("seq must be a whole number ≥ 0")?;
    let dt = parts[2].as_i64().ok_or("dt must be a whole number")?;
    let name = index(3, names.len()).ok_or("name must index names")?;
    let keys = &shapes[index(4, shapes.len()).ok_or("keys must index keys")?];
    let values = &parts[5..];
    if values.len() != keys.len() {
        return Err("needs one value per key");
    }
    let props: Vec<(String, Value)> = keys.iter().map(|k| k.to_string()).zip(values.iter().cloned()).collect();
    event::check_props(props.len(), json::measure_members(&props)).map_err(event::EventProblem::message)?;
    *time_ms += dt;
    Ok(DecodedEvent {
        stream: streams[stream].into(),
        seq: seq as u64,
        time_ms: *time_ms,
        name: names[name].into(),
        props: Value::Object(props),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Event, Priority};
    use std::rc::Rc;

    const STREAM: &str = "Q2hlY2tvdXRTdGFydGVkIQ";
    const ADOPTED: &str = "AdoptedAdoptedAdopted_";
    const SITE: &str = "shop";

    fn encoded(seq: u64, time_ms: i64, name: &str, props: &str) -> Queued {
        from_stream(STREAM, seq, time_ms, name, props)
    }

    fn from_stream(stream: &str, seq: u64, time_ms: i64, name: &str, props: &str) -> Queued {
        let Value::Object(props) = json::parse(props).unwrap() else { panic!("props must be an object") };
        Queued {
            stream: Rc::new(stream.into()),
            seq,
            event: Event { name: name.into(), time_ms, props, priority: Priority::Touchpoint }.encode().unwrap(),
        }
    }

    #[test]
    fn adopted_events_keep_their_stream_and_each_stream_is_named_once() {
        let events =
            [from_stream(ADOPTED, 7, 10, "a", "{}"), encoded(0, 20, "a", "{}"), from_stream(ADOPTED, 8, 30, "a", "{}")];
        let text = encode(SITE, SendReason::Load, 40, &events);
        assert!(text.contains(r#""streams":["AdoptedAdoptedAdopted_","Q2hlY2tvdXRTdGFydGVkIQ"]"#), "{text}");
        let ids: Vec<_> = decode(&text).unwrap().events.into_iter().map(|e| (e.stream, e.seq)).collect();
        assert_eq!(ids, [(ADOPTED.to_owned(), 7), (STREAM.to_owned(), 0), (ADOPTED.to_owned(), 8)]);
    }

    #[test]
    fn encodes_the_documented_example() {
        let events = [
            encoded(0, 1_732_350_000_123, "checkout_started", r#"{"plan":"pro"}"#),
            encoded(1, 1_732_350_000_200, "checkout_started", r#"{"plan":"team"}"#),
        ];
        let text = encode(SITE, SendReason::Flush, 1_732_350_000_500, &events);
        assert_eq!(
            text,
            r#"{"v":1,"site":"shop","reason":"flush","sent":1732350000500,"t":1732350000123,"streams":["Q2hlY2tvdXRTdGFydGVkIQ"],"names":["checkout_started"],"keys":[["plan"]],"events":[[0,0,0,0,0,"pro"],[0,1,77,0,0,"team"]]}"#
        );
        let oracle: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(oracle["events"][1][5], "team");
    }

    #[test]
    fn decode_inverts_encode() {
        let events = [
            encoded(5, 1_000, "a", r#"{"x":1,"y":{"z":[true,null,"é"]}}"#),
            encoded(6, 900, "$response", r#"{"survey":"nps","value":9}"#),
            encoded(7, 1_500, "a", r#"{"x":2,"y":{}}"#),
            encoded(8, 1_500, "b", "{}"),
        ];
        let batch = decode(&encode(SITE, SendReason::Age, 2_000, &events)).unwrap();
        assert_eq!(batch.site, "shop");
        assert_eq!(batch.reason, SendReason::Age);
        assert_eq!(batch.sent_ms, 2_000);
        let summary: Vec<_> =
            batch.events.iter().map(|e| (e.seq, e.time_ms, e.name.as_str(), e.props.to_json())).collect();
        assert_eq!(
            summary,
            [
                (5, 1_000, "a", r#"{"x":1,"y":{"z":[true,null,"é"]}}"#.to_owned()),
                (6, 900, "$response", r#"{"survey":"nps","value":9}"#.to_owned()),
                (7, 1_500, "a", r#"{"x":2,"y":{}}"#.to_owned()),
                (8, 1_500, "b", "{}".to_owned()),
            ]
        );
        assert!(batch.events.iter().all(|e| e.stream == STREAM));
    }

    #[test]
    fn every_reason_round_trips() {
        for (reason, id) in REASONS {
            assert_eq!(reason.id(), id);
            assert_eq!(SendReason::from_id(id), Some(reason));
        }
    }

    #[test]
    fn bad_batches_name_the_path() {
        let good = encode(SITE, SendReason::Flush, 2, &[encoded(0, 1, "a", r#"{"k":1}"#)]);
        let cases = [
            ("[]", "$"),
            ("{", "$"),
            (&good.replace("\"v\":1", "\"v\":2") as &str, "v"),
            (&good.replace("\"shop\"", "\"s p\""), "site"),
            (&good.replace("\"flush\"", "\"whim\""), "reason"),
            (&good.replace(STREAM, "short"), "streams[0]"),
            (&good.replace("\"names\":[\"a\"]", "\"names\":[\"\"]"), "names[0]"),
            (&good.replace("[[\"k\"]]", "[[1]]"), "keys[0]"),
            (&good.replace("[0,0,0,0,0,1]", "[1,0,0,0,0,1]"), "events[0]"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0,0,0,0]"), "events[0]"),
            (&good.replace("[0,0,0,0,0,1]", "[0,-1,0,0,0,1]"), "events[0]"),
        ];
        for (text, path) in cases {
            let error = decode(text).unwrap_err();
            assert_eq!(error.path, path, "{text}");
        }
        let deep = good.replace("[0,0,0,0,0,1]", r#"[0,0,0,0,0,{"a":{"b":{"c":{"d":{"e":1}}}}}]"#);
        let error = decode(&deep).unwrap_err();
        assert_eq!((error.event_index, error.problem), (Some(0), "nested deeper than 5 levels"));
    }
}

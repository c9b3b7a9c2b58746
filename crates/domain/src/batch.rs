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

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::validate_site_id;
use super::event;
use super::id::{is_stream_id, MAX_SEQ};
use super::json::{self, write_integer, write_string, Value};
use super::queue::Queued;
use super::time;

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
    /// Every reason, in wire order: the shell's `SendReason` type is generated from it.
    pub fn all() -> impl Iterator<Item = SendReason> {
        REASONS.into_iter().map(|(reason, _)| reason)
    }

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

/// A batch the collector refuses: where (`events[3].dt`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchError {
    /// Where in the batch, as a path to the bad value (`events[3].dt`, `site`).
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

/// The members of a batch. Each must appear once: readers disagree on which of two copies
/// counts (`JSON.parse` and serde_json take the last, [`Value::get`] the first), and the
/// batch stored must be the batch any of them would read.
const FIELDS: [&str; 9] = ["v", "site", "reason", "sent", "t", "streams", "names", "keys", "events"];

/// The rule a time breaks when it, or the sum of `t` and the `dt`s up to it, leaves
/// `0 ..= time::MAX_TIME_MS`.
const TIME_OUT_OF_RANGE: &str = "time out of range";

/// Reads and checks a version-1 batch against the same limits the browser applies.
///
/// The text is a stranger's, and every number taken from it is checked before it is used:
/// `sent`, `t`, and each event's time (`t` plus the `dt`s up to it, added with checked
/// steps) must be legal event times ([`time::is_event_time`]); `seq` is at most
/// [`MAX_SEQ`]; `stream`, `name` and `keys` must point into their tables. A refusal names the
/// path of the bad value, e.g. `events[1023].dt: time out of range`; nothing is wrapped, nothing
/// panics.
pub fn decode(text: &str) -> Result<Batch, BatchError> {
    let root =
        json::parse(text).map_err(|e| BatchError { path: "$".into(), problem: e.kind.message(), event_index: None })?;
    let Value::Object(members) = &root else { return fail("$", "must be an object") };
    if let Some(field) = FIELDS.iter().find(|&&field| members.iter().filter(|(key, _)| key == field).count() > 1) {
        return fail(field, "must appear once");
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
    let sent_ms = time_field(&root, "sent")?;
    let mut time_ms = time_field(&root, "t")?;
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
        let event = decode_event(item, &streams, &names, &shapes, time_ms).map_err(|fault| {
            let mut path = indexed("events", i);
            if let Some(member) = fault.member {
                path.push('.');
                path.push_str(member);
            }
            BatchError { path, problem: fault.problem, event_index: Some(i) }
        })?;
        time_ms = event.time_ms;
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

/// The whole number `value` holds: `None` for anything but a number without fraction or
/// exponent. One too long for an `i64` reads as `i64::MIN` or `i64::MAX`, outside every range
/// here, so it is refused as out of range rather than as malformed.
fn whole(value: &Value) -> Option<i64> {
    match value {
        Value::Number(text) if !text.contains(['.', 'e', 'E']) => {
            Some(json::parse_integer(text).unwrap_or(if text.starts_with('-') { i64::MIN } else { i64::MAX }))
        }
        _ => None,
    }
}

/// The item of `table` that `index` points at, if it is a whole number within the table.
fn index_into<'t, T>(index: &Value, table: &'t [T]) -> Option<&'t T> {
    whole(index).and_then(|n| usize::try_from(n).ok()).and_then(|i| table.get(i))
}

fn time_field(root: &Value, field: &'static str) -> Result<i64, BatchError> {
    let ms = root.get(field).and_then(whole).map_or_else(|| fail(field, "must be a whole number"), Ok)?;
    if time::is_event_time(ms) {
        Ok(ms)
    } else {
        fail(field, TIME_OUT_OF_RANGE)
    }
}

fn string_table<'v>(root: &'v Value, field: &'static str) -> Result<Vec<&'v str>, BatchError> {
    let items = root.get(field).and_then(Value::as_array).map_or_else(|| fail(field, "must be an array"), Ok)?;
    let strings = items.iter().enumerate().map(|(i, item)| item.as_str().ok_or(i));
    strings.collect::<Result<_, _>>().or_else(|i| fail(&indexed(field, i), "must be a string"))
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

/// What is wrong with one event: the member at fault (`dt`), `None` when it is the event as
/// a whole, and the rule it broke.
struct Fault {
    member: Option<&'static str>,
    problem: &'static str,
}

impl Fault {
    fn of(member: &'static str, problem: &'static str) -> Fault {
        Fault { member: Some(member), problem }
    }

    fn whole(problem: &'static str) -> Fault {
        Fault { member: None, problem }
    }
}

/// Decodes one event, whose time is `dt` after `previous_ms` (the previous event's, or `t`).
fn decode_event(
    item: &Value,
    streams: &[&str],
    names: &[&str],
    shapes: &[Vec<&str>],
    previous_ms: i64,
) -> Result<DecodedEvent, Fault> {
    let parts = item.as_array().ok_or(Fault::whole("must be an array"))?;
    let [stream, seq, dt, name, keys, values @ ..] = parts else {
        return Err(Fault::whole("must be [stream, seq, dt, name, keys, ...values]"));
    };
    let stream = index_into(stream, streams).ok_or(Fault::of("stream", "must index streams"))?;
    let seq = whole(seq).ok_or(Fault::of("seq", "must be a whole number"))?;
    let seq =
        u64::try_from(seq).ok().filter(|&n| n <= MAX_SEQ).ok_or(Fault::of("seq", "must be from 0 to 2^53 - 1"))?;
    let dt = whole(dt).ok_or(Fault::of("dt", "must be a whole number"))?;
    let time_ms = time::after(previous_ms, dt).ok_or(Fault::of("dt", TIME_OUT_OF_RANGE))?;
    let name = index_into(name, names).ok_or(Fault::of("name", "must index names"))?;
    let keys = index_into(keys, shapes).ok_or(Fault::of("keys", "must index keys"))?;
    if values.len() != keys.len() {
        return Err(Fault::whole("needs one value per key"));
    }
    let props: Vec<(String, Value)> = keys.iter().map(|&k| k.to_owned()).zip(values.iter().cloned()).collect();
    event::check_props(props.len(), json::measure_members(&props)).map_err(|p| Fault::whole(p.message()))?;
    Ok(DecodedEvent { stream: (*stream).into(), seq, time_ms, name: (*name).into(), props: Value::Object(props) })
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
            (&good.replace("[\"Q2", "[7,\"Q2"), "streams[0]"),
            (&good.replace("\"names\"", "\"names\":[\"b\"],\"names\""), "names"),
            (&good.replace("\"t\":1", "\"t\":1,\"t\":8640000000000001"), "t"),
            (&good.replace("[0,0,0,0,0,1]", "[1,0,0,0,0,1]"), "events[0].stream"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0,0,0,0]"), "events[0]"),
            (&good.replace("[0,0,0,0,0,1]", "[0,-1,0,0,0,1]"), "events[0].seq"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0.5,0,0,0,1]"), "events[0].seq"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0,1e3,0,0,1]"), "events[0].dt"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0,0,1,0,1]"), "events[0].name"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0,0,0,\"0\",1]"), "events[0].keys"),
            (&good.replace("[0,0,0,0,0,1]", "[0,0,0,0,0,1,2]"), "events[0]"),
        ];
        for (text, path) in cases {
            let error = decode(text).unwrap_err();
            assert_eq!(error.path, path, "{text}");
        }
        let deep = good.replace("[0,0,0,0,0,1]", r#"[0,0,0,0,0,{"a":{"b":{"c":{"d":{"e":1}}}}}]"#);
        let error = decode(&deep).unwrap_err();
        assert_eq!((error.event_index, error.problem), (Some(0), "nested deeper than 5 levels"));
    }

    /// A one-event batch with these top-level numbers and this event.
    fn with_numbers(sent: &str, t: &str, event: &str) -> String {
        let mut text = String::from(r#"{"v":1,"site":"shop","reason":"flush","sent":"#);
        for part in
            [sent, r#","t":"#, t, r#","streams":[""#, STREAM, r#""],"names":["a"],"keys":[[]],"events":["#, event, "]}"]
        {
            text.push_str(part);
        }
        text
    }

    fn refusal(text: &str) -> (String, &'static str) {
        let error = decode(text).unwrap_err();
        (error.path, error.problem)
    }

    #[test]
    fn times_stay_in_the_range_of_a_javascript_date() {
        let max = time::MAX_TIME_MS.to_string();
        let past_max = (time::MAX_TIME_MS + 1).to_string();
        let at_max = decode(&with_numbers(&max, &max, "[0,0,0,0,0]")).unwrap();
        assert_eq!((at_max.sent_ms, at_max.events[0].time_ms), (time::MAX_TIME_MS, time::MAX_TIME_MS));
        let out_of_range = ("events[0].dt".to_owned(), TIME_OUT_OF_RANGE);
        assert_eq!(refusal(&with_numbers("1", "0", &format!("[0,0,{past_max},0,0]"))), out_of_range);
        assert_eq!(refusal(&with_numbers("1", "5", "[0,0,-6,0,0]")), out_of_range);
        assert_eq!(refusal(&with_numbers("1", "0", "[0,0,99999999999999999999999,0,0]")), out_of_range);
        assert_eq!(refusal(&with_numbers("1", "0", "[0,0,-9223372036854775808,0,0]")), out_of_range);
        assert_eq!(refusal(&with_numbers("1", &past_max, "[0,0,0,0,0]")), ("t".to_owned(), TIME_OUT_OF_RANGE));
        assert_eq!(refusal(&with_numbers("-1", "0", "[0,0,0,0,0]")), ("sent".to_owned(), TIME_OUT_OF_RANGE));
        assert_eq!(refusal(&with_numbers("1.5", "0", "[0,0,0,0,0]")), ("sent".to_owned(), "must be a whole number"));
        let back_to_zero = decode(&with_numbers("1", "5", "[0,0,-5,0,0]")).unwrap();
        assert_eq!(back_to_zero.events[0].time_ms, 0, "a negative dt is fine while the time stays legal");
    }

    #[test]
    fn seqs_and_indexes_are_checked_not_cast() {
        let max_seq = decode(&with_numbers("1", "0", &format!("[0,{MAX_SEQ},0,0,0]"))).unwrap();
        assert_eq!(max_seq.events[0].seq, MAX_SEQ);
        let seq = refusal(&with_numbers("1", "0", &format!("[0,{},0,0,0]", MAX_SEQ + 1)));
        assert_eq!(seq, ("events[0].seq".to_owned(), "must be from 0 to 2^53 - 1"));
        // 2³² and 2⁶⁴ + 1 would be index 0 and 1 if cast to a 32-bit `usize` or wrapped.
        for index in ["4294967296", "18446744073709551617", "-1"] {
            assert_eq!(refusal(&with_numbers("1", "0", &format!("[{index},0,0,0,0]"))).0, "events[0].stream");
            assert_eq!(refusal(&with_numbers("1", "0", &format!("[0,0,0,{index},0]"))).0, "events[0].name");
            assert_eq!(refusal(&with_numbers("1", "0", &format!("[0,0,0,0,{index}]"))).0, "events[0].keys");
        }
    }

    /// The batch of the issue: 1,200 events with `dt` = 2⁵³ − 1 each. Their sum, 1.08·10¹⁹,
    /// overflows an i64; it was answered 200 and stored with wrapped times.
    #[test]
    fn a_hostile_run_of_deltas_is_refused_where_it_leaves_the_range() {
        let dt = MAX_SEQ; // 2⁵³ − 1, the same number
        let events = vec![format!("[0,0,{dt},0,0]"); 1_200].join(",");
        let error = decode(&with_numbers("1732350000500", "1732350000123", &events)).unwrap_err();
        assert_eq!(error.to_string(), "events[0].dt: time out of range");
        assert_eq!(error.event_index, Some(0));
        // Each step legal on its own, their sum not: refused at the first event past the end.
        let step = time::MAX_TIME_MS / 8;
        let events = vec![format!("[0,0,{step},0,0]"); 1_200].join(",");
        let error = decode(&with_numbers("1", "0", &events)).unwrap_err();
        assert_eq!((error.path.as_str(), error.event_index), ("events[8].dt", Some(8)));
    }

    #[test]
    fn the_schema_states_the_ranges_decode_applies() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schema/batch.schema.json")).unwrap();
        let range = |node: &serde_json::Value| (node["minimum"].clone(), node["maximum"].clone());
        let time = (serde_json::json!(0), serde_json::json!(time::MAX_TIME_MS));
        assert_eq!(range(&schema["properties"]["sent"]), time);
        assert_eq!(range(&schema["properties"]["t"]), time);
        let parts = &schema["properties"]["events"]["items"]["items"];
        assert_eq!(range(&parts[1]), (serde_json::json!(0), serde_json::json!(MAX_SEQ)));
        assert_eq!(range(&parts[2]), (serde_json::json!(-time::MAX_TIME_MS), serde_json::json!(time::MAX_TIME_MS)));
    }
}

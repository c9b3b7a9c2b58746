//! Fuzzes `batch::decode`, which the collector runs on every request body: whatever the bytes,
//! it must not panic (overflow checks are on), and what it returns must hold the decoder's
//! invariants — legal times reached by exact sums, seqs in range, table indexes that were
//! valid, limits kept — or be a refusal that names its event's path.
#![no_main]

use cxkit_domain::batch::{decode, Batch, BatchError};
use cxkit_domain::config::validate_site_id;
use cxkit_domain::event::{check_name, check_props};
use cxkit_domain::id::{is_stream_id, MAX_SEQ};
use cxkit_domain::json::{measure_members, Value};
use cxkit_domain::time::is_event_time;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The collector hands `decode` UTF-8 text only (routes.rs, `batch_text`).
    let Ok(text) = std::str::from_utf8(data) else { return };
    match decode(text) {
        Ok(batch) => accepted(text, &batch),
        Err(error) => refused(&error),
    }
});

fn accepted(text: &str, batch: &Batch) {
    assert!(validate_site_id(&batch.site).is_ok());
    assert!(is_event_time(batch.sent_ms), "sent {}", batch.sent_ms);
    for event in &batch.events {
        assert!(is_stream_id(&event.stream), "stream {:?}", event.stream);
        assert!(event.seq <= MAX_SEQ, "seq {}", event.seq);
        assert!(is_event_time(event.time_ms), "time {}", event.time_ms);
        assert!(check_name(&event.name).is_ok(), "name {:?}", event.name);
        let Value::Object(props) = &event.props else { panic!("props are not an object") };
        assert!(check_props(props.len(), measure_members(props)).is_ok());
    }
    // serde_json refuses what the reader accepts on purpose (json.rs: lone surrogates,
    // numbers beyond f64, which may sit in property values); elsewhere it is the oracle.
    if let Ok(oracle) = serde_json::from_str::<serde_json::Value>(text) {
        agrees_with_oracle(&oracle, batch);
    }
}

/// The batch read by serde_json: each event's stream and name are the table items its
/// indexes name, its seq is the number sent, and its time is `t` plus the `dt`s up to it,
/// summed in i128 where nothing wraps.
fn agrees_with_oracle(oracle: &serde_json::Value, batch: &Batch) {
    // serde_json reads `-0` as a float; the decoder, rightly, as the integer 0.
    let int = |v: &serde_json::Value| {
        let whole = v.as_i64().or_else(|| (v.as_f64() == Some(0.0)).then_some(0));
        whole.map(i128::from).expect("an accepted integer fits an i64")
    };
    let events = oracle["events"].as_array().expect("events");
    assert_eq!(events.len(), batch.events.len());
    let mut time = int(&oracle["t"]);
    for (sent, event) in events.iter().zip(&batch.events) {
        let index = |i: usize| usize::try_from(int(&sent[i])).expect("a valid index");
        assert_eq!(oracle["streams"][index(0)].as_str(), Some(event.stream.as_str()));
        assert_eq!(int(&sent[1]), i128::from(event.seq));
        time += int(&sent[2]);
        assert_eq!(time, i128::from(event.time_ms), "the decoder's time is the exact sum");
        assert_eq!(oracle["names"][index(3)].as_str(), Some(event.name.as_str()));
    }
}

fn refused(error: &BatchError) {
    let message = error.to_string();
    assert!(message.starts_with(&error.path) && message.ends_with(error.problem));
    if let Some(i) = error.event_index {
        let event = format!("events[{i}]");
        assert!(error.path == event || error.path.starts_with(&(event + ".")), "{}", error.path);
    }
}

//! The wire format: `encode` then `decode` gives the events back, and a batch with hostile
//! numbers is refused exactly where a model in 128-bit integers says it leaves its range.

use std::rc::Rc;

use cxkit_domain::batch::{decode, encode, Batch, DecodedEvent, SendReason};
use cxkit_domain::event::{Event, Priority};
use cxkit_domain::id::MAX_SEQ;
use cxkit_domain::json::Value;
use cxkit_domain::queue::Queued;
use cxkit_domain::time::MAX_TIME_MS;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::strategy::{string, value};

const STREAMS: [&str; 3] = ["Q2hlY2tvdXRTdGFydGVkIQ", "AdoptedAdoptedAdopted_", "AAAAAAAAAAAAAAAAAAAAAA"];
const REASONS: [SendReason; 6] =
    [SendReason::Size, SendReason::Age, SendReason::Flush, SendReason::Hide, SendReason::Retry, SendReason::Load];

/// An event as the queue holds it, and as the collector must read it back.
fn queued() -> impl Strategy<Value = (Queued, DecodedEvent)> {
    let name = prop_oneof![
        prop::sample::select(vec!["a", "checkout_started", "$response", "$dismiss"]).prop_map(str::to_owned),
        "[a-z_$é😀 ]{1,100}".prop_map(|s: String| s),
    ];
    // Values nest 3 deep at most: 4 with the properties object, within `event::MAX_DEPTH`.
    let props = vec((string(12).prop_map(|(_, key)| key), value(3, 12).prop_map(|doc| doc.value)), 0..8);
    (prop::sample::select(STREAMS.to_vec()), 0..=MAX_SEQ, 0..=MAX_TIME_MS, name, props).prop_filter_map(
        "larger than an event may be",
        |(stream, seq, time_ms, name, props)| {
            let expected = DecodedEvent {
                stream: stream.to_owned(),
                seq,
                time_ms,
                name: name.clone(),
                props: Value::Object(props.clone()),
            };
            let event = Event { name, time_ms, props, priority: Priority::Touchpoint }.encode().ok()?;
            Some((Queued { stream: Rc::new(stream.to_owned()), seq, event }, expected))
        },
    )
}

/// An integer as text: small, near the ends of the time and seq ranges, at the ends of i64,
/// or too long for one.
fn integer() -> impl Strategy<Value = String> {
    let edges =
        [0, 1, -1, MAX_SEQ as i64, MAX_SEQ as i64 + 1, MAX_TIME_MS, MAX_TIME_MS + 1, -MAX_TIME_MS, i64::MAX, i64::MIN];
    prop_oneof![
        4 => (-1_000i64..1_000).prop_map(|n| n.to_string()),
        2 => (-MAX_TIME_MS..=MAX_TIME_MS).prop_map(|n| n.to_string()),
        2 => prop::sample::select(edges.to_vec()).prop_map(|n| n.to_string()),
        1 => "-?[1-9][0-9]{18,25}",
    ]
}

/// A decoded batch, as its `(seq, time_ms)`; or a refusal, as its path and event index.
type Verdict = Result<Vec<(u64, i64)>, (String, Option<usize>)>;

/// What `decode` must answer for a batch with these `t` and `(seq, dt)`: the times, or the
/// path of the first bad value and its event. Worked out in i128, where nothing overflows.
fn model(t: &str, events: &[(String, String)]) -> Verdict {
    let legal = |ms: i128| (0..=i128::from(MAX_TIME_MS)).contains(&ms);
    let mut time: i128 = t.parse().expect("an integer");
    if !legal(time) {
        return Err(("t".to_owned(), None));
    }
    let mut read = Vec::new();
    for (i, (seq, dt)) in events.iter().enumerate() {
        let seq: i128 = seq.parse().expect("an integer");
        if !(0..=i128::from(MAX_SEQ)).contains(&seq) {
            return Err((format!("events[{i}].seq"), Some(i)));
        }
        time += dt.parse::<i128>().expect("an integer");
        if !legal(time) {
            return Err((format!("events[{i}].dt"), Some(i)));
        }
        read.push((seq as u64, time as i64));
    }
    Ok(read)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decode_gives_back_what_encode_wrote(
        events in vec(queued(), 1..12),
        reason in prop::sample::select(REASONS.to_vec()),
        sent_ms in 0..=MAX_TIME_MS,
    ) {
        let (queued, expected): (Vec<_>, Vec<_>) = events.into_iter().unzip();
        let text = encode("shop", reason, sent_ms, &queued);
        prop_assert_eq!(decode(&text), Ok(Batch { site: "shop".to_owned(), reason, sent_ms, events: expected }));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn hostile_numbers_are_refused_where_they_leave_their_range(
        t in integer(),
        events in vec((integer(), integer()), 1..40),
    ) {
        let items: Vec<String> = events.iter().map(|(seq, dt)| format!("[0,{seq},{dt},0,0]")).collect();
        let text = format!(
            r#"{{"v":1,"site":"shop","reason":"flush","sent":1,"t":{t},"streams":["{}"],"names":["a"],"keys":[[]],"events":[{}]}}"#,
            STREAMS[0],
            items.join(","),
        );
        let decoded: Verdict = decode(&text)
            .map(|batch| batch.events.iter().map(|e| (e.seq, e.time_ms)).collect())
            .map_err(|error| (error.path, error.event_index));
        prop_assert_eq!(decoded, model(&t, &events));
    }
}

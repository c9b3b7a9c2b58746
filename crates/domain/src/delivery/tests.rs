//! The state machine driven as the shell drives it, with `now` passed in and an in-memory
//! localStorage: one module per concern.

use super::store::tests::Memory;
use super::*;
use crate::retry::MAX_RETRY_AFTER_MS;

const SITE: &str = "shop";
const OWN: &str = "AAAAAAAAAAAAAAAAAAAAAA";
const GONE: &str = "GoneGoneGoneGoneGone_A";
const TOP: u32 = u32::MAX;

fn at(mono: f64) -> Now {
    Now { mono, wall: 1_800_000_000_000 + mono as i64 }
}

/// A page load of the site over `memory`, with the default age limit.
fn page(consent: Consent) -> Delivery {
    Delivery::new(SITE, OWN.into(), 5_000, consent)
}

/// A buffer chunk of `n` small touchpoints named `name`.
fn chunk(name: &str, n: usize) -> String {
    let entries: Vec<String> = (0..n).map(|i| format!(r#"["{name}",{{"i":{i}}},1800000000000]"#)).collect();
    format!("[{}]", entries.join(","))
}

/// The `(stream index, seq)` of each event in a batch body.
fn ids(body: &str) -> Vec<(u64, u64)> {
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    body["events"].as_array().unwrap().iter().map(|e| (e[0].as_u64().unwrap(), e[1].as_u64().unwrap())).collect()
}

/// Applies a step's storage calls to `memory` and returns the step.
fn applied(memory: &Memory, step: Step) -> Step {
    memory.apply(&step.writes.calls);
    step
}

fn reason_of(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body).unwrap()["reason"].as_str().unwrap().into()
}

mod rounds {
    use super::*;

    #[test]
    fn a_waiting_event_arms_the_age_timer_once() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        let step = applied(&memory, page.take(&chunk("a", 2), &memory, at(0.0)));
        assert_eq!(step.timer, Timer::Arm { ms: 5_000.0, reason: SendReason::Age });
        assert_eq!(step.send, None);
        assert_eq!(applied(&memory, page.take(&chunk("b", 1), &memory, at(1.0))).timer, Timer::Keep);
    }

    #[test]
    fn a_full_batch_starts_a_round_at_once() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        let step = applied(&memory, page.take(&chunk("a", 500), &memory, at(0.0)));
        assert_eq!(step.send, Some(SendReason::Size));
    }

    #[test]
    fn a_round_sends_what_was_due_when_it_began_batch_after_batch() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(&chunk("a", 100), &memory, at(0.0)));
        applied(&memory, page.take(&chunk("a", 500), &memory, at(0.0)));
        let first = applied(&memory, page.round(SendReason::Size, Some(&chunk("b", 3)), &memory, at(1.0)));
        assert_eq!(first.timer, Timer::Disarm, "the round takes what the age timer would send");
        assert_eq!(ids(first.body.as_deref().unwrap()).len(), 500);
        applied(&memory, page.take(&chunk("late", 2), &memory, at(2.0)));
        let second = applied(&memory, page.settle(200, None, TOP, at(3.0)));
        assert_eq!(second.acknowledged, 500);
        assert_eq!(ids(second.body.as_deref().unwrap()).len(), 103, "the rest, and the 3 taken with the round");
        let done = applied(&memory, page.settle(200, None, TOP, at(4.0)));
        assert_eq!(
            (done.acknowledged, done.body, done.failed),
            (103, None, None),
            "the 2 late events wait for their own age"
        );
        assert_eq!(page.status().queued, 2);
    }

    #[test]
    fn pending_consent_sends_nothing_and_stores_nothing() {
        let (memory, mut page) = (Memory::default(), page(Consent::Pending));
        applied(&memory, page.take(&chunk("a", 2), &memory, at(0.0)));
        assert_eq!(page.round(SendReason::Flush, None, &memory, at(1.0)).body, None);
        assert!(memory.keys_now().is_empty());
        assert_eq!(page.status().queued, 2, "held in memory");
    }
}

mod deadlines {
    use super::*;

    fn failing(status: u16, retry_after: Option<u64>) -> (Memory, Delivery, Step) {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(&chunk("a", 3), &memory, at(0.0)));
        applied(&memory, page.round(SendReason::Flush, None, &memory, at(10.0)));
        let step = applied(&memory, page.settle(status, retry_after, TOP, at(20.0)));
        (memory, page, step)
    }

    #[test]
    fn after_a_failure_nothing_goes_before_the_deadline_not_even_a_flush() {
        let (memory, mut page, failed) = failing(500, None);
        assert_eq!(failed.timer, Timer::Arm { ms: 999.0, reason: SendReason::Retry });
        assert_eq!(failed.failed, Some(500));
        let early = page.round(SendReason::Flush, None, &memory, at(20.0 + 998.0));
        assert_eq!((early.body, early.failed), (None, Some(500)), "absent at T − 1 ms");
        let due = page.round(SendReason::Retry, None, &memory, at(20.0 + 999.0));
        assert_eq!(ids(due.body.as_deref().unwrap()), [(0, 0), (0, 1), (0, 2)], "present at T: the same ids");
        let again = page.settle(503, None, TOP, at(2_000.0));
        assert_eq!(again.timer, Timer::Arm { ms: 1_999.0, reason: SendReason::Retry }, "the wait doubles");
    }

    #[test]
    fn retry_after_is_honoured_and_clamped() {
        let (_, _, asked) = failing(429, Some(120_000));
        assert_eq!(asked.timer, Timer::Arm { ms: 120_000.0, reason: SendReason::Retry });
        let (_, _, day) = failing(503, Some(86_400_000));
        assert_eq!(day.timer, Timer::Arm { ms: MAX_RETRY_AFTER_MS as f64, reason: SendReason::Retry });
        let (_, _, refused) = failing(404, Some(1));
        assert!(matches!(refused.timer, Timer::Arm { ms, .. } if ms > 1.0), "only a retry honours Retry-After");
    }

    #[test]
    fn back_online_after_a_network_failure_the_retry_goes_at_once() {
        let (memory, mut page, _) = failing(0, None);
        assert_eq!(page.online().send, Some(SendReason::Retry));
        assert!(page.round(SendReason::Retry, None, &memory, at(21.0)).body.is_some());
        let (_, mut asked, _) = failing(503, None);
        assert_eq!(asked.online().send, None, "the server asked for the wait");
    }
}

mod stored_waits {
    use super::*;

    #[test]
    fn a_wait_the_collector_caused_holds_the_next_page_load_back_until_it_is_over() {
        let (memory, mut first) = (Memory::default(), page(Consent::Granted));
        applied(&memory, first.take(&chunk("a", 1), &memory, at(0.0)));
        applied(&memory, first.round(SendReason::Flush, None, &memory, at(0.0)));
        applied(&memory, first.settle(429, Some(120_000), TOP, at(0.0)));
        assert_eq!(memory.get("cxkit:shop:wait"), Some(format!("{}:429", at(0.0).wall + 120_000)));

        // A new page load of the site, 100 s later on the wall clock, its own monotonic clock at 0.
        let mut next = page(Consent::Granted);
        let later = Now { mono: 0.0, wall: at(0.0).wall + 100_000 };
        let held = applied(&memory, next.round(SendReason::Load, None, &memory, later));
        assert_eq!((held.failed, held.timer), (Some(429), Timer::Arm { ms: 20_000.0, reason: SendReason::Retry }));
        let retry = applied(
            &memory,
            next.round(
                SendReason::Retry,
                Some(&chunk("b", 1)),
                &memory,
                Now { mono: 20_000.0, wall: later.wall + 20_000 },
            ),
        );
        assert!(retry.body.is_some(), "right after the deadline");
        applied(&memory, next.settle(200, None, TOP, Now { mono: 20_001.0, wall: later.wall + 20_001 }));
        assert_eq!(memory.get("cxkit:shop:wait"), None, "cleared once delivered");
    }

    #[test]
    fn a_wait_for_the_network_is_not_stored() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(&chunk("a", 1), &memory, at(0.0)));
        applied(&memory, page.round(SendReason::Flush, None, &memory, at(0.0)));
        applied(&memory, page.settle(0, None, TOP, at(1.0)));
        assert_eq!(memory.get("cxkit:shop:wait"), None);
    }
}

mod hide_rule {
    use super::*;

    #[test]
    fn at_hide_the_first_batch_goes_with_keepalive_and_the_rest_as_usual() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        let big = format!(r#"["big",{{"s":"{}"}},1800000000000]"#, "x".repeat(900));
        let text = format!("[{}]", vec![big; 120].join(","));
        applied(&memory, page.take(&text, &memory, at(0.0)));
        let first = applied(&memory, page.round(SendReason::Hide, None, &memory, at(1.0)));
        assert!(first.keepalive);
        assert!(first.body.as_deref().unwrap().len() <= MAX_BATCH_BYTES, "within the keepalive quota");
        let second = applied(&memory, page.settle(200, None, TOP, at(2.0)));
        assert_eq!((second.body.is_some(), second.keepalive), (true, false));
        assert_eq!(reason_of(second.body.as_deref().unwrap()), "hide");
    }
}

mod persisted {
    use super::*;

    #[test]
    fn what_is_stored_is_what_the_core_accepted_under_a_key_naming_the_whole_range() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        let text = r#"[["ok",{"i":1},1],["$bad\n",{},2],["too_deep",{"a":[[[[[1]]]]]},3],["$response",{"value":9},4]]"#;
        applied(&memory, page.take(text, &memory, at(0.0)));
        assert_eq!(
            memory.get("cxkit:shop:AAAAAAAAAAAAAAAAAAAAAA:0:4").as_deref(),
            Some(r#"[["ok",{"i":1},1],null,null,["$response",{"value":9},4]]"#)
        );
        assert_eq!(page.status().rejected, 2);
        assert_eq!(page.status().stored, 4);
    }

    #[test]
    fn a_chunk_whose_events_are_all_refused_is_not_stored() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(r#"[7]"#, &memory, at(0.0)));
        assert!(memory.keys_now().is_empty());
        applied(&memory, page.take(&chunk("a", 1), &memory, at(0.0)));
        assert_eq!(
            memory.keys_now(),
            ["cxkit:shop:AAAAAAAAAAAAAAAAAAAAAA", "cxkit:shop:AAAAAAAAAAAAAAAAAAAAAA:1:2"],
            "the refused entry kept its seq"
        );
    }

    #[test]
    fn acknowledged_chunks_are_removed_and_the_lease_with_the_last() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(&chunk("a", 2), &memory, at(0.0)));
        applied(&memory, page.round(SendReason::Flush, None, &memory, at(1.0)));
        applied(&memory, page.settle(200, None, TOP, at(2.0)));
        assert!(memory.keys_now().is_empty());
    }

    #[test]
    fn a_page_load_adopts_what_a_gone_one_stored_with_its_ids_and_refuses_what_was_forged() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        memory.set(&format!("cxkit:shop:{GONE}:40:43"), r#"[["kept",{"i":0},1],null,["kept",{"i":2},2]]"#);
        memory.set(&format!("cxkit:shop:{GONE}:43:44"), "not json");
        memory.set("cxkit:shop:short:0:1", r#"[["forged",{},1]]"#);
        let step = applied(&memory, page.adopt(&memory, at(0.0)));
        assert_eq!(step.send, Some(SendReason::Load));
        assert_eq!(page.status().rejected, 2, "the broken chunk and the forged stream");
        let round = applied(&memory, page.round(SendReason::Load, None, &memory, at(1.0)));
        assert_eq!(ids(round.body.as_deref().unwrap()), [(0, 40), (0, 42)]);
        applied(&memory, page.settle(200, None, TOP, at(2.0)));
        assert!(memory.keys_now().is_empty(), "every adopted key removed");
    }

    #[test]
    fn a_live_tabs_chunks_are_not_adopted() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        memory.set(&format!("cxkit:shop:{GONE}:0:1"), r#"[["kept",{},1]]"#);
        memory.set(&format!("cxkit:shop:{GONE}"), &at(0.0).wall.to_string());
        assert_eq!(page.adopt(&memory, at(9_999.0)).send, None);
        assert_eq!(page.adopt(&memory, at(10_000.0)).send, Some(SendReason::Load), "its lease lapsed");
    }

    #[test]
    fn a_failed_write_turns_storage_off_and_removes_what_this_page_load_wrote() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(&chunk("a", 1), &memory, at(0.0)));
        memory.apply(&page.storage_failed());
        assert!(memory.keys_now().is_empty());
        let step = page.take(&chunk("b", 1), &memory, at(5_000.0));
        assert!(step.writes.calls.is_empty(), "in memory from now on");
        assert_eq!(page.status().queued, 2);
    }

    #[test]
    fn denied_consent_forgets_everything_and_removes_the_sites_keys() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        applied(&memory, page.take(&chunk("a", 1), &memory, at(0.0)));
        applied(&memory, page.set_consent(Consent::Denied, &memory));
        assert!(memory.keys_now().is_empty());
        assert_eq!(page.status().queued, 0);
    }

    #[test]
    fn leases_are_renewed_given_up_at_pagehide_and_taken_again_at_pageshow() {
        let (memory, mut page) = (Memory::default(), page(Consent::Granted));
        let first = applied(&memory, page.take(&chunk("a", 1), &memory, at(0.0)));
        assert!(first.writes.renew);
        let renewed = applied(&memory, page.renew(at(4_000.0)));
        assert!(renewed.writes.renew);
        assert_eq!(memory.get(&format!("cxkit:shop:{OWN}")), Some(at(4_000.0).wall.to_string()));
        applied(&memory, page.release());
        assert_eq!(memory.get(&format!("cxkit:shop:{OWN}")), None);
        applied(&memory, page.resume(at(5_000.0)));
        assert_eq!(memory.get(&format!("cxkit:shop:{OWN}")), Some(at(5_000.0).wall.to_string()));
    }
}

//! Sessions recomputed from raw events: the collector's own session scores, drop-outs and
//! funnel, never the browser's `$session_summary` (docs/tracker.md, "Collector").
//!
//! A site's events are grouped by their `sid` prop; each session's signal events are counted
//! as the browser counts them and scored by the domain crate's [`session_score`], the one
//! function the device and the collector share (decisions.md §21, §24). A session is closed
//! after [`IDLE_MS`] of silence at the collector's clock; a closed session that reached a
//! journey step but not the goal adds one [`SignalKind::Dropout`] and is a drop-out at its
//! furthest step.

use std::collections::BTreeMap;

use cxkit_domain::capture::session::IDLE_MS;
use cxkit_domain::capture::vitals::Rating;
use cxkit_domain::score::session::{session_score, Counts, Penalties, SessionScore, SignalKind};
use cxkit_domain::score::Tenths;

/// What the recomputation reads of one event that carries a `sid` (see `Store::session_events`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// The session id, the event's `sid` prop.
    pub sid: String,
    /// The event's wall-clock time, ms since the epoch, as the browser stamped it.
    pub time_ms: i64,
    /// The event name.
    pub name: String,
    /// `click` is JSON `true` (an `$error` that made an error click).
    pub click: bool,
    /// `rating`, when it is a string (`$vital`).
    pub rating: Option<String>,
    /// `index`, when it is a non-negative integer (a `$step` of the corridor).
    pub index: Option<u64>,
    /// `goal` is JSON `true` (the `$step` that is the corridor's last).
    pub goal: bool,
    /// `step`, when it is a string: the step's name (`$step`).
    pub step: Option<String>,
    /// `path`, when it is a string (`$pageview`): the touchpoint of crate::moments.
    pub path: Option<String>,
    /// `vid`, when it is a string (`$pageview` under granted consent): the visitor id.
    pub vid: Option<String>,
}

/// The summary the browser sends at each hide: never read here (docs/tracker.md, "Collector").
pub const SUMMARY: &str = "$session_summary";

/// The signal an event counts as, exactly as the browser counts it: an `$error` that made an
/// error click counts as its `$error_click` only, and a vital counts when rated poor or
/// needs-improvement. `None` for anything else, `$session_summary` included.
pub fn signal_of(event: &Observed) -> Option<SignalKind> {
    match event.name.as_str() {
        "$rage" => Some(SignalKind::Rage),
        "$dead" => Some(SignalKind::Dead),
        "$error_click" => Some(SignalKind::ErrorClick),
        "$error" if !event.click => Some(SignalKind::Error),
        "$vital" => event.rating.as_deref().and_then(rating_of).and_then(Rating::signal),
        "$form_abandon" => Some(SignalKind::FormAbandon),
        _ => None,
    }
}

/// The rating a `$vital`'s `rating` prop names, by web-vitals' ids as the browser writes them.
pub fn rating_of(id: &str) -> Option<Rating> {
    [Rating::Good, Rating::NeedsImprovement, Rating::Poor].into_iter().find(|rating| rating.id() == id)
}

/// Whether a session whose last event is at `last_ms` is over at `now_ms`: silent for more
/// than [`IDLE_MS`]. At exactly `IDLE_MS` the browser would still continue it (its rule is
/// inclusive: `capture::session::Session::continues_at`), so it is not over yet.
pub fn is_closed(last_ms: i64, now_ms: i64) -> bool {
    now_ms.saturating_sub(last_ms) > IDLE_MS
}

/// One session as the collector recomputes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The session id.
    pub sid: String,
    /// Events carrying this sid, [`SUMMARY`] events not included.
    pub events: u64,
    /// Time of its first event, ms since the epoch.
    pub first_ms: i64,
    /// Time of its last event, ms since the epoch.
    pub last_ms: i64,
    /// Silent for more than [`IDLE_MS`] at the collector's clock: its score is final.
    pub closed: bool,
    /// The highest `index` of its `$step` events, if it reached a step of the corridor.
    pub furthest: Option<u64>,
    /// One of its `$step` events has `goal: true`.
    pub goal: bool,
    /// Closed after reaching a step but not the goal: counted as one [`SignalKind::Dropout`].
    pub dropout: bool,
    /// Its signals, counted from raw events (the drop-out included).
    pub counts: Counts,
    /// `session_score(counts, Penalties::default())`.
    pub score: SessionScore,
}

/// A site's sessions and the names of its journey steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    /// Sessions by sid.
    pub sessions: Vec<Session>,
    /// Each step index seen, with the `step` name of its latest `$step` event.
    pub step_names: BTreeMap<u64, Option<String>>,
}

/// Groups `events` (in time order) by sid and scores each session as of `now_ms`.
/// [`SUMMARY`] events are skipped: not a count, not activity, not a session of their own.
pub fn recompute(events: impl IntoIterator<Item = Observed>, now_ms: i64) -> Recomputed {
    #[derive(Default)]
    struct Open {
        events: u64,
        first_ms: i64,
        last_ms: i64,
        furthest: Option<u64>,
        goal: bool,
        counts: Counts,
    }
    let mut open: BTreeMap<String, Open> = BTreeMap::new();
    let mut step_names = BTreeMap::new();
    for event in events.into_iter().filter(|e| e.name != SUMMARY) {
        let session = open.entry(event.sid.clone()).or_insert_with(|| Open {
            first_ms: event.time_ms,
            last_ms: event.time_ms,
            ..Open::default()
        });
        session.events += 1;
        session.first_ms = session.first_ms.min(event.time_ms);
        session.last_ms = session.last_ms.max(event.time_ms);
        if let Some(kind) = signal_of(&event) {
            session.counts.add(kind);
        }
        if event.name == "$step" {
            session.goal |= event.goal;
            if let Some(index) = event.index {
                session.furthest = session.furthest.max(Some(index));
                step_names.insert(index, event.step);
            }
        }
    }
    let penalties = Penalties::default();
    let sessions = open
        .into_iter()
        .map(|(sid, mut s)| {
            let closed = is_closed(s.last_ms, now_ms);
            let dropout = closed && s.furthest.is_some() && !s.goal;
            if dropout {
                s.counts.add(SignalKind::Dropout);
            }
            let score = session_score(&s.counts, &penalties);
            Session {
                sid,
                events: s.events,
                first_ms: s.first_ms,
                last_ms: s.last_ms,
                closed,
                furthest: s.furthest,
                goal: s.goal,
                dropout,
                counts: s.counts,
                score,
            }
        })
        .collect();
    Recomputed { sessions, step_names }
}

/// A band of session scores, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// Lowest score in the band.
    pub min: u8,
    /// Highest score in the band.
    pub max: u8,
}

/// The score bands `/v1/stats` reports, low to high: frustrated, mixed, smooth.
pub const BANDS: [Band; 3] = [Band { min: 0, max: 49 }, Band { min: 50, max: 79 }, Band { min: 80, max: 100 }];

/// One kind of reason, totalled over a site's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonTotal {
    /// The signal.
    pub kind: SignalKind,
    /// Sessions whose score lists it.
    pub sessions: u64,
    /// Its signals over those sessions.
    pub count: u64,
    /// Points it took off over those sessions (each session's capped points).
    pub points: u64,
}

/// One step of the journey funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelStep {
    /// The step's index in the corridor.
    pub index: u64,
    /// The `step` name of its latest `$step` event.
    pub name: Option<String>,
    /// Sessions whose furthest step is this one or a later one.
    pub reached: u64,
    /// Closed sessions that dropped out here (furthest step, no goal).
    pub dropouts: u64,
}

/// A site's sessions, summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Distinct sids.
    pub sessions: u64,
    /// Of those, closed.
    pub closed: u64,
    /// Of those, drop-outs.
    pub dropouts: u64,
    /// Mean session score, one decimal; `None` without sessions.
    pub mean: Option<Tenths>,
    /// Sessions per band of [`BANDS`], in order.
    pub bands: [u64; BANDS.len()],
    /// Reasons by sessions affected (most first), then points, then kind.
    pub reasons: Vec<ReasonTotal>,
    /// The funnel by step index.
    pub funnel: Vec<FunnelStep>,
    /// Sessions that reached the goal.
    pub goal: u64,
}

impl Summary {
    /// Sums up the recomputed sessions of a site.
    pub fn of(site: &Recomputed) -> Summary {
        let sessions = &site.sessions;
        let count = |keep: fn(&Session) -> bool| sessions.iter().filter(|s| keep(s)).count() as u64;
        let total: i64 = sessions.iter().map(|s| i64::from(s.score.score)).sum();
        let mut bands = [0; BANDS.len()];
        for session in sessions {
            if let Some(band) = BANDS.iter().position(|b| (b.min..=b.max).contains(&session.score.score)) {
                bands[band] += 1;
            }
        }
        let mut reasons: Vec<ReasonTotal> = Vec::new();
        for reason in sessions.iter().flat_map(|s| &s.score.reasons) {
            let at = reasons.iter().position(|t| t.kind == reason.kind).unwrap_or_else(|| {
                reasons.push(ReasonTotal { kind: reason.kind, sessions: 0, count: 0, points: 0 });
                reasons.len() - 1
            });
            let total = &mut reasons[at];
            total.sessions += 1;
            total.count += u64::from(reason.count);
            total.points += u64::from(reason.points);
        }
        reasons.sort_by(|a, b| {
            (b.sessions, b.points).cmp(&(a.sessions, a.points)).then_with(|| a.kind.id().cmp(b.kind.id()))
        });
        let funnel = site
            .step_names
            .iter()
            .map(|(&index, name)| FunnelStep {
                index,
                name: name.clone(),
                reached: sessions.iter().filter(|s| s.furthest >= Some(index)).count() as u64,
                dropouts: sessions.iter().filter(|s| s.dropout && s.furthest == Some(index)).count() as u64,
            })
            .collect();
        Summary {
            sessions: sessions.len() as u64,
            closed: count(|s| s.closed),
            dropouts: count(|s| s.dropout),
            mean: Tenths::ratio(total, sessions.len() as i64),
            bands,
            reasons,
            funnel,
            goal: count(|s| s.goal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::testing::{batch, Raw};
    use serde_json::{json, Value};
    use SignalKind::*;

    /// A wall time to start sessions at.
    const T0: i64 = 1_760_000_000_000;
    /// 30 min, written out rather than read from the domain crate.
    const THIRTY_MIN: i64 = 30 * 60 * 1_000;

    /// A store holding `events` of `site`, in one batch.
    fn store_of(site: &str, events: &[Raw]) -> Store {
        let mut store = Store::in_memory().unwrap();
        store.insert(&batch(site, 0, events), 100, 0).unwrap();
        store
    }

    fn sessions_of(store: &Store, site: &str, now_ms: i64) -> Recomputed {
        recompute(store.session_events(site, crate::window::Window::ALL).unwrap(), now_ms)
    }

    fn shop(store: &Store, now_ms: i64) -> Recomputed {
        sessions_of(store, "shop", now_ms)
    }

    fn session<'a>(site: &'a Recomputed, sid: &str) -> &'a Session {
        site.sessions.iter().find(|s| s.sid == sid).unwrap()
    }

    /// `(kind, count, points)` of a session's reasons, in their order.
    fn reasons(session: &Session) -> Vec<(SignalKind, u32, u32)> {
        session.score.reasons.iter().map(|r| (r.kind, r.count, r.points)).collect()
    }

    /// Session `sid`: a page view, then the signal events named, 1 s apart from `t`.
    fn signals(sid: &str, t: i64, names: &[&'static str]) -> Vec<Raw> {
        let mut events = vec![("$pageview", t, json!({ "sid": sid, "path": "/" }))];
        for (i, name) in names.iter().enumerate() {
            events.push((name, t + 1_000 * (i as i64 + 1), json!({ "sid": sid, "tag": "button" })));
        }
        events
    }

    #[test]
    fn a_session_is_scored_from_its_raw_signal_events() {
        // Published table (docs/tracker.md): rage 15/45, dead 5/20, error click 10/30,
        // error 5/20, vital poor 10/30, needs improvement 5/15, form abandon 10/20.
        let mut events = signals("s2", T0, &["$rage", "$dead", "$error"]);
        events.extend([
            ("$pageview", T0, json!({ "sid": "s1", "path": "/cart" })),
            ("$rage", T0 + 1, json!({ "sid": "s1", "clicks": 4 })),
            ("$error_click", T0 + 3, json!({ "sid": "s1", "message": "x is undefined" })),
            ("$error", T0 + 4, json!({ "sid": "s1", "message": "x is undefined", "click": true })),
            ("$error", T0 + 5, json!({ "sid": "s1", "message": "late", "click": false })),
            ("$vital", T0 + 6, json!({ "sid": "s1", "name": "LCP", "value": 4100, "rating": "poor" })),
            ("$vital", T0 + 7, json!({ "sid": "s1", "name": "CLS", "value": 0.2, "rating": "needs-improvement" })),
            ("$vital", T0 + 8, json!({ "sid": "s1", "name": "FCP", "value": 900, "rating": "good" })),
            ("$form_abandon", T0 + 9, json!({ "sid": "s1", "form": "checkout", "fields": 4, "last": "zip" })),
        ]);
        events.extend((0..5).map(|i| ("$dead", T0 + 10 + i, json!({ "sid": "s1", "tag": "a" }))));
        let site = shop(&store_of("shop", &events), T0 + 10_000);

        // s2: rage 15 + dead 5 + error 5 = 25 → 75; three kinds, below 80.
        let s2 = session(&site, "s2");
        assert_eq!(s2.score.score, 75);
        assert_eq!(reasons(s2), [(Rage, 1, 15), (Dead, 1, 5), (Error, 1, 5)]);

        // s1: dead 5 × 5 = 25, capped at 20; rage 15; error click 10 (its $error, click: true,
        // costs nothing more); the late error 5; vital poor 10; needs improvement 5 (good: 0);
        // form abandon 10. 100 − 75 = 25. Most points first, ties in table order.
        let s1 = session(&site, "s1");
        assert_eq!(s1.score.score, 25);
        assert_eq!(
            reasons(s1),
            [
                (Dead, 5, 20),
                (Rage, 1, 15),
                (ErrorClick, 1, 10),
                (VitalPoor, 1, 10),
                (FormAbandon, 1, 10),
                (Error, 1, 5),
                (VitalNeedsImprovement, 1, 5)
            ]
        );
        assert_eq!((s1.events, s1.first_ms, s1.last_ms, s1.closed), (14, T0, T0 + 14, false));
    }

    #[test]
    fn a_forged_session_summary_changes_nothing() {
        let honest = signals("s", T0, &["$rage", "$dead", "$error"]);
        let step = ("$step", T0 + 500, json!({ "sid": "s", "step": "cart", "index": 0 }));
        let last = T0 + 3_000;
        let now = last + THIRTY_MIN + 1;
        // Sent 1 ms before `now`: were it activity, the session would still be open.
        let forged = |sid: &str, score: u8, reasons: Value| {
            let props =
                json!({ "sid": sid, "score": score, "reasons": reasons, "pages": 1, "furthest": 3, "goal": true });
            ("$session_summary", now - 1, props)
        };
        let mut lying = honest.clone();
        lying.extend([step.clone(), forged("s", 100, json!([]))]);
        let mut truthful = honest.clone();
        truthful.push(step);
        // Closed: the summary's `goal: true` does not save the session from its drop-out either.
        let (lied, told) = (shop(&store_of("shop", &lying), now), shop(&store_of("shop", &truthful), now));
        assert_eq!(lied, told, "the same sessions, figure for figure");
        let lied = session(&lied, "s");
        assert_eq!((lied.closed, lied.dropout, lied.furthest, lied.last_ms), (true, true, Some(0), last));
        // rage 15 + dead 5 + error 5 + dropout 20 = 45 → 55.
        assert_eq!(lied.score.score, 55);

        // A clean session with a summary claiming the worst: still 100, no reasons.
        let clean = [
            ("$pageview", now, json!({ "sid": "c", "path": "/" })),
            forged("c", 0, json!([["rage", 9, 45], ["dropout", 1, 20]])),
        ];
        let clean = shop(&store_of("shop", &clean), now);
        assert_eq!((session(&clean, "c").score.score, reasons(session(&clean, "c"))), (100, vec![]));
        // A summary alone is no session.
        let alone = shop(&store_of("shop", &[forged("s", 0, json!([]))]), now);
        assert_eq!(alone.sessions, []);
    }

    #[test]
    fn an_error_that_made_an_error_click_is_not_an_error() {
        let events = [
            ("$error", T0, json!({ "sid": "x", "message": "m", "click": true })),
            ("$error", T0, json!({ "sid": "y", "message": "m", "click": false })),
            ("$error", T0 + 1, json!({ "sid": "y", "message": "m" })),
            // Only JSON `true` is an error click's error: a string is not.
            ("$error", T0 + 2, json!({ "sid": "y", "message": "m", "click": "true" })),
        ];
        let site = shop(&store_of("shop", &events), T0);
        assert_eq!((session(&site, "x").score.score, reasons(session(&site, "x"))), (100, vec![]));
        assert_eq!(reasons(session(&site, "y")), [(Error, 3, 15)]);
    }

    #[test]
    fn a_session_closes_after_thirty_minutes_of_silence_and_drops_out_at_its_furthest_step() {
        let journey = |sid: &str, steps: &[(u64, bool)]| -> Vec<Raw> {
            let mut events = vec![("$pageview", T0, json!({ "sid": sid, "path": "/" }))];
            for (i, &(index, goal)) in steps.iter().enumerate() {
                let mut props = json!({ "sid": sid, "step": format!("step {index}"), "index": index });
                if goal {
                    props["goal"] = json!(true);
                }
                events.push(("$step", T0 + 1_000 + i as i64, props));
            }
            events.push(("$rage", T0 + 3_000, json!({ "sid": sid, "clicks": 3 })));
            events
        };
        let mut events = journey("left", &[(0, false), (1, false)]);
        events.extend(journey("paid", &[(0, false), (1, false), (2, true)]));
        events.extend(journey("browsed", &[]));
        let store = store_of("shop", &events);
        let last = T0 + 3_000;

        let before = shop(&store, last + THIRTY_MIN - 1);
        let left = session(&before, "left");
        assert_eq!((left.closed, left.dropout, left.furthest), (false, false, Some(1)));
        assert_eq!(reasons(left), [(Rage, 1, 15)], "open: no drop-out yet");
        let summary = Summary::of(&before);
        assert_eq!((summary.sessions, summary.closed, summary.dropouts), (3, 0, 0));
        // At exactly 30 min the browser would still continue the session (its rule is
        // inclusive), so it is not over yet.
        assert!(!session(&shop(&store, last + THIRTY_MIN), "left").closed);

        let after = shop(&store, last + THIRTY_MIN + 1);
        let left = session(&after, "left");
        assert_eq!((left.closed, left.dropout, left.furthest), (true, true, Some(1)));
        // rage 15 + dropout 20 → 65.
        assert_eq!((left.score.score, reasons(left)), (65, vec![(Dropout, 1, 20), (Rage, 1, 15)]));
        for sid in ["paid", "browsed"] {
            let s = session(&after, sid);
            assert_eq!((s.closed, s.dropout, s.score.score), (true, false, 85), "{sid}: reached the goal or no step");
        }
        let summary = Summary::of(&after);
        assert_eq!((summary.sessions, summary.closed, summary.dropouts, summary.goal), (3, 3, 1, 1));
    }

    #[test]
    fn the_funnel_counts_sessions_that_reached_each_step_and_drop_outs_at_it() {
        let step = |sid: &str, t: i64, index: u64, name: &str| {
            ("$step", t, json!({ "sid": sid, "step": name, "index": index }))
        };
        let late = T0 + 2 * 3_600_000;
        let events = vec![
            step("a", T0, 0, "cart"),
            step("a", T0 + 1, 1, "address"),
            ("$step", T0 + 2, json!({ "sid": "a", "step": "paid", "index": 2, "goal": true })),
            step("b", T0, 0, "cart"),
            step("b", T0 + 1, 1, "address"),
            step("c", T0 + 5, 0, "cart"),
            step("d", late, 0, "basket"), // the latest name of step 0
            step("d", late, 1, "address"),
            ("$pageview", T0, json!({ "sid": "e", "path": "/" })),
            step("f", T0, 1, "address"), // skipped step 0: it reached at least step 0
            // Not a step of the corridor: no index, or not an integer one.
            ("$step", T0, json!({ "sid": "g", "step": "newsletter" })),
            ("$step", T0, json!({ "sid": "g", "step": "odd", "index": "1" })),
        ];
        let site = shop(&store_of("shop", &events), late + 1_000);
        let summary = Summary::of(&site);
        let funnel: Vec<_> =
            summary.funnel.iter().map(|s| (s.index, s.name.as_deref(), s.reached, s.dropouts)).collect();
        assert_eq!(
            funnel,
            [(0, Some("basket"), 5, 1), (1, Some("address"), 4, 2), (2, Some("paid"), 1, 0)],
            "0: a b c d f, c left; 1: a b d f, b and f left (d is open); 2: a"
        );
        assert_eq!((summary.sessions, summary.closed, summary.dropouts, summary.goal), (7, 6, 3, 1));
    }

    #[test]
    fn scores_are_banded_and_averaged_with_reasons_totalled() {
        let mut events = signals("clean", T0, &[]);
        events.extend(signals("80", T0, &["$rage", "$dead"])); // 15 + 5
        events.extend(signals("50", T0, &["$rage", "$rage", "$rage", "$dead"])); // 45 + 5
        events.extend(signals("45", T0, &["$rage", "$rage", "$rage", "$rage", "$error_click"])); // 45 (cap) + 10
        let summary = Summary::of(&shop(&store_of("shop", &events), T0));
        assert_eq!(summary.bands, [1, 1, 2], "45 | 50 | 80, 100");
        assert_eq!(summary.mean, Some(Tenths(688)), "275 / 4 = 68.75 → 68.8");
        let totals: Vec<_> = summary.reasons.iter().map(|r| (r.kind, r.sessions, r.count, r.points)).collect();
        assert_eq!(totals, [(Rage, 3, 8, 105), (Dead, 2, 2, 10), (ErrorClick, 1, 1, 10)]);
    }

    #[test]
    fn sites_are_kept_apart() {
        let mut store = Store::in_memory().unwrap();
        store.insert(&batch("shop", 0, &signals("s", T0, &["$rage"])), 100, 0).unwrap();
        store.insert(&batch("blog", 0, &signals("s", T0, &[])), 100, 0).unwrap();
        assert_eq!(session(&sessions_of(&store, "shop", T0), "s").score.score, 85);
        assert_eq!(session(&sessions_of(&store, "blog", T0), "s").score.score, 100);
        let none = Summary::of(&sessions_of(&store, "elsewhere", T0));
        assert_eq!((none.sessions, none.mean, none.bands), (0, None, [0, 0, 0]), "no session, no mean");
        assert_eq!((none.funnel.len(), none.reasons.len()), (0, 0));
    }
}

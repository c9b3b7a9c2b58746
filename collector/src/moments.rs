//! Moments of truth: the touchpoints (pages and journey steps) that go with a bad experience
//! most strongly, for `moments` of `GET /v1/stats` (issue 18).
//!
//! Per touchpoint, over the recomputed sessions (crate::sessions) that had it — a page: a
//! `$pageview` of that `path`; a step: a `$step` of that `index` — four shares, each a percent
//! with one decimal (decisions.md §21) and `None` over an empty set:
//!
//! - `detractor`: of those sessions whose visitor answered NPS, the share whose visitor is a
//!   detractor (0–6). A visitor's bucket is their latest answer (decisions.md §32): a visitor is
//!   the `vid` of the session's page views, or the session alone without one; an answer belongs
//!   to the visitor of the session (`sid`) it was given in, and colours every session of theirs;
//! - `unsatisfied`: likewise with the visitor's latest CSAT answer, 1–3;
//! - `low_score`: the share of those sessions scoring below [`LOW_SCORE`];
//! - `dropout`: a step: the share of those sessions that dropped out *at* it (their furthest
//!   step, no goal, closed); a page: the share of those sessions that dropped out after visiting it.
//!
//! The same four shares over all the site's sessions are the baseline, but for a step's drop-out
//! share: a page's is held against the share of sessions that dropped out anywhere, a step's
//! against the drop-outs at any step over the sessions that had each step, summed over the steps
//! (Σ drop-outs at a step / Σ sessions that had a step: what a step would show if drop-outs were
//! spread evenly over the steps reached). **The gap** is the mean, over the shares
//! that are not `None` for the touchpoint (and for the site), of the touchpoint's share minus the
//! site's, in percentage points with one decimal: each share is first rounded to tenths, then the
//! differences are averaged and rounded half away from zero. A positive gap: the touchpoint's
//! sessions fare worse than the site's. Touchpoints of fewer than [`MIN_SESSIONS`] sessions are
//! left out; the rest are ranked by gap (highest first), then sessions (most first), then pages
//! before steps, then path or index; at most [`MAX_MOMENTS`] are listed.

use std::collections::{BTreeMap, BTreeSet};

use cxkit_domain::score::nps::NpsBucket;
use cxkit_domain::score::Tenths;
use cxkit_domain::survey::SurveyKind;

use crate::sessions::{Observed, Session};
use crate::store::ResponseEvent;

/// A session scoring below this is a low score (the frustrated band of `/v1/stats`).
pub const LOW_SCORE: u8 = 50;
/// Touchpoints had by fewer sessions are not ranked.
pub const MIN_SESSIONS: u64 = 3;
/// The most moments listed.
pub const MAX_MOMENTS: usize = 20;

/// A page or a journey step.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Touchpoint {
    /// A page, by the `path` of its `$pageview`s.
    Page(String),
    /// A journey step, by its index in the corridor.
    Step(u64),
}

/// What each session touched and who its visitor is, read from its raw events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// By sid: the touchpoints the session had.
    pub touchpoints: BTreeMap<String, BTreeSet<Touchpoint>>,
    /// By sid: the `vid` of its first page view that carries one.
    pub visitors: BTreeMap<String, String>,
}

impl Touched {
    /// Reads `events` (those crate::sessions::recompute reads).
    pub fn of(events: &[Observed]) -> Touched {
        let mut touched = Touched::default();
        for event in events {
            let touchpoint = match (event.name.as_str(), &event.path, event.index) {
                ("$pageview", Some(path), _) => Some(Touchpoint::Page(path.clone())),
                ("$step", _, Some(index)) => Some(Touchpoint::Step(index)),
                _ => None,
            };
            if let Some(touchpoint) = touchpoint {
                touched.touchpoints.entry(event.sid.clone()).or_default().insert(touchpoint);
            }
            if let (Some(vid), "$pageview") = (&event.vid, event.name.as_str()) {
                touched.visitors.entry(event.sid.clone()).or_insert_with(|| vid.clone());
            }
        }
        touched
    }
}

/// Four shares, each a percent in tenths, `None` over an empty set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    /// Sessions whose visitor is an NPS detractor, of those whose visitor answered NPS.
    pub detractor: Option<Tenths>,
    /// Sessions whose visitor's latest CSAT is 1–3, of those whose visitor answered CSAT.
    pub unsatisfied: Option<Tenths>,
    /// Sessions scoring below [`LOW_SCORE`].
    pub low_score: Option<Tenths>,
    /// Sessions that dropped out (at the step; after the page).
    pub dropout: Option<Tenths>,
}

impl Shares {
    fn all(self) -> [Option<Tenths>; 4] {
        [self.detractor, self.unsatisfied, self.low_score, self.dropout]
    }

    /// The gap of these shares over `site`'s (see the module's documentation).
    pub fn gap(self, site: Shares) -> Option<Tenths> {
        let differences: Vec<i64> =
            self.all().into_iter().zip(site.all()).filter_map(|(own, site)| Some(own?.0 - site?.0)).collect();
        Tenths::ratio(differences.iter().sum(), 10 * differences.len() as i64)
    }
}

/// One ranked touchpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// The page or step.
    pub touchpoint: Touchpoint,
    /// A step's name (its latest `$step`'s `step`); a page's path.
    pub name: Option<String>,
    /// Sessions that had it.
    pub sessions: u64,
    /// Its shares.
    pub shares: Shares,
    /// Its gap over the site's shares.
    pub gap: Tenths,
}

/// The moments of truth and the site's shares they are measured against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moments {
    /// The site-wide shares (the drop-out share: sessions that dropped out anywhere).
    pub site: Shares,
    /// The baseline of a step's drop-out share: drop-outs at a step per session that had a step.
    pub step_dropout: Option<Tenths>,
    /// The ranked touchpoints.
    pub ranked: Vec<Moment>,
}

/// What one session counts as.
struct Rated {
    detractor: Option<bool>,
    unsatisfied: Option<bool>,
    low: bool,
    dropout: bool,
}

/// The shares of sessions, each given with whether it counts as a drop-out here.
fn shares<'a>(rated: impl Iterator<Item = (&'a Rated, bool)>) -> (u64, Shares) {
    let (mut n, mut low, mut out, mut nps, mut det, mut csat, mut uns) = (0, 0, 0, 0, 0, 0, 0);
    for (r, dropout) in rated {
        n += 1;
        low += i64::from(r.low);
        out += i64::from(dropout);
        if let Some(d) = r.detractor {
            nps += 1;
            det += i64::from(d);
        }
        if let Some(u) = r.unsatisfied {
            csat += 1;
            uns += i64::from(u);
        }
    }
    let share = |part: i64, of: i64| Tenths::ratio(part * 100, of);
    let shares = Shares {
        detractor: share(det, nps),
        unsatisfied: share(uns, csat),
        low_score: share(low, n),
        dropout: share(out, n),
    };
    (n as u64, shares)
}

/// Ranks the touchpoints of `sessions` (recomputed from the events `touched` was read from),
/// with the site's `responses` (in time order) and the step names of the funnel.
pub fn rank(
    sessions: &[Session],
    touched: &Touched,
    responses: &[ResponseEvent],
    step_names: &BTreeMap<u64, Option<String>>,
) -> Moments {
    let visitor_of = |sid: &str| touched.visitors.get(sid).cloned().unwrap_or_else(|| format!("sid:{sid}"));
    // Each visitor's latest answer of each kind (responses come in time order: the last wins).
    let mut nps: BTreeMap<String, u8> = BTreeMap::new();
    let mut csat: BTreeMap<String, u8> = BTreeMap::new();
    for response in responses {
        let (Some(sid), Some((kind, value))) = (&response.sid, response.answer) else { continue };
        match kind {
            SurveyKind::Nps => nps.insert(visitor_of(sid), value),
            SurveyKind::Csat => csat.insert(visitor_of(sid), value),
            _ => None,
        };
    }
    let rated: Vec<(&Session, Rated)> = sessions
        .iter()
        .map(|s| {
            let visitor = visitor_of(&s.sid);
            let rated = Rated {
                detractor: nps.get(&visitor).map(|v| NpsBucket::of(*v) == Some(NpsBucket::Detractor)),
                unsatisfied: csat.get(&visitor).map(|v| *v <= 3),
                low: s.score.score < LOW_SCORE,
                dropout: s.dropout,
            };
            (s, rated)
        })
        .collect();
    let (_, site) = shares(rated.iter().map(|(_, r)| (r, r.dropout)));
    let mut had: BTreeMap<&Touchpoint, Vec<&(&Session, Rated)>> = BTreeMap::new();
    for entry in &rated {
        for touchpoint in touched.touchpoints.get(&entry.0.sid).into_iter().flatten() {
            had.entry(touchpoint).or_default().push(entry);
        }
    }
    let (mut at_steps, mut step_sessions) = (0, 0);
    for (touchpoint, entries) in &had {
        if let Touchpoint::Step(index) = touchpoint {
            step_sessions += entries.len() as i64;
            at_steps += entries.iter().filter(|(s, _)| s.dropout && s.furthest == Some(*index)).count() as i64;
        }
    }
    let step_dropout = Tenths::ratio(at_steps * 100, step_sessions);
    let mut ranked: Vec<Moment> = had
        .into_iter()
        .filter(|(_, entries)| entries.len() as u64 >= MIN_SESSIONS)
        .filter_map(|(touchpoint, entries)| {
            let (sessions, shares) = shares(entries.iter().map(|(s, r)| {
                let dropout = match touchpoint {
                    Touchpoint::Page(_) => r.dropout,
                    Touchpoint::Step(index) => r.dropout && s.furthest == Some(*index),
                };
                (r, dropout)
            }));
            let name = match touchpoint {
                Touchpoint::Page(path) => Some(path.clone()),
                Touchpoint::Step(index) => step_names.get(index).cloned().flatten(),
            };
            let baseline = match touchpoint {
                Touchpoint::Page(_) => site,
                Touchpoint::Step(_) => Shares { dropout: step_dropout, ..site },
            };
            Some(Moment { touchpoint: touchpoint.clone(), name, sessions, shares, gap: shares.gap(baseline)? })
        })
        .collect();
    ranked.sort_by(|a, b| (b.gap, b.sessions).cmp(&(a.gap, a.sessions)).then_with(|| a.touchpoint.cmp(&b.touchpoint)));
    ranked.truncate(MAX_MOMENTS);
    Moments { site, step_dropout, ranked }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::recompute;
    use crate::store::Store;
    use crate::testing::{batch, Raw};
    use crate::window::Window;
    use serde_json::json;

    const T0: i64 = 1_760_000_000_000;
    /// After 30 min of silence: every session is closed.
    const LATER: i64 = T0 + 31 * 60 * 1_000;

    /// A session: `vid` on its page views, the `paths` viewed, the step indexes reached (the last
    /// is the goal when `goal`), `rage` rage clicks.
    fn session(sid: &str, vid: &str, paths: &[&str], steps: &[u64], goal: bool, rage: usize) -> Vec<Raw> {
        let mut events = Vec::new();
        let mut t = T0;
        for path in paths {
            events.push(("$pageview", t, json!({ "sid": sid, "vid": vid, "path": path })));
            t += 1;
        }
        for (i, index) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            let name = ["cart", "pay", "done"][*index as usize];
            events.push(("$step", t, json!({ "sid": sid, "step": name, "index": index, "goal": goal && last })));
            t += 1;
        }
        for _ in 0..rage {
            events.push(("$rage", t, json!({ "sid": sid, "clicks": 3 })));
            t += 1;
        }
        events
    }

    fn answer(sid: &str, kind: &str, value: u8, t: i64) -> Raw {
        ("$response", t, json!({ "sid": sid, "survey": kind, "question": kind, "kind": kind, "value": value }))
    }

    #[test]
    fn touchpoints_are_ranked_by_their_gap_over_the_site() {
        let mut events = Vec::new();
        // a: /, /cart, cart → pay, dropped out at pay: 100 − 20 (drop-out) − 30 (rage ×2, 15 each) = 50.
        events.extend(session("a", "va", &["/", "/cart"], &[0, 1], false, 2));
        // b: /, /cart, cart → pay → done: the goal. 100.
        events.extend(session("b", "vb", &["/", "/cart"], &[0, 1, 2], true, 0));
        // c: /, /cart, cart, dropped out at cart, rage ×3: 100 − 20 − 45 = 35 (low).
        events.extend(session("c", "vc", &["/", "/cart"], &[0], false, 3));
        // d: / only. 100.
        events.extend(session("d", "vd", &["/"], &[], false, 0));
        // e: /cart, cart → pay, dropped out at pay: 80. Same visitor as a.
        events.extend(session("e", "va", &["/cart"], &[0, 1], false, 0));
        events.extend([
            answer("a", "nps", 9, T0 + 100),                           // va: promoter, then …
            answer("e", "nps", 3, T0 + 200),                           // … a detractor: its latest answer
            answer("b", "nps", 10, T0 + 100),                          // vb: promoter
            answer("c", "nps", 7, T0 + 100),                           // vc: passive
            answer("c", "csat", 2, T0 + 100),                          // vc: unsatisfied
            answer("b", "csat", 5, T0 + 100),                          // vb: satisfied
            ("$response", T0, json!({ "survey": "nps", "value": 0 })), // no sid: no visitor
        ]);
        let mut store = Store::in_memory().unwrap();
        store.insert(&batch("shop", 0, &events), 100, 0).unwrap();
        let observed = store.session_events("shop", Window::ALL).unwrap();
        let touched = Touched::of(&observed);
        let site = recompute(observed, LATER);
        let responses = store.responses("shop", Window::ALL).unwrap();
        let moments = rank(&site.sessions, &touched, &responses, &site.step_names);

        let pct = |t: i64| Some(Tenths(t));
        // Site: 5 sessions. NPS visitors: a, e (va, detractor), b (promoter), c (passive): 2 of 4
        // = 50.0. CSAT: c unsatisfied, b not: 1 of 2 = 50.0. Low (< 50): c: 1 of 5 = 20.0.
        // Drop-outs: a, c, e: 3 of 5 = 60.0.
        assert_eq!(
            moments.site,
            Shares { detractor: pct(500), unsatisfied: pct(500), low_score: pct(200), dropout: pct(600) }
        );
        assert_eq!(moments.step_dropout, pct(375));
        let seen: Vec<_> = moments
            .ranked
            .iter()
            .map(|m| (m.touchpoint.clone(), m.name.as_deref(), m.sessions, m.shares.all(), m.gap))
            .collect();
        let page = |p: &str| Touchpoint::Page(p.into());
        // /cart: a, b, c, e. Detractors a, e of 4 = 50.0 (±0); CSAT c of b, c = 50.0 (±0); low c
        // = 25.0 (+5.0); dropped out after it: a, c, e = 75.0 (+15.0). Gap (0 + 0 + 5.0 + 15.0) / 4 = 5.0.
        // /: a, b, c, d. Detractor a of a, b, c = 33.3 (−16.7); CSAT 50.0 (±0); low c = 25.0 (+5.0);
        // drop-outs a, c = 50.0 (−10.0). Gap (−16.7 + 0 + 5.0 − 10.0) / 4 = −5.425 → −5.4.
        // Steps are held against the drop-outs at a step per session that had a step: step 0 had
        // a, b, c, e, step 1 a, b, e, step 2 b: 8; drop-outs c at 0, a and e at 1: 3 of 8 = 37.5.
        // Step 0 (cart): a, b, c, e: as /cart, but dropped out AT cart: c only = 25.0 (−12.5).
        // Gap (0 + 0 + 5.0 − 12.5) / 4 = −1.875 → −1.9 (half away from zero).
        // Step 1 (pay): a, b, e. Detractors a, e of 3 = 66.7 (+16.7); CSAT b: 0 of 1 = 0.0 (−50.0);
        // low none = 0.0 (−20.0); dropped out AT pay: a, e = 66.7 (+29.2).
        // Gap (16.7 − 50.0 − 20.0 + 29.2) / 4 = −6.025 → −6.0.
        assert_eq!(
            seen,
            [
                (page("/cart"), Some("/cart"), 4, [pct(500), pct(500), pct(250), pct(750)], Tenths(50)),
                (Touchpoint::Step(0), Some("cart"), 4, [pct(500), pct(500), pct(250), pct(250)], Tenths(-19)),
                (page("/"), Some("/"), 4, [pct(333), pct(500), pct(250), pct(500)], Tenths(-54)),
                (Touchpoint::Step(1), Some("pay"), 3, [pct(667), pct(0), pct(0), pct(667)], Tenths(-60)),
            ],
            "step 2 (done) had one session only: left out"
        );
    }
}

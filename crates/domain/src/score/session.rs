//! The session experience score (decisions.md §24, docs/tracker.md "Session score"):
//! `max(0, 100 − Σ over kinds min(cap, points × count))`, with the reasons that cost points.
//!
//! One constant table, [`DEFAULT_PENALTIES`], holds the default points and caps; a site may
//! override each (`score.<kind>.points` / `.cap`, checked by [`Penalties::set`]). Counting what
//! happened is the caller's job and has one rule the table cannot express: **an error click
//! replaces its JS error's penalty**, so the caller counts under [`SignalKind::Error`] only the
//! errors that belong to no click — [`Classifier::error`](crate::capture::clicks::Classifier::error)
//! returns `false` for exactly those (an error inside a rage burst belongs to the burst, whose rage penalty is the
//! penalty for that incident).

use alloc::string::String;
use alloc::vec::Vec;

use crate::json;

/// What costs a session points, in the order the docs list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    /// A rage burst (`$rage`): ≥ 3 quick clicks on one spot.
    Rage,
    /// A dead click (`$dead`): an actionable element that did nothing.
    Dead,
    /// An error click (`$error_click`): a JS error right after a click.
    ErrorClick,
    /// A JS error that belongs to no click (`$error` with `click: false`).
    Error,
    /// A web vital rated poor.
    VitalPoor,
    /// A web vital rated needs-improvement.
    VitalNeedsImprovement,
    /// A form started and left unsubmitted (`$form_abandon`).
    FormAbandon,
    /// The journey corridor entered and left before its goal: known only when the session
    /// ends, so the collector adds it; the live score on the device has none.
    Dropout,
}

impl SignalKind {
    /// Every kind, in table order. The order is append-only: [`Counts::encode`] is positional.
    pub const ALL: [SignalKind; 8] = [
        SignalKind::Rage,
        SignalKind::Dead,
        SignalKind::ErrorClick,
        SignalKind::Error,
        SignalKind::VitalPoor,
        SignalKind::VitalNeedsImprovement,
        SignalKind::FormAbandon,
        SignalKind::Dropout,
    ];

    /// The id, as on the wire (`reasons`) and in config field names (`score.rage.points`).
    pub fn id(self) -> &'static str {
        match self {
            SignalKind::Rage => "rage",
            SignalKind::Dead => "dead",
            SignalKind::ErrorClick => "error_click",
            SignalKind::Error => "error",
            SignalKind::VitalPoor => "vital_poor",
            SignalKind::VitalNeedsImprovement => "vital_needs_improvement",
            SignalKind::FormAbandon => "form_abandon",
            SignalKind::Dropout => "dropout",
        }
    }

    /// The kind with this id.
    pub fn from_id(id: &str) -> Option<SignalKind> {
        SignalKind::ALL.iter().copied().find(|kind| kind.id() == id)
    }
}

/// What one kind costs: `points` per occurrence, at most `cap` in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Penalty {
    /// Points lost per occurrence, 0–[`MAX_POINTS`].
    pub points: u32,
    /// Most points this kind can cost a session, 0–[`MAX_CAP`].
    pub cap: u32,
}

/// The largest `points` a site may set: one occurrence can cost the whole score, no more.
pub const MAX_POINTS: u32 = 100;
/// The largest `cap` a site may set, for the same reason.
pub const MAX_CAP: u32 = 100;

/// The default penalties, in [`SignalKind::ALL`] order: the one table, published in
/// docs/tracker.md. The reasoning, kind by kind:
/// - **rage 15 / 45**: the clearest sign of frustration we observe, and rarely a false alarm;
///   three bursts take the score to 55.
/// - **dead 5 / 20**: often benign (a click on a control whose effect we cannot see, a
///   download, a disabled-looking button), so light, and capped low.
/// - **error click 10 / 30**: a failure at the moment the visitor acted; it replaces the
///   error's own 5.
/// - **error 5 / 20**: many JS errors are invisible to the visitor (third-party scripts).
/// - **vital poor 10 / 30**, **needs improvement 5 / 15**: felt slowness or jank; five vitals
///   a document, so the caps keep one slow page from ending the score alone.
/// - **form abandon 10 / 20**: a started task left undone.
/// - **dropout 20 / 20**: the journey failed; at most once a session, so its cap is its points.
///
/// Together the caps sum to 200, so a bad enough session floors at 0 from several causes.
pub const DEFAULT_PENALTIES: [(SignalKind, Penalty); 8] = [
    (SignalKind::Rage, Penalty { points: 15, cap: 45 }),
    (SignalKind::Dead, Penalty { points: 5, cap: 20 }),
    (SignalKind::ErrorClick, Penalty { points: 10, cap: 30 }),
    (SignalKind::Error, Penalty { points: 5, cap: 20 }),
    (SignalKind::VitalPoor, Penalty { points: 10, cap: 30 }),
    (SignalKind::VitalNeedsImprovement, Penalty { points: 5, cap: 15 }),
    (SignalKind::FormAbandon, Penalty { points: 10, cap: 20 }),
    (SignalKind::Dropout, Penalty { points: 20, cap: 20 }),
];

/// Which half of a [`Penalty`] broke its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PenaltyPart {
    /// `points` above [`MAX_POINTS`].
    Points,
    /// `cap` above [`MAX_CAP`].
    Cap,
}

impl PenaltyPart {
    /// The key in a kind's config object: `points` or `cap`.
    pub fn key(self) -> &'static str {
        match self {
            PenaltyPart::Points => "points",
            PenaltyPart::Cap => "cap",
        }
    }
}

/// The config field of one part of one kind's penalty: `score.rage.points`. The one place the
/// name is built, so the parser's error names what the docs name.
pub fn penalty_field(kind: SignalKind, part: PenaltyPart) -> String {
    let mut out = String::from("score.");
    out.push_str(kind.id());
    out.push('.');
    out.push_str(part.key());
    out
}

/// The penalty table in use: the defaults, with a site's overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Penalties([Penalty; 8]);

impl Default for Penalties {
    fn default() -> Self {
        Penalties(DEFAULT_PENALTIES.map(|(_, penalty)| penalty))
    }
}

impl Penalties {
    /// The penalty of `kind`.
    pub fn get(&self, kind: SignalKind) -> Penalty {
        self.0.get(kind as usize).copied().unwrap_or_default()
    }

    /// Overrides the penalty of `kind`, or names the part out of range and changes nothing.
    pub fn set(&mut self, kind: SignalKind, penalty: Penalty) -> Result<(), PenaltyPart> {
        if penalty.points > MAX_POINTS {
            return Err(PenaltyPart::Points);
        }
        if penalty.cap > MAX_CAP {
            return Err(PenaltyPart::Cap);
        }
        if let Some(slot) = self.0.get_mut(kind as usize) {
            *slot = penalty;
        }
        Ok(())
    }
}

/// How often each kind happened in a session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts([u32; 8]);

impl Counts {
    /// The count of `kind`.
    pub fn get(&self, kind: SignalKind) -> u32 {
        self.0.get(kind as usize).copied().unwrap_or(0)
    }

    /// Counts one occurrence of `kind` (saturating: a count never wraps to 0).
    pub fn add(&mut self, kind: SignalKind) {
        if let Some(count) = self.0.get_mut(kind as usize) {
            *count = count.saturating_add(1);
        }
    }

    /// Adds another tally, kind by kind: this page's counts into the session's.
    pub fn merge(&mut self, other: &Counts) {
        for (count, more) in self.0.iter_mut().zip(other.0) {
            *count = count.saturating_add(more);
        }
    }

    /// The counts as text for localStorage: decimal numbers in [`SignalKind::ALL`] order,
    /// joined by `.` (`1.0.2.0.0.0.0.0`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends [`encode`](Counts::encode)'s text to `out`.
    pub fn write(&self, out: &mut String) {
        for (i, count) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            json::write_integer(i64::from(*count), out);
        }
    }

    /// Reads [`encode`](Counts::encode)'s text; `None` for anything else. Across versions:
    /// kinds are only ever appended, so text with fewer numbers (an older version) reads the
    /// missing kinds as 0, and extra numbers (a newer version) are checked, then ignored.
    pub fn decode(text: &str) -> Option<Counts> {
        let mut counts = Counts::default();
        for (i, field) in crate::scan::split(text, b'.').enumerate() {
            let n = parse_u32(field)?;
            if let Some(count) = counts.0.get_mut(i) {
                *count = n;
            }
        }
        Some(counts)
    }
}

/// A decimal `u32` as [`Counts::encode`] writes it (no sign, no spaces).
fn parse_u32(text: &str) -> Option<u32> {
    if text.starts_with('-') {
        return None;
    }
    json::parse_integer(text).and_then(|n| u32::try_from(n).ok())
}

/// One kind that cost points, for the `reasons` of `$session_summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason {
    /// What happened.
    pub kind: SignalKind,
    /// How often.
    pub count: u32,
    /// Points lost to it, after its cap.
    pub points: u32,
}

/// A session's score and why it is not 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionScore {
    /// 0–100.
    pub score: u8,
    /// Every kind with a count above 0 — even one whose penalty a site set to 0, so the
    /// summary still tells what happened — most points lost first, ties in kind order.
    pub reasons: Vec<Reason>,
}

/// Scores a session: 100, less each kind's `min(cap, points × count)`, floored at 0.
pub fn session_score(counts: &Counts, penalties: &Penalties) -> SessionScore {
    let mut reasons: Vec<Reason> = Vec::new();
    let mut lost: u32 = 0;
    for &kind in SignalKind::ALL.iter() {
        let count = counts.get(kind);
        if count == 0 {
            continue;
        }
        let penalty = penalties.get(kind);
        // In u64, and capped before narrowing: count × points cannot overflow or wrap.
        let points = (u64::from(penalty.points) * u64::from(count)).min(u64::from(penalty.cap)) as u32;
        lost = lost.saturating_add(points);
        // Behind every reason that cost as much or more: descending points, stable by kind.
        let at = reasons.iter().position(|reason| reason.points < points).unwrap_or(reasons.len());
        reasons.insert(at, Reason { kind, count, points });
    }
    SessionScore { score: 100u32.saturating_sub(lost) as u8, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SignalKind::*;

    fn counts(of: &[(SignalKind, u32)]) -> Counts {
        let mut counts = Counts::default();
        for &(kind, n) in of {
            for _ in 0..n {
                counts.add(kind);
            }
        }
        counts
    }

    #[test]
    fn the_table_is_in_kind_order_and_ids_are_stable() {
        for (i, (kind, _)) in DEFAULT_PENALTIES.iter().enumerate() {
            assert_eq!(*kind, SignalKind::ALL[i]);
            assert_eq!(*kind as usize, i, "Counts and Penalties index by discriminant");
            assert_eq!(SignalKind::from_id(kind.id()), Some(*kind));
        }
        let ids: Vec<_> = SignalKind::ALL.iter().map(|kind| kind.id()).collect();
        assert_eq!(
            ids,
            [
                "rage",
                "dead",
                "error_click",
                "error",
                "vital_poor",
                "vital_needs_improvement",
                "form_abandon",
                "dropout"
            ]
        );
        assert_eq!(SignalKind::from_id("Rage"), None);
    }

    /// Counts given, the score, and the reasons as (kind, count, points).
    type Vector = (&'static [(SignalKind, u32)], u8, &'static [(SignalKind, u32, u32)]);

    #[test]
    fn test_vectors() {
        let cases: &[Vector] = &[
            (&[], 100, &[]),
            (&[(Dead, 1)], 95, &[(Dead, 1, 5)]),
            (&[(Rage, 1), (Dead, 2)], 75, &[(Rage, 1, 15), (Dead, 2, 10)]),
            (&[(Rage, 3)], 55, &[(Rage, 3, 45)]),
            (&[(Rage, 4)], 55, &[(Rage, 4, 45)]), // the cap binds
            (&[(Dead, 4), (Error, 4)], 60, &[(Dead, 4, 20), (Error, 4, 20)]), // tie: kind order
            (&[(Error, 4), (ErrorClick, 1)], 70, &[(Error, 4, 20), (ErrorClick, 1, 10)]),
            (&[(VitalPoor, 2), (VitalNeedsImprovement, 3)], 65, &[(VitalPoor, 2, 20), (VitalNeedsImprovement, 3, 15)]),
            (&[(Dropout, 1), (FormAbandon, 5)], 60, &[(FormAbandon, 5, 20), (Dropout, 1, 20)]), // tie: kind order
            (
                &[(Rage, 3), (ErrorClick, 3), (Dropout, 1), (Dead, 1)],
                0, // 45 + 30 + 20 + 5 = 100
                &[(Rage, 3, 45), (ErrorClick, 3, 30), (Dropout, 1, 20), (Dead, 1, 5)],
            ),
            (
                &[(Rage, 9), (Dead, 9), (ErrorClick, 9), (Error, 9)],
                0, // 45 + 20 + 30 + 20 = 115: floored at 0
                &[(Rage, 9, 45), (ErrorClick, 9, 30), (Dead, 9, 20), (Error, 9, 20)],
            ),
        ];
        for (given, score, reasons) in cases {
            let got = session_score(&counts(given), &Penalties::default());
            let want: Vec<Reason> =
                reasons.iter().map(|&(kind, count, points)| Reason { kind, count, points }).collect();
            assert_eq!(got, SessionScore { score: *score, reasons: want }, "{given:?}");
        }
    }

    #[test]
    fn overrides_apply_and_are_checked() {
        let mut penalties = Penalties::default();
        assert_eq!(penalties.set(Dead, Penalty { points: 0, cap: 0 }), Ok(()));
        assert_eq!(penalties.set(Rage, Penalty { points: 100, cap: 100 }), Ok(()));
        assert_eq!(penalties.set(Error, Penalty { points: 101, cap: 10 }), Err(PenaltyPart::Points));
        assert_eq!(penalties.set(Error, Penalty { points: 1, cap: 101 }), Err(PenaltyPart::Cap));
        assert_eq!(penalties.get(Error), Penalty { points: 5, cap: 20 }, "a refused override changes nothing");
        let got = session_score(&counts(&[(Dead, 3), (Rage, 1)]), &penalties);
        assert_eq!(got.score, 0);
        assert_eq!(
            got.reasons,
            [Reason { kind: Rage, count: 1, points: 100 }, Reason { kind: Dead, count: 3, points: 0 }]
        );
        assert_eq!(penalty_field(VitalNeedsImprovement, PenaltyPart::Cap), "score.vital_needs_improvement.cap");
        assert_eq!(penalty_field(Rage, PenaltyPart::Points), "score.rage.points");
    }

    /// `kind` counted u32::MAX times, by doubling.
    fn saturated(kind: SignalKind) -> Counts {
        let mut many = counts(&[(kind, 1)]);
        for _ in 0..40 {
            many.merge(&many.clone());
        }
        many
    }

    #[test]
    fn huge_counts_neither_overflow_nor_wrap() {
        let mut many = saturated(Rage);
        assert_eq!(many.get(Rage), u32::MAX);
        many.add(Rage);
        assert_eq!(many.get(Rage), u32::MAX);
        let mut penalties = Penalties::default();
        penalties.set(Rage, Penalty { points: 100, cap: 100 }).unwrap();
        assert_eq!(session_score(&many, &penalties).reasons[0].points, 100);
    }

    #[test]
    fn counts_round_trip_through_storage_text() {
        let mut c = counts(&[(Rage, 1), (ErrorClick, 2)]);
        c.merge(&saturated(Dropout));
        assert_eq!(c.encode(), "1.0.2.0.0.0.0.4294967295");
        assert_eq!(Counts::decode(&c.encode()), Some(c));
        assert_eq!(Counts::default().encode(), "0.0.0.0.0.0.0.0");
        assert_eq!(Counts::decode("3"), Some(counts(&[(Rage, 3)])), "an older, shorter text");
        assert_eq!(Counts::decode("0.0.0.0.0.0.0.0.7.1"), Some(Counts::default()), "a newer, longer text");
        for garbage in
            ["", ".", "1..2", "1.x", "-1", "1.-0", "+1", " 1", "1 ", "4294967296", "0.0.0.0.0.0.0.0.y", "1e3"]
        {
            assert_eq!(Counts::decode(garbage), None, "{garbage:?}");
        }
    }
}

//! The click classifier: which clicks were rage, dead or error clicks (decisions.md §22–23,
//! docs/tracker.md "Signals").
//!
//! A state machine on the monotonic clock: the caller feeds it clicks, effects and errors as
//! their raw entries arrive, and asks [`Classifier::settle`] at [`Classifier::next_deadline`]
//! for the clicks whose fate is known. Every click comes out exactly once: alone as
//! [`Signal::Dead`], [`Signal::ErrorClick`] or [`Signal::Plain`], or inside one
//! [`Signal::Rage`] with the rest of its burst. The caller emits `$click` for a tracked click
//! from whichever signal carries it, so a tracked click is reported once, with its fate.
//!
//! The rules, with the thresholds' defaults:
//! - **Burst**: clicks each ≤ 1,000 ms after and ≤ 30 px (Euclidean) from the previous click,
//!   both inclusive. Bursts are runs of consecutive clicks: a click that breaks the chain
//!   starts the next burst.
//! - **Rage**: a burst of ≥ 3 clicks, unless the selection was non-empty at its third click
//!   (the click that reaches `rageClicks`; a triple click selects a paragraph); then each of
//!   its clicks, later ones included, is judged alone. One [`Signal::Rage`] per burst, with the first click's payload and the
//!   final count; its clicks are neither dead nor error clicks.
//! - **Error click**: a JS error in `[t, t + 1,000 ms]` of a click, linked to the latest click
//!   at or before it. An error inside a rage burst (from its first click to 1,000 ms after
//!   its last) belongs to the burst. Takes precedence over dead.
//! - **Dead**: an actionable click with no effect in `[t, t + 1,000 ms]`.
//!
//! A click is decided once its burst is closed (a click broke the chain, or none came within
//! the rage interval) **and** its windows have passed, so the verdict is final. Signals come
//! out in click order: a click waits for the clicks before it.
//!
//! Arrival order: clicks arrive in time order. Effects and errors may arrive late — after
//! later clicks, in a later task — and are matched by their own time, not by when they came.
//! The caller's one duty: feed every entry stamped `≤ now` before calling `settle(now)`,
//! since a decided click is gone, and an effect or error for it afterwards matches nothing.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::score::session::SignalKind;

/// The thresholds of the click signals (`frustration: { rageClicks, rageMs, ragePx, deadMs,
/// errorMs }`). Every window is inclusive: a click exactly 1,000 ms after the previous one
/// still chains, an effect exactly 1,000 ms after a click still counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Clicks that make a burst rage (`frustration.rageClicks`, default 3).
    pub rage_clicks: u32,
    /// Longest gap between two clicks of a burst, ms (`frustration.rageMs`, default 1,000).
    pub rage_interval_ms: u32,
    /// Farthest a click may land from the previous one, CSS px (`frustration.ragePx`, default 30).
    pub rage_distance_px: u32,
    /// How long an actionable click has to show an effect, ms (`frustration.deadMs`, default 1,000).
    pub dead_window_ms: u32,
    /// How long after a click a JS error is its error, ms (`frustration.errorMs`, default 1,000).
    pub error_window_ms: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            rage_clicks: 3,
            rage_interval_ms: 1_000,
            rage_distance_px: 30,
            dead_window_ms: 1_000,
            error_window_ms: 1_000,
        }
    }
}

/// One of the [`Thresholds`], to read it from config and to name it in an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdField {
    /// [`Thresholds::rage_clicks`].
    RageClicks,
    /// [`Thresholds::rage_interval_ms`].
    RageMs,
    /// [`Thresholds::rage_distance_px`].
    RagePx,
    /// [`Thresholds::dead_window_ms`].
    DeadMs,
    /// [`Thresholds::error_window_ms`].
    ErrorMs,
}

impl ThresholdField {
    /// Every threshold, in the order [`Thresholds::validate`] checks them.
    pub const ALL: [ThresholdField; 5] = [
        ThresholdField::RageClicks,
        ThresholdField::RageMs,
        ThresholdField::RagePx,
        ThresholdField::DeadMs,
        ThresholdField::ErrorMs,
    ];

    /// The key inside the `frustration` option: `rageClicks`.
    pub fn key(self) -> &'static str {
        match self {
            ThresholdField::RageClicks => "rageClicks",
            ThresholdField::RageMs => "rageMs",
            ThresholdField::RagePx => "ragePx",
            ThresholdField::DeadMs => "deadMs",
            ThresholdField::ErrorMs => "errorMs",
        }
    }

    /// The config field, as an error names it: `frustration.rageClicks`.
    pub fn field(self) -> &'static str {
        match self {
            ThresholdField::RageClicks => "frustration.rageClicks",
            ThresholdField::RageMs => "frustration.rageMs",
            ThresholdField::RagePx => "frustration.ragePx",
            ThresholdField::DeadMs => "frustration.deadMs",
            ThresholdField::ErrorMs => "frustration.errorMs",
        }
    }

    /// The values a site may set, inclusive:
    /// - clicks 3–10: two would make every double click a rage click; beyond ten, a burst
    ///   that angry is rage long before;
    /// - ms 100–10,000: under 100 ms no human clicks twice or a page can respond; over 10 s
    ///   a click and what follows are no longer one moment;
    /// - px 1–500: 0 would need pixel-identical clicks; 500 px is most of a screen.
    pub fn range(self) -> (u32, u32) {
        match self {
            ThresholdField::RageClicks => (3, 10),
            ThresholdField::RagePx => (1, 500),
            ThresholdField::RageMs | ThresholdField::DeadMs | ThresholdField::ErrorMs => (100, 10_000),
        }
    }
}

impl Thresholds {
    /// The value of one threshold.
    pub fn get(&self, field: ThresholdField) -> u32 {
        match field {
            ThresholdField::RageClicks => self.rage_clicks,
            ThresholdField::RageMs => self.rage_interval_ms,
            ThresholdField::RagePx => self.rage_distance_px,
            ThresholdField::DeadMs => self.dead_window_ms,
            ThresholdField::ErrorMs => self.error_window_ms,
        }
    }

    /// Sets one threshold, unchecked: [`validate`](Thresholds::validate) checks them all.
    pub fn set(&mut self, field: ThresholdField, value: u32) {
        match field {
            ThresholdField::RageClicks => self.rage_clicks = value,
            ThresholdField::RageMs => self.rage_interval_ms = value,
            ThresholdField::RagePx => self.rage_distance_px = value,
            ThresholdField::DeadMs => self.dead_window_ms = value,
            ThresholdField::ErrorMs => self.error_window_ms = value,
        }
    }

    /// The first threshold outside its [`range`](ThresholdField::range), in
    /// [`ThresholdField::ALL`] order.
    pub fn validate(&self) -> Result<(), ThresholdField> {
        let out_of_range = |field: &ThresholdField| {
            let (min, max) = field.range();
            !(min..=max).contains(&self.get(*field))
        };
        ThresholdField::ALL.iter().copied().find(out_of_range).map_or(Ok(()), Err)
    }

    /// Each threshold clamped into its range: the classifier's memory bound rests on
    /// `rage_clicks ≤ 10`, so it never trusts an unchecked value.
    fn clamped(mut self) -> Thresholds {
        for &field in ThresholdField::ALL.iter() {
            let (min, max) = field.range();
            self.set(field, self.get(field).clamp(min, max));
        }
        self
    }
}

/// What a click turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal<T> {
    /// A rage burst: `clicks` clicks, `payload` of the first (the others' are dropped: the
    /// burst is one touchpoint).
    Rage {
        /// How many clicks the burst had.
        clicks: u32,
        /// The first click's payload.
        payload: T,
    },
    /// An actionable click that had no effect.
    Dead {
        /// The click's payload.
        payload: T,
    },
    /// A click a JS error followed.
    ErrorClick {
        /// The click's payload.
        payload: T,
    },
    /// A click that was none of the above.
    Plain {
        /// The click's payload.
        payload: T,
    },
}

impl<T> Signal<T> {
    /// The kind it counts as in the session score; `None` for a plain click.
    pub fn kind(&self) -> Option<SignalKind> {
        match self {
            Signal::Rage { .. } => Some(SignalKind::Rage),
            Signal::Dead { .. } => Some(SignalKind::Dead),
            Signal::ErrorClick { .. } => Some(SignalKind::ErrorClick),
            Signal::Plain { .. } => None,
        }
    }

    /// The payload of the click it is about (a burst's first).
    pub fn payload(&self) -> &T {
        match self {
            Signal::Rage { payload, .. }
            | Signal::Dead { payload }
            | Signal::ErrorClick { payload }
            | Signal::Plain { payload } => payload,
        }
    }
}

/// The most clicks held undecided. Only a flood of synthetic clicks reaches it (64 clicks
/// within a second that are not one rage burst, which is held as one entry); then the oldest
/// is decided early, with what is known by the newest click's time.
pub const MAX_PENDING: usize = 64;

/// An undecided click, or a whole rage burst.
struct Entry<T> {
    /// The click's time (a burst's first click).
    t: i64,
    held: Held,
    payload: T,
}

enum Held {
    /// One click, to be judged alone (unless its burst turns rage first).
    Click { actionable: bool, effect: bool, error: bool },
    /// A rage burst, held as one entry however long it grows.
    Rage { clicks: u32, last: i64 },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BurstState {
    /// Under the rage count: its clicks wait for it to close or turn rage.
    Building,
    /// Rage: its entry (the last) grows with each click.
    Rage,
    /// The selection was non-empty at the rage count: its clicks are judged alone.
    Alone,
}

/// The latest burst, while a click could still extend it.
#[derive(Clone, Copy)]
struct Burst {
    /// The latest click's time and place.
    t: i64,
    x: i32,
    y: i32,
    clicks: u32,
    state: BurstState,
}

/// Classifies a stream of clicks; `T` is the caller's payload for a click (its element
/// descriptor, whether it was tracked, its time), handed back in its [`Signal`].
pub struct Classifier<T> {
    thresholds: Thresholds,
    /// Undecided clicks and rage bursts, in time order; the open burst's waiting entries are
    /// the last ones ([`Classifier::waiting`]).
    entries: VecDeque<Entry<T>>,
    burst: Option<Burst>,
    /// Decided early by [`MAX_PENDING`], handed out by the next `settle` or `flush`.
    early: Vec<Signal<T>>,
}

impl<T> Classifier<T> {
    /// A classifier with these thresholds, each clamped into its range.
    pub fn new(thresholds: Thresholds) -> Classifier<T> {
        Classifier { thresholds: thresholds.clamped(), entries: VecDeque::new(), burst: None, early: Vec::new() }
    }

    /// A click at `t_mono` (ms) at `x`, `y` (client px). `actionable`: the element can be
    /// dead (decisions.md §23); `selection`: the page's selection was non-empty. A click
    /// stamped before the previous one is taken as at its time (clicks arrive in order).
    pub fn click(&mut self, t_mono: i64, x: i32, y: i32, actionable: bool, selection: bool, payload: T) {
        let th = self.thresholds;
        let newest = self.newest().unwrap_or(i64::MIN).max(self.burst.map_or(i64::MIN, |b| b.t));
        let t = t_mono.max(newest);
        let mut burst = match self.burst {
            Some(b) if chains(b, t, x, y, &th) => b,
            _ => Burst { t, x, y, clicks: 0, state: BurstState::Building },
        };
        burst.t = t;
        burst.x = x;
        burst.y = y;
        burst.clicks = burst.clicks.saturating_add(1);
        let single = Held::Click { actionable, effect: false, error: false };
        match burst.state {
            BurstState::Building if burst.clicks >= th.rage_clicks && !selection => {
                // The burst turns rage: its waiting clicks fold into one entry, the first's.
                let (mut first_t, mut first) = (t, payload);
                for _ in 1..burst.clicks {
                    if let Some(entry) = self.entries.pop_back() {
                        (first_t, first) = (entry.t, entry.payload);
                    }
                }
                let held = Held::Rage { clicks: burst.clicks, last: t };
                self.entries.push_back(Entry { t: first_t, held, payload: first });
                burst.state = BurstState::Rage;
            }
            BurstState::Building if burst.clicks >= th.rage_clicks => {
                burst.state = BurstState::Alone;
                self.entries.push_back(Entry { t, held: single, payload });
            }
            BurstState::Building | BurstState::Alone => self.entries.push_back(Entry { t, held: single, payload }),
            BurstState::Rage => {
                if let Some(Entry { held: Held::Rage { clicks, last }, .. }) = self.entries.back_mut() {
                    (*clicks, *last) = (burst.clicks, t);
                }
            }
        }
        self.burst = Some(burst);
        while self.entries.len() > MAX_PENDING {
            if let Some(entry) = self.entries.pop_front() {
                let signal = self.verdict(entry, t);
                self.early.push(signal);
            }
        }
    }

    /// Something happened at `t_mono`: a DOM mutation, URL change, scroll, focus move or new
    /// window. It spares every actionable click of the last `dead_window_ms` before it.
    pub fn effect(&mut self, t_mono: i64) {
        let window = i64::from(self.thresholds.dead_window_ms);
        for entry in self.entries.iter_mut() {
            if let Held::Click { effect, .. } = &mut entry.held {
                if entry.t <= t_mono && t_mono <= entry.t.saturating_add(window) {
                    *effect = true;
                }
            }
        }
    }

    /// A JS error at `t_mono`. `true` when it belongs to a click — the latest click at or
    /// before it, at most `error_window_ms` before, or a rage burst it falls in — and so costs
    /// no penalty of its own (`$error` with `click: true`); `false` when it stands alone.
    pub fn error(&mut self, t_mono: i64) -> bool {
        let window = i64::from(self.thresholds.error_window_ms);
        let Some(entry) = self.entries.iter_mut().rev().find(|entry| entry.t <= t_mono) else {
            return false;
        };
        match &mut entry.held {
            Held::Click { error, .. } if t_mono <= entry.t.saturating_add(window) => {
                *error = true;
                true
            }
            Held::Rage { last, .. } => t_mono <= last.saturating_add(window),
            Held::Click { .. } => false,
        }
    }

    /// Every click decided by `now_mono`, in click order.
    pub fn settle(&mut self, now_mono: i64) -> Vec<Signal<T>> {
        let interval = i64::from(self.thresholds.rage_interval_ms);
        if self.burst.is_some_and(|b| now_mono > b.t.saturating_add(interval)) {
            self.burst = None; // no click came in time: the burst is closed
        }
        let mut out = core::mem::take(&mut self.early);
        while self.front_ready_at().is_some_and(|at| at <= now_mono) {
            if let Some(entry) = self.entries.pop_front() {
                out.push(self.verdict(entry, now_mono));
            }
        }
        out
    }

    /// When [`settle`](Classifier::settle) next has something to decide, if anything waits.
    /// A time already past when clicks were decided early.
    pub fn next_deadline(&self) -> Option<i64> {
        if !self.early.is_empty() {
            return self.newest();
        }
        self.front_ready_at()
    }

    /// Decides every click now, for leaving the page: an open burst closes, and a window
    /// still open counts as nothing seen in it — an error or effect seen so far stands, but
    /// no effect *yet* is not dead (unknown is not dead).
    pub fn flush(&mut self, now_mono: i64) -> Vec<Signal<T>> {
        let mut out = self.settle(now_mono);
        self.burst = None;
        while let Some(entry) = self.entries.pop_front() {
            out.push(self.verdict(entry, now_mono));
        }
        out
    }

    /// The time of the latest click held.
    fn newest(&self) -> Option<i64> {
        self.entries.back().map(|entry| match entry.held {
            Held::Rage { last, .. } => last,
            Held::Click { .. } => entry.t,
        })
    }

    /// How many of the last entries belong to the open burst and wait for it to close.
    fn waiting(&self) -> usize {
        match self.burst {
            Some(Burst { state: BurstState::Building, clicks, .. }) => clicks as usize,
            Some(Burst { state: BurstState::Rage, .. }) => 1,
            _ => 0,
        }
    }

    /// When the oldest entry can be decided: its burst closed and its windows passed.
    fn front_ready_at(&self) -> Option<i64> {
        let th = &self.thresholds;
        let entry = self.entries.front()?;
        // It waits for the open burst only if every entry held belongs to that burst.
        let closes = match self.burst {
            Some(b) if self.waiting() >= self.entries.len() => {
                b.t.saturating_add(i64::from(th.rage_interval_ms)).saturating_add(1)
            }
            _ => i64::MIN,
        };
        let windows_end = match entry.held {
            Held::Rage { last, .. } => last.saturating_add(i64::from(th.error_window_ms)),
            Held::Click { actionable, effect, error } => {
                let dead_open = actionable && !effect && !error;
                let window = if dead_open { th.dead_window_ms.max(th.error_window_ms) } else { th.error_window_ms };
                entry.t.saturating_add(i64::from(window))
            }
        };
        Some(closes.max(windows_end.saturating_add(1)))
    }

    /// What an entry is, with what is known at `now`.
    fn verdict(&self, entry: Entry<T>, now: i64) -> Signal<T> {
        let payload = entry.payload;
        match entry.held {
            Held::Rage { clicks, .. } => Signal::Rage { clicks, payload },
            Held::Click { error: true, .. } => Signal::ErrorClick { payload },
            Held::Click { actionable: true, effect: false, .. }
                if now > entry.t.saturating_add(i64::from(self.thresholds.dead_window_ms)) =>
            {
                Signal::Dead { payload }
            }
            Held::Click { .. } => Signal::Plain { payload },
        }
    }
}

/// Whether a click at `t`, (`x`, `y`) extends `burst`: within the interval after and the
/// distance from its latest click. Squared distances in integers: exact, no square root, no
/// float; each axis is checked first, so the squares stay small whatever the coordinates.
fn chains(burst: Burst, t: i64, x: i32, y: i32, th: &Thresholds) -> bool {
    let (dx, dy) = (x.abs_diff(burst.x), y.abs_diff(burst.y));
    let reach = th.rage_distance_px;
    t.saturating_sub(burst.t) <= i64::from(th.rage_interval_ms)
        && dx <= reach
        && dy <= reach
        && u64::from(dx * dx) + u64::from(dy * dy) <= u64::from(reach * reach)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw entry, as the tracker would feed it.
    #[derive(Clone, Copy)]
    enum In {
        /// t, x, y, actionable, selection
        Click(i64, i32, i32, bool, bool),
        Effect(i64),
        Error(i64),
    }
    use In::*;

    /// An actionable click without selection.
    fn act(t: i64, x: i32, y: i32) -> In {
        Click(t, x, y, true, false)
    }

    /// A click on something that cannot be dead (a form field, text).
    fn inert(t: i64, x: i32, y: i32) -> In {
        Click(t, x, y, false, false)
    }

    /// Feeds `input` (payload: the click's number), then settles long after; returns the
    /// signals and what each `error` returned.
    fn run(input: &[In]) -> (Vec<Signal<usize>>, Vec<bool>) {
        let mut classifier = Classifier::new(Thresholds::default());
        let (mut clicks, mut errors) = (0, Vec::new());
        for &entry in input {
            match entry {
                Click(t, x, y, actionable, selection) => {
                    classifier.click(t, x, y, actionable, selection, clicks);
                    clicks += 1;
                }
                Effect(t) => classifier.effect(t),
                Error(t) => errors.push(classifier.error(t)),
            }
        }
        let signals = classifier.settle(1_000_000);
        assert_eq!(classifier.next_deadline(), None, "everything decided");
        (signals, errors)
    }

    fn signals(input: &[In]) -> Vec<Signal<usize>> {
        run(input).0
    }

    fn rage(clicks: u32, payload: usize) -> Signal<usize> {
        Signal::Rage { clicks, payload }
    }
    fn dead(payload: usize) -> Signal<usize> {
        Signal::Dead { payload }
    }
    fn plain(payload: usize) -> Signal<usize> {
        Signal::Plain { payload }
    }
    fn error_click(payload: usize) -> Signal<usize> {
        Signal::ErrorClick { payload }
    }

    #[test]
    fn rage_at_the_thresholds_and_just_past_them() {
        // Exactly 1,000 ms and 30 px apart (along an axis, and 18² + 24² = 30² on a diagonal).
        assert_eq!(signals(&[inert(0, 0, 0), inert(1000, 30, 0), inert(2000, 60, 0)]), [rage(3, 0)]);
        assert_eq!(signals(&[inert(0, 0, 0), inert(1000, 18, 24), inert(2000, 36, 48)]), [rage(3, 0)]);
        // 1,001 ms: the chain breaks before the third click.
        assert_eq!(signals(&[inert(0, 0, 0), inert(1000, 0, 0), inert(2001, 0, 0)]), [plain(0), plain(1), plain(2)]);
        // 31 px, and 18² + 25² > 30².
        assert_eq!(signals(&[inert(0, 0, 0), inert(10, 0, 0), inert(20, 31, 0)]), [plain(0), plain(1), plain(2)]);
        assert_eq!(signals(&[inert(0, 0, 0), inert(10, 18, 25), inert(20, 18, 25)]), [plain(0), plain(1), plain(2)]);
        // Each step is from the previous click, not the first: 3 × 30 px drifts 60 px.
        assert_eq!(signals(&[inert(0, 0, 0), inert(10, 30, 0), inert(20, 60, 0)]), [rage(3, 0)]);
    }

    #[test]
    fn two_clicks_are_not_rage_and_five_are_one_rage() {
        assert_eq!(signals(&[inert(0, 5, 5), inert(100, 5, 5)]), [plain(0), plain(1)]);
        let five: Vec<In> = (0..5).map(|i| inert(i * 200, 5, 5)).collect();
        assert_eq!(signals(&five), [rage(5, 0)]);
    }

    #[test]
    fn a_broken_chain_ends_one_burst_and_starts_the_next() {
        let input = [
            inert(0, 0, 0),
            inert(100, 0, 0),
            inert(200, 0, 0),
            inert(300, 200, 200), // far: the rage burst ends, a new burst starts here
            inert(400, 200, 200),
            inert(500, 200, 200),
            inert(600, 200, 200),
            inert(1700, 200, 200), // late: alone
        ];
        assert_eq!(signals(&input), [rage(3, 0), rage(4, 3), plain(7)]);
    }

    #[test]
    fn a_selection_at_the_third_click_is_not_rage() {
        let sel = |t| Click(t, 0, 0, false, true);
        assert_eq!(signals(&[inert(0, 0, 0), inert(100, 0, 0), sel(200)]), [plain(0), plain(1), plain(2)]);
        // Later clicks of that burst are judged alone too, whatever their selection.
        assert_eq!(
            signals(&[inert(0, 0, 0), inert(100, 0, 0), sel(200), inert(300, 0, 0)]),
            [plain(0), plain(1), plain(2), plain(3)]
        );
        // Only the third click's selection matters.
        assert_eq!(signals(&[sel(0), sel(100), inert(200, 0, 0)]), [rage(3, 0)]);
        assert_eq!(signals(&[inert(0, 0, 0), inert(100, 0, 0), inert(200, 0, 0), sel(300)]), [rage(4, 0)]);
        // Judged alone, an actionable click can be dead.
        let input = [act(0, 0, 0), inert(100, 0, 0), Click(200, 0, 0, true, true), Effect(150)];
        assert_eq!(signals(&input), [plain(0), plain(1), dead(2)]);
    }

    #[test]
    fn dead_at_the_window_and_just_past_it() {
        assert_eq!(signals(&[act(0, 0, 0), Effect(1000)]), [plain(0)]);
        assert_eq!(signals(&[act(0, 0, 0), Effect(1001)]), [dead(0)]);
        assert_eq!(signals(&[act(0, 0, 0), Effect(0)]), [plain(0)], "an effect in the click's own ms");
        assert_eq!(signals(&[act(10, 0, 0), Effect(9)]), [dead(0)], "an effect before the click is not its effect");
        assert_eq!(signals(&[act(0, 0, 0)]), [dead(0)]);
        assert_eq!(signals(&[inert(0, 0, 0)]), [plain(0)], "a non-actionable click is never dead");
    }

    #[test]
    fn error_clicks_at_the_window_and_just_past_it() {
        assert_eq!(run(&[inert(0, 0, 0), Error(1000)]), (vec![error_click(0)], vec![true]));
        assert_eq!(run(&[inert(0, 0, 0), Error(1001)]), (vec![plain(0)], vec![false]));
        assert_eq!(run(&[act(0, 0, 0), Error(1001)]), (vec![dead(0)], vec![false]));
        assert_eq!(run(&[act(0, 0, 0), Error(500)]), (vec![error_click(0)], vec![true]), "error over dead");
        assert_eq!(run(&[Error(5), inert(10, 0, 0)]), (vec![plain(0)], vec![false]), "an error before any click");
        // Linked to the latest click at or before it; two errors, one error click.
        let input = [inert(0, 0, 0), inert(500, 300, 0), Error(600), Error(700)];
        assert_eq!(run(&input), (vec![plain(0), error_click(1)], vec![true, true]));
    }

    #[test]
    fn a_rage_burst_is_neither_dead_nor_error_clicks() {
        assert_eq!(signals(&[act(0, 0, 0), act(100, 0, 0), act(200, 0, 0)]), [rage(3, 0)]);
        // Errors during the burst, and up to error_window_ms after its last click, are its own.
        let input = [act(0, 0, 0), Error(50), act(100, 0, 0), act(200, 0, 0), Error(1200), Error(1201)];
        assert_eq!(run(&input), (vec![rage(3, 0)], vec![true, true, false]));
    }

    #[test]
    fn late_effects_and_errors_match_by_their_own_time() {
        // The effect at 300 arrives after the click at 500 (a later task): it spares click 0 only.
        let input = [act(0, 0, 0), act(500, 300, 300), Effect(300)];
        assert_eq!(signals(&input), [plain(0), dead(1)]);
        // The error at 450 belongs to click 0, the latest click at or before it.
        let input = [inert(0, 0, 0), inert(500, 300, 300), Error(450)];
        assert_eq!(run(&input), (vec![error_click(0), plain(1)], vec![true]));
    }

    #[test]
    fn settle_decides_nothing_before_the_deadline() {
        let mut classifier = Classifier::new(Thresholds::default());
        classifier.click(0, 0, 0, true, false, 'a');
        assert_eq!(classifier.next_deadline(), Some(1001));
        assert_eq!(classifier.settle(1000), []);
        assert_eq!(classifier.settle(1001), [Signal::Dead { payload: 'a' }]);
        assert_eq!(classifier.next_deadline(), None);

        // A burst waits for its close: the rage interval after its latest click.
        classifier.click(5000, 0, 0, false, false, 'b');
        classifier.click(5900, 0, 0, false, false, 'c');
        assert_eq!(classifier.next_deadline(), Some(6901));
        assert_eq!(classifier.settle(6900), []);
        assert_eq!(classifier.settle(6901), [Signal::Plain { payload: 'b' }, Signal::Plain { payload: 'c' }]);

        // A rage burst comes out once no click came within the interval after its last.
        for (i, t) in [10_000, 10_100, 10_200, 10_300].into_iter().enumerate() {
            classifier.click(t, 0, 0, true, false, char::from(b'd' + i as u8));
        }
        assert_eq!(classifier.next_deadline(), Some(11_301));
        assert_eq!(classifier.settle(11_300), []);
        assert_eq!(classifier.settle(11_301), [Signal::Rage { clicks: 4, payload: 'd' }]);
    }

    #[test]
    fn clicks_come_out_in_click_order() {
        let th = Thresholds { dead_window_ms: 5000, ..Thresholds::default() };
        let mut classifier = Classifier::new(th);
        classifier.click(0, 0, 0, true, false, 0);
        classifier.click(2000, 0, 0, false, false, 1);
        assert_eq!(classifier.settle(3001), [], "click 1 is known but waits for click 0");
        assert_eq!(classifier.next_deadline(), Some(5001));
        assert_eq!(classifier.settle(5001), [dead(0), plain(1)]);
    }

    #[test]
    fn flush_decides_everything_and_unknown_is_not_dead() {
        let mut classifier = Classifier::new(Thresholds::default());
        classifier.click(0, 0, 0, true, false, 0);
        classifier.click(2000, 0, 0, true, false, 1);
        classifier.click(2100, 0, 0, true, false, 2);
        classifier.click(2200, 0, 0, true, false, 3);
        classifier.click(2300, 500, 0, true, false, 4);
        classifier.click(2400, 900, 0, false, false, 5);
        assert!(classifier.error(2450));
        assert_eq!(classifier.flush(2500), [dead(0), rage(3, 1), plain(4), error_click(5)]);
        assert_eq!(classifier.next_deadline(), None);
        // Usable again afterwards (a page restored from the back/forward cache).
        classifier.click(9000, 0, 0, true, false, 6);
        classifier.click(9100, 0, 0, true, false, 7);
        assert_eq!(classifier.flush(10_100), [dead(6), plain(7)], "click 6's window had passed, click 7's had not");
    }

    #[test]
    fn a_flood_of_clicks_is_held_to_the_cap() {
        let mut classifier = Classifier::new(Thresholds::default());
        for i in 0..200 {
            classifier.click(i, (i as i32 % 2) * 100, 0, false, false, i);
            assert!(classifier.entries.len() <= MAX_PENDING);
        }
        assert_eq!(classifier.next_deadline(), Some(199), "early decisions are due at once");
        let mut out = classifier.settle(199);
        assert_eq!(out.len(), 200 - MAX_PENDING);
        out.extend(classifier.flush(5000));
        let payloads: Vec<i64> = out.iter().map(|signal| *signal.payload()).collect();
        assert_eq!(payloads, (0..200).collect::<Vec<_>>(), "each click once, in order");
        // A rage burst, however long, is one entry.
        for i in 0..1000 {
            classifier.click(10_000 + i, 0, 0, true, false, i);
        }
        assert_eq!(classifier.entries.len(), 1);
        assert_eq!(classifier.flush(20_000), [Signal::Rage { clicks: 1000, payload: 0 }]);
    }

    #[test]
    fn thresholds_validate_and_name_their_field() {
        assert_eq!(Thresholds::default().validate(), Ok(()));
        for field in ThresholdField::ALL {
            let (min, max) = field.range();
            let mut th = Thresholds::default();
            for (value, ok) in [(min - 1, false), (min, true), (max, true), (max + 1, false)] {
                th.set(field, value);
                assert_eq!(th.get(field), value);
                assert_eq!(th.validate(), if ok { Ok(()) } else { Err(field) }, "{} = {value}", field.field());
            }
            assert_eq!(field.field().strip_prefix("frustration."), Some(field.key()));
        }
    }

    #[test]
    fn unchecked_thresholds_are_clamped_not_trusted() {
        let th = Thresholds { rage_clicks: 0, rage_distance_px: u32::MAX, ..Thresholds::default() };
        let mut classifier = Classifier::new(th);
        assert_eq!(classifier.thresholds.rage_clicks, 3);
        classifier.click(0, i32::MIN, i32::MIN, true, false, 0);
        classifier.click(1, i32::MAX, i32::MAX, true, false, 1); // far beyond 500 px: no overflow
        classifier.click(i64::MAX, 0, 0, true, false, 2);
        classifier.effect(i64::MIN);
        assert!(!classifier.error(i64::MIN));
        assert!(classifier.error(i64::MAX));
        assert_eq!(classifier.flush(i64::MAX).len(), 3);
    }

    #[test]
    fn signals_map_to_score_kinds() {
        assert_eq!(rage(3, 0).kind(), Some(SignalKind::Rage));
        assert_eq!(dead(0).kind(), Some(SignalKind::Dead));
        assert_eq!(error_click(0).kind(), Some(SignalKind::ErrorClick));
        assert_eq!(plain(0).kind(), None);
    }
}

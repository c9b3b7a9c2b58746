//! When the configured survey shows by itself (decisions.md §29): the trigger text, and the
//! policy that decides it — a small state machine fed by what the tracker saw and the time,
//! passed in, so every rule is exact under `cargo test` (docs/tracker.md, "Triggers").

use alloc::string::String;

use crate::capture::is_scroll_milestone;
use crate::event::check_name;
use crate::json;
use crate::score::session::SignalKind;

/// The longest time a trigger may ask for: one day.
pub const MAX_TRIGGER_MS: u32 = 86_400_000;

/// When a configured survey shows without a `showSurvey` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// `delay:20s`: this long after `init`.
    Delay {
        /// Milliseconds after init.
        ms: u32,
    },
    /// `time:20s`: this long visible on this page load (time while hidden does not count).
    Time {
        /// Milliseconds visible.
        ms: u32,
    },
    /// `scroll:50`: the page view's scroll depth reached 25, 50, 75 or 100 %.
    Scroll {
        /// The depth milestone, in %.
        depth: u8,
    },
    /// `exit`: the pointer left the viewport through its top edge (desktop exit intent).
    Exit,
    /// `event:NAME`: a `track("NAME")` call.
    Event(String),
    /// `step:NAME`: the journey step `NAME` reached (`cx.step` or a corridor URL).
    Step(String),
    /// `friction:rage|dead|error`: the tracker's signal of that kind (`error`: an error click).
    Friction(SignalKind),
}

impl Trigger {
    /// Parses the trigger text: `delay:20s`, `time:500ms`, `scroll:50`, `exit`, `event:NAME`,
    /// `step:NAME` or `friction:rage|dead|error`.
    pub fn parse(text: &str) -> Option<Trigger> {
        if text == "exit" {
            return Some(Trigger::Exit);
        }
        let (head, rest) = text.split_once(':')?;
        let name = || check_name(rest).ok().map(|()| String::from(rest));
        match head {
            "delay" => Some(Trigger::Delay { ms: duration(rest)? }),
            "time" => Some(Trigger::Time { ms: duration(rest)? }),
            "scroll" => {
                // Digits only: `parse_integer` would take a sign or a leading zero too.
                let depth = json::parse_integer(rest).filter(|_| rest.bytes().all(|b| b.is_ascii_digit()));
                depth
                    .filter(|d| is_scroll_milestone(*d) && !rest.starts_with('0'))
                    .map(|d| Trigger::Scroll { depth: d as u8 })
            }
            "event" => name().map(Trigger::Event),
            "step" => name().map(Trigger::Step),
            "friction" => match rest {
                "rage" => Some(Trigger::Friction(SignalKind::Rage)),
                "dead" => Some(Trigger::Friction(SignalKind::Dead)),
                "error" => Some(Trigger::Friction(SignalKind::ErrorClick)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// `20s` or `500ms`, at most [`MAX_TRIGGER_MS`].
fn duration(amount: &str) -> Option<u32> {
    let (digits, scale) = match amount.strip_suffix("ms") {
        Some(digits) => (digits, 1),
        None => (amount.strip_suffix('s')?, 1_000),
    };
    if digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms = json::parse_integer(digits)?.checked_mul(scale)?;
    u32::try_from(ms).ok().filter(|ms| *ms <= MAX_TRIGGER_MS)
}

/// What the tracker or the page saw, as a trigger reads it.
#[derive(Debug, Clone, Copy)]
pub enum Cue<'a> {
    /// The page became hidden.
    Hidden,
    /// The page became visible again.
    Shown,
    /// A scroll depth milestone, in %.
    Scroll(i64),
    /// Exit intent.
    Exit,
    /// A `track()` call of this name.
    Event(&'a str),
    /// A journey step of this name.
    Step(&'a str),
    /// A frustration signal, and the members of its element descriptor (JSON, no braces).
    Friction(SignalKind, &'a str),
}

/// Why the trigger fired, for the `$response` it leads to: the friction signal's kind and
/// element descriptor, or nothing for the other triggers.
pub type Cause = Option<(SignalKind, String)>;

/// The trigger of one page load: fires at most once.
#[derive(Debug)]
pub struct Watch {
    trigger: Trigger,
    /// When the page load's counting started (`Date.now()` time): init.
    start: i64,
    /// Visible time counted before `visible_since`.
    visible_ms: i64,
    /// Since when the page is visible, if it is.
    visible_since: Option<i64>,
    state: State,
}

#[derive(Debug)]
enum State {
    Waiting,
    Fired(Cause),
    Done,
}

impl Watch {
    /// Arms `trigger` at `start` (init), with the page visible.
    pub fn new(trigger: Trigger, start: i64) -> Watch {
        Watch { trigger, start, visible_ms: 0, visible_since: Some(start), state: State::Waiting }
    }

    /// Whether it has not fired yet.
    pub fn armed(&self) -> bool {
        matches!(self.state, State::Waiting)
    }

    /// The event name a `track()` call must have to fire it, if that is the trigger.
    pub fn event(&self) -> Option<&str> {
        match (&self.trigger, &self.state) {
            (Trigger::Event(name), State::Waiting) => Some(name),
            _ => None,
        }
    }

    /// When a time trigger comes due, if it waits on time and the clock runs for it now
    /// (`time:` does not while the page is hidden).
    pub fn due(&self) -> Option<i64> {
        if !self.armed() {
            return None;
        }
        match self.trigger {
            Trigger::Delay { ms } => Some(self.start + i64::from(ms)),
            Trigger::Time { ms } => self.visible_since.map(|since| since + i64::from(ms) - self.visible_ms),
            _ => None,
        }
    }

    /// The time is `at`: a time trigger due by then fires.
    pub fn tick(&mut self, at: i64) {
        if self.due().is_some_and(|due| at >= due) {
            self.state = State::Fired(None);
        }
    }

    /// Takes in what was seen at `at`.
    pub fn see(&mut self, cue: Cue<'_>, at: i64) {
        self.tick(at);
        match cue {
            Cue::Hidden => {
                if let Some(since) = self.visible_since.take() {
                    self.visible_ms += (at - since).max(0);
                }
            }
            Cue::Shown => {
                self.visible_since.get_or_insert(at);
            }
            _ => {}
        }
        if !self.armed() {
            return;
        }
        let fires = match (&self.trigger, cue) {
            (Trigger::Scroll { depth }, Cue::Scroll(seen)) => seen >= i64::from(*depth),
            (Trigger::Exit, Cue::Exit) => true,
            (Trigger::Event(name), Cue::Event(seen)) | (Trigger::Step(name), Cue::Step(seen)) => name == seen,
            (Trigger::Friction(kind), Cue::Friction(seen, descriptor)) if *kind == seen => {
                self.state = State::Fired(Some((seen, String::from(descriptor))));
                return;
            }
            _ => false,
        };
        if fires {
            self.state = State::Fired(None);
        }
    }

    /// Whether it fired since the last call, and why: once per page load.
    pub fn fired(&mut self) -> Option<Cause> {
        match core::mem::replace(&mut self.state, State::Done) {
            State::Fired(cause) => Some(cause),
            other => {
                self.state = other;
                None
            }
        }
    }

    /// Stops it for good (`shutdown`).
    pub fn disarm(&mut self) {
        self.state = State::Done;
    }

    /// Takes in a `track()` chunk (the JSON text of `[[name, props, time], …]`) at `at`.
    pub fn see_chunk(&mut self, chunk: &str, at: i64) {
        let Some(wanted) = self.event() else { return };
        let seen = json::array_items(chunk).unwrap_or_default().into_iter().any(|entry| {
            json::array_items(entry).and_then(|items| items.first().and_then(|n| json::string_of(n))).as_deref()
                == Some(wanted)
        });
        if seen {
            self.state = State::Fired(None);
        }
        self.tick(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;

    #[test]
    fn every_trigger_parses_and_bad_text_does_not() {
        let cases = [
            ("delay:20s", Trigger::Delay { ms: 20_000 }),
            ("delay:0s", Trigger::Delay { ms: 0 }),
            ("delay:750ms", Trigger::Delay { ms: 750 }),
            ("time:20s", Trigger::Time { ms: 20_000 }),
            ("scroll:50", Trigger::Scroll { depth: 50 }),
            ("scroll:100", Trigger::Scroll { depth: 100 }),
            ("exit", Trigger::Exit),
            ("event:checkout_failed", Trigger::Event("checkout_failed".into())),
            ("step:cart", Trigger::Step("cart".into())),
            ("friction:rage", Trigger::Friction(SignalKind::Rage)),
            ("friction:dead", Trigger::Friction(SignalKind::Dead)),
            ("friction:error", Trigger::Friction(SignalKind::ErrorClick)),
        ];
        for (text, trigger) in cases {
            assert_eq!(Trigger::parse(text), Some(trigger), "{text}");
        }
        for bad in [
            "delay:",
            "delay:s",
            "delay:20",
            "delay:-1s",
            "delay:+1s",
            "delay:1.5s",
            "delay:86401s",
            "delay:99999999s",
            "time:",
            "time:2m",
            "scroll:",
            "scroll:40",
            "scroll:0",
            "scroll:50%",
            "scroll:050",
            "scroll:+50",
            "scroll:125",
            "scroll:-25",
            "exit:",
            "exits",
            "event:",
            "step:",
            "event:a\nb",
            "friction:",
            "friction:slow",
            "friction:error_click",
            "soon",
            "",
            "Delay:1s",
        ] {
            assert_eq!(Trigger::parse(bad), None, "{bad:?}");
        }
    }

    fn fires(watch: &mut Watch) -> bool {
        watch.fired().is_some()
    }

    #[test]
    fn delay_fires_at_its_time_from_init_hidden_or_not() {
        let mut watch = Watch::new(Trigger::Delay { ms: 20_000 }, T0);
        assert_eq!(watch.due(), Some(T0 + 20_000));
        watch.see(Cue::Hidden, T0 + 5_000);
        watch.tick(T0 + 19_999);
        assert!(!fires(&mut watch), "T − 1 ms");
        watch.tick(T0 + 20_001);
        assert!(fires(&mut watch), "T + 1 ms, though hidden for most of it");
        watch.tick(T0 + 40_000);
        assert!(!fires(&mut watch), "once per page load");
        assert_eq!(watch.due(), None);
    }

    #[test]
    fn visible_time_does_not_count_the_hidden_part() {
        let mut watch = Watch::new(Trigger::Time { ms: 20_000 }, T0);
        watch.see(Cue::Hidden, T0 + 5_000);
        assert_eq!(watch.due(), None, "no clock runs while hidden");
        watch.tick(T0 + 20_001);
        assert!(!fires(&mut watch), "a delay would have fired here");
        watch.see(Cue::Shown, T0 + 15_000);
        assert_eq!(watch.due(), Some(T0 + 30_000), "5 s visible before, 15 s still to go");
        watch.see(Cue::Shown, T0 + 16_000);
        assert_eq!(watch.due(), Some(T0 + 30_000), "a second `shown` changes nothing");
        watch.tick(T0 + 29_999);
        assert!(!fires(&mut watch), "T − 1 ms");
        watch.tick(T0 + 30_001);
        assert!(fires(&mut watch), "T + 1 ms");
        assert!(!watch.armed());
    }

    #[test]
    fn a_hide_seen_late_still_counts_from_when_it_happened() {
        let mut watch = Watch::new(Trigger::Time { ms: 10_000 }, T0);
        watch.see(Cue::Hidden, T0 + 9_999);
        watch.see(Cue::Shown, T0 + 12_000);
        watch.tick(T0 + 12_000);
        assert!(!fires(&mut watch));
        watch.tick(T0 + 12_001);
        assert!(fires(&mut watch));
    }

    #[test]
    fn scroll_fires_at_its_depth_or_deeper() {
        let mut watch = Watch::new(Trigger::Scroll { depth: 50 }, T0);
        watch.see(Cue::Scroll(25), T0 + 1);
        assert!(!fires(&mut watch));
        watch.see(Cue::Scroll(75), T0 + 2);
        assert!(fires(&mut watch), "a jump past 50 counts");
        watch.see(Cue::Scroll(100), T0 + 3);
        assert!(!fires(&mut watch), "once");
    }

    #[test]
    fn names_must_match_exactly() {
        let mut event = Watch::new(Trigger::Event("paid".into()), T0);
        assert_eq!(event.event(), Some("paid"));
        event.see_chunk(r#"[["paidx",{},1],["Paid",{"name":"paid"},2],["x",["paid"],3]]"#, T0);
        assert!(!fires(&mut event));
        event.see_chunk(r#"[["a",{},1],["paid",{},2]]"#, T0);
        assert!(fires(&mut event));
        assert_eq!(event.event(), None, "no more scanning once it fired");

        let mut step = Watch::new(Trigger::Step("cart".into()), T0);
        step.see(Cue::Event("cart"), T0);
        step.see(Cue::Step("landing"), T0);
        assert!(!fires(&mut step));
        step.see(Cue::Step("cart"), T0);
        assert!(fires(&mut step));
    }

    #[test]
    fn exit_and_friction_fire_on_their_own_cue_and_friction_says_which() {
        let mut exit = Watch::new(Trigger::Exit, T0);
        exit.see(Cue::Friction(SignalKind::Rage, ""), T0);
        assert!(!fires(&mut exit));
        exit.see(Cue::Exit, T0);
        assert!(fires(&mut exit));

        let mut rage = Watch::new(Trigger::Friction(SignalKind::Rage), T0);
        rage.see(Cue::Friction(SignalKind::Dead, r#""tag":"button""#), T0);
        rage.see(Cue::Exit, T0);
        assert!(!fires(&mut rage));
        rage.see(Cue::Friction(SignalKind::Rage, r#""tag":"div","cx":"rage""#), T0);
        assert_eq!(rage.fired(), Some(Some((SignalKind::Rage, String::from(r#""tag":"div","cx":"rage""#)))));
        rage.see(Cue::Friction(SignalKind::Rage, ""), T0);
        assert_eq!(rage.fired(), None);
    }

    #[test]
    fn a_disarmed_watch_never_fires() {
        let mut watch = Watch::new(Trigger::Delay { ms: 0 }, T0);
        watch.disarm();
        watch.tick(T0 + 1);
        assert!(!fires(&mut watch));
        assert_eq!(watch.due(), None);
    }
}

//! Sessions without cookies (decisions.md §26, docs/tracker.md "Sessions"): one record in
//! localStorage, shared by the site's tabs, continued or replaced at each activity.
//!
//! A session continues while activity comes at most [`IDLE_MS`] (30 min) after the last, and
//! until it is [`MAX_MS`] (24 h) old. These are the one place the tracker reads wall time
//! (`Date.now()`), since a session spans page loads and tabs; so the rules also say what a
//! clock that went backwards does: a step back of up to [`CLOCK_SKEW_MS`] is tolerated, a
//! larger one starts a new session. Times never move a session's `last` backwards, so no
//! clock, however wrong, keeps one alive past `started + MAX_MS + CLOCK_SKEW_MS` on its own
//! reading.

use alloc::string::String;

use crate::json;
use crate::scan::split;
use crate::time;

/// Longest gap between two activities of one session: 30 min, inclusive.
pub const IDLE_MS: i64 = 30 * 60 * 1000;
/// Longest session: 24 h from its start, exclusive (activity at exactly 24 h starts anew).
pub const MAX_MS: i64 = 24 * 60 * 60 * 1000;
/// How far the wall clock may step back and the session still continue: 1 min, inclusive.
/// NTP corrects small drifts this way; a larger step (a clock set by hand, a wrong clock
/// fixed) means the stored times cannot be compared with now, and a new session is honest.
pub const CLOCK_SKEW_MS: i64 = 60 * 1000;
/// Longest session id accepted from storage.
pub const MAX_ID_LEN: usize = 64;

/// A session: its id (from the caller, e.g. `id::stream_id`) and its start and latest
/// activity, wall ms since the epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// 1–64 characters of `A–Z a–z 0–9 _ -`.
    pub id: String,
    /// When it started.
    pub started: i64,
    /// Its latest activity; never before `started`.
    pub last: i64,
}

impl Session {
    /// Whether activity at `now` continues this session: `now − last ≤ IDLE_MS`,
    /// `now − started < MAX_MS`, and the clock at most [`CLOCK_SKEW_MS`] behind `last`.
    pub fn continues_at(&self, now: i64) -> bool {
        self.started <= self.last
            && now >= self.last.saturating_sub(CLOCK_SKEW_MS)
            && now.saturating_sub(self.last) <= IDLE_MS
            && now.saturating_sub(self.started) < MAX_MS
    }

    /// Records activity at `now`. `last` only moves forward: a clock a little behind keeps
    /// the later time it already had.
    pub fn touch(&mut self, now: i64) {
        self.last = self.last.max(now);
    }

    /// The session as text for localStorage: `id.started.last`.
    pub fn encode(&self) -> String {
        let mut out = self.id.clone();
        out.push('.');
        json::write_integer(self.started, &mut out);
        out.push('.');
        json::write_integer(self.last, &mut out);
        out
    }

    /// Reads [`encode`](Session::encode)'s text; `None` for anything else: a bad id, times
    /// that are not event times (`time::is_event_time`), or `last` before `started`.
    pub fn decode(text: &str) -> Option<Session> {
        let mut parts = split(text, b'.');
        let (id, started, last) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || !is_session_id(id) {
            return None;
        }
        let read_time =
            |part: &str| json::parse_integer(part).filter(|&t| time::is_event_time(t) && !part.starts_with('-'));
        let (started, last) = (read_time(started)?, read_time(last)?);
        (started <= last).then(|| Session { id: id.into(), started, last })
    }
}

/// Whether `id` can be a session id: 1–[`MAX_ID_LEN`] characters of base64url.
fn is_session_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The session for activity at `now_wall`: the stored one, touched, if it
/// [continues](Session::continues_at); else a new one with `new_id()`, started now. The
/// `bool` is true for a new session (the caller resets its per-session counts and progress).
pub fn resume(stored: Option<Session>, now_wall: i64, new_id: impl FnOnce() -> String) -> (Session, bool) {
    if let Some(mut session) = stored {
        if resume_in_place(&mut session, now_wall) {
            return (session, false);
        }
    }
    (Session { id: new_id(), started: now_wall, last: now_wall }, true)
}

/// [`resume`] for a session that stays where it is stored (the tracker's, inside its state,
/// so it is not copied at each activity): touches it if it continues at `now_wall`. `false`:
/// it does not, and the caller starts a new one.
pub fn resume_in_place(session: &mut Session, now_wall: i64) -> bool {
    let continues = session.continues_at(now_wall);
    if continues {
        session.touch(now_wall);
    }
    continues
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_732_350_000_000;

    fn stored(started: i64, last: i64) -> Option<Session> {
        Some(Session { id: "old".into(), started, last })
    }

    /// The id of the session for activity at `now`, and whether it is new.
    fn at(stored: Option<Session>, now: i64) -> (String, bool) {
        let (session, new) = resume(stored, now, || "new".into());
        (session.id, new)
    }

    #[test]
    fn idle_expiry_at_30_minutes_inclusive() {
        assert_eq!(at(stored(T0, T0), T0 + IDLE_MS - 1), ("old".into(), false));
        assert_eq!(at(stored(T0, T0), T0 + IDLE_MS), ("old".into(), false));
        assert_eq!(at(stored(T0, T0), T0 + IDLE_MS + 1), ("new".into(), true));
        assert_eq!(at(None, T0), ("new".into(), true));
    }

    #[test]
    fn a_session_lasts_under_24_hours() {
        let late = T0 + MAX_MS - 10;
        assert_eq!(at(stored(T0, late), T0 + MAX_MS - 1), ("old".into(), false));
        assert_eq!(at(stored(T0, late), T0 + MAX_MS), ("new".into(), true));
        // Kept alive by activity every 29 min, it still ends at 24 h.
        let mut session = resume(None, T0, || "a".into()).0;
        let mut now = T0;
        while now < T0 + 2 * MAX_MS {
            now += 29 * 60 * 1000;
            let (next, new) = resume(Some(session), now, || "b".into());
            if new {
                assert!((T0 + MAX_MS..T0 + MAX_MS + IDLE_MS).contains(&now));
                return;
            }
            session = next;
        }
        panic!("the session never ended");
    }

    #[test]
    fn resume_touches_and_new_sessions_start_now() {
        let (session, new) = resume(stored(T0, T0 + 5), T0 + 1000, || unreachable!());
        assert_eq!((session.started, session.last, new), (T0, T0 + 1000, false));
        let (session, new) = resume(stored(T0, T0), T0 + IDLE_MS + 1, || "fresh".into());
        assert_eq!(session, Session { id: "fresh".into(), started: T0 + IDLE_MS + 1, last: T0 + IDLE_MS + 1 });
        assert!(new);
    }

    #[test]
    fn a_clock_that_went_backwards() {
        // Within the skew: continues, and `last` keeps the later time.
        let (session, new) = resume(stored(T0, T0 + 10_000), T0 + 10_000 - CLOCK_SKEW_MS, || "new".into());
        assert_eq!((session.last, new), (T0 + 10_000, false));
        // Beyond it: a new session, never a stored one stretched.
        assert_eq!(at(stored(T0, T0 + 10_000), T0 + 10_000 - CLOCK_SKEW_MS - 1), ("new".into(), true));
        assert_eq!(at(stored(T0, T0), T0 - 365 * MAX_MS), ("new".into(), true));
        // A clock that keeps stepping back by a little cannot hold a session past its end.
        let mut session = stored(T0, T0).unwrap();
        for step in 1..1000 {
            let now = T0 + step * 20 * 60 * 1000 - (step % 2) * CLOCK_SKEW_MS;
            let (next, new) = resume(Some(session), now, || "new".into());
            if new {
                assert!(now >= T0 + MAX_MS);
                return;
            }
            session = next;
        }
        panic!("the session never ended");
    }

    #[test]
    fn extreme_times_do_not_panic() {
        for now in [i64::MIN, -1, 0, i64::MAX] {
            for (started, last) in [(i64::MIN, i64::MAX), (0, 0), (i64::MAX, i64::MAX), (5, 1)] {
                let _ = resume(stored(started, last), now, || "x".into());
            }
        }
        assert!(!stored(5, 1).unwrap().continues_at(3), "a session ending before it starts never continues");
    }

    #[test]
    fn sessions_round_trip_through_storage_text() {
        let session = Session { id: crate::id::stream_id([7; 16]), started: T0, last: T0 + 99 };
        let text = session.encode();
        assert_eq!(text, session.id.clone() + ".1732350000000.1732350000099");
        assert_eq!(Session::decode(&text), Some(session));
        for garbage in [
            "",
            "id.1",
            "id.1.2.3",
            ".1.2",
            "i d.1.2",
            "id.2.1",
            "id.-1.2",
            "id.-0.0",
            "id.1.x",
            "id.1.9000000000000001",
            "id.1.2 ",
            "id.1e3.2000",
        ] {
            assert_eq!(Session::decode(garbage), None, "{garbage:?}");
        }
        assert!(Session::decode(&("a".repeat(64) + ".0.0")).is_some());
        assert!(Session::decode(&("a".repeat(65) + ".0.0")).is_none());
    }
}

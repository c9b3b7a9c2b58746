//! What a session carries across the site's tabs and page loads: the session itself, its
//! signal counts, the journey so far, the pages seen and the errors already reported. Stored
//! as one localStorage value (`cxkit:<site>:session`) where consent allows, so every tab adds
//! to the same score; in memory otherwise.

use alloc::string::String;
use alloc::vec::Vec;

use super::journey::Progress;
use super::session::Session;
use crate::json::{parse_integer, write_integer};
use crate::scan::split;
use crate::score::session::Counts;

/// Separates the parts of the stored text; none of them contains it.
const SEPARATOR: u8 = b'|';

/// A session's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    /// The session: its id, when it started and when it was last active.
    pub session: Session,
    /// Its signals, by kind, as the browser emitted them.
    pub counts: Counts,
    /// The journey so far.
    pub progress: Progress,
    /// Page views in the session.
    pub pages: u32,
    /// Fingerprints of the errors already reported: each is reported once per session.
    pub errors: Vec<u32>,
}

impl SessionState {
    /// A session with nothing in it yet.
    pub fn new(session: Session) -> SessionState {
        SessionState { session, counts: Counts::default(), progress: Progress::default(), pages: 0, errors: Vec::new() }
    }

    /// The text stored: `session|counts|progress|pages|errors`.
    pub fn encode(&self) -> String {
        let mut out = self.session.encode();
        out.push(SEPARATOR as char);
        self.counts.write(&mut out);
        out.push(SEPARATOR as char);
        self.progress.write(&mut out);
        out.push(SEPARATOR as char);
        write_integer(i64::from(self.pages), &mut out);
        out.push(SEPARATOR as char);
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_integer(i64::from(*error), &mut out);
        }
        out
    }

    /// Reads [`SessionState::encode`]'s text; `None` for anything else (a value another
    /// release or a page wrote): the session then starts afresh.
    pub fn decode(text: &str) -> Option<SessionState> {
        let mut parts = split(text, SEPARATOR);
        let session = Session::decode(parts.next()?)?;
        let counts = Counts::decode(parts.next()?)?;
        let progress = Progress::decode(parts.next()?)?;
        let pages = u32::try_from(parse_integer(parts.next()?)?).ok()?;
        let (list, mut errors) = (parts.next()?, Vec::new());
        if !list.is_empty() {
            for n in split(list, b',') {
                errors.push(u32::try_from(parse_integer(n)?).ok()?);
            }
        }
        parts.next().is_none().then_some(SessionState { session, counts, progress, pages, errors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::session::SignalKind;

    #[test]
    fn the_stored_text_reads_back_and_garbage_does_not() {
        let mut state = SessionState::new(Session { id: "AAAAAAAAAAAAAAAAAAAAAA".into(), started: 5, last: 9 });
        state.counts.add(SignalKind::Rage);
        state.counts.add(SignalKind::Rage);
        state.pages = 3;
        state.errors = vec![1, 4_000_000_000];
        assert_eq!(SessionState::decode(&state.encode()), Some(state.clone()));
        assert_eq!(SessionState::decode(&SessionState::new(state.session.clone()).encode()).map(|s| s.pages), Some(0));
        for garbage in ["", "x", "|||", &(state.encode() + "|extra"), &state.encode().replace("|3|", "|-3|")] {
            assert_eq!(SessionState::decode(garbage), None, "{garbage}");
        }
    }
}

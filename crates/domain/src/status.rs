//! What the core reports for `cx.status()`: the visitor's consent and the queue's counts, as
//! the JSON the shell parses. The keys are listed once, here: the core writes them and the
//! shell's `CoreStatus` type is generated from them (`npm/src/contract.ts`).

use super::consent::Consent;
use super::json::{write_integer, write_string};

/// The visitor's consent now: the key of the first entry.
pub const CONSENT_KEY: &str = "consent";

/// A count the core reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// In the queue, waiting for a send.
    Queued,
    /// In the send under way.
    InFlight,
    /// Refused at intake (bad events that slipped past the call-time checks).
    Rejected,
    /// Refused by the collector alone while the rest of their batch was accepted.
    Dropped,
    /// Evicted by the memory caps, oldest touchpoints first.
    Evicted,
    /// Failed sends in a row: above 0, cxkit is backing off and keeps every event.
    Failures,
}

impl Count {
    /// Every count, in the order they are written.
    pub const ALL: [Count; 6] =
        [Count::Queued, Count::InFlight, Count::Rejected, Count::Dropped, Count::Evicted, Count::Failures];

    /// The key, as in `cx.status()`.
    pub fn key(self) -> &'static str {
        match self {
            Count::Queued => "queued",
            Count::InFlight => "inFlight",
            Count::Rejected => "rejected",
            Count::Dropped => "dropped",
            Count::Evicted => "evicted",
            Count::Failures => "failures",
        }
    }
}

/// `{"consent":"granted","queued":3,…}`: the consent, then every [`Count`] in order, each as
/// `count` gives it.
pub fn to_json(consent: Consent, count: impl Fn(Count) -> u64) -> String {
    let mut out = String::from("{");
    write_string(CONSENT_KEY, &mut out);
    out.push(':');
    write_string(consent.id(), &mut out);
    for key in Count::ALL {
        out.push(',');
        write_string(key.key(), &mut out);
        out.push(':');
        write_integer(count(key) as i64, &mut out);
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consent_comes_first_then_every_count() {
        let json = to_json(Consent::Pending, |count| Count::ALL.iter().position(|c| *c == count).unwrap() as u64 * 10);
        assert_eq!(
            json,
            r#"{"consent":"pending","queued":0,"inFlight":10,"rejected":20,"dropped":30,"evicted":40,"failures":50}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed.as_object().unwrap().len(), 1 + Count::ALL.len(), "no key twice");
    }
}

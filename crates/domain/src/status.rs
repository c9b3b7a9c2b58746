//! What the core reports for `cx.status()`: the visitor's consent and the counts of the queue
//! and of what is stored. The keys are listed once, here: the core fills a plain object with
//! them and the shell's `CoreStatus` type is generated from them (`npm/src/contract.ts`).

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
    /// Stored in localStorage, so a reload, a crash or a closed tab loses none of them.
    Stored,
    /// Left in memory only by the stored cap.
    Unstored,
}

impl Count {
    /// Every count, in the order they are written.
    pub const ALL: [Count; 8] = [
        Count::Queued,
        Count::InFlight,
        Count::Rejected,
        Count::Dropped,
        Count::Evicted,
        Count::Failures,
        Count::Stored,
        Count::Unstored,
    ];

    /// The key, as in `cx.status()`.
    pub fn key(self) -> &'static str {
        match self {
            Count::Queued => "queued",
            Count::InFlight => "inFlight",
            Count::Rejected => "rejected",
            Count::Dropped => "dropped",
            Count::Evicted => "evicted",
            Count::Failures => "failures",
            Count::Stored => "stored",
            Count::Unstored => "unstored",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_once_and_none_the_consent_s() {
        let mut keys: Vec<_> = Count::ALL.iter().map(|count| count.key()).collect();
        keys.push(CONSENT_KEY);
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Count::ALL.len() + 1);
    }
}

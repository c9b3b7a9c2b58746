//! Consent: what cxkit may do for this visitor (decisions.md §17–18).
//!
//! `granted` (the default, so a pasted tag just works), `pending` for sites that ask first, or
//! `denied`. The browser's own opt-out signals — Global Privacy Control, Do-Not-Track "1" —
//! count as `denied` until the site itself calls `consent("granted")`.

/// The visitor's consent, as the site reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Track, store and send; automatic surveys may show.
    Granted,
    /// Hold events in memory only and send nothing; no automatic surveys. Answers to a survey
    /// the site shows itself are held too, and sent if consent is granted.
    Pending,
    /// Nothing kept, stored or sent; no surveys.
    Denied,
}

impl Consent {
    /// Every state, in the order the docs list them.
    pub const ALL: [Consent; 3] = [Consent::Granted, Consent::Pending, Consent::Denied];

    /// The state for its id: `granted`, `pending` or `denied`.
    pub fn from_id(id: &str) -> Option<Consent> {
        match id {
            "granted" => Some(Consent::Granted),
            "pending" => Some(Consent::Pending),
            "denied" => Some(Consent::Denied),
            _ => None,
        }
    }

    /// The id, as in the API.
    pub fn id(self) -> &'static str {
        match self {
            Consent::Granted => "granted",
            Consent::Pending => "pending",
            Consent::Denied => "denied",
        }
    }

    /// The state at start: the configured one, unless the browser signals an opt-out.
    pub fn at_start(configured: Consent, browser_opt_out: bool) -> Consent {
        if browser_opt_out {
            Consent::Denied
        } else {
            configured
        }
    }

    /// Whether events may leave the browser (and, later, be stored).
    pub fn may_send(self) -> bool {
        self == Consent::Granted
    }

    /// Whether events and answers are kept at all.
    pub fn keeps_events(self) -> bool {
        self != Consent::Denied
    }

    /// Whether a survey may show without the site asking for it.
    pub fn allows_automatic_surveys(self) -> bool {
        self == Consent::Granted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_opt_out_means_denied_until_the_site_says_otherwise() {
        assert_eq!(Consent::at_start(Consent::Granted, false), Consent::Granted);
        assert_eq!(Consent::at_start(Consent::Pending, false), Consent::Pending);
        assert_eq!(Consent::at_start(Consent::Granted, true), Consent::Denied);
        assert_eq!(Consent::at_start(Consent::Pending, true), Consent::Denied);
    }

    #[test]
    fn each_state_allows_what_the_policy_says() {
        assert_eq!(Consent::ALL.map(Consent::id), ["granted", "pending", "denied"]);
        let rows = [
            (Consent::Granted, true, true, true),
            (Consent::Pending, false, true, false),
            (Consent::Denied, false, false, false),
        ];
        for (consent, send, keep, automatic) in rows {
            assert_eq!(
                (consent.may_send(), consent.keeps_events(), consent.allows_automatic_surveys()),
                (send, keep, automatic),
                "{consent:?}"
            );
            assert_eq!(Consent::from_id(consent.id()), Some(consent));
        }
        assert_eq!(Consent::from_id("yes"), None);
    }
}

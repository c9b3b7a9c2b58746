//! What a public call reports when it refuses (decisions.md §2): a code a site can branch on,
//! the option or argument at fault, and the `field: rule` message to read. The JS shell's
//! `ErrorInfo` has exactly these three parts and its `ErrorCode` type is generated from
//! [`ErrorCode`] (`npm/src/contract.ts`), so the core hands them over as they are and the shell
//! never takes a message apart to find the field.

use super::config::ConfigError;
use alloc::string::String;

/// The kind of refusal: `ErrorInfo.code` in the JS API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An option broke a rule at `init` (or in the script tag): the instance stays off.
    Config,
    /// A `track()` call broke an event limit: nothing was queued.
    InvalidEvent,
    /// `showSurvey` named a survey that does not show, or the survey could not be shown.
    InvalidSurvey,
    /// The visitor's consent does not allow what was asked, or `consent()` got a state that
    /// does not exist: "not allowed" rather than "wrong", so a site can tell the two apart.
    Consent,
    /// cxkit is not running: it could not start, was shut down, or too many calls wait for it.
    NotRunning,
    /// A send did not reach the collector or was refused; its events stay queued.
    Delivery,
}

impl ErrorCode {
    /// Every code, in the order the docs list them.
    pub const ALL: [ErrorCode; 6] = [
        ErrorCode::Config,
        ErrorCode::InvalidEvent,
        ErrorCode::InvalidSurvey,
        ErrorCode::Consent,
        ErrorCode::NotRunning,
        ErrorCode::Delivery,
    ];

    /// The id, as in `ErrorInfo.code`.
    pub fn id(self) -> &'static str {
        match self {
            ErrorCode::Config => "config",
            ErrorCode::InvalidEvent => "invalid_event",
            ErrorCode::InvalidSurvey => "invalid_survey",
            ErrorCode::Consent => "consent",
            ErrorCode::NotRunning => "not_running",
            ErrorCode::Delivery => "delivery",
        }
    }
}

/// A refused call, as the site sees it: `ErrorInfo` in the JS API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The kind of refusal.
    pub code: ErrorCode,
    /// The option or argument at fault (`siteId`, `survey`), or empty.
    pub field: String,
    /// `field: rule` when there is a field, readable as is.
    pub message: String,
}

impl CallError {
    /// A refusal of `field` for breaking `rule`: the message is `field: rule`.
    pub fn new(code: ErrorCode, field: &str, rule: &str) -> CallError {
        let mut message = String::from(field);
        message.push_str(": ");
        message.push_str(rule);
        CallError { code, field: field.into(), message }
    }

    /// A refusal about nothing the caller passed (a missing browser API): no field.
    pub fn unfielded(code: ErrorCode, message: &str) -> CallError {
        CallError { code, field: String::new(), message: message.into() }
    }

    /// An option or argument that broke a configuration rule, under `code`.
    pub fn from_config(code: ErrorCode, error: ConfigError) -> CallError {
        let message = error.message();
        CallError { code, field: error.field, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigProblem;

    #[test]
    fn ids_are_those_of_the_js_api() {
        let ids: Vec<_> = ErrorCode::ALL.into_iter().map(ErrorCode::id).collect();
        assert_eq!(ids, ["config", "invalid_event", "invalid_survey", "consent", "not_running", "delivery"]);
    }

    #[test]
    fn the_field_and_the_message_come_apart_only_here() {
        let error =
            CallError::from_config(ErrorCode::Config, ConfigError::new("endpoint", ConfigProblem::InsecureHttp));
        assert_eq!(
            error,
            CallError {
                code: ErrorCode::Config,
                field: "endpoint".into(),
                message: "endpoint: must use https (http only for localhost / 127.0.0.1)".into(),
            }
        );
        let denied = CallError::new(ErrorCode::Consent, "consent", "denied, so no survey is shown");
        assert_eq!(
            (denied.field.as_str(), denied.message.as_str()),
            ("consent", "consent: denied, so no survey is shown")
        );
        assert_eq!(CallError::unfielded(ErrorCode::NotRunning, "x").field, "");
    }
}

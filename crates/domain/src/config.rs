//! The instance configuration: parsed once at `init`, validated, then trusted everywhere.
//!
//! A raw JSON object becomes a [`Config`] with private fields or a [`ConfigError`] that names
//! the field and the rule it broke (`endpoint: must use https (http only for localhost)`), so a
//! site owner can fix a bad tag from the console message alone.

use alloc::string::String;
use alloc::vec::Vec;

use super::capture::journey::{self, Corridor};
use super::capture::options::Capture;
use super::consent::Consent;
use super::json;
use super::survey::spec::{is_language_tag, parse_surveys, Cap, Spec, Survey, Targeting, Urls};
use super::survey::{SurveyKind, Trigger};

/// Default batch age before a send: one request per 5 s under steady traffic (design.md).
pub const DEFAULT_MAX_BATCH_AGE_MS: u32 = 5_000;
/// Bounds of `maxBatchAgeMs`: tests shrink it, sites may stretch it, neither beyond reason.
pub const MAX_BATCH_AGE_RANGE_MS: (u32, u32) = (50, 60_000);
/// Longest site id.
pub const MAX_SITE_ID_LEN: usize = 64;
/// Longest endpoint URL.
pub const MAX_ENDPOINT_LEN: usize = 2_000;

/// A validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    endpoint: String,
    site_id: String,
    surveys: Vec<(Survey, String)>,
    survey_errors: Vec<ConfigError>,
    debug: bool,
    max_batch_age_ms: u32,
    consent: Consent,
    capture: Capture,
}

impl Config {
    /// Where batches are posted: an absolute https URL, or http on the loopback host.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
    /// The site this instance reports for.
    pub fn site_id(&self) -> &str {
        &self.site_id
    }
    /// The configured surveys, each with its JSON text for the survey module: the `surveys`
    /// option's valid ones, then the built-in one that the `survey` + `trigger` shorthand names.
    pub fn surveys(&self) -> &[(Survey, String)] {
        &self.surveys
    }
    /// One error per configured survey that is off (the others work): the shell logs each.
    pub fn survey_errors(&self) -> &[ConfigError] {
        &self.survey_errors
    }
    /// Whether to log one line per survey decision (`debug: true`).
    pub fn debug(&self) -> bool {
        self.debug
    }
    /// The oldest a queued event gets before a send is due.
    pub fn max_batch_age_ms(&self) -> u32 {
        self.max_batch_age_ms
    }
    /// The consent the site starts with (before browser opt-out signals).
    pub fn consent(&self) -> Consent {
        self.consent
    }
    /// The tracker's options.
    pub fn capture(&self) -> &Capture {
        &self.capture
    }
    /// Moves the tracker's options out, for the tracker that owns them from then on; the
    /// config keeps the defaults in their place. (A clone would cost the module its code.)
    pub fn take_capture(&mut self) -> Capture {
        core::mem::take(&mut self.capture)
    }
}

/// A configuration that cannot be used, naming the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The option, as the JS API spells it (`siteId`, not `site_id`).
    pub field: String,
    /// The rule it broke.
    pub problem: ConfigProblem,
}

/// The rules a configuration can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// The text given to `Config::parse` is not JSON.
    NotJson,
    /// The configuration is not a JSON object.
    NotAnObject,
    /// A required option is absent.
    Missing,
    /// An option cxkit does not know (most often a typo).
    UnknownOption,
    /// The value has the wrong JSON type.
    NotAString,
    /// The value has the wrong JSON type.
    NotAnInteger,
    /// The value has the wrong JSON type.
    NotABoolean,
    /// An empty string where text is required.
    Empty,
    /// A string above its length limit.
    TooLong,
    /// A site id with characters outside `A–Z a–z 0–9 _ -`.
    BadSiteId,
    /// Not an absolute http(s) URL.
    NotAbsoluteUrl,
    /// http on a host other than localhost / 127.0.0.1 / [::1].
    InsecureHttp,
    /// `user:pass@` in the URL.
    Credentials,
    /// A number outside its range.
    OutOfRange,
    /// A survey id that is neither configured nor built in ([`SurveyKind`]).
    UnknownSurvey,
    /// A trigger that is none of decisions.md §29 ([`Trigger::parse`]).
    BadTrigger,
    /// A trigger without a survey to show.
    TriggerWithoutSurvey,
    /// A consent other than granted, pending or denied.
    UnknownConsent,
    /// The value has the wrong JSON type.
    NotAnArray,
    /// A journey with fewer than [`journey::MIN_STEPS`] or more than [`journey::MAX_STEPS`] steps.
    StepCount,
    /// A journey step named like an earlier one.
    DuplicateStep,
    /// A name with control characters (C0, DEL, C1).
    ControlCharacters,
    /// A path glob that does not start with `/`, or holds a query, fragment or white space.
    NotAPathGlob,
    /// A list longer than its limit.
    TooMany,
    /// A `nonce` with characters outside base64.
    NotANonce,
    /// A list longer than the limit it states: `surveys[0].steps[1].options: at most 10`.
    AtMost(u16),
    /// Words longer than the limit it states: `surveys[0].steps[0].question: longer than 500 characters`.
    LongerThan(u16),
    /// A list shorter than the least it states: `surveys[0].steps[1].options: at least 2`.
    AtLeast(u16),
    /// A survey id given to an earlier survey of the same `surveys` array.
    DuplicateSurvey,
    /// A step kind that is none of nps, csat, ces, text or choice.
    UnknownStepKind,
    /// A choice option given twice (exactly the same words).
    DuplicateOption,
    /// A language tag (a key of a text given by locale) or a member given twice.
    Repeated,
    /// A key of a text given by locale that is not a language tag like `en` or `de-AT`.
    BadLocale,
    /// `low` / `high` on a step without a scale (text or choice).
    OnlyOnScale,
    /// `options` / `multiple` on a step that is not a choice.
    OnlyOnChoice,
    /// A `when.step` that names no earlier step (itself, a later or a missing one).
    NotAnEarlierStep,
    /// A `when` on the first step, which always shows.
    WhenOnFirstStep,
    /// A `when` that reads a text step, whose answer has nothing to compare.
    ConditionOnText,
    /// A `when` with none or several of its conditions.
    OneCondition,
    /// A condition that does not fit the kind of the step it reads (`bucket` on a CSAT step).
    WrongStepKind,
    /// A `when.max` below its `when.min`.
    BelowMin,
    /// An NPS bucket other than promoter, passive or detractor.
    UnknownBucket,
    /// A `when.option` that is none of the options of the step it reads.
    NotAnOption,
    /// A placement other than bottom-right, bottom-left, center or `{ "inline": selector }`.
    UnknownPlacement,
    /// A survey trigger that is neither "manual" nor one of decisions.md §29.
    BadSurveyTrigger,
}

impl ConfigProblem {
    /// Appends the rule, in words, to `out`. The survey rule lists the built-in ids, read from
    /// [`SurveyKind::ALL`], so the message cannot drift from the rule it states.
    pub fn write_rule(self, out: &mut String) {
        out.push_str(match self {
            ConfigProblem::NotJson => "is not valid JSON",
            ConfigProblem::NotAnObject => "must be an object",
            ConfigProblem::Missing => "is required",
            ConfigProblem::UnknownOption => "unknown option",
            ConfigProblem::NotAString => "must be a string",
            ConfigProblem::NotAnInteger => "must be a whole number",
            ConfigProblem::NotABoolean => "must be true or false",
            ConfigProblem::Empty => "must not be empty",
            ConfigProblem::TooLong => "is too long",
            ConfigProblem::BadSiteId => "may only contain letters, digits, '_' and '-'",
            ConfigProblem::NotAbsoluteUrl => "must be an absolute http(s) URL",
            ConfigProblem::InsecureHttp => "must use https (http only for localhost / 127.0.0.1)",
            ConfigProblem::Credentials => "must not contain user:password@",
            ConfigProblem::OutOfRange => "is out of range",
            ConfigProblem::UnknownSurvey => "must be one of",
            ConfigProblem::BadTrigger => {
                "must look like delay:20s, time:20s, scroll:50, exit, event:NAME, step:NAME or friction:rage|dead|error"
            }
            ConfigProblem::TriggerWithoutSurvey => "needs a survey to show",
            ConfigProblem::UnknownConsent => "must be granted, pending or denied",
            ConfigProblem::NotAnArray => "must be an array",
            ConfigProblem::StepCount => "must have ",
            ConfigProblem::DuplicateStep => "duplicate step",
            ConfigProblem::ControlCharacters => "must not contain control characters",
            ConfigProblem::NotAPathGlob => "must be a path like /p/*",
            ConfigProblem::TooMany => "has too many entries",
            ConfigProblem::NotANonce => "must be a base64 nonce",
            ConfigProblem::AtMost(_) => "at most ",
            ConfigProblem::LongerThan(_) => "longer than ",
            ConfigProblem::AtLeast(_) => "at least ",
            ConfigProblem::DuplicateSurvey => "duplicate survey id",
            ConfigProblem::UnknownStepKind => "must be one of",
            ConfigProblem::DuplicateOption => "duplicate option",
            ConfigProblem::Repeated => "is given twice",
            ConfigProblem::BadLocale => "must be a language tag like en or de-AT",
            ConfigProblem::OnlyOnScale => "only applies to nps, csat and ces steps",
            ConfigProblem::OnlyOnChoice => "only applies to choice steps",
            ConfigProblem::NotAnEarlierStep => "must name an earlier step",
            ConfigProblem::WhenOnFirstStep => "not allowed on the first step, which always shows",
            ConfigProblem::ConditionOnText => "cannot read a text step: its answer has nothing to compare",
            ConfigProblem::OneCondition => "needs exactly one of min/max, bucket, satisfied or option",
            ConfigProblem::WrongStepKind => {
                "does not fit the step it reads (min/max: nps, csat, ces; bucket: nps; satisfied: csat; option: choice)"
            }
            ConfigProblem::BelowMin => "must not be below min",
            ConfigProblem::UnknownBucket => "must be promoter, passive or detractor",
            ConfigProblem::NotAnOption => "must be one of the options of the step it reads",
            ConfigProblem::UnknownPlacement => "must be bottom-right, bottom-left, center or {\"inline\": selector}",
            ConfigProblem::BadSurveyTrigger => "",
        });
        if let ConfigProblem::AtMost(n) | ConfigProblem::AtLeast(n) | ConfigProblem::LongerThan(n) = self {
            json::write_integer(i64::from(n), out);
        }
        if let ConfigProblem::LongerThan(_) = self {
            out.push_str(" characters");
        }
        if self == ConfigProblem::UnknownStepKind {
            for kind in SurveyKind::ALL {
                out.push(' ');
                out.push_str(kind.id());
                out.push(',');
            }
            out.push_str(" choice");
        }
        if self == ConfigProblem::BadSurveyTrigger {
            ConfigProblem::BadTrigger.write_rule(out);
            out.push_str(", or be manual");
        }
        if self == ConfigProblem::StepCount {
            json::write_integer(journey::MIN_STEPS as i64, out);
            out.push_str(" to ");
            json::write_integer(journey::MAX_STEPS as i64, out);
            out.push_str(" steps");
        }
        if self == ConfigProblem::UnknownSurvey {
            for (i, kind) in SurveyKind::ALL.iter().enumerate() {
                out.push_str(if i == 0 { " " } else { ", " });
                out.push_str(kind.id());
            }
        }
    }
}

impl ConfigError {
    /// The error for `field` breaking `problem`.
    pub fn new(field: &str, problem: ConfigProblem) -> Self {
        ConfigError { field: field.into(), problem }
    }

    /// `field: rule`, built without `core::fmt` so the wasm stays small.
    pub fn message(&self) -> String {
        let mut out = self.field.clone();
        out.push_str(": ");
        self.problem.write_rule(&mut out);
        out
    }
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for ConfigError {}

/// The kind of JSON value an option takes. The script tag reads every `data-*` attribute as
/// text and turns it into this kind before the config is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A string.
    Text,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An object or a list (through `init`, or a tag's `data-config`).
    Object,
}

/// Options the JS API accepts, with the kind of value each takes. `strict` and `headers` are
/// read and checked by the JS wrapper (`headers` by the browser's own `Headers` parser); they
/// are listed so they are not "unknown". `locale`, `nonce` and `zIndex` are checked here and
/// handed to the survey module by the shell.
pub const OPTIONS: [(&str, OptionKind); 20] = [
    ("endpoint", OptionKind::Text),
    ("siteId", OptionKind::Text),
    ("survey", OptionKind::Text),
    ("trigger", OptionKind::Text),
    ("surveys", OptionKind::Object),
    ("locale", OptionKind::Text),
    ("nonce", OptionKind::Text),
    ("zIndex", OptionKind::Number),
    ("debug", OptionKind::Boolean),
    ("maxBatchAgeMs", OptionKind::Number),
    ("consent", OptionKind::Text),
    ("strict", OptionKind::Boolean),
    ("headers", OptionKind::Object),
    ("capture", OptionKind::Object),
    ("queryParams", OptionKind::Object),
    ("frustration", OptionKind::Object),
    ("journey", OptionKind::Object),
    ("score", OptionKind::Object),
    ("countBots", OptionKind::Boolean),
    ("redact", OptionKind::Object),
];

/// The options that take `kind`, in [`OPTIONS`] order.
pub fn options_of(kind: OptionKind) -> impl Iterator<Item = &'static str> {
    OPTIONS.into_iter().filter(move |(_, of)| *of == kind).map(|(name, _)| name)
}

impl Config {
    /// Parses and validates a configuration given as JSON text.
    ///
    /// The object is read as raw members (no value tree: this is the only JSON the wasm parses
    /// besides the event buffer), then checked in a fixed order, so the error a site owner
    /// sees does not depend on the order of their options.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let members = match json::object_members(text) {
            Ok(Some(members)) => members,
            Ok(None) => return Err(ConfigError::new("config", ConfigProblem::NotAnObject)),
            Err(_) => return Err(ConfigError::new("config", ConfigProblem::NotJson)),
        };
        if let Some((key, _)) = members.iter().find(|(k, _)| !OPTIONS.iter().any(|(name, _)| name == k)) {
            return Err(ConfigError { field: key.clone(), problem: ConfigProblem::UnknownOption });
        }
        let raw = |field: &str| members.iter().find(|(k, _)| k == field).map(|(_, v)| *v);
        let string = |field: &str| -> Result<Option<String>, ConfigError> {
            raw(field).map(|v| json::string_of(v).ok_or(ConfigError::new(field, ConfigProblem::NotAString))).transpose()
        };
        let required = |field: &str| string(field)?.ok_or(ConfigError::new(field, ConfigProblem::Missing));

        let endpoint = required("endpoint")?;
        validate_endpoint(&endpoint).map_err(|problem| ConfigError::new("endpoint", problem))?;
        let site_id = required("siteId")?;
        validate_site_id(&site_id).map_err(|problem| ConfigError::new("siteId", problem))?;
        let survey = string("survey")?
            .map(|id| SurveyKind::from_id(&id).ok_or(ConfigError::new("survey", ConfigProblem::UnknownSurvey)))
            .transpose()?;
        let trigger = string("trigger")?
            .map(|text| Trigger::parse(&text).ok_or(ConfigError::new("trigger", ConfigProblem::BadTrigger)))
            .transpose()?;
        if trigger.is_some() && survey.is_none() {
            return Err(ConfigError::new("trigger", ConfigProblem::TriggerWithoutSurvey));
        }
        let (mut surveys, survey_errors) = raw("surveys").map(parse_surveys).unwrap_or_default();
        if let Some(kind) = survey {
            surveys.push((shorthand(kind, trigger), String::from(kind.id())));
        }
        if let Some(locale) = string("locale")? {
            check_locale(&locale).map_err(|problem| ConfigError::new("locale", problem))?;
        }
        if let Some(nonce) = string("nonce")? {
            check_nonce(&nonce).map_err(|problem| ConfigError::new("nonce", problem))?;
        }
        integer_in(raw("zIndex"), "zIndex", (0, i32::MAX as u32))?;
        let max_batch_age_ms = integer_in(raw("maxBatchAgeMs"), "maxBatchAgeMs", MAX_BATCH_AGE_RANGE_MS)?
            .unwrap_or(DEFAULT_MAX_BATCH_AGE_MS);
        let consent = string("consent")?
            .map(|id| Consent::from_id(&id).ok_or(ConfigError::new("consent", ConfigProblem::UnknownConsent)))
            .transpose()?
            .unwrap_or(Consent::Granted);
        let boolean = |field: &str| match raw(field) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ConfigError::new(field, ConfigProblem::NotABoolean)),
        };
        boolean("strict")?;
        let mut capture = Capture::default();
        if let Some(value) = raw("capture") {
            capture.read_switches(value)?;
        }
        if let Some(value) = raw("queryParams") {
            capture.read_query_params(value)?;
        }
        if let Some(value) = raw("frustration") {
            capture.read_thresholds(value)?;
        }
        if let Some(value) = raw("journey") {
            capture.corridor = Corridor::parse(value)?;
        }
        if let Some(value) = raw("score") {
            capture.read_penalties(value)?;
        }
        capture.count_bots = boolean("countBots")?.unwrap_or(false);
        if let Some(value) = raw("redact") {
            check_patterns(value)?;
        }
        let debug = boolean("debug")?.unwrap_or(false);
        Ok(Config { endpoint, site_id, surveys, survey_errors, debug, max_batch_age_ms, consent, capture })
    }
}

/// The survey the `survey` + `trigger` shorthand names: the built-in one, with default targeting.
fn shorthand(kind: SurveyKind, trigger: Option<Trigger>) -> Survey {
    Survey {
        spec: Spec::builtin(kind),
        targeting: Targeting { trigger, urls: Urls::default(), sample: 100, cap: Cap::default() },
    }
}

/// Most site patterns in the `redact` option.
pub const MAX_REDACT_PATTERNS: usize = 20;
/// Longest site pattern, in characters.
pub const MAX_REDACT_PATTERN_CHARS: usize = 200;

/// The `redact` option's shape: a list of at most [`MAX_REDACT_PATTERNS`] non-empty strings of at
/// most [`MAX_REDACT_PATTERN_CHARS`] characters, each named in its error (`redact[2]`). Whether
/// a pattern compiles is the browser's to say: the shell makes each a `RegExp` (decisions.md §39).
fn check_patterns(value: &str) -> Result<(), ConfigError> {
    const FIELD: &str = "redact";
    let items = json::array_items(value).ok_or(ConfigError::new(FIELD, ConfigProblem::NotAnArray))?;
    if items.len() > MAX_REDACT_PATTERNS {
        return Err(ConfigError::new(FIELD, ConfigProblem::TooMany));
    }
    for (i, item) in items.into_iter().enumerate() {
        let problem = match json::string_of(item) {
            None => ConfigProblem::NotAString,
            Some(p) if p.is_empty() => ConfigProblem::Empty,
            Some(p) if json::char_count(&p) > MAX_REDACT_PATTERN_CHARS => ConfigProblem::TooLong,
            Some(_) => continue,
        };
        let mut field = String::from("redact[");
        json::write_integer(i as i64, &mut field);
        field.push(']');
        return Err(ConfigError { field, problem });
    }
    Ok(())
}

/// Longest `nonce`.
pub const MAX_NONCE_CHARS: usize = 200;

/// The `locale` option: a language tag, as the keys of a survey's words by locale.
fn check_locale(tag: &str) -> Result<(), ConfigProblem> {
    match (tag.is_empty(), is_language_tag(tag)) {
        (true, _) => Err(ConfigProblem::Empty),
        (false, false) => Err(ConfigProblem::BadLocale),
        (false, true) => Ok(()),
    }
}

/// A CSP nonce: base64 characters, so it can never break out of the attribute it goes in.
fn check_nonce(nonce: &str) -> Result<(), ConfigProblem> {
    if nonce.is_empty() {
        return Err(ConfigProblem::Empty);
    }
    if nonce.len() > MAX_NONCE_CHARS
        || !nonce.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
    {
        return Err(ConfigProblem::NotANonce);
    }
    Ok(())
}

fn integer_in(raw: Option<&str>, field: &str, (min, max): (u32, u32)) -> Result<Option<u32>, ConfigError> {
    let Some(raw) = raw else { return Ok(None) };
    let n = json::parse_integer(raw).ok_or(ConfigError::new(field, ConfigProblem::NotAnInteger))?;
    if n < i64::from(min) || n > i64::from(max) {
        return Err(ConfigError::new(field, ConfigProblem::OutOfRange));
    }
    Ok(Some(n as u32))
}

/// Checks a site id: 1–64 characters of `A–Z a–z 0–9 _ -`.
pub fn validate_site_id(site_id: &str) -> Result<(), ConfigProblem> {
    if site_id.is_empty() {
        return Err(ConfigProblem::Empty);
    }
    if site_id.len() > MAX_SITE_ID_LEN {
        return Err(ConfigProblem::TooLong);
    }
    if !site_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(ConfigProblem::BadSiteId);
    }
    Ok(())
}

/// Accepts `https://host[:port]/path…` anywhere, and plain http only on the loopback host, so a
/// page never posts its visitors' answers in clear text. Rejects relative and scheme-relative
/// URLs, other schemes (`javascript:`, `data:`) and `user:pass@` credentials.
pub fn validate_endpoint(url: &str) -> Result<(), ConfigProblem> {
    if url.is_empty() {
        return Err(ConfigProblem::Empty);
    }
    if url.len() > MAX_ENDPOINT_LEN {
        return Err(ConfigProblem::TooLong);
    }
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(ConfigProblem::NotAbsoluteUrl);
    }
    let (secure, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
        (false, rest)
    } else {
        return Err(ConfigProblem::NotAbsoluteUrl);
    };
    // A byte scan: `split(['/', '?', '#'])` would bring a searcher of its own into the module.
    let end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or("");
    if authority.bytes().any(|b| b == b'@') {
        return Err(ConfigProblem::Credentials);
    }
    let host = host_of(authority).ok_or(ConfigProblem::NotAbsoluteUrl)?;
    if !secure && !is_loopback(host) {
        return Err(ConfigProblem::InsecureHttp);
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| s.get(prefix.len()..)).flatten()
}

/// The host of `host[:port]` or `[v6][:port]`, or `None` when either part is malformed.
/// Splits with `get`, not indexing, so no slicing panic path reaches the wasm.
fn host_of(authority: &str) -> Option<&str> {
    let split = match authority.strip_prefix('[') {
        Some(v6) => v6.bytes().position(|b| b == b']').map(|end| end + 2),
        None => authority.bytes().rposition(|b| b == b':'),
    };
    let (host, port) = match split {
        Some(i) => (authority.get(..i)?, authority.get(i..)?),
        None if authority.starts_with('[') => return None,
        None => (authority, ""),
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'[' | b']' | b':' | b'_' | b'%') || b >= 0x80
        });
    (port_ok && host_ok).then_some(host)
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "[::1]"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::options::Switch;
    use crate::score::session::{Penalty, SignalKind};

    const GOOD: &str = r#"{"endpoint":"https://collect.example.com/cx","siteId":"shop"}"#;

    fn with(extra: &str) -> String {
        GOOD.trim_end_matches('}').to_owned() + "," + extra + "}"
    }

    fn error_of(text: &str) -> String {
        Config::parse(text).unwrap_err().message()
    }

    #[test]
    fn a_minimal_config_gets_the_defaults() {
        let config = Config::parse(GOOD).unwrap();
        assert_eq!(config.endpoint(), "https://collect.example.com/cx");
        assert_eq!(config.site_id(), "shop");
        assert!(config.surveys().is_empty() && config.survey_errors().is_empty() && !config.debug());
        assert_eq!(config.max_batch_age_ms(), DEFAULT_MAX_BATCH_AGE_MS);
        assert_eq!(config.consent(), Consent::Granted, "a pasted tag just works");
    }

    #[test]
    fn every_option_is_read() {
        let config = Config::parse(&with(
            r#""survey":"nps","trigger":"delay:20s","maxBatchAgeMs":250,"consent":"pending","strict":true,"headers":{"X-Key":"k"},"locale":"pt-BR","nonce":"r4nd0m+/=","zIndex":10,"debug":true"#,
        ))
        .unwrap();
        assert_eq!(config.surveys()[0].0.targeting.trigger, Some(Trigger::Delay { ms: 20_000 }));
        assert!(config.debug());
        assert_eq!(config.max_batch_age_ms(), 250);
        assert_eq!(config.consent(), Consent::Pending);
        let capture = Config::parse(&with(
            r#""capture":{"allClicks":true,"scroll":false},"queryParams":["plan"],"frustration":{"rageClicks":4,"deadMs":1500},"journey":[{"step":"a","url":"/a"},{"step":"b"}],"score":{"rage":{"points":20,"cap":60}},"countBots":true,"redact":["ORD-\\d{6}","(?:x)"]"#,
        ))
        .unwrap()
        .capture()
        .clone();
        assert!(capture.on(Switch::AllClicks) && !capture.on(Switch::Scroll) && capture.on(Switch::Clicks));
        assert_eq!(capture.query_params().collect::<Vec<_>>(), ["plan"]);
        assert_eq!((capture.thresholds.rage_clicks, capture.thresholds.dead_window_ms), (4, 1_500));
        assert_eq!(capture.corridor.index_of("b"), Some(1));
        assert_eq!(capture.penalties.get(SignalKind::Rage), Penalty { points: 20, cap: 60 });
        assert!(capture.count_bots);
    }

    #[test]
    fn the_tracker_is_on_by_default_except_all_clicks_and_hashes() {
        let capture = Config::parse(GOOD).unwrap().capture().clone();
        let on: Vec<_> = Switch::ALL.into_iter().filter(|s| capture.on(*s)).map(Switch::key).collect();
        assert_eq!(on, ["pageViews", "clicks", "forms", "scroll", "errors", "vitals"]);
        assert_eq!(capture.query_params().count(), 5, "the utm_* tags");
        assert!(!capture.count_bots);
    }

    #[test]
    fn each_bad_option_names_its_field_and_rule() {
        let cases = [
            ("[]".to_owned(), "config: must be an object"),
            ("{".to_owned(), "config: is not valid JSON"),
            (r#"{"siteId":"shop"}"#.to_owned(), "endpoint: is required"),
            (r#"{"endpoint":"https://a.b/"}"#.to_owned(), "siteId: is required"),
            (r#"{"endpoint":7,"siteId":"shop"}"#.to_owned(), "endpoint: must be a string"),
            (with(r#""sitId":"x""#), "sitId: unknown option"),
            (r#"{"endpoint":"https://a.b/","siteId":""}"#.to_owned(), "siteId: must not be empty"),
            (
                r#"{"endpoint":"https://a.b/","siteId":"a b"}"#.to_owned(),
                "siteId: may only contain letters, digits, '_' and '-'",
            ),
            (format!(r#"{{"endpoint":"https://a.b/","siteId":"{}"}}"#, "x".repeat(65)), "siteId: is too long"),
            (with(r#""survey":"poll""#), "survey: must be one of nps, csat, ces, text"),
            (with(r#""locale":"d""#), "locale: must be a language tag like en or de-AT"),
            (with(r#""locale":"de_DE""#), "locale: must be a language tag like en or de-AT"),
            (with(r#""locale":"""#), "locale: must not be empty"),
            (with(r#""nonce":"a\"><script>""#), "nonce: must be a base64 nonce"),
            (with(r#""zIndex":-1"#), "zIndex: is out of range"),
            (with(r#""zIndex":2147483648"#), "zIndex: is out of range"),
            (with(r#""debug":"yes""#), "debug: must be true or false"),
            (with(r#""survey":"nps","trigger":"soon""#), "trigger: must look like delay:20s, time:20s, scroll:50, exit, event:NAME, step:NAME or friction:rage|dead|error"),
            (with(r#""trigger":"delay:2s""#), "trigger: needs a survey to show"),
            (with(r#""maxBatchAgeMs":1.5"#), "maxBatchAgeMs: must be a whole number"),
            (with(r#""maxBatchAgeMs":10"#), "maxBatchAgeMs: is out of range"),
            (with(r#""maxBatchAgeMs":600000"#), "maxBatchAgeMs: is out of range"),
            (with(r#""strict":"yes""#), "strict: must be true or false"),
            (with(r#""consent":"maybe""#), "consent: must be granted, pending or denied"),
            (with(r#""capture":{"clicks":"yes"}"#), "capture.clicks: must be true or false"),
            (with(r#""capture":{"clickz":true}"#), "capture.clickz: unknown option"),
            (with(r#""capture":[]"#), "capture: must be an object"),
            (with(r#""queryParams":"utm""#), "queryParams: must be an array"),
            (with(r#""redact":"ORD-\\d+""#), "redact: must be an array"),
            (with(r#""redact":["a",7]"#), "redact[1]: must be a string"),
            (with(r#""redact":["a",""]"#), "redact[1]: must not be empty"),
            (with(&format!(r#""redact":["{}"]"#, "x".repeat(201))), "redact[0]: is too long"),
            (with(&format!(r#""redact":[{}]"#, vec!["\"p\""; 21].join(","))), "redact: has too many entries"),
            (with(r#""queryParams":[""]"#), "queryParams: must not be empty"),
            (with(&format!(r#""queryParams":[{}]"#, vec!["\"p\""; 51].join(","))), "queryParams: has too many entries"),
            (with(r#""frustration":{"rageClicks":2}"#), "frustration.rageClicks: is out of range"),
            (with(r#""frustration":{"ragePx":501}"#), "frustration.ragePx: is out of range"),
            (with(r#""frustration":{"deadMs":1.5}"#), "frustration.deadMs: must be a whole number"),
            (with(r#""frustration":{"rage":3}"#), "frustration.rage: unknown option"),
            (with(r#""journey":[{"step":"a"},{"step":"a"}]"#), "journey[1].step: duplicate step"),
            (with(r#""journey":[{"step":"a","url":"cart"},{"step":"b"}]"#), "journey[0].url: must be a path like /p/*"),
            (with(r#""score":{"rage":{"points":101}}"#), "score.rage.points: is out of range"),
            (with(r#""score":{"rage":{"cap":-1}}"#), "score.rage.cap: is out of range"),
            (with(r#""score":{"rage":{"weight":1}}"#), "score.rage.weight: unknown option"),
            (with(r#""score":{"rag":{}}"#), "score.rag: unknown option"),
            (with(r#""countBots":1"#), "countBots: must be true or false"),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(&text), expected, "{text}");
        }
    }

    #[test]
    fn the_shorthand_names_a_built_in_survey_with_its_trigger() {
        for kind in SurveyKind::ALL {
            let config =
                Config::parse(&with(&(r#""trigger":"delay:2s","survey":""#.to_owned() + kind.id() + "\""))).unwrap();
            let [(survey, source)] = config.surveys() else { panic!("{kind:?}: one survey") };
            assert_eq!((survey.spec.id.as_str(), source.as_str()), (kind.id(), kind.id()));
            assert_eq!(survey.targeting.trigger, Some(Trigger::Delay { ms: 2_000 }));
        }
    }

    #[test]
    fn a_bad_survey_is_off_alone() {
        let config = Config::parse(&with(
            r#""surveys":[{"id":"a","steps":[{"id":"s","kind":"nps"}]},{"id":"b","steps":[]}],"survey":"csat""#,
        ))
        .unwrap();
        let ids: Vec<_> = config.surveys().iter().map(|(survey, _)| survey.spec.id.as_str()).collect();
        assert_eq!(ids, ["a", "csat"]);
        assert_eq!(config.survey_errors().len(), 1);
        assert_eq!(config.survey_errors()[0].message(), "surveys[1].steps: at least 1");
        let broken = Config::parse(&with(r#""surveys":{}"#)).unwrap();
        assert_eq!(
            broken.survey_errors().iter().map(ConfigError::message).collect::<Vec<_>>(),
            ["surveys: must be an array"]
        );
    }

    #[test]
    fn endpoints_follow_the_delivery_policy() {
        for good in [
            "https://collect.example.com/cx",
            "HTTPS://EXAMPLE.COM",
            "https://example.com:8443/v1/batch?site=1",
            "http://localhost:8080/v1/batch",
            "http://127.0.0.1:51234/v1/batch",
            "http://[::1]:9000/x",
            "https://[2001:db8::1]/x",
        ] {
            assert_eq!(validate_endpoint(good), Ok(()), "{good}");
        }
        let bad = [
            ("http://example.com/cx", ConfigProblem::InsecureHttp),
            ("http://localhost.evil.com/", ConfigProblem::InsecureHttp),
            ("javascript:alert(1)", ConfigProblem::NotAbsoluteUrl),
            ("data:text/plain,hi", ConfigProblem::NotAbsoluteUrl),
            ("https://u:p@h/", ConfigProblem::Credentials),
            ("https://user@h/", ConfigProblem::Credentials),
            ("//h/cx", ConfigProblem::NotAbsoluteUrl),
            ("/v1/batch", ConfigProblem::NotAbsoluteUrl),
            ("v1/batch", ConfigProblem::NotAbsoluteUrl),
            ("https://", ConfigProblem::NotAbsoluteUrl),
            ("https://h:port/", ConfigProblem::NotAbsoluteUrl),
            ("https://exa mple.com/", ConfigProblem::NotAbsoluteUrl),
            ("", ConfigProblem::Empty),
        ];
        for (url, problem) in bad {
            assert_eq!(validate_endpoint(url), Err(problem), "{url}");
        }
        assert_eq!(validate_endpoint(&("https://a.b/".to_owned() + &"x".repeat(2_000))), Err(ConfigProblem::TooLong));
    }
}

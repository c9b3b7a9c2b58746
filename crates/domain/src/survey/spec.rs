//! A survey as the site configures it (`surveys: [...]`, issue 16): its steps, their wording,
//! branching and placement, and the targeting the core decides with.
//!
//! ```json
//! { "id": "checkout_ces",
//!   "steps": [
//!     { "id": "score", "kind": "ces", "question": "…", "low": "…", "high": "…" },
//!     { "id": "why", "kind": "text", "question": "What made it hard?", "when": { "step": "score", "max": 4 } },
//!     { "id": "reason", "kind": "choice", "question": "…", "options": ["Price", "Delivery", "Other"], "multiple": false } ],
//!   "thankYou": "Thanks — we read every answer.",
//!   "trigger": "delay:20s", "urls": { "include": ["/checkout/*"], "exclude": ["/checkout/done"] },
//!   "sample": 50, "cap": { "days": 90, "dismissals": 2 }, "placement": "bottom-right" }
//! ```
//!
//! Both modules read it with this one parser: the core at `init` (validation, targeting; a bad
//! survey is off alone, its error naming the field, `surveys[0].steps[1].options: at most 10`),
//! the survey module when it shows it (steps, wording, placement: [`parse_spec`], the same
//! reader with the targeting members skipped unread, so the targeting parsers stay out of that
//! module). The built-ins `nps`, `csat`, `ces` and `text` are surveys of one step with no
//! wording of their own ([`Spec::builtin`]): a step without `question` / `low` / `high` takes
//! the survey module's words for its kind in the visitor's locale.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::{SurveyKind, Trigger};
use crate::capture::journey::check_path_glob;
use crate::config::{ConfigError, ConfigProblem};
use crate::event::{check_name, EventProblem};
use crate::json;
use crate::score::nps::NpsBucket;

/// Longest survey or step id, in characters (ids follow the event-name rule).
pub const MAX_ID_CHARS: usize = 64;
/// Most steps in a survey.
pub const MAX_STEPS: usize = 10;
/// Most options of a choice step.
pub const MAX_OPTIONS: usize = 10;
/// Longest question, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Longest scale-end label, option or thank-you, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Most surveys in a config.
pub const MAX_SURVEYS: usize = 50;
/// Most globs in `urls.include` or `urls.exclude`.
pub const MAX_GLOBS: usize = 20;
/// Longest CSS selector of an inline placement, in characters.
pub const MAX_SELECTOR_CHARS: usize = 200;
/// Dismissals after which a survey never shows again, when `cap.dismissals` is not given.
pub const DEFAULT_DISMISSALS: u32 = 3;
/// Most days of `cap.days` (ten years).
pub const MAX_CAP_DAYS: u32 = 3_650;
/// Most dismissals of `cap.dismissals`.
pub const MAX_CAP_DISMISSALS: u32 = 100;
/// Shortest and longest language tag of a text given by locale, in characters.
pub const LOCALE_TAG_CHARS: (usize, usize) = (2, 35);

/// A text a site gives as one string or as a map by locale (`{ "en": "…", "de": "…" }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Localized {
    /// The same words in every locale.
    One(String),
    /// Words by BCP 47 language tag, in the site's order: the first is the fallback.
    ByLocale(Vec<(String, String)>),
}

/// What a step asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// A score on the scale of an NPS, CSAT or CES survey, or a free-text answer.
    Builtin(SurveyKind),
    /// One or several of the site's options.
    Choice {
        /// The options, 2–[`MAX_OPTIONS`].
        options: Vec<Localized>,
        /// Whether several may be chosen.
        multiple: bool,
    },
}

/// When a step comes next: a condition on an earlier step's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    /// The index of the earlier step it reads.
    pub step: usize,
    /// What that step's answer must be.
    pub condition: Condition,
}

/// A condition on one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A score within `min..=max` (either end may be open): `{ "step": "score", "max": 4 }`.
    Range {
        /// The lowest score that holds.
        min: Option<u8>,
        /// The highest score that holds.
        max: Option<u8>,
    },
    /// An NPS answer in this bucket: `{ "step": "score", "bucket": "detractor" }`.
    Bucket(NpsBucket),
    /// A CSAT answer satisfied (4–5) or not: `{ "step": "score", "satisfied": true }`.
    Satisfied(bool),
    /// A choice that includes this option, by index: `{ "step": "reason", "option": "Other" }`.
    Option(usize),
}

/// One step of a survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its id, unique in the survey: the `step` of its `$response`.
    pub id: String,
    /// What it asks.
    pub kind: StepKind,
    /// The question; `None`: the built-in question of the kind.
    pub question: Option<Localized>,
    /// The label of the scale's low end; `None`: the built-in one.
    pub low: Option<Localized>,
    /// The label of the scale's high end; `None`: the built-in one.
    pub high: Option<Localized>,
    /// When it comes next; `None`: always, in order.
    pub when: Option<When>,
}

/// Where the survey shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Placement {
    /// A card in the bottom-right corner (the default): takes no focus, announces itself.
    #[default]
    BottomRight,
    /// A card in the bottom-left corner.
    BottomLeft,
    /// A modal dialog in the centre: traps focus (decisions.md §30).
    Center,
    /// Inside the page element this CSS selector finds: `{ "inline": "#feedback" }`.
    Inline(String),
}

/// What the survey module renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The survey's id: `showSurvey(id)`, the `survey` of its events.
    pub id: String,
    /// Its steps, 1–[`MAX_STEPS`], in order.
    pub steps: Vec<Step>,
    /// The thank-you note; `None`: the built-in one.
    pub thank_you: Option<Localized>,
    /// Where it shows.
    pub placement: Placement,
}

/// Which pages a survey may show on: path globs (`*` any run, decisions.md §29).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Urls {
    /// Globs of which one must match; empty: every page.
    pub include: Vec<String>,
    /// Globs of which none may match.
    pub exclude: Vec<String>,
}

/// How often one visitor sees a survey. The default (no `cap`): answered, it never shows
/// again (`days: None`); dismissed [`DEFAULT_DISMISSALS`] (3) times, it never shows again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Days an answered survey stays away (1–[`MAX_CAP_DAYS`]); `None`: never again.
    pub days: Option<u32>,
    /// Dismissals after which it never shows again (1–[`MAX_CAP_DISMISSALS`]; by default
    /// [`DEFAULT_DISMISSALS`]).
    pub dismissals: u32,
}

impl Default for Cap {
    fn default() -> Cap {
        Cap { days: None, dismissals: DEFAULT_DISMISSALS }
    }
}

/// What the core decides with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targeting {
    /// When it shows by itself; `None`: only through `showSurvey` ("manual").
    pub trigger: Option<Trigger>,
    /// The pages it may show on.
    pub urls: Urls,
    /// Percent of visitors who may see it, sticky per visitor (0–100; 100 by default).
    pub sample: u8,
    /// How often one visitor sees it.
    pub cap: Cap,
}

/// One configured survey: what shows, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    /// The survey's id, steps, wording and placement.
    pub spec: Spec,
    /// When and where it may show.
    pub targeting: Targeting,
}

impl Localized {
    /// The words for `locale` (a BCP 47 tag): the exact tag, else the first entry of the same
    /// language (`de` for `de-AT`, `de-AT` for `de`), else the first entry. Tags compare
    /// ASCII case-insensitively.
    pub fn pick(&self, locale: &str) -> &str {
        match self {
            Localized::One(words) => words,
            Localized::ByLocale(entries) => {
                let language = language_of(locale);
                entries
                    .iter()
                    .find(|(tag, _)| tag.eq_ignore_ascii_case(locale))
                    .or_else(|| entries.iter().find(|(tag, _)| language_of(tag).eq_ignore_ascii_case(language)))
                    .or(entries.first())
                    .map_or("", |(_, words)| words)
            }
        }
    }

    /// The words as the site gave them first: the string, or the first locale's. What
    /// `when.option` names an option by.
    fn given(&self) -> &str {
        match self {
            Localized::One(words) => words,
            Localized::ByLocale(entries) => entries.first().map_or("", |(_, words)| words),
        }
    }
}

/// The language subtag of a tag: `de` of `de-AT`.
fn language_of(tag: &str) -> &str {
    let end = tag.bytes().position(|b| b == b'-').unwrap_or(tag.len());
    tag.get(..end).unwrap_or(tag)
}

impl Spec {
    /// The built-in survey of `kind`: one step, id = kind id, no wording of its own.
    pub fn builtin(kind: SurveyKind) -> Spec {
        let step = Step {
            id: kind.id().into(),
            kind: StepKind::Builtin(kind),
            question: None,
            low: None,
            high: None,
            when: None,
        };
        Spec { id: kind.id().into(), steps: alloc::vec![step], thank_you: None, placement: Placement::default() }
    }
}

/// Reads the `surveys` option (its JSON text): the valid surveys, with their JSON text for the
/// survey module, and one error per invalid survey, which stays off alone (issue 16, "Bad
/// input"). The error is `surveys` itself when the option is not an array or holds more than
/// [`MAX_SURVEYS`], duplicate ids are an error of the later one.
///
/// A survey may take the id of a built-in (`nps`, `csat`, `ces`, `text`) to replace it. A
/// later survey with the id of an earlier one is an error even when the earlier one is
/// invalid itself, so fixing one survey never turns another off.
pub fn parse_surveys(value: &str) -> (Vec<(Survey, String)>, Vec<ConfigError>) {
    let mut surveys = Vec::new();
    let mut errors = Vec::new();
    let root = At::Root("surveys");
    let Some(items) = json::array_items(value) else {
        errors.push(*root.fail(ConfigProblem::NotAnArray));
        return (surveys, errors);
    };
    if items.len() > MAX_SURVEYS {
        errors.push(*root.fail(ConfigProblem::AtMost(MAX_SURVEYS as u16)));
        return (surveys, errors);
    }
    let mut ids: Vec<String> = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let id = json::object_members(item)
            .ok()
            .flatten()
            .and_then(|members| json::member(&members, "id").and_then(json::string_of));
        let mut duplicate = false;
        if let Some(id) = id {
            duplicate = ids.contains(&id);
            ids.push(id);
        }
        if duplicate {
            errors.push(*root.nth(index).fail_at("id", ConfigProblem::DuplicateSurvey));
            continue;
        }
        match parse_survey(item, index) {
            Ok(survey) => surveys.push((survey, item.into())),
            Err(problem) => errors.push(problem),
        }
    }
    (surveys, errors)
}

/// Reads one survey's JSON text as [`parse_surveys`] handed it on; `index` names it in errors.
pub fn parse_survey(text: &str, index: usize) -> Result<Survey, ConfigError> {
    let (spec, targeting) = read_survey(text, index, parse_targeting).map_err(|e| *e)?;
    Ok(Survey { spec, targeting })
}

/// Reads only what the survey module renders (id, steps, words, placement) of a survey's JSON
/// text that the core already validated with [`parse_survey`]: the same reader, with the
/// targeting members (`trigger`, `urls`, `sample`, `cap`) skipped unread. Its errors are those
/// of [`parse_survey`] for the steps and words.
pub fn parse_spec(text: &str) -> Result<Spec, ConfigError> {
    read_survey(text, 0, |_, _| Ok(())).map(|(spec, ())| spec).map_err(|e| *e)
}

/// Reads survey `index`: its spec, and between its words and its placement (the order its
/// errors are found in) whatever `targeting` reads of its members.
fn read_survey<T>(
    text: &str,
    index: usize,
    targeting: impl FnOnce(&[(String, &str)], &At) -> Result<T, Fail>,
) -> Result<(Spec, T), Fail> {
    let surveys = At::Root("surveys");
    let at = surveys.nth(index);
    let members = object(text, &at, &SURVEY_KEYS)?;
    let id = required_string(&members, &at, "id")?;
    check_id(&id).map_err(|problem| at.fail_at("id", problem))?;

    let steps_at = at.key("steps");
    let raw = json::member(&members, "steps").ok_or_else(|| steps_at.fail(ConfigProblem::Missing))?;
    let items = json::array_items(raw).ok_or_else(|| steps_at.fail(ConfigProblem::NotAnArray))?;
    count(items.len(), 1, MAX_STEPS).map_err(|problem| steps_at.fail(problem))?;
    let mut steps: Vec<Step> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let step = parse_step(item, &steps_at.nth(i), &steps)?;
        steps.push(step);
    }

    let thank_you = json::member(&members, "thankYou")
        .map(|raw| localized(raw, &at.key("thankYou"), MAX_LABEL_CHARS))
        .transpose()?;
    let targeting = targeting(&members, &at)?;
    let placement = json::member(&members, "placement")
        .map(|raw| parse_placement(raw, &at.key("placement")))
        .transpose()?
        .unwrap_or_default();
    Ok((Spec { id, steps, thank_you, placement }, targeting))
}

/// Reads a survey's targeting members (`at`): `trigger`, `urls`, `sample`, `cap`.
fn parse_targeting(members: &[(String, &str)], at: &At) -> Result<Targeting, Fail> {
    let trigger = match json::member(members, "trigger") {
        None => None,
        Some(raw) => {
            let text = json::string_of(raw).ok_or_else(|| at.fail_at("trigger", ConfigProblem::NotAString))?;
            if text == "manual" {
                None
            } else {
                Some(Trigger::parse(&text).ok_or_else(|| at.fail_at("trigger", ConfigProblem::BadSurveyTrigger))?)
            }
        }
    };
    let urls = json::member(members, "urls").map(|raw| parse_urls(raw, &at.key("urls"))).transpose()?;
    let sample = integer(json::member(members, "sample"), at, "sample", (0, 100))?.map_or(100, |n| n as u8);
    let cap = json::member(members, "cap").map(|raw| parse_cap(raw, &at.key("cap"))).transpose()?;
    Ok(Targeting { trigger, urls: urls.unwrap_or_default(), sample, cap: cap.unwrap_or_default() })
}

/// An error on its way out: boxed, so each reader's `Result` stays small.
type Fail = Box<ConfigError>;

const SURVEY_KEYS: [&str; 8] = ["id", "steps", "thankYou", "trigger", "urls", "sample", "cap", "placement"];
const STEP_KEYS: [&str; 8] = ["id", "kind", "question", "low", "high", "options", "multiple", "when"];
const WHEN_KEYS: [&str; 6] = ["step", "min", "max", "bucket", "satisfied", "option"];
const BUCKETS: [NpsBucket; 3] = [NpsBucket::Promoter, NpsBucket::Passive, NpsBucket::Detractor];

/// Reads step `at` (`surveys[0].steps[1]`), whose `when` may read the steps before it.
fn parse_step(text: &str, at: &At, earlier: &[Step]) -> Result<Step, Fail> {
    let members = object(text, at, &STEP_KEYS)?;
    let id = required_string(&members, at, "id")?;
    check_id(&id).map_err(|problem| at.fail_at("id", problem))?;
    if earlier.iter().any(|step| step.id == id) {
        return Err(at.fail_at("id", ConfigProblem::DuplicateStep));
    }
    // `None`: a choice.
    let builtin = match required_string(&members, at, "kind")?.as_str() {
        "choice" => None,
        other => Some(SurveyKind::from_id(other).ok_or_else(|| at.fail_at("kind", ConfigProblem::UnknownStepKind))?),
    };
    let text_of = |key: &str, max_chars: usize| {
        json::member(&members, key).map(|raw| localized(raw, &at.key(key), max_chars)).transpose()
    };
    let question = text_of("question", MAX_QUESTION_CHARS)?;
    let has_scale = builtin.is_some_and(|kind| kind.scale().is_some());
    let low = text_of("low", MAX_LABEL_CHARS)?;
    let high = text_of("high", MAX_LABEL_CHARS)?;
    for (key, given) in [("low", low.is_some()), ("high", high.is_some())] {
        if given && !has_scale {
            return Err(at.fail_at(key, ConfigProblem::OnlyOnScale));
        }
    }
    let kind = match builtin {
        Some(kind) => {
            for key in ["options", "multiple"] {
                if json::member(&members, key).is_some() {
                    return Err(at.fail_at(key, ConfigProblem::OnlyOnChoice));
                }
            }
            StepKind::Builtin(kind)
        }
        None => {
            let options = parse_options(json::member(&members, "options"), &at.key("options"))?;
            let multiple = match json::member(&members, "multiple") {
                None | Some("false") => false,
                Some("true") => true,
                Some(_) => return Err(at.fail_at("multiple", ConfigProblem::NotABoolean)),
            };
            StepKind::Choice { options, multiple }
        }
    };
    if question.is_none() && !has_scale {
        // Free text and choices have no built-in question to fall back on.
        return Err(at.fail_at("question", ConfigProblem::Missing));
    }
    let when = match json::member(&members, "when") {
        None => None,
        Some(_) if earlier.is_empty() => return Err(at.fail_at("when", ConfigProblem::WhenOnFirstStep)),
        Some(raw) => Some(parse_when(raw, &at.key("when"), earlier)?),
    };
    Ok(Step { id, kind, question, low, high, when })
}

/// Reads a choice step's `options` (`at`): 2–[`MAX_OPTIONS`] distinct texts.
fn parse_options(raw: Option<&str>, at: &At) -> Result<Vec<Localized>, Fail> {
    let raw = raw.ok_or_else(|| at.fail(ConfigProblem::Missing))?;
    let items = json::array_items(raw).ok_or_else(|| at.fail(ConfigProblem::NotAnArray))?;
    count(items.len(), 2, MAX_OPTIONS).map_err(|problem| at.fail(problem))?;
    let mut options: Vec<Localized> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let field = at.nth(i);
        let option = localized(item, &field, MAX_LABEL_CHARS)?;
        if options.iter().any(|earlier| earlier.given() == option.given()) {
            return Err(field.fail(ConfigProblem::DuplicateOption));
        }
        options.push(option);
    }
    Ok(options)
}

/// Reads a `when` (`at`): which earlier step it reads, and exactly one condition that fits
/// that step's kind.
fn parse_when(raw: &str, at: &At, earlier: &[Step]) -> Result<When, Fail> {
    let members = object(raw, at, &WHEN_KEYS)?;
    let name = required_string(&members, at, "step")?;
    let (step, read) = earlier
        .iter()
        .enumerate()
        .find(|(_, step)| step.id == name)
        .ok_or_else(|| at.fail_at("step", ConfigProblem::NotAnEarlierStep))?;
    if matches!(read.kind, StepKind::Builtin(SurveyKind::Text)) {
        return Err(at.fail_at("step", ConfigProblem::ConditionOnText));
    }
    let raw = |key: &str| json::member(&members, key);
    let (min, max) = (raw("min"), raw("max"));
    let given =
        [min.is_some() || max.is_some(), raw("bucket").is_some(), raw("satisfied").is_some(), raw("option").is_some()];
    if given.iter().filter(|given| **given).count() != 1 {
        return Err(at.fail(ConfigProblem::OneCondition));
    }
    let fits = |key: &str, fits: bool| if fits { Ok(()) } else { Err(at.fail_at(key, ConfigProblem::WrongStepKind)) };
    let condition = if let Some(bucket) = raw("bucket") {
        fits("bucket", matches!(read.kind, StepKind::Builtin(SurveyKind::Nps)))?;
        let id = json::string_of(bucket).ok_or_else(|| at.fail_at("bucket", ConfigProblem::NotAString))?;
        let bucket = BUCKETS.into_iter().find(|bucket| bucket.id() == id);
        Condition::Bucket(bucket.ok_or_else(|| at.fail_at("bucket", ConfigProblem::UnknownBucket))?)
    } else if let Some(satisfied) = raw("satisfied") {
        fits("satisfied", matches!(read.kind, StepKind::Builtin(SurveyKind::Csat)))?;
        match satisfied {
            "true" => Condition::Satisfied(true),
            "false" => Condition::Satisfied(false),
            _ => return Err(at.fail_at("satisfied", ConfigProblem::NotABoolean)),
        }
    } else if let Some(option) = raw("option") {
        let StepKind::Choice { options, .. } = &read.kind else {
            return Err(at.fail_at("option", ConfigProblem::WrongStepKind));
        };
        let text = json::string_of(option).ok_or_else(|| at.fail_at("option", ConfigProblem::NotAString))?;
        let index = options.iter().position(|option| option.given() == text);
        Condition::Option(index.ok_or_else(|| at.fail_at("option", ConfigProblem::NotAnOption))?)
    } else {
        let key = if min.is_some() { "min" } else { "max" };
        let scale = match read.kind {
            StepKind::Builtin(kind) => kind.scale(),
            StepKind::Choice { .. } => None,
        };
        let (low, high) = scale.ok_or_else(|| at.fail_at(key, ConfigProblem::WrongStepKind))?;
        let bounds = (u32::from(low), u32::from(high));
        let min = integer(min, at, "min", bounds)?.map(|n| n as u8);
        let max = integer(max, at, "max", bounds)?.map(|n| n as u8);
        if let (Some(min), Some(max)) = (min, max) {
            if max < min {
                return Err(at.fail_at("max", ConfigProblem::BelowMin));
            }
        }
        Condition::Range { min, max }
    };
    Ok(When { step, condition })
}

/// Reads `urls` (`at`): `{ include?, exclude? }`, each up to [`MAX_GLOBS`] path globs.
fn parse_urls(raw: &str, at: &At) -> Result<Urls, Fail> {
    let members = object(raw, at, &["include", "exclude"])?;
    let globs = |key: &str| -> Result<Vec<String>, Fail> {
        let Some(raw) = json::member(&members, key) else { return Ok(Vec::new()) };
        let field = at.key(key);
        let items = json::array_items(raw).ok_or_else(|| field.fail(ConfigProblem::NotAnArray))?;
        if items.len() > MAX_GLOBS {
            return Err(field.fail(ConfigProblem::AtMost(MAX_GLOBS as u16)));
        }
        let mut globs = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let glob = json::string_of(item).ok_or_else(|| field.nth(i).fail(ConfigProblem::NotAString))?;
            check_path_glob(&glob).map_err(|problem| field.nth(i).fail(problem))?;
            globs.push(glob);
        }
        Ok(globs)
    };
    Ok(Urls { include: globs("include")?, exclude: globs("exclude")? })
}

/// Reads `cap` (`at`): `{ days?, dismissals? }`.
fn parse_cap(raw: &str, at: &At) -> Result<Cap, Fail> {
    let members = object(raw, at, &["days", "dismissals"])?;
    let days = integer(json::member(&members, "days"), at, "days", (1, MAX_CAP_DAYS))?;
    let dismissals = integer(json::member(&members, "dismissals"), at, "dismissals", (1, MAX_CAP_DISMISSALS))?;
    Ok(Cap { days, dismissals: dismissals.unwrap_or(DEFAULT_DISMISSALS) })
}

/// Reads `placement` (`at`): a corner, the centre, or `{ "inline": selector }`.
fn parse_placement(raw: &str, at: &At) -> Result<Placement, Fail> {
    if raw.starts_with('{') {
        let members = object(raw, at, &["inline"])?;
        let selector = required_string(&members, at, "inline")?;
        check_words(&selector, MAX_SELECTOR_CHARS).map_err(|problem| at.fail_at("inline", problem))?;
        return Ok(Placement::Inline(selector));
    }
    match json::string_of(raw).as_deref() {
        Some("bottom-right") => Ok(Placement::BottomRight),
        Some("bottom-left") => Ok(Placement::BottomLeft),
        Some("center") => Ok(Placement::Center),
        _ => Err(at.fail(ConfigProblem::UnknownPlacement)),
    }
}

/// Reads a text (`at`): a string, or an object of language tag → string.
fn localized(raw: &str, at: &At, max_chars: usize) -> Result<Localized, Fail> {
    if !raw.starts_with('{') {
        let words = json::string_of(raw).ok_or_else(|| at.fail(ConfigProblem::NotAString))?;
        check_words(&words, max_chars).map_err(|problem| at.fail(problem))?;
        return Ok(Localized::One(words));
    }
    let Ok(Some(members)) = json::object_members(raw) else {
        return Err(at.fail(ConfigProblem::NotAnObject));
    };
    if members.is_empty() {
        return Err(at.fail(ConfigProblem::Empty));
    }
    let mut entries: Vec<(String, String)> = Vec::with_capacity(members.len());
    for (tag, raw) in members {
        if !is_language_tag(&tag) {
            return Err(at.fail_at(&tag, ConfigProblem::BadLocale));
        }
        if entries.iter().any(|(earlier, _)| earlier.eq_ignore_ascii_case(&tag)) {
            return Err(at.fail_at(&tag, ConfigProblem::Repeated));
        }
        let words = json::string_of(raw).ok_or_else(|| at.fail_at(&tag, ConfigProblem::NotAString))?;
        check_words(&words, max_chars).map_err(|problem| at.fail_at(&tag, problem))?;
        entries.push((tag, words));
    }
    Ok(Localized::ByLocale(entries))
}

/// Words a visitor reads: not blank, no control characters (C0, DEL, C1), at most `max_chars`.
fn check_words(words: &str, max_chars: usize) -> Result<(), ConfigProblem> {
    // Blank: white space only (what `trim` would empty, without its two-ended search).
    if words.chars().all(char::is_whitespace) {
        return Err(ConfigProblem::Empty);
    }
    if words.chars().any(char::is_control) {
        return Err(ConfigProblem::ControlCharacters);
    }
    if json::char_count(words) > max_chars {
        return Err(ConfigProblem::LongerThan(max_chars as u16));
    }
    Ok(())
}

/// A BCP 47-ish tag: [`LOCALE_TAG_CHARS`] ASCII letters, digits and `-`, starting with a
/// letter, without empty subtags (`en`, `de-AT`, `zh-Hant-TW`, `es-419`): the keys of a text
/// given by locale, and the `locale` option.
pub fn is_language_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    (LOCALE_TAG_CHARS.0..=LOCALE_TAG_CHARS.1).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        && !bytes.windows(2).any(|pair| pair == b"--")
}

/// A survey or step id: the event-name rule, at most [`MAX_ID_CHARS`].
fn check_id(id: &str) -> Result<(), ConfigProblem> {
    if id.is_empty() {
        return Err(ConfigProblem::Empty);
    }
    match check_name(id) {
        Err(EventProblem::NameTooLong) => Err(ConfigProblem::TooLong),
        Err(_) => Err(ConfigProblem::ControlCharacters),
        Ok(()) if json::char_count(id) > MAX_ID_CHARS => Err(ConfigProblem::TooLong),
        Ok(()) => Ok(()),
    }
}

/// A list of `len` entries within `min..=max`, or the bound it breaks.
fn count(len: usize, min: usize, max: usize) -> Result<(), ConfigProblem> {
    if len < min {
        return Err(ConfigProblem::AtLeast(min as u16));
    }
    if len > max {
        return Err(ConfigProblem::AtMost(max as u16));
    }
    Ok(())
}

/// The members of object `at`, none of them unknown (`surveys[0].colour: unknown option`).
fn object<'t>(text: &'t str, at: &At, known: &[&str]) -> Result<Vec<(String, &'t str)>, Fail> {
    let Ok(Some(members)) = json::object_members(text) else {
        return Err(at.fail(ConfigProblem::NotAnObject));
    };
    if let Some((key, _)) = members.iter().find(|(key, _)| !known.contains(&key.as_str())) {
        return Err(at.fail_at(key, ConfigProblem::UnknownOption));
    }
    Ok(members)
}

/// Member `key` of object `at`, a string.
fn required_string(members: &[(String, &str)], at: &At, key: &str) -> Result<String, Fail> {
    let raw = json::member(members, key).ok_or_else(|| at.fail_at(key, ConfigProblem::Missing))?;
    json::string_of(raw).ok_or_else(|| at.fail_at(key, ConfigProblem::NotAString))
}

/// Member `key` of object `at`, if given: a whole number within `min..=max`.
fn integer(raw: Option<&str>, at: &At, key: &str, (min, max): (u32, u32)) -> Result<Option<u32>, Fail> {
    let Some(raw) = raw else { return Ok(None) };
    let n = json::parse_integer(raw).ok_or_else(|| at.fail_at(key, ConfigProblem::NotAnInteger))?;
    if n < i64::from(min) || n > i64::from(max) {
        return Err(at.fail_at(key, ConfigProblem::OutOfRange));
    }
    Ok(Some(n as u32))
}

/// Where a field is (`surveys[0].steps[1].options`): a chain of borrowed links on the stack,
/// written out as a path only when an error names it, so reading a valid survey builds none.
#[derive(Clone, Copy)]
enum At<'a> {
    /// An option of the config: `surveys`.
    Root(&'static str),
    /// Member `key` of an object: `at.key`.
    Key(&'a At<'a>, &'a str),
    /// Item `index` of an array: `at[index]`.
    Nth(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// Member `key` of this object.
    fn key<'b>(&'b self, key: &'b str) -> At<'b> {
        At::Key(self, key)
    }

    /// Item `index` of this array.
    fn nth(&'a self, index: usize) -> At<'a> {
        At::Nth(self, index)
    }

    /// Appends the path, built without `core::fmt`.
    fn write(&self, out: &mut String) {
        match *self {
            At::Root(name) => out.push_str(name),
            At::Key(at, key) => {
                at.write(out);
                out.push('.');
                out.push_str(key);
            }
            At::Nth(at, index) => {
                at.write(out);
                out.push('[');
                json::write_integer(index as i64, out);
                out.push(']');
            }
        }
    }

    /// The error of this field, out of line: one place builds every error's path.
    #[inline(never)]
    fn fail(&self, problem: ConfigProblem) -> Fail {
        let mut field = String::new();
        self.write(&mut field);
        Box::new(ConfigError { field, problem })
    }

    /// The error of member `key` of this object.
    #[inline(never)]
    fn fail_at(&self, key: &str, problem: ConfigProblem) -> Fail {
        At::Key(self, key).fail(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue's example.
    const CHECKOUT: &str = r#"{ "id": "checkout_ces",
      "steps": [
        { "id": "score", "kind": "ces", "question": "How easy was checkout?", "low": "Very hard", "high": "Very easy" },
        { "id": "why", "kind": "text", "question": "What made it hard?", "when": { "step": "score", "max": 4 } },
        { "id": "reason", "kind": "choice", "question": "Why?", "options": ["Price", "Delivery", "Other"], "multiple": false } ],
      "thankYou": "Thanks — we read every answer.",
      "trigger": "delay:20s", "urls": { "include": ["/checkout/*"], "exclude": ["/checkout/done"] },
      "sample": 50, "cap": { "days": 90, "dismissals": 2 }, "placement": "bottom-right" }"#;

    fn one(words: &str) -> Option<Localized> {
        Some(Localized::One(words.into()))
    }

    /// A one-step survey with `step` (an object's members) as its step.
    fn with_step(step: &str) -> String {
        r#"{"id":"s","steps":[{"id":"a","kind":"nps"},{"id":"b","#.to_owned() + step + "}]}"
    }

    /// A survey with `extra` members besides its id and one NPS step.
    fn with(extra: &str) -> String {
        r#"{"id":"s","steps":[{"id":"a","kind":"nps"}],"#.to_owned() + extra + "}"
    }

    fn error_of(text: &str) -> String {
        parse_survey(text, 0).unwrap_err().message()
    }

    #[test]
    fn the_issue_example_reads_whole() {
        let survey = parse_survey(CHECKOUT, 0).unwrap();
        let spec = &survey.spec;
        assert_eq!(spec.id, "checkout_ces");
        assert_eq!(spec.steps.len(), 3);
        let score = &spec.steps[0];
        assert_eq!((score.id.as_str(), &score.kind), ("score", &StepKind::Builtin(SurveyKind::Ces)));
        assert_eq!(score.question, one("How easy was checkout?"));
        assert_eq!((score.low.clone(), score.high.clone()), (one("Very hard"), one("Very easy")));
        assert_eq!(score.when, None);
        let why = &spec.steps[1];
        assert_eq!(why.kind, StepKind::Builtin(SurveyKind::Text));
        assert_eq!(why.when, Some(When { step: 0, condition: Condition::Range { min: None, max: Some(4) } }));
        let reason = &spec.steps[2];
        let options = ["Price", "Delivery", "Other"].map(|o| Localized::One(o.into())).to_vec();
        assert_eq!(reason.kind, StepKind::Choice { options, multiple: false });
        assert_eq!(spec.thank_you, one("Thanks — we read every answer."));
        assert_eq!(spec.placement, Placement::BottomRight);
        let targeting = &survey.targeting;
        assert_eq!(targeting.trigger, Some(Trigger::Delay { ms: 20_000 }));
        assert_eq!(targeting.urls.include, ["/checkout/*"]);
        assert_eq!(targeting.urls.exclude, ["/checkout/done"]);
        assert_eq!(targeting.sample, 50);
        assert_eq!(targeting.cap, Cap { days: Some(90), dismissals: 2 });
    }

    #[test]
    fn a_minimal_survey_gets_the_defaults() {
        let survey = parse_survey(r#"{"id":"nps","steps":[{"id":"nps","kind":"nps"}]}"#, 3).unwrap();
        assert_eq!(survey.spec, Spec::builtin(SurveyKind::Nps), "a configured survey may replace a built-in");
        let targeting = survey.targeting;
        assert_eq!(targeting.trigger, None);
        assert_eq!(targeting.urls, Urls::default());
        assert_eq!(targeting.sample, 100);
        assert_eq!(targeting.cap, Cap { days: None, dismissals: DEFAULT_DISMISSALS });
        assert_eq!(DEFAULT_DISMISSALS, 3);
        assert_eq!(parse_survey(&with(r#""trigger":"manual""#), 0).unwrap().targeting.trigger, None);
    }

    #[test]
    fn builtins_are_one_step_without_words() {
        for kind in SurveyKind::ALL {
            let spec = Spec::builtin(kind);
            assert_eq!(spec.id, kind.id());
            assert_eq!(spec.steps.len(), 1);
            let step = &spec.steps[0];
            assert_eq!((step.id.as_str(), &step.kind), (kind.id(), &StepKind::Builtin(kind)));
            assert_eq!((&step.question, &step.low, &step.high, &step.when), (&None, &None, &None, &None));
            assert_eq!((spec.thank_you, spec.placement), (None, Placement::BottomRight));
        }
    }

    #[test]
    fn placements_and_branch_conditions_read() {
        let placement =
            |raw: &str| parse_survey(&with(&(r#""placement":"#.to_owned() + raw)), 0).unwrap().spec.placement;
        assert_eq!(placement(r#""bottom-left""#), Placement::BottomLeft);
        assert_eq!(placement(r#""center""#), Placement::Center);
        assert_eq!(placement(r##"{"inline":"#feedback"}"##), Placement::Inline("#feedback".into()));

        let when =
            |step: &str| parse_survey(&with_step(step), 0).unwrap().spec.steps[1].when.clone().unwrap().condition;
        assert_eq!(
            when(r#""kind":"text","question":"q","when":{"step":"a","min":9}"#),
            Condition::Range { min: Some(9), max: None }
        );
        assert_eq!(
            when(r#""kind":"text","question":"q","when":{"step":"a","min":0,"max":10}"#),
            Condition::Range { min: Some(0), max: Some(10) }
        );
        assert_eq!(
            when(r#""kind":"text","question":"q","when":{"step":"a","bucket":"passive"}"#),
            Condition::Bucket(NpsBucket::Passive)
        );
        let csat = r#"{"id":"s","steps":[{"id":"a","kind":"csat"},{"id":"b","kind":"ces","when":{"step":"a","satisfied":false}}]}"#;
        assert_eq!(
            parse_survey(csat, 0).unwrap().spec.steps[1].when.clone().unwrap().condition,
            Condition::Satisfied(false)
        );
        let choice = r#"{"id":"s","steps":[{"id":"a","kind":"choice","question":"q","options":[{"en":"Price","de":"Preis"},"Other"],"multiple":true},
            {"id":"b","kind":"text","question":"Which?","when":{"step":"a","option":"Other"}},
            {"id":"c","kind":"text","question":"Which?","when":{"step":"a","option":"Price"}}]}"#;
        let spec = parse_survey(choice, 0).unwrap().spec;
        assert!(matches!(&spec.steps[0].kind, StepKind::Choice { multiple: true, options } if options.len() == 2));
        assert_eq!(spec.steps[1].when, Some(When { step: 0, condition: Condition::Option(1) }));
        assert_eq!(
            spec.steps[2].when,
            Some(When { step: 0, condition: Condition::Option(0) }),
            "a map by its first locale"
        );
    }

    #[test]
    fn texts_by_locale_read_and_pick() {
        let text = r#"{"question":{"en":"How likely?","de":"Wie wahrscheinlich?","de-CH":"Wie wahrschiinlich?","pt-BR":"Qual?"}}"#;
        let spec = parse_survey(&with(&(r#""thankYou":"#.to_owned() + &text[12..text.len() - 1])), 0).unwrap().spec;
        let words = spec.thank_you.unwrap();
        assert_eq!(words.pick("de"), "Wie wahrscheinlich?", "exact");
        assert_eq!(words.pick("DE-ch"), "Wie wahrschiinlich?", "exact, ASCII case-insensitive");
        assert_eq!(words.pick("de-AT"), "Wie wahrscheinlich?", "the first of the same language");
        assert_eq!(words.pick("pt"), "Qual?", "a region's words for the bare language");
        assert_eq!(words.pick("fr-FR"), "How likely?", "the first entry");
        assert_eq!(words.pick(""), "How likely?");
        assert_eq!(Localized::One("Hi".into()).pick("de"), "Hi");
        assert_eq!(Localized::ByLocale(Vec::new()).pick("de"), "", "never built by the parser, but no panic");
    }

    #[test]
    fn each_bad_field_is_named_with_its_rule() {
        let long = |n: usize| "x".repeat(n);
        let options = |n: usize| (0..n).map(|i| format!("\"o{i}\"")).collect::<Vec<_>>().join(",");
        let cases = [
            ("[]".to_owned(), "surveys[0]: must be an object"),
            ("{".to_owned(), "surveys[0]: must be an object"),
            (with(r#""colour":"red""#), "surveys[0].colour: unknown option"),
            (r#"{"steps":[{"id":"a","kind":"nps"}]}"#.to_owned(), "surveys[0].id: is required"),
            (r#"{"id":3,"steps":[{"id":"a","kind":"nps"}]}"#.to_owned(), "surveys[0].id: must be a string"),
            (r#"{"id":"","steps":[{"id":"a","kind":"nps"}]}"#.to_owned(), "surveys[0].id: must not be empty"),
            (r#"{"id":"a\u0007","steps":[{"id":"a","kind":"nps"}]}"#.to_owned(), "surveys[0].id: must not contain control characters"),
            (format!(r#"{{"id":"{}","steps":[{{"id":"a","kind":"nps"}}]}}"#, long(65)), "surveys[0].id: is too long"),
            (r#"{"id":"s"}"#.to_owned(), "surveys[0].steps: is required"),
            (r#"{"id":"s","steps":{}}"#.to_owned(), "surveys[0].steps: must be an array"),
            (r#"{"id":"s","steps":[]}"#.to_owned(), "surveys[0].steps: at least 1"),
            (
                format!(r#"{{"id":"s","steps":[{}]}}"#, (0..11).map(|i| format!(r#"{{"id":"s{i}","kind":"nps"}}"#)).collect::<Vec<_>>().join(",")),
                "surveys[0].steps: at most 10",
            ),
            (r#"{"id":"s","steps":[3]}"#.to_owned(), "surveys[0].steps[0]: must be an object"),
            (with_step(r#""kind":"nps","colour":1"#), "surveys[0].steps[1].colour: unknown option"),
            (
                r#"{"id":"s","steps":[{"id":"a","kind":"nps"},{"id":"a","kind":"csat"}]}"#.to_owned(),
                "surveys[0].steps[1].id: duplicate step",
            ),
            (r#"{"id":"s","steps":[{"kind":"nps"}]}"#.to_owned(), "surveys[0].steps[0].id: is required"),
            (r#"{"id":"s","steps":[{"id":"a"}]}"#.to_owned(), "surveys[0].steps[0].kind: is required"),
            (
                r#"{"id":"s","steps":[{"id":"a","kind":"poll"}]}"#.to_owned(),
                "surveys[0].steps[0].kind: must be one of nps, csat, ces, text, choice",
            ),
            (with_step(r#""kind":"nps","question":"""#), "surveys[0].steps[1].question: must not be empty"),
            (with_step(r#""kind":"nps","question":" \t ""#), "surveys[0].steps[1].question: must not be empty"),
            (with_step(r#""kind":"nps","question":"a\nb""#), "surveys[0].steps[1].question: must not contain control characters"),
            (with_step(r#""kind":"nps","question":"a\u0085b""#), "surveys[0].steps[1].question: must not contain control characters"),
            (with_step(r#""kind":"nps","question":"a\u007fb""#), "surveys[0].steps[1].question: must not contain control characters"),
            (with_step(&format!(r#""kind":"nps","question":"{}""#, long(501))), "surveys[0].steps[1].question: longer than 500 characters"),
            (with_step(&format!(r#""kind":"nps","low":"{}""#, long(201))), "surveys[0].steps[1].low: longer than 200 characters"),
            (with_step(r#""kind":"nps","question":7"#), "surveys[0].steps[1].question: must be a string"),
            (with_step(r#""kind":"nps","question":{}"#), "surveys[0].steps[1].question: must not be empty"),
            (with_step(r#""kind":"nps","question":{"e":"Hi"}"#), "surveys[0].steps[1].question.e: must be a language tag like en or de-AT"),
            (with_step(r#""kind":"nps","question":{"en_US":"Hi"}"#), "surveys[0].steps[1].question.en_US: must be a language tag like en or de-AT"),
            (with_step(r#""kind":"nps","question":{"en-":"Hi"}"#), "surveys[0].steps[1].question.en-: must be a language tag like en or de-AT"),
            (with_step(r#""kind":"nps","question":{"en":"Hi","EN":"Ho"}"#), "surveys[0].steps[1].question.EN: is given twice"),
            (with_step(r#""kind":"nps","question":{"en":""}"#), "surveys[0].steps[1].question.en: must not be empty"),
            (with_step(r#""kind":"nps","question":{"en":1}"#), "surveys[0].steps[1].question.en: must be a string"),
            (with_step(r#""kind":"text","question":"q","low":"l""#), "surveys[0].steps[1].low: only applies to nps, csat and ces steps"),
            (with_step(r#""kind":"choice","question":"q","options":["x","y"],"high":"h""#), "surveys[0].steps[1].high: only applies to nps, csat and ces steps"),
            (with_step(r#""kind":"nps","options":["x","y"]"#), "surveys[0].steps[1].options: only applies to choice steps"),
            (with_step(r#""kind":"text","question":"q","multiple":true"#), "surveys[0].steps[1].multiple: only applies to choice steps"),
            (with_step(r#""kind":"text""#), "surveys[0].steps[1].question: is required"),
            (with_step(r#""kind":"choice","options":["x","y"]"#), "surveys[0].steps[1].question: is required"),
            (with_step(r#""kind":"choice","question":"q""#), "surveys[0].steps[1].options: is required"),
            (with_step(r#""kind":"choice","question":"q","options":"x""#), "surveys[0].steps[1].options: must be an array"),
            (with_step(r#""kind":"choice","question":"q","options":["x"]"#), "surveys[0].steps[1].options: at least 2"),
            (with_step(&format!(r#""kind":"choice","question":"q","options":[{}]"#, options(11))), "surveys[0].steps[1].options: at most 10"),
            (with_step(r#""kind":"choice","question":"q","options":["x","y","x"]"#), "surveys[0].steps[1].options[2]: duplicate option"),
            (with_step(r#""kind":"choice","question":"q","options":["x",""]"#), "surveys[0].steps[1].options[1]: must not be empty"),
            (with_step(r#""kind":"choice","question":"q","options":["x","y"],"multiple":"no""#), "surveys[0].steps[1].multiple: must be true or false"),
            (r#"{"id":"s","steps":[{"id":"a","kind":"nps","when":{"step":"a","min":1}}]}"#.to_owned(), "surveys[0].steps[0].when: not allowed on the first step, which always shows"),
            (with_step(r#""kind":"nps","when":"a""#), "surveys[0].steps[1].when: must be an object"),
            (with_step(r#""kind":"nps","when":{"min":1}"#), "surveys[0].steps[1].when.step: is required"),
            (with_step(r#""kind":"nps","when":{"step":"a","min":1,"else":2}"#), "surveys[0].steps[1].when.else: unknown option"),
            (with_step(r#""kind":"nps","when":{"step":"b","min":1}"#), "surveys[0].steps[1].when.step: must name an earlier step"),
            (with_step(r#""kind":"nps","when":{"step":"zz","min":1}"#), "surveys[0].steps[1].when.step: must name an earlier step"),
            (with_step(r#""kind":"nps","when":{"step":"a"}"#), "surveys[0].steps[1].when: needs exactly one of min/max, bucket, satisfied or option"),
            (with_step(r#""kind":"nps","when":{"step":"a","min":1,"bucket":"passive"}"#), "surveys[0].steps[1].when: needs exactly one of min/max, bucket, satisfied or option"),
            (with_step(r#""kind":"nps","when":{"step":"a","min":11}"#), "surveys[0].steps[1].when.min: is out of range"),
            (with_step(r#""kind":"nps","when":{"step":"a","max":-1}"#), "surveys[0].steps[1].when.max: is out of range"),
            (with_step(r#""kind":"nps","when":{"step":"a","max":4.5}"#), "surveys[0].steps[1].when.max: must be a whole number"),
            (with_step(r#""kind":"nps","when":{"step":"a","min":5,"max":4}"#), "surveys[0].steps[1].when.max: must not be below min"),
            (with_step(r#""kind":"nps","when":{"step":"a","bucket":"fan"}"#), "surveys[0].steps[1].when.bucket: must be promoter, passive or detractor"),
            (
                with_step(r#""kind":"nps","when":{"step":"a","satisfied":true}"#),
                "surveys[0].steps[1].when.satisfied: does not fit the step it reads (min/max: nps, csat, ces; bucket: nps; satisfied: csat; option: choice)",
            ),
            (
                with_step(r#""kind":"nps","when":{"step":"a","option":"x"}"#),
                "surveys[0].steps[1].when.option: does not fit the step it reads (min/max: nps, csat, ces; bucket: nps; satisfied: csat; option: choice)",
            ),
            (with(r#""thankYou":"""#), "surveys[0].thankYou: must not be empty"),
            (with(r#""trigger":"soon""#), "surveys[0].trigger: must look like delay:20s, time:20s, scroll:50, exit, event:NAME, step:NAME or friction:rage|dead|error, or be manual"),
            (with(r#""trigger":null"#), "surveys[0].trigger: must be a string"),
            (with(r#""urls":[]"#), "surveys[0].urls: must be an object"),
            (with(r#""urls":{"only":[]}"#), "surveys[0].urls.only: unknown option"),
            (with(r#""urls":{"include":"/a"}"#), "surveys[0].urls.include: must be an array"),
            (with(r#""urls":{"exclude":["/a","b"]}"#), "surveys[0].urls.exclude[1]: must be a path like /p/*"),
            (with(r#""urls":{"include":[1]}"#), "surveys[0].urls.include[0]: must be a string"),
            (with(&format!(r#""urls":{{"include":[{}]}}"#, vec!["\"/a\""; 21].join(","))), "surveys[0].urls.include: at most 20"),
            (with(r#""sample":101"#), "surveys[0].sample: is out of range"),
            (with(r#""sample":"50""#), "surveys[0].sample: must be a whole number"),
            (with(r#""cap":{"days":0}"#), "surveys[0].cap.days: is out of range"),
            (with(r#""cap":{"days":3651}"#), "surveys[0].cap.days: is out of range"),
            (with(r#""cap":{"dismissals":101}"#), "surveys[0].cap.dismissals: is out of range"),
            (with(r#""cap":{"weeks":1}"#), "surveys[0].cap.weeks: unknown option"),
            (with(r#""placement":"top""#), r#"surveys[0].placement: must be bottom-right, bottom-left, center or {"inline": selector}"#),
            (with(r#""placement":{}"#), "surveys[0].placement.inline: is required"),
            (with(r#""placement":{"inline":""}"#), "surveys[0].placement.inline: must not be empty"),
            (with(r##""placement":{"inline":"#a\u0000"}"##), "surveys[0].placement.inline: must not contain control characters"),
            (with(&format!(r#""placement":{{"inline":"{}"}}"#, long(201))), "surveys[0].placement.inline: longer than 200 characters"),
            (with(r##""placement":{"inline":"#a","at":1}"##), "surveys[0].placement.at: unknown option"),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(&text), expected, "{text}");
        }
    }

    #[test]
    fn conditions_must_fit_the_step_they_read() {
        let survey = |first: &str, when: &str| {
            format!(
                r#"{{"id":"s","steps":[{{"id":"a",{first}}},{{"id":"b","kind":"nps","when":{{"step":"a",{when}}}}}]}}"#
            )
        };
        let choice = r#""kind":"choice","question":"q","options":["x",{"en":"y","de":"ü"}]"#;
        let text = r#""kind":"text","question":"q""#;
        let fits = [
            (r#""kind":"csat""#, r#""min":1,"max":5"#),
            (r#""kind":"ces""#, r#""max":7"#),
            (r#""kind":"csat""#, r#""satisfied":true"#),
            (r#""kind":"nps""#, r#""bucket":"detractor""#),
            (choice, r#""option":"y""#),
        ];
        for (first, when) in fits {
            assert!(parse_survey(&survey(first, when), 0).is_ok(), "{first} {when}");
        }
        let misfits = [
            (r#""kind":"csat""#, r#""min":6"#, "when.min: is out of range"),
            (r#""kind":"ces""#, r#""min":0"#, "when.min: is out of range"),
            (r#""kind":"csat""#, r#""bucket":"promoter""#, "when.bucket: does not fit"),
            (r#""kind":"ces""#, r#""satisfied":true"#, "when.satisfied: does not fit"),
            (choice, r#""min":1"#, "when.min: does not fit"),
            (choice, r#""max":1"#, "when.max: does not fit"),
            (choice, r#""option":"ü""#, "when.option: must be one of the options of the step it reads"),
            (choice, r#""option":"X""#, "when.option: must be one of the options of the step it reads"),
            (text, r#""min":1"#, "when.step: cannot read a text step: its answer has nothing to compare"),
        ];
        for (first, when, expected) in misfits {
            let message = error_of(&survey(first, when));
            assert!(message.starts_with(&("surveys[0].steps[1].".to_owned() + expected)), "{first} {when}: {message}");
        }
    }

    #[test]
    fn the_surveys_option_keeps_the_good_and_names_the_bad() {
        let bad = r#"{"id":"broken","steps":[{"id":"a","kind":"choice","question":"q","options":["x"]}]}"#;
        let good = r#"{"id":"nps","steps":[{"id":"score","kind":"nps"}]}"#;
        let value = format!("[ {CHECKOUT} ,\n{bad}, {good} , {good} ]");
        let (surveys, errors) = parse_surveys(&value);
        assert_eq!(surveys.len(), 2);
        assert_eq!(surveys[0].1, CHECKOUT, "the item's exact text, for the survey module");
        assert_eq!(surveys[1].1, good);
        assert_eq!(parse_survey(&surveys[0].1, 0).unwrap(), surveys[0].0, "the survey module reads the same survey");
        let messages: Vec<_> = errors.iter().map(ConfigError::message).collect();
        assert_eq!(messages, ["surveys[1].steps[0].options: at least 2", "surveys[3].id: duplicate survey id"]);

        let bad_then_same = format!("[{bad}, {}]", bad.replace(r#"["x"]"#, r#"["x","y"]"#));
        let (surveys, errors) = parse_surveys(&bad_then_same);
        assert!(surveys.is_empty(), "a later survey with an earlier one's id is off even when that one is");
        assert_eq!(errors[1].message(), "surveys[1].id: duplicate survey id");

        assert_eq!(parse_surveys("[]"), (Vec::new(), Vec::new()));
        for not_an_array in ["{}", "\"nps\"", "[", ""] {
            let (surveys, errors) = parse_surveys(not_an_array);
            assert!(surveys.is_empty());
            assert_eq!(errors, [ConfigError::new("surveys", ConfigProblem::NotAnArray)], "{not_an_array}");
        }
        let fifty_one = format!("[{}]", vec![good; 51].join(","));
        let (surveys, errors) = parse_surveys(&fifty_one);
        assert!(surveys.is_empty());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message(), "surveys: at most 50");
        let fifty: Vec<_> = (0..50).map(|i| good.replace(r#""id":"nps""#, &format!(r#""id":"s{i}""#))).collect();
        let (surveys, errors) = parse_surveys(&format!("[{}]", fifty.join(",")));
        assert_eq!((surveys.len(), errors.len()), (50, 0));
    }

    #[test]
    fn limits_are_inclusive() {
        let step = |question: usize, label: usize| {
            with_step(&format!(
                r#""kind":"nps","question":"{}","low":"{}","high":"é""#,
                "q".repeat(question),
                "l".repeat(label)
            ))
        };
        assert!(parse_survey(&step(MAX_QUESTION_CHARS, MAX_LABEL_CHARS), 0).is_ok());
        let id = "é".repeat(MAX_ID_CHARS);
        assert!(
            parse_survey(&format!(r#"{{"id":"{id}","steps":[{{"id":"{id}","kind":"csat"}}]}}"#), 0).is_ok(),
            "chars, not bytes"
        );
        let options = (0..MAX_OPTIONS).map(|i| format!("\"o{i}\"")).collect::<Vec<_>>().join(",");
        assert!(
            parse_survey(&with_step(&format!(r#""kind":"choice","question":"q","options":[{options}]"#)), 0).is_ok()
        );
        let steps = (0..MAX_STEPS).map(|i| format!(r#"{{"id":"s{i}","kind":"nps"}}"#)).collect::<Vec<_>>().join(",");
        assert!(parse_survey(&format!(r#"{{"id":"s","steps":[{steps}]}}"#), 0).is_ok());
        let caps = with(r#""sample":0,"cap":{"days":3650,"dismissals":100},"placement":{"inline":"main > .feedback"}"#);
        let survey = parse_survey(&caps, 0).unwrap();
        assert_eq!((survey.targeting.sample, survey.targeting.cap), (0, Cap { days: Some(3650), dismissals: 100 }));
        assert!(parse_survey(&with(r#""cap":{"days":1,"dismissals":1},"urls":{"include":[],"exclude":[]}"#), 0).is_ok());
    }

    #[test]
    fn errors_name_the_survey_by_its_index() {
        assert_eq!(error_of(r#"{"id":"s","steps":[]}"#), "surveys[0].steps: at least 1");
        assert_eq!(parse_survey(r#"{"id":"s","steps":[]}"#, 12).unwrap_err().field, "surveys[12].steps");
    }
}

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
//! the survey module when it shows it (steps, wording, placement). The built-ins `nps`, `csat`,
//! `ces` and `text` are surveys of one step with no wording of their own ([`Spec::builtin`]):
//! a step without `question` / `low` / `high` takes the survey module's words for its kind in
//! the visitor's locale.

use alloc::string::String;
use alloc::vec::Vec;

use super::{SurveyKind, Trigger};
use crate::config::ConfigError;
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
/// Dismissals after which a survey never shows again, unless its `cap` says otherwise.
pub const DEFAULT_DISMISSALS: u32 = 3;
/// Most globs in `urls.include` or `urls.exclude`.
pub const MAX_GLOBS: usize = 20;

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

/// How often one visitor sees a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Days an answered survey stays away; `None`: never again.
    pub days: Option<u32>,
    /// Dismissals after which it never shows again.
    pub dismissals: u32,
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
    /// language (`de` for `de-AT`, `de-AT` for `de`), else the first entry.
    pub fn pick(&self, locale: &str) -> &str {
        todo!("{locale}")
    }
}

impl Spec {
    /// The built-in survey of `kind`: one step, id = kind id, no wording of its own.
    pub fn builtin(kind: SurveyKind) -> Spec {
        todo!("{kind:?}")
    }
}

/// Reads the `surveys` option (its JSON text): the valid surveys, with their JSON text for the
/// survey module, and one error per invalid survey, which stays off alone (issue 16, "Bad
/// input"). The error is `surveys` itself when the option is not an array or holds more than
/// [`MAX_SURVEYS`], duplicate ids are an error of the later one.
pub fn parse_surveys(value: &str) -> (Vec<(Survey, String)>, Vec<ConfigError>) {
    todo!("{value}")
}

/// Reads one survey's JSON text as [`parse_surveys`] handed it on; `index` names it in errors.
pub fn parse_survey(text: &str, index: usize) -> Result<Survey, ConfigError> {
    todo!("{text}{index}")
}

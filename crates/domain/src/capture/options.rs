//! The tracker's part of the configuration: which touchpoints are captured, the query
//! parameters a URL keeps, the frustration thresholds, the journey corridor and the score's
//! penalties. Read once by `Config::parse`; every error names its field
//! (`capture.clicks: must be true or false`, `journey[1].url: …`).

use alloc::string::String;
use alloc::vec::Vec;

use super::clicks::{ThresholdField, Thresholds};
use super::journey::Corridor;
use crate::config::{ConfigError, ConfigProblem};
use crate::json;
use crate::score::session::{penalty_field, Penalties, SignalKind};

/// One touchpoint switch of `capture: { … }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Page views, SPA navigation included.
    PageViews,
    /// Clicks on `data-cx` elements, and the frustration signals of every click.
    Clicks,
    /// Clicks on every link and button too (off by default).
    AllClicks,
    /// Form start, submit and abandon.
    Forms,
    /// Scroll depth milestones.
    Scroll,
    /// JS errors and unhandled rejections.
    Errors,
    /// Web vitals.
    Vitals,
    /// A change of the URL's fragment alone is a page view (off by default).
    TrackHash,
}

impl Switch {
    /// Every switch, in the order of the shell's flags.
    pub const ALL: [Switch; 8] = [
        Switch::PageViews,
        Switch::Clicks,
        Switch::AllClicks,
        Switch::Forms,
        Switch::Scroll,
        Switch::Errors,
        Switch::Vitals,
        Switch::TrackHash,
    ];

    /// The key under `capture`, which is also the flag's name in the shell.
    pub fn key(self) -> &'static str {
        match self {
            Switch::PageViews => "pageViews",
            Switch::Clicks => "clicks",
            Switch::AllClicks => "allClicks",
            Switch::Forms => "forms",
            Switch::Scroll => "scroll",
            Switch::Errors => "errors",
            Switch::Vitals => "vitals",
            Switch::TrackHash => "trackHash",
        }
    }

    /// On unless the site turns it off: a pasted tag captures the journey. `allClicks` and
    /// `trackHash` are off, since most sites do not want every click, or hash routes as pages.
    fn default_on(self) -> bool {
        !matches!(self, Switch::AllClicks | Switch::TrackHash)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Query parameters a captured URL keeps when the site does not say (decisions.md §19): the
/// campaign tags, which name a campaign, never a person.
pub const DEFAULT_QUERY_PARAMS: [&str; 5] = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
/// Most entries of `queryParams`.
pub const MAX_QUERY_PARAMS: usize = 50;
/// Longest entry of `queryParams`.
pub const MAX_QUERY_PARAM_CHARS: usize = 100;

/// The tracker's validated options.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    switches: u8,
    query_params: Vec<String>,
    /// Rage, dead and error click thresholds.
    pub thresholds: Thresholds,
    /// The journey corridor (empty when none is configured).
    pub corridor: Corridor,
    /// The session score's penalty table.
    pub penalties: Penalties,
    /// Whether known bots and automated browsers are captured and scored.
    pub count_bots: bool,
}

impl Default for Capture {
    fn default() -> Capture {
        Capture {
            switches: Switch::ALL.iter().filter(|s| s.default_on()).fold(0, |bits, s| bits | s.bit()),
            query_params: DEFAULT_QUERY_PARAMS.into_iter().map(String::from).collect(),
            thresholds: Thresholds::default(),
            corridor: Corridor::default(),
            penalties: Penalties::default(),
            count_bots: false,
        }
    }
}

impl Capture {
    /// Whether `switch` is on.
    pub fn on(&self, switch: Switch) -> bool {
        self.switches & switch.bit() != 0
    }

    /// The switches as bits, `1 << (switch as u8)`, for the shell.
    pub fn switches(&self) -> u8 {
        self.switches
    }

    /// The query parameters a captured URL keeps.
    pub fn query_params(&self) -> impl Iterator<Item = &str> {
        self.query_params.iter().map(String::as_str)
    }

    /// The same, as the list `redact::clean_url` takes.
    pub fn allowed_query(&self) -> &[String] {
        &self.query_params
    }

    /// Reads `capture: { clicks: false, … }` (the option's JSON text).
    pub fn read_switches(&mut self, value: &str) -> Result<(), ConfigError> {
        each_member("capture", value, &Switch::ALL.map(Switch::key), &mut |index, field, value| {
            let bit = 1 << index;
            self.switches = match value {
                "true" => self.switches | bit,
                "false" => self.switches & !bit,
                _ => return Err(ConfigError::new(field, ConfigProblem::NotABoolean)),
            };
            Ok(())
        })
    }

    /// Reads `frustration: { rageClicks: 4, … }`: each threshold a whole number in its range.
    pub fn read_thresholds(&mut self, value: &str) -> Result<(), ConfigError> {
        each_member("frustration", value, &ThresholdField::ALL.map(ThresholdField::key), &mut |index, field, value| {
            let Some(&threshold) = ThresholdField::ALL.get(index) else { return Ok(()) };
            let (min, max) = threshold.range();
            let n = whole(value, field)?;
            if n < i64::from(min) || n > i64::from(max) {
                return Err(ConfigError::new(field, ConfigProblem::OutOfRange));
            }
            self.thresholds.set(threshold, n as u32);
            Ok(())
        })
    }

    /// Reads `score: { rage: { points: 20, cap: 40 }, … }`, keyed by signal kind id.
    pub fn read_penalties(&mut self, value: &str) -> Result<(), ConfigError> {
        each_member("score", value, &SignalKind::ALL.map(SignalKind::id), &mut |index, field, value| {
            let Some(&kind) = SignalKind::ALL.get(index) else { return Ok(()) };
            let mut penalty = self.penalties.get(kind);
            // `score.<kind>.points` and `.cap`, as `penalty_field` spells them.
            each_member(field, value, &["points", "cap"], &mut |part, field, value| {
                let n = whole(value, field)?;
                let n = u32::try_from(n).map_err(|_| ConfigError::new(field, ConfigProblem::OutOfRange))?;
                if part == 0 {
                    penalty.points = n;
                } else {
                    penalty.cap = n;
                }
                Ok(())
            })?;
            self.penalties
                .set(kind, penalty)
                .map_err(|part| ConfigError { field: penalty_field(kind, part), problem: ConfigProblem::OutOfRange })
        })
    }

    /// Reads `queryParams: ["plan", …]`, which replaces the default list.
    pub fn read_query_params(&mut self, value: &str) -> Result<(), ConfigError> {
        const FIELD: &str = "queryParams";
        let items = json::array_items(value).ok_or(ConfigError::new(FIELD, ConfigProblem::NotAnArray))?;
        if items.len() > MAX_QUERY_PARAMS {
            return Err(ConfigError::new(FIELD, ConfigProblem::TooMany));
        }
        self.query_params.clear();
        for item in items {
            let name = json::string_of(item).ok_or(ConfigError::new(FIELD, ConfigProblem::NotAString))?;
            if name.is_empty() {
                return Err(ConfigError::new(FIELD, ConfigProblem::Empty));
            }
            if json::char_count(&name) > MAX_QUERY_PARAM_CHARS {
                return Err(ConfigError::new(FIELD, ConfigProblem::TooLong));
            }
            self.query_params.push(name);
        }
        Ok(())
    }
}

/// Calls `each(index, field, value)` for each member of the object option `field` (its JSON
/// text), in order: the index of its key in `keys`, its own field name (`capture.clicks`), its
/// value's JSON text. A key not in `keys` is `field.key: unknown option`; anything but an object
/// is `field: must be an object`. (`dyn`: one copy serves every object option.)
fn each_member(
    field: &str,
    value: &str,
    keys: &[&str],
    each: &mut dyn FnMut(usize, &str, &str) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    let Ok(Some(members)) = json::object_members(value) else {
        return Err(ConfigError::new(field, ConfigProblem::NotAnObject));
    };
    for (key, value) in members {
        let mut dotted = String::from(field);
        dotted.push('.');
        dotted.push_str(&key);
        let Some(index) = keys.iter().position(|known| *known == key) else {
            return Err(ConfigError { field: dotted, problem: ConfigProblem::UnknownOption });
        };
        each(index, &dotted, value)?;
    }
    Ok(())
}

/// A whole number (its JSON text), or the error naming `field`.
fn whole(value: &str, field: &str) -> Result<i64, ConfigError> {
    json::parse_integer(value).ok_or_else(|| ConfigError::new(field, ConfigProblem::NotAnInteger))
}

//! The journey corridor: the ordered steps a site wants visitors to take, the last one the
//! goal (docs/tracker.md "Journey").
//!
//! ```json
//! "journey": [{ "step": "product", "url": "/p/*" }, { "step": "cart", "url": "/cart" }, { "step": "purchase" }]
//! ```
//!
//! A step is reached by a page view whose path matches its `url` glob, or by `cx.step(name)`.
//! A session's [`Progress`] keeps the furthest step reached; a session that entered the
//! corridor and never reached the goal is a [`dropout`] at its furthest step.

use alloc::string::String;
use alloc::vec::Vec;

use crate::config::{ConfigError, ConfigProblem};
use crate::event::{check_name, EventProblem};
use crate::json;

/// Fewest steps: an entry and a goal. One step would be its own goal and never drop out.
pub const MIN_STEPS: usize = 2;
/// Most steps: a funnel, not a site map.
pub const MAX_STEPS: usize = 20;
/// Longest path glob, in characters.
pub const MAX_GLOB_CHARS: usize = 200;

/// One step: its name and, if page views reach it, its path glob.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    name: String,
    url: Option<String>,
}

/// A validated corridor of 2–20 steps with distinct names; empty (the default) when the site
/// configures none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corridor {
    steps: Vec<Step>,
}

impl Corridor {
    /// Reads the `journey` option: an array of `{ step, url? }` objects. An error names the
    /// field (`journey[1].url: must be a path like /p/*`) and leaves nothing half-read. Takes
    /// the option's JSON text.
    pub fn parse(value: &str) -> Result<Corridor, ConfigError> {
        let items = json::array_items(value).ok_or(ConfigError::new("journey", ConfigProblem::NotAnArray))?;
        if !(MIN_STEPS..=MAX_STEPS).contains(&items.len()) {
            return Err(ConfigError::new("journey", ConfigProblem::StepCount));
        }
        let mut steps: Vec<Step> = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let Ok(Some(members)) = json::object_members(item) else {
                return Err(error_at(index, None, ConfigProblem::NotAnObject));
            };
            if let Some((key, _)) = members.iter().find(|(key, _)| key != "step" && key != "url") {
                return Err(error_at(index, Some(key), ConfigProblem::UnknownOption));
            }
            let name = match json::member(&members, "step") {
                None => return Err(error_at(index, Some("step"), ConfigProblem::Missing)),
                Some(step) => {
                    json::string_of(step).ok_or_else(|| error_at(index, Some("step"), ConfigProblem::NotAString))?
                }
            };
            check_step_name(&name).map_err(|problem| error_at(index, Some("step"), problem))?;
            if steps.iter().any(|step| step.name == name) {
                return Err(error_at(index, Some("step"), ConfigProblem::DuplicateStep));
            }
            let url = match json::member(&members, "url") {
                None => None,
                Some(url) => {
                    let glob =
                        json::string_of(url).ok_or_else(|| error_at(index, Some("url"), ConfigProblem::NotAString))?;
                    check_path_glob(&glob).map_err(|problem| error_at(index, Some("url"), problem))?;
                    Some(glob)
                }
            };
            steps.push(Step { name, url });
        }
        Ok(Corridor { steps })
    }

    /// The goal's index: the last step.
    pub fn goal(&self) -> usize {
        self.steps.len().saturating_sub(1)
    }

    /// The name of the step at `index`.
    pub fn name(&self, index: usize) -> Option<&str> {
        self.steps.get(index).map(|step| step.name.as_str())
    }

    /// The index of the step named `name` (`cx.step(name)`).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.steps.iter().position(|step| step.name == name)
    }

    /// The first step, in corridor order, whose glob matches `path`. Only the path is
    /// matched: anything from a `?` or `#` on is ignored.
    pub fn step_for_path(&self, path: &str) -> Option<usize> {
        let end = path.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(path.len());
        let path = path.get(..end).unwrap_or_default();
        self.steps.iter().position(|step| step.url.as_deref().is_some_and(|glob| path_glob_matches(glob, path)))
    }
}

/// `journey[index]` or `journey[index].key`, built without `core::fmt`.
fn error_at(index: usize, key: Option<&str>, problem: ConfigProblem) -> ConfigError {
    let mut field = String::from("journey[");
    json::write_integer(index as i64, &mut field);
    field.push(']');
    if let Some(key) = key {
        field.push('.');
        field.push_str(key);
    }
    ConfigError { field, problem }
}

/// A step name follows the event-name rule (`event::check_name`): 1–100 characters, no
/// control characters.
fn check_step_name(name: &str) -> Result<(), ConfigProblem> {
    if name.is_empty() {
        return Err(ConfigProblem::Empty);
    }
    match check_name(name) {
        Ok(()) => Ok(()),
        Err(EventProblem::NameTooLong) => Err(ConfigProblem::TooLong),
        Err(_) => Err(ConfigProblem::ControlCharacters),
    }
}

/// Checks a path glob: 1–[`MAX_GLOB_CHARS`] characters, starting with `/`, without `?`, `#`,
/// white space or control characters (a pathname has none: the browser percent-encodes them,
/// so such a glob could never match). The rule for every path glob: journey steps, and URL
/// targeting of surveys.
pub fn check_path_glob(glob: &str) -> Result<(), ConfigProblem> {
    if glob.is_empty() {
        return Err(ConfigProblem::Empty);
    }
    if json::char_count(glob) > MAX_GLOB_CHARS {
        return Err(ConfigProblem::TooLong);
    }
    if !glob.starts_with('/') || glob.chars().any(|c| c == '?' || c == '#' || c.is_whitespace() || c.is_control()) {
        return Err(ConfigProblem::NotAPathGlob);
    }
    Ok(())
}

/// Whether `path` matches `glob`: `*` matches any run of characters, `/` included
/// (`/p/*` matches `/p/shoes/red`), everything else itself, case-sensitively. The whole path
/// must match: `/cart` is not `/cart/`.
///
/// Greedy with one backtrack point (the latest `*`): O(glob × path) at worst, no recursion.
/// Byte-wise, which is exact for UTF-8: literal bytes only match the same characters.
pub fn path_glob_matches(glob: &str, path: &str) -> bool {
    let (glob, path) = (glob.as_bytes(), path.as_bytes());
    let (mut g, mut p) = (0, 0);
    // After a `*`: where the glob resumes, and the next path position the star may swallow to.
    let mut star: Option<(usize, usize)> = None;
    while p < path.len() {
        match glob.get(g) {
            Some(b'*') => {
                g += 1;
                star = Some((g, p));
            }
            Some(&c) if path.get(p) == Some(&c) => {
                g += 1;
                p += 1;
            }
            _ => match star {
                Some((resume, from)) => {
                    g = resume;
                    p = from + 1;
                    star = Some((resume, from + 1));
                }
                None => return false,
            },
        }
    }
    glob.get(g..).is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

/// How far a session got along the corridor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    furthest: Option<usize>,
    goal: bool,
}

impl Progress {
    /// The furthest step reached; `None` before the corridor was entered.
    pub fn furthest(&self) -> Option<usize> {
        self.furthest
    }

    /// Whether the goal was reached.
    pub fn goal_reached(&self) -> bool {
        self.goal
    }

    /// Records reaching step `index` of `corridor`. Steps may be reached in any order (a
    /// visitor lands on the cart from an ad); the furthest counts. An index past the corridor
    /// is ignored.
    pub fn reach(&mut self, index: usize, corridor: &Corridor) {
        if index > corridor.goal() {
            return;
        }
        self.furthest = Some(self.furthest.map_or(index, |furthest| furthest.max(index)));
        self.goal |= index == corridor.goal();
    }

    /// The progress as text for localStorage: `-` before the corridor was entered, else
    /// `furthest.goal` (`2.0`, `3.1`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends [`encode`](Progress::encode)'s text to `out`.
    pub fn write(&self, out: &mut String) {
        let Some(furthest) = self.furthest else { return out.push('-') };
        json::write_integer(furthest as i64, out);
        out.push_str(if self.goal { ".1" } else { ".0" });
    }

    /// Reads [`encode`](Progress::encode)'s text; `None` for anything else, or a step beyond
    /// [`MAX_STEPS`].
    pub fn decode(text: &str) -> Option<Progress> {
        if text == "-" {
            return Some(Progress::default());
        }
        let (furthest, goal) = crate::scan::split_once(text, b'.')?;
        let goal = match goal {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        if furthest.starts_with('-') {
            return None;
        }
        let furthest = usize::try_from(json::parse_integer(furthest)?).ok().filter(|&i| i < MAX_STEPS)?;
        Some(Progress { furthest: Some(furthest), goal })
    }
}

/// The step a session dropped out at: its furthest, when it entered the corridor and did
/// not reach the goal. Decided when the session ends (the collector, after 30 min of silence).
pub fn dropout(progress: &Progress) -> Option<usize> {
    progress.furthest.filter(|_| !progress.goal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corridor(text: &str) -> Result<Corridor, String> {
        Corridor::parse(text).map_err(|error| error.message())
    }

    const SHOP: &str = r#"[{"step":"product","url":"/p/*"},{"step":"cart","url":"/cart"},{"step":"purchase"}]"#;

    #[test]
    fn a_corridor_reads_its_steps() {
        let shop = corridor(SHOP).unwrap();
        assert_eq!(shop.goal(), 2);
        assert_eq!((shop.name(0), shop.name(2), shop.name(3)), (Some("product"), Some("purchase"), None));
        assert_eq!((shop.index_of("cart"), shop.index_of("Cart")), (Some(1), None));
        assert_eq!(shop.step_for_path("/p/shoes"), Some(0));
        assert_eq!(shop.step_for_path("/p/shoes/red?size=9#top"), Some(0));
        assert_eq!(shop.step_for_path("/cart"), Some(1));
        assert_eq!(shop.step_for_path("/cart?x=1"), Some(1));
        assert_eq!(shop.step_for_path("/cart/"), None);
        assert_eq!(shop.step_for_path("/p"), None);
        assert_eq!(shop.step_for_path("/"), None);
        assert_eq!(shop.step_for_path("/purchase"), None, "a step without url is reached by cx.step only");
        // Overlapping globs: the first step in corridor order wins.
        let overlap = corridor(r#"[{"step":"any","url":"/*"},{"step":"cart","url":"/cart"}]"#).unwrap();
        assert_eq!(overlap.step_for_path("/cart"), Some(0));
    }

    #[test]
    fn each_bad_corridor_names_its_field_and_rule() {
        let long = "x".repeat(101);
        let long_glob = "/".to_owned() + &"x".repeat(MAX_GLOB_CHARS);
        let cases = [
            (r#"{"step":"a"}"#.to_owned(), "journey: must be an array"),
            ("[]".to_owned(), "journey: must have 2 to 20 steps"),
            (r#"[{"step":"a"}]"#.to_owned(), "journey: must have 2 to 20 steps"),
            (format!("[{}]", vec![r#"{"step":"a"}"#; 21].join(",")), "journey: must have 2 to 20 steps"),
            (r#"[{"step":"a"},"b"]"#.to_owned(), "journey[1]: must be an object"),
            (r#"[{"step":"a"},{"url":"/b"}]"#.to_owned(), "journey[1].step: is required"),
            (r#"[{"step":"a"},{"step":2}]"#.to_owned(), "journey[1].step: must be a string"),
            (r#"[{"step":"a"},{"step":""}]"#.to_owned(), "journey[1].step: must not be empty"),
            (r#"[{"step":"a"},{"step":"b\u0007"}]"#.to_owned(), "journey[1].step: must not contain control characters"),
            (format!(r#"[{{"step":"a"}},{{"step":"{long}"}}]"#), "journey[1].step: is too long"),
            (r#"[{"step":"a"},{"step":"b"},{"step":"a"}]"#.to_owned(), "journey[2].step: duplicate step"),
            (r#"[{"step":"a","Url":"/a"},{"step":"b"}]"#.to_owned(), "journey[0].Url: unknown option"),
            (r#"[{"step":"a","url":null},{"step":"b"}]"#.to_owned(), "journey[0].url: must be a string"),
            (r#"[{"step":"a"},{"step":"b","url":""}]"#.to_owned(), "journey[1].url: must not be empty"),
            (r#"[{"step":"a"},{"step":"b","url":"cart"}]"#.to_owned(), "journey[1].url: must be a path like /p/*"),
            (
                r#"[{"step":"a"},{"step":"b","url":"https://x.com/cart"}]"#.to_owned(),
                "journey[1].url: must be a path like /p/*",
            ),
            (r#"[{"step":"a"},{"step":"b","url":"/s?q=*"}]"#.to_owned(), "journey[1].url: must be a path like /p/*"),
            (r#"[{"step":"a"},{"step":"b","url":"/a b"}]"#.to_owned(), "journey[1].url: must be a path like /p/*"),
            (format!(r#"[{{"step":"a"}},{{"step":"b","url":"{long_glob}"}}]"#), "journey[1].url: is too long"),
        ];
        for (text, expected) in cases {
            assert_eq!(corridor(&text).unwrap_err(), expected, "{text}");
        }
        // At the limits: 20 steps, 100-character names, a 200-character glob.
        let twenty: Vec<String> = (0..20).map(|i| format!(r#"{{"step":"s{i}"}}"#)).collect();
        assert_eq!(corridor(&format!("[{}]", twenty.join(","))).unwrap().goal(), 19);
        let name = "é".repeat(100);
        let glob = "/".to_owned() + &"é".repeat(MAX_GLOB_CHARS - 1);
        assert!(corridor(&format!(r#"[{{"step":"{name}","url":"{glob}"}},{{"step":"$b"}}]"#)).is_ok());
    }

    #[test]
    fn globs_match_whole_paths() {
        let cases = [
            ("/cart", "/cart", true),
            ("/cart", "/Cart", false),
            ("/cart", "/cart/", false),
            ("/cart", "/carts", false),
            ("/p/*", "/p/", true),
            ("/p/*", "/p/a/b/c", true),
            ("/p/*", "/p", false),
            ("/*/reviews", "/p/shoes/reviews", true),
            ("/*/reviews", "/p/shoes/reviews/2", false),
            ("/*.html", "/a/b.html", true),
            ("/a*b*c", "/aXbYc", true),
            ("/a*b*c", "/aXcYb", false),
            ("/a*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("/*", "/", true),
            ("/**", "/x", true),
            ("/caf%C3%A9", "/caf%C3%A9", true),
            ("/café/*", "/café/x", true),
        ];
        for (glob, path, want) in cases {
            assert_eq!(path_glob_matches(glob, path), want, "{glob} {path}");
        }
    }

    #[test]
    fn progress_keeps_the_furthest_step_and_the_goal() {
        let shop = corridor(SHOP).unwrap();
        let mut progress = Progress::default();
        assert_eq!((progress.furthest(), dropout(&progress)), (None, None), "never entered: no dropout");
        progress.reach(0, &shop);
        assert_eq!(dropout(&progress), Some(0));
        progress.reach(1, &shop);
        progress.reach(0, &shop);
        assert_eq!((progress.furthest(), progress.goal_reached(), dropout(&progress)), (Some(1), false, Some(1)));
        progress.reach(7, &shop);
        assert_eq!(progress.furthest(), Some(1), "past the corridor: ignored");
        progress.reach(2, &shop);
        assert_eq!((progress.furthest(), progress.goal_reached(), dropout(&progress)), (Some(2), true, None));
        // Straight to the goal: entered, and no dropout.
        let mut direct = Progress::default();
        direct.reach(2, &shop);
        assert_eq!(dropout(&direct), None);
    }

    #[test]
    fn progress_round_trips_through_storage_text() {
        let shop = corridor(SHOP).unwrap();
        let mut progress = Progress::default();
        assert_eq!(progress.encode(), "-");
        assert_eq!(Progress::decode("-"), Some(progress));
        progress.reach(1, &shop);
        assert_eq!(progress.encode(), "1.0");
        assert_eq!(Progress::decode("1.0"), Some(progress));
        progress.reach(2, &shop);
        assert_eq!(progress.encode(), "2.1");
        assert_eq!(Progress::decode("2.1"), Some(progress));
        assert_eq!(Progress::decode("19.0").and_then(|p| p.furthest()), Some(19));
        for garbage in ["", "1", "1.", ".1", "1.2", "-1.0", "-0.0", "20.0", "a.0", "1.0.0", " 1.0", "1e1.0", "--"] {
            assert_eq!(Progress::decode(garbage), None, "{garbage:?}");
        }
    }
}

//! The time parameters of the readers (`GET /v1/stats`, `GET /v1/export`): a window of event
//! times from `from` and `to`, the time zone their dates and the buckets are read in, and the
//! buckets of `series` (decisions.md §34).
//!
//! - `from` / `to`: an ISO date (`2026-11-01`) or ms since the epoch. The window is
//!   `[from, to)` in event time (the browser's stamp, `time_ms`): a date `from` starts at that
//!   day's midnight, a date `to` *includes* its day (the window ends at the next midnight), an
//!   ms `to` is exclusive. Dates are read in `tz`.
//! - `tz`: `UTC` (the default; `Z` too) or a fixed offset `±HH:MM` up to ±14:00. In a query
//!   string a `+` must be sent as `%2B`; a decoded leading space (a raw `+`) is read as `+`.
//! - `bucket`: `day`, `week` (ISO, from Monday) or `month`, each starting at midnight in `tz`;
//!   it needs both `from` and `to`, and the window may span at most [`MAX_BUCKETS`] of them.

/// A day in ms.
const DAY_MS: i64 = 86_400_000;
/// The latest time an event may carry, ms since the epoch (ECMAScript's `Date` range).
const MAX_TIME_MS: i64 = 8_640_000_000_000_000;
/// The most buckets a series may have.
pub const MAX_BUCKETS: usize = 366;

/// A window of event times, `from_ms` included, `to_ms` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The earliest time in the window, ms since the epoch.
    pub from_ms: i64,
    /// The first time after the window, ms since the epoch.
    pub to_ms: i64,
}

impl Window {
    /// Every time: the answer without `from` and `to`.
    pub const ALL: Window = Window { from_ms: i64::MIN, to_ms: i64::MAX };
}

/// The length of the buckets of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// A calendar day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

/// One bucket of a series: where it starts and the first time after it, both ms since the
/// epoch, and its first day as an ISO date in the series' time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The bucket's first instant (its midnight in `tz`), ms since the epoch.
    pub start_ms: i64,
    /// The next bucket's first instant.
    pub end_ms: i64,
    /// The bucket's first day, `YYYY-MM-DD`.
    pub start: String,
}

/// The parameters as the query string gives them.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Params {
    /// `from`: an ISO date or ms.
    pub from: Option<String>,
    /// `to`: an ISO date (included) or ms (excluded).
    pub to: Option<String>,
    /// `tz`: `UTC` or `±HH:MM`.
    pub tz: Option<String>,
    /// `bucket`: `day`, `week` or `month`.
    pub bucket: Option<String>,
}

/// The parameters, read: the window and, with `bucket`, its buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The window of event times.
    pub window: Window,
    /// The series' buckets, in order, with `bucket` only.
    pub buckets: Option<Vec<Span>>,
}

/// A parameter that cannot be read: the field it names and why, `"<field>: <why>"`.
pub type Refusal = String;

impl Params {
    /// Reads the parameters; the first bad one is refused, named.
    pub fn parse(&self) -> Result<Parsed, Refusal> {
        let offset_ms = match self.tz.as_deref() {
            None => 0,
            Some(tz) => {
                offset_of(tz).ok_or_else(|| format!("tz: {tz:?} is not UTC or an offset ±HH:MM (up to ±14:00)"))?
            }
        };
        let from = match self.from.as_deref() {
            None => None,
            Some(text) => Some(instant(text, offset_ms, false).ok_or_else(|| bad_time("from", text))?),
        };
        let to = match self.to.as_deref() {
            None => None,
            Some(text) => Some(instant(text, offset_ms, true).ok_or_else(|| bad_time("to", text))?),
        };
        if let (Some(from), Some(to)) = (from, to) {
            if to <= from {
                return Err("to: the window ends before it starts (to must be after from)".into());
            }
        }
        let window = Window { from_ms: from.unwrap_or(Window::ALL.from_ms), to_ms: to.unwrap_or(Window::ALL.to_ms) };
        let buckets = match self.bucket.as_deref() {
            None => None,
            Some(name) => {
                let bucket = match name {
                    "day" => Bucket::Day,
                    "week" => Bucket::Week,
                    "month" => Bucket::Month,
                    _ => return Err(format!("bucket: {name:?} is not day, week or month")),
                };
                let from = from.ok_or("from: required with bucket")?;
                let to = to.ok_or("to: required with bucket")?;
                Some(spans(bucket, from, to, offset_ms)?)
            }
        };
        Ok(Parsed { window, buckets })
    }
}

fn bad_time(field: &str, text: &str) -> Refusal {
    format!("{field}: {text:?} is not an ISO date (YYYY-MM-DD) or ms since the epoch (0 to {MAX_TIME_MS})")
}

/// `UTC`, `Z` or `±HH:MM` (a leading space is a `+` a query string decoded) as ms east of UTC.
fn offset_of(tz: &str) -> Option<i64> {
    if tz == "UTC" || tz == "Z" {
        return Some(0);
    }
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' | b' ' => (1, &tz[1..]),
        b'-' => (-1, &tz[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':')?;
    let (hours, minutes) = (digits(hours, 2)?, digits(minutes, 2)?);
    if minutes >= 60 || hours * 60 + minutes > 14 * 60 {
        return None;
    }
    Some(sign * (hours * 60 + minutes) * 60_000)
}

/// `text` as a number of exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<i64> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok())?
}

/// `text` as an instant: ms since the epoch, or a date's midnight in the zone `offset_ms` east
/// of UTC (with `end_of_day`, the next midnight: a date `to` includes its day).
fn instant(text: &str, offset_ms: i64, end_of_day: bool) -> Option<i64> {
    if !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().filter(|ms| *ms <= MAX_TIME_MS);
    }
    let mut parts = text.split('-');
    let (year, month, day) = (digits(parts.next()?, 4)?, digits(parts.next()?, 2)?, digits(parts.next()?, 2)?);
    if parts.next().is_some() || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day) + i64::from(end_of_day);
    Some(days * DAY_MS - offset_ms)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a number of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The buckets covering `[from_ms, to_ms)`, aligned to the calendar in the zone `offset_ms`
/// east of UTC: the first starts at or before `from_ms` (a partial first or last bucket counts
/// only the window's events). More than [`MAX_BUCKETS`] is refused, naming `bucket`.
fn spans(bucket: Bucket, from_ms: i64, to_ms: i64, offset_ms: i64) -> Result<Vec<Span>, Refusal> {
    let first_day = (from_ms + offset_ms).div_euclid(DAY_MS);
    let mut day = match bucket {
        Bucket::Day => first_day,
        // 1970-01-01 was a Thursday: Monday is 3 days before.
        Bucket::Week => first_day - (first_day + 3).rem_euclid(7),
        Bucket::Month => {
            let (year, month, _) = civil_from_days(first_day);
            days_from_civil(year, month, 1)
        }
    };
    let mut spans = Vec::new();
    while day * DAY_MS - offset_ms < to_ms {
        if spans.len() == MAX_BUCKETS {
            return Err(format!(
                "bucket: the window spans more than {MAX_BUCKETS} buckets; ask for a longer bucket or a shorter window"
            ));
        }
        let (year, month, date) = civil_from_days(day);
        let next = match bucket {
            Bucket::Day => day + 1,
            Bucket::Week => day + 7,
            Bucket::Month if month == 12 => days_from_civil(year + 1, 1, 1),
            Bucket::Month => days_from_civil(year, month + 1, 1),
        };
        spans.push(Span {
            start_ms: day * DAY_MS - offset_ms,
            end_ms: next * DAY_MS - offset_ms,
            start: format!("{year:04}-{month:02}-{date:02}"),
        });
        day = next;
    }
    Ok(spans)
}

/// The index of the bucket of `spans` (in order, contiguous) holding `time_ms`, if any.
pub fn bucket_of(spans: &[Span], time_ms: i64) -> Option<usize> {
    let at = spans.partition_point(|s| s.end_ms <= time_ms);
    spans.get(at).filter(|s| s.start_ms <= time_ms).map(|_| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(from: &str, to: &str, tz: Option<&str>, bucket: Option<&str>) -> Params {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Params { from: some(from), to: some(to), tz: tz.map(str::to_owned), bucket: bucket.map(str::to_owned) }
    }

    fn starts(parsed: &Parsed) -> Vec<&str> {
        parsed.buckets.as_ref().unwrap().iter().map(|s| s.start.as_str()).collect()
    }

    /// 2026-11-01T00:00:00Z.
    const NOV_1: i64 = 1_793_491_200_000;

    #[test]
    fn dates_are_days_in_the_zone_and_to_includes_its_day() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 11, 1) * DAY_MS, NOV_1);
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_758, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let utc = params("2026-11-01", "2026-11-03", None, None).parse().unwrap();
        assert_eq!(utc.window, Window { from_ms: NOV_1, to_ms: NOV_1 + 3 * DAY_MS });
        let paris = params("2026-11-01", "2026-11-01", Some(" 01:00"), None).parse().unwrap();
        assert_eq!(paris.window, Window { from_ms: NOV_1 - 3_600_000, to_ms: NOV_1 + DAY_MS - 3_600_000 });
        let ms = params("1000", "2000", Some("-05:30"), None).parse().unwrap();
        assert_eq!(ms.window, Window { from_ms: 1_000, to_ms: 2_000 }, "ms are instants, in no zone");
        let open = params("", "2026-11-01", None, None).parse().unwrap();
        assert_eq!(open.window, Window { from_ms: i64::MIN, to_ms: NOV_1 + DAY_MS });
    }

    #[test]
    fn a_bad_parameter_is_refused_by_name() {
        let field = |p: Params| p.parse().unwrap_err().split(':').next().unwrap().to_owned();
        for bad in ["2026-13-01", "2026-02-29", "2026-1-01", "26-11-01", "2026-11-01T00:00", "-5", "1e3", "x", ""] {
            if !bad.is_empty() {
                assert_eq!(field(params(bad, "", None, None)), "from", "{bad}");
                assert_eq!(field(params("", bad, None, None)), "to", "{bad}");
            }
        }
        assert!(params("2028-02-29", "", None, None).parse().is_ok(), "a leap day");
        assert_eq!(field(params("9000000000000000", "", None, None)), "from");
        assert_eq!(field(params("2026-11-02", "2026-11-01", None, None)), "to");
        assert_eq!(field(params("5", "5", None, None)), "to", "an empty window");
        for tz in ["Europe/Paris", "+1:00", "+14:01", "+01:60", "utc", "+0100", ""] {
            assert_eq!(field(params("", "", Some(tz), None)), "tz", "{tz}");
        }
        assert!(params("", "", Some("-14:00"), None).parse().is_ok());
        assert_eq!(field(params("2026-11-01", "2026-11-02", None, Some("hour"))), "bucket");
        assert_eq!(field(params("", "2026-11-02", None, Some("day"))), "from");
        assert_eq!(field(params("2026-11-01", "", None, Some("day"))), "to");
    }

    #[test]
    fn buckets_follow_the_calendar_in_the_zone_up_to_366() {
        let days = params("2026-11-01", "2026-11-03", None, Some("day")).parse().unwrap();
        assert_eq!(starts(&days), ["2026-11-01", "2026-11-02", "2026-11-03"]);
        let spans = days.buckets.as_ref().unwrap();
        assert_eq!((spans[0].start_ms, spans[2].end_ms), (NOV_1, NOV_1 + 3 * DAY_MS));
        assert_eq!(bucket_of(spans, NOV_1 + DAY_MS), Some(1));
        assert_eq!(bucket_of(spans, NOV_1 + DAY_MS - 1), Some(0));
        assert_eq!((bucket_of(spans, NOV_1 - 1), bucket_of(spans, NOV_1 + 3 * DAY_MS)), (None, None));
        // 2026-11-04 is a Wednesday: its week starts on Monday 2 November.
        let weeks = params("2026-11-04", "2026-11-30", None, Some("week")).parse().unwrap();
        assert_eq!(starts(&weeks), ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]);
        let months = params("2026-11-15", "2027-02-01", None, Some("month")).parse().unwrap();
        assert_eq!(starts(&months), ["2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01"]);
        let tokyo = params("2026-11-01", "2026-11-01", Some("+09:00"), Some("day")).parse().unwrap();
        assert_eq!(tokyo.buckets.unwrap()[0].start_ms, NOV_1 - 9 * 3_600_000);
        let leap = params("2028-01-01", "2028-12-31", None, Some("day")).parse().unwrap();
        assert_eq!(leap.buckets.unwrap().len(), 366);
        assert_eq!(params("2026-01-01", "2027-01-01", None, Some("day")).parse().unwrap().buckets.unwrap().len(), 366);
        let over = params("2026-01-01", "2027-01-02", None, Some("day")).parse().unwrap_err();
        assert!(over.starts_with("bucket: "), "{over}");
        assert_eq!(params("0", "8640000000000000", None, Some("month")).parse().unwrap_err(), over);
    }
}

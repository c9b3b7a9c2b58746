//! The event store: one SQLite file, one row per event id.
//!
//! Exactly-once at the collector comes from the primary key `(site, stream, seq)`: a resent
//! event is ignored and counted as a *redelivery* (decisions.md §15), never stored twice.

use std::path::Path;

use cxkit_domain::batch::Batch;
use cxkit_domain::capture::vitals::Rating;
use cxkit_domain::score::answers::Answers;
use cxkit_domain::score::ces::CesTally;
use cxkit_domain::score::csat::CsatTally;
use cxkit_domain::score::nps::NpsTally;
use cxkit_domain::survey::SurveyKind;
use rusqlite::{params, Connection, OptionalExtension};

use crate::sessions::{rating_of, Observed};
use crate::window::Window;

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS events (
    site        TEXT    NOT NULL,
    stream      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    time_ms     INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    props       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (site, stream, seq)
);
CREATE INDEX IF NOT EXISTS events_by_name ON events (site, name);
CREATE INDEX IF NOT EXISTS events_by_time ON events (site, time_ms, stream, seq);
CREATE TABLE IF NOT EXISTS redeliveries (
    site  TEXT    PRIMARY KEY,
    count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS traffic (
    site     TEXT    PRIMARY KEY,
    requests INTEGER NOT NULL,
    bytes    INTEGER NOT NULL
);
";

/// What storing a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    /// Events new to the store.
    pub stored: usize,
    /// Events whose id was already stored: ignored, counted.
    pub redelivered: usize,
}

/// Counts and scores for one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteStats {
    /// Events stored.
    pub events: u64,
    /// Event ids received more than once.
    pub redeliveries: u64,
    /// Batches accepted.
    pub requests: u64,
    /// Request-body bytes of those batches, as received.
    pub bytes: u64,
    /// NPS answers by bucket.
    pub nps: NpsTally,
    /// CSAT answers.
    pub csat: CsatTally,
    /// CES answers.
    pub ces: CesTally,
    /// `$pageview` events.
    pub pageviews: u64,
    /// `$vital` events by vital name (sorted), by rating.
    pub vitals: Vec<VitalTally>,
}

/// `$vital` events of one vital name by their `rating`. Other ratings are not counted, and a
/// name none of whose events has a rating is not listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VitalTally {
    /// The vital's `name` (`LCP`, `INP`, …).
    pub name: String,
    /// Rated `good`.
    pub good: u64,
    /// Rated `needs-improvement`.
    pub needs_improvement: u64,
    /// Rated `poor`.
    pub poor: u64,
}

/// A `$response` event: when it was given and, when it is one, the scored answer it counts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseEvent {
    /// Its time, ms since the epoch.
    pub time_ms: i64,
    /// The kind and value it counts as; `None` for an answer without a score (free text, a
    /// choice, a value off the scale).
    pub answer: Option<(SurveyKind, u8)>,
    /// Its `sid` prop, when a string: the session it was given in.
    pub sid: Option<String>,
}

/// One stored event as `GET /v1/export` writes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Exported {
    /// The site.
    pub site: String,
    /// The stream id.
    pub stream: String,
    /// Its sequence number in the stream.
    pub seq: i64,
    /// The event's time, ms since the epoch, as the browser stamped it.
    pub time: i64,
    /// The event name.
    pub name: String,
    /// Its props, as stored.
    pub props: serde_json::Value,
    /// The send reason of the batch that first brought it.
    pub reason: String,
    /// When the collector stored it, ms since the epoch.
    pub received: i64,
}

/// Where an export stands: the key `(time, stream, seq)` of the last event read.
pub type ExportKey = (i64, String, i64);

/// An open store.
pub struct Store {
    connection: Connection,
}

impl Store {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        Store::with(Connection::open(path)?)
    }

    /// A store in memory, for tests.
    #[cfg(test)]
    pub fn in_memory() -> rusqlite::Result<Store> {
        Store::with(Connection::open_in_memory()?)
    }

    fn with(connection: Connection) -> rusqlite::Result<Store> {
        connection.execute_batch(SCHEMA)?;
        Ok(Store { connection })
    }

    /// Stores a batch that arrived as `body_bytes` bytes, in one transaction.
    pub fn insert(&mut self, batch: &Batch, body_bytes: usize, received_ms: i64) -> rusqlite::Result<Stored> {
        let tx = self.connection.transaction()?;
        let mut stored = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO events (site, stream, seq, time_ms, name, props, reason, received_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for event in &batch.events {
                stored += insert.execute(params![
                    batch.site,
                    event.stream,
                    event.seq as i64,
                    event.time_ms,
                    event.name,
                    event.props.to_json(),
                    batch.reason.id(),
                    received_ms
                ])?;
            }
        }
        let redelivered = batch.events.len() - stored;
        if redelivered > 0 {
            tx.execute(
                "INSERT INTO redeliveries (site, count) VALUES (?1, ?2)
                 ON CONFLICT (site) DO UPDATE SET count = count + excluded.count",
                params![batch.site, redelivered as i64],
            )?;
        }
        tx.execute(
            "INSERT INTO traffic (site, requests, bytes) VALUES (?1, 1, ?2)
             ON CONFLICT (site) DO UPDATE SET requests = requests + 1, bytes = bytes + excluded.bytes",
            params![batch.site, body_bytes as i64],
        )?;
        tx.commit()?;
        Ok(Stored { stored, redelivered })
    }

    /// Counts and scores for `site`, computed with the crate's scoring code, of the events in
    /// `window` (redeliveries, requests and bytes are the site's totals: they have no time).
    pub fn stats(&self, site: &str, window: Window) -> rusqlite::Result<SiteStats> {
        let events: i64 = self.connection.query_row(
            "SELECT COUNT(*) FROM events WHERE site = ?1 AND time_ms >= ?2 AND time_ms < ?3",
            params![site, window.from_ms, window.to_ms],
            |r| r.get(0),
        )?;
        let traffic: Option<(i64, i64)> = self
            .connection
            .query_row("SELECT requests, bytes FROM traffic WHERE site = ?1", [site], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (requests, bytes) = traffic.unwrap_or((0, 0));
        let redeliveries: Option<i64> = self
            .connection
            .query_row("SELECT count FROM redeliveries WHERE site = ?1", [site], |r| r.get(0))
            .optional()?;
        let answers = self.answers(site, window)?;
        let pageviews: i64 = self.connection.query_row(
            "SELECT COUNT(*) FROM events WHERE site = ?1 AND name = '$pageview' AND time_ms >= ?2 AND time_ms < ?3",
            params![site, window.from_ms, window.to_ms],
            |r| r.get(0),
        )?;
        Ok(SiteStats {
            events: events as u64,
            redeliveries: redeliveries.unwrap_or(0) as u64,
            requests: requests as u64,
            bytes: bytes as u64,
            nps: answers.nps,
            csat: answers.csat,
            ces: answers.ces,
            pageviews: pageviews as u64,
            vitals: self.vitals(site, window)?,
        })
    }

    /// The site's `$response` events in `window` tallied with the domain's scoring code (see
    /// [`Store::responses`]).
    fn answers(&self, site: &str, window: Window) -> rusqlite::Result<Answers> {
        let mut tally = Answers::default();
        for (kind, value) in self.responses(site, window)?.into_iter().filter_map(|r| r.answer) {
            tally.add(kind, value);
        }
        Ok(tally)
    }

    /// The site's `$response` events in `window`, in time order, each with the answer it counts
    /// as: by the `kind` of step it answers (a built-in survey's answers before steps had kinds:
    /// by `survey`), an integer `value` on the kind's scale; anything else is not an answer.
    pub fn responses(&self, site: &str, window: Window) -> rusqlite::Result<Vec<ResponseEvent>> {
        let mut responses = self.connection.prepare_cached(
            "SELECT time_ms,
                    CASE WHEN json_type(props, '$.kind') IS NULL THEN json_extract(props, '$.survey')
                         WHEN json_type(props, '$.kind') = 'text' THEN json_extract(props, '$.kind') END,
                    CASE WHEN json_type(props, '$.value') = 'integer' THEN json_extract(props, '$.value') END,
                    CASE WHEN json_type(props, '$.sid') = 'text' THEN json_extract(props, '$.sid') END
             FROM events
             WHERE site = ?1 AND name = '$response' AND time_ms >= ?2 AND time_ms < ?3
             ORDER BY time_ms, stream, seq",
        )?;
        let rows = responses.query_map(params![site, window.from_ms, window.to_ms], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<i64>>(2)?, r.get(3)?))
        })?;
        rows.map(|row| {
            let (time_ms, kind, value, sid) = row?;
            let kind = kind.as_deref().and_then(SurveyKind::from_id);
            let value = value.and_then(|v| u8::try_from(v).ok());
            Ok(ResponseEvent { time_ms, answer: kind.zip(value), sid })
        })
        .collect()
    }

    fn vitals(&self, site: &str, window: Window) -> rusqlite::Result<Vec<VitalTally>> {
        let mut counts = self.connection.prepare_cached(
            "SELECT json_extract(props, '$.name'), json_extract(props, '$.rating'), COUNT(*) FROM events
             WHERE site = ?1 AND name = '$vital' AND time_ms >= ?2 AND time_ms < ?3
               AND json_type(props, '$.name') = 'text' AND json_type(props, '$.rating') = 'text'
             GROUP BY 1, 2 ORDER BY 1",
        )?;
        let mut vitals: Vec<VitalTally> = Vec::new();
        let rows = counts.query_map(params![site, window.from_ms, window.to_ms], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (name, rating, count) = row?;
            let Some(rating) = rating_of(&rating) else { continue };
            if vitals.last().map(|v| v.name.as_str()) != Some(name.as_str()) {
                vitals.push(VitalTally { name, ..VitalTally::default() });
            }
            let Some(tally) = vitals.last_mut() else { continue };
            match rating {
                Rating::Good => tally.good += count as u64,
                Rating::NeedsImprovement => tally.needs_improvement += count as u64,
                Rating::Poor => tally.poor += count as u64,
            }
        }
        Ok(vitals)
    }

    /// The site's free-text answers in `window`: `$response` events of kind `text` with a text.
    pub fn comments(&self, site: &str, window: Window) -> rusqlite::Result<Vec<crate::comments::Stored>> {
        let mut comments = self.connection.prepare_cached(
            "SELECT json_extract(props, '$.survey'), json_extract(props, '$.question'), json_extract(props, '$.text'),
                    CASE WHEN json_type(props, '$.locale') = 'text' THEN json_extract(props, '$.locale') END, time_ms
             FROM events WHERE site = ?1 AND name = '$response' AND json_extract(props, '$.kind') = 'text'
               AND json_type(props, '$.text') = 'text' AND json_type(props, '$.survey') = 'text'
               AND json_type(props, '$.question') = 'text' AND time_ms >= ?2 AND time_ms < ?3",
        )?;
        let rows = comments.query_map(params![site, window.from_ms, window.to_ms], |r| {
            Ok(crate::comments::Stored {
                survey: r.get(0)?,
                question: r.get(1)?,
                text: r.get(2)?,
                locale: r.get(3)?,
                time_ms: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// Every event of `site` in `window` with a string `sid`, in time order, as the session
    /// recomputation reads it (crate::sessions).
    pub fn session_events(&self, site: &str, window: Window) -> rusqlite::Result<Vec<Observed>> {
        let mut events = self.connection.prepare_cached(
            "SELECT json_extract(props, '$.sid'), time_ms, name,
                    json_type(props, '$.click') IS 'true',
                    CASE WHEN json_type(props, '$.rating') = 'text' THEN json_extract(props, '$.rating') END,
                    CASE WHEN json_type(props, '$.index') = 'integer' AND json_extract(props, '$.index') >= 0
                         THEN json_extract(props, '$.index') END,
                    json_type(props, '$.goal') IS 'true',
                    CASE WHEN json_type(props, '$.step') = 'text' THEN json_extract(props, '$.step') END,
                    CASE WHEN name = '$pageview' AND json_type(props, '$.path') = 'text' THEN json_extract(props, '$.path') END,
                    CASE WHEN json_type(props, '$.vid') = 'text' THEN json_extract(props, '$.vid') END
             FROM events WHERE site = ?1 AND json_type(props, '$.sid') = 'text' AND time_ms >= ?2 AND time_ms < ?3
             ORDER BY time_ms, stream, seq",
        )?;
        let rows = events.query_map(params![site, window.from_ms, window.to_ms], |r| {
            Ok(Observed {
                sid: r.get(0)?,
                time_ms: r.get(1)?,
                name: r.get(2)?,
                click: r.get(3)?,
                rating: r.get(4)?,
                index: r.get::<_, Option<i64>>(5)?.map(|i| i as u64),
                goal: r.get(6)?,
                step: r.get(7)?,
                path: r.get(8)?,
                vid: r.get(9)?,
            })
        })?;
        rows.collect()
    }

    /// Up to `limit` events of `site` in `window` after `after` (none: from the first), in the
    /// order `(time, stream, seq)`: one chunk of an export.
    pub fn export_chunk(
        &self,
        site: &str,
        window: Window,
        after: Option<&ExportKey>,
        limit: usize,
    ) -> rusqlite::Result<Vec<Exported>> {
        let mut events = self.connection.prepare_cached(
            "SELECT stream, seq, time_ms, name, props, reason, received_ms FROM events
             WHERE site = ?1 AND time_ms >= ?2 AND time_ms < ?3 AND (?4 IS NULL OR (time_ms, stream, seq) > (?4, ?5, ?6))
             ORDER BY time_ms, stream, seq LIMIT ?7",
        )?;
        let (time, stream, seq) = match after {
            Some((time, stream, seq)) => (Some(*time), Some(stream.as_str()), Some(*seq)),
            None => (None, None, None),
        };
        let rows =
            events.query_map(params![site, window.from_ms, window.to_ms, time, stream, seq, limit as i64], |r| {
                let props: String = r.get(4)?;
                Ok(Exported {
                    site: site.to_owned(),
                    stream: r.get(0)?,
                    seq: r.get(1)?,
                    time: r.get(2)?,
                    name: r.get(3)?,
                    props: serde_json::from_str(&props).unwrap_or(serde_json::Value::String(props)),
                    reason: r.get(5)?,
                    received: r.get(6)?,
                })
            })?;
        rows.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cxkit_domain::batch::{decode, encode, SendReason};
    use cxkit_domain::event::{Event, Priority};
    use cxkit_domain::json::Value;
    use cxkit_domain::queue::Queued;
    use cxkit_domain::score::Tenths;

    fn answer(seq: u64, score: u8) -> Queued {
        let props = vec![
            ("survey".to_owned(), Value::String("nps".into())),
            ("value".to_owned(), Value::Number(score.to_string().into())),
        ];
        let event = Event { name: "$response".into(), time_ms: 1_000 + seq as i64, props, priority: Priority::Answer };
        Queued { stream: std::rc::Rc::new("AAAAAAAAAAAAAAAAAAAAAA".into()), seq, event: event.encode().unwrap() }
    }

    fn batch_of(scores: &[u8]) -> Batch {
        let events: Vec<_> = scores.iter().enumerate().map(|(i, s)| answer(i as u64, *s)).collect();
        decode(&encode("shop", SendReason::Flush, 2_000, &events)).unwrap()
    }

    #[test]
    fn a_batch_sent_twice_is_stored_once_and_counted() {
        let mut store = Store::in_memory().unwrap();
        let batch = batch_of(&[10, 9, 7, 3]);
        assert_eq!(store.insert(&batch, 300, 5).unwrap(), Stored { stored: 4, redelivered: 0 });
        assert_eq!(store.insert(&batch, 300, 6).unwrap(), Stored { stored: 0, redelivered: 4 });
        let stats = store.stats("shop", Window::ALL).unwrap();
        assert_eq!((stats.events, stats.redeliveries), (4, 4));
        assert_eq!((stats.requests, stats.bytes), (2, 600), "every accepted request is counted as received");
        assert_eq!(stats.nps.score(), Some(Tenths(250)), "10, 9, 7, 3 → NPS 25");
    }

    #[test]
    fn page_views_and_vitals_are_counted_by_name_and_rating() {
        use crate::testing::batch;
        use serde_json::json;
        let vital =
            |name: &str, rating: &str| ("$vital", 1, json!({ "sid": "s", "name": name, "value": 1, "rating": rating }));
        let events = [
            ("$pageview", 1, json!({ "sid": "s", "path": "/" })),
            ("$pageview", 2, json!({ "sid": "s", "path": "/cart" })),
            ("$pageview", 3, json!({ "path": "/no-sid" })),
            ("pageview", 4, json!({ "path": "/not-ours" })),
            vital("LCP", "good"),
            vital("LCP", "good"),
            vital("LCP", "poor"),
            vital("INP", "needs-improvement"),
            vital("CLS", "good"),
            ("$vital", 5, json!({ "name": "TTFB", "value": 90, "rating": "good" })), // no sid: still a vital
            vital("FCP", "meh"),                                                     // not a rating
            ("$vital", 6, json!({ "sid": "s", "name": 7, "rating": "poor" })),       // not a name
        ];
        let mut store = Store::in_memory().unwrap();
        store.insert(&batch("shop", 0, &events), 100, 0).unwrap();
        store.insert(&batch("blog", 0, &events[..1]), 100, 0).unwrap();
        let stats = store.stats("shop", Window::ALL).unwrap();
        assert_eq!(stats.pageviews, 3);
        let vitals: Vec<_> =
            stats.vitals.iter().map(|v| (v.name.as_str(), v.good, v.needs_improvement, v.poor)).collect();
        assert_eq!(vitals, [("CLS", 1, 0, 0), ("INP", 0, 1, 0), ("LCP", 2, 0, 1), ("TTFB", 1, 0, 0)]);
        let blog = store.stats("blog", Window::ALL).unwrap();
        assert_eq!((blog.pageviews, blog.vitals.len()), (1, 0));
    }

    #[test]
    fn csat_and_ces_answers_are_scored_by_kind_and_only_integers_on_the_scale_count() {
        use crate::testing::batch;
        use serde_json::json;
        let response =
            |survey: &str, value: serde_json::Value| ("$response", 1, json!({ "survey": survey, "value": value }));
        let events = [
            response("csat", json!(5)),
            response("csat", json!(4)),
            response("csat", json!(2)),
            response("ces", json!(7)),
            response("ces", json!(3)),
            response("nps", json!(10)),
            response("csat", json!(6)),  // off the scale
            response("csat", json!(0)),  // off the scale
            response("ces", json!(4.5)), // not an integer
            response("ces", json!("7")), // not a number
            response("ces", json!(-1)),  // off the scale
            response("poll", json!(3)),  // no such survey
            response("text", json!(3)),  // no score
            ("$dismiss", 2, json!({ "survey": "csat" })),
            ("csat", 3, json!({ "survey": "csat", "value": 1 })), // a site's own event, not ours
            // A configured survey's steps count by their kind, not by the survey's id.
            ("$response", 4, json!({ "survey": "checkout", "question": "score", "kind": "ces", "value": 1 })),
            ("$response", 4, json!({ "survey": "csat", "question": "why", "kind": "choice", "value": 5 })),
            ("$response", 4, json!({ "survey": "checkout", "question": "how", "kind": 7, "value": 5 })),
        ];
        let mut store = Store::in_memory().unwrap();
        store.insert(&batch("shop", 0, &events), 100, 0).unwrap();
        let stats = store.stats("shop", Window::ALL).unwrap();
        // CSAT 5, 4, 2: 2 of 3 satisfied = 66.67 % → 66.7; mean 11 / 3 = 3.67 → 3.7.
        assert_eq!(stats.csat, CsatTally { responses: 3, top: 2, total: 11 });
        assert_eq!((stats.csat.top_percent(), stats.csat.mean()), (Some(Tenths(667)), Some(Tenths(37))));
        // CES 7, 3, 1: 1 of 3 agrees = 33.3 %; mean 11 / 3 = 3.67 → 3.7.
        assert_eq!(stats.ces, CesTally { responses: 3, top: 1, total: 11 });
        assert_eq!((stats.ces.top_percent(), stats.ces.mean()), (Some(Tenths(333)), Some(Tenths(37))));
        assert_eq!((stats.nps.responses(), stats.nps.score()), (1, Some(Tenths(1000))));
        let other = store.stats("elsewhere", Window::ALL).unwrap();
        assert_eq!(
            (other.csat.top_percent(), other.csat.mean(), other.ces.mean(), other.ces.top_percent()),
            (None, None, None, None)
        );
    }

    #[test]
    fn sites_are_kept_apart() {
        let mut store = Store::in_memory().unwrap();
        store.insert(&batch_of(&[9]), 100, 1).unwrap();
        let other = store.stats("elsewhere", Window::ALL).unwrap();
        assert_eq!((other.events, other.requests, other.nps.score()), (0, 0, None));
    }
}

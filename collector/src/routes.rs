//! HTTP: `POST /v1/batch` (with CORS, for any origin), `GET /v1/stats` (schema/stats.schema.json)
//! and `GET /v1/export` (NDJSON, streamed) behind the admin token without CORS, the dashboard at
//! `/dashboard/` (its files built into the binary) and the demo files.

use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cxkit_domain::batch::{self, Batch};
use cxkit_domain::score::answers::Answers;
use cxkit_domain::score::Tenths;
use cxkit_domain::text::sentiment::Sentiment;
use serde_json::json;

use crate::auth::{self, AdminToken};
use crate::comments::{Comments, Lexicons};
use crate::control::{Attempt, Clock, Control, Script};
use crate::moments;
use crate::sessions::{self, Recomputed, Session, Summary, BANDS};
use crate::store::{ExportKey, ResponseEvent, SiteStats, Store};
use crate::window::{self, Span, Window};

/// Largest request body accepted: a batch is at most ~60 KiB (decisions.md §11).
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest batch after gunzip: a guard against compression bombs.
const MAX_INFLATED_BYTES: u64 = 8 * 1024 * 1024;
/// Placeholder in demo pages, replaced by this collector's batch URL.
const ENDPOINT_PLACEHOLDER: &str = "{{endpoint}}";

/// What the handlers share.
pub struct App {
    /// The event store.
    pub store: Mutex<Store>,
    /// Demo pages, served at `/`.
    pub www: Option<PathBuf>,
    /// The npm build, served at `/dist/`.
    pub dist: Option<PathBuf>,
    /// Scripted answers and the record of attempts, with `--test-control` only.
    pub control: Option<Mutex<Control>>,
    /// The lexicons comments are scored with, read once.
    pub lexicons: Lexicons,
    /// The token the admin routes ask for.
    pub admin: AdminToken,
}

impl App {
    /// The test control, locked, when the collector runs with `--test-control`.
    fn control(&self) -> Option<MutexGuard<'_, Control>> {
        self.control.as_ref().and_then(|c| c.lock().ok())
    }

    /// Records the attempt (under test control) and returns the answer.
    fn answer(&self, batch: Option<&Batch>, bytes: usize, response: Response) -> Response {
        record(self.control(), batch, bytes, response)
    }

    /// The clock sessions close by: wall time, moved by the test control's offset.
    fn session_now(&self) -> i64 {
        now_ms() + self.control().map_or(0, |c| c.clock_offset_ms())
    }

    fn store(&self, batch: &Batch, bytes: usize) -> Result<crate::store::Stored, ()> {
        let mut store = self.store.lock().map_err(|_| ())?;
        store.insert(batch, bytes, now_ms()).map_err(|_| ())
    }
}

/// Records the attempt in the test control, when there is one, and returns the answer.
fn record(
    control: Option<MutexGuard<'_, Control>>,
    batch: Option<&Batch>,
    bytes: usize,
    response: Response,
) -> Response {
    if let Some(mut control) = control {
        control.record(Attempt {
            at: now_ms(),
            status: response.status().as_u16(),
            bytes,
            events: batch.map_or(0, |b| b.events.len()),
            reason: batch.map_or("", |b| b.reason.id()).to_owned(),
            seqs: batch.map_or_else(Vec::new, |b| b.events.iter().map(|e| e.seq).collect()),
            network_error: response.extensions().get::<NetworkError>().is_some(),
        });
    }
    response
}

/// The collector's routes, in three groups:
/// - ingest, `POST /v1/batch`: any origin may post, so it alone answers CORS (and its preflight);
/// - admin, `GET /v1/stats`, `GET /v1/export` and every later reader of what was collected: the admin token, and no
///   CORS, so a page on another origin cannot read them even with the token;
/// - with `--test-control` only, `/v1/test/…`, with CORS as before (tests drive it).
///
/// Anything else is a demo file, same-origin.
pub fn router(app: Arc<App>) -> Router {
    let ingest = Router::new()
        .route("/v1/batch", post(receive_batch).options(preflight))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(cors));
    let admin = Router::new()
        .route("/v1/stats", get(stats))
        .route("/v1/export", get(export))
        .route_layer(middleware::from_fn_with_state(Arc::new(app.admin.clone()), auth::require));
    let mut router = Router::new().merge(ingest).merge(admin).merge(dashboard_routes());
    if app.control.is_some() {
        let control = Router::new()
            .route("/v1/test/script", post(load_script).options(preflight))
            .route("/v1/test/attempts", get(attempts).options(preflight))
            .route("/v1/test/clock", post(set_clock).options(preflight))
            .layer(middleware::from_fn(cors));
        router = router.merge(control);
    }
    router.fallback(get(static_file)).with_state(app)
}

/// The dashboard's files (collector/dashboard/), in the binary so the collector stays one file.
const DASHBOARD: [(&str, &str, &str); 4] = [
    ("index.html", "text/html; charset=utf-8", include_str!("../dashboard/index.html")),
    ("dashboard.css", "text/css; charset=utf-8", include_str!("../dashboard/dashboard.css")),
    ("dashboard.js", "text/javascript; charset=utf-8", include_str!("../dashboard/dashboard.js")),
    ("favicon.svg", "image/svg+xml", include_str!("../dashboard/favicon.svg")),
];

/// The demo's strict policy (www/, README "Content Security Policy"), sent as a header with
/// each dashboard file: no inline script or style, data only from this origin.
const DASHBOARD_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `/dashboard/` and its files: public to load (it shows nothing without the admin token,
/// which the page asks for and sends to `/v1/stats`); `/dashboard` moves to `/dashboard/`.
fn dashboard_routes() -> Router<Arc<App>> {
    let mut routes = Router::new()
        .route("/dashboard", get(|| async { axum::response::Redirect::permanent("/dashboard/") }))
        .route("/dashboard/", get(|| async { dashboard_file(0) }));
    for (i, (name, _, _)) in DASHBOARD.iter().enumerate() {
        routes = routes.route(&format!("/dashboard/{name}"), get(move || async move { dashboard_file(i) }));
    }
    routes
}

fn dashboard_file(i: usize) -> Response {
    let (_, content_type, body) = DASHBOARD[i];
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, DASHBOARD_CSP),
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    (headers, body).into_response()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Marks a response the test control wants unreadable to the page: [`cors`] leaves it without
/// CORS headers, so the browser rejects the fetch as a network error.
#[derive(Debug, Clone, Copy)]
struct NetworkError;

/// A preflight (a site's custom `headers` option) is allowed the headers it asks for.
async fn preflight(headers: HeaderMap) -> Response {
    let asked = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let mut preflight = StatusCode::NO_CONTENT.into_response();
    let headers = preflight.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, OPTIONS"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        asked.unwrap_or(HeaderValue::from_static("Content-Type, Content-Encoding")),
    );
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    preflight
}

/// Any origin may post: batches carry no credentials (`credentials: "omit"`), so `*` is safe.
/// Layered over the ingest (and test-control) routes only.
async fn cors(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.extensions().get::<NetworkError>().is_some() {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Retry-After, Date"));
    response
}

fn bad_request(message: String, index: Option<usize>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message, "index": index }))).into_response()
}

/// The batch text of a body: gzip is recognised by `Content-Encoding` or by its magic bytes,
/// since browsers send it without the header to stay CORS-simple (decisions.md §7).
fn batch_text(headers: &HeaderMap, body: &[u8]) -> Result<String, String> {
    let declared = headers.get(header::CONTENT_ENCODING).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    if declared || body.starts_with(&[0x1f, 0x8b]) {
        let mut text = String::new();
        let mut inflated = std::io::Read::take(flate2::read::GzDecoder::new(body), MAX_INFLATED_BYTES + 1);
        std::io::Read::read_to_string(&mut inflated, &mut text)
            .map_err(|_| "body: not valid gzip of UTF-8 JSON".to_owned())?;
        if text.len() as u64 > MAX_INFLATED_BYTES {
            return Err("body: larger than 8 MiB once inflated".into());
        }
        return Ok(text);
    }
    String::from_utf8(body.to_vec()).map_err(|_| "body: must be UTF-8 JSON".to_owned())
}

async fn receive_batch(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let bytes = body.len();
    let batch = match batch_text(&headers, &body) {
        Ok(text) => match batch::decode(&text) {
            Ok(batch) => batch,
            Err(error) => return app.answer(None, bytes, bad_request(error.to_string(), error.event_index)),
        },
        Err(message) => return app.answer(None, bytes, bad_request(message, None)),
    };
    let (scripted, poison) = match app.control() {
        Some(mut control) => {
            (control.next_answer(), control.poison_index(batch.events.iter().map(|e| e.name.as_str())))
        }
        None => (None, None),
    };
    if let Some(index) = poison {
        let refused = bad_request(format!("events[{index}]: refused by test control"), Some(index));
        return app.answer(Some(&batch), bytes, refused);
    }
    if let Some(answer) = &scripted {
        tokio::time::sleep(std::time::Duration::from_millis(answer.delay_ms)).await;
    }
    if let Some(answer) = scripted.filter(|a| !(200..300).contains(&a.status)) {
        if answer.store && app.store(&batch, bytes).is_err() {
            return app.answer(Some(&batch), bytes, StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(json!({ "error": "scripted by test control" }))).into_response();
        if answer.network_error {
            response.extensions_mut().insert(NetworkError);
        }
        let headers = response.headers_mut();
        if let Some(value) = answer.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            headers.insert(header::RETRY_AFTER, value);
        }
        if let Some(seconds) = answer.retry_after_date_in {
            let now = SystemTime::now();
            let later = now + std::time::Duration::from_secs(seconds);
            for (name, at) in [(header::DATE, now), (header::RETRY_AFTER, later)] {
                if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(at)) {
                    headers.insert(name, value);
                }
            }
        }
        return app.answer(Some(&batch), bytes, response);
    }
    // The test control is locked before the batch is stored, so whoever sees its events
    // stored also sees the attempt recorded.
    let control = app.control();
    let response = match app.store(&batch, bytes) {
        Ok(stored) => Json(stored).into_response(),
        Err(()) => {
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "store: could not write" }))).into_response()
        }
    };
    record(control, Some(&batch), bytes, response)
}

async fn load_script(State(app): State<Arc<App>>, Json(script): Json<Script>) -> Response {
    match app.control() {
        Some(mut control) => {
            control.load(script);
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn set_clock(State(app): State<Arc<App>>, Json(clock): Json<Clock>) -> Response {
    match app.control() {
        Some(mut control) => {
            control.set_clock(clock);
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn attempts(State(app): State<Arc<App>>) -> Response {
    match app.control() {
        Some(control) => Json(control.attempts()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(serde::Deserialize)]
struct StatsQuery {
    site: String,
    /// A sid: answer that one session's recomputed score instead of the site's figures.
    session: Option<String>,
    /// `from`, `to`, `tz`, `bucket` (crate::window).
    #[serde(flatten)]
    window: window::Params,
}

/// A reader's parameter refused: 400 with `{ "error": "<field>: <why>" }`.
fn refuse(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

async fn stats(State(app): State<Arc<App>>, Query(query): Query<StatsQuery>) -> Response {
    let parsed = match query.window.parse() {
        Ok(parsed) => parsed,
        Err(refusal) => return refuse(refusal),
    };
    if parsed.buckets.is_some() && query.session.is_some() {
        return refuse("bucket: a series is of a site, not of one session".into());
    }
    let (site, window) = (query.site.as_str(), parsed.window);
    let now = app.session_now();
    let read = match app.store.lock() {
        Ok(store) => (|| {
            let responses = store.responses(site, window)?;
            Ok::<_, rusqlite::Error>((
                store.stats(site, window)?,
                store.session_events(site, window)?,
                store.comments(site, window)?,
                responses,
            ))
        })(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let Ok((stats, events, comments, responses)) = read else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let touched = query.session.is_none().then(|| moments::Touched::of(&events));
    let recomputed = sessions::recompute(events, now);
    match &query.session {
        None => {
            let comments = app.lexicons.summarise(comments);
            let mut answer = site_json(site, &stats, &Summary::of(&recomputed), &comments);
            let touched = touched.unwrap_or_default();
            let ranked = moments::rank(&recomputed.sessions, &touched, &responses, &recomputed.step_names);
            answer["moments"] = moments_json(&ranked);
            if let Some(spans) = &parsed.buckets {
                answer["series"] = series_json(spans, &responses, recomputed);
            }
            Json(answer).into_response()
        }
        Some(sid) => match recomputed.sessions.iter().find(|s| &s.sid == sid) {
            Some(session) => Json(session_json(site, session)).into_response(),
            None => {
                let error = json!({ "error": "session: no event of this site carries this sid" });
                (StatusCode::NOT_FOUND, Json(error)).into_response()
            }
        },
    }
}

/// `series` of `GET /v1/stats?…&bucket=…`: per bucket, its `$response` events (scored with the
/// same tallies as the site's figures) and the sessions that started in it (scored as the
/// site's sessions are). A bucket without data has zero counts and null scores.
fn series_json(spans: &[Span], responses: &[ResponseEvent], site: Recomputed) -> serde_json::Value {
    let mut answers = vec![(0_u64, Answers::default()); spans.len()];
    for response in responses {
        let Some(at) = window::bucket_of(spans, response.time_ms) else { continue };
        answers[at].0 += 1;
        if let Some((kind, value)) = response.answer {
            answers[at].1.add(kind, value);
        }
    }
    let mut sessions: Vec<Vec<Session>> = vec![Vec::new(); spans.len()];
    for session in site.sessions {
        if let Some(at) = window::bucket_of(spans, session.first_ms) {
            sessions[at].push(session);
        }
    }
    let buckets = spans.iter().zip(answers).zip(sessions).map(|((span, (responses, answers)), sessions)| {
        let summary = Summary::of(&Recomputed { sessions, step_names: Default::default() });
        let (nps, csat, ces) = (answers.nps, answers.csat, answers.ces);
        json!({
            "start": span.start,
            "responses": responses,
            "nps": {
                "score": nps.score().map(Tenths::as_f64),
                "promoters": nps.promoters,
                "passives": nps.passives,
                "detractors": nps.detractors,
            },
            "csat": {
                "percent": csat.top_percent().map(Tenths::as_f64),
                "mean": csat.mean().map(Tenths::as_f64),
                "responses": csat.responses,
            },
            "ces": {
                "mean": ces.mean().map(Tenths::as_f64),
                "percent_agree": ces.top_percent().map(Tenths::as_f64),
                "responses": ces.responses,
            },
            "sessions": summary.sessions,
            "score_mean": summary.mean.map(Tenths::as_f64),
        })
    });
    serde_json::Value::Array(buckets.collect())
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    site: String,
    /// `from`, `to`, `tz` (crate::window); no `bucket`.
    #[serde(flatten)]
    window: window::Params,
}

/// Events read from the store per chunk of an export.
const EXPORT_CHUNK: usize = 500;

/// The lines of an export as the blocking reader sends them, a chunk at a time.
struct Lines(tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for Lines {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// `GET /v1/export?site&from&to`: the site's stored events in the window as NDJSON, one event a
/// line, ordered by time, stream, seq. Read in chunks of [`EXPORT_CHUNK`] (the store is locked
/// per chunk, not for the whole export) by a blocking task that stops when the client goes.
async fn export(State(app): State<Arc<App>>, Query(query): Query<ExportQuery>) -> Response {
    let window = match query.window.parse() {
        Ok(parsed) if parsed.buckets.is_some() => return refuse("bucket: an export has no buckets".into()),
        Ok(parsed) => parsed.window,
        Err(refusal) => return refuse(refusal),
    };
    let (lines, receiver) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || export_lines(&app, &query.site, window, &lines));
    let headers = [(header::CONTENT_TYPE, "application/x-ndjson"), (header::CACHE_CONTROL, "no-store")];
    (headers, Body::from_stream(Lines(receiver))).into_response()
}

/// Sends the export's lines to `lines`, a chunk at a time; a store error ends the body with an
/// error (the client sees a cut-off response, never a short one that looks complete).
fn export_lines(
    app: &App,
    site: &str,
    window: Window,
    lines: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let mut after: Option<ExportKey> = None;
    loop {
        let chunk = match app.store.lock() {
            Ok(store) => store.export_chunk(site, window, after.as_ref(), EXPORT_CHUNK).map_err(std::io::Error::other),
            Err(_) => Err(std::io::Error::other("store: lock poisoned")),
        };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                let _ = lines.blocking_send(Err(error));
                return;
            }
        };
        let Some(last) = chunk.last() else { return };
        after = Some((last.time, last.stream.clone(), last.seq));
        let mut text = Vec::with_capacity(chunk.len() * 256);
        for event in &chunk {
            if serde_json::to_writer(&mut text, event).is_err() {
                return;
            }
            text.push(b'\n');
        }
        if lines.blocking_send(Ok(Bytes::from(text))).is_err() || chunk.len() < EXPORT_CHUNK {
            return;
        }
    }
}

/// `GET /v1/stats?site=…`: the site's figures.
fn site_json(site: &str, stats: &SiteStats, summary: &Summary, comments: &Comments) -> serde_json::Value {
    let nps = stats.nps;
    let bands: Vec<_> = BANDS
        .iter()
        .zip(summary.bands)
        .map(|(band, sessions)| json!({ "min": band.min, "max": band.max, "sessions": sessions }))
        .collect();
    let reasons: Vec<_> = summary
        .reasons
        .iter()
        .map(|r| json!({ "kind": r.kind.id(), "sessions": r.sessions, "count": r.count, "points": r.points }))
        .collect();
    let steps: Vec<_> = summary
        .funnel
        .iter()
        .map(|s| json!({ "index": s.index, "name": s.name, "reached": s.reached, "dropouts": s.dropouts }))
        .collect();
    let vitals: Vec<_> = stats
        .vitals
        .iter()
        .map(|v| json!({ "name": v.name, "good": v.good, "needs_improvement": v.needs_improvement, "poor": v.poor }))
        .collect();
    json!({
        "site": site,
        "events": stats.events,
        "redeliveries": stats.redeliveries,
        "requests": stats.requests,
        "bytes": stats.bytes,
        "nps": {
            "responses": nps.responses(),
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
            "score": nps.score().map(Tenths::as_f64),
        },
        "csat": {
            "responses": stats.csat.responses,
            "satisfied": stats.csat.top,
            "percent": stats.csat.top_percent().map(Tenths::as_f64),
            "mean": stats.csat.mean().map(Tenths::as_f64),
        },
        "ces": {
            "responses": stats.ces.responses,
            "agree": stats.ces.top,
            "percent_agree": stats.ces.top_percent().map(Tenths::as_f64),
            "mean": stats.ces.mean().map(Tenths::as_f64),
        },
        "pageviews": stats.pageviews,
        "sessions": { "count": summary.sessions, "closed": summary.closed, "dropouts": summary.dropouts },
        "score": { "mean": summary.mean.map(Tenths::as_f64), "bands": bands, "reasons": reasons },
        "funnel": { "goal": summary.goal, "steps": steps },
        "vitals": vitals,
        "comments": {
            "latest": comments.latest.iter().map(|c| json!({
                "survey": c.stored.survey,
                "question": c.stored.question,
                "text": c.stored.text,
                "locale": c.stored.locale,
                "time": c.stored.time_ms,
                "sentiment": c.sentiment.map(|s| f64::from(s) / 1000.0),
                "label": c.sentiment.map(|s| Sentiment(s).label().id()),
                "themes": c.themes,
            })).collect::<Vec<_>>(),
            "themes": comments.themes.iter().map(|(theme, count)| json!({ "theme": theme, "comments": count })).collect::<Vec<_>>(),
        },
    })
}

/// `moments` of `GET /v1/stats?site=…`: the ranked touchpoints (crate::moments).
fn moments_json(moments: &moments::Moments) -> serde_json::Value {
    let share = |t: Option<Tenths>| t.map(Tenths::as_f64);
    let ranked = moments.ranked.iter().map(|m| {
        let (kind, index) = match &m.touchpoint {
            moments::Touchpoint::Page(_) => ("page", None),
            moments::Touchpoint::Step(index) => ("step", Some(*index)),
        };
        json!({
            "kind": kind,
            "name": m.name,
            "index": index,
            "sessions": m.sessions,
            "detractor_share": share(m.shares.detractor),
            "unsatisfied_share": share(m.shares.unsatisfied),
            "low_score_share": share(m.shares.low_score),
            "dropout_share": share(m.shares.dropout),
            "gap": m.gap.as_f64(),
        })
    });
    serde_json::Value::Array(ranked.collect())
}

/// `GET /v1/stats?site=…&session=<sid>`: one session as recomputed.
fn session_json(site: &str, session: &Session) -> serde_json::Value {
    let reasons: Vec<_> = session
        .score
        .reasons
        .iter()
        .map(|r| json!({ "kind": r.kind.id(), "count": r.count, "points": r.points }))
        .collect();
    json!({
        "site": site,
        "session": session.sid,
        "events": session.events,
        "first_ms": session.first_ms,
        "last_ms": session.last_ms,
        "closed": session.closed,
        "score": session.score.score,
        "reasons": reasons,
        "furthest": session.furthest,
        "goal": session.goal,
        "dropout": session.dropout,
    })
}

/// `/dist/…` from the npm build, anything else from `www/`; `..` never leaves those folders.
async fn static_file(State(app): State<Arc<App>>, headers: HeaderMap, request: Request) -> Response {
    let path = request.uri().path();
    let (root, relative) = match path.strip_prefix("/dist/") {
        Some(rest) => (app.dist.as_deref(), rest),
        None => (app.www.as_deref(), path.trim_start_matches('/')),
    };
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_owned()
    };
    let Some(file) = root.and_then(|root| inside(root, &relative)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = tokio::fs::read(&file).await else { return StatusCode::NOT_FOUND.into_response() };
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let body = if extension == "html" {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
        Body::from(String::from_utf8_lossy(&bytes).replace(ENDPOINT_PLACEHOLDER, &format!("http://{host}/v1/batch")))
    } else {
        Body::from(bytes)
    };
    ([(header::CONTENT_TYPE, content_type(extension)), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

fn inside(root: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    relative.components().all(|c| matches!(c, Component::Normal(_))).then(|| root.join(relative))
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    fn gzipped(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn gzip_is_recognised_with_or_without_its_header() {
        let plain = HeaderMap::new();
        let mut declared = HeaderMap::new();
        declared.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert_eq!(batch_text(&plain, b"{\"v\":1}").unwrap(), "{\"v\":1}");
        assert_eq!(batch_text(&plain, &gzipped("{\"v\":1}")).unwrap(), "{\"v\":1}");
        assert_eq!(batch_text(&declared, &gzipped("[]")).unwrap(), "[]");
        assert!(batch_text(&declared, b"not gzip").is_err());
        assert!(batch_text(&plain, &[0xff, 0xfe]).is_err());
    }

    #[test]
    fn a_compression_bomb_is_refused() {
        let bomb = gzipped(&" ".repeat(MAX_INFLATED_BYTES as usize + 1));
        assert!(bomb.len() < MAX_BODY_BYTES, "the bomb fits in a request");
        assert_eq!(batch_text(&HeaderMap::new(), &bomb).unwrap_err(), "body: larger than 8 MiB once inflated");
    }

    #[test]
    fn paths_cannot_leave_their_folder() {
        let root = Path::new("/srv/www");
        assert_eq!(inside(root, "index.html"), Some(PathBuf::from("/srv/www/index.html")));
        assert_eq!(inside(root, "a/b.js"), Some(PathBuf::from("/srv/www/a/b.js")));
        assert_eq!(inside(root, "../etc/passwd"), None);
        assert_eq!(inside(root, "a/../../x"), None);
        assert_eq!(inside(root, "/etc/passwd"), None);
    }

    /// The batch of the issue: 1,200 events with distinct seqs, each `dt` ms after the one before.
    fn run_of_deltas(dt: u64) -> String {
        let events: Vec<String> = (0..1_200).map(|seq| format!("[0,{seq},{dt},0,0]")).collect();
        let head = r#"{"v":1,"site":"shop","reason":"flush","sent":1732350000500,"t":1732350000123"#;
        format!(
            r#"{head},"streams":["Q2hlY2tvdXRTdGFydGVkIQ"],"names":["a"],"keys":[[]],"events":[{}]}}"#,
            events.join(",")
        )
    }

    /// Posts `body` to the real router over `app`; the status and the JSON answer.
    async fn post(app: &Arc<App>, body: String) -> (StatusCode, serde_json::Value) {
        let request = Request::post("/v1/batch")
            .header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
            .body(Body::from(body))
            .unwrap();
        let response = router(Arc::clone(app)).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_hostile_run_of_deltas_is_a_400_naming_the_path_and_nothing_is_stored() {
        let store = Mutex::new(Store::in_memory().unwrap());
        let app = Arc::new(App {
            store,
            www: None,
            dist: None,
            control: None,
            lexicons: Lexicons::default(),
            admin: test_admin(),
        });
        let stored = |app: &Arc<App>| {
            let stats = app.store.lock().unwrap().stats("shop", Window::ALL).unwrap();
            (stats.events, stats.requests)
        };
        // 2⁵³ − 1 ms each: their sum, 1.08·10¹⁹, overflows an i64.
        let (status, answer) = post(&app, run_of_deltas((1 << 53) - 1)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(answer, json!({ "error": "events[0].dt: time out of range", "index": 0 }));
        assert_eq!(stored(&app), (0, 0), "nothing of a refused batch is stored");
        // The same batch with a sane step is stored whole: the check above can see rows.
        let (status, answer) = post(&app, run_of_deltas(1)).await;
        assert_eq!((status, answer), (StatusCode::OK, json!({ "stored": 1_200, "redelivered": 0 })));
        assert_eq!(stored(&app), (1_200, 1));
    }

    #[tokio::test]
    async fn a_network_error_answer_has_no_cors_headers_and_is_recorded_as_one() {
        let store = Mutex::new(Store::in_memory().unwrap());
        let control = Some(Mutex::new(Control::default()));
        let app =
            Arc::new(App { store, www: None, dist: None, control, lexicons: Lexicons::default(), admin: test_admin() });
        let script = r#"{"answers":[{"status":503,"networkError":true}]}"#;
        app.control().unwrap().load(serde_json::from_str(script).unwrap());
        let mut cors = Vec::new();
        for _ in 0..2 {
            let request = Request::post("/v1/batch").body(Body::from(run_of_deltas(1))).unwrap();
            let response = router(Arc::clone(&app)).oneshot(request).await.unwrap();
            cors.push(response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        }
        assert_eq!(cors, [false, true], "unreadable to a page, then answered as usual");
        let recorded: Vec<_> = app.control().unwrap().attempts().iter().map(|a| (a.status, a.network_error)).collect();
        assert_eq!(recorded, [(503, true), (200, false)]);
    }

    /// The admin token of the test apps.
    const TOKEN: &str = "test-admin-token";

    fn test_admin() -> AdminToken {
        AdminToken::of(TOKEN)
    }

    /// `GET` `uri` with the admin token from the real router over `app`; the status and the JSON answer.
    async fn get_json(app: &Arc<App>, uri: &str) -> (StatusCode, serde_json::Value) {
        let request = Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        let response = router(Arc::clone(app)).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    fn test_app() -> Arc<App> {
        let store = Mutex::new(Store::in_memory().unwrap());
        Arc::new(App {
            store,
            www: None,
            dist: None,
            control: Some(Mutex::new(Control::default())),
            lexicons: Lexicons::default(),
            admin: test_admin(),
        })
    }

    /// `uri` asked with `method` and `headers` of the real router over `app`.
    async fn ask(app: &Arc<App>, method: &str, uri: &str, headers: &[(header::HeaderName, &str)]) -> Response {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let body = if method == "POST" { Body::from(run_of_deltas(1)) } else { Body::empty() };
        router(Arc::clone(app)).oneshot(request.body(body).unwrap()).await.unwrap()
    }

    #[tokio::test]
    async fn stats_need_the_admin_token_and_a_refusal_says_how_to_give_it() {
        let app = test_app();
        let wrong = "Bearer not-the-token".to_owned();
        let prefix = format!("Bearer {}", &TOKEN[..TOKEN.len() - 1]);
        let basic = format!("Basic {TOKEN}");
        let in_url = format!("/v1/stats?site=shop&token={TOKEN}");
        let (missing, not_this) = ("admin token: missing", "admin token: not this collector's");
        let cases = [
            ("none", "/v1/stats?site=shop", None, missing),
            ("wrong", "/v1/stats?site=shop", Some(&wrong), not_this),
            ("a prefix", "/v1/stats?site=shop", Some(&prefix), not_this),
            ("not Bearer", "/v1/stats?site=shop", Some(&basic), missing),
            ("in the URL", &in_url, None, missing),
        ];
        for (case, uri, authorization, error) in cases {
            let headers: Vec<_> = authorization.map(|a| (header::AUTHORIZATION, a.as_str())).into_iter().collect();
            let response = ask(&app, "GET", uri, &headers).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
            assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer", "{case}");
            assert!(!response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN), "{case}");
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(answer, json!({ "error": error }), "{case}");
        }
        let (status, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!((status, &answer["site"]), (StatusCode::OK, &json!("shop")), "the right token reads them");
    }

    #[tokio::test]
    async fn the_dashboard_is_served_from_the_binary_under_the_strict_csp() {
        let app = test_app();
        for (uri, content_type) in [
            ("/dashboard/", "text/html; charset=utf-8"),
            ("/dashboard/index.html", "text/html; charset=utf-8"),
            ("/dashboard/dashboard.js", "text/javascript; charset=utf-8"),
            ("/dashboard/dashboard.css", "text/css; charset=utf-8"),
        ] {
            let response = ask(&app, "GET", uri, &[]).await;
            assert_eq!(response.status(), StatusCode::OK, "{uri}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], content_type, "{uri}");
            let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            for directive in
                ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self'"]
            {
                assert!(csp.split(';').any(|d| d.trim() == directive), "{uri}: {directive} in {csp}");
            }
            assert!(!csp.contains("unsafe"), "{uri}: {csp}");
            assert!(!response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN), "{uri}");
        }
        let page = ask(&app, "GET", "/dashboard/", &[]).await;
        let html = axum::body::to_bytes(page.into_body(), usize::MAX).await.unwrap();
        let html = String::from_utf8(html.to_vec()).unwrap();
        assert!(html.contains(r#"<script type="module" src="dashboard.js">"#), "the page loads its module");
        assert!(!html.contains("style=") && !html.contains("<style"), "no inline style for the CSP to block");
        let bare = ask(&app, "GET", "/dashboard", &[]).await;
        assert_eq!(bare.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(bare.headers()[header::LOCATION], "/dashboard/");
        assert_eq!(ask(&app, "GET", "/dashboard/nothing.js", &[]).await.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn cors_is_answered_on_the_ingest_route_only() {
        let app = test_app();
        let origin = (header::ORIGIN, "http://localhost:9999");
        let allowed = |response: &Response| response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).cloned();

        let posted = ask(&app, "POST", "/v1/batch", std::slice::from_ref(&origin)).await;
        assert_eq!((posted.status(), allowed(&posted)), (StatusCode::OK, Some(HeaderValue::from_static("*"))));
        let asked = [
            origin.clone(),
            (header::ACCESS_CONTROL_REQUEST_METHOD, "POST"),
            (header::ACCESS_CONTROL_REQUEST_HEADERS, "x-probe"),
        ];
        let preflight = ask(&app, "OPTIONS", "/v1/batch", &asked).await;
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
        assert_eq!(allowed(&preflight), Some(HeaderValue::from_static("*")));
        assert_eq!(preflight.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS], "x-probe");

        // Stats: no CORS on any answer, with or without the token, nor on a preflight.
        let token = format!("Bearer {TOKEN}");
        let read = ask(&app, "GET", "/v1/stats?site=shop", &[origin.clone(), (header::AUTHORIZATION, &token)]).await;
        assert_eq!((read.status(), allowed(&read)), (StatusCode::OK, None));
        let refused = ask(&app, "GET", "/v1/stats?site=shop", std::slice::from_ref(&origin)).await;
        assert_eq!((refused.status(), allowed(&refused)), (StatusCode::UNAUTHORIZED, None));
        let asked = [
            origin.clone(),
            (header::ACCESS_CONTROL_REQUEST_METHOD, "GET"),
            (header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization"),
        ];
        let preflight = ask(&app, "OPTIONS", "/v1/stats?site=shop", &asked).await;
        assert!(!preflight.status().is_success(), "{}", preflight.status());
        assert_eq!(allowed(&preflight), None);
        assert!(!preflight.headers().contains_key(header::ACCESS_CONTROL_ALLOW_HEADERS));
        // Nor on the demo files.
        let file = ask(&app, "GET", "/index.html", &[origin]).await;
        assert_eq!(allowed(&file), None);
    }

    /// The events of the stats tests: two sessions, 10 s before the collector's now.
    fn two_sessions(t: i64) -> Vec<crate::testing::Raw> {
        vec![
            ("$pageview", t, json!({ "sid": "s1", "path": "/" })),
            ("$step", t + 1, json!({ "sid": "s1", "step": "cart", "index": 0 })),
            ("$rage", t + 2, json!({ "sid": "s1", "clicks": 3 })),
            ("$dead", t + 3, json!({ "sid": "s1", "tag": "a" })),
            ("$error", t + 4, json!({ "sid": "s1", "message": "m" })),
            ("$vital", t + 5, json!({ "sid": "s1", "name": "LCP", "value": 4200, "rating": "poor" })),
            ("$session_summary", t + 6, json!({ "sid": "s1", "score": 100, "reasons": [], "pages": 1 })),
            ("$pageview", t, json!({ "sid": "s2", "path": "/" })),
            ("$vital", t + 1, json!({ "sid": "s2", "name": "LCP", "value": 900, "rating": "good" })),
        ]
    }

    #[tokio::test]
    async fn comments_are_listed_with_the_sentiment_computed_here_not_the_one_sent() {
        let app = test_app();
        let text = |text: &str, locale: &str, forged: f64| json!({ "survey": "s", "question": "why", "kind": "text", "text": text, "locale": locale, "sentiment": forged, "label": "positive" });
        let events = vec![
            ("$response", 1, text("The delivery was slow and the support was terrible, [email]", "en-US", 0.9)),
            ("$response", 2, text("Sehr gut, danke!", "de", -0.9)),
            ("$response", 3, json!({ "survey": "s", "question": "score", "kind": "nps", "value": 3 })),
        ];
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &events), 100, 0).unwrap();
        let schema = crate::testing::stats_schema();
        let (status, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(crate::testing::check(&schema, &schema, &answer, "$"), Ok(()));
        let latest = answer["comments"]["latest"].as_array().unwrap();
        let seen: Vec<_> = latest.iter().map(|c| (c["text"].as_str().unwrap(), c["label"].as_str().unwrap())).collect();
        assert_eq!(
            seen,
            [
                ("Sehr gut, danke!", "positive"),
                ("The delivery was slow and the support was terrible, [email]", "negative")
            ],
            "newest first, each scored here in its own language; the forged figures count for nothing"
        );
        assert!(latest[1]["themes"].as_array().unwrap().iter().any(|t| t == "delivery"), "{latest:?}");
        assert!(
            !latest[1]["themes"].as_array().unwrap().iter().any(|t| t.as_str().unwrap().contains("email")),
            "a placeholder is no theme"
        );
    }

    #[tokio::test]
    async fn stats_answer_the_recomputed_sessions_as_the_schema_describes() {
        let app = test_app();
        let t = now_ms() - 10_000;
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &two_sessions(t)), 500, 0).unwrap();
        let schema = crate::testing::stats_schema();
        let valid = |answer: &serde_json::Value| crate::testing::check(&schema, &schema, answer, "$");

        let (status, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!(status, StatusCode::OK);
        // s1: rage 15 + dead 5 + error 5 + vital poor 10 = 35 → 65; s2: 100. Mean 82.5.
        let expected = json!({
            "site": "shop", "events": 9, "redeliveries": 0, "requests": 1, "bytes": 500,
            "nps": { "responses": 0, "promoters": 0, "passives": 0, "detractors": 0, "score": null },
            "csat": { "responses": 0, "satisfied": 0, "percent": null, "mean": null },
            "ces": { "responses": 0, "agree": 0, "percent_agree": null, "mean": null },
            "pageviews": 2,
            "sessions": { "count": 2, "closed": 0, "dropouts": 0 },
            "score": {
                "mean": 82.5,
                "bands": [
                    { "min": 0, "max": 49, "sessions": 0 },
                    { "min": 50, "max": 79, "sessions": 1 },
                    { "min": 80, "max": 100, "sessions": 1 }
                ],
                "reasons": [
                    { "kind": "rage", "sessions": 1, "count": 1, "points": 15 },
                    { "kind": "vital_poor", "sessions": 1, "count": 1, "points": 10 },
                    { "kind": "dead", "sessions": 1, "count": 1, "points": 5 },
                    { "kind": "error", "sessions": 1, "count": 1, "points": 5 }
                ]
            },
            "funnel": { "goal": 0, "steps": [{ "index": 0, "name": "cart", "reached": 1, "dropouts": 0 }] },
            "vitals": [{ "name": "LCP", "good": 1, "needs_improvement": 0, "poor": 1 }],
            "comments": { "latest": [], "themes": [] },
            "moments": []
        });
        assert_eq!(answer, expected);
        assert_eq!(valid(&answer), Ok(()));

        let (status, s1) = get_json(&app, "/v1/stats?site=shop&session=s1").await;
        assert_eq!(status, StatusCode::OK);
        let expected = json!({
            "site": "shop", "session": "s1", "events": 6, "first_ms": t, "last_ms": t + 5, "closed": false,
            "score": 65,
            "reasons": [
                { "kind": "rage", "count": 1, "points": 15 },
                { "kind": "vital_poor", "count": 1, "points": 10 },
                { "kind": "dead", "count": 1, "points": 5 },
                { "kind": "error", "count": 1, "points": 5 }
            ],
            "furthest": 0, "goal": false, "dropout": false
        });
        assert_eq!(s1, expected);
        assert_eq!(valid(&s1), Ok(()));

        let (status, empty) = get_json(&app, "/v1/stats?site=elsewhere").await;
        assert_eq!(
            (status, &empty["score"]["mean"], &empty["sessions"]["count"]),
            (StatusCode::OK, &json!(null), &json!(0))
        );
        assert_eq!(valid(&empty), Ok(()));
        let (status, _) = get_json(&app, "/v1/stats?site=shop&session=nobody").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = get_json(&app, "/v1/stats?site=elsewhere&session=s1").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a sid of another site");

        // The checker's positive controls: one member too many, one missing, one out of range.
        let mut extra = expected.clone();
        extra["summary"] = json!(100);
        assert_eq!(valid(&extra), Err("$: not exactly one of oneOf".to_owned()));
        let mut missing = answer.clone();
        missing["sessions"].as_object_mut().unwrap().remove("closed");
        assert!(valid(&missing).is_err());
        let mut high = answer.clone();
        high["score"]["mean"] = json!(100.5);
        assert!(valid(&high).is_err());
        let mut kind = answer.clone();
        kind["score"]["reasons"][0]["kind"] = json!("Rage");
        assert!(valid(&kind).is_err());
    }

    #[tokio::test]
    async fn moments_rank_touchpoints_and_validate() {
        let app = test_app();
        let t = now_ms() - 10_000;
        let mut events = Vec::new();
        for (sid, rage, nps) in [("m1", 4, 2), ("m2", 0, 10), ("m3", 0, 9)] {
            events.push(("$pageview", t, json!({ "sid": sid, "vid": format!("v{sid}"), "path": "/" })));
            events.push(("$step", t + 1, json!({ "sid": sid, "step": "cart", "index": 0 })));
            if rage > 0 {
                events.push(("$pageview", t + 2, json!({ "sid": sid, "vid": format!("v{sid}"), "path": "/pay" })));
            }
            for i in 0..rage {
                events.push(("$rage", t + 3 + i, json!({ "sid": sid, "clicks": 3 })));
            }
            events.push(("$response", t + 9, json!({ "sid": sid, "survey": "nps", "kind": "nps", "value": nps })));
        }
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &events), 500, 0).unwrap();
        let (status, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!(status, StatusCode::OK);
        let schema = crate::testing::stats_schema();
        assert_eq!(crate::testing::check(&schema, &schema, &answer, "$"), Ok(()));
        // Site: 1 detractor of 3 = 33.3; m1 scores 100 − 45 = 55: no low score; no drop-out (open).
        // "/" and step 0 were had by all three: every share equals the site's, gap 0.0. "/pay":
        // one session only, left out.
        let page = json!({ "kind": "page", "name": "/", "index": null, "sessions": 3, "detractor_share": 33.3,
            "unsatisfied_share": null, "low_score_share": 0.0, "dropout_share": 0.0, "gap": 0.0 });
        let step = json!({ "kind": "step", "name": "cart", "index": 0, "sessions": 3, "detractor_share": 33.3,
            "unsatisfied_share": null, "low_score_share": 0.0, "dropout_share": 0.0, "gap": 0.0 });
        assert_eq!(answer["moments"], json!([page, step]));
        let mut few = answer.clone();
        few["moments"][0]["sessions"] = json!(2);
        assert!(crate::testing::check(&schema, &schema, &few, "$").is_err(), "fewer than 3 sessions is never listed");
        let (_, windowed) = get_json(&app, &format!("/v1/stats?site=shop&from={}", t + 5)).await;
        assert_eq!(windowed["moments"], json!([]), "the window applies: no page view inside it");
    }

    #[tokio::test]
    async fn stats_score_nps_csat_and_ces_answers_with_one_decimal() {
        let app = test_app();
        let response = |survey: &str, value: u8| ("$response", 1, json!({ "survey": survey, "value": value }));
        let events: Vec<_> = [
            ("nps", 10),
            ("nps", 9),
            ("nps", 7),
            ("nps", 3),
            ("csat", 5),
            ("csat", 4),
            ("csat", 2),
            ("ces", 7),
            ("ces", 3),
        ]
        .into_iter()
        .map(|(survey, value)| response(survey, value))
        .collect();
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &events), 500, 0).unwrap();
        let (status, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!(status, StatusCode::OK);
        // NPS: (2 promoters − 1 detractor) / 4 = 25.0. CSAT: 2 of 3 are 4–5 = 66.67 → 66.7 %,
        // mean 11 / 3 = 3.67 → 3.7. CES: 1 of 2 is 5–7 = 50.0 %, mean 10 / 2 = 5.0.
        assert_eq!(
            answer["nps"],
            json!({ "responses": 4, "promoters": 2, "passives": 1, "detractors": 1, "score": 25.0 })
        );
        assert_eq!(answer["csat"], json!({ "responses": 3, "satisfied": 2, "percent": 66.7, "mean": 3.7 }));
        assert_eq!(answer["ces"], json!({ "responses": 2, "agree": 1, "percent_agree": 50.0, "mean": 5.0 }));
        let schema = crate::testing::stats_schema();
        let valid = |answer: &serde_json::Value| crate::testing::check(&schema, &schema, answer, "$");
        assert_eq!(valid(&answer), Ok(()));
        // The schema's positive controls: a mean off the CSAT scale, a percent above 100, a missing block.
        let mut high = answer.clone();
        high["csat"]["mean"] = json!(5.1);
        assert!(valid(&high).is_err());
        let mut over = answer.clone();
        over["ces"]["percent_agree"] = json!(100.1);
        assert!(valid(&over).is_err());
        let mut missing = answer.clone();
        missing.as_object_mut().unwrap().remove("ces");
        assert!(valid(&missing).is_err());
    }

    #[tokio::test]
    async fn the_test_clock_closes_sessions() {
        let app = test_app();
        let t = now_ms() - 10_000;
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &two_sessions(t)), 500, 0).unwrap();
        let set_clock = |offset_ms: i64| {
            let body = json!({ "offsetMs": offset_ms }).to_string();
            let request = Request::post("/v1/test/clock").header(header::CONTENT_TYPE, "application/json");
            router(Arc::clone(&app)).oneshot(request.body(Body::from(body)).unwrap())
        };
        assert_eq!(set_clock(30 * 60 * 1_000).await.unwrap().status(), StatusCode::NO_CONTENT);
        let (_, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!(answer["sessions"], json!({ "count": 2, "closed": 2, "dropouts": 1 }), "10 s + 30 min of silence");
        assert_eq!(answer["funnel"]["steps"][0]["dropouts"], json!(1));
        let (_, s1) = get_json(&app, "/v1/stats?site=shop&session=s1").await;
        // 65 − dropout 20 = 45.
        assert_eq!((&s1["score"], &s1["dropout"], &s1["closed"]), (&json!(45), &json!(true), &json!(true)));
        assert_eq!(s1["reasons"][0], json!({ "kind": "dropout", "count": 1, "points": 20 }));

        set_clock(0).await.unwrap();
        let (_, answer) = get_json(&app, "/v1/stats?site=shop").await;
        assert_eq!(answer["sessions"]["closed"], json!(0), "back on the wall clock");
        // Without --test-control there is no clock to move: only the static files' GET answers.
        let plain = Arc::new(App {
            store: Mutex::new(Store::in_memory().unwrap()),
            www: None,
            dist: None,
            control: None,
            lexicons: Lexicons::default(),
            admin: test_admin(),
        });
        let request = Request::post("/v1/test/clock").body(Body::from("{\"offsetMs\":1}")).unwrap();
        assert_eq!(router(plain).oneshot(request).await.unwrap().status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    /// 2026-11-01T00:00:00Z, and a day, in ms.
    const NOV_1: i64 = 1_793_491_200_000;
    const DAY: i64 = 86_400_000;

    /// Three days of answers and sessions, with an empty middle day, and one event on each side.
    fn three_days() -> Vec<crate::testing::Raw> {
        let answer = |t: i64, kind: &str, value: u8| {
            ("$response", t, json!({ "survey": "s", "question": "q", "kind": kind, "value": value }))
        };
        let (d1, d3) = (NOV_1 + 3_600_000, NOV_1 + 2 * DAY + 3_600_000);
        vec![
            answer(NOV_1 - 1, "nps", 0), // 31 October, 23:59:59.999
            // 1 November: NPS 10, 9, 3; CSAT 5, 3; session a with a rage click.
            answer(d1, "nps", 10),
            answer(d1 + 1, "nps", 9),
            answer(d1 + 2, "nps", 3),
            answer(d1 + 3, "csat", 5),
            answer(d1 + 4, "csat", 3),
            ("$pageview", d1, json!({ "sid": "a", "path": "/" })),
            ("$rage", d1 + 5, json!({ "sid": "a", "clicks": 3 })),
            // 2 November: nothing. 3 November: NPS 6, 7; CES 6; a comment; session b, clean.
            answer(d3, "nps", 6),
            answer(d3 + 1, "nps", 7),
            answer(d3 + 2, "ces", 6),
            ("$response", d3 + 3, json!({ "survey": "s", "question": "why", "kind": "text", "text": "Fine." })),
            ("$pageview", d3, json!({ "sid": "b", "path": "/" })),
            answer(NOV_1 + 3 * DAY, "nps", 10), // 4 November, 00:00
        ]
    }

    #[tokio::test]
    async fn a_daily_series_scores_each_day_and_keeps_the_empty_one() {
        let app = test_app();
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &three_days()), 100, 0).unwrap();
        let schema = crate::testing::stats_schema();
        let (status, answer) =
            get_json(&app, "/v1/stats?site=shop&from=2026-11-01&to=2026-11-03&tz=UTC&bucket=day").await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(crate::testing::check(&schema, &schema, &answer, "$"), Ok(()));
        let expected = json!([
            {
                "start": "2026-11-01", "responses": 5,
                // (2 promoters − 1 detractor) / 3 = 33.33 → 33.3.
                "nps": { "score": 33.3, "promoters": 2, "passives": 0, "detractors": 1 },
                // 1 of 2 satisfied; mean (5 + 3) / 2.
                "csat": { "percent": 50.0, "mean": 4.0, "responses": 2 },
                "ces": { "mean": null, "percent_agree": null, "responses": 0 },
                // a: rage 15 off → 85.
                "sessions": 1, "score_mean": 85.0
            },
            {
                "start": "2026-11-02", "responses": 0,
                "nps": { "score": null, "promoters": 0, "passives": 0, "detractors": 0 },
                "csat": { "percent": null, "mean": null, "responses": 0 },
                "ces": { "mean": null, "percent_agree": null, "responses": 0 },
                "sessions": 0, "score_mean": null
            },
            {
                "start": "2026-11-03", "responses": 4,
                // (0 promoters − 1 detractor) / 2 = −50.0.
                "nps": { "score": -50.0, "promoters": 0, "passives": 1, "detractors": 1 },
                "csat": { "percent": null, "mean": null, "responses": 0 },
                "ces": { "mean": 6.0, "percent_agree": 100.0, "responses": 1 },
                "sessions": 1, "score_mean": 100.0
            }
        ]);
        assert_eq!(answer["series"], expected);
        // The site's figures count the same window: 31 October and 4 November are outside.
        // NPS 10, 9, 3, 6, 7: (2 − 2) / 5 = 0.0.
        assert_eq!(
            answer["nps"],
            json!({ "responses": 5, "promoters": 2, "passives": 1, "detractors": 2, "score": 0.0 })
        );
        assert_eq!((&answer["events"], &answer["pageviews"]), (&json!(12), &json!(2)));
        assert_eq!((&answer["sessions"]["count"], &answer["score"]["mean"]), (&json!(2), &json!(92.5)));
        assert_eq!(answer["comments"]["latest"].as_array().unwrap().len(), 1);

        // The checker's positive controls on a bucket: a member missing, one too many, a score out of range.
        let valid = |answer: &serde_json::Value| crate::testing::check(&schema, &schema, answer, "$");
        let mut missing = answer.clone();
        missing["series"][1].as_object_mut().unwrap().remove("score_mean");
        assert!(valid(&missing).is_err());
        let mut extra = answer.clone();
        extra["series"][0]["end"] = json!("2026-11-02");
        assert!(valid(&extra).is_err());
        let mut high = answer.clone();
        high["series"][2]["nps"]["score"] = json!(-100.1);
        assert!(valid(&high).is_err());
    }

    #[tokio::test]
    async fn from_and_to_restrict_every_figure_and_without_them_nothing_changes() {
        let app = test_app();
        app.store.lock().unwrap().insert(&crate::testing::batch("shop", 0, &three_days()), 100, 0).unwrap();
        let schema = crate::testing::stats_schema();
        let nps = |answer: &serde_json::Value| (answer["nps"]["responses"].clone(), answer["nps"]["score"].clone());
        let cases = [
            // Everything: 0, 10, 9, 3, 6, 7, 10 → (3 − 3) / 7.
            ("", 7, 0.0, 14),
            // A date `to` includes its day.
            ("&from=2026-11-01&to=2026-11-01", 3, 33.3, 7),
            ("&from=2026-11-02&to=2026-11-03", 2, -50.0, 5),
            // ms: `from` included, `to` excluded.
            (&format!("&from={}&to={}", NOV_1 - 1, NOV_1 + 3_600_001), 2, 0.0, 3),
            (&format!("&to={NOV_1}"), 1, -100.0, 1),
            (&format!("&from={}", NOV_1 + 3 * DAY), 1, 100.0, 1),
            // In Tokyo, 1 November starts at 15:00 UTC on 31 October: it takes that day's last event.
            ("&from=2026-11-01&to=2026-11-01&tz=%2B09:00", 4, 0.0, 8),
            // At UTC−02:00, 31 October runs to 02:00 UTC on 1 November: the same events.
            ("&from=2026-10-31&to=2026-10-31&tz=-02:00", 4, 0.0, 8),
        ];
        for (params, responses, score, events) in cases {
            let (status, answer) = get_json(&app, &format!("/v1/stats?site=shop{params}")).await;
            assert_eq!(status, StatusCode::OK, "{params}: {answer}");
            assert_eq!(nps(&answer), (json!(responses), json!(score)), "{params}");
            assert_eq!(answer["events"], json!(events), "{params}");
            assert!(answer.get("series").is_none(), "{params}: no series without bucket");
            assert_eq!(crate::testing::check(&schema, &schema, &answer, "$"), Ok(()), "{params}");
        }
        // Weeks and months: one bucket each here, starting on the Monday / the first.
        let (_, weeks) = get_json(&app, "/v1/stats?site=shop&from=2026-11-02&to=2026-11-08&bucket=week").await;
        let starts: Vec<_> = weeks["series"].as_array().unwrap().iter().map(|b| b["start"].clone()).collect();
        assert_eq!(starts, [json!("2026-11-02")]);
        assert_eq!(weeks["series"][0]["nps"]["score"], json!(0.0), "6, 7 and 4 November's 10");
        let (_, months) = get_json(&app, "/v1/stats?site=shop&from=2026-10-01&to=2026-11-30&bucket=month").await;
        let scores: Vec<_> = months["series"].as_array().unwrap().iter().map(|b| b["nps"]["score"].clone()).collect();
        assert_eq!(scores, [json!(-100.0), json!(16.7)], "October: the 0; November: 10, 9, 3, 6, 7, 10 → 1 / 6");
        assert_eq!(crate::testing::check(&schema, &schema, &months, "$"), Ok(()));
    }

    #[tokio::test]
    async fn a_bad_window_parameter_is_a_400_naming_it() {
        let app = test_app();
        let cases = [
            ("from=2026-13-01", "from"),
            ("from=yesterday", "from"),
            ("to=2026-11-31", "to"),
            ("to=-1", "to"),
            ("from=2026-11-02&to=2026-11-01", "to"),
            ("tz=Europe/Paris", "tz"),
            ("tz=%2B25:00", "tz"),
            ("from=2026-11-01&to=2026-11-02&bucket=hour", "bucket"),
            ("from=2026-01-01&to=2027-01-02&bucket=day", "bucket"),
            ("to=2026-11-02&bucket=day", "from"),
            ("from=2026-11-01&bucket=week", "to"),
            ("from=2026-11-01&to=2026-11-02&bucket=day&session=a", "bucket"),
        ];
        for (params, field) in cases {
            let (status, answer) = get_json(&app, &format!("/v1/stats?site=shop&{params}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{params}");
            let error = answer["error"].as_str().unwrap();
            assert!(error.starts_with(&format!("{field}: ")), "{params}: {error}");
        }
        let (status, answer) = get_json(&app, "/v1/stats?site=shop&from=2025-01-01&to=2025-12-31&bucket=day").await;
        assert_eq!((status, answer["series"].as_array().map(Vec::len)), (StatusCode::OK, Some(365)));
        let (status, answer) = get_json(&app, "/v1/export?site=shop&from=soon").await;
        assert_eq!((status, answer["error"].as_str().unwrap().starts_with("from: ")), (StatusCode::BAD_REQUEST, true));
    }

    /// `GET uri` with the admin token; the status, the `Content-Type` and the body's lines.
    async fn get_lines(app: &Arc<App>, uri: &str) -> (StatusCode, Option<HeaderValue>, Vec<serde_json::Value>) {
        let request = Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        let response = router(Arc::clone(app)).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let (status, kind) = (response.status(), response.headers().get(header::CONTENT_TYPE).cloned());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(text.is_empty() || text.ends_with('\n'), "every line ends with a newline");
        (status, kind, text.lines().map(|line| serde_json::from_str(line).unwrap()).collect())
    }

    #[tokio::test]
    async fn the_export_streams_every_stored_event_as_one_line_in_time_order() {
        let app = test_app();
        // 1,203 events (three chunks) over two streams whose times interleave, stored out of order.
        let n = 2 * EXPORT_CHUNK + 203;
        let event = |i: usize| {
            ("$click", NOV_1 + (i / 2) as i64, json!({ "i": i, "sid": "s", "nested": { "x": [1, "é\"\n"] } }))
        };
        let evens: Vec<_> = (0..n).filter(|i| i % 2 == 0).map(event).collect();
        let mut odds = crate::testing::batch("shop", 0, &(0..n).filter(|i| i % 2 == 1).map(event).collect::<Vec<_>>());
        for e in &mut odds.events {
            e.stream = "BBBBBBBBBBBBBBBBBBBBBB".into();
        }
        odds.reason = cxkit_domain::batch::SendReason::Hide;
        {
            let mut store = app.store.lock().unwrap();
            store.insert(&odds, 100, 7).unwrap();
            store.insert(&crate::testing::batch("shop", 10, &evens), 100, 8).unwrap();
            store.insert(&crate::testing::batch("blog", 0, &evens[..3]), 100, 9).unwrap();
        }
        let (status, kind, lines) = get_lines(&app, "/v1/export?site=shop").await;
        assert_eq!((status, kind), (StatusCode::OK, Some(HeaderValue::from_static("application/x-ndjson"))));
        assert_eq!(lines.len(), n);
        for (i, line) in lines.iter().enumerate() {
            let (stream, seq, reason, received) = if i % 2 == 0 {
                (crate::testing::STREAM, 10 + i / 2, "flush", 8)
            } else {
                ("BBBBBBBBBBBBBBBBBBBBBB", i / 2, "hide", 7)
            };
            let expected = json!({
                "site": "shop", "stream": stream, "seq": seq, "time": NOV_1 + (i / 2) as i64, "name": "$click",
                "props": { "i": i, "sid": "s", "nested": { "x": [1, "é\"\n"] } }, "reason": reason, "received": received
            });
            assert_eq!(line, &expected, "line {i}: ordered by time, then stream (A before B), then seq");
        }
        // A window: times NOV_1 + 1 and + 2, two events each.
        let (_, _, lines) = get_lines(&app, &format!("/v1/export?site=shop&from={}&to={}", NOV_1 + 1, NOV_1 + 3)).await;
        let seen: Vec<_> = lines.iter().map(|l| l["props"]["i"].as_u64().unwrap()).collect();
        assert_eq!(seen, [2, 3, 4, 5]);
        let (status, _, lines) = get_lines(&app, "/v1/export?site=nobody").await;
        assert_eq!((status, lines.len()), (StatusCode::OK, 0), "no event: an empty body");

        // The admin token, as for the stats: none or a wrong one is a 401, and no CORS.
        for authorization in [None, Some("Bearer wrong")] {
            let headers: Vec<_> = authorization.map(|a| (header::AUTHORIZATION, a)).into_iter().collect();
            let mut headers = headers;
            headers.push((header::ORIGIN, "http://localhost:9999"));
            let response = ask(&app, "GET", "/v1/export?site=shop", &headers).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{authorization:?}");
            assert!(!response.headers().contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        }
    }
}

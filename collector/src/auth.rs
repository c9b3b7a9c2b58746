//! Who may read the stats (issue 18, "Who may read it"): one admin token, given with
//! `--admin-token` or generated at first start, printed once and stored only as its SHA-256.

use std::fmt;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Bytes of OS randomness in a generated token (256 bits).
pub const TOKEN_BYTES: usize = 32;
/// How the token file starts: the digest's algorithm, then its hex.
const FILE_PREFIX: &str = "sha256:";

/// The SHA-256 of the admin token: all the collector keeps of it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken([u8; 32]);

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(sha256:…)")
    }
}

impl AdminToken {
    /// The admin token `token` (from the flag or the environment).
    pub fn of(token: &str) -> AdminToken {
        AdminToken(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether `presented` is the token. Both sides are digests of equal length, compared
    /// without stopping at the first difference, so the time taken says nothing of the token.
    pub fn accepts(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.0.iter().zip(presented).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
    }

    /// The token file's text: `sha256:<hex>` and a newline.
    fn file_text(&self) -> String {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        format!("{FILE_PREFIX}{hex}\n")
    }

    /// Reads [`AdminToken::file_text`] back.
    fn from_file_text(text: &str) -> Option<AdminToken> {
        let hex = text.trim().strip_prefix(FILE_PREFIX)?;
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut digest = [0u8; 32];
        for (i, byte) in digest.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(AdminToken(digest))
    }
}

/// Where the admin token came from.
#[derive(Debug, PartialEq, Eq)]
pub enum Source {
    /// `--admin-token` or `CXKIT_ADMIN_TOKEN`.
    Given,
    /// The hash stored in the token file by an earlier start.
    Stored,
    /// Generated now: the only time the token itself is known, to print once.
    Generated(String),
}

/// Why the collector cannot settle on a token.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// `--admin-token` (or the environment) is empty.
    Empty,
    /// The token file exists but holds no `sha256:<hex>` line.
    BadFile,
    /// The token file could not be read or written.
    Io(io::Error),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Empty => f.write_str("--admin-token must not be empty"),
            TokenError::BadFile => f.write_str("not a token file (expected one line, sha256:<64 hex digits>)"),
            TokenError::Io(error) => error.fmt(f),
        }
    }
}

/// A new token: `TOKEN_BYTES` from the OS RNG, base64url without padding (43 characters).
pub fn generate() -> io::Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| io::Error::other(error.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The admin token: `given` if any; else the hash stored in `file`; else `fresh()`, whose hash
/// is written to `file` (never the token) and which is returned to be printed once.
pub fn resolve(
    given: Option<&str>,
    file: &Path,
    fresh: impl FnOnce() -> io::Result<String>,
) -> Result<(AdminToken, Source), TokenError> {
    if let Some(token) = given {
        if token.is_empty() {
            return Err(TokenError::Empty);
        }
        return Ok((AdminToken::of(token), Source::Given));
    }
    match std::fs::read_to_string(file) {
        Ok(text) => return AdminToken::from_file_text(&text).map(|t| (t, Source::Stored)).ok_or(TokenError::BadFile),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(TokenError::Io(error)),
    }
    let token = fresh().map_err(TokenError::Io)?;
    let admin = AdminToken::of(&token);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(file).map_err(TokenError::Io)?;
    out.write_all(admin.file_text().as_bytes()).and_then(|()| out.sync_all()).map_err(TokenError::Io)?;
    Ok((admin, Source::Generated(token)))
}

/// Why the collector refuses to start on `host`.
#[derive(Debug, PartialEq, Eq)]
pub struct Exposed(pub IpAddr);

impl fmt::Display for Exposed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to listen on {} without an admin token: anyone who reaches it could read the stats. \
             Give one with --admin-token or CXKIT_ADMIN_TOKEN, or start once on 127.0.0.1 to generate one \
             (stored hashed in --admin-token-file)",
            self.0
        )
    }
}

/// Whether the collector may listen on `host`: loopback always; any other address only with a
/// token chosen beforehand (`explicit`: given, or stored by an earlier start), never one it
/// would generate and print to whoever reads this process's output.
pub fn may_listen(host: IpAddr, explicit: bool) -> Result<(), Exposed> {
    if host.is_loopback() || explicit {
        Ok(())
    } else {
        Err(Exposed(host))
    }
}

/// Middleware over the admin routes: `Authorization: Bearer <token>` or a 401 that asks for it.
pub async fn require(State(admin): State<Arc<AdminToken>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        Some(token) if admin.accepts(token) => next.run(request).await,
        presented => {
            let error = if presented.is_some() { "admin token: not this collector's" } else { "admin token: missing" };
            let mut response = (StatusCode::UNAUTHORIZED, Json(json!({ "error": error }))).into_response();
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for token files, removed on drop.
    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("cxkit-auth-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn only_the_token_itself_is_accepted() {
        let admin = AdminToken::of("s3cret");
        assert!(admin.accepts("s3cret"));
        for wrong in ["", "s3cre", "s3cret ", "S3CRET", "s3cret2"] {
            assert!(!admin.accepts(wrong), "{wrong:?}");
        }
    }

    #[test]
    fn a_generated_token_is_32_random_bytes_in_base64url() {
        let (a, b) = (generate().unwrap(), generate().unwrap());
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn the_file_holds_the_hash_not_the_token_and_a_second_start_reads_it() {
        let dir = TempDir::new("file");
        let file = dir.0.join("events.sqlite.admin");
        let (admin, source) = resolve(None, &file, || Ok("the-token".to_owned())).unwrap();
        assert_eq!(source, Source::Generated("the-token".to_owned()));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("the-token"), "{text}");
        assert_eq!(text, AdminToken::of("the-token").file_text(), "sha256:<hex of the token's digest>");
        assert_eq!(text.trim().len(), FILE_PREFIX.len() + 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }

        let (again, source) = resolve(None, &file, || panic!("a second start generates nothing")).unwrap();
        assert_eq!((again.clone(), source), (admin, Source::Stored));
        assert!(again.accepts("the-token") && !again.accepts("another"));

        // A given token wins over the file and leaves it as it is.
        let (given, source) = resolve(Some("mine"), &file, || panic!("nothing to generate")).unwrap();
        assert_eq!(source, Source::Given);
        assert!(given.accepts("mine") && !given.accepts("the-token"));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }

    #[test]
    fn an_empty_token_or_a_mangled_file_is_an_error() {
        let dir = TempDir::new("bad");
        let file = dir.0.join("t.admin");
        assert!(matches!(resolve(Some(""), &file, generate), Err(TokenError::Empty)));
        std::fs::write(&file, "the-token\n").unwrap();
        assert!(matches!(resolve(None, &file, generate), Err(TokenError::BadFile)));
        std::fs::write(&file, format!("{FILE_PREFIX}{}\n", "zz".repeat(32))).unwrap();
        assert!(matches!(resolve(None, &file, generate), Err(TokenError::BadFile)));
        let missing_dir = dir.0.join("nowhere/t.admin");
        assert!(matches!(resolve(None, &missing_dir, generate), Err(TokenError::Io(_))));
    }

    #[test]
    fn a_non_loopback_address_needs_a_token_chosen_beforehand() {
        let any: IpAddr = "0.0.0.0".parse().unwrap();
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        let v6: IpAddr = "::".parse().unwrap();
        for loopback in ["127.0.0.1", "::1"] {
            assert_eq!(may_listen(loopback.parse().unwrap(), false), Ok(()));
        }
        for exposed in [any, lan, v6] {
            assert_eq!(may_listen(exposed, false), Err(Exposed(exposed)));
            assert_eq!(may_listen(exposed, true), Ok(()));
        }
        let message = Exposed(any).to_string();
        assert!(message.contains("0.0.0.0") && message.contains("--admin-token"), "{message}");
    }
}

//! Command-line flags, by hand: four flags do not need a parser crate.

use std::net::IpAddr;
use std::path::PathBuf;

/// How the collector runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// Address to bind: loopback unless told otherwise.
    pub host: IpAddr,
    /// Port; 0 picks a free one (printed on start).
    pub port: u16,
    /// The SQLite file.
    pub db: PathBuf,
    /// Demo pages to serve at `/`, if any.
    pub www: Option<PathBuf>,
    /// The built npm `dist/` to serve at `/dist/`, if any.
    pub dist: Option<PathBuf>,
    /// Serve `/v1/test/…` to script answers and read attempts: for tests only.
    pub test_control: bool,
}

pub const USAGE: &str =
    "usage: cxkit-collector [--host 127.0.0.1] [--port 8080] [--db cxkit.sqlite] [--www DIR] [--dist DIR] [--test-control]";

impl Args {
    /// Reads flags from `args` (without the program name).
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            db: PathBuf::from("cxkit.sqlite"),
            www: None,
            dist: None,
            test_control: false,
        };
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--host" => parsed.host = value()?.parse().map_err(|_| "--host must be an IP address".to_owned())?,
                "--port" => parsed.port = value()?.parse().map_err(|_| "--port must be 0–65535".to_owned())?,
                "--db" => parsed.db = value()?.into(),
                "--www" => parsed.www = Some(value()?.into()),
                "--dist" => parsed.dist = Some(value()?.into()),
                "--test-control" => parsed.test_control = true,
                other => return Err(format!("unknown flag {other}")),
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(flags: &[&str]) -> Result<Args, String> {
        Args::parse(flags.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_bind_loopback() {
        let args = parse(&[]).unwrap();
        assert_eq!((args.host.to_string(), args.port), ("127.0.0.1".to_owned(), 8080));
    }

    #[test]
    fn flags_are_read_and_bad_ones_named() {
        let args = parse(&["--port", "0", "--db", "/tmp/x.sqlite", "--www", "www", "--test-control"]).unwrap();
        assert_eq!(
            (args.port, args.db.to_str(), args.www.is_some(), args.test_control),
            (0, Some("/tmp/x.sqlite"), true, true)
        );
        assert!(!parse(&[]).unwrap().test_control, "test control is off unless asked for");
        assert_eq!(parse(&["--port"]).unwrap_err(), "--port needs a value");
        assert_eq!(parse(&["--port", "x"]).unwrap_err(), "--port must be 0–65535");
        assert_eq!(parse(&["--bogus"]).unwrap_err(), "unknown flag --bogus");
    }
}

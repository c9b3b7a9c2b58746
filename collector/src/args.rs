//! Command-line flags, read with clap's derive: each flag's help sits beside its field.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

/// The reference collector for cxkit: receives batches at `POST /v1/batch`, stores them in
/// SQLite and serves `GET /v1/stats` (schema/stats.schema.json) to whoever holds the admin token.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(name = "cxkit-collector", version, about, long_about = None)]
pub struct Args {
    /// Address to bind. Anything but loopback needs an admin token given or stored beforehand.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub host: IpAddr,
    /// Port; 0 picks a free one (printed on start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The SQLite file.
    #[arg(long, default_value = "cxkit.sqlite", value_name = "FILE")]
    pub db: PathBuf,
    /// Demo pages to serve at `/`.
    #[arg(long, value_name = "DIR")]
    pub www: Option<PathBuf>,
    /// The built npm `dist/` to serve at `/dist/`.
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Serve `/v1/test/…` to script answers and read attempts: for tests only.
    #[arg(long)]
    pub test_control: bool,
    /// The token `/v1/stats` and every admin route ask for (`Authorization: Bearer <TOKEN>`).
    /// Without it, the one stored in --admin-token-file; without that, one is generated,
    /// printed once and stored hashed.
    #[arg(long, env = "CXKIT_ADMIN_TOKEN", value_name = "TOKEN", hide_env_values = true, allow_hyphen_values = true)]
    pub admin_token: Option<String>,
    /// Where a generated admin token's SHA-256 is stored [default: <db>.admin].
    #[arg(long, value_name = "FILE")]
    pub admin_token_file: Option<PathBuf>,
}

impl Args {
    /// The admin token file: the flag's, or `<db>.admin` beside the database.
    pub fn token_file(&self) -> PathBuf {
        self.admin_token_file.clone().unwrap_or_else(|| {
            let mut file = self.db.clone().into_os_string();
            file.push(".admin");
            file.into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn parse(flags: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("cxkit-collector").chain(flags.iter().copied()))
    }

    #[test]
    fn defaults_bind_loopback() {
        let args = parse(&[]).unwrap();
        assert_eq!((args.host.to_string(), args.port), ("127.0.0.1".to_owned(), 8080));
        assert_eq!(args.token_file(), PathBuf::from("cxkit.sqlite.admin"), "the token file sits beside the db");
    }

    #[test]
    fn flags_are_read_and_bad_ones_named() {
        let args = parse(&["--port", "0", "--db", "/tmp/x.sqlite", "--www", "www", "--test-control"]).unwrap();
        assert_eq!(
            (args.port, args.db.to_str(), args.www.is_some(), args.test_control),
            (0, Some("/tmp/x.sqlite"), true, true)
        );
        assert_eq!(args.token_file(), PathBuf::from("/tmp/x.sqlite.admin"));
        assert!(!parse(&[]).unwrap().test_control, "test control is off unless asked for");
        let args = parse(&["--admin-token", "s3cret", "--admin-token-file", "/tmp/t"]).unwrap();
        assert_eq!((args.admin_token.as_deref(), args.token_file()), (Some("s3cret"), PathBuf::from("/tmp/t")));
        // A base64url token may start with `-` (the generated ones do, one in 32).
        let args = parse(&["--admin-token", "-6x", "--port", "0"]).unwrap();
        assert_eq!((args.admin_token.as_deref(), args.port), (Some("-6x"), 0));
        assert_eq!(parse(&["--port"]).unwrap_err().kind(), ErrorKind::InvalidValue);
        let bad_port = parse(&["--port", "x"]).unwrap_err();
        assert_eq!(bad_port.kind(), ErrorKind::ValueValidation);
        assert!(bad_port.to_string().contains("--port"), "{bad_port}");
        assert_eq!(parse(&["--host", "localhost"]).unwrap_err().kind(), ErrorKind::ValueValidation);
        assert_eq!(parse(&["--bogus"]).unwrap_err().kind(), ErrorKind::UnknownArgument);
    }

    #[test]
    fn help_names_every_flag() {
        let help = parse(&["--help"]).unwrap_err();
        assert_eq!(help.kind(), ErrorKind::DisplayHelp);
        let text = help.to_string();
        for flag in
            ["--host", "--port", "--db", "--www", "--dist", "--test-control", "--admin-token", "--admin-token-file"]
        {
            assert!(text.contains(flag), "{flag} missing from --help:\n{text}");
        }
        assert!(text.contains("CXKIT_ADMIN_TOKEN"), "{text}");
    }
}

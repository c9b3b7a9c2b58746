//! The reference collector for cxkit: receives batches, dedupes them by event id, stores them
//! in SQLite and serves stats computed with the crate's own scoring code, plus the demo site.

mod args;
mod auth;
mod comments;
mod control;
mod moments;
mod routes;
mod sessions;
mod store;
#[cfg(test)]
mod testing;
mod window;

use std::sync::{Arc, Mutex};

use args::Args;
use auth::Source;
use clap::Parser;
use comments::Lexicons;
use routes::App;
use store::Store;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let token_file = args.token_file();
    // Only a token chosen beforehand may guard a non-loopback address: one generated now would
    // be printed to whoever reads this process's output.
    if let Err(refusal) = auth::may_listen(args.host, args.admin_token.is_some() || token_file.exists()) {
        eprintln!("cxkit-collector: {refusal}");
        std::process::exit(2);
    }
    let admin = match auth::resolve(args.admin_token.as_deref(), &token_file, auth::generate) {
        Ok((admin, Source::Generated(token))) => {
            println!("cxkit-collector admin token (shown once): {token}");
            println!(
                "cxkit-collector: only its SHA-256 is kept, in {}; read the stats with the header \"Authorization: Bearer <token>\"",
                token_file.display()
            );
            admin
        }
        Ok((admin, Source::Given | Source::Stored)) => admin,
        Err(error @ auth::TokenError::Empty) => {
            eprintln!("cxkit-collector: {error}");
            std::process::exit(2);
        }
        Err(error) => {
            eprintln!("cxkit-collector: admin token file {}: {error}", token_file.display());
            std::process::exit(2);
        }
    };
    let store = match Store::open(&args.db) {
        Ok(store) => store,
        Err(error) => {
            eprintln!("cxkit-collector: cannot open {}: {error}", args.db.display());
            std::process::exit(1);
        }
    };
    let control = args.test_control.then(|| Mutex::new(control::Control::default()));
    let app = Arc::new(App {
        store: Mutex::new(store),
        www: args.www,
        dist: args.dist,
        control,
        lexicons: Lexicons::default(),
        admin,
    });
    let listener = match tokio::net::TcpListener::bind((args.host, args.port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cxkit-collector: cannot listen on {}:{}: {error}", args.host, args.port);
            std::process::exit(1);
        }
    };
    let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    // Tests read this line to learn the port when started with --port 0.
    println!("cxkit-collector listening on http://{address}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(error) = axum::serve(listener, routes::router(app)).with_graceful_shutdown(shutdown).await {
        eprintln!("cxkit-collector: {error}");
        std::process::exit(1);
    }
}

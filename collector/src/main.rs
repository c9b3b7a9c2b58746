//! The reference collector for cxkit: receives batches, dedupes them by event id, stores them
//! in SQLite and serves stats computed with the crate's own scoring code, plus the demo site.

mod args;
mod comments;
mod control;
mod routes;
mod sessions;
mod store;
#[cfg(test)]
mod testing;

use std::sync::{Arc, Mutex};

use args::{Args, USAGE};
use comments::Lexicons;
use routes::App;
use store::Store;

#[tokio::main]
async fn main() {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("cxkit-collector: {message}\n{USAGE}");
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

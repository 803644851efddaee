//! # Lesson 8, design 2: a thread per client
//!
//! The tutorial's TCP upper-casing echo, with the fix the tutorial does not show: each client
//! gets a thread of its own, so the accept loop is back at `accept()` at once and the next
//! client is served while the first is still talking (UNP chapter 30's "one thread per
//! client").
//!
//! What differs from the iterative design: the inner loop runs on a new thread. A thread costs
//! memory (its stack) and the operating system's time, so `--max-clients` bounds how many run
//! at once: the client beyond it is told `busy: ...` in one line and closed. A thread the
//! operating system cannot make costs that client its connection, never the server its life.
//!
//! Run it:
//!
//! ```text
//! cargo run -p many-clients-threads
//! ```
//!
//! Talk to it from two more terminals at once; both are answered:
//!
//! ```text
//! nc 127.0.0.1 8085
//! ```
//!
//! You will see, as the clients come and go:
//!
//! ```text
//! listening on tcp://127.0.0.1:8085
//! new client 127.0.0.1:40112
//! new client 127.0.0.1:40114
//! 127.0.0.1:40112 left (6 bytes echoed)
//! ```
//!
//! The walkthrough is `lessons/08-many-clients.md`.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use clap::Parser;
use guard::AcceptErrors;
use many_clients_upper as upper;

/// Lesson 8: the TCP upper-casing echo with a thread per client, at most --max-clients at once.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/08-many-clients.md\n\
                  Talk to it: nc 127.0.0.1 8085 (from as many terminals as you like)"
)]
struct Args {
    #[command(flatten)]
    tuning: upper::Tuning,

    /// Clients served at once (one thread each); the next one is told "busy" and closed
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_clients: u32,
}

/// A place among the --max-clients: taken before the thread starts, given back when it is
/// dropped, whether the conversation ended or the thread could not even be made.
struct Place(Arc<AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log), `listening on`.
    let server = args.tuning.open_listener()?;
    let mut accept_errors = AcceptErrors::new();
    let max = args.max_clients as usize;
    let serving = Arc::new(AtomicUsize::new(0));

    // The outer loop: one turn per client.
    loop {
        let Some((conn, peer)) = accept_errors.checked(server.accept()) else {
            continue;
        };

        // Only the accept loop takes places, so counting then adding cannot overshoot.
        if serving.load(Ordering::SeqCst) >= max {
            let reason = format!("{max} clients are being served (--max-clients); try later");
            upper::refuse(conn, peer, &reason);
            continue;
        }
        serving.fetch_add(1, Ordering::SeqCst);
        let place = Place(Arc::clone(&serving));
        writeln!(io::stdout(), "new client {peer}")?;

        // The inner loop, on a thread of its own: the outer loop goes straight back to accept.
        let patience = args.tuning.reply_timeout;
        let spawned = thread::Builder::new()
            .name(format!("client {peer}"))
            .spawn(move || {
                let result = upper::serve(conn, patience);
                // Free the place before saying so: whoever reads "left" may connect again.
                drop(place);
                upper::report(peer, result);
            });
        if let Err(err) = spawned {
            // The closure (with the connection and the place) was dropped: the client is
            // disconnected and its place is free again.
            eprintln!("{peer}: cannot start a thread: {err} (client dropped, still serving)");
        }
    }
}

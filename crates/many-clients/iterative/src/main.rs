//! # Lesson 8, design 1: one client at a time (the tutorial's server)
//!
//! Ports the TCP server the tutorial's note 2 talks about (the upper-casing echo of the first
//! article of its series, the TCP twin of lesson 1's UDP echo): accept a client, then loop:
//! receive a chunk, send it back upper-cased, until the client closes; then accept the next.
//! Two nested loops, so while the inner one talks to a client, the outer one cannot accept
//! anyone else: the tutorial's note 2, "it can serve only one person at a time".
//!
//! What differs from the other three designs: nothing runs beside the conversation. The next
//! client's handshake is completed by the kernel into the backlog (5), and waits there.
//!
//! Run it:
//!
//! ```text
//! cargo run -p many-clients-iterative
//! ```
//!
//! Talk to it from a second terminal (and a third, to see the second client wait):
//!
//! ```text
//! nc 127.0.0.1 8085
//! ```
//!
//! You will see, when the client types `hello`, `HELLO` come back and the server log:
//!
//! ```text
//! listening on tcp://127.0.0.1:8085
//! new client 127.0.0.1:40112
//! 127.0.0.1:40112 left (6 bytes echoed)
//! ```
//!
//! The walkthrough is `lessons/08-many-clients.md`.

use std::io::{self, Write};

use clap::Parser;
use guard::AcceptErrors;
use many_clients_upper as upper;

/// Lesson 8: the tutorial's TCP upper-casing echo, one client at a time.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/08-many-clients.md\n\
                  Talk to it: nc 127.0.0.1 8085 (a second nc waits until the first quits)"
)]
struct Args {
    #[command(flatten)]
    tuning: upper::Tuning,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log), `listening on`.
    let server = args.tuning.open_listener()?;
    let mut accept_errors = AcceptErrors::new();

    // The outer loop: one turn per client.
    loop {
        let Some((conn, peer)) = accept_errors.checked(server.accept()) else {
            continue;
        };
        writeln!(io::stdout(), "new client {peer}")?;

        // The inner loop, right here: until this client closes, nobody else is accepted.
        upper::report(peer, upper::serve(conn, args.tuning.reply_timeout));
    }
}

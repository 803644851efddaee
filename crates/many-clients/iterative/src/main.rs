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
use std::net::SocketAddr;
use std::time::Duration;

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
    /// Where to listen: IP and port, like 127.0.0.1:8085 or [::1]:8085 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::MANY_CLIENTS)]
    addr: SocketAddr,

    /// Seconds a client may take to read one reply before it is dropped
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "10")]
    reply_timeout: Duration,

    /// Finished handshakes the kernel queues for accept() (the tutorial's listen(5))
    #[arg(long, value_name = "N", default_value_t = common::BACKLOG,
          value_parser = clap::value_parser!(i32).range(1..=65535))]
    backlog: i32,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log).
    let server = common::bind_tcp(args.addr)?;
    // listen() again if --backlog asks for a longer queue: see the lesson's "backlog".
    upper::set_backlog(&server, args.backlog)?;
    common::announce_tcp(&server)?;
    let mut accept_errors = AcceptErrors::new();

    // The outer loop: one turn per client.
    loop {
        let (conn, peer) = match server.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                std::thread::sleep(accept_errors.failed(&err));
                continue;
            }
        };
        accept_errors.succeeded();
        writeln!(io::stdout(), "new client {peer}")?;

        // The inner loop, right here: until this client closes, nobody else is accepted.
        upper::report(peer, upper::serve(conn, args.reply_timeout));
    }
}

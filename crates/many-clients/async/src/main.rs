//! # Lesson 8, design 4: an event loop, one task per client
//!
//! The tutorial's TCP upper-casing echo on tokio, Rust's usual async runtime. Each client is
//! a task: a small state machine, not a thread. A few threads (one per core) wait on all the
//! sockets at once with the operating system's readiness call (epoll on Linux, kqueue on
//! macOS, IOCP on Windows) and run whichever task's socket is ready. An idle client costs
//! its socket and a few hundred bytes of task, not a thread's stack: the C10K answer.
//!
//! What differs from the thread-per-client design: `tokio::spawn` instead of
//! `thread::spawn`, and `.await` wherever the thread would block. Nothing else.
//!
//! Run it:
//!
//! ```text
//! cargo run -p many-clients-async
//! ```
//!
//! Talk to it from as many terminals as you like:
//!
//! ```text
//! nc 127.0.0.1 8085
//! ```
//!
//! You will see:
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

/// Lesson 8: the TCP upper-casing echo on an event loop (tokio), one task per client.
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
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    // The runtime: one thread per core runs every task. (Made by hand: #[tokio::main] would
    // panic if the operating system refused the threads; this says so in one line instead.)
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve_all(args))
}

/// Everything else, in the same order as the other designs' `main`.
async fn serve_all(args: Args) -> Result<(), common::Error> {
    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log), `listening on`, then
    // handed to tokio, which wants the socket non-blocking: it waits for readiness itself.
    let server = args.tuning.open_listener()?;
    server.set_nonblocking(true)?;
    let server = tokio::net::TcpListener::from_std(server)?;
    let mut accept_errors = AcceptErrors::new();

    // The outer loop: one turn per client.
    loop {
        let (conn, peer) = match server.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                tokio::time::sleep(accept_errors.failed(&err)).await;
                continue;
            }
        };
        accept_errors.succeeded();
        writeln!(io::stdout(), "new client {peer}")?;

        // The inner loop, as a task: the outer loop goes straight back to accept.
        let patience = args.tuning.reply_timeout;
        tokio::spawn(async move {
            upper::report(peer, upper::serve_async(conn, patience).await);
        });
    }
}

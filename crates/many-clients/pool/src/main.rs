//! # Lesson 8, design 3: a fixed pool of worker threads
//!
//! The tutorial's TCP upper-casing echo served by `--workers` threads made once, at the start
//! (UNP chapter 30's "prethreaded" server). The accept loop hands each new connection to a
//! queue; an idle worker takes it and serves it to the end, then takes the next.
//!
//! What differs from the thread-per-client design: no thread is made per client, so a burst of
//! clients costs no thread creation and the number of threads never grows. But a worker is
//! busy for a client's whole connection: with `--workers 2`, a third client waits in the queue
//! until one of the first two leaves. Right for many short conversations, wrong for long idle
//! ones. A client that finds the queue full is told `busy: ...` in one line and closed.
//!
//! Run it:
//!
//! ```text
//! cargo run -p many-clients-pool -- --workers 2
//! ```
//!
//! Talk to it from three more terminals; the third waits until one of the others quits:
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
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use clap::Parser;
use guard::AcceptErrors;
use many_clients_upper as upper;

/// Connections accepted but not yet taken by a worker; the next one is refused.
const QUEUE: usize = 1024;

/// Lesson 8: the TCP upper-casing echo served by a fixed pool of worker threads.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/08-many-clients.md\n\
                  Talk to it: nc 127.0.0.1 8085 (beyond --workers clients at once, the next waits)"
)]
struct Args {
    #[command(flatten)]
    tuning: upper::Tuning,

    /// Worker threads, each serving one client at a time [default: the number of cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    workers: Option<u32>,
}

/// The queue's far end, shared by the workers: whoever holds the lock takes the next client.
type Queue = Arc<Mutex<Receiver<(TcpStream, SocketAddr)>>>;

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let workers = match args.workers {
        Some(n) => n as usize,
        None => thread::available_parallelism().map_or(2, |n| n.get()),
    };

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log), `listening on`.
    let server = args.tuning.open_listener()?;
    let mut accept_errors = AcceptErrors::new();

    // The pool, made once: every worker runs the inner loop, client after client.
    let (queue, taken) = mpsc::sync_channel(QUEUE);
    let taken: Queue = Arc::new(Mutex::new(taken));
    for n in 1..=workers {
        let taken = Arc::clone(&taken);
        let patience = args.tuning.reply_timeout;
        thread::Builder::new()
            .name(format!("worker {n}"))
            .spawn(move || work(&taken, patience))
            .map_err(|err| format!("cannot start worker {n} of {workers}: {err}"))?;
    }

    // The outer loop: one turn per client.
    loop {
        let Some((conn, peer)) = accept_errors.checked(server.accept()) else {
            continue;
        };
        writeln!(io::stdout(), "new client {peer}")?;

        // The inner loop runs on whichever worker is free; the outer loop goes back to accept.
        match queue.try_send((conn, peer)) {
            Ok(()) => {}
            Err(TrySendError::Full((conn, peer))) => {
                let reason = format!("{QUEUE} clients already wait for {workers} workers");
                upper::refuse(conn, peer, &reason);
            }
            Err(TrySendError::Disconnected(_)) => return Err("every worker has stopped".into()),
        }
    }
}

/// One worker: take the next client from the queue, serve it to the end, and again.
fn work(taken: &Queue, patience: Duration) {
    loop {
        // A worker never panics while holding the lock, but if one ever did, the queue
        // itself would still be fine: go on with it.
        let next = taken
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        let Ok((conn, peer)) = next else {
            return; // The accept loop is gone: nothing more will come.
        };
        upper::report(peer, upper::serve(conn, patience));
    }
}

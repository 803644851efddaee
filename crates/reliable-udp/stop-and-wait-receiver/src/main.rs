//! # Lesson 9: stop-and-wait, the receiver (rdt 3.0)
//!
//! Receives files from `stop-and-wait-sender`: it checks each packet's CRC-32, keeps the
//! packet it expects next, answers every packet (new or a copy it already has) with an ACK,
//! and when the FIN arrives prints the file's size and SHA-256. It keeps answering the last
//! transfer's FIN, so a sender whose final ACK was lost can still end cleanly. Datagrams that
//! are not packets of ours, cut short, damaged, copies or out of the window are dropped and
//! counted; nothing a peer sends stops it.
//!
//! Run it, then the sender (directly, or through `lossy-link`):
//!
//! ```text
//! cargo run -p stop-and-wait-receiver -- --output received.bin
//! cargo run -p stop-and-wait-sender -- --file Cargo.lock
//! ```
//!
//! You will see:
//!
//! ```text
//! listening on udp://127.0.0.1:8087
//! received 41234 bytes from 127.0.0.1:40001 in 0.052 s, sha256 6f1c...
//!   so far: 42 datagrams, 41 accepted, 0 duplicates, ...
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use clap::Parser;
use reliable_udp_core::arq::Mode;
use reliable_udp_core::cli::{Listen, StopAndWait};

/// Lesson 9: receives files sent one packet at a time (stop-and-wait, rdt 3.0).
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Sender: cargo run -p stop-and-wait-sender -- --file PATH"
)]
struct Args {
    #[command(flatten)]
    listen: Listen<StopAndWait>,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    // A window of 1: only the next packet in order is kept (rdt 3.0).
    args.listen.receive(Mode::SelectiveRepeat, 1)
}

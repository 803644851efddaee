//! # Lesson 9: stop-and-wait, the sender (rdt 3.0)
//!
//! Sends a file (or stdin) over UDP one packet at a time: each packet carries a sequence
//! number and a CRC-32, and the next one leaves only when the receiver has acknowledged this
//! one. When no ACK comes within the retransmission timeout (RFC 6298, learned from the round
//! trips so far, doubled after each expiry) the packet is sent again; an ACK for a packet that
//! was sent twice gives no round-trip sample (Karn's rule). After `--max-retries` timeouts in
//! a row without an answer it gives up with an error, instead of waiting forever.
//!
//! The loop is `reliable_udp_core::transfer::send`, and the rules are in
//! `reliable_udp_core::arq` (the same code as the sliding window, with a window of 1).
//!
//! Run the receiver, the lossy link in front of it, then this:
//!
//! ```text
//! cargo run -p stop-and-wait-receiver
//! cargo run -p lossy-link -- --to 127.0.0.1:8087 --loss 20% --duplicate 5% --reorder 5%
//! cargo run -p stop-and-wait-sender -- --server 127.0.0.1:8086 --file Cargo.lock
//! ```
//!
//! You will see, when every packet is acknowledged:
//!
//! ```text
//! sent 41234 bytes in 3.210 s (12.8 KB/s): 61 datagrams, 20 of them again (...)
//! ```
//!
//! and the receiver prints the same SHA-256 as `sha256sum Cargo.lock`.
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use clap::Parser;
use reliable_udp_core::arq::Mode;
use reliable_udp_core::cli::{SendOptions, StopAndWait};

/// Lesson 9: sends a file over UDP, one packet per round trip (stop-and-wait, rdt 3.0).
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Receiver: cargo run -p stop-and-wait-receiver"
)]
struct Args {
    #[command(flatten)]
    send: SendOptions<StopAndWait>,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    // A window of 1: one packet in flight (rdt 3.0).
    let config = args.send.config(1, Mode::SelectiveRepeat);
    args.send.send(config)
}

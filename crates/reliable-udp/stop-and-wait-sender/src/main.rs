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

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use reliable_udp_core::arq::{Config, Mode};
use reliable_udp_core::link::parse_duration;

/// Lesson 9: sends a file over UDP, one packet per round trip (stop-and-wait, rdt 3.0).
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Receiver: cargo run -p stop-and-wait-receiver"
)]
struct Args {
    /// The receiver (or the lossy link in front of it): IP or name, and port
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_server_addr,
          default_value_t = common::defaults::STOP_AND_WAIT)]
    server: SocketAddr,

    /// The file to send; - reads stdin
    #[arg(long, value_name = "PATH", default_value = "-")]
    file: PathBuf,

    /// The retransmission timeout's floor (RFC 6298 says 1s; Linux's TCP uses 200ms)
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "200ms")]
    min_rto: Duration,

    /// The retransmission timeout's ceiling: back-off doubles it up to this (RFC 6298: 60s or more)
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "4s")]
    max_rto: Duration,

    /// Timeouts in a row, with nothing acknowledged, before giving up
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_retries: u32,

    /// Print a progress line every second on stderr
    #[arg(long)]
    progress: bool,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let data = reliable_udp_core::read_input(&args.file)?;
    let socket = common::client_udp(args.server)?;
    socket.connect(args.server)?;
    let config = Config {
        window: 1,
        mode: Mode::SelectiveRepeat,
        min_rto: args.min_rto,
        max_rto: args.max_rto,
        max_retries: args.max_retries,
        ..Config::default()
    };
    reliable_udp_core::transfer::send(&socket, data, config, args.progress)?;
    Ok(())
}

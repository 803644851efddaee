//! # Lesson 9: the sliding window, the sender (Go-Back-N or Selective Repeat)
//!
//! The same transfer as `stop-and-wait-sender`, with up to `--window` packets in flight
//! before the first is acknowledged, so a round trip carries a window of data instead of one
//! packet. On a loss, Go-Back-N (`--mode gbn`) sends the whole window again when the timer
//! runs out; Selective Repeat (`--mode sr`, the default) sends only the lost packet, on its
//! timer or as soon as three later packets are acknowledged (fast retransmit). Neither backs
//! off when the network is congested: the window stays the size you give, unless you ask for
//! congestion control (`--cc newreno`, lesson 10): then the window you give is a ceiling, and
//! the congestion window below it grows and shrinks with what the path carries.
//!
//! Run the receiver, the lossy link in front of it, then this:
//!
//! ```text
//! cargo run -p window-receiver
//! cargo run -p lossy-link -- --to 127.0.0.1:8088 --loss 5% --delay 20ms
//! cargo run -p window-sender -- --server 127.0.0.1:8086 --file Cargo.lock --window 32
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`; congestion control is
//! `lessons/10-sharing-the-link.md`.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use reliable_udp_core::cc::Algorithm;
use reliable_udp_core::cli::{ModeArg, SendOptions, Window};

/// Lesson 9: sends a file over UDP with a sliding window (Go-Back-N or Selective Repeat).
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Receiver: cargo run -p window-receiver (with the same --mode)"
)]
struct Args {
    #[command(flatten)]
    send: SendOptions<Window>,

    /// Packets in flight at most (1 is stop-and-wait)
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    window: u32,

    /// What to send again after a loss
    #[arg(long, value_enum, default_value = "sr")]
    mode: ModeArg,

    /// Congestion control: none (the window stays --window) or newreno (RFC 5681: slow start,
    /// congestion avoidance, halve once per loss event; --window is then its ceiling)
    #[arg(long, value_enum, default_value = "none")]
    cc: CcArg,

    /// With --cc newreno, write each change of the congestion window here, one line each:
    /// milliseconds since the start, then the window in bytes
    #[arg(long, value_name = "PATH")]
    cwnd_trace: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum CcArg {
    /// No congestion control: the window stays the size given
    None,
    /// NewReno (RFC 5681, RFC 9002 section 7.3)
    Newreno,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let mut config = args.send.config(args.window, args.mode.into());
    config.cc = match args.cc {
        CcArg::None => Algorithm::None,
        CcArg::Newreno => Algorithm::NewReno,
    };
    args.send.send_traced(config, args.cwnd_trace.as_deref())
}

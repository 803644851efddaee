//! # Lesson 9: the sliding window, the receiver (Go-Back-N or Selective Repeat)
//!
//! Receives files from `window-sender`. With Go-Back-N (`--mode gbn`) it keeps only the next
//! packet in order and answers anything else with the number it still waits for; with
//! Selective Repeat (`--mode sr`, the default) it keeps up to `--window` packets that arrive
//! early and delivers them once the gap before them is filled. Every file that arrives whole
//! is shown with its SHA-256; bad, copied and out-of-window datagrams are dropped and counted.
//!
//! Run it, then the sender (directly, or through `lossy-link`):
//!
//! ```text
//! cargo run -p window-receiver
//! cargo run -p window-sender -- --file Cargo.lock
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use clap::Parser;
use reliable_udp_core::cli::{Listen, ModeArg, Window};

/// Lesson 9: receives files sent with a sliding window (Go-Back-N or Selective Repeat).
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Sender: cargo run -p window-sender -- --file PATH"
)]
struct Args {
    #[command(flatten)]
    listen: Listen<Window>,

    /// Packets kept when they arrive early (Selective Repeat; at least the sender's window)
    #[arg(long, value_name = "N", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(1..=65536))]
    window: u32,

    /// What to keep of packets that arrive out of order
    #[arg(long, value_enum, default_value = "sr")]
    mode: ModeArg,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    args.listen.receive(args.mode.into(), args.window)
}

//! # Lesson 7: where UDP loses data, and where it does not
//!
//! Ports the "TCP与UDP对比" list and the notes that close the tutorial: a `recvfrom` smaller
//! than the datagram loses data, data sent while nobody calls `recvfrom` is "lost", one
//! `recvfrom` takes one `sendto` so UDP never glues messages together while TCP does. Each
//! claim becomes an experiment on loopback, with numbers:
//!
//! - `truncation`: a 2000-byte datagram read with a 1024-byte buffer.
//! - `no-receiver`: datagrams sent to a port no socket has bound.
//! - `late-receiver`: datagrams sent to a bound socket that reads only later.
//! - `boundaries`: three UDP sends against three TCP writes.
//! - `flood`: thousands of datagrams at a receiver that is not reading (no flow control).
//!
//! And one more, not run by default: `buffer-sweep` repeats the flood for receive buffers of
//! 4 KiB to 4 MiB and, with `--plot FILE.svg`, draws how many datagrams each kept.
//!
//! Run them all, in that order, or one by one (no server needed; ports are chosen by the OS;
//! each finishes in about a second):
//!
//! ```text
//! cargo run -p loss-demo
//! cargo run -p loss-demo -- flood --count 5000 --rcvbuf 1048576
//! ```
//!
//! Watch the packets from a second terminal (Linux): `sudo tcpdump -i lo -n udp`.
//!
//! You will see each experiment as `key: value` lines ending in a `meaning:` line, and for
//! `flood` a table such as:
//!
//! ```text
//!   | SO_RCVBUF asked | SO_RCVBUF set |    sent | received |    lost | lost % |
//!   |      OS default |        212992 |    2000 |       92 |    1908 |  95.4% |
//!   |         4194304 |       8388608 |    2000 |     2000 |       0 |   0.0% |
//! ```
//!
//! The walkthrough is `lessons/07-loss.md`.

use std::io::{self, Write};
use std::net::UdpSocket;
use std::sync::Mutex;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod boundaries;
mod flood;
mod late_receiver;
mod no_receiver;
mod sweep;
mod truncation;

/// How long a read waits before the demo decides nothing more is coming. Every read has a
/// timeout, so no experiment can hang.
pub const QUIET: Duration = Duration::from_millis(300);

/// Each experiment's name and the sentence it ended with, for the summary after all five
/// (the whole run is longer than a 24-line terminal).
static SUMMARY: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Lesson 7: UDP's losses and boundaries, measured on loopback.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Without a subcommand, runs all five in order.\nLesson: lessons/07-loss.md"
)]
struct Args {
    #[command(subcommand)]
    experiment: Option<Experiment>,
}

#[derive(Subcommand)]
enum Experiment {
    /// A 2000-byte datagram read with a 1024-byte buffer: the rest is gone
    Truncation,
    /// Datagrams sent to a port nobody has bound: sends succeed, nothing arrives
    NoReceiver,
    /// Datagrams sent before the receiver reads: they wait in its receive buffer
    LateReceiver,
    /// Three UDP sends are three receives; three TCP writes can be one read
    Boundaries,
    /// Blast datagrams at a receiver that is not reading: the overflow is dropped
    Flood(flood::Options),
    /// The flood again for each receive buffer size, 4 KiB to 4 MiB: datagrams kept against
    /// SO_RCVBUF (with --plot FILE.svg, as a chart)
    BufferSweep(sweep::Options),
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let mut out = io::stdout().lock();
    match args.experiment {
        Some(Experiment::Truncation) => truncation::run(&mut out)?,
        Some(Experiment::NoReceiver) => no_receiver::run(&mut out)?,
        Some(Experiment::LateReceiver) => late_receiver::run(&mut out)?,
        Some(Experiment::Boundaries) => boundaries::run(&mut out)?,
        Some(Experiment::Flood(options)) => flood::run(&mut out, &options)?,
        Some(Experiment::BufferSweep(options)) => sweep::run(&mut out, &options)?,
        None => {
            truncation::run(&mut out)?;
            no_receiver::run(&mut out)?;
            late_receiver::run(&mut out)?;
            boundaries::run(&mut out)?;
            flood::run(&mut out, &flood::Options::default())?;
            summary(&mut out)?;
        }
    }
    Ok(())
}

/// The error for a datagram that should have arrived on loopback but did not.
pub fn not_arrived(err: std::io::Error) -> common::Error {
    if common::is_timeout(&err) {
        common::Error::new(format!(
            "a datagram sent on loopback did not arrive within {} ms (is the machine very busy?)",
            QUIET.as_millis()
        ))
    } else {
        err.into()
    }
}

/// Every datagram that arrives on `socket` until none comes within its read timeout, each
/// shown as Python shows bytes.
pub fn receive_all(socket: &UdpSocket, buffer: &mut [u8]) -> Result<Vec<String>, common::Error> {
    let mut received = Vec::new();
    loop {
        match socket.recv_from(buffer) {
            Ok((n, _)) => received.push(common::show_bytes(&buffer[..n])),
            Err(err) if common::is_timeout(&err) => return Ok(received),
            Err(err) => return Err(err.into()),
        }
    }
}

/// Shown pieces, counted: `3: b'one' b'two' b'three'`.
pub fn counted(pieces: &[String]) -> String {
    format!("{}: {}", pieces.len(), pieces.join(" "))
}

/// A progress bar of `len` steps on stderr. indicatif draws it only when stderr is a
/// terminal: piped or redirected, the program prints exactly what it printed without it.
pub fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "  {spinner} [{bar:40}] {pos}/{len} {msg} ({elapsed})",
    ) {
        bar.set_style(style.progress_chars("=> ").tick_chars("-\\|/ "));
    }
    bar.set_message(what.to_owned());
    // Redrawn ten times a second, so the elapsed time moves during one long step.
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

/// The title line of an experiment: its subcommand's name and what it shows.
pub fn heading(out: &mut impl Write, name: &str, title: &str) -> io::Result<()> {
    let mut summary = SUMMARY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    summary.push((name.to_owned(), String::new()));
    writeln!(out)?;
    writeln!(out, "== {name}: {title}")
}

/// One narrated fact: `  key:          value`, the values aligned. Tests read these lines.
pub fn say(out: &mut impl Write, key: &str, value: impl AsRef<str>) -> io::Result<()> {
    writeln!(out, "  {:<14}{}", format!("{key}:"), value.as_ref())
}

/// The sentence that closes each experiment.
pub fn meaning(out: &mut impl Write, sentence: &str) -> io::Result<()> {
    let mut summary = SUMMARY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(last) = summary.last_mut() {
        last.1 = sentence.to_owned();
    }
    say(out, "meaning", sentence)?;
    out.flush()
}

/// After all five: each experiment's `meaning` again, one line each, so that a terminal too
/// short for the whole run still shows what every experiment found.
fn summary(out: &mut impl Write) -> io::Result<()> {
    let summary = SUMMARY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    writeln!(out)?;
    writeln!(
        out,
        "== summary: what each experiment showed (details above)"
    )?;
    for (name, sentence) in summary.iter() {
        writeln!(out, "  {:<15}{sentence}", format!("{name}:"))?;
    }
    out.flush()
}

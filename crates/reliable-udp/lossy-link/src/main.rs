//! # Lesson 9: the lossy link
//!
//! A UDP relay that stands between any client and any UDP server of the course and does to
//! their datagrams what a bad network does: loses some, delays them, copies some, lets some
//! overtake others, flips a bit in some (`--corrupt`), and (with `--rate`) carries only so many bytes per second through a queue
//! that drops what does not fit. Linux's netem does this in the kernel; this program does it
//! on every system, and `--seed` makes a run repeat exactly.
//!
//! Run it in front of the lesson 1 echo server (started first, in another terminal):
//!
//! ```text
//! cargo run -p udp-echo-server
//! cargo run -p lossy-link -- --loss 30% --delay 20ms --seed 7
//! ```
//!
//! Then talk to the link instead of the server:
//!
//! ```text
//! cargo run -p udp-echo-client -- --server 127.0.0.1:8086
//! cargo run -p udp-ping
//! ```
//!
//! You will see one line per new client, and what the link did when you press Ctrl-C:
//!
//! ```text
//! listening on udp://127.0.0.1:8086
//! relaying to udp://127.0.0.1:8080
//! new client 127.0.0.1:51234, speaking to the server from 127.0.0.1:40001
//! client -> server: 10 received (...), 7 forwarded (...), 3 lost, ...
//! ```
//!
//! Anyone can send it a datagram, so it keeps limits (lesson 9's attack table): it refuses
//! datagrams "from" its own sockets or from its `--to` server (a loop), from a service port
//! below 1024, or coming back from another client a moment after it sent them on (a ring of
//! links); it serves 256 clients at most and forgets one silent for `--idle`; and at most
//! 32 MiB of datagrams wait for their time. Each refusal is counted in the final report.
//!
//! With `--pcap run.pcap` it also records every datagram it receives and every copy it sends,
//! on both legs, in a file that tcpdump and Wireshark open (no root needed: the link sees them
//! all anyway); with `--diagram run.svg` it draws the run, when it stops, as a time-sequence
//! diagram (`src/diagram.rs`).
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

mod diagram;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use reliable_udp_core::link::{Impairment, parse_duration, parse_percent, parse_rate};
use reliable_udp_core::pcap::{self, Capture};
use reliable_udp_core::relay::{Limits, Relay};

/// Lesson 9: a UDP relay that loses, delays, copies, reorders and rate-limits datagrams.
#[derive(Parser)]
#[command(
    version,
    after_help = "Every setting applies to both directions, unless --reply-loss says otherwise.\n\
                  Lesson: lessons/09-reliable-udp.md\n\
                  Try it: cargo run -p udp-echo-server, then this, then cargo run -p udp-ping"
)]
struct Args {
    /// Where clients send: IP and port, like 127.0.0.1:8086 or [::1]:8086 (port 0 picks one)
    #[arg(long, visible_alias = "listen", value_name = "HOST:PORT",
          value_parser = common::parse_addr, default_value_t = common::defaults::LOSSY_LINK)]
    addr: SocketAddr,

    /// The server the datagrams go on to (the lesson 1 echo server by default)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_server_addr,
          default_value_t = common::defaults::UDP_ECHO)]
    to: SocketAddr,

    /// Chance that a datagram is lost, like 10% (each direction)
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "0%")]
    loss: f64,

    /// Chance that a reply (server to client) is lost, if not the same as --loss
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    reply_loss: Option<f64>,

    /// Time added to every datagram, like 20ms (each direction: a round trip gains twice this)
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "0ms")]
    delay: Duration,

    /// Up to this much more or less delay, at random, like 5ms
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "0ms")]
    jitter: Duration,

    /// Chance that a datagram is delivered twice, like 1%
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "0%")]
    duplicate: f64,

    /// Chance that a datagram is held back 10 ms (plus --delay) so later ones overtake it
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "0%")]
    reorder: f64,

    /// Bytes per second each direction carries at most, like 100KB or 8Mbit (no limit if absent)
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    rate: Option<u64>,

    /// Datagrams that may wait for --rate; the next one is dropped (a tail drop)
    #[arg(long, value_name = "N", default_value_t = 64)]
    queue: usize,

    /// Seed of the random choices: the same seed and the same traffic give the same run
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Forget a client after this long without a datagram either way (its socket and thread
    /// go; it gets a new one if it speaks again)
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "30s")]
    idle: Duration,

    /// Stop after this long and print what the link did (otherwise run until Ctrl-C)
    #[arg(long, value_name = "TIME", value_parser = parse_duration)]
    duration: Option<Duration>,

    /// Chance that a datagram sent on has one bit flipped, like 1% (our receivers' CRC-32
    /// rejects it)
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, default_value = "0%")]
    corrupt: f64,

    /// Record every datagram received and every copy sent, both legs, in this pcap file
    /// (tcpdump -r FILE, or open it in Wireshark); a lost datagram has no copy sent on
    #[arg(long, value_name = "FILE.pcap")]
    pcap: Option<PathBuf>,

    /// The pcap file grows to this size at most, like 64MB; later datagrams are left out (the
    /// report says how many)
    #[arg(long, value_name = "SIZE", value_parser = pcap::parse_size,
          default_value_t = pcap::DEFAULT_LIMIT)]
    pcap_limit: u64,

    /// When the link stops, draw the run it recorded (--pcap) as a time-sequence diagram
    #[arg(long, value_name = "FILE.svg", requires = "pcap")]
    diagram: Option<PathBuf>,

    /// The diagram's title (otherwise it counts the datagrams and the lost ones)
    #[arg(long, value_name = "TEXT", requires = "diagram")]
    title: Option<String>,
}

/// `--pcap` and `--diagram`: what to do with the capture when the link stops.
struct Recording {
    capture: Arc<Capture>,
    pcap: PathBuf,
    diagram: Option<PathBuf>,
    title: Option<String>,
    server: SocketAddr,
    command: String,
}

impl Recording {
    /// Completes the file, draws the diagram if asked, and says what was done.
    fn finish(&self) -> Result<String, common::Error> {
        self.capture.finish(Duration::from_secs(10))?;
        let mut said = format!("{}, to {}", self.capture.summary(), self.pcap.display());
        if let Some(path) = &self.diagram {
            let bytes = std::fs::read(&self.pcap)
                .map_err(|err| format!("cannot read {}: {err}", self.pcap.display()))?;
            let packets = pcap::read(&bytes)?;
            let drawing = diagram::diagram(&packets, self.server, self.title.as_deref());
            plots::sequence::write_svg(path, &drawing, &self.command)?;
            said.push_str(&format!("\ndiagram drawn to {}", path.display()));
        }
        Ok(said)
    }
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let up = Impairment {
        loss: args.loss,
        delay: args.delay,
        jitter: args.jitter,
        duplicate: args.duplicate,
        reorder: args.reorder,
        rate: args.rate,
        queue: args.queue,
        corrupt: args.corrupt,
    };
    let down = Impairment {
        loss: args.reply_loss.unwrap_or(args.loss),
        ..up.clone()
    };

    // The client-facing socket, bound and announced like every server of the course.
    let front = common::bind_udp(args.addr)?;
    common::announce_udp(&front)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "relaying to udp://{}", args.to)?;
    stdout.flush()?;

    let limits = Limits {
        idle: args.idle,
        ..Limits::default()
    };
    let relay = Relay::with_limits(front, args.to, up, down, args.seed, limits)?;
    let recording = match &args.pcap {
        Some(path) => {
            let capture = Capture::create(path, args.pcap_limit)?;
            let _ = relay.capture_to(Arc::clone(&capture));
            Some(Arc::new(Recording {
                capture,
                pcap: path.clone(),
                diagram: args.diagram.clone(),
                title: args.title.clone(),
                server: args.to,
                command: plots::this_command("lossy-link"),
            }))
        }
        None => None,
    };
    let finish = move || -> Result<String, common::Error> {
        recording
            .as_ref()
            .map_or(Ok(String::new()), |r| r.finish().map(|said| said + "\n"))
    };

    // Ctrl-C: print what the link did, then end. (The handler runs on a thread of its own.)
    let on_ctrl_c = relay.clone();
    let finish_on_ctrl_c = finish.clone();
    ctrlc::set_handler(move || {
        let mut stdout = std::io::stdout();
        let recorded = finish_on_ctrl_c().unwrap_or_else(|err| format!("{err}\n"));
        // Nothing more can be done if the report cannot be written: end all the same.
        let _ = writeln!(stdout, "{recorded}{}", on_ctrl_c.report()).and_then(|()| stdout.flush());
        std::process::exit(0);
    })
    .map_err(|err| format!("cannot catch Ctrl-C: {err}"))?;

    if let Some(duration) = args.duration {
        let stopper = relay.clone();
        std::thread::spawn(move || {
            std::thread::sleep(duration);
            stopper.stop();
        });
    }

    // Serve until stopped, telling of each new client: its datagrams go to the server from a
    // socket of its own, so that the server's replies can find their way back.
    relay.run(|client, via| {
        writeln!(
            stdout,
            "new client {client}, speaking to the server from {via}"
        )?;
        stdout.flush()
    })?;
    let recorded = finish()?;
    writeln!(stdout, "{recorded}{}", relay.report())?;
    Ok(())
}

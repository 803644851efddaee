//! # How fast is lesson 1's server? A load generator for UDP echo servers
//!
//! Not a port of the tutorial: it answers the question students ask after lesson 1, "how
//! fast is this, and why is the Rust server faster than the Python one?", with numbers from
//! their own machine. It works with any UDP server that sends back each datagram
//! upper-cased: ours, the tutorial's Python one, or the C loop beside it (`c/echo_loop.c`).
//!
//! It is a *closed loop*: it keeps `--window` requests in flight, and sends a new one each
//! time one is answered. A request not answered within 200 ms counts as lost and is replaced.
//! Every reply is checked: it must be its request upper-cased.
//!
//! Run a server built for speed, without its per-sender budget of 1000 replies a second (the
//! bench is one sender at far more than that), and the bench against it:
//!
//! ```text
//! cargo run --release -p udp-echo-server -- --quiet --max-replies-per-peer 0
//! cargo run --release -p udp-echo-bench
//! ```
//!
//! You will see one line, such as (on a 2-core virtual machine, server and bench each pinned
//! to its own core with `taskset`):
//!
//! ```text
//! 248685 replies/s, round trip median 59 µs, p99 136 µs, lost 0, wrong 0 (746071 replies to 746071 requests to 127.0.0.1:8080, window 16, 64 bytes, 3.0 s)
//! ```
//!
//! `crates/udp-echo/bench/compare.sh` runs the whole comparison of the README's "Performance"
//! section; the lesson is `lessons/01-udp-echo.md`.

mod request;
mod stats;
mod window;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Parser;

use request::{Reply, check_reply, make_request};
use stats::{Summary, percentile};
use window::Window;

/// A request not answered within this time is lost (and replaced by a new one).
const LOSS_TIMEOUT: Duration = Duration::from_millis(200);

/// When nothing arrives, wake up this often to look for lost requests.
const TICK: Duration = Duration::from_millis(10);

/// Measures a UDP echo server: replies per second, round trip, lost and wrong replies.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/01-udp-echo.md (and the README's \"Performance\" section)\n\
                  Start a server first: cargo run --release -p udp-echo-server -- --quiet --max-replies-per-peer 0"
)]
struct Args {
    /// The echo server to measure: IP and port, like 127.0.0.1:8080 or [::1]:8080
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::UDP_ECHO)]
    server: SocketAddr,

    /// How many requests are in flight at once (1 measures latency, more measure throughput)
    #[arg(long, default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    window: u16,

    /// Bytes per request (at least 16: each starts with its number; lesson 1's server cuts
    /// anything over 1024)
    #[arg(long, default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(16..=65_507))]
    size: u32,

    /// How long to measure, in seconds (fractions allowed: 0.5)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds,
          default_value = "3")]
    duration: Duration,

    /// Send exactly this many requests instead of running for --duration (e.g. to count
    /// system calls over a fixed number of datagrams)
    #[arg(long, conflicts_with = "duration")]
    count: Option<u64>,

    /// Print the summary as one JSON object, for scripts
    #[arg(long)]
    json: bool,

    /// A name for the server measured, written into the JSON (compare.sh passes each
    /// server's; `cargo run -p plots -- udp-echo` draws one line per name)
    #[arg(long, value_name = "NAME")]
    label: Option<String>,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let summary = run(&args)?;
    let text = if args.json {
        summary.json()
    } else {
        summary.line()
    };
    writeln!(io::stdout(), "{text}")?;
    if summary.replies == 0 && summary.wrong == 0 {
        return Err(format!(
            "no reply from {}: is a UDP echo server listening there?",
            args.server
        )
        .into());
    }
    Ok(())
}

/// One closed-loop run.
fn run(args: &Args) -> Result<Summary, common::Error> {
    let window_size = usize::from(args.window);
    let size = args.size as usize;

    // A connected UDP socket: the OS passes up only the server's datagrams, and send/recv
    // need no address. If nobody listens, Linux tells us (ECONNREFUSED from the ICMP error).
    let socket = common::client_udp(args.server)?;
    socket.connect(args.server)?;
    socket.set_read_timeout(Some(TICK))?;

    let mut waiting = Window::with_capacity(window_size);
    let mut request = Vec::with_capacity(size);
    let mut reply = vec![0u8; 65_536];
    let mut round_trips = Vec::with_capacity(1 << 16);
    let (mut sent, mut lost, mut wrong, mut late) = (0u64, 0u64, 0u64, 0u64);

    let start = Instant::now();
    let stop = start + args.duration;
    let may_send = |sent: u64, now: Instant| match args.count {
        Some(count) => sent < count,
        None => now < stop,
    };
    let mut last_reply = start;
    let mut last_check = start;
    let mut now = start;

    // On a terminal, a bar on stderr: the time measured so far, or the requests sent. It is
    // moved only every TICK, so drawing it costs the measurement nothing; piped, it is hidden.
    let progress = match args.count {
        Some(count) => indicatif::ProgressBar::new(count),
        None => indicatif::ProgressBar::new(args.duration.as_millis() as u64),
    };
    let template = match args.count {
        Some(_) => "[{bar:40}] {pos}/{len} requests sent, {msg}",
        None => "[{bar:40}] {elapsed}/{duration} measured, {msg}",
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        progress.set_style(style.progress_chars("=> "));
    }

    loop {
        // Keep the window full: one new request for each one answered or lost.
        while waiting.len() < window_size && may_send(sent, now) {
            make_request(sent, size, &mut request);
            match socket.send(&request) {
                Ok(_) => {}
                // Nobody listening (yet): the request counts as sent, and will be lost.
                Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {}
                Err(err) => return Err(format!("send failed: {err}").into()),
            }
            waiting.sent(sent, now);
            sent += 1;
        }
        if waiting.is_empty() && !may_send(sent, now) {
            break;
        }

        let received = socket.recv(&mut reply);
        now = Instant::now();
        match received {
            Ok(len) => match check_reply(&reply[..len], size, sent) {
                Reply::Right(seq) => match waiting.answered(seq) {
                    Some(sent_at) => {
                        round_trips.push(now - sent_at);
                        last_reply = now;
                    }
                    None => late += 1,
                },
                Reply::Wrong(seq) => {
                    wrong += 1;
                    // Answered, if wrongly: stop waiting for it.
                    if let Some(seq) = seq {
                        waiting.answered(seq);
                    }
                }
            },
            Err(err) if common::is_timeout(&err) => {}
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(err) => return Err(format!("receive failed: {err}").into()),
        }

        if now - last_check >= TICK {
            lost += waiting.expire(now, LOSS_TIMEOUT) as u64;
            last_check = now;
            match args.count {
                Some(_) => progress.set_position(sent),
                None => progress.set_position((now - start).as_millis() as u64),
            }
            progress.set_message(format!("{} replies", round_trips.len()));
        }
    }
    progress.finish_and_clear();

    round_trips.sort_unstable();
    let replies = round_trips.len() as u64;
    Ok(Summary {
        server: args.server,
        label: args.label.clone(),
        window: window_size,
        size,
        // The rate counts the time in which the replies came, not the wait for lost ones.
        elapsed: if replies > 0 {
            last_reply - start
        } else {
            now - start
        },
        sent,
        replies,
        median: percentile(&round_trips, 50.0),
        p99: percentile(&round_trips, 99.0),
        lost,
        wrong,
        late,
    })
}

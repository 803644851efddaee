//! # Lesson 9: the UDP pinger (the Kurose-Ross socket lab)
//!
//! Sends `--count` numbered pings (`Ping 1 <time>`) to a UDP echo server, waits at most
//! `--timeout` for each reply, and prints each like `ping` does; at the end, the loss and the
//! round-trip times (min/avg/max/mdev). Beside each reply it shows RFC 6298's estimate as it
//! evolves: the smoothed RTT, its variation, and the retransmission timeout a reliable
//! protocol would use on this path.
//!
//! Run the lesson 1 echo server, the lossy link in front of it, then this:
//!
//! ```text
//! cargo run -p udp-echo-server
//! cargo run -p lossy-link -- --loss 30% --delay 20ms
//! cargo run -p udp-ping
//! ```
//!
//! You will see (times vary):
//!
//! ```text
//! PING 127.0.0.1:8086: 10 pings, waiting 1 s for each
//! reply from 127.0.0.1:8086: seq=1 time=41.2 ms   srtt=41.2 rttvar=20.6 rto=200 ms
//! seq=2: request timed out
//! ...
//! --- 127.0.0.1:8086 ping statistics ---
//! 10 sent, 6 received, 40.0% loss
//! rtt min/avg/max/mdev = 40.6/41.1/41.9/0.4 ms
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use reliable_udp_core::rto::RttEstimator;

/// Lesson 9: numbered UDP pings to an echo server, with loss, RTTs and the RFC 6298 RTO.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Try it: cargo run -p udp-echo-server, cargo run -p lossy-link, then this"
)]
struct Args {
    /// The echo server (or the lossy link in front of it): IP or name, and port
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_server_addr,
          default_value_t = common::defaults::LOSSY_LINK)]
    server: SocketAddr,

    /// How many pings to send
    #[arg(long, short = 'c', default_value_t = 10)]
    count: u32,

    /// Seconds to wait for each reply (the lab's one second)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds,
          default_value = "1")]
    timeout: Duration,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let mut out = io::stdout();
    // A connected socket: replies from anyone else are filtered out by the OS, and a closed
    // port is reported to us (ICMP port unreachable) instead of being silent.
    let socket = common::client_udp(args.server)?;
    socket.connect(args.server)?;
    writeln!(
        out,
        "PING {}: {} pings, waiting {} s for each",
        args.server,
        args.count,
        args.timeout.as_secs_f64()
    )?;

    let mut estimator = RttEstimator::new(Duration::from_millis(200), Duration::from_secs(60));
    let mut sent_at: HashMap<u32, Instant> = HashMap::new();
    let mut rtts: Vec<f64> = Vec::new();
    let mut buffer = [0u8; common::BUFFER_SIZE];

    for seq in 1..=args.count {
        // The lab's message: "Ping <sequence number> <time>", one ASCII line.
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let message = format!("Ping {seq} {wall:.6}");
        let start = Instant::now();
        sent_at.insert(seq, start);
        if let Err(err) = socket.send(message.as_bytes()) {
            writeln!(
                out,
                "seq={seq}: cannot send: {}",
                explain(&err, args.server)
            )?;
            continue;
        }
        // Wait for this ping's reply until the deadline; a late reply to an earlier ping is
        // shown and skipped (its ping was already counted as lost).
        let deadline = start + args.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                writeln!(out, "seq={seq}: request timed out")?;
                break;
            }
            socket.set_read_timeout(Some(left))?;
            let len = match socket.recv(&mut buffer) {
                Ok(len) => len,
                Err(err) if common::is_timeout(&err) => {
                    writeln!(out, "seq={seq}: request timed out")?;
                    break;
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    writeln!(out, "seq={seq}: {}", explain(&err, args.server))?;
                    break;
                }
            };
            let got = reply_seq(&buffer[..len]);
            if got != Some(seq) {
                match got.and_then(|n| sent_at.get(&n).map(|t| (n, t))) {
                    Some((n, t)) => writeln!(
                        out,
                        "late reply to seq={n} after {:.1} ms (ignored)",
                        t.elapsed().as_secs_f64() * 1000.0
                    )?,
                    None => writeln!(out, "a reply that is not one of our pings (ignored)")?,
                }
                continue;
            }
            let rtt = start.elapsed();
            // Each ping is sent once, so every reply is a valid RTT sample (Karn's rule only
            // matters when a packet is sent again).
            estimator.sample(rtt);
            rtts.push(rtt.as_secs_f64() * 1000.0);
            writeln!(
                out,
                "reply from {}: seq={seq} time={:.1} ms   srtt={:.1} rttvar={:.1} rto={:.0} ms",
                args.server,
                rtt.as_secs_f64() * 1000.0,
                estimator.srtt().unwrap_or(rtt).as_secs_f64() * 1000.0,
                estimator.rttvar().as_secs_f64() * 1000.0,
                estimator.rto().as_secs_f64() * 1000.0,
            )?;
            break;
        }
    }

    writeln!(out, "--- {} ping statistics ---", args.server)?;
    let received = rtts.len() as u32;
    let loss = 100.0 * f64::from(args.count - received) / f64::from(args.count.max(1));
    writeln!(
        out,
        "{} sent, {received} received, {loss:.1}% loss",
        args.count
    )?;
    if !rtts.is_empty() {
        let n = rtts.len() as f64;
        let min = rtts.iter().copied().fold(f64::INFINITY, f64::min);
        let max = rtts.iter().copied().fold(0.0, f64::max);
        let avg = rtts.iter().sum::<f64>() / n;
        // mdev as Linux ping computes it: the standard deviation of the RTTs.
        let mdev = (rtts.iter().map(|r| (r - avg) * (r - avg)).sum::<f64>() / n).sqrt();
        writeln!(
            out,
            "rtt min/avg/max/mdev = {min:.1}/{avg:.1}/{max:.1}/{mdev:.1} ms"
        )?;
        if let Some(formula) = estimator.unclamped_rto() {
            writeln!(
                out,
                "rfc 6298: srtt {:.1} ms, rttvar {:.1} ms, rto {:.0} ms (the formula alone gives \
                 {:.1} ms; the floor is 200 ms)",
                estimator.srtt().unwrap_or_default().as_secs_f64() * 1000.0,
                estimator.rttvar().as_secs_f64() * 1000.0,
                estimator.rto().as_secs_f64() * 1000.0,
                formula.as_secs_f64() * 1000.0
            )?;
        }
    }
    Ok(())
}

/// The sequence number of an echoed ping. The lesson 1 server upper-cases it: `PING 3 ...`.
fn reply_seq(reply: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(reply).ok()?;
    let mut words = text.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("ping") {
        return None;
    }
    words.next()?.parse().ok()
}

fn explain(err: &io::Error, server: SocketAddr) -> String {
    if err.kind() == io::ErrorKind::ConnectionRefused || common::is_stale_icmp_error(err) {
        format!("port unreachable: nothing listens at {server}")
    } else {
        err.to_string()
    }
}

//! # Lesson 1: the UDP echo server
//!
//! Ports the server half of the tutorial's first UDP example (section 一, "udp套接字简单示例"):
//! bind a datagram socket, then loop forever: receive one datagram of at most 1024 bytes,
//! print it and who sent it, and send it back upper-cased to that sender.
//!
//! Run it:
//!
//! ```text
//! cargo run -p udp-echo-server
//! ```
//!
//! Talk to it from a second terminal, with the lesson's client or with netcat:
//!
//! ```text
//! cargo run -p udp-echo-client
//! nc -u 127.0.0.1 8080
//! ```
//!
//! You will see, for `hello` and then an empty line typed in the client:
//!
//! ```text
//! listening on udp://127.0.0.1:8080
//! from 127.0.0.1:51234: b'hello'
//! from 127.0.0.1:51234: b''
//! ```
//!
//! Some datagrams get no reply, because UDP lets a sender forge its address: one that claims
//! to come from the server itself or from a well-known service's port below 1024 (echo 7,
//! chargen 19, NTP 123 ...), and any past a sender's 1000th reply in a second (that sender
//! is then ignored for a second). So one forged datagram cannot make it answer itself, or
//! another server, for ever; each refusal is said on stderr, `from ADDR: not answered: WHY`.
//! The log shows at most 20 lines a second and sums up the rest of that second in one line,
//! and so does stderr:
//! `... and 490 more lines in that second (not shown)`. Listening beyond loopback
//! (`--addr 0.0.0.0:8080`) is said on stderr.
//!
//! With `--quiet` it logs nothing per datagram, for measuring its speed with
//! `cargo run --release -p udp-echo-bench`, which needs `--max-replies-per-peer 0` too (see
//! the README's "Performance" section).
//!
//! The walkthrough is `lessons/01-udp-echo.md`.

use std::io::{self, ErrorKind, Write};
use std::net::SocketAddr;

use clap::Parser;

/// Lesson 1: a UDP server that sends every datagram back upper-cased.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/01-udp-echo.md\nTalk to it: cargo run -p udp-echo-client (or nc -u 127.0.0.1 8080)"
)]
struct Args {
    /// Where to listen: IP and port, like 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::UDP_ECHO)]
    addr: SocketAddr,

    /// Log nothing per datagram (for measuring speed; see udp-echo-bench)
    #[arg(long)]
    quiet: bool,

    /// Replies one sender may get per second; past that it is ignored for a second, which
    /// ends a loop between two servers (0: no limit, for udp-echo-bench)
    #[arg(long, value_name = "N", default_value_t = common::ReplyGuard::DEFAULT_PER_SECOND)]
    max_replies_per_peer: u32,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port). There is no listen() and no accept():
    // UDP has no connections, so data can arrive the moment the socket is bound.
    let server = common::bind_udp(args.addr)?;
    common::announce_udp(&server)?;

    // The log is line-buffered on a terminal and written in blocks to a pipe or a file, as
    // C and Python do it (Rust's stdout alone would make one write per line). Lines held in
    // a block are written as soon as no datagram has come for a moment: the read timeout.
    let mut log = common::Log::stdout();
    if !args.quiet {
        server.set_read_timeout(Some(common::Log::IDLE))?;
    }

    // A sender can forge its address. Some we never answer (ourselves, a well-known service's
    // port), and none gets more than its budget of replies: one forged datagram must not make
    // us answer ourselves, or another server, for ever (the echo/chargen loop).
    let mut guard = common::ReplyGuard::for_socket(&server, args.max_replies_per_peer)?;

    // The log shows one line per datagram at the rate a person types; past 20 lines a second,
    // the rest of that second is counted and summed up in one line, so a flood cannot flood
    // the log too. Refusals and errors on stderr are limited the same way.
    let mut errors = common::LogLimit::new(common::LogLimit::LINES_PER_SECOND, "lines");

    let mut buffer = [0u8; common::BUFFER_SIZE];
    loop {
        errors.flush_summary(&mut io::stderr())?;

        // recvfrom(buffer_size): exactly one datagram per call, and the address it came from.
        // A datagram longer than the buffer is cut to fit by the OS; we are told it was.
        let datagram = match common::recv_datagram(&server, &mut buffer) {
            Ok(datagram) => datagram,
            // Nothing arrived for a moment (or Ctrl-Z and `fg` cut the wait short, which a
            // receive with a timeout reports as "interrupted"): show the log lines held so far.
            Err(err) if common::is_timeout(&err) || err.kind() == ErrorKind::Interrupted => {
                log.flush()?;
                continue;
            }
            // Windows only: a reply we sent earlier bounced off a client that had quit.
            Err(err) if common::is_stale_icmp_error(&err) => continue,
            // Nothing a peer sends may stop the server: report it and receive again.
            Err(err) => {
                if errors.allow(&mut io::stderr())? {
                    eprintln!("receive failed: {err} (still serving)");
                }
                continue;
            }
        };
        let data = &mut buffer[..datagram.len];

        if let Err(refusal) = guard.check(datagram.from) {
            if !refusal.already_said() && errors.allow(&mut io::stderr())? {
                eprintln!("from {}: not answered: {refusal}", datagram.from);
            }
            continue;
        }

        // print(data), unless --quiet: shown like Python's bytes, so b'' makes an empty
        // datagram visible.
        if !args.quiet {
            writeln!(log, "from {}: {}", datagram.from, common::ShowBytes(data))?;
            if let Some(note) = datagram.truncation_note() {
                writeln!(log, "  {note}")?;
            }
        }

        // data.upper(): like Python's bytes.upper(), only a-z change; every other byte,
        // UTF-8 or not, passes unchanged. An empty datagram stays empty.
        data.make_ascii_uppercase();

        // sendto(data, addr): with no connection, every reply must name its receiver.
        if let Err(err) = server.send_to(data, datagram.from) {
            if errors.allow(&mut io::stderr())? {
                eprintln!(
                    "could not reply to {}: {err} (still serving)",
                    datagram.from
                );
            }
        }
    }
}

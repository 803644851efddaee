//! # Lesson 1: the UDP echo server
//!
//! The server of the tutorial's first UDP example (section 一, "udp套接字简单示例"): bind a
//! datagram socket, then for ever receive one datagram of at most 1024 bytes, print it and
//! its sender, and send it back upper-cased. `examples/udp-echo-server.rs` is the tutorial's
//! program as it wrote it; this one adds the defences of `crates/guard`, one call each.
//!
//! ```text
//! cargo run -p udp-echo-server
//! cargo run -p udp-echo-client        (or: nc -u 127.0.0.1 8080)
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
//! A forged sender (this server itself, a service port below 1024) and a sender past 1000
//! replies a second get no reply, said on stderr; the log and stderr show at most 20 lines a
//! second and sum up the rest. `--quiet` logs nothing, for udp-echo-bench. The walkthrough is
//! `lessons/01-udp-echo.md`.

use clap::Parser;

/// Lesson 1: a UDP server that sends every datagram back upper-cased.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/01-udp-echo.md\nTalk to it: cargo run -p udp-echo-client (or nc -u 127.0.0.1 8080)"
)]
struct Args {
    #[command(flatten)]
    listen: address_flags::Listen<{ common::defaults::UDP_ECHO.port() }>,

    /// Log nothing per datagram (for measuring speed; see udp-echo-bench)
    #[arg(long)]
    quiet: bool,

    /// Replies one sender may get per second; past that it is ignored for a second, which
    /// ends a loop between two servers (0: no limit, for udp-echo-bench)
    #[arg(long, value_name = "N", default_value_t = guard::ReplyGuard::DEFAULT_PER_SECOND)]
    max_replies_per_peer: u32,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port). There is no listen() and no accept():
    // UDP has no connections, so data can arrive the moment the socket is bound.
    let server = common::bind_udp(args.listen.addr)?;
    common::announce_udp(&server)?;

    // What the tutorial does not defend against: forged senders, floods of datagrams and of
    // log lines, failed receives. --quiet: no log, so each datagram costs two system calls.
    let mut guard = guard::Guard::new(&server, args.max_replies_per_peer)?;
    if args.quiet {
        guard.quiet(&server)?;
    }

    let mut buffer = [0u8; common::BUFFER_SIZE];
    loop {
        // recvfrom(buffer_size): exactly one datagram, and the address it came from.
        let Some(datagram) = guard.recv_from(&server, &mut buffer)? else {
            continue;
        };
        // Never answer a forged or flooding sender: that is how endless loops start.
        if !guard.admit(datagram.from) {
            continue;
        }
        let (data, from) = (&mut buffer[..datagram.len], datagram.from);

        // print(data): like Python's bytes, so an empty datagram shows as b''.
        guard.log(format_args!("from {from}: {}", common::ShowBytes(data)))?;
        guard.log_truncation(&datagram)?;

        // data.upper(): like Python's bytes.upper(), only a-z change; other bytes pass.
        data.make_ascii_uppercase();

        // sendto(data, addr): with no connection, every reply must name its receiver.
        guard.sent(server.send_to(data, from), from);
    }
}

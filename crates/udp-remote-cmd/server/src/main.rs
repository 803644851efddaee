//! # Lesson 5: the remote-command server over UDP
//!
//! The tutorial's remote commands again, over UDP (利用UDP来实现上述远程操作): for ever
//! receive one datagram holding a command line, run it in the shell, and send back one
//! datagram with its error output if there is any, else its normal output, else 执行成功,
//! encoded as GBK. A reply too big for one datagram (65507 bytes over IPv4) is cut to fit,
//! with a note at its end, never split.
//!
//! ```text
//! cargo run -p udp-remote-cmd-server
//! cargo run -p udp-remote-cmd-client
//! ```
//!
//! You will see, when the client types `echo 你好`:
//!
//! ```text
//! listening on udp://127.0.0.1:8084
//! command from 127.0.0.1:52110: b'echo \xe4\xbd\xa0\xe5\xa5\xbd'
//! ```
//!
//! Commands run one at a time, as in the tutorial. A reader thread (src/reader.rs) receives
//! all the time, so that requests past `--max-queue` are answered "busy" rather than left to
//! fill the socket's buffer while a command runs. Its guard (`crates/guard`) runs nothing for a
//! forged sender (this server itself, a service port below 1024) and gives one sender at most
//! 20 replies a second. The walkthrough is `lessons/05-udp-remote-cmd.md`.

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering;
use std::time::Instant;

use clap::Parser;
use remote_cmd_runner::{Limits, Transport, WireEncoding};

mod reader;

/// Lesson 5: a UDP server that runs each command it receives and sends back the output.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/05-udp-remote-cmd.md\n\
                  Talk to it: cargo run -p udp-remote-cmd-client\n\
                  Anyone who can send it a datagram can run commands as you: it listens on loopback only unless --allow-remote."
)]
struct Args {
    #[command(flatten)]
    listen: address_flags::Listen<{ common::defaults::UDP_REMOTE_CMD.port() }>,

    /// How replies are encoded on the wire (commands always arrive as UTF-8)
    #[arg(long, value_enum, default_value_t = WireEncoding::Gbk)]
    encoding: WireEncoding,

    #[command(flatten)]
    limits: Limits,

    /// How many requests may wait while a command runs; more are answered "busy" at once, so
    /// no request waits longer than (max-queue + 1) x --timeout
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(0..=1000))]
    max_queue: u16,

    /// Allow a non-loopback --addr: then anyone who can reach the port can run commands as
    /// you, and a forged sender address can aim the replies at someone else
    #[arg(long)]
    allow_remote: bool,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // Loopback only unless --allow-remote; a refusal exits with status 2 (a usage error).
    let verdict =
        remote_cmd_runner::check_exposure(args.listen.addr, args.allow_remote, Transport::Udp);
    common::enforce_exposure(verdict);

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port): no listen, no accept, no connections.
    let server = common::bind_udp(args.listen.addr)?;
    common::announce_udp(&server)?;
    let limits = args.limits;

    // recvfrom happens in the reader thread: while a command runs, nobody else would read
    // the socket, and past its buffer the OS drops datagrams without a word to anyone.
    let (requests, taken) = reader::spawn(&server, args.max_queue, args.encoding)?;
    // Failed sends on stderr, at most 20 lines a second (the reader has its own limit).
    let mut stderr = guard::Stderr::new();

    // The tutorial's loop, one command at a time, in the order the requests came.
    for request in requests {
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        let command = common::ShowBytes(&request.command);
        writeln!(
            std::io::stdout(),
            "command from {}: {command}",
            request.from
        )?;
        // --timeout is one budget for running the command and encoding its reply.
        let deadline = Instant::now() + limits.timeout;
        let reply = match &request.cut {
            // A command cut at 1024 bytes is another command: `rm -rf /tmp/x/y` cut short
            // could be `rm -rf /`. Refuse it rather than run what is left.
            Some(note) => reader::refuse_cut(note),
            // Popen(cmd, shell=True, ...) and the choice: stderr, else stdout, else 执行成功.
            None => remote_cmd_runner::respond(&request.command, limits, deadline),
        };
        // sendto(cmd_res, addr): one datagram, back to where the command came from.
        let sent = send_reply(&server, &reply, args.encoding, request.from, deadline);
        stderr.sent(sent, request.from);
        taken.fetch_sub(1, Ordering::SeqCst);
    }
    // The reader only stops if its line is gone, and that is this loop: not reached.
    Ok(())
}

/// One reply, one datagram, to `to` (also the reader's "busy").
fn send_reply(
    server: &UdpSocket,
    reply: &str,
    encoding: WireEncoding,
    to: SocketAddr,
    deadline: Instant,
) -> std::io::Result<usize> {
    // One datagram can carry at most 65507 bytes: cut the reply to fit (with a note),
    // because a second datagram would be read as the answer to the client's next command.
    let reply =
        remote_cmd_runner::encode_to_fit(reply, encoding, common::MAX_UDP_PAYLOAD_V4, deadline);
    // Nothing checks that the sender really is there (see --allow-remote).
    server.send_to(&reply, to)
}

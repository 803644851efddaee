//! # Lesson 5: the remote-command server over UDP
//!
//! Ports the tutorial's "利用UDP来实现上述远程操作" (the remote commands again, over UDP): loop
//! forever: receive one datagram holding a command line, run it in the shell, send back one
//! datagram with its error output if there is any, else its normal output, else 执行成功,
//! encoded as GBK.
//!
//! One datagram in, one datagram out: a reply too big for a datagram (65507 bytes over IPv4)
//! is cut to fit, with a note at its end, never split. And although the tutorial needs no
//! try/except here "because there is no connection", every bad datagram is answered or logged,
//! never fatal.
//!
//! Like the tutorial's, it runs one command at a time, so every request waits for the ones
//! before it. To bound that wait, at most `--max-queue` requests wait their turn; the others
//! are answered "busy" at once, and nothing of theirs is run.
//!
//! Run it:
//!
//! ```text
//! cargo run -p udp-remote-cmd-server
//! ```
//!
//! Talk to it from a second terminal:
//!
//! ```text
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
//! The walkthrough is `lessons/05-udp-remote-cmd.md`.

use std::collections::VecDeque;
use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use clap::Parser;
use remote_cmd_runner::{Limits, Transport, WireEncoding};

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
    /// Where to listen: IP and port, like 127.0.0.1:8084 or [::1]:8084 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::UDP_REMOTE_CMD)]
    addr: SocketAddr,

    /// How replies are encoded on the wire (commands always arrive as UTF-8)
    #[arg(long, value_enum, default_value_t = WireEncoding::Gbk)]
    encoding: WireEncoding,

    /// Seconds a command may run before it and its children are killed (fractions allowed)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "10")]
    timeout: Duration,

    /// Bytes kept of a command's output; the rest is read and thrown away
    #[arg(long, value_name = "BYTES", value_parser = remote_cmd_runner::parse_max_output,
          default_value_t = remote_cmd_runner::DEFAULT_MAX_OUTPUT)]
    max_output: usize,

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
    match remote_cmd_runner::check_exposure(args.addr, args.allow_remote, Transport::Udp) {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("{warning}"),
        Err(refusal) => {
            eprintln!("Error: {refusal}");
            std::process::exit(2);
        }
    }

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port): no listen, no accept, no connections.
    let server = common::bind_udp(args.addr)?;
    common::announce_udp(&server)?;
    let limits = Limits {
        timeout: args.timeout,
        max_output: args.max_output,
    };

    // The requests that arrived while a command ran, in order, at most --max-queue.
    let mut waiting: VecDeque<Request> = VecDeque::new();
    loop {
        // recvfrom(1024): one datagram, one command, and who to answer (or the oldest one
        // that arrived while the last command ran).
        let request = match waiting.pop_front() {
            Some(request) => request,
            None => match receive(&server) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(err) => {
                    eprintln!("receive failed: {err} (still serving)");
                    continue;
                }
            },
        };
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        writeln!(
            std::io::stdout(),
            "command from {}: {}",
            request.from,
            common::show_bytes(&request.command)
        )?;

        let reply = match &request.cut {
            // A command cut at 1024 bytes is another command: `rm -rf /tmp/x/y` cut short
            // could be `rm -rf /`. Refuse it rather than run what is left.
            Some(note) => format!(
                "error: the command did not fit in the server's {}-byte buffer ({note}); \
                 nothing was run",
                common::BUFFER_SIZE
            ),
            // Popen(cmd, shell=True, ...) and the choice: stderr, else stdout, else 执行成功.
            None => remote_cmd_runner::respond(&request.command, limits),
        };
        send_reply(&server, &reply, args.encoding, request.from);

        // While the command ran, others may have sent theirs: the socket's buffer holds them.
        // Keep up to --max-queue in line and answer the rest "busy" now, instead of making
        // each wait for every command before it (ten `sleep 100`s would otherwise hold the
        // server for ten --timeouts).
        if let Err(err) = take_waiting(&server, &mut waiting, args.max_queue, args.encoding) {
            eprintln!("receive failed: {err} (still serving)");
        }
    }
}

/// One command as it arrived.
struct Request {
    from: SocketAddr,
    command: Vec<u8>,
    /// Why the datagram was cut to the buffer, if it was.
    cut: Option<String>,
}

/// Receives one datagram; `Ok(None)` for one that is not a request (Windows only: the
/// bounce of an earlier reply to a client that had quit).
fn receive(server: &UdpSocket) -> std::io::Result<Option<Request>> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    match common::recv_datagram(server, &mut buffer) {
        Ok(datagram) => Ok(Some(Request {
            from: datagram.from,
            command: buffer[..datagram.len].to_vec(),
            cut: datagram.truncation_note(),
        })),
        Err(err) if common::is_stale_icmp_error(&err) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Takes every datagram already waiting, without waiting for more: the first ones join
/// `waiting` up to `max` requests, the rest get a "busy" reply and are not run.
fn take_waiting(
    server: &UdpSocket,
    waiting: &mut VecDeque<Request>,
    max: u16,
    encoding: WireEncoding,
) -> std::io::Result<()> {
    server.set_nonblocking(true)?;
    let result = loop {
        match receive(server) {
            Ok(Some(request)) if waiting.len() < usize::from(max) => waiting.push_back(request),
            Ok(Some(request)) => {
                let busy = format!(
                    "error: the server is busy: {max} commands are already waiting (--max-queue); \
                     nothing was run, try again later"
                );
                eprintln!("{}: turned away: {busy}", request.from);
                send_reply(server, &busy, encoding, request.from);
            }
            Ok(None) => {}
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break Ok(()),
            Err(err) => break Err(err),
        }
    };
    server.set_nonblocking(false)?;
    result
}

/// sendto(cmd_res, addr): one datagram, back to where the command came from.
fn send_reply(server: &UdpSocket, reply: &str, encoding: WireEncoding, to: SocketAddr) {
    // One datagram can carry at most 65507 bytes: cut the reply to fit (with a note),
    // because a second datagram would be read as the answer to the client's next command.
    let reply = remote_cmd_runner::encode_to_fit(reply, encoding, common::MAX_UDP_PAYLOAD_V4);
    // Nothing checks that the sender really is there (see --allow-remote); a failure is
    // logged, never fatal.
    if let Err(err) = server.send_to(&reply, to) {
        eprintln!("could not reply to {to}: {err} (still serving)");
    }
}

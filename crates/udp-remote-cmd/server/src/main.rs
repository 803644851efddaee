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

use std::io::Write;
use std::net::SocketAddr;
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

    let mut buffer = [0u8; common::BUFFER_SIZE];
    loop {
        // recvfrom(1024): one datagram, one command, and who to answer.
        let datagram = match common::recv_datagram(&server, &mut buffer) {
            Ok(datagram) => datagram,
            // Windows only: an earlier reply bounced off a client that had quit.
            Err(err) if common::is_stale_icmp_error(&err) => continue,
            Err(err) => {
                eprintln!("receive failed: {err} (still serving)");
                continue;
            }
        };
        let command = &buffer[..datagram.len];
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        writeln!(
            std::io::stdout(),
            "command from {}: {}",
            datagram.from,
            common::show_bytes(command)
        )?;

        let reply = match datagram.truncation_note() {
            // A command cut at 1024 bytes is another command: `rm -rf /tmp/x/y` cut short
            // could be `rm -rf /`. Refuse it rather than run what is left.
            Some(note) => format!(
                "error: the command did not fit in the server's {}-byte buffer ({note}); \
                 nothing was run",
                common::BUFFER_SIZE
            ),
            // Popen(cmd, shell=True, ...) and the choice: stderr, else stdout, else 执行成功.
            None => remote_cmd_runner::respond(command, limits),
        };

        // One datagram can carry at most 65507 bytes: cut the reply to fit (with a note),
        // because a second datagram would be read as the answer to the client's next command.
        let reply =
            remote_cmd_runner::encode_to_fit(&reply, args.encoding, common::MAX_UDP_PAYLOAD_V4);

        // sendto(cmd_res, addr): the address the command came from. Nothing checks that the
        // sender really is there (see --allow-remote); a failure is logged, never fatal.
        if let Err(err) = server.send_to(&reply, datagram.from) {
            eprintln!(
                "could not reply to {}: {err} (still serving)",
                datagram.from
            );
        }
    }
}

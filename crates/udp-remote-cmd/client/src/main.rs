//! # Lesson 5: the remote-command client over UDP
//!
//! Ports the UDP client of the tutorial's remote-command example: for each line typed, skip it
//! if empty, stop at `quit`, send it as one datagram (UTF-8), receive one datagram with a
//! 1024-byte buffer, decode it as GBK and print it.
//!
//! A reply bigger than the buffer does not stick to the next one as over TCP: the rest of the
//! datagram is thrown away. Linux does so silently (Windows reports an error); this client
//! notices anyway and says how much was lost.
//!
//! Start the server first, in one terminal:
//!
//! ```text
//! cargo run -p udp-remote-cmd-server
//! ```
//!
//! then run this client in a second terminal and type commands:
//!
//! ```text
//! cargo run -p udp-remote-cmd-client
//! ```
//!
//! You will see, for `echo 你好`, then `true`:
//!
//! ```text
//! >>: echo 你好
//! 你好
//! >>: true
//! 执行成功
//! ```
//!
//! End with `quit` or Ctrl-D. The walkthrough is `lessons/05-udp-remote-cmd.md`.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use remote_cmd_runner::WireEncoding;

/// Lesson 5: send each typed command to the UDP remote-command server and print the reply.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/05-udp-remote-cmd.md\nStart the server first: cargo run -p udp-remote-cmd-server"
)]
struct Args {
    #[command(flatten)]
    server: address_flags::Server<{ common::defaults::UDP_REMOTE_CMD.port() }>,

    /// Bytes one receive takes; the rest of a longer reply is lost (the tutorial's 1024)
    #[arg(long, value_name = "BYTES", default_value_t = common::BUFFER_SIZE,
          value_parser = parse_buffer_size)]
    buffer_size: usize,

    /// Seconds to wait for each reply before saying none came; the server may take its own
    /// --timeout (10 s) to run a command, so the default waits longer than that
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "15")]
    timeout: Duration,

    /// How to decode replies: what the server encodes them with
    #[arg(long, value_enum, default_value_t = WireEncoding::Gbk)]
    encoding: WireEncoding,
}

/// Parses `--buffer-size`: 1 to 65535 bytes (no datagram is longer).
fn parse_buffer_size(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=65_535).contains(&n) => Ok(n),
        _ => Err(format!("'{text}' is not a number of bytes from 1 to 65535")),
    }
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM): no connect, no handshake; the OS picks our port.
    let client = common::client_udp(args.server.addr)?;
    // No reply may ever come (a lost datagram, no server): do not wait forever.
    client.set_read_timeout(Some(args.timeout))?;

    let mut buffer = vec![0u8; args.buffer_size];
    let mut out = std::io::stdout().lock();
    while let Some(line) = common::read_line(">>: ")? {
        let command = line.trim();
        // The tutorial skips empty lines here too (UDP would deliver an empty datagram, and
        // the server would run an empty command).
        if command.is_empty() {
            continue;
        }
        if command == "quit" {
            break;
        }

        // sendto(cmd.encode('utf-8'), ip_port): every send names the server.
        if let Err(err) = client.send_to(command.as_bytes(), args.server.addr) {
            writeln!(out, "could not send: {err}")?;
            continue;
        }

        // recvfrom(buffer_size): one datagram. If it was longer than the buffer, the OS cut
        // it: silently on Linux and macOS, with an error (WSAEMSGSIZE) on Windows, which
        // socket2 turns into the same "truncated" flag. recv_datagram gives us that flag, and
        // on Linux the datagram's real length.
        match guard::recv_datagram(&client, &mut buffer) {
            Ok(reply) => {
                let text = args.encoding.decode(&buffer[..reply.len]);
                write!(out, "{text}")?;
                if !text.ends_with('\n') {
                    writeln!(out)?;
                }
                if let Some(note) = reply.truncation_note() {
                    writeln!(
                        out,
                        "(reply {note}; try a bigger --buffer-size, up to 65507)"
                    )?;
                }
            }
            // Nothing within --timeout (or a failed receive): say so, and go on.
            Err(err) => guard::no_reply(&mut out, &err, args.timeout, "command", args.server.addr)?,
        }
        out.flush()?;
    }
    Ok(())
}

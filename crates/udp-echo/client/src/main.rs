//! # Lesson 1: the UDP echo client
//!
//! Ports the client half of the tutorial's first UDP example (section 一, "udp套接字简单示例"):
//! read a line, send it to the server as one datagram, wait for the reply, print it.
//!
//! Start the server first, in one terminal:
//!
//! ```text
//! cargo run -p udp-echo-server
//! ```
//!
//! then run this client in a second terminal and type:
//!
//! ```text
//! cargo run -p udp-echo-client
//! ```
//!
//! You will see, for `hello` and then an empty line:
//!
//! ```text
//! >>: hello
//! b'HELLO'
//! >>:
//! b''
//! ```
//!
//! End with Ctrl-D (Ctrl-Z then Enter on Windows). The walkthrough is `lessons/01-udp-echo.md`.

use std::io::Write;
use std::time::Duration;

use clap::Parser;

/// Lesson 1: send each typed line to the UDP echo server and print its reply.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/01-udp-echo.md\nStart the server first: cargo run -p udp-echo-server"
)]
struct Args {
    #[command(flatten)]
    server: address_flags::Server<{ common::defaults::UDP_ECHO.port() }>,

    /// Seconds to wait for each reply before saying none came (fractions allowed)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "5")]
    timeout: Duration,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM). The tutorial never binds its client: the OS gives it a
    // free port on the first sendto. Nor does it connect: UDP has no connection to make.
    let client = common::client_udp(args.server.addr)?;
    // A lost datagram is never sent again (UDP does not retransmit), so a reply may never
    // come. The tutorial's recvfrom would wait forever; ours gives up after --timeout.
    client.set_read_timeout(Some(args.timeout))?;

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut out = std::io::stdout().lock();
    while let Some(line) = common::read_line(">>: ")? {
        // input().strip().encode('utf-8'): an empty line becomes an empty datagram, and UDP
        // really delivers it (the tutorial's note 1). TCP could not: see lesson 6.
        let message = line.trim();

        // sendto(message, ip_port): no connection, so every send names the server.
        if let Err(err) = client.send_to(message.as_bytes(), args.server.addr) {
            writeln!(out, "could not send: {err}")?;
            continue;
        }

        // recvfrom(buffer_size): one datagram, the reply, or nothing within the timeout.
        match guard::recv_datagram(&client, &mut buffer) {
            Ok(reply) => {
                writeln!(out, "{}", common::show_bytes(&buffer[..reply.len]))?;
                // A reply longer than our 1024 bytes is cut by the OS; say so.
                if let Some(note) = reply.truncation_note() {
                    writeln!(out, "  {note}")?;
                }
            }
            // Nothing within --timeout (or a failed receive): say so, and go on.
            Err(err) => guard::no_reply(&mut out, &err, args.timeout, "message", args.server.addr)?,
        }
    }
    Ok(())
}

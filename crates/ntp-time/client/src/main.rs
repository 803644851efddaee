//! # Lesson 3: the time client, text and real SNTP
//!
//! The tutorial gives only the server of its "time server ntp" (时间服务器ntp:用UDP来实现);
//! this is the client it implies: read a strftime format per line, send it as one datagram
//! (an empty line sends an empty datagram, which asks for the default format), print the time
//! that comes back.
//!
//! With `--sntp` it is instead a real SNTP client (RFC 4330): it sends one 48-byte request,
//! checks the reply, and prints the server's time, the round-trip delay and how far our clock
//! is off from the server's.
//!
//! Start the server first, in one terminal:
//!
//! ```text
//! cargo run -p ntp-time-server
//! ```
//!
//! then run this client in a second terminal and type formats:
//!
//! ```text
//! cargo run -p ntp-time-client
//! ```
//!
//! You will see, for an empty line, then `%d/%m/%Y`, then `%Q`:
//!
//! ```text
//! >>:
//! 2026-05-01 14:03:27
//! >>: %d/%m/%Y
//! 01/05/2026
//! >>: %Q
//! error: '%Q' has an unknown or unfinished % directive (%% is a literal %)
//! ```
//!
//! For SNTP, start `cargo run -p ntp-time-server -- --sntp` and run
//! `cargo run -p ntp-time-client -- --sntp`. End the text client with Ctrl-D (Ctrl-Z then
//! Enter on Windows). The walkthrough is `lessons/03-ntp-time.md`.

use std::io::{self, Write};
use std::net::UdpSocket;
use std::time::Duration;

use chrono::{DateTime, Local};
use clap::Parser;
use ntp_time_sntp::{Measurement, Packet, Timestamp};

/// Lesson 3: ask the time server for the time, in a format you type, or by real SNTP.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/03-ntp-time.md\nStart the server first: cargo run -p ntp-time-server (with --sntp for --sntp)"
)]
struct Args {
    #[command(flatten)]
    server: address_flags::Server<{ common::defaults::NTP_TIME.port() }>,

    /// Seconds to wait for each reply before saying none came (fractions allowed)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "5")]
    timeout: Duration,

    /// Send one SNTP (RFC 4330) request, print the server's time, delay and offset, and exit
    #[arg(long)]
    sntp: bool,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM), on the server's IP family, with a free port.
    let client = common::client_udp(args.server.addr)?;
    // UDP never sends a lost datagram again, so never wait for a reply forever.
    client.set_read_timeout(Some(args.timeout))?;

    if args.sntp {
        ask_sntp(&client, &args)
    } else {
        ask_formats(&client, &args)
    }
}

/// The tutorial's protocol: one format per line, the time as text back.
fn ask_formats(client: &UdpSocket, args: &Args) -> Result<(), common::Error> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut out = io::stdout().lock();
    while let Some(format) = common::read_line(">>: ")? {
        // The line is the format, exactly as typed (spaces count in a format); an empty line
        // is an empty datagram, which asks for the default format.
        if let Err(err) = client.send_to(format.as_bytes(), args.server.addr) {
            writeln!(out, "could not send: {err}")?;
            continue;
        }

        match guard::recv_datagram(client, &mut buffer) {
            // The server sends UTF-8 text; print it as text (bytes that are not UTF-8, which
            // our server never sends, are shown Python-style instead).
            Ok(reply) => {
                let bytes = &buffer[..reply.len];
                match std::str::from_utf8(bytes) {
                    Ok(text) => writeln!(out, "{text}")?,
                    Err(_) => writeln!(out, "{}", common::show_bytes(bytes))?,
                }
                if let Some(note) = reply.truncation_note() {
                    writeln!(out, "  {note}")?;
                }
            }
            // Nothing within --timeout (or a failed receive): say so, and go on.
            Err(err) => guard::no_reply(&mut out, &err, args.timeout, "format", args.server.addr)?,
        }
    }
    Ok(())
}

/// Real SNTP: one request, one checked reply, the four timestamps turned into a delay and
/// an offset.
fn ask_sntp(client: &UdpSocket, args: &Args) -> Result<(), common::Error> {
    // connect() on a UDP socket sends nothing: it only fixes the peer, so that datagrams from
    // any other address are filtered out by the OS, and a closed port is reported at once
    // instead of as a silent timeout: "connection refused" on Linux and macOS, "connection
    // reset" (WSAECONNRESET) on Windows.
    client.connect(args.server.addr)?;

    // T1: our clock as the request leaves. It goes into the transmit field, and the server
    // must copy it back, which is how we know the reply answers this request.
    let t1 = Timestamp::now();
    client.send(&Packet::client_request(t1).encode())?;

    // A buffer bigger than a packet, so a reply of the wrong length is seen as such.
    let mut buffer = [0u8; common::BUFFER_SIZE];
    let received = client.recv(&mut buffer);
    // T4: our clock as the reply arrives, read before anything else.
    let t4 = Timestamp::now();
    let len = match received {
        Ok(len) => len,
        Err(err) if common::is_timeout(&err) => {
            return Err(common::Error::new(format!(
                "no SNTP reply from {} within {:?}: UDP does not retransmit, so the request or \
                 its reply was lost, or no SNTP server is listening there (a text-mode \
                 ntp-time-server answers only formats: start it with --sntp)",
                args.server.addr, args.timeout
            )));
        }
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
            ) =>
        {
            return Err(common::Error::new(format!(
                "nothing is listening at {} (the port is closed): start ntp-time-server --sntp",
                args.server.addr
            )));
        }
        Err(err) => return Err(common::Error::new(format!("receive failed: {err}"))),
    };

    let reply = Packet::decode(&buffer[..len]).map_err(|err| {
        format!(
            "the reply from {} is not an SNTP packet: {err}; a text-mode ntp-time-server \
             answers with text: start it with --sntp",
            args.server.addr
        )
    })?;
    // The checks RFC 4330 asks of a client: above all, that the originate timestamp is our
    // T1. A reply that fails them is not used, whatever times it carries.
    reply
        .check_reply(t1)
        .map_err(|err| format!("rejected the reply from {}: {err}", args.server.addr))?;

    // T2 and T3 come from the server's clock, T1 and T4 from ours.
    let measured = Measurement::from_timestamps(t1, reply.receive, reply.transmit, t4);
    let server_time: DateTime<Local> = reply.transmit.to_system_time().into();
    let ahead = if measured.offset >= 0.0 {
        "ahead of"
    } else {
        "behind"
    };

    let mut out = io::stdout().lock();
    writeln!(
        out,
        "server {}: SNTP version {}, stratum {}, reference {}",
        args.server.addr,
        reply.version,
        reply.stratum,
        reply.reference_name()
    )?;
    writeln!(
        out,
        "server time:      {}",
        server_time.format("%Y-%m-%d %H:%M:%S%.6f %:z")
    )?;
    writeln!(out, "round-trip delay: {:.6} s", measured.delay)?;
    writeln!(
        out,
        "clock offset:     {:+.6} s (the server's clock is {ahead} ours)",
        measured.offset
    )?;
    Ok(())
}

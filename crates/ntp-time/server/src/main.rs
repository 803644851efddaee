//! # Lesson 3: the time server ("ntp"), text and real SNTP
//!
//! Ports the tutorial's "time server ntp" (时间服务器ntp:用UDP来实现): a UDP server that
//! answers every datagram with the local time. An empty datagram asks for the default format
//! `%Y-%m-%d %X`; any other datagram *is* the format, strftime style (`%m-%d-%Y`,
//! `%Y年%m月%d日`). A format that is not UTF-8 or that chrono cannot use gets a reply starting
//! with `error:`, and the server goes on.
//!
//! With `--sntp` it speaks what real time servers speak instead: SNTP (RFC 4330), one 48-byte
//! binary packet each way, which any standard NTP client understands.
//!
//! Run it (text protocol, then SNTP):
//!
//! ```text
//! cargo run -p ntp-time-server
//! cargo run -p ntp-time-server -- --sntp
//! ```
//!
//! Talk to it from a second terminal, with the lesson's client or with netcat:
//!
//! ```text
//! cargo run -p ntp-time-client
//! cargo run -p ntp-time-client -- --sntp
//! nc -u 127.0.0.1 8082
//! ```
//!
//! You will see, for an empty line and then `%d/%m/%Y` typed in the client:
//!
//! ```text
//! listening on udp://127.0.0.1:8082
//! from 127.0.0.1:51234: b''
//! from 127.0.0.1:51234: b'%d/%m/%Y'
//! ```
//!
//! The walkthrough is `lessons/03-ntp-time.md`.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};

use chrono::Local;
use chrono::format::StrftimeItems;
use clap::Parser;
use ntp_time_sntp::{Packet, Rejected, Timestamp};

/// The tutorial's default: year-month-day hours:minutes:seconds (`%X` is `%H:%M:%S`).
const DEFAULT_FORMAT: &str = "%Y-%m-%d %X";

/// Lesson 3: a UDP server that tells the time, in any strftime format, or as real SNTP.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/03-ntp-time.md\nTalk to it: cargo run -p ntp-time-client (or nc -u 127.0.0.1 8082)\nWith --sntp, any NTP client works too, e.g. Python's ntplib on the same port."
)]
struct Args {
    /// Where to listen: IP and port, like 127.0.0.1:8082 or [::1]:8082 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::NTP_TIME)]
    addr: SocketAddr,

    /// Answer SNTP (RFC 4330) 48-byte requests instead of the tutorial's text protocol
    #[arg(long)]
    sntp: bool,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port), as in every UDP server of the course.
    let server = common::bind_udp(args.addr)?;
    common::announce_udp(&server)?;

    let mut log = io::stdout().lock();
    if args.sntp {
        serve_sntp(&server, &mut log)
    } else {
        serve_text(&server, &mut log)
    }
}

/// The tutorial's protocol: a datagram in (the format), the time as text out.
fn serve_text(server: &UdpSocket, log: &mut impl Write) -> Result<(), common::Error> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    loop {
        // recvfrom(buffer_size): one datagram, and the address to send the time back to.
        let Some(datagram) = receive(server, &mut buffer) else {
            continue;
        };
        let format = &buffer[..datagram.len];
        writeln!(
            log,
            "from {}: {}",
            datagram.from,
            common::show_bytes(format)
        )?;

        let reply = match time_reply(format, datagram.truncated) {
            Ok(time) => time,
            Err(message) => {
                writeln!(log, "  {message}")?;
                message
            }
        };

        // sendto(back_time.encode('utf-8'), addr): the time is text, sent as UTF-8 bytes.
        if let Err(err) = server.send_to(reply.as_bytes(), datagram.from) {
            eprintln!(
                "could not reply to {}: {err} (still serving)",
                datagram.from
            );
        }
    }
}

/// The local time in the format `request` asks for, or a message starting with `error:`.
fn time_reply(request: &[u8], truncated: bool) -> Result<String, String> {
    // A format longer than the buffer arrived cut short: formatting the part we got would
    // answer a question nobody asked.
    if truncated {
        return Err(format!(
            "error: the format is longer than {} bytes, the most this server reads",
            common::BUFFER_SIZE
        ));
    }

    // if not data: fmt = '%Y-%m-%d %X'; else: fmt = data.decode('utf-8').
    // Python would raise UnicodeDecodeError and stop the server; we answer with the reason.
    let format = if request.is_empty() {
        DEFAULT_FORMAT
    } else {
        std::str::from_utf8(request)
            .map_err(|err| format!("error: the format is not UTF-8 text ({err})"))?
    };

    // time.strftime(fmt). chrono reads the format into items first; an unknown directive
    // (`%Q`) or a lone `%` becomes an error item, and displaying one panics. So parse first
    // and refuse the format if any item is an error.
    let items = StrftimeItems::new(format).parse().map_err(|_| {
        format!(
            "error: {} has an unknown or unfinished % directive (see `man strftime`; write %% for a literal %)",
            quote(format)
        )
    })?;

    // Some directives parse but cannot be written: `%#z` is for reading times only. So
    // write into a String with `write!`, which hands back a formatting failure as an Err
    // instead of panicking the way `to_string()` would.
    let mut time = String::new();
    write!(time, "{}", Local::now().format_with_items(items.iter())).map_err(|_| {
        format!(
            "error: chrono cannot write the time as {} (a directive there is for parsing only)",
            quote(format)
        )
    })?;

    // A 1024-byte format of `%c`s would come out about twelve times longer: more than the
    // tutorial's client reads in one recvfrom, and a way to make us send far more than we
    // were sent. Replies stay within the same 1024 bytes.
    if time.len() > common::BUFFER_SIZE {
        return Err(format!(
            "error: in that format the time is {} bytes long, more than the {} a reply may have",
            time.len(),
            common::BUFFER_SIZE
        ));
    }
    Ok(time)
}

/// A format for an error message: in quotes, and cut short if it is long.
fn quote(format: &str) -> String {
    const SHOWN: usize = 40;
    if format.chars().count() <= SHOWN {
        format!("'{format}'")
    } else {
        let start: String = format.chars().take(SHOWN).collect();
        format!("the format '{start}...'")
    }
}

/// Real SNTP: a 48-byte request in, a 48-byte reply out, with the four timestamps a client
/// needs to work out the round-trip delay and how far its clock is off.
fn serve_sntp(server: &UdpSocket, log: &mut impl Write) -> Result<(), common::Error> {
    // The precision field: how finely this machine's clock can tell two moments apart.
    let precision = ntp_time_sntp::clock_precision();
    writeln!(
        log,
        "answering SNTP: stratum 1, reference LOCL (this machine's clock), precision 2^{precision} s"
    )?;
    log.flush()?;

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut dropped: u64 = 0;
    loop {
        let Some(datagram) = receive(server, &mut buffer) else {
            continue;
        };
        // T2: read the clock the moment the request is in, before anything else.
        let receive_time = Timestamp::now();

        let request = if datagram.truncated {
            Err(Rejected::WrongLength(
                datagram.full_len.unwrap_or(datagram.len),
            ))
        } else {
            Packet::parse_request(&buffer[..datagram.len])
        };
        // A packet that is not a request we answer is dropped, never fatal: the sender may be
        // confused, probing, or spoofing a victim's address to bounce our replies at it.
        let request = match request {
            Ok(request) => request,
            Err(reason) => {
                dropped += 1;
                writeln!(
                    log,
                    "from {}: dropped, not an SNTP request: {reason} ({dropped} dropped so far)",
                    datagram.from
                )?;
                continue;
            }
        };
        writeln!(
            log,
            "from {}: SNTP version {} request, transmit {}",
            datagram.from, request.version, request.transmit
        )?;

        // T3: read the clock again as late as possible, right before the reply leaves.
        let reply = Packet::reply_to(&request, receive_time, Timestamp::now(), precision);
        if let Err(err) = server.send_to(&reply.encode(), datagram.from) {
            eprintln!(
                "could not reply to {}: {err} (still serving)",
                datagram.from
            );
        }
    }
}

/// One datagram into `buffer`, or `None` after reporting why not (nothing a peer does may
/// stop the server).
fn receive(server: &UdpSocket, buffer: &mut [u8]) -> Option<common::Datagram> {
    match common::recv_datagram(server, buffer) {
        Ok(datagram) => Some(datagram),
        // Windows only: a reply we sent earlier bounced off a client that had quit.
        Err(err) if common::is_stale_icmp_error(&err) => None,
        Err(err) => {
            eprintln!("receive failed: {err} (still serving)");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_format_is_the_tutorials() {
        let time = time_reply(b"", false).unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(&time, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{time}"
        );
    }

    #[test]
    fn bad_formats_are_errors_not_panics() {
        for bad in [
            &b"%Q"[..],
            b"%",
            b"abc%",
            b"%#z",
            b"%.Z",
            b"\xff",
            b"%Y\xe5\xb9",
        ] {
            let err = time_reply(bad, false).unwrap_err();
            assert!(err.starts_with("error: "), "{err}");
        }
        assert!(
            time_reply(b"%Y", true)
                .unwrap_err()
                .contains("longer than 1024")
        );
    }

    #[test]
    fn long_formats_are_quoted_short() {
        assert_eq!(quote("%Q"), "'%Q'");
        let long = "x".repeat(100) + "%Q";
        assert_eq!(quote(&long), format!("the format '{}...'", "x".repeat(40)));
    }
}

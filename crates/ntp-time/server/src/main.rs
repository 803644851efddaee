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
//! UDP has no handshake, so a request's sender address can be forged and the reply aimed at a
//! victim. The server limits what it can be used for: a text reply is never more than four
//! times the size of its request on the wire (an SNTP reply is exactly the size of its
//! request), and it listens on loopback only unless `--allow-remote` is given.
//!
//! A forged sender could also make it answer itself, or another server that answers
//! everything, for ever (the echo/chargen loop). So it does not answer a datagram that
//! claims to come from the server itself or from a well-known service's port below 1024
//! (with `--sntp`, port 123 excepted: NTP clients such as ntpdate send from it), nor a
//! sender past its 1000th reply in a second, which is then ignored for a second. Each
//! refusal is said on stderr, `from ADDR: not answered: WHY`. The log, and stderr, show at
//! most 20 lines a second and sum up the rest of that second in one line.
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

/// A text reply is at most this many times the size of its request, counting on both sides
/// the [`HEADERS`] every IPv4 datagram carries (even an empty one). So a forged request can
/// make the server send a victim at most four times the traffic it costs to send.
const MAX_AMPLIFICATION: usize = 4;

/// The IPv4 (20 bytes) and UDP (8 bytes) headers in front of every datagram's payload. (IPv6
/// headers are 40 bytes, so there the same limit keeps replies smaller still, relatively.)
const HEADERS: usize = 28;

/// Why the server listens on loopback only unless `--allow-remote`.
const EXPOSURE: &str = "anyone who can reach this port can make the server send the time to any \
    address, because UDP has no handshake and a forged sender address aims the reply at a \
    victim (at most 4 times the request's size in text mode, as much as the request with --sntp)";

/// Lesson 3: a UDP server that tells the time, in any strftime format, or as real SNTP.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/03-ntp-time.md\nTalk to it: cargo run -p ntp-time-client (or nc -u 127.0.0.1 8082)\nWith --sntp, any NTP client works too, e.g. Python's ntplib on the same port.\nA text reply is never more than 4 times the size of its request on the wire (28 bytes of\nIPv4 and UDP headers counted on both sides); a longer one is refused with an error reply.\nIt listens on loopback only unless --allow-remote."
)]
struct Args {
    /// Where to listen: IP and port, like 127.0.0.1:8082 or [::1]:8082 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::NTP_TIME)]
    addr: SocketAddr,

    /// Answer SNTP (RFC 4330) 48-byte requests instead of the tutorial's text protocol
    #[arg(long)]
    sntp: bool,

    /// Listen on an address that is not loopback (0.0.0.0, a LAN address): anyone who can
    /// reach it can aim the replies at a victim by forging the sender address
    #[arg(long)]
    allow_remote: bool,

    /// Replies one sender may get per second; past that it is ignored for a second, which
    /// ends a loop between two servers (0: no limit)
    #[arg(long, value_name = "N", default_value_t = common::ReplyGuard::DEFAULT_PER_SECOND)]
    max_replies_per_peer: u32,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // Loopback only unless --allow-remote; a refusal exits with status 2 (a usage error).
    match common::check_exposure(args.addr, args.allow_remote, EXPOSURE) {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("{warning}"),
        Err(refusal) => {
            eprintln!("Error: {refusal}");
            std::process::exit(2);
        }
    }

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port), as in every UDP server of the course.
    let server = common::bind_udp(args.addr)?;
    common::announce_udp(&server)?;

    // At most 10 log lines a second, the rest summed up: a flood must not flood the log.
    // Held lines are written when the socket has been idle a moment (the read timeout).
    let mut log = common::Log::stdout();
    server.set_read_timeout(Some(common::Log::IDLE))?;

    // Whom never to answer: ourselves, a well-known service's port, a sender over its budget
    // of replies, so that one forged datagram cannot start an endless exchange. SNTP is the
    // exception for port 123: real NTP clients (ntpdate) send from it, and SNTP cannot loop,
    // because it answers requests (mode 3) only and never a reply (mode 4).
    let guard = common::ReplyGuard::for_socket(&server, args.max_replies_per_peer)?;
    if args.sntp {
        serve_sntp(&server, guard.allowing_port(NTP_PORT), &mut log)
    } else {
        serve_text(&server, guard, &mut log)
    }
}

/// The port NTP servers answer from, and clients such as ntpdate send from.
const NTP_PORT: u16 = 123;

/// The tutorial's protocol: a datagram in (the format), the time as text out.
fn serve_text(
    server: &UdpSocket,
    mut guard: common::ReplyGuard,
    log: &mut impl Write,
) -> Result<(), common::Error> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut errors = Errors::new();
    loop {
        // recvfrom(buffer_size): one datagram, and the address to send the time back to.
        let Some(datagram) = receive(server, &mut buffer, log, &mut errors)? else {
            continue;
        };
        if let Err(refusal) = guard.check(datagram.from) {
            if !refusal.already_said() {
                errors.report(format_args!(
                    "from {}: not answered: {refusal}",
                    datagram.from
                ))?;
            }
            continue;
        }
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
        // Whatever the reply says, it never exceeds the limit (time_reply keeps its own
        // messages within it; this cut is the guarantee).
        let reply = fit(reply, reply_limit(format.len()));

        // sendto(back_time.encode('utf-8'), addr): the time is text, sent as UTF-8 bytes.
        if let Err(err) = server.send_to(reply.as_bytes(), datagram.from) {
            errors.report(format_args!(
                "could not reply to {}: {err} (still serving)",
                datagram.from
            ))?;
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
            "error: {} has an unknown or unfinished % directive (%% is a literal %)",
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

    // `%c` is 2 bytes in and 24 out: a short format can ask for a long answer, and a
    // stranger who forges the sender address would have us send that answer to a victim. So
    // a reply may be at most 4 times the request on the wire, and never more than the 1024
    // bytes the tutorial's client reads.
    let limit = reply_limit(request.len());
    if time.len() > limit {
        return Err(format!(
            "error: in that format the time is {} bytes, over the {limit} this server sends for {} bytes",
            time.len(),
            request.len()
        ));
    }
    Ok(time)
}

/// The longest reply the server sends for a request of `request_len` bytes: 4 times the
/// request on the wire (headers counted on both sides), and at most 1024 bytes. An empty
/// request may get 84 bytes; a 2-byte one 92.
fn reply_limit(request_len: usize) -> usize {
    (MAX_AMPLIFICATION * (request_len + HEADERS) - HEADERS).min(common::BUFFER_SIZE)
}

/// `reply`, cut to at most `limit` bytes at a character boundary.
fn fit(mut reply: String, limit: usize) -> String {
    if reply.len() > limit {
        let mut end = limit;
        while !reply.is_char_boundary(end) {
            end -= 1;
        }
        reply.truncate(end);
    }
    reply
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
fn serve_sntp(
    server: &UdpSocket,
    mut guard: common::ReplyGuard,
    log: &mut impl Write,
) -> Result<(), common::Error> {
    // The precision field: how finely this machine's clock can tell two moments apart.
    let precision = ntp_time_sntp::clock_precision();
    writeln!(
        log,
        "answering SNTP: stratum 1, reference LOCL (this machine's clock), precision 2^{precision} s"
    )?;
    log.flush()?;

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut dropped: u64 = 0;
    let mut errors = Errors::new();
    loop {
        let Some(datagram) = receive(server, &mut buffer, log, &mut errors)? else {
            continue;
        };
        if let Err(refusal) = guard.check(datagram.from) {
            if !refusal.already_said() {
                errors.report(format_args!(
                    "from {}: not answered: {refusal}",
                    datagram.from
                ))?;
            }
            continue;
        }
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
            errors.report(format_args!(
                "could not reply to {}: {err} (still serving)",
                datagram.from
            ))?;
        }
    }
}

/// One datagram into `buffer`, or `None` after reporting why not (nothing a peer does may
/// stop the server). When the socket has been idle a moment, writes out the log held so far.
fn receive(
    server: &UdpSocket,
    buffer: &mut [u8],
    log: &mut impl Write,
    errors: &mut Errors,
) -> io::Result<Option<common::Datagram>> {
    match common::recv_datagram(server, buffer) {
        Ok(datagram) => Ok(Some(datagram)),
        // Nothing for a moment (or Ctrl-Z and `fg` cut the wait short).
        Err(err) if common::is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {
            errors.flush_summary()?;
            log.flush()?;
            Ok(None)
        }
        // Windows only: a reply we sent earlier bounced off a client that had quit.
        Err(err) if common::is_stale_icmp_error(&err) => Ok(None),
        Err(err) => {
            errors.report(format_args!("receive failed: {err} (still serving)"))?;
            Ok(None)
        }
    }
}

/// Refusals and errors on stderr, at most 20 lines a second (a peer can cause them).
struct Errors(common::LogLimit);

impl Errors {
    fn new() -> Self {
        Errors(common::LogLimit::new(
            common::LogLimit::LINES_PER_SECOND,
            "lines",
        ))
    }

    fn report(&mut self, line: std::fmt::Arguments<'_>) -> io::Result<()> {
        let mut stderr = io::stderr();
        if self.0.allow(&mut stderr)? {
            writeln!(stderr, "{line}")?;
        }
        Ok(())
    }

    fn flush_summary(&mut self) -> io::Result<()> {
        self.0.flush_summary(&mut io::stderr())
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
    fn every_reply_fits_four_times_its_request_on_the_wire() {
        assert_eq!(reply_limit(0), 84);
        assert_eq!(reply_limit(2), 92);
        assert_eq!(reply_limit(58), 316);
        assert_eq!(reply_limit(1024), 1024);
        // Every one- and two-byte request, every `%` directive, and a few long ones: the
        // reply time_reply gives, error or not, is within the limit without any cut.
        let mut requests: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        requests.extend((0..=255u8).map(|b| vec![b'%', b]));
        requests.extend((0..=255u8).map(|b| vec![b'%', b'#', b]));
        requests.push(Vec::new());
        requests.push("%+".repeat(29).into_bytes());
        requests.push("%c".repeat(6).into_bytes());
        requests.push("x".repeat(100).into_bytes());
        for request in &requests {
            let reply = time_reply(request, false).unwrap_or_else(|err| err);
            assert!(
                reply.len() <= reply_limit(request.len()),
                "{request:?}: {} bytes for {}: {reply}",
                reply.len(),
                request.len()
            );
        }
        // The 58-byte request that used to get 1015 bytes back is refused.
        let err = time_reply("%+".repeat(29).as_bytes(), false).unwrap_err();
        assert!(
            err.contains("over the 316 this server sends for 58 bytes"),
            "{err}"
        );
    }

    #[test]
    fn fit_cuts_at_a_character_boundary() {
        assert_eq!(fit("abc".to_owned(), 5), "abc");
        assert_eq!(fit("年年".to_owned(), 4), "年");
    }

    #[test]
    fn long_formats_are_quoted_short() {
        assert_eq!(quote("%Q"), "'%Q'");
        let long = "x".repeat(100) + "%Q";
        assert_eq!(quote(&long), format!("the format '{}...'", "x".repeat(40)));
    }
}

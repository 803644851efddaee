//! # Lesson 3: the time server ("ntp"), text and real SNTP
//!
//! The tutorial's time server (时间服务器ntp:用UDP来实现): every datagram is answered with the
//! local time. An empty one asks for the default format `%Y-%m-%d %X`; any other *is* the
//! format, strftime style (`%m-%d-%Y`, `%Y年%m月%d日`); a format that is not UTF-8 or that
//! chrono cannot use gets a reply starting with `error:` (src/text.rs). With `--sntp` it
//! speaks SNTP (RFC 4330) instead, which any NTP client understands (src/sntp.rs).
//!
//! ```text
//! cargo run -p ntp-time-server        (or: cargo run -p ntp-time-server -- --sntp)
//! cargo run -p ntp-time-client        (or: ... -- --sntp, or: nc -u 127.0.0.1 8082)
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
//! A forged sender aims the reply at a victim, so a text reply is at most four times its
//! request on the wire, and the server listens on loopback only unless `--allow-remote`. The
//! defences of every UDP server (`crates/guard`): no reply to this server itself, to a service
//! port below 1024 (with `--sntp`, port 123 excepted) or past 1000 replies a second to one
//! sender; the log and stderr show at most 20 lines a second. The walkthrough is
//! `lessons/03-ntp-time.md`.

use clap::Parser;

mod sntp;
mod text;

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
    #[command(flatten)]
    listen: address_flags::Listen<{ common::defaults::NTP_TIME.port() }>,

    /// Answer SNTP (RFC 4330) 48-byte requests instead of the tutorial's text protocol
    #[arg(long)]
    sntp: bool,

    /// Listen on an address that is not loopback (0.0.0.0, a LAN address): anyone who can
    /// reach it can aim the replies at a victim by forging the sender address
    #[arg(long)]
    allow_remote: bool,

    /// Replies one sender may get per second; past that it is ignored for a second, which
    /// ends a loop between two servers (0: no limit)
    #[arg(long, value_name = "N", default_value_t = guard::ReplyGuard::DEFAULT_PER_SECOND)]
    max_replies_per_peer: u32,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // Loopback only unless --allow-remote; a refusal exits with status 2 (a usage error).
    let verdict = common::check_exposure(args.listen.addr, args.allow_remote, EXPOSURE);
    common::enforce_exposure(verdict);

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port), as in every UDP server of the course.
    let server = common::bind_udp(args.listen.addr)?;
    common::announce_udp(&server)?;

    // What the tutorial does not defend against: forged senders, floods of datagrams and of
    // log lines, failed receives. SNTP may answer port 123: real NTP clients (ntpdate) send
    // from it, and SNTP cannot loop, as it answers requests (mode 3), never replies (mode 4).
    let guard = guard::Guard::new(&server, args.max_replies_per_peer)?;
    if args.sntp {
        return sntp::serve(&server, guard.allowing_port(NTP_PORT));
    }
    serve_text(&server, guard)
}

/// The port NTP servers answer from, and clients such as ntpdate send from.
const NTP_PORT: u16 = 123;

/// The tutorial's loop: a datagram in (the format), the time as text out.
fn serve_text(server: &std::net::UdpSocket, mut guard: guard::Guard) -> Result<(), common::Error> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    loop {
        // recvfrom(buffer_size): one datagram, and the address to send the time back to.
        let Some(datagram) = guard.recv_from(server, &mut buffer)? else {
            continue;
        };
        if !guard.admit(datagram.from) {
            continue;
        }
        let (format, from) = (&buffer[..datagram.len], datagram.from);
        guard.log(format_args!("from {from}: {}", common::ShowBytes(format)))?;

        // time.strftime(fmt), or a reply starting with `error:` that says why not.
        let reply = match text::time_reply(format, datagram.truncated) {
            Ok(time) => time,
            Err(message) => {
                guard.log(format_args!("  {message}"))?;
                message
            }
        };
        // Never over 4 times the request (time_reply keeps within it; this cut guarantees it).
        let reply = text::fit(reply, text::reply_limit(format.len()));
        // sendto(back_time.encode('utf-8'), addr): the time is text, sent as UTF-8 bytes.
        guard.sent(server.send_to(reply.as_bytes(), from), from);
    }
}

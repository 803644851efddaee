//! # Lesson 2: the UDP "QQ chat" server
//!
//! Ports the server of the tutorial's QQ chat (section 一, "qq聊天"): one UDP socket, and a
//! loop that receives a message from whoever sent one, shows who it was and the text
//! highlighted (bold on blue), asks the operator at the keyboard for a reply, and sends that
//! reply back to the sender. Because UDP has no connections, any number of clients can talk to
//! this one loop: each message carries its sender's address, and each reply names it.
//!
//! Run it:
//!
//! ```text
//! cargo run -p udp-qq-server
//! ```
//!
//! Talk to it from two more terminals, with the lesson's client or with netcat:
//!
//! ```text
//! cargo run -p udp-qq-client
//! nc -u 127.0.0.1 8081
//! ```
//!
//! You will see, when a client sends `你好` and you answer `hi there`:
//!
//! ```text
//! listening on udp://127.0.0.1:8081
//! message from 127.0.0.1:51234: 你好
//! reply to 127.0.0.1:51234: hi there
//! ```
//!
//! A message is shown on one line: control characters, and the invisible characters that
//! reorder or hide text (a bidi override U+202E, a zero-width space U+200B, the line separator
//! U+2028), appear as escapes such as `\u{202e}`. A message that claims to come from the
//! server itself or from a well-known service's port below 1024 is neither shown nor answered
//! (a forged sender could otherwise start an exchange that never ends); stderr says so.
//!
//! End with Ctrl-D at a reply prompt (Ctrl-Z then Enter on Windows), or Ctrl-C at any time.
//! Type only at a reply prompt: a line (or a Ctrl-D) typed while the server waits for a
//! message stays in the terminal's buffer and answers the next message that comes.
//! The walkthrough is `lessons/02-udp-qq.md`.

use std::io::Write;
use std::net::SocketAddr;

use anstyle::{AnsiColor, Color, Style};
use clap::Parser;
use common::show_text;

/// Lesson 2: a UDP chat server; you type the reply to each message that arrives.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/02-udp-qq.md\nTalk to it: cargo run -p udp-qq-client (or nc -u 127.0.0.1 8081)\nEach message waits for your reply; end of input (Ctrl-D) stops the server.\nA line or Ctrl-D typed before a message arrives is kept, and answers the next one."
)]
struct Args {
    /// Where to listen: IP and port, like 127.0.0.1:8081 or [::1]:8081 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::UDP_QQ)]
    addr: SocketAddr,
}

/// The tutorial's `\033[1;44m`: bold on blue. Written through anstream, it vanishes when
/// stdout is not a terminal or NO_COLOR is set (CLICOLOR_FORCE=1 forces it back).
const HIGHLIGHT: Style = Style::new()
    .bold()
    .bg_color(Some(Color::Ansi(AnsiColor::Blue)));

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port): the tutorial's "buying a phone".
    let server = common::bind_udp(args.addr)?;
    common::announce_udp(&server)?;

    // A sender can forge its address: a message "from" this server itself, or from a
    // well-known service's port below 1024, is not shown and gets no reply (it would start an
    // exchange that never ends); neither does a sender past its budget of replies a second.
    // Refusals are said on stderr, at most 20 lines a second with a summary of the rest.
    let mut guard =
        common::ReplyGuard::for_socket(&server, common::ReplyGuard::DEFAULT_PER_SECOND)?;
    let mut refusals = common::LogLimit::new(common::LogLimit::LINES_PER_SECOND, "lines");

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut out = anstream::stdout().lock();
    loop {
        // recvfrom(1024): one message, from whichever client sent the oldest one waiting.
        let datagram = match common::recv_datagram(&server, &mut buffer) {
            Ok(datagram) => datagram,
            // Windows only: a reply we sent earlier bounced off a client that had quit.
            Err(err) if common::is_stale_icmp_error(&err) => continue,
            // Nothing a peer sends may stop the server: report it and receive again.
            Err(err) => {
                eprintln!("receive failed: {err} (still serving)");
                continue;
            }
        };

        if let Err(refusal) = guard.check(datagram.from) {
            let mut stderr = std::io::stderr();
            if !refusal.already_said() && refusals.allow(&mut stderr)? {
                writeln!(stderr, "from {}: not answered: {refusal}", datagram.from)?;
            }
            continue;
        }

        // decode('utf-8') would crash the tutorial's server on bytes that are not UTF-8;
        // we show them as U+FFFD instead, and keep serving. Control characters, and the
        // invisible ones that reorder or hide text, are shown as escapes (common::show_text).
        let text = show_text(&buffer[..datagram.len]);
        writeln!(
            out,
            "message from {}: {HIGHLIGHT}{text}{HIGHLIGHT:#}",
            datagram.from
        )?;
        if let Some(note) = datagram.truncation_note() {
            writeln!(out, "  {note}")?;
        }

        // input('reply: '): the server now waits for its operator. Messages that clients
        // send meanwhile wait in the socket's receive buffer (while it has room; the rest
        // are dropped), and the next recvfrom hands them over one by one, oldest first.
        let Some(reply) = common::read_line(&format!("reply to {}: ", datagram.from))? else {
            // End of input (Ctrl-D): the operator has left, so the chat is over.
            writeln!(
                out,
                "end of input: the server stops (no reply went to {})",
                datagram.from
            )?;
            return Ok(());
        };

        // sendto(reply, addr): no connection, so the reply names the address the message
        // came from; that is how it reaches the right one of many clients.
        if let Err(err) = server.send_to(reply.trim().as_bytes(), datagram.from) {
            eprintln!(
                "could not reply to {}: {err} (still serving)",
                datagram.from
            );
        }
    }
}

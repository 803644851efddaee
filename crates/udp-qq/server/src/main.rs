//! # Lesson 2: the UDP "QQ chat" server
//!
//! The server of the tutorial's QQ chat (section 一, "qq聊天"): one UDP socket, and a loop that
//! receives a message from whoever sent one, shows the sender and the text highlighted (bold
//! on blue), asks you at the keyboard for a reply, and sends it back to that sender. UDP has
//! no connections, so any number of clients can talk to this one loop.
//!
//! ```text
//! cargo run -p udp-qq-server
//! cargo run -p udp-qq-client          (or: nc -u 127.0.0.1 8081)
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
//! Control characters and the invisible ones that reorder or hide text show as escapes
//! (`\u{202e}`). A forged sender (this server itself, a service port below 1024) is neither
//! shown nor answered, said on stderr (`crates/guard`). Ctrl-D at a reply prompt (Ctrl-Z Enter
//! on Windows) or Ctrl-C ends it; a line typed before a message arrives answers the next one.
//! The walkthrough is `lessons/02-udp-qq.md`.

use std::io::Write;

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
    #[command(flatten)]
    listen: address_flags::Listen<{ common::defaults::UDP_QQ.port() }>,
}

/// The tutorial's `\033[1;44m`: bold on blue. Written through anstream, it vanishes when
/// stdout is not a terminal or NO_COLOR is set (CLICOLOR_FORCE=1 forces it back).
const HIGHLIGHT: Style = Style::new()
    .bold()
    .bg_color(Some(Color::Ansi(AnsiColor::Blue)));

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port): the tutorial's "buying a phone".
    let server = common::bind_udp(args.listen.addr)?;
    common::announce_udp(&server)?;

    // What the tutorial does not defend against: forged senders (their messages are not
    // shown), floods of datagrams and of stderr lines, failed receives.
    let mut guard = guard::Guard::new(&server, guard::ReplyGuard::DEFAULT_PER_SECOND)?;

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut out = anstream::stdout().lock();
    loop {
        // recvfrom(1024): one message, from whichever client sent the oldest one waiting.
        let Some(datagram) = guard.recv_from(&server, &mut buffer)? else {
            continue;
        };
        if !guard.admit(datagram.from) {
            continue;
        }
        // decode('utf-8') crashes on bytes that are not UTF-8; show_text shows U+FFFD.
        let text = show_text(&buffer[..datagram.len]);
        let from = datagram.from;
        writeln!(out, "message from {from}: {HIGHLIGHT}{text}{HIGHLIGHT:#}")?;
        if let Some(note) = datagram.truncation_note() {
            writeln!(out, "  {note}")?;
        }
        // input('reply: '): the server now waits for its operator. Messages sent meanwhile
        // wait in the socket's receive buffer (while it has room), oldest first.
        let Some(reply) = common::read_line(&format!("reply to {from}: "))? else {
            writeln!(
                out,
                "end of input: the server stops (no reply went to {from})"
            )?;
            return Ok(());
        };
        // sendto(reply, addr): no connection, so the reply names the address the message
        // came from; that is how it reaches the right one of many clients.
        guard.sent(server.send_to(reply.trim().as_bytes(), from), from);
    }
}

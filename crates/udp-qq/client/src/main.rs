//! # Lesson 2: the UDP "QQ chat" client
//!
//! Ports the client of the tutorial's QQ chat (section 一, "qq聊天"): a contact book of names
//! and addresses (the tutorial's four contacts, all pointing at the chat server), a loop that
//! asks whom to chat with, then sends each typed line to that contact as one datagram and
//! prints the reply with the address it came from, highlighted bold on blue.
//!
//! Start the server first, in one terminal:
//!
//! ```text
//! cargo run -p udp-qq-server
//! ```
//!
//! then run this client in a second terminal (and a third, to see two clients at once):
//!
//! ```text
//! cargo run -p udp-qq-client
//! ```
//!
//! You will see, choosing `狗哥alex` and sending `你好` (the server's operator answers `hi there`):
//!
//! ```text
//! choose a contact: 狗哥alex
//! chatting with 狗哥alex at 127.0.0.1:8081 (quit: choose another contact)
//! message, Enter sends: 你好
//! message from 127.0.0.1:8081: hi there
//! ```
//!
//! `quit` goes back to choosing a contact; Ctrl-D (Ctrl-Z then Enter on Windows) ends the
//! client. The walkthrough is `lessons/02-udp-qq.md`.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use anstyle::{AnsiColor, Color, Style};
use clap::Parser;

/// The tutorial's contact book (`qq_name_dic`): four names, all the same chat server.
const TUTORIAL_CONTACTS: [&str; 4] = ["狗哥alex", "瞎驴", "一棵树", "武大郎"];

/// Lesson 2: a UDP chat client with a contact book; each typed line goes to the chosen contact.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/02-udp-qq.md\nStart the server first: cargo run -p udp-qq-server\nContacts: 狗哥alex, 瞎驴, 一棵树, 武大郎 (all at --server), plus any --contact."
)]
struct Args {
    #[command(flatten)]
    server: address_flags::Server<{ common::defaults::UDP_QQ.port() }>,

    /// Add a contact, or point an existing one elsewhere (repeatable): --contact 小明=127.0.0.1:9000
    #[arg(long = "contact", value_name = "NAME=HOST:PORT", value_parser = parse_contact)]
    contacts: Vec<Contact>,

    /// Seconds to wait for each reply before saying none came (fractions allowed)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "5")]
    timeout: Duration,
}

/// One entry of the contact book.
#[derive(Clone, Debug)]
struct Contact {
    name: String,
    addr: SocketAddr,
}

/// The tutorial's `\033[1;44m`: bold on blue. Written through anstream, it vanishes when
/// stdout is not a terminal or NO_COLOR is set (CLICOLOR_FORCE=1 forces it back).
const HIGHLIGHT: Style = Style::new()
    .bold()
    .bg_color(Some(Color::Ansi(AnsiColor::Blue)));

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // qq_name_dic: the tutorial's four names first, in its order, then each --contact,
    // which replaces a name already in the book or adds a new one at the end.
    let mut book: Vec<Contact> = TUTORIAL_CONTACTS
        .iter()
        .map(|&name| Contact {
            name: name.to_owned(),
            addr: args.server.addr,
        })
        .collect();
    for contact in args.contacts {
        match book.iter_mut().find(|known| known.name == contact.name) {
            Some(known) => known.addr = contact.addr,
            None => book.push(contact),
        }
    }

    // socket(AF_INET, SOCK_DGRAM), made when the first contact is chosen. One socket serves
    // every contact, as in the tutorial: UDP needs no connection per peer.
    let mut socket: Option<UdpSocket> = None;
    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut out = anstream::stdout().lock();

    // The outer loop chooses a contact; end of input at its prompt ends the client.
    while let Some(line) = common::read_line("choose a contact: ")? {
        let name = line.trim();
        if name.is_empty() {
            continue;
        }
        // The tutorial asks for a message first and only then checks the name, silently
        // dropping every message to an unknown one. We check the name at once and say why.
        let Some(contact) = book.iter().find(|known| known.name == name) else {
            let names: Vec<&str> = book.iter().map(|known| known.name.as_str()).collect();
            writeln!(
                out,
                "no contact named '{name}'; choose one of: {}",
                names.join(", ")
            )?;
            continue;
        };
        let client = socket_for(&mut socket, contact.addr, args.timeout)?;
        writeln!(
            out,
            "chatting with {} at {} (quit: choose another contact)",
            contact.name, contact.addr
        )?;

        // The inner loop is the chat; end of input here ends the client too.
        loop {
            let Some(line) = common::read_line("message, Enter sends: ")? else {
                return Ok(());
            };
            let message = line.trim();
            if message == "quit" {
                break;
            }
            // An empty datagram would really be delivered (lesson 1), but a chat has
            // nothing to say with it: the tutorial skips empty lines, and so do we.
            if message.is_empty() {
                continue;
            }

            // A reply that came after we stopped waiting for it is still in the socket's
            // buffer; show it now, or it would pass for the reply to this message.
            show_waiting_messages(client, &mut buffer, &mut out)?;

            // sendto(msg, address): no connection, so every send names its receiver.
            if let Err(err) = client.send_to(message.as_bytes(), contact.addr) {
                writeln!(out, "could not send to {}: {err}", contact.addr)?;
                continue;
            }

            // recvfrom(1024): the reply, and the address it came from; or nothing in time.
            match guard::recv_datagram(client, &mut buffer) {
                Ok(reply) => {
                    show_message(&mut out, "", reply.from, &buffer[..reply.len])?;
                    if let Some(note) = reply.truncation_note() {
                        writeln!(out, "  {note}")?;
                    }
                }
                Err(err) if common::is_timeout(&err) => writeln!(
                    out,
                    "no reply within {:?}: UDP does not retransmit, so the message or its \
                     reply was lost, or nobody answered at {} (the chat goes on)",
                    args.timeout, contact.addr
                )?,
                Err(err) => writeln!(out, "receive failed: {err}")?,
            }
        }
    }
    Ok(())
}

/// The client's socket, made on first use. An IPv4 socket cannot send to an IPv6 address
/// (nor the other way round), so a contact of the other family gets a fresh socket.
fn socket_for(
    socket: &mut Option<UdpSocket>,
    contact: SocketAddr,
    timeout: Duration,
) -> Result<&UdpSocket, common::Error> {
    let same_family = match socket {
        Some(current) => current.local_addr()?.is_ipv4() == contact.is_ipv4(),
        None => false,
    };
    if !same_family {
        let fresh = common::client_udp(contact)?;
        // A lost datagram is never sent again (UDP does not retransmit), so a reply may
        // never come. The tutorial's recvfrom would wait forever; ours gives up in time.
        fresh.set_read_timeout(Some(timeout))?;
        *socket = Some(fresh);
    }
    socket
        .as_ref()
        .ok_or_else(|| common::Error::new("no client socket"))
}

/// Prints every datagram already waiting in the socket (late replies), without waiting, each
/// marked `late`: it answers an earlier message, not the one about to go out.
fn show_waiting_messages(
    client: &UdpSocket,
    buffer: &mut [u8],
    out: &mut impl Write,
) -> Result<(), common::Error> {
    client.set_nonblocking(true)?;
    loop {
        match guard::recv_datagram(client, buffer) {
            Ok(late) => show_message(out, "late ", late.from, &buffer[..late.len])?,
            // Windows only: the echo of an earlier send nobody received; look again.
            Err(err) if common::is_stale_icmp_error(&err) => continue,
            // WouldBlock: nothing more is waiting. Any other error: leave it to recvfrom.
            Err(_) => break,
        }
    }
    client.set_nonblocking(false)?;
    Ok(())
}

/// The tutorial's `print('message from [ip:port]: \033[1;44m%s\033[0m')`, after `label`
/// (`late ` for a reply that came after the wait for it ended). Bytes that are not UTF-8
/// become U+FFFD, and control characters (a newline, or an escape that could recolour the
/// terminal), format characters (a bidi override U+202E, a zero-width space U+200B) and line
/// separators are written as escapes such as `\n` or `\u{202e}` (`common::show_text`).
fn show_message(
    out: &mut impl Write,
    label: &str,
    from: SocketAddr,
    bytes: &[u8],
) -> io::Result<()> {
    let text = common::show_text(bytes);
    writeln!(
        out,
        "{label}message from {from}: {HIGHLIGHT}{text}{HIGHLIGHT:#}"
    )
}

/// Parses `--contact NAME=HOST:PORT`. The last `=` splits, so a name may contain one.
fn parse_contact(text: &str) -> Result<Contact, String> {
    let Some((name, addr)) = text.rsplit_once('=') else {
        return Err(format!(
            "'{text}' is not NAME=HOST:PORT; write it like 小明=127.0.0.1:8081"
        ));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(format!(
            "'{text}' has no name before '='; write it like 小明=127.0.0.1:8081"
        ));
    }
    if name == "quit" {
        return Err("'quit' cannot be a contact: it is the word that ends a chat".to_owned());
    }
    let addr = common::parse_server_addr(addr)?;
    Ok(Contact {
        name: name.to_owned(),
        addr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_contact_splits_at_the_last_equals_sign() {
        let contact = parse_contact(" 小明 =127.0.0.1:9000").unwrap();
        assert_eq!(contact.name, "小明");
        assert_eq!(contact.addr, "127.0.0.1:9000".parse().unwrap());
        let contact = parse_contact("a=b=[::1]:9").unwrap();
        assert_eq!(contact.name, "a=b");
        assert!(contact.addr.is_ipv6());
    }

    #[test]
    fn parse_contact_refuses_bad_forms() {
        for (bad, says) in [
            ("小明", "NAME=HOST:PORT"),
            ("=127.0.0.1:1", "no name"),
            ("quit=127.0.0.1:1", "quit"),
            ("x=localhost", "127.0.0.1:8080"),
        ] {
            let refusal = parse_contact(bad).unwrap_err();
            assert!(refusal.contains(says), "{bad}: {refusal}");
        }
        // A name is looked up, like --server's.
        assert!(
            parse_contact("x=localhost:1")
                .unwrap()
                .addr
                .ip()
                .is_loopback()
        );
    }
}

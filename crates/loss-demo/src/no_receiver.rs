//! `no-receiver`: datagrams sent to a port that no socket has bound.
//!
//! The tutorial: "UDP's sendto can send on and on; the client can exist without the server",
//! and "data sent while nobody calls recvfrom is lost". Here is the case where it is truly
//! lost: no socket on the port at all. Every send succeeds anyway; the kernel of the receiving
//! machine drops the datagram and answers with an ICMP "port unreachable". Whether the sender
//! ever hears of that depends on the socket and the OS:
//!
//! - Linux and macOS: a *connected* UDP socket gets the error on its next call
//!   (ECONNREFUSED, "connection refused"); an unconnected one is not told. (Linux does match
//!   the ICMP error to an unconnected socket too, but passes it on only to a socket that asked
//!   for it with the IP_RECVERR option, ip(7); by default it keeps quiet.)
//! - Windows: both get it on the next receive, as WSAECONNRESET ("connection reset"), even
//!   the unconnected one, unless the program turns that off (SIO_UDP_CONNRESET).

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use crate::{QUIET, heading, meaning, say};

/// How many datagrams the unconnected socket sends.
const SENDS: usize = 3;

pub fn run(out: &mut impl Write) -> Result<(), common::Error> {
    heading(out, "no-receiver", "datagrams to a port nobody has bound")?;
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));

    // Find a port nobody uses: let the OS pick a free one, then close that socket.
    let nobody = UdpSocket::bind(loopback)?.local_addr()?;
    say(
        out,
        "target",
        format!("{nobody} (bound a moment ago, then closed: no socket there now)"),
    )?;

    // 1. An unconnected socket, as in the tutorial: sendto names the address every time.
    let unconnected = UdpSocket::bind(loopback)?;
    unconnected.set_read_timeout(Some(QUIET))?;
    let mut ok = 0;
    let mut bytes = 0;
    for i in 1..=SENDS {
        let message = format!("hello {i}");
        // Each sendto succeeds: it only hands the datagram to the OS. UDP does not ask first
        // whether anyone is there.
        if let Ok(n) = unconnected.send_to(message.as_bytes(), nobody) {
            ok += 1;
            bytes += n;
        }
    }
    say(
        out,
        "sendto ok",
        format!("{ok} of {SENDS} ({bytes} bytes), from an unconnected socket"),
    )?;
    let heard = try_recv(&unconnected);
    let what = describe(&heard, Heard::is_nothing, ": it is never told");
    say(out, "unconnected", format!("recvfrom: {what}"))?;

    // 2. A connected socket: connect() on UDP sends nothing, it only fixes the peer. Linux
    //    and macOS report an ICMP "port unreachable" to a connected socket (Linux to an
    //    unconnected one only if it set IP_RECVERR); Windows reports it to both.
    let connected = UdpSocket::bind(loopback)?;
    connected.set_read_timeout(Some(QUIET))?;
    connected.connect(nobody)?;
    let sent = connected.send(b"hello")?;
    say(
        out,
        "send ok",
        format!("{sent} bytes, from a socket connected to {nobody}"),
    )?;
    let heard = try_recv(&connected);
    let told = ": the OS passed on the ICMP \"port unreachable\"";
    let what = describe(&heard, Heard::is_error, told);
    say(out, "connected", format!("recv: {what}"))?;

    // 3. Were the datagrams kept somewhere, waiting for a socket to show up? Bind the port
    //    now and look.
    match UdpSocket::bind(nobody) {
        Ok(late) => {
            late.set_read_timeout(Some(QUIET))?;
            let heard = try_recv(&late);
            let what = describe(
                &heard,
                Heard::is_nothing,
                ": the datagrams were dropped, not kept",
            );
            say(
                out,
                "bound later",
                format!("{nobody}, then recvfrom: {what}"),
            )?;
        }
        // Another program took the port in the meantime: skip this check, say why.
        Err(err) => say(
            out,
            "bound later",
            format!("could not bind {nobody}: {err}"),
        )?,
    }
    meaning(
        out,
        "With no socket on the port, sends still succeed and the datagrams are dropped; only a connected socket hears why (on Windows, every socket).",
    )?;
    Ok(())
}

/// What one receive saw: a datagram, nothing (timeout), or an error the OS reported.
enum Heard {
    Datagram(usize),
    Nothing,
    Error(io::Error),
}

fn try_recv(socket: &UdpSocket) -> Heard {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    match socket.recv(&mut buffer) {
        Ok(n) => Heard::Datagram(n),
        Err(err) if common::is_timeout(&err) => Heard::Nothing,
        Err(err) => Heard::Error(err),
    }
}

impl Heard {
    fn is_nothing(&self) -> bool {
        matches!(self, Heard::Nothing)
    }

    fn is_error(&self) -> bool {
        matches!(self, Heard::Error(_))
    }
}

/// What `heard` was, in words, and then `verdict` if `expected` holds for it: what the
/// experiment wanted to show.
fn describe(heard: &Heard, expected: fn(&Heard) -> bool, verdict: &str) -> String {
    let verdict = if expected(heard) { verdict } else { "" };
    let what = match heard {
        Heard::Datagram(n) => format!("a datagram of {n} bytes arrived"),
        Heard::Nothing => format!("nothing within {} ms, no error", QUIET.as_millis()),
        // Linux/macOS: "Connection refused (os error 111)" on a connected socket.
        // Windows: "An existing connection was forcibly closed" (WSAECONNRESET, 10054).
        Heard::Error(err) => format!("error: {err}"),
    };
    format!("{what}{verdict}")
}

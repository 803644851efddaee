//! `truncation`: a datagram longer than the buffer given to `recvfrom`.
//!
//! The tutorial: "recvfrom receives less than sendto sent: data lost, unreliable". True, and
//! the OS even says so: it flags the datagram as truncated (MSG_TRUNC). The cut-off part is
//! not kept for the next read: the next `recvfrom` gets the next datagram.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use crate::{QUIET, heading, meaning, say};

/// The size of the datagram we send: bigger than the tutorial's 1024-byte buffer.
const DATAGRAM: usize = 2000;

pub fn run(out: &mut impl Write) -> Result<(), common::Error> {
    heading(
        out,
        "truncation",
        "a 2000-byte datagram, a 1024-byte buffer",
    )?;
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let receiver = UdpSocket::bind(loopback)?;
    receiver.set_read_timeout(Some(QUIET))?;
    let sender = UdpSocket::bind(loopback)?;
    let to = receiver.local_addr()?;

    // abcdefghijklmnopqrstuvwxyzabc... so the bytes on either side of the cut differ.
    let big: Vec<u8> = (0..DATAGRAM).map(|i| b'a' + (i % 26) as u8).collect();
    let first = sender.send_to(&big, to)?;
    let second = sender.send_to(b"next", to)?;
    say(
        out,
        "sent",
        format!("a datagram of {first} bytes, then one of {second} bytes (b'next')"),
    )?;

    // recvfrom(1024), as in the tutorial. guard::recv_datagram also reports the flag.
    let mut buffer = [0u8; common::BUFFER_SIZE];
    let got = guard::recv_datagram(&receiver, &mut buffer).map_err(crate::not_arrived)?;
    let tail = &buffer[got.len.saturating_sub(10)..got.len];
    say(
        out,
        "received",
        format!(
            "{} bytes into a {}-byte buffer, ending ...{}",
            got.len,
            buffer.len(),
            common::show_bytes(tail)
        ),
    )?;
    say(
        out,
        "truncated",
        if got.truncated {
            "yes: the OS flagged the datagram as cut short (MSG_TRUNC)"
        } else {
            "no"
        },
    )?;
    // Linux says how long the datagram really was; macOS and Windows only set the flag.
    match got.full_len {
        Some(full) => say(
            out,
            "lost",
            format!(
                "{} bytes (the OS says the datagram was {full} bytes), starting {}...",
                full.saturating_sub(got.len),
                common::show_bytes(&big[got.len..(got.len + 10).min(DATAGRAM)])
            ),
        )?,
        None => say(
            out,
            "lost",
            format!(
                "{} bytes (we sent {DATAGRAM}; this OS does not report the real length)",
                DATAGRAM - got.len
            ),
        )?,
    }

    // Is the rest waiting for a second read? No: the next read is the next datagram.
    let next = guard::recv_datagram(&receiver, &mut buffer).map_err(crate::not_arrived)?;
    say(
        out,
        "next read",
        format!(
            "{} bytes {}: the next datagram, not the rest of the first",
            next.len,
            common::show_bytes(&buffer[..next.len])
        ),
    )?;
    meaning(
        out,
        "One recvfrom takes one whole datagram; what does not fit in the buffer is thrown away for good.",
    )?;
    Ok(())
}

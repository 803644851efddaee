//! `late-receiver`: datagrams sent to a bound socket before it calls `recvfrom`.
//!
//! The tutorial: "when only sendto sends and no recvfrom receives, the data is lost". Only
//! half true. Once a socket is bound, the OS keeps every datagram that arrives for it in the
//! socket's receive buffer until the program reads it, whether or not a `recvfrom` is
//! waiting. Loss comes only when the buffer is full (see `flood`) or nobody has bound the port
//! (see `no-receiver`).

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::thread;
use std::time::Duration;

use crate::{QUIET, heading, meaning, receive_all, say};

/// How many datagrams go out before the receiver reads.
const SENDS: usize = 5;

/// How long the receiver "is busy" before its first recvfrom. This is the experiment's
/// point, not a way to synchronise: the datagrams are already there long before.
const BUSY: Duration = Duration::from_millis(500);

pub fn run(out: &mut impl Write) -> Result<(), common::Error> {
    heading(out, "late-receiver", "datagrams sent before anyone reads")?;
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    // bind() is all it takes: from now on the OS keeps datagrams for this socket.
    let receiver = UdpSocket::bind(loopback)?;
    receiver.set_read_timeout(Some(QUIET))?;
    let sender = UdpSocket::bind(loopback)?;
    let to = receiver.local_addr()?;

    for i in 1..=SENDS {
        sender.send_to(format!("message {i}").as_bytes(), to)?;
    }
    say(
        out,
        "sent",
        format!("{SENDS} datagrams to {to}, which has not called recvfrom yet"),
    )?;
    thread::sleep(BUSY);
    say(
        out,
        "waited",
        format!("{} ms before the first recvfrom", BUSY.as_millis()),
    )?;

    // Now read until nothing more comes within QUIET.
    let mut buffer = [0u8; common::BUFFER_SIZE];
    let received = receive_all(&receiver, &mut buffer)?;
    say(
        out,
        "received",
        format!("{} of {SENDS}: {}", received.len(), received.join(" ")),
    )?;
    meaning(
        out,
        "A bound socket's receive buffer holds datagrams until the program reads them; nobody has to be waiting in recvfrom.",
    )?;
    Ok(())
}

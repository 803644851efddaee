//! `boundaries`: three messages over UDP, then the same three over TCP.
//!
//! The tutorial: "one recvfrom matches one sendto, so UDP never has sticky packets" and
//! "TCP does not lose data, but packets stick together". Both true. UDP keeps each send as
//! a datagram of its own. TCP keeps only the order of the bytes: once they are in the
//! receiver's buffer, nothing marks where one `send` ended and the next began.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use crate::{QUIET, counted, heading, meaning, receive_all, say};

const MESSAGES: [&[u8]; 3] = [b"one", b"two", b"three"];

pub fn run(out: &mut impl Write) -> Result<(), common::Error> {
    heading(
        out,
        "boundaries",
        "three sends over UDP, three writes over TCP",
    )?;
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let total: usize = MESSAGES.iter().map(|m| m.len()).sum();
    let mut buffer = [0u8; common::BUFFER_SIZE];

    // UDP: three sendto, then read until nothing more comes.
    let receiver = UdpSocket::bind(loopback)?;
    receiver.set_read_timeout(Some(QUIET))?;
    let sender = UdpSocket::bind(loopback)?;
    for message in MESSAGES {
        sender.send_to(message, receiver.local_addr()?)?;
    }
    let reads = receive_all(&receiver, &mut buffer)?;
    say(out, "udp sends", shown(&MESSAGES))?;
    say(out, "udp reads", counted(&reads))?;

    // TCP: three write calls on one connection.
    let listener = TcpListener::bind(loopback)?;
    let mut writer = TcpStream::connect_timeout(&listener.local_addr()?, QUIET)?;
    let (mut reader, _) = listener.accept()?;
    reader.set_read_timeout(Some(QUIET))?;
    for message in MESSAGES {
        writer.write_all(message)?;
    }
    // The reader is slower than the writer, as a busy server is. To make the demo show the
    // same thing on every run, it waits until all the bytes are in its receive buffer
    // (peek looks without taking them), then calls recv(1024) once, like the tutorial.
    wait_until_buffered(&reader, total)?;
    let mut tcp_reads = Vec::new();
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => tcp_reads.push(common::show_bytes(&buffer[..n])),
            Err(err) if common::is_timeout(&err) => break,
            Err(err) => return Err(err.into()),
        }
        // After the first read, close the writer so the reader sees end of stream next.
        if tcp_reads.len() == 1 {
            writer.shutdown(std::net::Shutdown::Write)?;
        }
    }
    say(out, "tcp writes", shown(&MESSAGES))?;
    say(out, "tcp reads", counted(&tcp_reads))?;
    meaning(
        out,
        "UDP keeps each send as one message; TCP delivers a stream of bytes, so the receiver must find where messages end.",
    )?;
    Ok(())
}

/// The messages as `3: b'one' b'two' b'three'`.
fn shown(messages: &[&[u8]]) -> String {
    let parts: Vec<String> = messages.iter().map(|m| common::show_bytes(m)).collect();
    counted(&parts)
}

/// Waits (at most a few seconds) until `want` bytes can be read from `stream` at once.
fn wait_until_buffered(stream: &TcpStream, want: usize) -> Result<(), common::Error> {
    let give_up = Instant::now() + Duration::from_secs(3);
    let mut peeked = [0u8; common::BUFFER_SIZE];
    while Instant::now() < give_up {
        match stream.peek(&mut peeked) {
            Ok(n) if n >= want => return Ok(()),
            Ok(_) => thread::sleep(Duration::from_millis(5)),
            Err(err) if common::is_timeout(&err) => {}
            Err(err) => return Err(err.into()),
        }
    }
    // Not all there yet: read what there is; the output will show the split honestly.
    Ok(())
}

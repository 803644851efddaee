//! Exercise `empty-or-timeout` (lesson 6, warm-up): an empty datagram is not silence.
//!
//! Lesson 6 shows that a datagram with no payload is a real datagram, received as 0 bytes,
//! while a timeout is no datagram at all. Write `wait_for`: wait once on `socket` (its read
//! timeout is already set) and say which of the three it was.
//!
//! Careful: a read timeout is an *error*, and not the same error everywhere: its kind is
//! `WouldBlock` on Linux and macOS and `TimedOut` on Windows. Your code must say
//! `Arrival::Nothing` on all three systems.
//!
//! Check your work:  cargo exercises check empty-or-timeout

use std::io;
use std::net::UdpSocket;

/// What one wait on a UDP socket brought.
#[derive(Debug, PartialEq, Eq)]
pub enum Arrival {
    /// A datagram with no payload: a real datagram, 0 bytes long.
    Empty,
    /// A datagram with these bytes.
    Data(Vec<u8>),
    /// Nothing before the socket's read timeout.
    Nothing,
}

/// Waits once on `socket` (whose read timeout is already set) and says what came.
pub fn wait_for(socket: &UdpSocket) -> io::Result<Arrival> {
    // TODO: one recv_from, then match on what it returned.
    todo!("wait once on {}", socket.local_addr()?)
}

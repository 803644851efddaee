//! Solution to `empty-or-timeout` (lesson 6, warm-up).

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
    let mut buf = [0u8; 65_536];
    match socket.recv_from(&mut buf) {
        Ok((0, _)) => Ok(Arrival::Empty),
        Ok((n, _)) => Ok(Arrival::Data(buf[..n].to_vec())),
        // The timeout is an error, not a 0-byte read: WouldBlock on Linux and macOS,
        // TimedOut on Windows.
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(Arrival::Nothing)
        }
        Err(err) => Err(err),
    }
}

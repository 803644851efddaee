//! Solution to `heartbeat` (lesson 6, medium).

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Pings `server` with an empty datagram from `socket` and says whether it answered (with any
/// datagram, an empty one included) within `timeout`. Datagrams from anyone else are ignored,
/// and they do not extend the wait.
pub fn is_alive(socket: &UdpSocket, server: SocketAddr, timeout: Duration) -> io::Result<bool> {
    socket.send_to(&[], server)?;
    let deadline = Instant::now() + timeout;
    let mut buf = [0u8; 65_536];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buf) {
            Ok((_, from)) if from == server => return Ok(true),
            Ok(_) => {} // someone else: keep waiting, on the same deadline
            // A read timeout: WouldBlock on Linux and macOS, TimedOut on Windows.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(false);
            }
            Err(err) => return Err(err),
        }
    }
}

//! Solution to `echo-retry` (lesson 1, medium).

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Sends `message` to `server` up to `attempts` times, waiting `first_wait` for the first
/// reply and twice as long after each retry; returns the first reply from `server`, or an
/// error of kind `TimedOut` when every attempt went unanswered.
pub fn ask_with_retries(
    socket: &UdpSocket,
    server: SocketAddr,
    message: &[u8],
    first_wait: Duration,
    attempts: u32,
) -> io::Result<Vec<u8>> {
    let mut wait = first_wait;
    let mut buf = [0u8; 65_536];
    for _ in 0..attempts {
        socket.send_to(message, server)?;
        socket.set_read_timeout(Some(wait))?;
        match socket.recv_from(&mut buf) {
            Ok((n, _from)) => return Ok(buf[..n].to_vec()),
            // A read timeout is WouldBlock on Linux and macOS, TimedOut on Windows.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                wait *= 2;
            }
            Err(err) => return Err(err),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!("no reply from {server} after {attempts} attempts"),
    ))
}

//! Solution to `echo-once` (lesson 1, warm-up).

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Sends `message` to `server` in one datagram and returns the reply, or an error after
/// `timeout` without one.
pub fn echo_once(server: SocketAddr, message: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    // Port 0: the OS picks a free port, as every client does. Same family as the server.
    let local = if server.is_ipv4() {
        "127.0.0.1:0"
    } else {
        "[::1]:0"
    };
    let socket = UdpSocket::bind(local)?;
    // Without this, a lost reply would leave recv_from waiting for ever.
    socket.set_read_timeout(Some(timeout))?;
    socket.send_to(message, server)?;
    let mut buf = [0u8; 65_536];
    let (n, _from) = socket.recv_from(&mut buf)?;
    Ok(buf[..n].to_vec())
}

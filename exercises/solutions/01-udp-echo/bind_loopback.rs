//! Solution to `bind-loopback` (lesson 1, warm-up).

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Binds a UDP socket on 127.0.0.1, port 0 (the OS picks a free one), and returns it with the
/// address it really got.
pub fn bind_loopback() -> io::Result<(UdpSocket, SocketAddr)> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    // Port 0 was a request ("any free port"); the socket knows which one it got.
    let addr = socket.local_addr()?;
    Ok((socket, addr))
}

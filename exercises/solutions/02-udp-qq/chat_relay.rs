//! Solution to `chat-relay` (lesson 2, warm-up).

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Receives one datagram on `socket`, remembers its sender in `peers` (once), and forwards the
/// datagram unchanged to every other peer in `peers`.
pub fn relay_once(socket: &UdpSocket, peers: &mut Vec<SocketAddr>) -> io::Result<()> {
    let mut buf = [0u8; 65_536];
    let (n, from) = socket.recv_from(&mut buf)?;
    if !peers.contains(&from) {
        peers.push(from);
    }
    for &peer in peers.iter() {
        if peer != from {
            socket.send_to(&buf[..n], peer)?;
        }
    }
    Ok(())
}

// A wrong solution to `chat-relay`, kept so a test can prove the check rejects it.
//
// The bug: adds the sender to peers every time it speaks.
// The case that catches it: `a_peer_is_added_once`.

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Receives one datagram on `socket`, remembers its sender in `peers` (once), and forwards the
/// datagram unchanged to every other peer in `peers`.
pub fn relay_once(socket: &UdpSocket, peers: &mut Vec<SocketAddr>) -> io::Result<()> {
    let mut buf = [0u8; 65_536];
    let (n, from) = socket.recv_from(&mut buf)?;
    peers.push(from);
    let mut sent = Vec::new();
    for &peer in peers.iter() {
        if peer != from && !sent.contains(&peer) {
            sent.push(peer);
            socket.send_to(&buf[..n], peer)?;
        }
    }
    Ok(())
}

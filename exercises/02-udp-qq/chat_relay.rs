//! Exercise `chat-relay` (lesson 2, warm-up): one step of a group chat server.
//!
//! Lesson 2's chat passes each line between two people who know each other's address. A group
//! chat server instead relays: write `relay_once`, which receives one datagram, remembers its
//! sender in `peers` (each address once), and sends the datagram, unchanged, to every other
//! peer it knows. The sender does not get its own line back.
//!
//! The check makes three clients, A, B and C, talk through your server one line at a time.
//!
//! Check your work:  cargo exercises check chat-relay

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Receives one datagram on `socket`, remembers its sender in `peers` (once), and forwards the
/// datagram unchanged to every other peer in `peers`.
#[allow(clippy::ptr_arg)] // a Vec, not a slice: your code adds new peers to it
pub fn relay_once(socket: &UdpSocket, peers: &mut Vec<SocketAddr>) -> io::Result<()> {
    // TODO: recv_from, add the sender to `peers` if it is new, send_to every other peer.
    todo!(
        "receive one datagram on {}, pass it on to the other {} peers",
        socket.local_addr()?,
        peers.len()
    )
}

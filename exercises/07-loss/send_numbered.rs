//! Exercise `send-numbered` (lesson 7, warm-up): number your datagrams.
//!
//! A receiver can only count what was lost if it knows what was sent. Write `send_numbered`:
//! send `count` datagrams of exactly `size` bytes to `to`, the first 4 bytes of each holding
//! its sequence number (big-endian, 0, 1, 2, ...), the rest zeros. Return an `InvalidInput`
//! error if `size` is under 4 (no room for the number), before sending anything.
//!
//! Check your work:  cargo exercises check send-numbered

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Sends `count` numbered datagrams of `size` bytes to `to`.
pub fn send_numbered(
    socket: &UdpSocket,
    to: SocketAddr,
    count: u32,
    size: usize,
) -> io::Result<()> {
    // TODO: one buffer of `size` zeros; put seq.to_be_bytes() in its first 4 bytes; send_to.
    todo!(
        "send {count} datagrams of {size} bytes to {to} from {}",
        socket.local_addr()?
    )
}

//! Exercise `send-in-pieces` (lesson 5, medium): a long reply in numbered datagrams.
//!
//! Lesson 5's UDP server must fit a command's whole output in one datagram, and long output
//! is cut. Write `send_in_pieces`: split `reply` into pieces of at most `max_payload` bytes and
//! send each in its own datagram, numbered so that the receiver can put them back together:
//!
//! ```text
//! | index: u16, big-endian | count: u16, big-endian | up to max_payload bytes |
//! ```
//!
//! Indices run from 0 to count - 1, in order. An empty reply is one piece with no bytes (so
//! the receiver still hears an answer). Return the count; return an `InvalidInput` error if
//! `max_payload` is 0 or the reply would need more than 65,535 pieces.
//!
//! Check your work:  cargo exercises check send-in-pieces

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Sends `reply` to `to` in numbered datagrams; returns how many.
pub fn send_in_pieces(
    socket: &UdpSocket,
    to: SocketAddr,
    reply: &[u8],
    max_payload: usize,
) -> io::Result<u16> {
    // TODO: reply.chunks(max_payload) gives the pieces; u16::try_from counts them safely.
    todo!(
        "send {} bytes to {to} from {} in pieces of at most {max_payload}",
        reply.len(),
        socket.local_addr()?
    )
}

//! Solution to `send-in-pieces` (lesson 5, medium).

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Sends `reply` to `to` in numbered datagrams: each is the piece's index (2 bytes,
/// big-endian, from 0), the number of pieces (2 bytes, big-endian), then at most
/// `max_payload` bytes of the reply, in order. An empty reply is one piece with no bytes.
/// Returns the number of pieces; `InvalidInput` if `max_payload` is 0 or more than 65,535
/// pieces would be needed.
pub fn send_in_pieces(
    socket: &UdpSocket,
    to: SocketAddr,
    reply: &[u8],
    max_payload: usize,
) -> io::Result<u16> {
    if max_payload == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "max_payload is 0",
        ));
    }
    let pieces: Vec<&[u8]> = if reply.is_empty() {
        vec![&[]]
    } else {
        reply.chunks(max_payload).collect()
    };
    let count = u16::try_from(pieces.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "more than 65,535 pieces"))?;
    for (index, piece) in (0u16..).zip(&pieces) {
        let mut datagram = Vec::with_capacity(4 + piece.len());
        datagram.extend_from_slice(&index.to_be_bytes());
        datagram.extend_from_slice(&count.to_be_bytes());
        datagram.extend_from_slice(piece);
        socket.send_to(&datagram, to)?;
    }
    Ok(count)
}

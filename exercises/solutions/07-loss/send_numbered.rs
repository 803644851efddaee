//! Solution to `send-numbered` (lesson 7, warm-up).

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Sends `count` datagrams of exactly `size` bytes to `to`; the first 4 bytes of each are its
/// sequence number (big-endian, from 0), the rest zeros. `InvalidInput` if `size` < 4.
pub fn send_numbered(
    socket: &UdpSocket,
    to: SocketAddr,
    count: u32,
    size: usize,
) -> io::Result<()> {
    if size < 4 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a datagram needs 4 bytes for its number",
        ));
    }
    let mut datagram = vec![0u8; size];
    for seq in 0..count {
        datagram[..4].copy_from_slice(&seq.to_be_bytes());
        socket.send_to(&datagram, to)?;
    }
    Ok(())
}

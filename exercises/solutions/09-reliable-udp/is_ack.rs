//! Solution to `is-ack` (lesson 9, warm-up).

use std::net::SocketAddr;

/// Whether `datagram`, from `from`, is the receiver's acknowledgement of message `seq`: exactly
/// its number, 4 bytes big-endian, from `receiver`.
pub fn is_ack(datagram: &[u8], from: SocketAddr, receiver: SocketAddr, seq: u32) -> bool {
    from == receiver && datagram == seq.to_be_bytes()
}

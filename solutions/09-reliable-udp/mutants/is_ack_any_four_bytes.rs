// A wrong solution to `is-ack`, kept so a test can prove the check rejects it.
//
// The bug: takes any 4 bytes from the receiver for the ACK.
// The case that catches it: `stale_ack_refused`.

use std::net::SocketAddr;

/// Whether `datagram`, from `from`, is the receiver's acknowledgement of message `seq`: exactly
/// its number, 4 bytes big-endian, from `receiver`.
pub fn is_ack(datagram: &[u8], from: SocketAddr, receiver: SocketAddr, seq: u32) -> bool {
    let _ = seq;
    from == receiver && datagram.len() == 4
}

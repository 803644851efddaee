// A wrong solution to `is-ack`, kept so a test can prove the check rejects it.
//
// The bug: takes the right number from anyone.
// The case that catches it: `strangers_ack_refused`.

use std::net::SocketAddr;

/// Whether `datagram`, from `from`, is the receiver's acknowledgement of message `seq`: exactly
/// its number, 4 bytes big-endian, from `receiver`.
pub fn is_ack(datagram: &[u8], from: SocketAddr, receiver: SocketAddr, seq: u32) -> bool {
    let _ = (from, receiver);
    datagram == seq.to_be_bytes()
}

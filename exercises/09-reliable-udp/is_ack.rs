//! Exercise `is-ack` (lesson 9, warm-up): the test at the heart of stop-and-wait.
//!
//! Write `is_ack`: the sender waits for the acknowledgement of message `seq`. Only exactly
//! `seq.to_be_bytes()`, from the receiver, counts: not an old ACK, not a stranger's datagram.
//!
//! Check your work:  cargo exercises check is-ack

use std::net::SocketAddr;

/// Whether `datagram`, from `from`, is the receiver's acknowledgement of message `seq`: exactly
/// its number, 4 bytes big-endian, from `receiver`.
pub fn is_ack(datagram: &[u8], from: SocketAddr, receiver: SocketAddr, seq: u32) -> bool {
    // TODO: compare both the sender of the datagram and its bytes.
    todo!("is {datagram:?} from {from} the ACK of {seq} from {receiver}?")
}

//! Exercise `loss-tally` (lesson 7, medium): what the sequence numbers tell.
//!
//! The receiver's side of `send-numbered`. Write `tally`: receive numbered datagrams on
//! `socket` (sequence number in the first 4 bytes, big-endian) until none has come for
//! `quiet`, and count, against the numbers 0 to `expected` - 1:
//!
//! - `received`: distinct numbers that arrived;
//! - `duplicates`: arrivals of a number that had already arrived;
//! - `reordered`: first arrivals of a number lower than the highest seen before it;
//! - `lost`: numbers that never arrived.
//!
//! Ignore datagrams shorter than 4 bytes and numbers of `expected` or more. On loopback
//! nothing is lost, so the check sends the numbers itself, with gaps, a duplicate and two
//! numbers out of order.
//!
//! Check your work:  cargo exercises check loss-tally

use std::io;
use std::net::UdpSocket;
use std::time::Duration;

/// What a receiver can tell from sequence numbers alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub received: u32,
    pub lost: u32,
    pub duplicates: u32,
    pub reordered: u32,
}

/// Receives numbered datagrams until none has come for `quiet`, and tallies them.
pub fn tally(socket: &UdpSocket, expected: u32, quiet: Duration) -> io::Result<Tally> {
    // TODO: set_read_timeout(Some(quiet)); a Vec<bool> of numbers seen; the highest so far.
    todo!(
        "tally numbers 0..{expected} on {} until {quiet:?} of silence",
        socket.local_addr()?
    )
}

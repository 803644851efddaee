//! Exercise `reassemble` (lesson 5, hard): put the pieces back, and name the gaps.
//!
//! The other side of `send-in-pieces`. Write `reassemble`: receive the numbered pieces on
//! `socket` (header: index u16, count u16, both big-endian; then the bytes) and put the reply
//! back together. UDP may deliver them in any order, twice, or not at all, so:
//!
//! - keep the first copy of each piece and ignore duplicates, and datagrams shorter than 4
//!   bytes;
//! - stop as soon as every piece has come: `Reassembled::Complete(bytes in index order)`;
//! - or when no datagram has come for `quiet`: `Reassembled::Incomplete { missing }` with the
//!   missing indices, smallest first, or an error of kind `TimedOut` if no piece came at all.
//!
//! Check your work:  cargo exercises check reassemble

use std::io;
use std::net::UdpSocket;
use std::time::Duration;

/// What came of a reply sent in pieces.
#[derive(Debug, PartialEq, Eq)]
pub enum Reassembled {
    /// Every piece arrived: the reply, pieces in index order.
    Complete(Vec<u8>),
    /// Some never came: their indices, smallest first.
    Incomplete { missing: Vec<u16> },
}

/// Receives the pieces of one reply on `socket` until all have come or none for `quiet`.
pub fn reassemble(socket: &UdpSocket, quiet: Duration) -> io::Result<Reassembled> {
    // TODO: set_read_timeout(Some(quiet)), then a Vec<Option<Vec<u8>>> with one slot per piece.
    todo!(
        "collect pieces on {}, giving up after {quiet:?} of silence",
        socket.local_addr()?
    )
}

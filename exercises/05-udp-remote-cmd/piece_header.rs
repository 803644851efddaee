//! Exercise `piece-header` (lesson 5, warm-up): one piece's header, checked.
//!
//! Write `parse_piece`: lesson 5 sends a long reply as numbered datagrams, each starting with
//! its index and the number of pieces (2 bytes each, big-endian). Read them, and refuse a
//! datagram that cannot be a piece: under 4 bytes, a count of 0, an index not below the count.
//!
//! Check your work:  cargo exercises check piece-header

/// The piece in `datagram`: (index, count, bytes), from a 4-byte header of two big-endian u16s;
/// `None` when it is shorter than 4 bytes, its count is 0, or its index is not below the count.
pub fn parse_piece(datagram: &[u8]) -> Option<(u16, u16, &[u8])> {
    // TODO: check the length first, then read two big-endian u16s, then check them.
    todo!("read the header of {} bytes", datagram.len())
}

//! Solution to `piece-header` (lesson 5, warm-up).

/// The piece in `datagram`: (index, count, bytes), from a 4-byte header of two big-endian u16s;
/// `None` when it is shorter than 4 bytes, its count is 0, or its index is not below the count.
pub fn parse_piece(datagram: &[u8]) -> Option<(u16, u16, &[u8])> {
    if datagram.len() < 4 {
        return None;
    }
    let index = u16::from_be_bytes([datagram[0], datagram[1]]);
    let count = u16::from_be_bytes([datagram[2], datagram[3]]);
    if count == 0 || index >= count {
        return None;
    }
    Some((index, count, &datagram[4..]))
}

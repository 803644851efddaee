//! Solution to `reassemble` (lesson 5, hard).

use std::io::{self, ErrorKind::TimedOut, ErrorKind::WouldBlock};
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

/// Receives the pieces `send_in_pieces` sends (index: u16, count: u16, both big-endian, then
/// the bytes), in any order, duplicates ignored, until all have come or none has come for
/// `quiet`. Datagrams shorter than 4 bytes are ignored. `TimedOut` when no piece came at all.
pub fn reassemble(socket: &UdpSocket, quiet: Duration) -> io::Result<Reassembled> {
    socket.set_read_timeout(Some(quiet))?;
    let mut pieces: Vec<Option<Vec<u8>>> = Vec::new();
    let mut buf = [0u8; 65_536];
    loop {
        let n = match socket.recv_from(&mut buf) {
            Ok((n, _from)) => n,
            // A read timeout: WouldBlock on Linux and macOS, TimedOut on Windows.
            Err(err) if matches!(err.kind(), WouldBlock | TimedOut) => break,
            Err(err) => return Err(err),
        };
        if n < 4 {
            continue;
        }
        let index = usize::from(u16::from_be_bytes([buf[0], buf[1]]));
        let count = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
        if pieces.is_empty() {
            pieces.resize(count, None);
        }
        if index < pieces.len() && pieces[index].is_none() {
            pieces[index] = Some(buf[4..n].to_vec());
        }
        if !pieces.is_empty() && pieces.iter().all(Option::is_some) {
            return Ok(Reassembled::Complete(
                pieces.into_iter().flatten().flatten().collect(),
            ));
        }
    }
    if pieces.is_empty() {
        return Err(io::Error::new(io::ErrorKind::TimedOut, "no piece arrived"));
    }
    let missing = (0u16..)
        .zip(&pieces)
        .filter(|(_, piece)| piece.is_none())
        .map(|(index, _)| index)
        .collect();
    Ok(Reassembled::Incomplete { missing })
}

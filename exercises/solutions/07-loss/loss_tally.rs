//! Solution to `loss-tally` (lesson 7, medium).

use std::io::{self, ErrorKind::TimedOut, ErrorKind::WouldBlock};
use std::net::UdpSocket;
use std::time::Duration;

/// What a receiver can tell from sequence numbers alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Distinct sequence numbers that arrived.
    pub received: u32,
    /// Sequence numbers below `expected` that never arrived.
    pub lost: u32,
    /// Arrivals of a number that had already arrived.
    pub duplicates: u32,
    /// First arrivals of a number lower than the highest seen before it.
    pub reordered: u32,
}

/// Receives numbered datagrams (sequence number in the first 4 bytes, big-endian) until none
/// has come for `quiet`, and tallies them against the numbers 0..expected. Datagrams shorter
/// than 4 bytes, or numbered `expected` or more, are ignored.
pub fn tally(socket: &UdpSocket, expected: u32, quiet: Duration) -> io::Result<Tally> {
    socket.set_read_timeout(Some(quiet))?;
    let mut seen = vec![false; expected as usize];
    let mut highest: Option<u32> = None;
    let mut result = Tally::default();
    let mut buf = [0u8; 65_536];
    loop {
        let n = match socket.recv_from(&mut buf) {
            Ok((n, _)) => n,
            // Quiet for long enough: WouldBlock on Linux and macOS, TimedOut on Windows.
            Err(err) if matches!(err.kind(), WouldBlock | TimedOut) => break,
            Err(err) => return Err(err),
        };
        if n < 4 {
            continue;
        }
        let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
        if seq >= expected {
            continue;
        }
        if seen[seq as usize] {
            result.duplicates += 1;
            continue;
        }
        seen[seq as usize] = true;
        result.received += 1;
        if highest.is_some_and(|high| seq < high) {
            result.reordered += 1;
        }
        highest = highest.max(Some(seq));
    }
    result.lost = expected - result.received;
    Ok(result)
}

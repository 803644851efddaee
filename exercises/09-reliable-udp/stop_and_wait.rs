//! Exercise `stop-and-wait` (lesson 9, hard): reliable delivery over a lossy link.
//!
//! Write `send_all`: deliver `messages` to `receiver` in order, one at a time. Message number
//! `seq` (0, 1, 2, ...) goes out as one datagram, its number (4 bytes, big-endian) followed
//! by its bytes; the receiver acknowledges it by sending back those 4 bytes. Send, wait up to
//! `rto` for the acknowledgement, and send again if it does not come; after `max_tries` sends
//! without it, give up with an error of kind `TimedOut`.
//!
//! Ignore anything that is not the acknowledgement you wait for: an old one (the receiver
//! may acknowledge a copy twice) or a datagram from another address. Ignoring it must not
//! restart your timer.
//!
//! The check's receiver loses the first copy of message 0, loses the acknowledgement of
//! message 2, and answers message 4 with a stale acknowledgement; and before you start, a
//! stranger sends your socket a fake acknowledgement of message 0.
//!
//! Check your work:  cargo exercises check stop-and-wait

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Delivers `messages` to `receiver`, in order, resending each after `rto` without an
/// acknowledgement, at most `max_tries` times.
pub fn send_all(
    socket: &UdpSocket,
    receiver: SocketAddr,
    messages: &[&[u8]],
    rto: Duration,
    max_tries: u32,
) -> io::Result<()> {
    // TODO: for each (seq, message): up to max_tries times, send it and wait until a deadline
    // `rto` away for a datagram from `receiver` equal to seq.to_be_bytes().
    todo!(
        "send {} messages from {} to {receiver} (rto {rto:?}, {max_tries} tries each)",
        messages.len(),
        socket.local_addr()?
    )
}

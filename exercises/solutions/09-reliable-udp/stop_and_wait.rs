//! Solution to `stop-and-wait` (lesson 9, hard).

use std::io::{self, ErrorKind::TimedOut, ErrorKind::WouldBlock};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Delivers `messages` to `receiver`, in order, one at a time, over a link that loses
/// datagrams. Message number `seq` (0, 1, 2, ...) goes out as its number (4 bytes,
/// big-endian) followed by its bytes; the receiver acknowledges it with the same 4 bytes.
/// A message is sent again when no acknowledgement for it comes within `rto`; after
/// `max_tries` sends without one, the result is an error of kind `TimedOut`. Datagrams that
/// are not the awaited acknowledgement (an old one, a stranger's) are ignored.
pub fn send_all(
    socket: &UdpSocket,
    receiver: SocketAddr,
    messages: &[&[u8]],
    rto: Duration,
    max_tries: u32,
) -> io::Result<()> {
    let mut buf = [0u8; 2048];
    for (seq, message) in (0u32..).zip(messages) {
        let mut datagram = seq.to_be_bytes().to_vec();
        datagram.extend_from_slice(message);
        let mut acked = false;
        for _ in 0..max_tries {
            socket.send_to(&datagram, receiver)?;
            // Wait for this message's ACK until the timer runs out; a stale ACK does not
            // restart the timer.
            let deadline = Instant::now() + rto;
            while !acked {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                socket.set_read_timeout(Some(left))?;
                match socket.recv_from(&mut buf) {
                    Ok((n, from)) => {
                        acked = from == receiver && buf[..n] == seq.to_be_bytes();
                    }
                    // The timer ran out: WouldBlock on Linux and macOS, TimedOut on Windows.
                    Err(err) if matches!(err.kind(), WouldBlock | TimedOut) => break,
                    Err(err) => return Err(err),
                }
            }
            if acked {
                break;
            }
        }
        if !acked {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("message {seq}: no acknowledgement after {max_tries} sends"),
            ));
        }
    }
    Ok(())
}

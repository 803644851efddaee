//! Receiving one datagram and learning whether the operating system cut it short.
//!
//! `UdpSocket::recv_from` in the standard library says how many bytes landed in the buffer but
//! not whether the datagram was longer: the rest is silently thrown away. On Linux, the
//! `MSG_TRUNC` flag makes the same `recvfrom` return the datagram's real length; elsewhere
//! socket2's `recv_from_vectored` (`recvmsg`) returns the receive flags, among them "truncated".

use std::io;
use std::mem::MaybeUninit;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// One datagram as it arrived in the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    /// How many bytes are now in the buffer.
    pub len: usize,
    /// The datagram was longer than the buffer; the bytes past `len` are gone for good.
    pub truncated: bool,
    /// How long the datagram really was, where the OS says so (Linux); `None` elsewhere.
    pub full_len: Option<usize>,
    /// Who sent it: the address to reply to.
    pub from: SocketAddr,
}

impl Datagram {
    /// A sentence for the log when the datagram did not fit, `None` when it did:
    /// "cut to 1024 bytes: the datagram was 1500 bytes, so 476 bytes are lost".
    pub fn truncation_note(&self) -> Option<String> {
        if !self.truncated {
            return None;
        }
        Some(match self.full_len {
            Some(full) => match full - self.len {
                1 => format!(
                    "cut to {} bytes: the datagram was {full} bytes, so 1 byte is lost",
                    self.len
                ),
                lost => format!(
                    "cut to {} bytes: the datagram was {full} bytes, so {lost} bytes are lost",
                    self.len
                ),
            },
            None => format!(
                "cut to {} bytes: the rest of the datagram is lost (this OS does not say how much)",
                self.len
            ),
        })
    }
}

/// What a UDP client says on `out` when [`recv_datagram`] brought no reply. After the
/// socket's read timeout (`waited`, the client's `--timeout`): that none came, and why that
/// happens at all, since UDP does not retransmit: the `what` (message, command...) or its
/// reply was lost, or nothing listens at `server`. Any other failure, as it is.
pub fn no_reply(
    out: &mut impl io::Write,
    err: &io::Error,
    waited: Duration,
    what: &str,
    server: SocketAddr,
) -> io::Result<()> {
    if common::is_timeout(err) {
        writeln!(
            out,
            "no reply within {waited:?}: UDP does not retransmit, so the {what} or its reply \
             was lost, or no server is listening at {server}"
        )
    } else {
        writeln!(out, "receive failed: {err}")
    }
}

/// Receives one datagram into `buf` (blocking, or until the socket's read timeout), like
/// Python's `recvfrom(len(buf))`, and also reports whether it was cut to fit.
pub fn recv_datagram(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<Datagram> {
    let socket = socket2::SockRef::from(socket);
    let capacity = buf.len();

    // The workspace's one `unsafe` on a server's path. std's recv_from cannot tell that a
    // datagram was cut; socket2's receives can, but take `MaybeUninit<u8>` ("may hold
    // garbage"). A `[u8]` that is already initialised is a valid `[MaybeUninit<u8>]` of the
    // same layout, and socket2 only ever writes real bytes into it, so the view is sound.
    #[allow(unsafe_code)]
    let uninit: &mut [MaybeUninit<u8>] =
        unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };

    // Linux: with MSG_TRUNC, a plain recvfrom returns the datagram's real length even when
    // it did not fit, which tells both how long it was and that it was cut. One recvfrom
    // costs less than one recvmsg, and this is every UDP server's hot path.
    #[cfg(target_os = "linux")]
    {
        let (n, from) = socket.recv_from_with_flags(uninit, libc::MSG_TRUNC)?;
        Ok(Datagram {
            len: n.min(capacity),
            truncated: n > capacity,
            full_len: Some(n),
            from: ip_address(&from)?,
        })
    }

    // macOS and Windows have no such option: recvmsg only sets the "truncated" flag.
    #[cfg(not(target_os = "linux"))]
    {
        let mut bufs = [socket2::MaybeUninitSlice::new(uninit)];
        let (n, recv_flags, from) = socket.recv_from_vectored_with_flags(&mut bufs, 0)?;
        // A datagram cut to fit has filled the whole buffer. Windows says "cut" with the error
        // WSAEMSGSIZE (socket2 turns it into the flag) and, with it, the bytes received; Wine,
        // which CI uses to run the Windows suite, says 0 there, so trust the buffer's length.
        let truncated = recv_flags.is_truncated();
        Ok(Datagram {
            len: if truncated { capacity } else { n.min(capacity) },
            truncated,
            full_len: None,
            from: ip_address(&from)?,
        })
    }
}

/// The sender as an IP address and port (a UDP socket only ever hears from those).
fn ip_address(from: &socket2::SockAddr) -> io::Result<SocketAddr> {
    from.as_socket()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "datagram from a non-IP address"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pair() -> (UdpSocket, UdpSocket) {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        b.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        (a, b)
    }

    #[test]
    fn a_datagram_that_fits_is_not_truncated() {
        let (a, b) = pair();
        a.send_to(b"hello", b.local_addr().unwrap()).unwrap();
        let mut buf = [0u8; 16];
        let got = recv_datagram(&b, &mut buf).unwrap();
        assert_eq!(&buf[..got.len], b"hello");
        assert!(!got.truncated);
        assert_eq!(got.from, a.local_addr().unwrap());
    }

    #[test]
    fn an_empty_datagram_is_received_as_zero_bytes() {
        let (a, b) = pair();
        a.send_to(b"", b.local_addr().unwrap()).unwrap();
        let got = recv_datagram(&b, &mut [0u8; 16]).unwrap();
        assert_eq!((got.len, got.truncated), (0, false));
    }

    #[test]
    fn a_longer_datagram_is_cut_and_flagged() {
        let (a, b) = pair();
        a.send_to(&[b'x'; 1500], b.local_addr().unwrap()).unwrap();
        a.send_to(b"next", b.local_addr().unwrap()).unwrap();
        let mut buf = [0u8; 1024];
        let got = recv_datagram(&b, &mut buf).unwrap();
        assert_eq!(got.len, 1024);
        assert!(got.truncated);
        // Linux tells the real length; the others cannot.
        #[cfg(target_os = "linux")]
        assert_eq!(got.full_len, Some(1500));
        #[cfg(not(target_os = "linux"))]
        assert_eq!(got.full_len, None);
        // The cut-off 476 bytes are gone: the next read is the next datagram.
        let next = recv_datagram(&b, &mut buf).unwrap();
        assert_eq!(&buf[..next.len], b"next");
        assert_eq!(next.truncation_note(), None);
        let note = got.truncation_note().unwrap();
        #[cfg(target_os = "linux")]
        assert_eq!(
            note,
            "cut to 1024 bytes: the datagram was 1500 bytes, so 476 bytes are lost"
        );
        #[cfg(not(target_os = "linux"))]
        assert!(note.starts_with("cut to 1024 bytes"), "{note}");
    }

    #[test]
    fn one_lost_byte_is_said_in_the_singular() {
        let cut = Datagram {
            len: 1024,
            truncated: true,
            full_len: Some(1025),
            from: "127.0.0.1:9".parse().unwrap(),
        };
        assert_eq!(
            cut.truncation_note().unwrap(),
            "cut to 1024 bytes: the datagram was 1025 bytes, so 1 byte is lost"
        );
    }
}

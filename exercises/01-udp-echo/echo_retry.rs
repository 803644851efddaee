//! Exercise `echo-retry` (lesson 1, medium): resend a request the network lost.
//!
//! `ask_with_retries` below works, but asks only once: if the request or the reply is lost,
//! the caller gets a timeout error after `first_wait`. Change it so that it tries `attempts`
//! times in all, waiting `first_wait` for the first reply and twice as long after each resend
//! (100 ms, 200 ms, 400 ms, ...). When every attempt goes unanswered, return an error of kind
//! `io::ErrorKind::TimedOut` (make it yourself: the socket's own timeout error is a
//! different kind on Linux and macOS than on Windows).
//!
//! The check's server ignores the first two requests and answers the third; it notes when
//! each arrived, to see the waits grow. Then a server that never answers must hear exactly
//! `attempts` requests.
//!
//! Check your work:  cargo exercises check echo-retry

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Sends `message` to `server` up to `attempts` times, waiting `first_wait` for the first
/// reply and twice as long after each retry; returns the first reply, or an error of kind
/// `TimedOut` when every attempt went unanswered.
pub fn ask_with_retries(
    socket: &UdpSocket,
    server: SocketAddr,
    message: &[u8],
    first_wait: Duration,
    attempts: u32,
) -> io::Result<Vec<u8>> {
    // TODO: this asks once. Loop up to `attempts` times; on a read timeout double the wait
    // and send again; after the last attempt return io::ErrorKind::TimedOut.
    let _ = attempts;
    let mut buf = [0u8; 65_536];
    socket.send_to(message, server)?;
    socket.set_read_timeout(Some(first_wait))?;
    let (n, _from) = socket.recv_from(&mut buf)?;
    Ok(buf[..n].to_vec())
}

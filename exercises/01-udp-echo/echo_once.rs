//! Exercise `echo-once` (lesson 1, warm-up): ask a UDP echo server once.
//!
//! Write `echo_once`: send `message` to `server` in one datagram and return the reply. A UDP
//! reply can be lost, and then `recv_from` waits for ever; so give up after `timeout` and
//! return the error instead.
//!
//! The check starts its own echo server on 127.0.0.1 (it answers in upper case), calls your
//! function, then calls it again towards a server that never answers.
//!
//! Check your work:  cargo exercises check echo-once
//! Stuck?            cargo exercises hint echo-once

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Sends `message` to `server` in one datagram and returns the reply, or an error after
/// `timeout` without one.
pub fn echo_once(server: SocketAddr, message: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    // The OS picks a free port when a client asks for port 0.
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    // TODO: 1. set the socket's read timeout to `timeout` (set_read_timeout);
    //       2. send `message` to `server` (send_to);
    //       3. receive one datagram (recv_from) and return the bytes it holds.
    todo!(
        "from {}, send {} bytes to {server} and wait {timeout:?} for the reply",
        socket.local_addr()?,
        message.len()
    )
}

//! Exercise `heartbeat` (lesson 6, medium): is the server there?
//!
//! An empty datagram makes a fine ping: it costs 28 bytes on the wire (IPv4 and UDP headers)
//! and any echo server answers it. Write `is_alive`: send an empty datagram to `server` from
//! `socket`, and return `Ok(true)` if `server` answers (with any datagram, an empty one too)
//! within `timeout`, `Ok(false)` if not.
//!
//! Only the server's answer counts: a datagram from anyone else is ignored, and must not make
//! you wait longer than `timeout` in all.
//!
//! Check your work:  cargo exercises check heartbeat

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

/// Pings `server` with an empty datagram and says whether it answered within `timeout`.
pub fn is_alive(socket: &UdpSocket, server: SocketAddr, timeout: Duration) -> io::Result<bool> {
    // TODO: send the ping; then wait until a deadline (Instant::now() + timeout), setting the
    // read timeout to the time left before each recv_from.
    todo!(
        "ping {server} from {} and wait {timeout:?}",
        socket.local_addr()?
    )
}

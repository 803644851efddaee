//! Exercise `bind-loopback` (lesson 1, warm-up): the first line of every server and client.
//!
//! Write `bind_loopback`: bind a UDP socket on 127.0.0.1, port 0, and return the socket with the
//! address it really got. Every test in this course does this, and every server's
//! `--addr 127.0.0.1:0`: port 0 asks the operating system for a free port, so two programs never
//! fight over 8080.
//!
//! Check your work:  cargo exercises check bind-loopback

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// Binds a UDP socket on 127.0.0.1, port 0 (the OS picks a free one), and returns it with the
/// address it really got.
pub fn bind_loopback() -> io::Result<(UdpSocket, SocketAddr)> {
    // TODO: bind "127.0.0.1:0", then ask the socket which address it got (local_addr).
    todo!("bind a UDP socket on 127.0.0.1, port 0")
}

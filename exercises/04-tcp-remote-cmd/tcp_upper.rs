//! Exercise `tcp-upper` (lesson 4, warm-up): a TCP server for one client.
//!
//! Write `serve_one`: accept one client on `listener`, answer every line it sends (ending in
//! `\n`) with the same line in upper case (ASCII letters only: `make_ascii_uppercase`), and
//! return when the client closes its side of the connection.
//!
//! Lesson 4's lesson in one line: TCP delivers bytes, not messages. The check sends
//! "hello\n", "wor" and "ld\nmixed Case 123\n" in three writes, so one read can hold half a
//! line or a line and a half.
//!
//! Check your work:  cargo exercises check tcp-upper

// You will want `use std::io::{BufRead, BufReader, Write};` too.
use std::io;
use std::net::TcpListener;

/// Accepts one client on `listener` and answers each line it sends with the same line in
/// upper case, until the client closes its side; then returns.
pub fn serve_one(listener: &TcpListener) -> io::Result<()> {
    // TODO: accept(); wrap a clone of the stream (try_clone) in a BufReader; loop on
    // read_until(b'\n', ...) until it returns 0; write_all each line upper-cased.
    todo!("serve one client on {}", listener.local_addr()?)
}

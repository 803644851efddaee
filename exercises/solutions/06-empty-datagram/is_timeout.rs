//! Solution to `is-timeout` (lesson 6, warm-up).

use std::io;

/// Whether `err` is a socket's read timeout (WouldBlock on Linux and macOS, TimedOut on
/// Windows), not a real error.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

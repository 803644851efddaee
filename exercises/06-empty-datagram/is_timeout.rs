//! Exercise `is-timeout` (lesson 6, warm-up): a timeout is not an empty datagram, nor a failure.
//!
//! Write `is_timeout`: a socket's read timeout comes back as an error, whose kind depends on
//! the system. Say whether an error is one, on every system the course runs on.
//!
//! Check your work:  cargo exercises check is-timeout

use std::io;

/// Whether `err` is a socket's read timeout (WouldBlock on Linux and macOS, TimedOut on
/// Windows), not a real error.
pub fn is_timeout(err: &io::Error) -> bool {
    // TODO: match the error's kind.
    todo!("is {err} a timeout?")
}

// A wrong solution to `is-timeout`, kept so a test can prove the check rejects it.
//
// The bug: takes every error for a timeout.
// The case that catches it: `refused_is_not_a_timeout`.

use std::io;

/// Whether `err` is a socket's read timeout (WouldBlock on Linux and macOS, TimedOut on
/// Windows), not a real error.
pub fn is_timeout(err: &io::Error) -> bool {
    let _ = err;
    true
}

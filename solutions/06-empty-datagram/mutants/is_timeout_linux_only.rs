// A wrong solution to `is-timeout`, kept so a test can prove the check rejects it.
//
// The bug: knows only the Linux kind (WouldBlock), not Windows' TimedOut.
// The case that catches it: `timed_out_is_a_timeout`.

use std::io;

/// Whether `err` is a socket's read timeout (WouldBlock on Linux and macOS, TimedOut on
/// Windows), not a real error.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock
    )
}

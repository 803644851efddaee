//! `accept()` for servers that must not spin when it keeps failing.
//!
//! When a process has used all its file descriptors (`EMFILE`, "Too many open files"), a
//! waiting connection stays in the backlog and every `accept()` fails again at once: a loop
//! that logs and retries burns a whole core and floods its log. [`AcceptErrors`] says how
//! long to wait instead, and when to say so. It only counts and advises, so the same code
//! serves a blocking server (`std::thread::sleep`) and an async one (`tokio::time::sleep`).

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::LogLimit;

/// What the accept loop does when `accept` fails: back off, and report once in a while.
///
/// The usual failure is "too many open files" (EMFILE): every descriptor the process may have
/// is in use. The waiting client stays in the backlog, so the next `accept` fails at once
/// again; retrying in a tight loop would burn a core and flood the log. Instead each failure
/// in a row waits twice as long (1 ms up to 1 s), and only the first failure and then one a
/// second are printed, with how many were not (a [`LogLimit`] of one line a second).
#[derive(Debug)]
pub struct AcceptErrors {
    in_a_row: u32,
    reports: LogLimit,
}

impl Default for AcceptErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl AcceptErrors {
    /// Shortest and longest wait after a failed accept.
    pub const FIRST_WAIT: Duration = Duration::from_millis(1);
    pub const LONGEST_WAIT: Duration = Duration::from_secs(1);
    /// At most one report per this long.
    pub const REPORT_EVERY: Duration = LogLimit::SECOND;

    pub fn new() -> Self {
        AcceptErrors {
            in_a_row: 0,
            reports: LogLimit::new(1, "accept failures"),
        }
    }

    /// An accept worked: the next failure starts over at the shortest wait.
    pub fn succeeded(&mut self) {
        self.in_a_row = 0;
    }

    /// For a blocking server, what `accept()` gave: the connection if it worked (the next
    /// failure then starts over at the shortest wait); if it failed, the failure reported if it
    /// is time, this thread paused for the back-off, and `None`: loop round and accept again.
    pub fn checked<T>(&mut self, accepted: io::Result<T>) -> Option<T> {
        match accepted {
            Ok(accepted) => {
                self.succeeded();
                Some(accepted)
            }
            Err(err) => {
                std::thread::sleep(self.failed(&err));
                None
            }
        }
    }

    /// An accept failed: reports it if it is time, and returns how long to wait before the
    /// next try.
    pub fn failed(&mut self, err: &io::Error) -> Duration {
        let (report, unreported) = self.reports.count(Instant::now());
        if report {
            let more = match unreported {
                0 => String::new(),
                n => format!("; {n} more failures since the last report"),
            };
            let hint = if is_out_of_descriptors(err) {
                " (out of file descriptors: too many connections or commands at once?)"
            } else {
                ""
            };
            // stderr may be gone too; there is nobody else to tell.
            let _ = writeln!(
                io::stderr(),
                "accept failed: {err}{hint}{more} (backing off, still serving)"
            );
        }
        let wait = Self::FIRST_WAIT * 2u32.saturating_pow(self.in_a_row.min(20));
        self.in_a_row = self.in_a_row.saturating_add(1);
        wait.min(Self::LONGEST_WAIT)
    }
}

/// EMFILE (this process) or ENFILE (the whole system): no descriptor for a new connection.
fn is_out_of_descriptors(err: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_vendor = "apple"))]
    {
        matches!(err.raw_os_error(), Some(code) if code == libc::EMFILE || code == libc::ENFILE)
    }
    // Windows: WSAEMFILE (10024), "too many open sockets".
    #[cfg(windows)]
    {
        err.raw_os_error() == Some(10024)
    }
    #[cfg(not(any(target_os = "linux", target_vendor = "apple", windows)))]
    {
        let _ = err;
        false
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn checked_hands_on_a_connection_and_turns_a_failure_into_a_pause() {
        let mut errors = AcceptErrors::new();
        assert_eq!(errors.checked(Ok::<u8, io::Error>(7)), Some(7));
        let started = Instant::now();
        assert_eq!(errors.checked::<u8>(Err(io::Error::other("emfile"))), None);
        assert_eq!(errors.checked::<u8>(Err(io::Error::other("emfile"))), None);
        // 1 ms, then 2 ms: it waited; and a success starts the back-off over.
        assert!(started.elapsed() >= Duration::from_millis(3));
        assert_eq!(errors.checked(Ok::<u8, io::Error>(8)), Some(8));
        assert_eq!(
            errors.failed(&io::Error::other("emfile")),
            Duration::from_millis(1)
        );
    }

    #[test]
    fn accept_errors_back_off_doubling_up_to_one_second() {
        let mut errors = AcceptErrors::new();
        let err = io::Error::other("too many open files");
        let waits: Vec<Duration> = (0..14).map(|_| errors.failed(&err)).collect();
        assert_eq!(waits[0], Duration::from_millis(1));
        assert_eq!(waits[1], Duration::from_millis(2));
        assert_eq!(waits[9], Duration::from_millis(512));
        assert_eq!(waits[13], Duration::from_secs(1));
        errors.succeeded();
        assert_eq!(errors.failed(&err), Duration::from_millis(1));
    }

    #[test]
    fn accept_errors_are_reported_once_then_counted_until_a_second_has_passed() {
        let mut errors = AcceptErrors::new();
        let start = Instant::now();
        // The same counting `failed` does, at chosen moments.
        assert_eq!(
            errors.reports.count(start),
            (true, 0),
            "the first is reported"
        );
        for _ in 0..5 {
            assert_eq!(errors.reports.count(start), (false, 0), "then counted");
        }
        assert_eq!(
            errors.reports.count(start + AcceptErrors::REPORT_EVERY),
            (true, 5),
            "a second later, reported with the count"
        );
    }
}

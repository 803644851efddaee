//! `accept()` for servers that must not spin when it keeps failing.
//!
//! When a process has used all its file descriptors (`EMFILE`, "Too many open files"), a
//! waiting connection stays in the backlog and every `accept()` fails again at once: a loop
//! that logs and retries burns a whole core and floods its log. [`Acceptor`] waits between
//! failed tries instead (10 ms, doubling up to 1 s, back to nothing after a success) and
//! says so at most once every 10 seconds, with how many tries failed since it last spoke.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// The shortest and longest wait after a failed `accept()`.
const FIRST_WAIT: Duration = Duration::from_millis(10);
const LONGEST_WAIT: Duration = Duration::from_secs(1);
/// How often at most a run of failures is reported.
const REPORT_EVERY: Duration = Duration::from_secs(10);

/// Wraps a listener; [`Acceptor::accept`] returns only a connection.
pub struct Acceptor<'a> {
    listener: &'a TcpListener,
    wait: Duration,
    failures: u64,
    last_report: Option<Instant>,
}

impl<'a> Acceptor<'a> {
    pub fn new(listener: &'a TcpListener) -> Self {
        Acceptor {
            listener,
            wait: Duration::ZERO,
            failures: 0,
            last_report: None,
        }
    }

    /// Waits for the next connection, riding out failures as described above.
    pub fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.listener.accept() {
                Ok(accepted) => {
                    self.wait = Duration::ZERO;
                    return accepted;
                }
                Err(err) => self.failed(&err),
            }
        }
    }

    fn failed(&mut self, err: &io::Error) {
        self.failures += 1;
        let due = self
            .last_report
            .is_none_or(|last| last.elapsed() >= REPORT_EVERY);
        if due {
            let hint = if is_out_of_descriptors(err) {
                " (out of file descriptors: too many connections or commands at once?)"
            } else {
                ""
            };
            // stderr may be gone too; there is nobody else to tell.
            let _ = writeln!(
                io::stderr(),
                "accept failed {} time(s): {err}{hint}; still serving, retrying with a pause",
                self.failures
            );
            self.failures = 0;
            self.last_report = Some(Instant::now());
        }
        self.wait = (self.wait * 2).clamp(FIRST_WAIT, LONGEST_WAIT);
        std::thread::sleep(self.wait);
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

//! The one hardening layer of the course's servers: what the tutorial's programs do not
//! defend against, kept out of their `main.rs` so that each reads like the tutorial.
//!
//! A UDP server of the course holds one [`Guard`] and calls it at each step of its loop:
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! let server = std::net::UdpSocket::bind("127.0.0.1:0")?;
//! let mut guard = guard::Guard::new(&server, guard::ReplyGuard::DEFAULT_PER_SECOND)?;
//! let mut buffer = [0u8; 1024];
//! loop {
//!     let Some(datagram) = guard.recv_from(&server, &mut buffer)? else { continue };
//!     if !guard.admit(datagram.from) {
//!         continue;
//!     }
//!     guard.log(format_args!("from {}: {} bytes", datagram.from, datagram.len))?;
//!     guard.sent(server.send_to(&buffer[..datagram.len], datagram.from), datagram.from);
//! }
//! # }
//! ```
//!
//! Each call answers one attack a stranger can make on a UDP server:
//!
//! - [`Guard::recv_from`]: a datagram longer than the buffer is cut, and the log says so
//!   ([`recv_datagram`]); a failed receive never stops the server (the receive-error policy:
//!   idle or interrupted, write out the held log; Windows' stale ICMP report, ignore it;
//!   anything else, one line on stderr);
//! - [`Guard::admit`]: a forged sender (the server itself, a service port below 1024) or a
//!   sender past its budget of replies gets none, so one datagram cannot start an endless
//!   exchange ([`ReplyGuard`]);
//! - [`Guard::log`] and every line on stderr: at most [`LogLimit::LINES_PER_SECOND`] a second,
//!   the rest summed up, so a flood of datagrams is not also a flood of log ([`Log`],
//!   [`LogLimit`]);
//! - [`Guard::sent`]: a reply that cannot be sent is one line on stderr, and the loop goes on.
//!
//! TCP servers use [`AcceptErrors`]: a failing `accept` (out of file descriptors) backs off
//! instead of spinning.

use std::fmt;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};

mod accept;
mod datagram;
mod log;
mod log_limit;
mod reply_guard;

pub use accept::AcceptErrors;
pub use datagram::{Datagram, no_reply, recv_datagram};
pub use log::Log;
pub use log_limit::LogLimit;
pub use reply_guard::{Refusal, ReplyGuard, is_own_address};

/// The defences of one UDP server: its reply budget, its log and its stderr, each limited.
pub struct Guard {
    replies: ReplyGuard,
    log: Log,
    quiet: bool,
    stderr: Stderr,
}

impl Guard {
    /// The guard of a server on `socket`: at most `replies_per_peer` replies a second to one
    /// sender (0: no limit, for benchmarks), a log on stdout, and a short read timeout on the
    /// socket ([`Log::IDLE`]), so that held log lines and summaries are written when it is idle.
    pub fn new(socket: &UdpSocket, replies_per_peer: u32) -> io::Result<Guard> {
        socket.set_read_timeout(Some(Log::IDLE))?;
        Ok(Guard {
            replies: ReplyGuard::for_socket(socket, replies_per_peer)?,
            log: Log::stdout(),
            quiet: false,
            stderr: Stderr::new(),
        })
    }

    /// No log line per datagram, and no read timeout: each datagram costs one receive and one
    /// send (lesson 1's `--quiet`, for measuring speed).
    pub fn quiet(&mut self, socket: &UdpSocket) -> io::Result<()> {
        self.quiet = true;
        socket.set_read_timeout(None)
    }

    /// Lets datagrams from `port`, below 1024, be answered: see [`ReplyGuard::allowing_port`].
    pub fn allowing_port(mut self, port: u16) -> Guard {
        self.replies = self.replies.allowing_port(port);
        self
    }

    /// The tutorial's `recvfrom`: one datagram into `buffer`, or `None` when none came (the
    /// caller receives again). Nothing a peer does makes this fail: a failed receive is dealt
    /// with here. `Err` only when the log cannot be written (stdout is gone).
    pub fn recv_from(
        &mut self,
        socket: &UdpSocket,
        buffer: &mut [u8],
    ) -> io::Result<Option<Datagram>> {
        self.stderr.flush_summary();
        match recv_datagram(socket, buffer) {
            Ok(datagram) => Ok(Some(datagram)),
            // Idle a moment (the read timeout), or a signal cut the wait short (Ctrl-Z and
            // `fg`): write out what the log holds.
            Err(err) if common::is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {
                self.log.flush()?;
                Ok(None)
            }
            // Windows only: a reply we sent earlier bounced off a client that had quit.
            Err(err) if common::is_stale_icmp_error(&err) => Ok(None),
            Err(err) => {
                self.stderr
                    .line(format_args!("receive failed: {err} (still serving)"));
                Ok(None)
            }
        }
    }

    /// May the server answer a datagram from `from`? Each `true` spends one reply of the
    /// sender's budget; each `false` is said on stderr, `from ADDR: not answered: WHY`.
    pub fn admit(&mut self, from: SocketAddr) -> bool {
        match self.replies.check(from) {
            Ok(()) => true,
            Err(refusal) => {
                if !refusal.already_said() {
                    self.stderr
                        .line(format_args!("from {from}: not answered: {refusal}"));
                }
                false
            }
        }
    }

    /// One line in the log (nothing when quiet).
    pub fn log(&mut self, line: fmt::Arguments<'_>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(self.log, "{line}")
    }

    /// The log's note under a datagram that was cut to fit the buffer, if it was.
    pub fn log_truncation(&mut self, datagram: &Datagram) -> io::Result<()> {
        match datagram.truncation_note() {
            Some(note) => self.log(format_args!("  {note}")),
            None => Ok(()),
        }
    }

    /// Writes out what the log holds now (before waiting for something else than the socket).
    pub fn flush(&mut self) -> io::Result<()> {
        self.log.flush()
    }

    /// After a `send_to` to `to`: a failure is one line on stderr, and the server goes on.
    pub fn sent(&mut self, result: io::Result<usize>, to: SocketAddr) {
        self.stderr.sent(result, to);
    }

    /// One line on stderr, within the limit.
    pub fn report(&mut self, line: fmt::Arguments<'_>) {
        self.stderr.line(line);
    }
}

/// The server's stderr, at most [`LogLimit::LINES_PER_SECOND`] lines a second: a peer decides
/// how many refusals and failures there are. Failing to write to stderr is ignored: there is
/// nobody else to tell.
#[derive(Debug)]
pub struct Stderr(LogLimit);

impl Default for Stderr {
    fn default() -> Self {
        Self::new()
    }
}

impl Stderr {
    pub const fn new() -> Stderr {
        Stderr(LogLimit::new(LogLimit::LINES_PER_SECOND, "lines"))
    }

    /// One line, unless the limit is reached (then it is counted for the summary).
    pub fn line(&mut self, line: fmt::Arguments<'_>) {
        let mut stderr = io::stderr().lock();
        if let Ok(true) = self.0.allow(&mut stderr) {
            let _ = writeln!(stderr, "{line}");
        }
    }

    /// After a `send_to` to `to`: `could not reply to ADDR: ... (still serving)` if it failed.
    pub fn sent(&mut self, result: io::Result<usize>, to: SocketAddr) {
        if let Err(err) = result {
            self.line(format_args!(
                "could not reply to {to}: {err} (still serving)"
            ));
        }
    }

    /// The summary of a second that ended with lines left out, if there is one.
    pub fn flush_summary(&mut self) {
        let _ = self.0.flush_summary(&mut io::stderr());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::time::{Duration, Instant};

    fn bound() -> UdpSocket {
        UdpSocket::bind("127.0.0.1:0").unwrap()
    }

    #[test]
    fn an_idle_receive_gives_none_and_the_next_datagram_comes_with_its_sender() {
        let server = bound();
        let mut guard = Guard::new(&server, 10).unwrap();
        // The kernel rounds it to its clock's tick (52 ms for 50 on a 250 Hz Linux).
        let timeout = server.read_timeout().unwrap().unwrap();
        assert!(
            timeout >= Log::IDLE && timeout < 2 * Log::IDLE,
            "{timeout:?}"
        );
        let mut buffer = [0u8; 16];
        let start = Instant::now();
        assert_eq!(guard.recv_from(&server, &mut buffer).unwrap(), None);
        assert!(start.elapsed() < Duration::from_secs(5), "it waited");

        let client = bound();
        client.send_to(b"hi", server.local_addr().unwrap()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let datagram = loop {
            if let Some(datagram) = guard.recv_from(&server, &mut buffer).unwrap() {
                break datagram;
            }
            assert!(Instant::now() < deadline, "no datagram");
        };
        assert_eq!(&buffer[..datagram.len], b"hi");
        assert_eq!(datagram.from, client.local_addr().unwrap());
    }

    #[test]
    fn admit_refuses_the_server_itself_and_lets_a_client_through_within_its_budget() {
        let server = bound();
        let mut guard = Guard::new(&server, 2).unwrap();
        assert!(!guard.admit(server.local_addr().unwrap()));
        let client: SocketAddr = "127.0.0.1:50000".parse().unwrap();
        assert!(guard.admit(client) && guard.admit(client));
        assert!(!guard.admit(client), "a third reply in the same second");
    }

    #[test]
    fn quiet_takes_the_read_timeout_off_and_logs_nothing() {
        let server = bound();
        let mut guard = Guard::new(&server, 0).unwrap();
        guard.quiet(&server).unwrap();
        assert_eq!(server.read_timeout().unwrap(), None);
        guard.log(format_args!("not shown")).unwrap();
        assert_eq!(guard.log.held(), 0);
    }
}

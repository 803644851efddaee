//! One deadline per message, not per system call.
//!
//! A socket's read and write timeouts (`SO_RCVTIMEO`, `SO_SNDTIMEO`) restart with every
//! call: a client that takes one byte of a reply every 29 seconds never trips a 30-second
//! write timeout, and holds the server for as long as it likes. [`Before`] gives a whole
//! message one deadline instead: before each call it sets the socket's timeout to the time
//! that is *left*, and once none is left it fails with "client too slow".

use std::io::{self, IoSlice, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A TCP stream whose reads and writes must all be done by `deadline`.
pub struct Before<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
    /// What the client was too slow at, for the error: "taking the reply".
    waiting_for: &'static str,
    allowed: Duration,
}

impl<'a> Before<'a> {
    /// `allowed` from now on, for `waiting_for` (used in the error message).
    pub fn new(stream: &'a TcpStream, allowed: Duration, waiting_for: &'static str) -> Self {
        Before {
            stream,
            deadline: Instant::now() + allowed,
            waiting_for,
            allowed,
        }
    }

    /// The time left, or the "client too slow" error when there is none.
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(too_slow(self.waiting_for, self.allowed))
        } else {
            Ok(left)
        }
    }

    /// A timed-out call becomes "client too slow" too (instead of the OS's words,
    /// "Resource temporarily unavailable" on Linux for an expired socket timeout).
    fn check<T>(&self, result: io::Result<T>) -> io::Result<T> {
        match result {
            Err(err) if common::is_timeout(&err) => Err(too_slow(self.waiting_for, self.allowed)),
            other => other,
        }
    }
}

/// The error for a peer that missed its deadline.
pub fn too_slow(waiting_for: &str, allowed: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("client too slow: {waiting_for} took longer than {allowed:?} (--io-timeout)"),
    )
}

impl Read for Before<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        let result = (&*self.stream).read(buf);
        self.check(result)
    }
}

impl Write for Before<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        let result = (&*self.stream).write(buf);
        self.check(result)
    }

    // Forwarded, so that a frame's length and payload leave in one call (see
    // `framed::write_frame`).
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        let result = (&*self.stream).write_vectored(bufs);
        self.check(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

//! `--framed`: the fix for TCP's sticky packets (粘包).
//!
//! TCP carries a stream of bytes, not messages: one `send` of 3000 bytes may arrive as one
//! `recv` or as three, and the end of one reply runs straight into the next. So every message
//! goes out with its length in front, 4 bytes, big-endian (network byte order):
//!
//! ```text
//! 00 00 00 07 65 63 68 6f 20 68 69    -> one message, 7 bytes: "echo hi"
//! └─ length ┘ └──────── payload ────┘
//! ```
//!
//! and the reader reads exactly 4 bytes, then exactly that many more: one message, whole,
//! however TCP cut it up.
//!
//! If only one side speaks this, the other's bytes make an absurd length: the text `echo`
//! read as a length is 1 701 013 615 bytes. The readers refuse lengths over a limit and say
//! which flag is missing, instead of waiting for 1.7 GB that will never come.

use std::fmt;
use std::io::{self, IoSlice, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::deadline::Before;

/// The longest command a `--framed` server accepts: 64 KiB (typed command lines are short).
pub const MAX_COMMAND: usize = 64 * 1024;

/// The longest reply a `--framed` client accepts: 256 MiB. Far more than a server sends
/// (`--max-output` is at most 64 MiB), far less than any text read as a length: every
/// printable first byte makes a length of at least 0x20 << 24 = 512 MiB.
pub const MAX_REPLY: usize = 256 << 20;

/// Sends `payload` as one message: its length, then the bytes, handed to the OS together
/// (two small writes could wait on each other under Nagle's algorithm), without copying the
/// payload.
pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a message over 4 GiB cannot be framed",
        )
    })?;
    let header = len.to_be_bytes();
    let mut parts = [IoSlice::new(&header), IoSlice::new(payload)];
    let mut parts = &mut parts[..];
    // write_all for two buffers: a write may take only part of them.
    while !parts.is_empty() {
        match writer.write_vectored(parts) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut parts, n),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    writer.flush()
}

/// Why a message could not be read.
#[derive(Debug)]
pub enum FrameError {
    /// The 4 bytes in front announce more than the reader accepts: the peer is almost
    /// certainly not sending frames at all.
    TooLong {
        header: [u8; 4],
        announced: u64,
        max: usize,
    },
    /// The peer stopped in the middle of a message, or did not finish it before the
    /// reader's deadline (a peer that sent `ls`, 2 bytes, without a length; or one that
    /// trickles a byte at a time).
    Incomplete {
        got: usize,
        wanted: usize,
        stalled: bool,
    },
    /// The connection failed (reset, or the read timed out before any byte came).
    Io(io::Error),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLong {
                header,
                announced,
                max,
            } => write!(
                f,
                "the message does not start with a plausible length: {} announces {announced} bytes \
                 (at most {max} expected); the other side is probably not using --framed",
                common::show_bytes(header)
            ),
            FrameError::Incomplete {
                got,
                wanted,
                stalled: true,
            } => write!(
                f,
                "only {got} of {wanted} bytes of a message came in time; \
                 the other side is probably not using --framed, or is too slow"
            ),
            FrameError::Incomplete {
                got,
                wanted,
                stalled: false,
            } => write!(
                f,
                "the connection closed after {got} of {wanted} bytes of a message"
            ),
            FrameError::Io(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for FrameError {}

/// Fills `buf`; returns how many bytes came before end of input or a timeout.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<(usize, bool)> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => return Ok((got, false)),
            Ok(n) => got += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if common::is_timeout(&err) && got > 0 => return Ok((got, true)),
            Err(err) => return Err(err),
        }
    }
    Ok((got, false))
}

/// Reads one whole message of at most `max` bytes. `Ok(None)` when the peer closed the
/// connection cleanly between messages (a read of 0 bytes, as in the tutorial).
pub fn read_frame(reader: &mut impl Read, max: usize) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0u8; 4];
    let (got, stalled) = read_full(reader, &mut header).map_err(FrameError::Io)?;
    if got == 0 && !stalled {
        return Ok(None);
    }
    if got < 4 {
        return Err(FrameError::Incomplete {
            got,
            wanted: 4,
            stalled,
        });
    }
    let announced = u32::from_be_bytes(header) as u64;
    if announced > max as u64 {
        return Err(FrameError::TooLong {
            header,
            announced,
            max,
        });
    }
    let mut payload = vec![0u8; announced as usize];
    let (got, stalled) = read_full(reader, &mut payload).map_err(FrameError::Io)?;
    if got < payload.len() {
        return Err(FrameError::Incomplete {
            got: 4 + got,
            wanted: 4 + payload.len(),
            stalled,
        });
    }
    Ok(Some(payload))
}

/// The server's [`read_frame`]: waits as long as it takes for a message to *start* (a client
/// may think for an hour), but once it has, the whole rest must follow within `patience`:
/// one deadline for the message, not one per read, so a client that trickles a byte a
/// second cannot hold the server. A client without `--framed` that sent `ls` (2 bytes, not
/// even a whole length) gets an error within `patience` instead of a server that waits
/// forever.
pub fn read_frame_patiently(
    stream: &TcpStream,
    max: usize,
    patience: Duration,
) -> Result<Option<Vec<u8>>, FrameError> {
    let mut first = [0u8; 1];
    stream.set_read_timeout(None).map_err(FrameError::Io)?;
    let got = loop {
        match (&*stream).read(&mut first) {
            Ok(n) => break n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(FrameError::Io(err)),
        }
    };
    if got == 0 {
        return Ok(None);
    }
    let rest = Before::new(stream, patience, "sending the rest of a message");
    match read_frame(&mut first.as_slice().chain(rest), max) {
        // The first byte came, so "closed before anything" is really "closed mid-message".
        Ok(None) => Err(FrameError::Incomplete {
            got: 1,
            wanted: 4,
            stalled: false,
        }),
        other => other,
    }
}

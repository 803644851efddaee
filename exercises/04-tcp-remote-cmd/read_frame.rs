//! Exercise `read-frame` (lesson 4, medium): frames that survive a trickling peer.
//!
//! Lesson 4's framed mode sends each message as a frame: its length in 4 bytes (big-endian),
//! then its bytes, so the receiver knows where one message ends on a byte stream.
//! `write_frame` below is done. `read_frame` works only when each `read` happens to return
//! whole pieces, which is what you see on an idle loopback; a slow network, or a peer that
//! writes one byte at a time, breaks it. Make it correct:
//!
//! - `Ok(None)` when the stream ends cleanly before a frame starts;
//! - an error of kind `UnexpectedEof` when it ends inside a frame (header or payload);
//! - an error of kind `InvalidData` when the length is over `max`, before reading the
//!   payload (so a hostile 4 GB length cannot make you allocate 4 GB);
//! - otherwise the payload, however the bytes were cut up on the way.
//!
//! The check reads two frames that arrive in one read, frames handed out one byte per read,
//! and streams that end in the wrong place.
//!
//! Check your work:  cargo exercises check read-frame

use std::io::{self, Read, Write};

/// Writes `payload` as one frame: its length as 4 bytes, big-endian, then the bytes.
pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too long"))?;
    writer.write_all(&len.to_be_bytes())?;
    writer.write_all(payload)?;
    writer.flush()
}

/// Reads one frame written by [`write_frame`].
pub fn read_frame(reader: &mut impl Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    // TODO: one `read` returns *up to* the buffer's length: 1 byte is a legal answer. Loop
    // until the header is full, tell a clean end from a cut one, check `max`, and read the
    // whole payload (`read_exact` loops for you).
    let mut header = [0u8; 4];
    let got = reader.read(&mut header)?;
    if got == 0 {
        return Ok(None);
    }
    let len = u32::from_be_bytes(header) as usize;
    let _ = max;
    let mut payload = vec![0u8; len];
    let got = reader.read(&mut payload)?;
    payload.truncate(got);
    Ok(Some(payload))
}

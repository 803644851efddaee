// A wrong solution to `tcp-upper`, kept so a test can prove the check rejects it.
//
// The bug: takes what one read() returns as one line (the sticky-packet mistake of lesson 4).
// The case that catches it: `line_split_across_writes`.

use std::io::{self, Read, Write};
use std::net::TcpListener;

/// Accepts one client on `listener` and answers each line it sends with the same line in
/// upper case (ASCII letters only), until the client closes its side; then returns.
pub fn serve_one(listener: &TcpListener) -> io::Result<()> {
    let (stream, _peer) = listener.accept()?;
    // TCP is a byte stream: a line can arrive in pieces, or several in one read. BufReader
    // finds the line ends for us.
    let mut reader = stream.try_clone()?;
    let mut writer = stream;
    let mut buf = [0u8; 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        // Wrong: one read is not one line.
        let text = String::from_utf8_lossy(&buf[..n]);
        let mut line = text.trim_end().to_ascii_uppercase().into_bytes();
        line.push(b'\n');
        writer.write_all(&line)?;
    }
}

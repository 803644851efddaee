//! Solution to `tcp-upper` (lesson 4, warm-up).

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpListener;

/// Accepts one client on `listener` and answers each line it sends with the same line in
/// upper case (ASCII letters only), until the client closes its side; then returns.
pub fn serve_one(listener: &TcpListener) -> io::Result<()> {
    let (stream, _peer) = listener.accept()?;
    // TCP is a byte stream: a line can arrive in pieces, or several in one read. BufReader
    // finds the line ends for us.
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = Vec::new();
    loop {
        line.clear();
        // 0 bytes: the client closed its side (end of stream).
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        line.make_ascii_uppercase();
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        writer.write_all(&line)?;
    }
}

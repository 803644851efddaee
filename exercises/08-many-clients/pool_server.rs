//! Exercise `pool-server` (lesson 8, hard): a bounded pool of worker threads.
//!
//! `serve` below is lesson 8's iterative server: it answers each line with its upper-case
//! copy, but serves one client at a time, so a second client waits until the first leaves.
//! A thread per client fixes that but lets any crowd start any number of threads. Change
//! `serve` into a pool: start `workers` threads up front; each takes the next connection,
//! serves that client until it leaves, then takes another. At most `workers` clients are
//! served at once; the others wait in line (their connections are accepted and queued).
//!
//! The check uses 2 workers: clients A and B must both be answered while both are connected;
//! a third, C, must get no answer until A leaves, and then get it.
//!
//! Check your work:  cargo exercises check pool-server

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// Serves clients on `listener` for ever, at most `workers` at a time.
pub fn serve(listener: TcpListener, workers: usize) -> io::Result<()> {
    // TODO: start `workers` threads sharing an mpsc::Receiver<TcpStream> (in an
    // Arc<Mutex<_>>); let this loop only accept and send each stream to them.
    let _ = workers;
    loop {
        let (stream, _peer) = listener.accept()?;
        if let Err(err) = upper_lines(stream) {
            eprintln!("client: {err}");
        }
    }
}

/// Answers each line with its upper-case copy until the client closes its side.
fn upper_lines(stream: TcpStream) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = Vec::new();
    while {
        line.clear();
        reader.read_until(b'\n', &mut line)? > 0
    } {
        line.make_ascii_uppercase();
        writer.write_all(&line)?;
    }
    Ok(())
}

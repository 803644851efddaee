//! Solution to `pool-server` (lesson 8, hard).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

/// Serves clients on `listener` for ever with `workers` threads started up front: each client
/// gets every line it sends back in upper case, and at most `workers` clients are served at
/// once (the others wait until a worker is free).
pub fn serve(listener: TcpListener, workers: usize) -> io::Result<()> {
    // The accepting thread hands connections to the workers through one channel; a worker
    // takes the next one when it has finished with a client.
    let (tx, rx) = mpsc::channel::<TcpStream>();
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..workers {
        let rx = Arc::clone(&rx);
        thread::spawn(move || {
            loop {
                // Hold the lock only to take a connection, not while serving it.
                let next = match rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok(stream) = next else { return };
                if let Err(err) = upper_lines(stream) {
                    eprintln!("client: {err}");
                }
            }
        });
    }
    loop {
        let (stream, _peer) = listener.accept()?;
        if tx.send(stream).is_err() {
            return Err(io::Error::other("every worker has stopped"));
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

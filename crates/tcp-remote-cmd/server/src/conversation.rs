//! The defences of the TCP server, each one call from `main.rs`: who may connect, how many
//! clients at once, an idle client, where a command ends (raw or `--framed`), a reply within
//! one deadline, and a last word before hanging up.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use remote_cmd_runner::deadline::Before;
use remote_cmd_runner::framed::{self, FrameError};
use remote_cmd_runner::{Limits, Transport, WireEncoding};

/// What every conversation needs to know.
#[derive(Clone, Copy)]
pub struct Settings {
    pub framed: bool,
    pub encoding: WireEncoding,
    pub limits: Limits,
    pub io_timeout: Duration,
    pub idle_timeout: Duration,
}

/// Running commands for whoever connects is only safe on this machine: anything else is
/// refused (exit status 2, a usage error) unless `--allow-remote`, which needs `--framed`:
/// without it each read is run as one command, and on a real network TCP splits what a
/// client wrote wherever it likes, so `rm -rf /tmp/x/old` could run as `rm -rf /tmp/x`.
pub fn refuse_unsafe_exposure(addr: SocketAddr, allow_remote: bool, framed: bool) {
    match remote_cmd_runner::check_exposure(addr, allow_remote, Transport::Tcp) {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("{warning}"),
        Err(refusal) => {
            eprintln!("Error: {refusal}");
            std::process::exit(2);
        }
    }
    if allow_remote && !framed {
        eprintln!(
            "Error: --allow-remote needs --framed: without a length in front of each command, \
             a command TCP splits in two runs as two commands (see lesson 4, sticky packets)"
        );
        std::process::exit(2);
    }
}

/// Who is being served: one client at a time (the tutorial), or with `--concurrent` one
/// thread per client, at most `--max-clients` at once.
pub struct Clients {
    concurrent: bool,
    max: u16,
    serving: Arc<AtomicUsize>,
}

/// The tutorial's inner loop, as `main.rs` writes it.
pub type Converse = fn(&TcpStream, SocketAddr, Settings) -> io::Result<()>;

impl Clients {
    pub fn new(concurrent: bool, max: u16) -> Clients {
        let serving = Arc::new(AtomicUsize::new(0));
        Clients {
            concurrent,
            max,
            serving,
        }
    }

    /// Talks to this client until it leaves. The tutorial's way (the default): while we
    /// talk, nobody else is accepted. With `--concurrent` (the fix for the tutorial's point
    /// 2) the talk is on a thread of its own and this returns at once; a client beyond
    /// `--max-clients` is told the server is busy, and a thread that cannot be had (out of
    /// memory, at the process limit) costs that client, not the server.
    pub fn serve(&self, conn: TcpStream, peer: SocketAddr, settings: Settings, talk: Converse) {
        if !self.concurrent {
            return serve(&conn, peer, settings, talk);
        }
        if self.serving.load(Ordering::SeqCst) >= usize::from(self.max) {
            let why = format!(
                "error: the server is busy: {} clients are being served (--max-clients); try again later",
                self.max
            );
            eprintln!("{peer}: turned away: {why}");
            return hang_up(
                &conn,
                &settings.encoding.encode(&why),
                settings.framed,
                settings,
            );
        }
        self.serving.fetch_add(1, Ordering::SeqCst);
        let counter = Arc::clone(&self.serving);
        let spawned = std::thread::Builder::new().spawn(move || {
            serve(&conn, peer, settings, talk);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
        // The connection closes as the closure drops.
        if let Err(err) = spawned {
            self.serving.fetch_sub(1, Ordering::SeqCst);
            eprintln!("{peer}: could not start a thread: {err} (client dropped, still serving)");
        }
    }
}

/// One conversation, to its end: whatever happens on this connection is logged here and
/// never reaches the accept loop (the tutorial's try/except).
fn serve(conn: &TcpStream, peer: SocketAddr, settings: Settings, talk: Converse) {
    match talk(conn, peer, settings) {
        // If stdout is gone, there is nobody left to tell: the next accept() will say so.
        Ok(()) => _ = writeln!(io::stdout(), "{peer} left"),
        Err(err) => eprintln!("{peer}: {err} (connection dropped, still serving)"),
    }
}

/// Waits up to `--idle-timeout` for the first byte of the next command (or the client's
/// close), which stays in the socket for [`receive`]. After that much silence the client is
/// told why and hung up on (an error ends the conversation): a client whose machine vanished
/// sends no FIN or reset, and would hold the server for ever.
pub fn wait_for_next_command(conn: &TcpStream, settings: Settings) -> io::Result<()> {
    conn.set_read_timeout(Some(settings.idle_timeout))?;
    loop {
        match conn.peek(&mut [0u8; 1]) {
            Ok(_) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if common::is_timeout(&err) => break,
            Err(err) => return Err(err),
        }
    }
    let why = format!(
        "error: no command for {:?} (--idle-timeout): closing the connection",
        settings.idle_timeout
    );
    hang_up(
        conn,
        &settings.encoding.encode(&why),
        settings.framed,
        settings,
    );
    Err(io::Error::new(io::ErrorKind::TimedOut, why))
}

/// What one receive brought.
pub enum Received {
    /// A whole command (as far as anyone can tell).
    Command(Vec<u8>),
    /// The client closed its side: the conversation is over.
    Closed,
}

/// The tutorial's `recv(1024)`, or with `--framed` one whole length-prefixed message.
pub fn receive(conn: &TcpStream, peer: SocketAddr, settings: Settings) -> io::Result<Received> {
    if settings.framed {
        receive_framed(conn, settings)
    } else {
        receive_raw(conn, peer, settings)
    }
}

/// `--framed`: one whole message, however TCP cut it up.
fn receive_framed(conn: &TcpStream, settings: Settings) -> io::Result<Received> {
    match framed::read_frame_patiently(conn, framed::MAX_COMMAND, settings.io_timeout) {
        Ok(Some(command)) => Ok(Received::Command(command)),
        Ok(None) => Ok(Received::Closed),
        Err(FrameError::Io(err)) => Err(err),
        Err(err) => {
            // The client is not speaking --framed (or is too slow). Tell it in plain text
            // (it is waiting for a raw reply), then hang up: where the next message starts in
            // this stream is anyone's guess now.
            let message = format!("error: this server runs with --framed: {err}");
            hang_up(conn, &settings.encoding.encode(&message), false, settings);
            Err(io::Error::new(io::ErrorKind::InvalidData, err.to_string()))
        }
    }
}

/// Whatever bytes have arrived, at most 1024, with no idea where one message ends (TCP has
/// none); zero bytes means the client closed its side.
///
/// What one read holds is run as one command. Two cases are surely not a whole command, and
/// are refused (then the server hangs up, since nobody can tell where the next one starts):
/// a read that filled the buffer, and one that more bytes followed at once. Every other
/// split goes unseen (lesson 4, sticky packets): `--framed` is the cure.
fn receive_raw(conn: &TcpStream, peer: SocketAddr, settings: Settings) -> io::Result<Received> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    conn.set_read_timeout(None)?;
    let n = loop {
        match (&*conn).read(&mut buffer) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => break other?,
        }
    };
    if n == 0 {
        return Ok(Received::Closed);
    }
    if n < buffer.len() && !more_waiting(conn)? {
        return Ok(Received::Command(buffer[..n].to_vec()));
    }
    writeln!(
        io::stdout(),
        "command from {peer}: {}... (cut: refused)",
        common::show_bytes(&buffer[..n.min(60)])
    )?;
    let message = format!(
        "error: this command did not arrive in one piece: the server reads at most {} bytes \
         at a time and TCP keeps no message boundaries, so running what came could run part \
         of a command. Nothing was run. Use --framed on both sides for long commands.",
        common::BUFFER_SIZE
    );
    hang_up(conn, &settings.encoding.encode(&message), false, settings);
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "a command longer than one read was refused",
    ))
}

/// Are more bytes already waiting after what was just read? (Without waiting for any.)
fn more_waiting(conn: &TcpStream) -> io::Result<bool> {
    conn.set_nonblocking(true)?;
    let peeked = conn.peek(&mut [0u8; 1]);
    conn.set_nonblocking(false)?;
    match peeked {
        Ok(n) => Ok(n > 0),
        Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(false),
        Err(err) => Err(err),
    }
}

/// The tutorial's `send`: one reply, framed or raw, all of it within `--io-timeout`, so a
/// client that stops reading cannot hold the server.
pub fn send(conn: &TcpStream, reply: &[u8], settings: Settings) -> io::Result<()> {
    send_within(conn, reply, settings, "taking the reply")
}

fn send_within(
    conn: &TcpStream,
    reply: &[u8],
    settings: Settings,
    what: &'static str,
) -> io::Result<()> {
    let mut timed = Before::new(conn, settings.io_timeout, what);
    if settings.framed {
        framed::write_frame(&mut timed, reply)
    } else {
        timed.write_all(reply)
    }
}

/// Sends a last message and closes the connection, without waiting for the client. The
/// bytes the client already sent are read and dropped first: closing with unread bytes
/// waiting sends a reset, which can destroy the message before the client reads it.
fn hang_up(conn: &TcpStream, message: &[u8], framed: bool, settings: Settings) {
    let settings = Settings { framed, ..settings };
    // A message this short fits in the socket's send buffer: the write does not wait.
    if send_within(conn, message, settings, "taking the last message").is_err()
        || conn.shutdown(Shutdown::Write).is_err()
        || conn.set_nonblocking(true).is_err()
    {
        return;
    }
    let mut sink = [0u8; 4096];
    while matches!((&*conn).read(&mut sink), Ok(n) if n > 0) {}
}

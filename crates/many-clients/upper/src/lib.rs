//! Lesson 8: what the four many-clients servers share, so that their `main.rs` files differ
//! only in how they give each client its turn.
//!
//! - [`serve`] is the tutorial's inner loop, for one client: receive a chunk (`recv(1024)`),
//!   upper-case it like Python's `bytes.upper()`, send it back, until the client closes.
//!   [`serve_async`] is the same on tokio, for the event-loop server.
//! - A client that stops reading cannot hold a server forever: each reply must be taken
//!   within one deadline (`--reply-timeout`), for the whole reply, not for each system call,
//!   so a client that reads a byte now and then is cut off as well.
//! - When `accept` fails (most often "too many open files"), the servers wait a little longer
//!   each time instead of spinning, and say so once in a while: [`guard::AcceptErrors`].
//! - [`refuse`]: tell a client in one line that the server is full, then close.
//! - [`Tuning`]: the flags all four take (`--addr`, `--reply-timeout`, `--backlog`).
//!
//! The walkthrough is `lessons/08-many-clients.md`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The flags all four servers take, written once and flattened into each one's `Args`: where
/// to listen, how long a client may take to read a reply, and the accept queue's length.
#[derive(clap::Args)]
pub struct Tuning {
    #[command(flatten)]
    pub listen: address_flags::Listen<{ common::defaults::MANY_CLIENTS.port() }>,

    /// Seconds a client may take to read one reply before it is dropped
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "10")]
    pub reply_timeout: Duration,

    /// Finished handshakes the kernel queues for accept() (the tutorial's listen(5))
    #[arg(long, value_name = "N", default_value_t = common::BACKLOG,
          value_parser = clap::value_parser!(i32).range(1..=65535))]
    pub backlog: i32,
}

impl Tuning {
    /// The listening socket every design starts from: `common::bind_tcp` (the tutorial's
    /// socket, bind and `listen(5)`), [`set_backlog`] if `--backlog` asks for a longer queue
    /// (see the lesson's "backlog"), then the `listening on` line (`common::announce_tcp`).
    pub fn open_listener(&self) -> Result<std::net::TcpListener, common::Error> {
        let server = common::bind_tcp(self.listen.addr)?;
        set_backlog(&server, self.backlog)?;
        common::announce_tcp(&server)?;
        Ok(server)
    }
}

/// The tutorial's `recv(1024)`: how much one read takes at most.
pub const CHUNK: usize = 1024;

/// How long a client may take to read one reply unless `--reply-timeout` says otherwise.
pub const REPLY_PATIENCE: Duration = Duration::from_secs(10);

/// `data.upper()`: like Python's `bytes.upper()`, only `a`-`z` change; every other byte,
/// UTF-8 or not, passes unchanged.
pub fn upper(chunk: &mut [u8]) {
    chunk.make_ascii_uppercase();
}

/// One client, to its end: read a chunk, upper-case it, write it back, until the client
/// closes its side (a read of 0 bytes). Returns how many bytes were echoed.
///
/// Each reply must be taken within `patience`, or the client is dropped with a `TimedOut`
/// error: see [`write_reply`].
pub fn serve(mut conn: TcpStream, patience: Duration) -> io::Result<u64> {
    // One write timeout for the whole connection; write_reply shortens it only when a reply
    // needs more than one write, so the common case costs no extra system call.
    conn.set_write_timeout(Some(patience))?;
    let mut chunk = [0u8; CHUNK];
    let mut echoed = 0u64;
    loop {
        // recv(1024): whatever has arrived, at most 1024 bytes; 0 means the client closed.
        let n = match conn.read(&mut chunk) {
            Ok(0) => return Ok(echoed),
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        upper(&mut chunk[..n]);
        write_reply(&mut conn, &chunk[..n], patience)?;
        echoed += n as u64;
    }
}

/// `sendall(reply)`, finished within `patience` from now or given up with `TimedOut`.
///
/// A socket's write timeout bounds each system call, not the reply: a client that reads one
/// byte just before each timeout would keep the server writing forever. So before every
/// write after the first, the timeout is set to what is left of the one deadline.
pub fn write_reply(conn: &mut TcpStream, reply: &[u8], patience: Duration) -> io::Result<()> {
    let deadline = Instant::now() + patience;
    let mut rest = reply;
    let mut writes = 0;
    while !rest.is_empty() {
        if writes > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(too_slow(patience));
            }
            conn.set_write_timeout(Some(left))?;
        }
        writes += 1;
        match conn.write(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => rest = &rest[n..],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            // Unix says WouldBlock when the timeout runs out, Windows says TimedOut.
            Err(err) if is_timeout(&err) => return Err(too_slow(patience)),
            Err(err) => return Err(err),
        }
    }
    if writes > 1 {
        // The timeout was shortened: put the whole-reply one back for the next reply.
        conn.set_write_timeout(Some(patience))?;
    }
    Ok(())
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn too_slow(patience: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "did not take its reply within {:?} (--reply-timeout)",
            patience
        ),
    )
}

/// The same as [`serve`], as a task on tokio's event loop: every `.await` is a point where
/// this task gives the thread to another connection while it waits.
#[cfg(feature = "tokio")]
pub async fn serve_async(mut conn: tokio::net::TcpStream, patience: Duration) -> io::Result<u64> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut chunk = [0u8; CHUNK];
    let mut echoed = 0u64;
    loop {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Ok(echoed);
        }
        upper(&mut chunk[..n]);
        // One deadline for the whole reply, however many writes it takes.
        match tokio::time::timeout(patience, conn.write_all(&chunk[..n])).await {
            Ok(written) => written?,
            Err(_elapsed) => return Err(too_slow(patience)),
        }
        echoed += n as u64;
    }
}

/// The line a server prints when a client's conversation ends: `127.0.0.1:40112 left (12
/// bytes echoed)` on stdout, or what went wrong on stderr. Nothing a client does stops the
/// server, so this only reports.
pub fn report(peer: SocketAddr, result: io::Result<u64>) {
    match result {
        // If stdout is gone, the accept loop finds out at its next line and stops there.
        Ok(echoed) => _ = writeln!(io::stdout(), "{peer} left ({echoed} bytes echoed)"),
        Err(err) => eprintln!("{peer}: {err} (connection dropped, still serving)"),
    }
}

/// Gives a listening socket a longer queue of finished handshakes than `common::bind_tcp`'s 5
/// (the tutorial's `listen(5)`), by calling `listen` again, which Linux and macOS allow on a
/// listening socket to change its backlog. Linux caps it at `net.core.somaxconn` (4096 by
/// default), macOS at `kern.ipc.somaxconn` (128). Windows documents a second `listen` as
/// succeeding without changing anything, so there the queue stays at 5.
pub fn set_backlog(listener: &std::net::TcpListener, backlog: i32) -> io::Result<()> {
    socket2::SockRef::from(listener).listen(backlog)
}

/// Tells a client in one line why it is not served (`busy: ...`), then closes.
///
/// The client has sent nothing yet in the common case, so the line reaches it before the
/// close. Waiting for the line to leave is bounded: a full server has no time to spare.
pub fn refuse(mut conn: TcpStream, peer: SocketAddr, reason: &str) {
    let _ = conn.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = conn.write_all(format!("busy: {reason}\n").as_bytes());
    let _ = conn.shutdown(Shutdown::Write);
    eprintln!("{peer} refused: {reason}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn upper_changes_ascii_letters_only_like_python_bytes_upper() {
        let mut data = b"hello, World! caf\xc3\xa9 \xff".to_vec();
        upper(&mut data);
        assert_eq!(data, b"HELLO, WORLD! CAF\xc3\xa9 \xff");
    }

    #[test]
    fn a_reply_read_a_little_at_a_time_is_given_up_after_one_deadline_not_one_per_write() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        // The client trickles: 64 KiB every 50 ms, so every single write makes progress
        // within its timeout and only a deadline for the whole reply can stop it.
        let trickler = std::thread::spawn(move || {
            client
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0usize;
            while let Ok(n @ 1..) = client.read(&mut buf) {
                total += n;
                std::thread::sleep(Duration::from_millis(50));
            }
            total
        });
        // 256 MiB at 64 KiB per 50 ms would take more than three minutes.
        let reply = vec![b'x'; 256 * 1024 * 1024];
        let patience = Duration::from_millis(500);
        let started = Instant::now();
        conn.set_write_timeout(Some(patience)).unwrap();
        let err = write_reply(&mut conn, &reply, patience).unwrap_err();
        let took = started.elapsed();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
        assert!(err.to_string().contains("--reply-timeout"), "{err}");
        drop(conn);
        let read = trickler.join().unwrap();
        assert!(read > 64 * 1024, "the client did read some: {read} bytes");
        // Generous for a loaded machine, and still far below the minutes a timeout per
        // write would allow.
        assert!(took < Duration::from_secs(30), "took {took:?}");
    }
}

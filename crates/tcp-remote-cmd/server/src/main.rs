//! # Lesson 4: the remote-command server over TCP
//!
//! Ports the server of the tutorial's "TCP应用：基于TCP实现远程执行命令" (remote commands over
//! TCP): accept a client, then loop: receive a command line, run it in the shell, send back
//! its error output if there is any, else its normal output, else 执行成功 ("executed
//! successfully"), encoded as GBK because the tutorial's clients decode GBK. When the client
//! leaves, accept the next one.
//!
//! Unlike the tutorial's, neither a command nor a client can hang, flood or crash this
//! server: stdin is the null device, both output pipes are read at once, `--timeout` kills a
//! command and everything it started (and covers encoding its reply), `--max-output` caps what
//! is kept, a command longer than one read is refused rather than run in pieces (but without
//! `--framed`, a short command that arrives in two pieces runs as two: lesson 4 shows it, and
//! `--allow-remote` requires `--framed`), each message has one deadline (`--io-timeout`), a
//! client silent for `--idle-timeout` is hung up on, `--concurrent` serves at most
//! `--max-clients` at once, and when the server stops its commands stop with it (on macOS,
//! except what left their process group: lesson 4).
//!
//! Run it:
//!
//! ```text
//! cargo run -p tcp-remote-cmd-server
//! ```
//!
//! Talk to it from a second terminal:
//!
//! ```text
//! cargo run -p tcp-remote-cmd-client
//! ```
//!
//! You will see, when the client types `echo 你好`:
//!
//! ```text
//! listening on tcp://127.0.0.1:8083
//! new client 127.0.0.1:40112
//! command from 127.0.0.1:40112: b'echo \xe4\xbd\xa0\xe5\xa5\xbd'
//! ```
//!
//! The walkthrough is `lessons/04-tcp-remote-cmd.md`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use remote_cmd_runner::deadline::Before;
use remote_cmd_runner::framed::{self, FrameError};
use remote_cmd_runner::{Limits, Transport, WireEncoding};

/// Lesson 4: a TCP server that runs each command line it receives and sends back the output.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/04-tcp-remote-cmd.md\n\
                  Talk to it: cargo run -p tcp-remote-cmd-client\n\
                  Anyone who can connect can run commands as you: it listens on loopback only unless --allow-remote."
)]
struct Args {
    /// Where to listen: IP and port, like 127.0.0.1:8083 or [::1]:8083 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::TCP_REMOTE_CMD)]
    addr: SocketAddr,

    /// Serve each client on its own thread (the tutorial serves one at a time: the next waits)
    #[arg(long)]
    concurrent: bool,

    /// With --concurrent: how many clients are served at once; the next one is told the
    /// server is busy and disconnected
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    max_clients: u16,

    /// Send and expect every message with a 4-byte big-endian length in front (the fix for
    /// sticky packets); the client needs --framed too
    #[arg(long)]
    framed: bool,

    /// How replies are encoded on the wire (commands always arrive as UTF-8)
    #[arg(long, value_enum, default_value_t = WireEncoding::Gbk)]
    encoding: WireEncoding,

    /// Seconds a command may run before it and its children are killed (fractions allowed)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "10")]
    timeout: Duration,

    /// Bytes kept of a command's output; the rest is read and thrown away
    #[arg(long, value_name = "BYTES", value_parser = remote_cmd_runner::parse_max_output,
          default_value_t = remote_cmd_runner::DEFAULT_MAX_OUTPUT)]
    max_output: usize,

    /// Seconds a client has to finish sending a message it has started, and to take a whole
    /// reply; a slower client is disconnected (how long it thinks between messages is up to it)
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "5")]
    io_timeout: Duration,

    /// Seconds a client may stay silent between commands before the server hangs up, so that
    /// an idle client (or one whose machine vanished) cannot hold the server for ever
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "60")]
    idle_timeout: Duration,

    /// Bind without SO_REUSEADDR, as the tutorial's server does: restarted within a minute of
    /// stopping with clients connected, it fails with "Address already in use" (TIME_WAIT)
    #[arg(long)]
    no_reuseaddr: bool,

    /// Allow a non-loopback --addr: then anyone who can reach the port can run commands as
    /// you (needs --framed)
    #[arg(long)]
    allow_remote: bool,
}

/// What every conversation needs to know.
#[derive(Clone, Copy)]
struct Settings {
    framed: bool,
    encoding: WireEncoding,
    limits: Limits,
    io_timeout: Duration,
    idle_timeout: Duration,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // Running commands for whoever connects is only safe on this machine: refuse anything
    // else unless the user says --allow-remote, and exit with status 2 (a usage error).
    match remote_cmd_runner::check_exposure(args.addr, args.allow_remote, Transport::Tcp) {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("{warning}"),
        Err(refusal) => {
            eprintln!("Error: {refusal}");
            std::process::exit(2);
        }
    }

    // Without --framed, each read is run as one command, and nothing can tell a whole command
    // from a piece of one: on a real network TCP splits what a client wrote wherever it likes
    // (a slow link, a proxy, a client that writes twice), and `rm -rf /tmp/x/old` could run
    // as `rm -rf /tmp/x`. So a server others can reach must speak --framed.
    if args.allow_remote && !args.framed {
        eprintln!(
            "Error: --allow-remote needs --framed: without a length in front of each command, \
             a command TCP splits in two runs as two commands (see lesson 4, sticky packets)"
        );
        std::process::exit(2);
    }

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log).
    let server = common::bind_tcp_with(args.addr, !args.no_reuseaddr)?;
    common::announce_tcp(&server)?;
    let settings = Settings {
        framed: args.framed,
        encoding: args.encoding,
        limits: Limits {
            timeout: args.timeout,
            max_output: args.max_output,
        },
        io_timeout: args.io_timeout,
        idle_timeout: args.idle_timeout,
    };
    // With --concurrent: how many conversations run right now.
    let serving = Arc::new(AtomicUsize::new(0));
    // When accept() fails (out of file descriptors, say), wait before the next try.
    let mut accept_errors = guard::AcceptErrors::new();

    // The outer loop of the tutorial: one turn per client ("建立链接大循环").
    loop {
        // accept() takes the next finished handshake from the backlog (listen(5): on Linux
        // up to 6 wait there; see lesson 4). A failure must not make the loop spin.
        let (conn, peer) = match server.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                std::thread::sleep(accept_errors.failed(&err));
                continue;
            }
        };
        accept_errors.succeeded();
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        writeln!(io::stdout(), "new client {peer}")?;
        if !args.concurrent {
            // The tutorial's way: while we talk to this client, nobody else is accepted.
            serve(conn, peer, settings);
            continue;
        }
        // The fix for the tutorial's point 2: each client gets its own thread, so the next
        // accept() runs at once instead of after this client leaves. But never more than
        // --max-clients threads (each may run a command): the next client is turned away.
        if serving.load(Ordering::SeqCst) >= usize::from(args.max_clients) {
            let why = format!(
                "error: the server is busy: {} clients are being served (--max-clients); try again later",
                args.max_clients
            );
            turn_away(conn, peer, &why, settings);
            continue;
        }
        serving.fetch_add(1, Ordering::SeqCst);
        let counter = Arc::clone(&serving);
        let spawned = std::thread::Builder::new().spawn(move || {
            serve(conn, peer, settings);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
        // No thread to be had (out of memory, or at the process limit): this client is
        // turned away; everybody else goes on. The connection closes as the closure drops.
        if let Err(err) = spawned {
            serving.fetch_sub(1, Ordering::SeqCst);
            eprintln!("{peer}: could not start a thread: {err} (client dropped, still serving)");
        }
    }
}

/// Tells a client why it is not served, in the format it expects, and hangs up.
fn turn_away(conn: TcpStream, peer: SocketAddr, why: &str, settings: Settings) {
    eprintln!("{peer}: turned away: {why}");
    hang_up(
        &conn,
        &settings.encoding.encode(why),
        settings.framed,
        settings,
    );
}

/// Sends one reply, framed or raw, all of it within --io-timeout.
fn send(conn: &TcpStream, reply: &[u8], settings: Settings, what: &'static str) -> io::Result<()> {
    let mut timed = Before::new(conn, settings.io_timeout, what);
    if settings.framed {
        framed::write_frame(&mut timed, reply)
    } else {
        timed.write_all(reply)
    }
}

/// One conversation, to its end. Whatever happens on this connection is logged here and
/// never reaches the accept loop (the tutorial's try/except).
fn serve(conn: TcpStream, peer: SocketAddr, settings: Settings) {
    match converse(&conn, peer, settings) {
        // If stdout is gone, there is nobody left to tell: the next accept() will say so.
        Ok(()) => _ = writeln!(io::stdout(), "{peer} left"),
        Err(err) => eprintln!("{peer}: {err} (connection dropped, still serving)"),
    }
}

/// What one turn of the inner loop received.
enum Received {
    /// A whole command (as far as anyone can tell).
    Command(Vec<u8>),
    /// The client closed its side: the conversation is over.
    Closed,
}

/// The inner loop of the tutorial: receive a command, run it, send the reply.
fn converse(conn: &TcpStream, peer: SocketAddr, settings: Settings) -> io::Result<()> {
    loop {
        // Between commands a client may think, but not for ever: after --idle-timeout of
        // silence the server says why and hangs up. This also ends a conversation whose
        // client vanished (unplugged, crashed with its machine): no FIN or reset ever comes
        // from it, so without a limit the server would wait for ever.
        if !next_message_within(conn, settings.idle_timeout)? {
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
            return Err(io::Error::new(io::ErrorKind::TimedOut, why));
        }
        let command = if settings.framed {
            receive_framed(conn, settings)?
        } else {
            receive_raw(conn, peer, settings)?
        };
        let Received::Command(command) = command else {
            return Ok(());
        };
        writeln!(
            io::stdout(),
            "command from {peer}: {}",
            common::show_bytes(&command)
        )?;

        // Popen(cmd, shell=True, ...) and the choice of reply: stderr, else stdout, else 执行成功.
        // --timeout is one budget for running the command and encoding its reply.
        let deadline = Instant::now() + settings.limits.timeout;
        let reply = remote_cmd_runner::respond(&command, settings.limits, deadline);
        // Shells print UTF-8 (cmd: the console's code page); the tutorial's clients expect
        // GBK: transcode, and keep the reply within --max-output and a few notes.
        let reply =
            remote_cmd_runner::encode_reply(&reply, settings.encoding, settings.limits, deadline);

        // send(cmd_res): all of it, and within one deadline: a client that stops reading
        // cannot hold the server.
        send(conn, &reply, settings, "taking the reply")?;
    }
}

/// Waits up to `idle` for the first byte of the next message (or the client's close):
/// `false` if none came in time. The byte stays in the socket for the reader.
fn next_message_within(conn: &TcpStream, idle: Duration) -> io::Result<bool> {
    conn.set_read_timeout(Some(idle))?;
    loop {
        match conn.peek(&mut [0u8; 1]) {
            Ok(_) => return Ok(true),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) if common::is_timeout(&err) => return Ok(false),
            Err(err) => return Err(err),
        }
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

/// The tutorial's `recv(1024)`: whatever bytes have arrived, at most 1024, with no idea where
/// one message ends (TCP has none). Zero bytes means the client closed its side.
///
/// What one read holds is run as one command. Two cases are surely not a whole command, and
/// are refused (then the server hangs up, since nobody can tell where the next one starts):
/// a read that filled the buffer, and one that more bytes followed at once (two commands
/// stuck together, or a long one still arriving). Every other split goes unseen: a command
/// whose second half comes a moment later runs as two commands, and `rm -rf /tmp/x/old`
/// can run as `rm -rf /tmp/x`. Only a client that writes each command at once, on
/// loopback, is safe here; `--framed` is the cure, and `--allow-remote` requires it.
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

/// Sends a last message and closes the connection, without waiting for the client. The
/// bytes the client already sent are read and dropped first: closing with unread bytes
/// waiting sends a reset, which can destroy the message before the client reads it.
fn hang_up(conn: &TcpStream, message: &[u8], framed: bool, settings: Settings) {
    let settings = Settings { framed, ..settings };
    // A message this short fits in the socket's send buffer: the write does not wait.
    if send(conn, message, settings, "taking the last message").is_err()
        || conn.shutdown(Shutdown::Write).is_err()
        || conn.set_nonblocking(true).is_err()
    {
        return;
    }
    let mut sink = [0u8; 4096];
    while matches!((&*conn).read(&mut sink), Ok(n) if n > 0) {}
}

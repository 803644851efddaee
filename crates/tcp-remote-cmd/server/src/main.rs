//! # Lesson 4: the remote-command server over TCP
//!
//! The server of the tutorial's "TCP应用：基于TCP实现远程执行命令", in its order: bind,
//! listen(5), then two loops: accept a client and print who it is; receive a command line
//! (zero bytes: the client left), run it in the shell, send back its error output if any,
//! else its output, else 执行成功, in GBK. Each defence against what the tutorial's server
//! cannot survive (lesson 4's attack table) is one call into `conversation.rs` or
//! `remote_cmd_runner`; on Linux a command does not outlive the server, not even what moved
//! to a new session, except after `kill -9` (see the runner's `reaper`).
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

mod conversation;

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use clap::Parser;
use conversation::{Clients, Received, Settings};
use remote_cmd_runner::{Limits, WireEncoding};

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
    #[command(flatten)]
    listen: address_flags::Listen<{ common::defaults::TCP_REMOTE_CMD.port() }>,

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

    #[command(flatten)]
    limits: Limits,

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

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    // Loopback only, unless --allow-remote (with --framed); else exit status 2.
    conversation::refuse_unsafe_exposure(args.listen.addr, args.allow_remote, args.framed);

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(5).
    let server = common::bind_tcp_with(args.listen.addr, !args.no_reuseaddr)?;
    common::announce_tcp(&server)?;
    let settings = Settings {
        framed: args.framed,
        encoding: args.encoding,
        limits: args.limits,
        io_timeout: args.io_timeout,
        idle_timeout: args.idle_timeout,
    };
    let clients = Clients::new(args.concurrent, args.max_clients);
    let mut accept_errors = guard::AcceptErrors::new();

    // The outer loop of the tutorial: one turn per client ("建立链接大循环").
    loop {
        // accept() takes the next finished handshake from the backlog (listen(5): on Linux
        // up to 6 wait there). A failure (out of file descriptors) pauses, never spins.
        let Some((conn, peer)) = accept_errors.checked(server.accept()) else {
            continue;
        };
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        writeln!(io::stdout(), "new client {peer}")?;
        // Until this client leaves; with --concurrent on a thread (at most --max-clients).
        clients.serve(conn, peer, settings, converse);
    }
}

/// The inner loop of the tutorial ("通信循环"): receive a command, run it, send the reply.
fn converse(conn: &TcpStream, peer: SocketAddr, settings: Settings) -> io::Result<()> {
    loop {
        // A client silent for --idle-timeout is told why and hung up on.
        conversation::wait_for_next_command(conn, settings)?;
        // recv(1024), or one --framed message. Zero bytes: the client left.
        let Received::Command(command) = conversation::receive(conn, peer, settings)? else {
            return Ok(());
        };
        let shown = common::show_bytes(&command);
        writeln!(io::stdout(), "command from {peer}: {shown}")?;

        // Popen(cmd, shell=True, ...): the reply is stderr, else stdout, else 执行成功.
        // --timeout is one budget for running the command and encoding its reply.
        let deadline = Instant::now() + settings.limits.timeout;
        let reply = remote_cmd_runner::respond(&command, settings.limits, deadline);
        // The tutorial's clients decode GBK; --max-output bounds the reply.
        let reply =
            remote_cmd_runner::encode_reply(&reply, settings.encoding, settings.limits, deadline);

        // send(cmd_res): all of it, within --io-timeout.
        conversation::send(conn, &reply, settings)?;
    }
}

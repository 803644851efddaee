//! # Lesson 4: the remote-command server over TCP
//!
//! Ports the server of the tutorial's "TCP应用：基于TCP实现远程执行命令" (remote commands over
//! TCP): accept a client, then loop: receive a command line, run it in the shell, send back
//! its error output if there is any, else its normal output, else 执行成功 ("executed
//! successfully"), encoded as GBK because the tutorial's clients decode GBK. When the client
//! leaves, accept the next one.
//!
//! Unlike the tutorial's, a command cannot hang or flood this server: stdin is closed, both
//! output pipes are read at once, `--timeout` kills it, `--max-output` caps what is kept.
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
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use clap::Parser;
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

    /// Allow a non-loopback --addr: then anyone who can reach the port can run commands as you
    #[arg(long)]
    allow_remote: bool,
}

/// What every conversation needs to know.
#[derive(Clone, Copy)]
struct Settings {
    framed: bool,
    encoding: WireEncoding,
    limits: Limits,
}

/// How long a reply may take to leave: a client that stops reading cannot hold the server.
const WRITE_PATIENCE: Duration = Duration::from_secs(30);

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

    // socket(AF_INET, SOCK_STREAM), bind(ip_port), listen(back_log).
    let server = common::bind_tcp(args.addr)?;
    common::announce_tcp(&server)?;
    let settings = Settings {
        framed: args.framed,
        encoding: args.encoding,
        limits: Limits {
            timeout: args.timeout,
            max_output: args.max_output,
        },
    };

    // The outer loop of the tutorial: one turn per client ("建立链接大循环").
    loop {
        // accept() waits for the next finished handshake; the backlog keeps up to 5 waiting.
        let (conn, peer) = match server.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                eprintln!("accept failed: {err} (still serving)");
                continue;
            }
        };
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        writeln!(io::stdout(), "new client {peer}")?;
        if args.concurrent {
            // The fix for the tutorial's point 2: each client gets its own thread, so the
            // next accept() runs at once instead of after this client leaves.
            std::thread::spawn(move || serve(conn, peer, settings));
        } else {
            // The tutorial's way: while we talk to this client, nobody else is accepted.
            serve(conn, peer, settings);
        }
    }
}

/// One conversation, to its end. Whatever happens on this connection is logged here and
/// never reaches the accept loop (the tutorial's try/except).
fn serve(conn: TcpStream, peer: SocketAddr, settings: Settings) {
    match converse(conn, peer, settings) {
        // If stdout is gone, there is nobody left to tell: the next accept() will say so.
        Ok(()) => _ = writeln!(io::stdout(), "{peer} left"),
        Err(err) => eprintln!("{peer}: {err} (connection dropped, still serving)"),
    }
}

/// The inner loop of the tutorial: receive a command, run it, send the reply.
fn converse(mut conn: TcpStream, peer: SocketAddr, settings: Settings) -> io::Result<()> {
    conn.set_write_timeout(Some(WRITE_PATIENCE))?;
    let mut buffer = [0u8; common::BUFFER_SIZE];
    loop {
        let command = if settings.framed {
            // One whole message, however TCP cut it up.
            match framed::read_frame_patiently(&conn, framed::MAX_COMMAND, framed::PATIENCE) {
                Ok(Some(command)) => command,
                Ok(None) => return Ok(()),
                Err(FrameError::Io(err)) => return Err(err),
                Err(err) => {
                    // The client is not speaking --framed. Tell it in plain text (it is
                    // waiting for a raw reply), then hang up: where the next message starts
                    // in this stream is anyone's guess now.
                    let message = format!("error: this server runs with --framed: {err}");
                    conn.write_all(&settings.encoding.encode(&message))?;
                    return Err(io::Error::new(io::ErrorKind::InvalidData, err.to_string()));
                }
            }
        } else {
            // recv(1024): whatever bytes have arrived, at most 1024, with no idea where one
            // message ends (TCP has none). Zero bytes means the client closed its side.
            let n = conn.read(&mut buffer)?;
            if n == 0 {
                return Ok(());
            }
            buffer[..n].to_vec()
        };
        writeln!(
            io::stdout(),
            "command from {peer}: {}",
            common::show_bytes(&command)
        )?;

        // Popen(cmd, shell=True, ...) and the choice of reply: stderr, else stdout, else 执行成功.
        let reply = remote_cmd_runner::respond(&command, settings.limits);
        // Linux shells print UTF-8; the tutorial's clients expect GBK: transcode.
        let reply = settings.encoding.encode(&reply);

        // send(cmd_res): write_all, because one write may take only part of a big reply.
        if settings.framed {
            framed::write_frame(&mut conn, &reply)?;
        } else {
            conn.write_all(&reply)?;
        }
    }
}

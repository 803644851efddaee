//! # Lesson 4: the remote-command client over TCP
//!
//! Ports the client of the tutorial's "TCP应用：基于TCP实现远程执行命令": connect once, then
//! for each line typed: skip it if empty, stop at `quit`, send it as UTF-8, receive one reply
//! with a 1024-byte buffer, decode it as GBK and print it.
//!
//! That one 1024-byte read is the tutorial's next problem, sticky packets (粘包): a reply
//! longer than 1024 bytes is not read whole, and its rest comes back as the answer to the next
//! command. `--framed` (on both sides) fixes it.
//!
//! Start the server first, in one terminal:
//!
//! ```text
//! cargo run -p tcp-remote-cmd-server
//! ```
//!
//! then run this client in a second terminal and type commands:
//!
//! ```text
//! cargo run -p tcp-remote-cmd-client
//! ```
//!
//! You will see, for `echo 你好`, then `ls /nowhere`, then `true`:
//!
//! ```text
//! >>: echo 你好
//! 你好
//! >>: ls /nowhere
//! ls: cannot access '/nowhere': No such file or directory
//! >>: true
//! 执行成功
//! ```
//!
//! End with `quit` or Ctrl-D. The walkthrough is `lessons/04-tcp-remote-cmd.md`.

use std::io::{Read, Write};
use std::net::TcpStream;

use clap::Parser;
use remote_cmd_runner::WireEncoding;
use remote_cmd_runner::framed;

/// Lesson 4: send each typed command to the TCP remote-command server and print the reply.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/04-tcp-remote-cmd.md\nStart the server first: cargo run -p tcp-remote-cmd-server"
)]
struct Args {
    #[command(flatten)]
    server: address_flags::Server<{ common::defaults::TCP_REMOTE_CMD.port() }>,

    /// Send and expect every message with a 4-byte length in front, so each reply is read
    /// whole (the server needs --framed too)
    #[arg(long)]
    framed: bool,

    /// How to decode replies: what the server encodes them with
    #[arg(long, value_enum, default_value_t = WireEncoding::Gbk)]
    encoding: WireEncoding,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // socket(AF_INET, SOCK_STREAM) and connect(ip_port): the three-way handshake. Unlike UDP,
    // nothing can be sent before this succeeds, and it fails at once with no server.
    let mut conn = TcpStream::connect(args.server.addr).map_err(|err| {
        format!(
            "cannot connect to {}: {err} (is the server running? cargo run -p tcp-remote-cmd-server)",
            args.server.addr
        )
    })?;

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut out = std::io::stdout().lock();
    while let Some(line) = common::read_line(">>: ")? {
        let command = line.trim();
        // An empty send puts no bytes on the wire, so the server's recv would never return
        // and we would wait for a reply forever: skip empty lines, as the tutorial does.
        if command.is_empty() {
            continue;
        }
        if command == "quit" {
            break;
        }

        // send(cmd.encode('utf-8')), then recv(1024) (or one --framed message each way).
        let reply = exchange(&mut conn, command, args.framed, &mut buffer)
            .map_err(|err| format!("the conversation with {} ended: {err}", args.server.addr))?;

        // decode('gbk'): the bytes are GBK text, unless --encoding says otherwise.
        let text = args.encoding.decode(&reply);
        write!(out, "{text}")?;
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
        out.flush()?;
    }
    // close(): the server's recv returns 0 bytes and it goes on to the next client.
    Ok(())
}

/// send(cmd.encode('utf-8')) and recv: one message whole (--framed), or whatever has
/// arrived, at most 1024 bytes, as in the tutorial.
fn exchange(
    conn: &mut TcpStream,
    command: &str,
    framed: bool,
    buffer: &mut [u8],
) -> Result<Vec<u8>, String> {
    if framed {
        framed::write_frame(conn, command.as_bytes()).map_err(|err| err.to_string())?;
        match framed::read_frame(conn, framed::MAX_REPLY) {
            Ok(Some(reply)) => Ok(reply),
            Ok(None) => Err("the server closed the connection".into()),
            Err(err) => Err(format!("its reply is not a --framed message: {err}")),
        }
    } else {
        conn.write_all(command.as_bytes())
            .map_err(|err| err.to_string())?;
        let n = conn.read(buffer).map_err(|err| err.to_string())?;
        // Zero bytes: the server closed the connection (it never sends an empty reply).
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        Ok(buffer[..n].to_vec())
    }
}

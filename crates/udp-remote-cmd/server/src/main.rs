//! # Lesson 5: the remote-command server over UDP
//!
//! Ports the tutorial's "利用UDP来实现上述远程操作" (the remote commands again, over UDP): loop
//! forever: receive one datagram holding a command line, run it in the shell, send back one
//! datagram with its error output if there is any, else its normal output, else 执行成功,
//! encoded as GBK.
//!
//! One datagram in, one datagram out: a reply too big for a datagram (65507 bytes over IPv4)
//! is cut to fit, with a note at its end, never split. And although the tutorial needs no
//! try/except here "because there is no connection", every bad datagram is answered or logged,
//! never fatal.
//!
//! Like the tutorial's, it runs one command at a time, so every request waits for the ones
//! before it. To bound that wait, at most `--max-queue` requests wait their turn; the others
//! are answered "busy" at once, and nothing of theirs is run. A second thread reads the
//! socket all the time, so requests are answered "busy" rather than left to fill the
//! socket's buffer while a command runs: as long as it reads them faster than they arrive.
//! A flood faster than that still fills the buffer, and the OS drops what does not fit
//! without telling anyone (lesson 5 gives the rates measured). Nothing from its own address
//! or a service port below 1024 is run or answered, and one sender gets at most 20 replies a
//! second, so a forged datagram cannot start a loop.
//!
//! Run it:
//!
//! ```text
//! cargo run -p udp-remote-cmd-server
//! ```
//!
//! Talk to it from a second terminal:
//!
//! ```text
//! cargo run -p udp-remote-cmd-client
//! ```
//!
//! You will see, when the client types `echo 你好`:
//!
//! ```text
//! listening on udp://127.0.0.1:8084
//! command from 127.0.0.1:52110: b'echo \xe4\xbd\xa0\xe5\xa5\xbd'
//! ```
//!
//! The walkthrough is `lessons/05-udp-remote-cmd.md`.

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use remote_cmd_runner::{Limits, Transport, WireEncoding};

/// Lesson 5: a UDP server that runs each command it receives and sends back the output.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/05-udp-remote-cmd.md\n\
                  Talk to it: cargo run -p udp-remote-cmd-client\n\
                  Anyone who can send it a datagram can run commands as you: it listens on loopback only unless --allow-remote."
)]
struct Args {
    /// Where to listen: IP and port, like 127.0.0.1:8084 or [::1]:8084 (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = common::defaults::UDP_REMOTE_CMD)]
    addr: SocketAddr,

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

    /// How many requests may wait while a command runs; more are answered "busy" at once, so
    /// no request waits longer than (max-queue + 1) x --timeout
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(0..=1000))]
    max_queue: u16,

    /// Allow a non-loopback --addr: then anyone who can reach the port can run commands as
    /// you, and a forged sender address can aim the replies at someone else
    #[arg(long)]
    allow_remote: bool,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // Loopback only unless --allow-remote; a refusal exits with status 2 (a usage error).
    match remote_cmd_runner::check_exposure(args.addr, args.allow_remote, Transport::Udp) {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("{warning}"),
        Err(refusal) => {
            eprintln!("Error: {refusal}");
            std::process::exit(2);
        }
    }

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port): no listen, no accept, no connections.
    let server = common::bind_udp(args.addr)?;
    common::announce_udp(&server)?;
    let limits = Limits {
        timeout: args.timeout,
        max_output: args.max_output,
    };

    // While a command runs, nobody reads the socket, and the OS keeps what arrives in the
    // socket's receive buffer until it is full; past that it drops datagrams without a word
    // to anyone. So a second thread does nothing but read: it hands each request to this one,
    // as long as no more than --max-queue are waiting behind the one that runs, and answers
    // "busy" at once otherwise. `taken` counts the requests handed over and not yet answered.
    let (line, requests) = mpsc::channel::<Request>();
    let taken = Arc::new(AtomicUsize::new(0));
    let reader = Reader {
        socket: server.try_clone()?,
        // A sender can forge its address: some we never answer (ourselves, a well-known
        // service's port), and none gets more than 20 replies a second, so one forged
        // datagram cannot make this server and another answer each other for ever (each
        // answer here runs a shell). Lesson 3 tells the echo/chargen story.
        guard: common::ReplyGuard::for_socket(&server, REPLIES_PER_PEER)?,
        // Past 20 lines a second, "busy" and refusal lines are counted and summed up.
        lines: common::LogLimit::new(common::LogLimit::LINES_PER_SECOND, "lines"),
        line,
        taken: Arc::clone(&taken),
        max_queue: args.max_queue,
        encoding: args.encoding,
    };
    thread::Builder::new()
        .name("reader".into())
        .spawn(move || reader.run())?;

    // The tutorial's loop, one command at a time, in the order the requests came.
    for request in requests {
        // print(): a server whose log is gone (stdout closed) stops with an error, not a panic.
        writeln!(
            std::io::stdout(),
            "command from {}: {}",
            request.from,
            common::show_bytes(&request.command)
        )?;
        // --timeout is one budget for running the command and encoding its reply.
        let deadline = Instant::now() + limits.timeout;
        let reply = match &request.cut {
            // A command cut at 1024 bytes is another command: `rm -rf /tmp/x/y` cut short
            // could be `rm -rf /`. Refuse it rather than run what is left.
            Some(note) => format!(
                "error: the command did not fit in the server's {}-byte buffer ({note}); \
                 nothing was run",
                common::BUFFER_SIZE
            ),
            // Popen(cmd, shell=True, ...) and the choice: stderr, else stdout, else 执行成功.
            None => remote_cmd_runner::respond(&request.command, limits, deadline),
        };
        send_reply(&server, &reply, args.encoding, request.from, deadline);
        taken.fetch_sub(1, Ordering::SeqCst);
    }
    // The reader only stops if its line is gone, and that is this loop: not reached.
    Ok(())
}

/// Replies (commands run, or "busy") one sender gets each second at most.
const REPLIES_PER_PEER: u32 = 20;

/// One command as it arrived.
struct Request {
    from: SocketAddr,
    command: Vec<u8>,
    /// Why the datagram was cut to the buffer, if it was.
    cut: Option<String>,
}

/// The reader thread: recvfrom(1024) for ever, each request handed to the command loop, or
/// a "busy" reply when --max-queue are already waiting. It never waits for a command, so the
/// socket's buffer does not fill while one runs.
struct Reader {
    socket: UdpSocket,
    guard: common::ReplyGuard,
    lines: common::LogLimit,
    line: mpsc::Sender<Request>,
    taken: Arc<AtomicUsize>,
    max_queue: u16,
    encoding: WireEncoding,
}

impl Reader {
    fn run(mut self) {
        // Woken once a second when nothing comes, to write the summary of lines left out.
        let _ = self.socket.set_read_timeout(Some(common::LogLimit::SECOND));
        loop {
            let request = match receive(&self.socket) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                // Nothing came for a second (or a signal cut the wait short): write the summary
                // of lines left out, if any.
                Err(err) if common::is_timeout(&err) || err.kind() == ErrorKind::Interrupted => {
                    let _ = self.lines.flush_summary(&mut std::io::stderr());
                    continue;
                }
                Err(err) => {
                    self.log(format_args!("receive failed: {err} (still serving)"));
                    continue;
                }
            };
            if let Err(refusal) = self.guard.check(request.from) {
                if !refusal.already_said() {
                    self.log(format_args!(
                        "from {}: not answered: {refusal}",
                        request.from
                    ));
                }
                continue;
            }
            // One running and --max-queue waiting: this one is turned away. (Only this
            // thread adds to `taken`, so nothing can slip in between the check and the add.)
            if self.taken.load(Ordering::SeqCst) > usize::from(self.max_queue) {
                self.turn_away(&request);
                continue;
            }
            self.taken.fetch_add(1, Ordering::SeqCst);
            if self.line.send(request).is_err() {
                // The command loop is gone: the server is stopping.
                return;
            }
        }
    }

    /// One line on stderr, unless 20 came this second already (then it is counted).
    fn log(&mut self, line: std::fmt::Arguments<'_>) {
        if let Ok(true) = self.lines.allow(&mut std::io::stderr()) {
            eprintln!("{line}");
        }
    }

    fn turn_away(&mut self, request: &Request) {
        let busy = format!(
            "error: the server is busy: {} commands are already waiting (--max-queue); \
             nothing was run, try again later",
            self.max_queue
        );
        self.log(format_args!("{}: turned away: {busy}", request.from));
        let deadline = Instant::now() + Duration::from_secs(1);
        send_reply(&self.socket, &busy, self.encoding, request.from, deadline);
    }
}

/// Receives one datagram; `Ok(None)` for one that is not a request (Windows only: the
/// bounce of an earlier reply to a client that had quit).
fn receive(server: &UdpSocket) -> std::io::Result<Option<Request>> {
    let mut buffer = [0u8; common::BUFFER_SIZE];
    match common::recv_datagram(server, &mut buffer) {
        Ok(datagram) => Ok(Some(Request {
            from: datagram.from,
            command: buffer[..datagram.len].to_vec(),
            cut: datagram.truncation_note(),
        })),
        Err(err) if common::is_stale_icmp_error(&err) => Ok(None),
        Err(err) => Err(err),
    }
}

/// sendto(cmd_res, addr): one datagram, back to where the command came from.
fn send_reply(
    server: &UdpSocket,
    reply: &str,
    encoding: WireEncoding,
    to: SocketAddr,
    deadline: Instant,
) {
    // One datagram can carry at most 65507 bytes: cut the reply to fit (with a note),
    // because a second datagram would be read as the answer to the client's next command.
    let reply =
        remote_cmd_runner::encode_to_fit(reply, encoding, common::MAX_UDP_PAYLOAD_V4, deadline);
    // Nothing checks that the sender really is there (see --allow-remote); a failure is
    // logged, never fatal.
    if let Err(err) = server.send_to(&reply, to) {
        eprintln!("could not reply to {to}: {err} (still serving)");
    }
}

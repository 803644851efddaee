//! The reader thread: recvfrom(1024) for ever, each request handed to the command loop in
//! main.rs, or a "busy" reply when `--max-queue` requests are already waiting. It never waits
//! for a command, so the socket's buffer does not fill while one runs (as long as it reads
//! faster than datagrams arrive; past that the OS drops them, lesson 5 gives the rates).

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use remote_cmd_runner::WireEncoding;

/// Replies (commands run, or "busy") one sender gets each second at most: each answer here
/// runs a shell, so a forged loop between two servers must die fast (lesson 3 tells the
/// echo/chargen story).
const REPLIES_PER_PEER: u32 = 20;

/// How long encoding a "busy" reply may take.
const BUSY_DEADLINE: Duration = Duration::from_secs(1);

/// One command as it arrived.
pub struct Request {
    pub from: SocketAddr,
    pub command: Vec<u8>,
    /// Why the datagram was cut to the buffer, if it was.
    pub cut: Option<String>,
}

/// Starts the reader on a clone of `server`: the requests it hands over, and the count of
/// those handed over and not yet answered (the command loop takes one off after each reply).
pub fn spawn(
    server: &UdpSocket,
    max_queue: u16,
    encoding: WireEncoding,
) -> std::io::Result<(mpsc::Receiver<Request>, Arc<AtomicUsize>)> {
    let (line, requests) = mpsc::channel::<Request>();
    let taken = Arc::new(AtomicUsize::new(0));
    let reader = Reader {
        guard: guard::Guard::new(server, REPLIES_PER_PEER)?,
        socket: server.try_clone()?,
        line,
        taken: Arc::clone(&taken),
        max_queue,
        encoding,
    };
    thread::Builder::new()
        .name("reader".into())
        .spawn(move || reader.run())?;
    Ok((requests, taken))
}

/// The reply to a command cut to the buffer: nothing of it is run.
pub fn refuse_cut(note: &str) -> String {
    format!(
        "error: the command did not fit in the server's {}-byte buffer ({note}); nothing was run",
        common::BUFFER_SIZE
    )
}

struct Reader {
    socket: UdpSocket,
    guard: guard::Guard,
    line: mpsc::Sender<Request>,
    taken: Arc<AtomicUsize>,
    max_queue: u16,
    encoding: WireEncoding,
}

impl Reader {
    fn run(mut self) {
        let mut buffer = [0u8; common::BUFFER_SIZE];
        loop {
            // recvfrom(1024). Only a closed stdout makes this fail, and this thread does not
            // log to stdout.
            let Ok(Some(datagram)) = self.guard.recv_from(&self.socket, &mut buffer) else {
                continue;
            };
            if !self.guard.admit(datagram.from) {
                continue;
            }
            let request = Request {
                from: datagram.from,
                command: buffer[..datagram.len].to_vec(),
                cut: datagram.truncation_note(),
            };
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

    fn turn_away(&mut self, request: &Request) {
        let busy = format!(
            "error: the server is busy: {} commands are already waiting (--max-queue); \
             nothing was run, try again later",
            self.max_queue
        );
        self.guard
            .report(format_args!("{}: turned away: {busy}", request.from));
        let deadline = Instant::now() + BUSY_DEADLINE;
        let sent = crate::send_reply(&self.socket, &busy, self.encoding, request.from, deadline);
        self.guard.sent(sent, request.from);
    }
}

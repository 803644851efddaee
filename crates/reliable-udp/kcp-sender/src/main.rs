//! # Lesson 9: a file over KCP, the sender
//!
//! KCP is a reliable protocol over UDP that many game servers use (written in C by skywind3000;
//! the `kcp` crate is a Rust port). It is an ARQ like our sliding window, tuned to cut delay:
//! selective repeat, fast resend after two skipping ACKs, a 30 ms RTO floor, and in "turbo"
//! mode no congestion control at all. It does no I/O itself: we hand it each datagram that
//! arrives, call `update` every few milliseconds, and it gives us datagrams to send through
//! an `output` we write.
//!
//! This sends the file's length (8 bytes) and then the file, and ends when KCP says every byte
//! was acknowledged.
//!
//! ```text
//! cargo run -p kcp-receiver
//! cargo run -p kcp-sender -- --file Cargo.lock
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use std::io::{self, Write};
use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use kcp::Kcp;
use reliable_udp_core::cli::{self, Target};

/// Lesson 9: sends a file over KCP (the kcp crate).
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Receiver: cargo run -p kcp-receiver"
)]
struct Args {
    #[command(flatten)]
    target: Target<cli::Kcp>,
}

/// Give up after this long without a datagram from the receiver.
const SILENCE: Duration = Duration::from_secs(10);

/// KCP's `output`: each datagram it wants sent goes to the receiver, counted.
struct Wire {
    socket: Arc<UdpSocket>,
    datagrams: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
}

impl Write for Wire {
    fn write(&mut self, datagram: &[u8]) -> io::Result<usize> {
        self.datagrams.fetch_add(1, Ordering::Relaxed);
        self.bytes
            .fetch_add(datagram.len() as u64, Ordering::Relaxed);
        self.socket.send(datagram)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let data = args.target.read()?;
    let socket = Arc::new(common::client_udp(args.target.server)?);
    socket.connect(args.target.server)?;
    let (datagrams, bytes) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let wire = Wire {
        socket: Arc::clone(&socket),
        datagrams: Arc::clone(&datagrams),
        bytes: Arc::clone(&bytes),
    };

    // conv, the conversation number, must be the same at both ends: the receiver takes it
    // from our first segment.
    let mut kcp = Kcp::new_stream(reliable_udp_core::transfer_id(), wire);
    let (nodelay, interval, resend, no_cc) = reliable_udp_core::KCP_TURBO;
    kcp.set_nodelay(nodelay, interval, resend, no_cc);
    kcp.set_wndsize(reliable_udp_core::KCP_WINDOW, reliable_udp_core::KCP_WINDOW);

    // What goes into the stream: the length, then the file.
    let mut stream = (data.len() as u64).to_be_bytes().to_vec();
    stream.extend_from_slice(&data);
    let mut queued = 0;

    let start = Instant::now();
    let mut last_heard = Instant::now();
    let mut buffer = [0u8; 2048];
    let failed = |err: &dyn std::fmt::Display| {
        common::Error::new(format!("sending to {} failed: {err}", args.target.server))
    };
    loop {
        let now = start.elapsed().as_millis() as u32;
        // Hand KCP the next part of the stream while its queue is short (it would take all of
        // it at once, but then holds the whole file in segments).
        while queued < stream.len()
            && kcp.wait_snd() < 2 * usize::from(reliable_udp_core::KCP_WINDOW)
        {
            let end = (queued + 16 * kcp.mss()).min(stream.len());
            kcp.send(&stream[queued..end]).map_err(|err| failed(&err))?;
            queued = end;
        }
        // Let KCP send, resend and acknowledge what is due.
        kcp.update(now).map_err(|err| failed(&err))?;
        if queued == stream.len() && kcp.wait_snd() == 0 {
            break; // every byte acknowledged
        }
        if kcp.is_dead_link() || last_heard.elapsed() > SILENCE {
            return Err(common::Error::new(format!(
                "no answer from {} for {} s: is kcp-receiver running?",
                args.target.server,
                SILENCE.as_secs()
            )));
        }
        // Wait for a datagram until KCP next wants to act (at most one tick).
        let wait = kcp.check(now).saturating_sub(now).clamp(1, 10);
        socket.set_read_timeout(Some(Duration::from_millis(u64::from(wait))))?;
        match socket.recv(&mut buffer) {
            Ok(len) => {
                last_heard = Instant::now();
                // A datagram KCP cannot use (not KCP, another conversation) is its to refuse.
                let _ = kcp.input(&buffer[..len]);
            }
            Err(err) if common::is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(failed(&err)),
        }
    }
    let elapsed = start.elapsed();
    writeln!(
        io::stdout(),
        "sent {} bytes in {:.3} s ({}): {} datagrams, {:.2} bytes on the wire per byte of file",
        data.len(),
        elapsed.as_secs_f64(),
        reliable_udp_core::human_rate(data.len() as f64 / elapsed.as_secs_f64()),
        datagrams.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed) as f64 / data.len().max(1) as f64,
    )?;
    Ok(())
}

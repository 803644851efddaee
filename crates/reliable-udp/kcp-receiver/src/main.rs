//! # Lesson 9: a file over KCP, the receiver
//!
//! Receives files from `kcp-sender`: one KCP conversation per sender address, fed with every
//! datagram from that address and updated every few milliseconds. The stream starts with the
//! file's length; once that many bytes have arrived the file is shown with its SHA-256. The
//! conversation is kept a while longer, so that KCP can still acknowledge a segment sent again
//! because an ACK was lost. A datagram too short to be KCP, or that KCP refuses, is dropped
//! and logged.
//!
//! ```text
//! cargo run -p kcp-receiver
//! cargo run -p kcp-sender -- --file Cargo.lock
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use kcp::Kcp;
use reliable_udp_core::cli::{self, Listen};

/// Lesson 9: receives files over KCP (the kcp crate) and shows each one's SHA-256.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Sender: cargo run -p kcp-sender -- --file PATH"
)]
struct Args {
    #[command(flatten)]
    listen: Listen<cli::Kcp>,
}

/// A conversation silent this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(30);

/// Senders served at once.
const MAX_TALKS: usize = 256;

/// The most a sender may send in one file.
const MAX_FILE: u64 = 1 << 30;

/// The most all the files being received may announce together: what this receiver may hold
/// in memory at once, however many senders there are.
const MAX_TOTAL: u64 = 1 << 30;

/// KCP's `output` for one sender: datagrams go back to its address.
struct Wire {
    socket: Arc<UdpSocket>,
    peer: SocketAddr,
}

impl Write for Wire {
    fn write(&mut self, datagram: &[u8]) -> io::Result<usize> {
        // A lost ACK is KCP's to recover (the sender resends): never a reason to stop.
        let _ = self.socket.send_to(datagram, self.peer);
        Ok(datagram.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Conversation {
    kcp: Kcp<Wire>,
    /// The stream so far: 8 bytes of length, then the file.
    stream: Vec<u8>,
    /// The length announced, once it has passed the checks (it is then part of `reserved`).
    expected: Option<u64>,
    /// Finished, or refused: whatever else arrives is acknowledged (KCP does that) and
    /// thrown away, never kept.
    done: bool,
    began: Instant,
    last_heard: Instant,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let socket = Arc::new(args.listen.bind()?);
    // Wake up at least every 10 ms (KCP's tick) even when nothing arrives.
    socket.set_read_timeout(Some(Duration::from_millis(10)))?;
    let mut log = io::stdout();
    // A sender chooses how many lines we print: at most 20 a second, and a count of the rest.
    let mut lines = guard::LogLimit::new(guard::LogLimit::LINES_PER_SECOND, "log lines");
    // Bytes announced by the files being received now (each at most MAX_FILE).
    let mut reserved: u64 = 0;

    let start = Instant::now();
    let mut talks: HashMap<SocketAddr, Conversation> = HashMap::new();
    let mut buffer = vec![0u8; 65_536];
    let mut piece = vec![0u8; 65_536];
    loop {
        match socket.recv_from(&mut buffer) {
            Ok((len, from)) => {
                if let Err(why) = take(&mut talks, &socket, &buffer[..len], from) {
                    if lines.allow(&mut log)? {
                        writeln!(log, "dropped {len} bytes from {from}: {why}")?;
                    }
                    log.flush()?;
                }
            }
            Err(err) if common::is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {
                lines.flush_summary(&mut log)?;
                log.flush()?;
            }
            Err(err) if common::is_stale_icmp_error(&err) => {}
            Err(err) => eprintln!("receive failed: {err} (still serving)"),
        }

        // Let every conversation acknowledge and resend, and take what has arrived in order.
        let now = start.elapsed().as_millis() as u32;
        for (from, talk) in talks.iter_mut() {
            let _ = talk.kcp.update(now);
            while let Ok(len) = talk.kcp.recv(&mut piece) {
                let mut bytes = &piece[..len];
                while !bytes.is_empty() && !talk.done {
                    // Never more than the 8 bytes of length and the file they announced:
                    // anything beyond is thrown away.
                    let limit = talk.expected.map_or(8, |expected| 8 + expected as usize);
                    let take = bytes.len().min(limit.saturating_sub(talk.stream.len()));
                    talk.stream.extend_from_slice(&bytes[..take]);
                    bytes = &bytes[take..];
                    if talk.expected.is_some() || talk.stream.len() < 8 {
                        if take == 0 {
                            break;
                        }
                        continue;
                    }
                    let mut prefix = [0u8; 8];
                    prefix.copy_from_slice(&talk.stream[..8]);
                    let expected = u64::from_be_bytes(prefix);
                    let refusal = if expected > MAX_FILE {
                        Some("more than we take")
                    } else if reserved + expected > MAX_TOTAL {
                        Some("more than we have room for beside the files being received now")
                    } else {
                        None
                    };
                    if let Some(why) = refusal {
                        if lines.allow(&mut log)? {
                            writeln!(log, "{from} announced {expected} bytes, {why}: ignored")?;
                        }
                        talk.done = true;
                        talk.stream = Vec::new();
                    } else {
                        reserved += expected;
                        talk.expected = Some(expected);
                    }
                }
            }
            let Some(expected) = talk.expected.filter(|_| !talk.done) else {
                continue;
            };
            if (talk.stream.len() - 8) as u64 >= expected {
                talk.done = true;
                reserved -= expected;
                let file = &talk.stream[8..];
                // The file first, then the line that says it came: whoever reads that line
                // may open the file at once.
                if let Some(path) = &args.listen.output {
                    if let Err(err) = std::fs::write(path, file) {
                        eprintln!("cannot write {}: {err}", path.display());
                    }
                }
                writeln!(
                    log,
                    "received {} bytes from {from} in {:.3} s, sha256 {}",
                    file.len(),
                    talk.began.elapsed().as_secs_f64(),
                    reliable_udp_core::sha256_hex(file)
                )?;
                log.flush()?;
                talk.stream = Vec::new();
            }
        }
        talks.retain(|_, talk| {
            let keep = talk.last_heard.elapsed() < FORGET_AFTER;
            if !keep && !talk.done {
                // A transfer that stopped half way gives its room back.
                reserved -= talk.expected.unwrap_or(0);
            }
            keep
        });
    }
}

/// Feeds one datagram to its sender's conversation, opening one for a new sender.
fn take(
    talks: &mut HashMap<SocketAddr, Conversation>,
    socket: &Arc<UdpSocket>,
    datagram: &[u8],
    from: SocketAddr,
) -> Result<(), String> {
    if datagram.len() < kcp::KCP_OVERHEAD {
        return Err(format!(
            "shorter than a KCP header ({} bytes)",
            kcp::KCP_OVERHEAD
        ));
    }
    let new = !talks.contains_key(&from);
    if new && talks.len() >= MAX_TALKS {
        return Err(format!("{MAX_TALKS} conversations at once at most"));
    }
    let talk = talks.entry(from).or_insert_with(|| {
        let wire = Wire {
            socket: Arc::clone(socket),
            peer: from,
        };
        let mut kcp = Kcp::new_stream(kcp::get_conv(datagram), wire);
        let (nodelay, interval, resend, no_cc) = reliable_udp_core::KCP_TURBO;
        kcp.set_nodelay(nodelay, interval, resend, no_cc);
        kcp.set_wndsize(reliable_udp_core::KCP_WINDOW, reliable_udp_core::KCP_WINDOW);
        Conversation {
            kcp,
            stream: Vec::new(),
            expected: None,
            done: false,
            began: Instant::now(),
            last_heard: Instant::now(),
        }
    });
    talk.last_heard = Instant::now();
    if let Err(err) = talk.kcp.input(datagram) {
        // A first datagram KCP refuses opens no conversation.
        if new {
            talks.remove(&from);
        }
        return Err(format!("KCP refused it ({err})"));
    }
    Ok(())
}

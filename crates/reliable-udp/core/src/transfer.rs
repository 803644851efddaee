//! The state machines of [`crate::arq`] on a real socket and a real clock: the loops that
//! `stop-and-wait-sender`, `window-sender` and their receivers run.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::arq::{Config, Mode, Receiver, Sender};
use crate::{human_rate, sha256_hex};

/// Sends `data` to the receiver `socket` is connected to, and returns once every packet is
/// acknowledged. Prints one progress line to stderr every second when `progress` is set.
pub fn send(socket: &UdpSocket, data: Vec<u8>, config: Config, progress: bool) -> io::Result<()> {
    send_traced(socket, data, config, progress, None)
}

/// [`send`], and with congestion control, each change of the congestion window written to
/// `trace` as it happens: `MILLISECONDS CWND_BYTES`, one line each (lesson 10's figure).
pub fn send_traced(
    socket: &UdpSocket,
    data: Vec<u8>,
    config: Config,
    progress: bool,
    mut trace: Option<&mut dyn Write>,
) -> io::Result<()> {
    let total = data.len();
    let start = Instant::now();
    let mut sender = Sender::new(crate::transfer_id(), data, config);
    let mut buffer = [0u8; 2048];
    let mut next_report = Duration::from_secs(1);
    let mut traced_cwnd = None;
    loop {
        if let (Some(out), Some(cc)) = (trace.as_mut(), sender.congestion()) {
            if traced_cwnd != Some(cc.cwnd()) {
                traced_cwnd = Some(cc.cwnd());
                writeln!(out, "{:.3} {}", ms(start.elapsed()), cc.cwnd())?;
            }
        }
        // 1. Any timer run out? Then those packets go into the queue to be sent again.
        sender.on_timeout(start.elapsed());
        if let Some(why) = sender.failure() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, why.to_owned()));
        }
        // 2. Send whatever the window allows now.
        while let Some(packet) = sender.poll_transmit(start.elapsed()) {
            socket.send(&packet).map_err(|err| refused(socket, err))?;
        }
        if sender.is_done() {
            break;
        }
        // 3. Wait for an ACK, but no longer than the earliest timer.
        let now = start.elapsed();
        let wait = sender
            .next_deadline()
            .map_or(Duration::from_millis(1), |at| at.saturating_sub(now));
        socket.set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
        match socket.recv(&mut buffer) {
            Ok(len) => sender.on_datagram(&buffer[..len], start.elapsed()),
            Err(err) if common::is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(refused(socket, err)),
        }
        if progress && start.elapsed() >= next_report {
            next_report = start.elapsed() + Duration::from_secs(1);
            let s = sender.stats();
            eprintln!(
                "  {:.0} s: {} datagrams sent ({} again), rto {:.0} ms",
                start.elapsed().as_secs_f64(),
                s.datagrams,
                s.retransmissions,
                sender.rtt().rto().as_secs_f64() * 1000.0
            );
        }
    }
    let elapsed = start.elapsed();
    let s = sender.stats();
    let srtt = sender.rtt().srtt().map_or("none".to_owned(), |d| {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    });
    writeln!(
        io::stdout(),
        "sent {total} bytes in {:.3} s ({}): {} datagrams, {} of them again ({} after a timeout, \
         {} fast), {:.2} bytes on the wire per byte of file; srtt {srtt}, rto {:.0} ms",
        elapsed.as_secs_f64(),
        human_rate(total as f64 / elapsed.as_secs_f64()),
        s.datagrams,
        s.retransmissions,
        s.retransmissions - s.fast_retransmits.min(s.retransmissions),
        s.fast_retransmits,
        s.wire_bytes as f64 / total.max(1) as f64,
        sender.rtt().rto().as_secs_f64() * 1000.0,
    )?;
    if let Some(cc) = sender.congestion() {
        writeln!(
            io::stdout(),
            "  newreno: congestion window {} packets at the end ({} bytes), ssthresh {}, cut {} \
             times",
            cc.window_segments(),
            cc.cwnd(),
            if cc.ssthresh() == u64::MAX {
                "never set".to_owned()
            } else {
                format!("{} bytes", cc.ssthresh())
            },
            cc.reductions()
        )?;
    }
    if let Some(out) = trace {
        out.flush()?;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A connected UDP socket learns of a closed port from an ICMP message, as an error on the
/// next call: say what it means.
fn refused(socket: &UdpSocket, err: io::Error) -> io::Error {
    if err.kind() == io::ErrorKind::ConnectionRefused || common::is_stale_icmp_error(&err) {
        let to = socket
            .peer_addr()
            .map_or("the receiver".to_owned(), |a| a.to_string());
        return io::Error::new(
            err.kind(),
            format!(
                "nothing listens at {to} (the OS got an ICMP port unreachable): start the receiver first"
            ),
        );
    }
    err
}

/// Serves senders forever: each file that arrives whole is shown with its SHA-256 and, with
/// `output`, written there. Returns when the log cannot be written, or with an error when a
/// file is not what its FIN announced (its length or SHA-256): that file is written all the
/// same, so it can be looked at.
pub fn serve(
    socket: &UdpSocket,
    mode: Mode,
    window: u32,
    output: Option<PathBuf>,
    mut log: &mut dyn Write,
) -> io::Result<()> {
    let start = Instant::now();
    let mut receiver = Receiver::new(mode, window);
    let mut buffer = vec![0u8; 65_536];
    // When each transfer in progress began (a few at once: see `Receiver::MAX_TRANSFERS`).
    let mut began: HashMap<u32, Instant> = HashMap::new();
    // A sender chooses how many datagrams we drop: at most 20 lines a second about them, and
    // a count of the rest (lesson 1's limit).
    let mut lines = guard::LogLimit::new(guard::LogLimit::LINES_PER_SECOND, "dropped datagrams");
    if socket.read_timeout()?.is_none() {
        // Wake now and then, so the count of lines not shown comes out when a flood stops.
        socket.set_read_timeout(Some(Duration::from_millis(200)))?;
    }
    loop {
        let (len, from) = match socket.recv_from(&mut buffer) {
            Ok(got) => got,
            Err(err) if common::is_timeout(&err) || err.kind() == io::ErrorKind::Interrupted => {
                lines.flush_summary(&mut log)?;
                log.flush()?;
                continue;
            }
            Err(err) if common::is_stale_icmp_error(&err) => continue,
            Err(err) => {
                eprintln!("receive failed: {err} (still serving)");
                continue;
            }
        };
        let outcome = receiver.on_datagram(&buffer[..len], start.elapsed());
        if let Some(why) = outcome.malformed {
            if lines.allow(&mut log)? {
                writeln!(log, "dropped {len} bytes from {from}: {}", why.describe())?;
            }
            log.flush()?;
        }
        if let Some((id, _)) = receiver.in_progress() {
            if began.len() > 4 * Receiver::MAX_TRANSFERS {
                // Transfers that were dropped or abandoned: their start times go too.
                began.clear();
            }
            began.entry(id).or_insert_with(Instant::now);
        }
        if let Some(reply) = outcome.reply {
            // A lost ACK is the sender's problem to solve (it sends again): never ours to stop.
            let _ = socket.send_to(&reply, from);
        }
        if let Some(file) = outcome.delivered {
            let took = began
                .remove(&file.transfer)
                .map_or(Duration::ZERO, |at| at.elapsed());
            // The file first, then the line that says it came: whoever reads that line (a
            // student, a test) may open the file at once.
            if let Some(path) = &output {
                if let Err(err) = std::fs::write(path, &file.data) {
                    eprintln!("cannot write {}: {err}", path.display());
                }
            }
            report(log, from, &file.data, took, &receiver)?;
            if let Some((len, sha)) = file.mismatch {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the FIN from {from} announced {len} bytes with sha256 {sha}: the file \
                         received is not the file sent"
                    ),
                ));
            }
        }
    }
}

fn report(
    log: &mut dyn Write,
    from: SocketAddr,
    data: &[u8],
    took: Duration,
    receiver: &Receiver,
) -> io::Result<()> {
    let s = receiver.stats();
    writeln!(
        log,
        "received {} bytes from {from} in {:.3} s, sha256 {}",
        data.len(),
        took.as_secs_f64(),
        sha256_hex(data)
    )?;
    writeln!(
        log,
        "  so far: {} datagrams, {} accepted, {} duplicates, {} out of window, {} garbage, \
         {} truncated, {} corrupt, {} of another transfer{}",
        s.datagrams,
        s.accepted,
        s.duplicates,
        s.out_of_window,
        s.garbage,
        s.truncated,
        s.corrupt,
        s.other_transfer,
        if s.too_big > 0 {
            format!(", {} transfers too big", s.too_big)
        } else {
            String::new()
        }
    )?;
    log.flush()
}

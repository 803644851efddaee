//! `flood`: UDP has no flow control.
//!
//! A TCP sender slows down when the receiver's buffer fills (the receiver advertises how much
//! room it has left). A UDP sender never learns: it sends as fast as it likes, the datagrams
//! that find the receive buffer full are dropped by the receiver's kernel, and nobody is
//! told. The classic experiment: a receiver that does not read until the sender is done,
//! once with the OS's default receive buffer (SO_RCVBUF) and once with a larger one.
//!
//! What the OS really sets differs from what a program asks for:
//!
//! - Linux doubles the value (the extra half is for its own bookkeeping) and first caps the
//!   request at `net.core.rmem_max` (a sysctl; often 212992, i.e. 208 KiB), whoever asks (a
//!   program with CAP_NET_ADMIN can pass the cap only with SO_RCVBUFFORCE, socket(7)). It also
//!   charges each datagram more than its payload, so the buffer holds fewer datagrams than
//!   "SO_RCVBUF / size".
//! - macOS refuses values above `kern.ipc.maxsockbuf` with an error (ENOBUFS) instead of
//!   capping them, and may also fail a *send* with ENOBUFS when it sends too fast; those
//!   sends are counted apart.
//! - Windows documents no such cap or doubling.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use socket2::{Domain, Protocol, Socket, Type};

use crate::{QUIET, heading, meaning, say};

const DEFAULT_COUNT: u32 = 2000;
const DEFAULT_SIZE: u32 = 1400;
const DEFAULT_RCVBUF: u32 = 4 * 1024 * 1024;

/// The flags of `loss-demo flood`.
#[derive(clap::Args)]
pub struct Options {
    /// How many datagrams the sender blasts in each run
    #[arg(long, default_value_t = DEFAULT_COUNT,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub count: u32,

    /// Payload bytes in each datagram (0 to 65507)
    #[arg(long, default_value_t = DEFAULT_SIZE,
          value_parser = clap::value_parser!(u32).range(0..=common::MAX_UDP_PAYLOAD_V4 as i64))]
    pub size: u32,

    /// SO_RCVBUF to ask for in the first run (default: leave the OS default)
    #[arg(long, value_name = "BYTES",
          value_parser = clap::value_parser!(u32).range(1..=1_073_741_824))]
    pub small_rcvbuf: Option<u32>,

    /// SO_RCVBUF to ask for in the second run
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_RCVBUF,
          value_parser = clap::value_parser!(u32).range(1..=1_073_741_824))]
    pub rcvbuf: u32,
}

impl Default for Options {
    /// The same as the command line's defaults (for `loss-demo` without a subcommand).
    fn default() -> Self {
        Options {
            count: DEFAULT_COUNT,
            size: DEFAULT_SIZE,
            small_rcvbuf: None,
            rcvbuf: DEFAULT_RCVBUF,
        }
    }
}

/// One row of the table: one run of the experiment.
pub struct Run {
    pub asked: Option<u32>,
    pub set: usize,
    pub sent: u64,
    pub send_failed: u64,
    pub received: u64,
}

/// The table: a row per run (`flood` has two, `buffer-sweep` one per buffer size).
pub fn write_table(out: &mut impl Write, runs: &[Run]) -> std::io::Result<()> {
    writeln!(
        out,
        "  | SO_RCVBUF asked | SO_RCVBUF set |    sent | received |    lost | lost % |"
    )?;
    for run in runs {
        let asked = run.asked.map_or("OS default".to_owned(), |n| n.to_string());
        let lost = run.sent.saturating_sub(run.received);
        let percent = 100.0 * lost as f64 / run.sent.max(1) as f64;
        writeln!(
            out,
            "  | {asked:>15} | {:>13} | {:>7} | {:>8} | {lost:>7} | {percent:>5.1}% |",
            run.set, run.sent, run.received
        )?;
    }
    Ok(())
}

pub fn run(out: &mut impl Write, options: &Options) -> Result<(), common::Error> {
    heading(
        out,
        "flood",
        &format!(
            "{} datagrams of {} bytes at a receiver that reads only after the sender is done",
            options.count, options.size
        ),
    )?;
    // A bar of the two runs on a terminal (stderr), ticking while a long flood is sent.
    let progress = crate::progress(2, "floods");
    let mut runs = Vec::new();
    for rcvbuf in [options.small_rcvbuf, Some(options.rcvbuf)] {
        runs.push(one_run(options, rcvbuf)?);
        progress.inc(1);
    }
    progress.finish_and_clear();

    write_table(out, &runs)?;
    for run in &runs {
        if run.send_failed > 0 {
            say(
                out,
                "send failed",
                format!(
                    "{} sends (SO_RCVBUF {}) were refused by our own OS (ENOBUFS): not counted as sent",
                    run.send_failed, run.set
                ),
            )?;
        }
    }

    // Linux: what the kernel did with the requests, and what each kept datagram cost.
    #[cfg(target_os = "linux")]
    {
        if let Some(max) = rmem_max() {
            say(
                out,
                "rmem_max",
                format!("{max} (net.core.rmem_max): Linux caps a request at this, then doubles it"),
            )?;
            for run in &runs {
                match run.asked {
                    Some(asked) if asked as usize > max => say(
                        out,
                        "capped",
                        format!(
                            "asked {asked}, more than rmem_max, so the kernel set 2 x {max} = {}",
                            run.set
                        ),
                    )?,
                    _ => {}
                }
            }
        }
        let first = &runs[0];
        if first.received > 0 && first.received < first.sent {
            say(
                out,
                "per datagram",
                format!(
                    "about {} bytes of buffer for {} bytes of payload: the kernel counts its bookkeeping too",
                    first.set as u64 / first.received,
                    options.size
                ),
            )?;
        }
    }
    meaning(
        out,
        "UDP has no flow control: the sender never slows down, and whatever finds the receive buffer full is dropped without a word.",
    )?;
    Ok(())
}

/// One run: a receiver with the given SO_RCVBUF that does not read, a sender that sends
/// `count` datagrams as fast as it can, then the receiver counts what it kept.
pub fn one_run(options: &Options, rcvbuf: Option<u32>) -> Result<Run, common::Error> {
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));

    // socket2, because the standard library cannot set SO_RCVBUF. Ask, then read back what
    // the OS really set: that is the number that matters.
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    if let Some(bytes) = rcvbuf {
        socket.set_recv_buffer_size(bytes as usize).map_err(|err| {
            common::Error::new(format!("the OS refused SO_RCVBUF = {bytes}: {err}"))
        })?;
    }
    let set = socket.recv_buffer_size()?;
    socket.bind(&loopback.into())?;
    let receiver: UdpSocket = socket.into();
    receiver.set_read_timeout(Some(QUIET))?;

    // The sender blasts everything before the receiver reads anything. (Its send buffer is
    // raised so that `--size` up to 65,507 works on macOS too: common::allow_large_datagrams.)
    let sender = UdpSocket::bind(loopback)?;
    common::allow_large_datagrams(&sender)?;
    sender.connect(receiver.local_addr()?)?;
    let payload = vec![b'x'; options.size as usize];
    let (mut sent, mut send_failed) = (0, 0);
    for _ in 0..options.count {
        match sender.send(&payload) {
            Ok(_) => sent += 1,
            Err(_) => send_failed += 1,
        }
    }

    // Now read everything that was kept, until nothing more comes within QUIET.
    let mut buffer = vec![0u8; options.size as usize + 1];
    let mut received = 0;
    loop {
        match receiver.recv(&mut buffer) {
            Ok(_) => received += 1,
            Err(err) if common::is_timeout(&err) => break,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(Run {
        asked: rcvbuf,
        set,
        sent,
        send_failed,
        received,
    })
}

/// Linux's `net.core.rmem_max`: the most a program without privileges may ask for.
#[cfg(target_os = "linux")]
fn rmem_max() -> Option<usize> {
    std::fs::read_to_string("/proc/sys/net/core/rmem_max")
        .ok()?
        .trim()
        .parse()
        .ok()
}

//! The command-line options lesson 9's senders and receivers share, and what they do with
//! them: where a receiver listens and writes its files, where a sender sends which file, and
//! for our own protocol the RTO and the mode (`stop-and-wait-*` and `window-*` differ only in
//! the window and the mode).

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use crate::arq::{Config, Mode};
use crate::link::parse_duration;

/// A receiver's default address, which is also its senders' default destination.
pub trait Port: Send + Sync + 'static {
    const ADDR: SocketAddr;
}

/// `stop-and-wait-receiver` and its sender.
pub struct StopAndWait;
/// `window-receiver` and its sender.
pub struct Window;
/// `quic-receiver` and its sender.
pub struct Quic;
/// `kcp-receiver` and its sender.
pub struct Kcp;

impl Port for StopAndWait {
    const ADDR: SocketAddr = common::defaults::STOP_AND_WAIT;
}
impl Port for Window {
    const ADDR: SocketAddr = common::defaults::WINDOW;
}
impl Port for Quic {
    const ADDR: SocketAddr = common::defaults::QUIC;
}
impl Port for Kcp {
    const ADDR: SocketAddr = common::defaults::KCP;
}

/// Where a receiver listens, and where it writes the files it receives.
#[derive(clap::Args)]
pub struct Listen<P: Port> {
    /// Where to listen: IP and port, like the default or [::1] and a port (port 0 picks one)
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = P::ADDR)]
    pub addr: SocketAddr,

    /// Write each file received here (the last one wins)
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    #[arg(skip)]
    port: PhantomData<P>,
}

/// Where a sender sends, and what.
#[derive(clap::Args)]
pub struct Target<P: Port> {
    /// The receiver (or the lossy link in front of it): IP or name, and port
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_server_addr,
          default_value_t = P::ADDR)]
    pub server: SocketAddr,

    /// The file to send; - reads stdin
    #[arg(long, value_name = "PATH", default_value = "-")]
    pub file: PathBuf,

    #[arg(skip)]
    port: PhantomData<P>,
}

impl<P: Port> Target<P> {
    /// The file's bytes (or stdin's).
    pub fn read(&self) -> Result<Vec<u8>, common::Error> {
        crate::read_input(&self.file)
    }
}

/// The QUIC receiver's self-signed certificate: `quic-receiver` writes it when it starts,
/// `quic-sender` trusts it.
#[derive(clap::Args)]
pub struct QuicCert {
    /// The receiver's certificate, written by quic-receiver and read by quic-sender [default:
    /// socket-lessons-quic-cert.der in the temporary directory]
    #[arg(long, value_name = "PATH")]
    cert: Option<PathBuf>,
}

impl QuicCert {
    /// The file given, or the one both programs use unless told.
    pub fn path(&self) -> PathBuf {
        self.cert.clone().unwrap_or_else(crate::default_quic_cert)
    }
}

/// `--mode`: what the sender sends again after a loss, and what the receiver keeps.
#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// Go-Back-N: the receiver keeps only the next packet in order; on a timeout the sender
    /// sends the whole window again
    Gbn,
    /// Selective Repeat: the receiver keeps early packets, up to its window; the sender sends
    /// again only what was lost
    Sr,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Mode {
        match mode {
            ModeArg::Gbn => Mode::GoBackN,
            ModeArg::Sr => Mode::SelectiveRepeat,
        }
    }
}

/// Our senders' options: where to send what, and how to time it (all but the window and the
/// mode).
#[derive(clap::Args)]
pub struct SendOptions<P: Port> {
    #[command(flatten)]
    pub target: Target<P>,

    /// The retransmission timeout's floor (RFC 6298 says 1s; ours is 200ms: see the lesson)
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "200ms")]
    pub min_rto: Duration,

    /// The retransmission timeout's ceiling: back-off doubles it up to this (RFC 6298: 60s or
    /// more; ours is 4s: see the lesson)
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "4s")]
    pub max_rto: Duration,

    /// Timeouts in a row, with nothing acknowledged, before giving up
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_retries: u32,

    /// Print a progress line every second on stderr
    #[arg(long)]
    pub progress: bool,
}

impl<P: Port> SendOptions<P> {
    /// The sender's settings for `window` packets in flight and `mode`.
    pub fn config(&self, window: u32, mode: Mode) -> Config {
        Config {
            window,
            mode,
            min_rto: self.min_rto,
            max_rto: self.max_rto,
            max_retries: self.max_retries,
            ..Config::default()
        }
    }

    /// Reads the file, and sends it to the target with `config` until every packet is
    /// acknowledged (or the sender gives up).
    pub fn send(&self, config: Config) -> Result<(), common::Error> {
        self.send_traced(config, None)
    }

    /// [`SendOptions::send`], writing each change of the congestion window to `trace` if
    /// given (window-sender's `--cwnd-trace`, lesson 10).
    pub fn send_traced(
        &self,
        config: Config,
        trace: Option<&std::path::Path>,
    ) -> Result<(), common::Error> {
        let data = self.target.read()?;
        let socket = common::client_udp(self.target.server)?;
        socket.connect(self.target.server)?;
        let mut trace = match trace {
            Some(path) => Some(std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|err| {
                    common::Error::new(format!("cannot write {}: {err}", path.display()))
                })?,
            )),
            None => None,
        };
        let trace = trace.as_mut().map(|t| t as &mut dyn std::io::Write);
        crate::transfer::send_traced(&socket, data, config, self.progress, trace)?;
        Ok(())
    }
}

impl<P: Port> Listen<P> {
    /// Binds the address and says so, as every server of the course does.
    pub fn bind(&self) -> Result<std::net::UdpSocket, common::Error> {
        let socket = common::bind_udp(self.addr)?;
        common::announce_udp(&socket)?;
        Ok(socket)
    }

    /// Serves our senders of `mode` with a receive window of `window`, writing each file to
    /// `--output`, until a file does not match its FIN (an error) or the log cannot be
    /// written.
    pub fn receive(self, mode: Mode, window: u32) -> Result<(), common::Error> {
        let socket = self.bind()?;
        let mut log = std::io::stdout();
        crate::transfer::serve(&socket, mode, window, self.output, &mut log)?;
        Ok(())
    }
}

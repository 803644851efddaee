//! The command-line options the senders and receivers of our own protocol share, and what
//! they do with them: `stop-and-wait-*` and `window-*` differ only in the window and the mode.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use crate::arq::{Config, Mode};
use crate::link::parse_duration;

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

/// A sender's options beyond where to send and its window.
#[derive(clap::Args)]
pub struct SendOptions {
    /// The file to send; - reads stdin
    #[arg(long, value_name = "PATH", default_value = "-")]
    pub file: PathBuf,

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

impl SendOptions {
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

    /// Reads the file, and sends it to `server` with `config` until every packet is
    /// acknowledged (or the sender gives up).
    pub fn send(&self, server: SocketAddr, config: Config) -> Result<(), common::Error> {
        let data = crate::read_input(&self.file)?;
        let socket = common::client_udp(server)?;
        socket.connect(server)?;
        crate::transfer::send(&socket, data, config, self.progress)?;
        Ok(())
    }
}

/// Binds `addr`, says so, and serves senders of `mode` with a receive window of `window`,
/// writing each file to `output`, until a file does not match its FIN (an error) or the log
/// cannot be written.
pub fn receive(
    addr: SocketAddr,
    mode: Mode,
    window: u32,
    output: Option<PathBuf>,
) -> Result<(), common::Error> {
    let socket = common::bind_udp(addr)?;
    common::announce_udp(&socket)?;
    let mut log = std::io::stdout();
    crate::transfer::serve(&socket, mode, window, output, &mut log)?;
    Ok(())
}

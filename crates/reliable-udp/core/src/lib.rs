//! # Lesson 9: what the reliable-UDP programs share
//!
//! - [`wire`]: the 20-byte header of our own protocol, with a CRC-32 of its own.
//! - [`rto`]: RFC 6298's retransmission timeout (SRTT, RTTVAR, RTO, back-off).
//! - [`arq`]: sans-IO senders and receivers: stop-and-wait (a window of 1), Go-Back-N and
//!   Selective Repeat, with Karn's rule. They never touch a socket or a clock, so the tests run
//!   them on virtual time.
//! - [`cc`]: congestion control (NewReno) for the window, on a clock passed in (lesson 10).
//! - [`transfer`]: those state machines on a real socket (the loops the programs run).
//! - [`link`] and [`relay`]: the lossy link's decisions, and the relay that applies them.
//! - [`pcap`]: the link's capture of a run (`--pcap`), written and read back.
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use std::io::{self, Read};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

pub mod arq;
pub mod cc;
pub mod cli;
pub mod link;
pub mod pcap;
pub mod relay;
pub mod rto;
pub mod transfer;
pub mod wire;

/// The SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The SHA-256 of `data` in hex, as `sha256sum` prints it.
pub fn sha256_hex(data: &[u8]) -> String {
    sha256(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A number for a new transfer (or a KCP conversation), different from one run to the next,
/// so a receiver can tell a new transfer from a late packet of the last one.
pub fn transfer_id() -> u32 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mixed = link::SplitMix64::new(nanos ^ u64::from(std::process::id())).next_u64();
    (mixed >> 32) as u32 | 1
}

/// Reads the file to send, or stdin for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>, common::Error> {
    let mut data = Vec::new();
    if path == Path::new("-") {
        io::stdin().read_to_end(&mut data)?;
    } else {
        data = std::fs::read(path)
            .map_err(|err| common::Error::new(format!("cannot read {}: {err}", path.display())))?;
    }
    Ok(data)
}

/// Bytes per second the way people read them: `812.3 KB/s`, `1.24 MB/s` (1 KB = 1000 bytes).
pub fn human_rate(bytes_per_second: f64) -> String {
    if !bytes_per_second.is_finite() {
        return "instant".to_owned();
    }
    if bytes_per_second >= 1e6 {
        format!("{:.2} MB/s", bytes_per_second / 1e6)
    } else {
        format!("{:.1} KB/s", bytes_per_second / 1e3)
    }
}

/// Where `quic-receiver` writes its certificate and `quic-sender` reads it, unless told.
pub fn default_quic_cert() -> std::path::PathBuf {
    std::env::temp_dir().join("socket-lessons-quic-cert.der")
}

/// The KCP settings both KCP programs use: its "turbo" mode from the KCP README (no delay,
/// a 10 ms tick, resend after 2 skipping ACKs, no congestion control), as game servers run it,
/// and windows of 128 packets each way.
pub const KCP_TURBO: (bool, i32, i32, bool) = (true, 10, 2, true);
pub const KCP_WINDOW: u16 = 128;

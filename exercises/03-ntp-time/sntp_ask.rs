//! Exercise `sntp-ask` (lesson 3, hard): an SNTP client that believes only sane replies.
//!
//! Write `ask_time`: send an SNTP request to `server` from `socket`, and return the time in
//! the server's reply. Lesson 3 shows the 48-byte packet. Then be defensive: anyone can send
//! a datagram to your port, and a broken or hostile server can send anything. Within
//! `timeout`:
//!
//! - ignore datagrams that do not come from `server` (and keep waiting, on the same deadline);
//! - refuse, with an error of kind `io::ErrorKind::InvalidData`, a reply from `server` that
//!   is shorter than 48 bytes, is not in mode 4 (server), has stratum 0 (a "kiss-o'-death":
//!   the server tells you to go away), does not carry your request's transmit timestamp as its
//!   origin timestamp (so it answers some other request), or has a zero transmit timestamp.
//!
//! The request: 48 bytes, all zero but byte 0 = 0x23 (leap indicator 0, version 4, mode 3 =
//! client) and bytes 40..48 = your transmit timestamp, `to_ntp(SystemTime::now())`. The time
//! to return is the reply's transmit timestamp, bytes 40..48, through `from_ntp`.
//!
//! The check plays the server: a sane one first (with a stranger's datagram already waiting
//! at your socket), then four broken ones.
//!
//! Check your work:  cargo exercises check sntp-ask

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds from 1900-01-01 (NTP's era 0) to 1970-01-01 (the Unix epoch).
pub const NTP_TO_UNIX: u64 = 2_208_988_800;

/// Asks the SNTP server at `server` for the time, from `socket`, and returns the server's
/// transmit timestamp. Waits at most `timeout`; datagrams from other addresses are ignored.
/// A reply that is not a sane SNTP server reply to this request is an `InvalidData` error.
pub fn ask_time(
    socket: &UdpSocket,
    server: SocketAddr,
    timeout: Duration,
) -> io::Result<SystemTime> {
    // TODO: build and send the request; wait for the reply from `server` (a deadline, and
    // set_read_timeout to the time left before each recv_from); check it; return its time.
    todo!(
        "ask {server} for the time from {}, within {timeout:?}",
        socket.local_addr()?
    )
}

// Given: NTP's timestamps. Nothing to change below.

/// A time as NTP's 64-bit timestamp: seconds since 1900 in the high 32 bits, a binary fraction
/// of a second in the low 32.
pub fn to_ntp(time: SystemTime) -> u64 {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs() + NTP_TO_UNIX;
    let fraction = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
    (seconds << 32) | fraction
}

/// The inverse of [`to_ntp`] (to the nanosecond, rounding down); `None` before 1970.
pub fn from_ntp(stamp: u64) -> Option<SystemTime> {
    let seconds = (stamp >> 32).checked_sub(NTP_TO_UNIX)?;
    let nanos = ((stamp & 0xFFFF_FFFF) * 1_000_000_000) >> 32;
    Some(UNIX_EPOCH + Duration::new(seconds, nanos as u32))
}

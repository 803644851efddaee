//! Solution to `sntp-ask` (lesson 3, hard).

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
    // Byte 0: leap indicator 0, version 4, mode 3 (client): 0b00_100_011.
    let mut request = [0u8; 48];
    request[0] = 0x23;
    // Our transmit timestamp: the server copies it into the reply's origin timestamp, which
    // is how we know the reply answers this request.
    let stamp = to_ntp(SystemTime::now());
    request[40..48].copy_from_slice(&stamp.to_be_bytes());
    socket.send_to(&request, server)?;

    let deadline = std::time::Instant::now() + timeout;
    let mut buf = [0u8; 1024];
    let n = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "no SNTP reply"));
        }
        socket.set_read_timeout(Some(left))?;
        let (n, from) = socket.recv_from(&mut buf)?;
        if from == server {
            break n;
        }
    };
    let reply = &buf[..n];
    let bad = |why: &str| Err(io::Error::new(io::ErrorKind::InvalidData, why.to_owned()));
    if reply.len() < 48 {
        return bad("shorter than 48 bytes");
    }
    if reply[0] & 0x07 != 4 {
        return bad("not a server reply (mode is not 4)");
    }
    if reply[1] == 0 {
        return bad("a kiss-o'-death (stratum 0)");
    }
    if reply[24..32] != request[40..48] {
        return bad("its origin timestamp is not our request's transmit timestamp");
    }
    let mut transmit = [0u8; 8];
    transmit.copy_from_slice(&reply[40..48]);
    let transmit = u64::from_be_bytes(transmit);
    if transmit == 0 {
        return bad("no transmit timestamp");
    }
    from_ntp(transmit).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "before 1970"))
}

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

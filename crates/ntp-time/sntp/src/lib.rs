//! # Lesson 3: the SNTP packet, in one place
//!
//! The tutorial's "time server ntp" sends the time as text. Real NTP, and its simple subset
//! SNTP (RFC 4330), sends one 48-byte binary packet each way. The server (`ntp-time-server
//! --sntp`) and the client (`ntp-time-client --sntp`) both use this crate to read and write
//! it, so the two can never disagree about where a field lives.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +---+-----+-----+---------------+---------------+---------------+
//! |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |  bytes 0-3
//! +---+-----+-----+---------------+---------------+---------------+
//! |                          Root Delay                           |  bytes 4-7
//! |                       Root Dispersion                         |  bytes 8-11
//! |                     Reference Identifier                      |  bytes 12-15
//! |                 Reference Timestamp (64 bits)                 |  bytes 16-23
//! |                 Originate Timestamp (64 bits)                 |  bytes 24-31
//! |                  Receive Timestamp (64 bits)                  |  bytes 32-39
//! |                  Transmit Timestamp (64 bits)                 |  bytes 40-47
//! +---------------------------------------------------------------+
//! ```
//!
//! Every number is big-endian ("network byte order"). The walkthrough is
//! `lessons/03-ntp-time.md`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The length of an SNTP packet without authentication: 48 bytes.
pub const PACKET_LEN: usize = 48;

/// Mode 3: a client's request.
pub const MODE_CLIENT: u8 = 3;
/// Mode 4: a server's reply.
pub const MODE_SERVER: u8 = 4;

/// The version this crate's client speaks: SNTP version 4.
pub const VERSION: u8 = 4;

/// Seconds from the NTP epoch (1900-01-01 00:00:00 UTC) to the Unix epoch (1970-01-01):
/// 70 years, 17 of them leap years: (70 * 365 + 17) * 86400.
pub const NTP_TO_UNIX_SECONDS: i64 = 2_208_988_800;

/// Seconds in one NTP era: the 32-bit seconds field wraps after 2^32 seconds (about 136
/// years), first on 2036-02-07 06:28:16 UTC.
const ERA_SECONDS: i64 = 1 << 32;

/// An NTP timestamp: 32 bits of seconds since the start of the era (era 0 began on
/// 1900-01-01 00:00:00 UTC), then 32 bits of fraction of a second (units of 2^-32 s, about
/// 233 picoseconds). Zero means "not known".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The zero timestamp: "this time is not known".
    pub const ZERO: Timestamp = Timestamp(0);

    /// A timestamp from its two 32-bit halves.
    pub const fn new(seconds: u32, fraction: u32) -> Timestamp {
        Timestamp(((seconds as u64) << 32) | fraction as u64)
    }

    /// Seconds since the start of the era.
    pub const fn seconds(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// Fraction of a second, in units of 2^-32 s.
    pub const fn fraction(self) -> u32 {
        self.0 as u32
    }

    /// The system clock, now.
    pub fn now() -> Timestamp {
        Timestamp::from_system_time(SystemTime::now())
    }

    /// A system time as an NTP timestamp. The seconds wrap at the era boundary (2036), as they
    /// do on the wire; times before 1970 are handled too.
    pub fn from_system_time(time: SystemTime) -> Timestamp {
        let (unix_seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (after.as_secs() as i64, after.subsec_nanos()),
            // Before 1970: -(s + n/1e9) is -(s + 1) seconds plus (1e9 - n) nanoseconds.
            Err(before) => {
                let before = before.duration();
                match before.subsec_nanos() {
                    0 => (-(before.as_secs() as i64), 0),
                    n => (-(before.as_secs() as i64) - 1, 1_000_000_000 - n),
                }
            }
        };
        // Keep only the seconds within the era: that is all 32 bits can hold.
        let seconds = (unix_seconds + NTP_TO_UNIX_SECONDS).rem_euclid(ERA_SECONDS) as u32;
        Timestamp::new(seconds, nanos_to_fraction(nanos))
    }

    /// The system time this timestamp stands for, using RFC 4330's rule (section 3) for the
    /// era: if the top bit of the seconds is set, the time is in 1968-2036 (era 0, counted
    /// from 1900); if it is clear, the time is in 2036-2104 (era 1, counted from 2036-02-07
    /// 06:28:16 UTC). The packet itself does not say which era it means.
    pub fn to_system_time(self) -> SystemTime {
        let era_start = if self.seconds() & 0x8000_0000 != 0 {
            -NTP_TO_UNIX_SECONDS
        } else {
            ERA_SECONDS - NTP_TO_UNIX_SECONDS
        };
        let unix_seconds = era_start + i64::from(self.seconds());
        let nanos = Duration::from_nanos(u64::from(fraction_to_nanos(self.fraction())));
        if unix_seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(unix_seconds as u64) + nanos
        } else {
            UNIX_EPOCH - Duration::from_secs(unix_seconds.unsigned_abs()) + nanos
        }
    }

    /// `self - earlier`, in units of 2^-32 s. The subtraction wraps and is read as a signed
    /// number, so it is right across the 2036 era boundary as long as the two times are less
    /// than 68 years apart (RFC 4330, section 3).
    pub const fn ticks_since(self, earlier: Timestamp) -> i64 {
        self.0.wrapping_sub(earlier.0) as i64
    }
}

impl fmt::Display for Timestamp {
    /// `0xe9c3a1b2.80000000`: seconds and fraction in hex, as NTP tools print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}.{:08x}", self.seconds(), self.fraction())
    }
}

/// Nanoseconds (below 1e9) to units of 2^-32 s, rounded up so that converting back with
/// [`fraction_to_nanos`] gives the same nanoseconds.
fn nanos_to_fraction(nanos: u32) -> u32 {
    ((u64::from(nanos) << 32).div_ceil(1_000_000_000)) as u32
}

/// Units of 2^-32 s to whole nanoseconds (rounded down).
fn fraction_to_nanos(fraction: u32) -> u32 {
    ((u64::from(fraction) * 1_000_000_000) >> 32) as u32
}

/// Units of 2^-32 s to seconds.
fn ticks_to_seconds(ticks: i128) -> f64 {
    ticks as f64 / (1u64 << 32) as f64
}

/// One NTP/SNTP packet, field by field (see the diagram at the top of this file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Packet {
    /// Leap indicator, 2 bits: 0 no warning, 1 or 2 a leap second at the end of the day,
    /// 3 "alarm": this clock is not synchronised.
    pub leap: u8,
    /// Version number, 3 bits: 3 or 4 today.
    pub version: u8,
    /// Mode, 3 bits: 3 client, 4 server (5 broadcast).
    pub mode: u8,
    /// Distance from a reference clock: 1 for a server attached to one, 2 for its clients,
    /// and so on; 0 in a reply is a "kiss-o'-death" (go away), 16 and up "unsynchronised".
    pub stratum: u8,
    /// Poll interval the client intends, as a power of two in seconds.
    pub poll: i8,
    /// Precision of the sender's clock, as a power of two in seconds (-20 is about 1 µs).
    pub precision: i8,
    /// Round-trip delay to the reference clock, in units of 2^-16 s.
    pub root_delay: u32,
    /// Maximum error relative to the reference clock, in units of 2^-16 s.
    pub root_dispersion: u32,
    /// Stratum 0 and 1: four ASCII letters naming the reference ("GPS", "LOCL"); stratum 2
    /// and up: the IPv4 address of the server's own server.
    pub reference_id: [u8; 4],
    /// When the server's clock was last set or corrected.
    pub reference: Timestamp,
    /// T1, in a reply: the client's transmit timestamp, copied back.
    pub originate: Timestamp,
    /// T2: when the request arrived at the server.
    pub receive: Timestamp,
    /// T3 in a reply (when it left the server); T1 in a request.
    pub transmit: Timestamp,
}

impl Packet {
    /// A client's request (mode 3, version 4), all other fields zero, as RFC 4330 section 5
    /// recommends, except the transmit timestamp: the time it is sent (T1). The server copies
    /// it back, which is how the client matches the reply to its request.
    pub fn client_request(transmit: Timestamp) -> Packet {
        Packet {
            version: VERSION,
            mode: MODE_CLIENT,
            transmit,
            ..Packet::default()
        }
    }

    /// The 48 bytes on the wire.
    pub fn encode(&self) -> [u8; PACKET_LEN] {
        let mut bytes = [0u8; PACKET_LEN];
        bytes[0] = (self.leap & 0b11) << 6 | (self.version & 0b111) << 3 | (self.mode & 0b111);
        bytes[1] = self.stratum;
        bytes[2] = self.poll as u8;
        bytes[3] = self.precision as u8;
        bytes[4..8].copy_from_slice(&self.root_delay.to_be_bytes());
        bytes[8..12].copy_from_slice(&self.root_dispersion.to_be_bytes());
        bytes[12..16].copy_from_slice(&self.reference_id);
        bytes[16..24].copy_from_slice(&self.reference.0.to_be_bytes());
        bytes[24..32].copy_from_slice(&self.originate.0.to_be_bytes());
        bytes[32..40].copy_from_slice(&self.receive.0.to_be_bytes());
        bytes[40..48].copy_from_slice(&self.transmit.0.to_be_bytes());
        bytes
    }

    /// Reads a packet of exactly 48 bytes. Anything shorter is not an NTP packet; anything
    /// longer carries extension fields or a key and digest (authentication), which this
    /// simple server and client do not do.
    pub fn decode(bytes: &[u8]) -> Result<Packet, Rejected> {
        let bytes: &[u8; PACKET_LEN] = bytes
            .try_into()
            .map_err(|_| Rejected::WrongLength(bytes.len()))?;
        let u32_at = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let timestamp_at =
            |at: usize| Timestamp((u64::from(u32_at(at)) << 32) | u64::from(u32_at(at + 4)));
        Ok(Packet {
            leap: bytes[0] >> 6,
            version: (bytes[0] >> 3) & 0b111,
            mode: bytes[0] & 0b111,
            stratum: bytes[1],
            poll: bytes[2] as i8,
            precision: bytes[3] as i8,
            root_delay: u32_at(4),
            root_dispersion: u32_at(8),
            reference_id: [bytes[12], bytes[13], bytes[14], bytes[15]],
            reference: timestamp_at(16),
            originate: timestamp_at(24),
            receive: timestamp_at(32),
            transmit: timestamp_at(40),
        })
    }

    /// Reads a datagram that should be a client's request, and says why if it is not one
    /// this server answers: the wrong length, a mode other than 3, or a version outside 1-4.
    pub fn parse_request(bytes: &[u8]) -> Result<Packet, Rejected> {
        let request = Packet::decode(bytes)?;
        if request.mode != MODE_CLIENT {
            return Err(Rejected::WrongMode(request.mode));
        }
        // Versions 1 to 4 all share this layout; 0 and 5-7 do not exist.
        if !(1..=4).contains(&request.version) {
            return Err(Rejected::UnknownVersion(request.version));
        }
        Ok(request)
    }

    /// The server's reply to `request` (RFC 4330 section 5), from a server whose reference is
    /// its own local clock:
    ///
    /// - leap 0 (no warning), version copied from the request, mode 4;
    /// - stratum 1 and reference id `LOCL`: "a primary server; my reference is the local
    ///   clock" (a server that learns the time from another server would say stratum 2+);
    /// - poll copied, precision as measured ([`clock_precision`]);
    /// - root delay and dispersion 0: no path between us and our reference;
    /// - reference timestamp: `receive`, since the local clock is its own reference;
    /// - originate: the request's transmit timestamp, copied (T1);
    /// - receive (T2) and transmit (T3): the server's clock when the request arrived and
    ///   when the reply leaves.
    pub fn reply_to(
        request: &Packet,
        receive: Timestamp,
        transmit: Timestamp,
        precision: i8,
    ) -> Packet {
        Packet {
            leap: 0,
            version: request.version,
            mode: MODE_SERVER,
            stratum: 1,
            poll: request.poll,
            precision,
            root_delay: 0,
            root_dispersion: 0,
            reference_id: *b"LOCL",
            reference: receive,
            originate: request.transmit,
            receive,
            transmit,
        }
    }

    /// Checks a reply the way RFC 4330 section 5 asks a client to, before trusting it:
    /// it is a server's reply (mode 4), it answers *our* request (its originate timestamp is
    /// the transmit timestamp we sent), it is not a kiss-o'-death (stratum 0), the server's
    /// clock is synchronised (leap indicator not 3, stratum below 16), and it carries a
    /// transmit time.
    pub fn check_reply(&self, sent: Timestamp) -> Result<(), BadReply> {
        if self.mode != MODE_SERVER {
            return Err(BadReply::NotAServerReply(self.mode));
        }
        if self.originate != sent {
            return Err(BadReply::OriginateMismatch {
                sent,
                echoed: self.originate,
            });
        }
        if self.stratum == 0 {
            return Err(BadReply::KissOfDeath(self.reference_name()));
        }
        if self.leap == 3 || self.stratum >= 16 {
            return Err(BadReply::Unsynchronised);
        }
        if self.transmit == Timestamp::ZERO {
            return Err(BadReply::NoTransmitTime);
        }
        Ok(())
    }

    /// The reference id, readable: four ASCII letters for stratum 0 and 1 (`LOCL`, `GPS`,
    /// a kiss code like `RATE`), an IPv4 address for stratum 2 and up.
    pub fn reference_name(&self) -> String {
        let id = self.reference_id;
        if self.stratum >= 2 {
            return format!("{}.{}.{}.{}", id[0], id[1], id[2], id[3]);
        }
        let letters: Vec<u8> = id.iter().copied().take_while(|&b| b != 0).collect();
        if letters.iter().all(|b| b.is_ascii_graphic()) {
            String::from_utf8_lossy(&letters).into_owned()
        } else {
            format!("{:#010x}", u32::from_be_bytes(id))
        }
    }
}

/// Why a datagram is not a request the server answers. The server drops it and counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not 48 bytes.
    WrongLength(usize),
    /// Not mode 3 (a client's request).
    WrongMode(u8),
    /// Version 0 or 5-7.
    UnknownVersion(u8),
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::WrongLength(len) => write!(
                f,
                "{len} bytes, but an SNTP packet is {PACKET_LEN} (no authentication or extensions here)"
            ),
            Rejected::WrongMode(mode) => write!(
                f,
                "mode {mode}, but a client's request is mode {MODE_CLIENT}"
            ),
            Rejected::UnknownVersion(version) => {
                write!(f, "version {version}, but NTP versions are 1 to 4")
            }
        }
    }
}

impl std::error::Error for Rejected {}

/// Why a client does not trust a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadReply {
    /// Not mode 4.
    NotAServerReply(u8),
    /// The originate timestamp is not the transmit timestamp we sent.
    OriginateMismatch { sent: Timestamp, echoed: Timestamp },
    /// Stratum 0: the server tells us to go away, with a four-letter code.
    KissOfDeath(String),
    /// Leap indicator 3 or stratum 16+: the server's own clock is not synchronised.
    Unsynchronised,
    /// The transmit timestamp is zero.
    NoTransmitTime,
}

impl fmt::Display for BadReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadReply::NotAServerReply(mode) => {
                write!(f, "mode {mode}, but a server's reply is mode {MODE_SERVER}")
            }
            BadReply::OriginateMismatch { sent, echoed } => write!(
                f,
                "its originate timestamp {echoed} is not the transmit timestamp {sent} we sent: \
                 it answers some other request (a stale reply to an earlier one, or a spoofed \
                 one), so its times say nothing about our clock"
            ),
            BadReply::KissOfDeath(code) => write!(
                f,
                "stratum 0, a kiss-o'-death with code {code}: the server asks us to stop asking"
            ),
            BadReply::Unsynchronised => {
                write!(f, "the server says its own clock is not synchronised")
            }
            BadReply::NoTransmitTime => write!(f, "its transmit timestamp is zero"),
        }
    }
}

impl std::error::Error for BadReply {}

/// Round-trip delay and clock offset, from the four timestamps of one exchange.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// d = (T4 - T1) - (T3 - T2): time on the network, there and back, in seconds.
    pub delay: f64,
    /// t = ((T2 - T1) + (T3 - T4)) / 2: how far the server's clock is ahead of ours, in
    /// seconds (negative: behind).
    pub offset: f64,
}

impl Measurement {
    /// RFC 4330 section 5's formulas. T1: the client sent the request (client clock). T2: the
    /// server received it (server clock). T3: the server sent the reply (server clock). T4:
    /// the client received it (client clock). Each difference is taken on one clock only,
    /// except the two that cross, which is where the offset shows.
    pub fn from_timestamps(t1: Timestamp, t2: Timestamp, t3: Timestamp, t4: Timestamp) -> Self {
        // 128 bits: two 64-bit differences added can overflow 64 bits.
        let span = |later: Timestamp, earlier: Timestamp| i128::from(later.ticks_since(earlier));
        let delay = span(t4, t1) - span(t3, t2);
        let offset = (span(t2, t1) + span(t3, t4)) / 2;
        Measurement {
            delay: ticks_to_seconds(delay),
            offset: ticks_to_seconds(offset),
        }
    }
}

/// The precision of the system clock as NTP states it: the smallest power of two, in seconds,
/// that is at least the smallest step between two readings of the clock (NTP servers measure
/// it the same way: how finely can we tell two moments apart?).
pub fn clock_precision() -> i8 {
    let mut smallest = Duration::MAX;
    let mut last = SystemTime::now();
    for _ in 0..100_000 {
        let now = SystemTime::now();
        if let Ok(step) = now.duration_since(last) {
            if !step.is_zero() {
                smallest = smallest.min(step);
            }
        }
        last = now;
    }
    precision_for(smallest)
}

/// The NTP precision for a clock step: the smallest `p` with 2^p seconds >= `step`, kept
/// within -32..=0 (one tick per second or coarser is reported as 0).
pub fn precision_for(step: Duration) -> i8 {
    let seconds = step.as_secs_f64();
    if seconds <= 0.0 {
        return -32;
    }
    seconds.log2().ceil().clamp(-32.0, 0.0) as i8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_unix(seconds: i64, nanos: u32) -> SystemTime {
        if seconds >= 0 {
            UNIX_EPOCH + Duration::new(seconds as u64, nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
                + Duration::from_nanos(u64::from(nanos))
        }
    }

    #[test]
    fn the_unix_epoch_is_2208988800_ntp_seconds() {
        let ts = Timestamp::from_system_time(UNIX_EPOCH);
        assert_eq!(ts, Timestamp::new(2_208_988_800, 0));
        assert_eq!(ts.seconds(), 0x83AA_7E80);
        assert_eq!(ts.to_system_time(), UNIX_EPOCH);
    }

    #[test]
    fn the_year_2000_is_3155673600_ntp_seconds() {
        // 2000-01-01 00:00:00 UTC is Unix 946684800.
        let ts = Timestamp::from_system_time(at_unix(946_684_800, 0));
        assert_eq!(ts.seconds(), 3_155_673_600);
        assert_eq!(ts.fraction(), 0);
    }

    #[test]
    fn half_a_second_is_the_top_bit_of_the_fraction() {
        let ts = Timestamp::from_system_time(at_unix(0, 500_000_000));
        assert_eq!(ts.fraction(), 0x8000_0000);
        let quarter = Timestamp::from_system_time(at_unix(0, 250_000_000));
        assert_eq!(quarter.fraction(), 0x4000_0000);
    }

    #[test]
    fn every_nanosecond_survives_a_round_trip() {
        for nanos in [0, 1, 2, 3, 232, 233, 999_999_999, 123_456_789, 500_000_000] {
            let time = at_unix(1_700_000_000, nanos);
            assert_eq!(
                Timestamp::from_system_time(time).to_system_time(),
                time,
                "{nanos} ns"
            );
        }
    }

    #[test]
    fn the_seconds_wrap_to_zero_on_7_february_2036() {
        // 2036-02-07 06:28:16 UTC = Unix 2085978496 = 2^32 - 2208988800.
        let rollover = at_unix(2_085_978_496, 0);
        let just_before = at_unix(2_085_978_495, 0);
        assert_eq!(Timestamp::from_system_time(just_before).seconds(), u32::MAX);
        assert_eq!(Timestamp::from_system_time(rollover).seconds(), 0);
        // RFC 4330's rule reads both back correctly: top bit clear means era 1.
        assert_eq!(
            Timestamp::from_system_time(just_before).to_system_time(),
            just_before
        );
        let after = at_unix(2_085_978_496 + 3600, 7);
        assert_eq!(Timestamp::from_system_time(after).to_system_time(), after);
    }

    #[test]
    fn the_era_rule_covers_1968_to_2104() {
        // Top bit set, all else clear: 2^31 s after 1900 = 1968-01-20 03:14:08 UTC.
        assert_eq!(
            Timestamp::new(0x8000_0000, 0).to_system_time(),
            at_unix(-61_505_152, 0)
        );
        // The last second before it wraps back: 2104-02-26 09:42:23 UTC.
        let last = Timestamp::new(0x7FFF_FFFF, 0).to_system_time();
        assert_eq!(last, at_unix(2_085_978_496 + 0x7FFF_FFFF, 0));
        // Before 1970 converts too.
        let t = at_unix(-1, 250_000_000);
        assert_eq!(Timestamp::from_system_time(t).to_system_time(), t);
    }

    #[test]
    fn differences_across_the_rollover_stay_small_and_signed() {
        let before = Timestamp::new(u32::MAX, 0);
        let after = Timestamp::new(1, 0);
        assert_eq!(after.ticks_since(before), 2 << 32);
        assert_eq!(before.ticks_since(after), -(2 << 32));
    }

    #[test]
    fn a_packet_survives_encode_and_decode() {
        let packet = Packet {
            leap: 2,
            version: 3,
            mode: 4,
            stratum: 2,
            poll: 6,
            precision: -20,
            root_delay: 0x0001_8000,
            root_dispersion: 0x0000_0042,
            reference_id: [192, 0, 2, 1],
            reference: Timestamp(0x0102_0304_0506_0708),
            originate: Timestamp(0x1112_1314_1516_1718),
            receive: Timestamp(0x2122_2324_2526_2728),
            transmit: Timestamp(0xF1F2_F3F4_F5F6_F7F8),
        };
        assert_eq!(Packet::decode(&packet.encode()), Ok(packet));
    }

    #[test]
    fn a_client_request_has_its_fields_where_rfc_4330_puts_them() {
        let request = Packet::client_request(Timestamp(0xE9C3_A1B2_8000_0000));
        let bytes = request.encode();
        // LI 0, VN 4, mode 3: 00 100 011 = 0x23, the first byte of every SNTPv4 request.
        assert_eq!(bytes[0], 0x23);
        assert!(bytes[1..40].iter().all(|&b| b == 0), "{bytes:?}");
        assert_eq!(&bytes[40..48], &[0xE9, 0xC3, 0xA1, 0xB2, 0x80, 0, 0, 0]);
    }

    #[test]
    fn signed_fields_and_the_first_byte_decode_from_known_bytes() {
        let mut bytes = [0u8; PACKET_LEN];
        // LI 3, VN 3, mode 4: 11 011 100 = 0xDC.
        bytes[0] = 0xDC;
        bytes[1] = 1;
        bytes[2] = 10;
        bytes[3] = 0xEC; // -20
        bytes[12..16].copy_from_slice(b"GPS\0");
        let packet = Packet::decode(&bytes).unwrap();
        assert_eq!((packet.leap, packet.version, packet.mode), (3, 3, 4));
        assert_eq!(
            (packet.stratum, packet.poll, packet.precision),
            (1, 10, -20)
        );
        assert_eq!(packet.reference_name(), "GPS");
    }

    #[test]
    fn only_48_byte_mode_3_requests_of_versions_1_to_4_are_answered() {
        let good = Packet::client_request(Timestamp(42)).encode();
        assert!(Packet::parse_request(&good).is_ok());
        assert_eq!(
            Packet::parse_request(&good[..47]),
            Err(Rejected::WrongLength(47))
        );
        assert_eq!(Packet::parse_request(&[]), Err(Rejected::WrongLength(0)));
        let mut with_mac = good.to_vec();
        with_mac.extend_from_slice(&[0; 20]);
        assert_eq!(
            Packet::parse_request(&with_mac),
            Err(Rejected::WrongLength(68))
        );
        let mut server_mode = good;
        server_mode[0] = 0x24; // VN 4, mode 4
        assert_eq!(
            Packet::parse_request(&server_mode),
            Err(Rejected::WrongMode(4))
        );
        let mut version_0 = good;
        version_0[0] = 0x03;
        assert_eq!(
            Packet::parse_request(&version_0),
            Err(Rejected::UnknownVersion(0))
        );
        for version in 1..=4u8 {
            let mut bytes = good;
            bytes[0] = version << 3 | 3;
            assert_eq!(
                Packet::parse_request(&bytes).map(|p| p.version),
                Ok(version)
            );
        }
    }

    #[test]
    fn the_reply_copies_version_poll_and_transmit_into_the_right_fields() {
        let mut request = Packet::client_request(Timestamp(0xAAAA_BBBB_CCCC_DDDD));
        request.version = 3;
        request.poll = 7;
        let reply = Packet::reply_to(&request, Timestamp(10), Timestamp(11), -23);
        assert_eq!(
            (reply.version, reply.mode, reply.stratum, reply.poll),
            (3, 4, 1, 7)
        );
        assert_eq!(reply.precision, -23);
        assert_eq!(reply.originate, Timestamp(0xAAAA_BBBB_CCCC_DDDD));
        assert_eq!(
            (reply.receive, reply.transmit),
            (Timestamp(10), Timestamp(11))
        );
        assert_eq!(reply.reference_name(), "LOCL");
        assert_eq!(&reply.encode()[12..16], b"LOCL");
        assert_eq!(reply.check_reply(request.transmit), Ok(()));
    }

    #[test]
    fn a_reply_to_another_request_is_rejected_as_stale_or_spoofed() {
        let request = Packet::client_request(Timestamp(1000));
        let reply = Packet::reply_to(&request, Timestamp(5), Timestamp(6), -20);
        let err = reply.check_reply(Timestamp(999)).unwrap_err();
        assert!(matches!(err, BadReply::OriginateMismatch { .. }));
        let text = err.to_string();
        assert!(text.contains("stale") && text.contains("spoofed"), "{text}");
    }

    #[test]
    fn kiss_of_death_unsynchronised_and_wrong_mode_replies_are_rejected() {
        let request = Packet::client_request(Timestamp(1000));
        let good = Packet::reply_to(&request, Timestamp(5), Timestamp(6), -20);
        let kiss = Packet {
            stratum: 0,
            reference_id: *b"RATE",
            ..good
        };
        assert_eq!(
            kiss.check_reply(Timestamp(1000)),
            Err(BadReply::KissOfDeath("RATE".into()))
        );
        let alarm = Packet { leap: 3, ..good };
        assert_eq!(
            alarm.check_reply(Timestamp(1000)),
            Err(BadReply::Unsynchronised)
        );
        let echo = Packet { mode: 3, ..good };
        assert_eq!(
            echo.check_reply(Timestamp(1000)),
            Err(BadReply::NotAServerReply(3))
        );
        let blank = Packet {
            transmit: Timestamp::ZERO,
            ..good
        };
        assert_eq!(
            blank.check_reply(Timestamp(1000)),
            Err(BadReply::NoTransmitTime)
        );
    }

    #[test]
    fn delay_and_offset_follow_rfc_4330_section_5() {
        let s = |seconds: u32, millis: u64| Timestamp::new(seconds, ((millis << 32) / 1000) as u32);
        // The server is 2 s ahead; 10 ms each way on the wire; 1 ms inside the server.
        let t1 = s(100, 0);
        let t2 = s(102, 10);
        let t3 = s(102, 11);
        let t4 = s(100, 21);
        let m = Measurement::from_timestamps(t1, t2, t3, t4);
        assert!((m.delay - 0.020).abs() < 1e-6, "{m:?}");
        assert!((m.offset - 2.0).abs() < 1e-6, "{m:?}");
        // The same exchange with the server 2 s behind, straddling the 2036 rollover.
        let behind =
            Measurement::from_timestamps(s(1, 0), s(u32::MAX, 10), s(u32::MAX, 11), s(1, 21));
        assert!((behind.offset + 2.0).abs() < 1e-6, "{behind:?}");
        assert!((behind.delay - 0.020).abs() < 1e-6, "{behind:?}");
    }

    #[test]
    fn precision_is_the_power_of_two_at_or_above_the_clock_step() {
        assert_eq!(precision_for(Duration::from_nanos(1)), -29);
        assert_eq!(precision_for(Duration::from_micros(1)), -19);
        assert_eq!(precision_for(Duration::from_micros(15_625)), -6);
        assert_eq!(precision_for(Duration::from_secs(1)), 0);
        assert_eq!(precision_for(Duration::MAX), 0);
        let measured = clock_precision();
        assert!((-32..=0).contains(&measured), "{measured}");
    }

    #[test]
    fn reference_ids_read_as_letters_or_an_address() {
        let mut packet = Packet {
            stratum: 1,
            reference_id: *b"LOCL",
            ..Packet::default()
        };
        assert_eq!(packet.reference_name(), "LOCL");
        packet.stratum = 3;
        packet.reference_id = [192, 0, 2, 7];
        assert_eq!(packet.reference_name(), "192.0.2.7");
    }
}

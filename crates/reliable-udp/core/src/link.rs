//! The lossy link's decisions: for each datagram, whether it is lost, copied, held back
//! (reordered) or delayed, and when it may leave under a rate limit. No sockets here: the
//! `lossy-link` program feeds it datagrams and sends what it says when it says.
//!
//! Every random choice comes from one seeded generator per direction, drawn in the same order
//! for every datagram, so the same seed and the same datagrams give the same run.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::SocketAddr;
use std::time::Duration;

/// What the link does to the datagrams of one direction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Impairment {
    /// Chance that a datagram is lost (0.0 to 1.0).
    pub loss: f64,
    /// Time added to every datagram.
    pub delay: Duration,
    /// Up to this much more or less delay, chosen at random for each datagram.
    pub jitter: Duration,
    /// Chance that a datagram is sent twice.
    pub duplicate: f64,
    /// Chance that a datagram is held back so that the ones behind it overtake it.
    pub reorder: f64,
    /// Bytes per second the link carries at most; `None`: no limit.
    pub rate: Option<u64>,
    /// Datagrams that may wait for the rate limit; one more is dropped (a "tail drop").
    pub queue: usize,
    /// Chance that a datagram sent on has one bit flipped (see [`Direction::damage`]).
    pub corrupt: f64,
}

impl Impairment {
    /// How much longer a reordered datagram waits than the others.
    pub fn reorder_hold(&self) -> Duration {
        self.delay + Duration::from_millis(10)
    }
}

/// A small, fast generator (SplitMix64): good enough to decide losses, and the same on every
/// system and every Rust version, which a seed needs.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the link did in one direction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub received: u64,
    pub received_bytes: u64,
    /// Copies sent on (duplicates included).
    pub forwarded: u64,
    pub forwarded_bytes: u64,
    pub lost: u64,
    /// Dropped because the rate limit's queue was full.
    pub queue_drops: u64,
    pub duplicated: u64,
    pub reordered: u64,
    /// Copies that waited (a delay, jitter, the rate limit or a reorder).
    pub delayed: u64,
    /// Datagrams sent on with a bit flipped (`--corrupt`).
    pub corrupted: u64,
}

impl fmt::Display for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} received ({} bytes), {} forwarded ({} bytes), {} lost, {} dropped by the full \
             queue, {} duplicated, {} reordered, {} delayed, {} corrupted",
            self.received,
            self.received_bytes,
            self.forwarded,
            self.forwarded_bytes,
            self.lost,
            self.queue_drops,
            self.duplicated,
            self.reordered,
            self.delayed,
            self.corrupted
        )
    }
}

/// One direction of the link: its settings, its generator, its counters and its rate limit.
pub struct Direction {
    pub impairment: Impairment,
    rng: SplitMix64,
    pub counters: Counters,
    /// When the rate-limited line is free again, and when each queued copy leaves it.
    line_free: Duration,
    waiting: VecDeque<Duration>,
    /// The damage's own generator, so that `--corrupt` leaves every other fate of a seed as
    /// it was.
    damage_rng: SplitMix64,
}

impl Direction {
    pub fn new(impairment: Impairment, seed: u64) -> Self {
        Direction {
            impairment,
            rng: SplitMix64::new(seed),
            counters: Counters::default(),
            line_free: Duration::ZERO,
            waiting: VecDeque::new(),
            damage_rng: SplitMix64::new(seed ^ DAMAGE_SEED),
        }
    }

    /// Decides the fate of a datagram of `len` bytes that arrived at `now` (time since the link
    /// started): the times at which its copies must be sent, none if it is lost. Four numbers
    /// are drawn for every datagram, whatever happens to it, so that one datagram's fate never
    /// shifts the next one's.
    pub fn decide(&mut self, len: usize, now: Duration) -> Vec<Duration> {
        let imp = &self.impairment;
        let (lose, copy, hold, jitter) = (
            self.rng.next_f64(),
            self.rng.next_f64(),
            self.rng.next_f64(),
            self.rng.next_f64(),
        );
        self.counters.received += 1;
        self.counters.received_bytes += len as u64;
        if lose < imp.loss {
            self.counters.lost += 1;
            return Vec::new();
        }
        let copies = if copy < imp.duplicate {
            self.counters.duplicated += 1;
            2
        } else {
            1
        };
        // Delay plus or minus jitter (never below zero), and a reordered datagram waits longer.
        let spread = imp.jitter.as_secs_f64() * (2.0 * jitter - 1.0);
        let mut wait = Duration::from_secs_f64((imp.delay.as_secs_f64() + spread).max(0.0));
        if hold < imp.reorder {
            self.counters.reordered += 1;
            wait += imp.reorder_hold();
        }
        let mut times = Vec::with_capacity(copies);
        for _ in 0..copies {
            let mut leave = now;
            if let Some(rate) = imp.rate {
                // The line sends one datagram after the other at `rate` bytes per second;
                // datagrams wait their turn in a queue of bounded length.
                while self.waiting.front().is_some_and(|&t| t <= now) {
                    self.waiting.pop_front();
                }
                if self.waiting.len() >= imp.queue {
                    self.counters.queue_drops += 1;
                    continue;
                }
                let start = self.line_free.max(now);
                let on_the_line = Duration::from_secs_f64(len as f64 / rate.max(1) as f64);
                self.line_free = start + on_the_line;
                self.waiting.push_back(self.line_free);
                leave = self.line_free;
            }
            leave += wait;
            if leave > now {
                self.counters.delayed += 1;
            }
            self.counters.forwarded += 1;
            self.counters.forwarded_bytes += len as u64;
            times.push(leave);
        }
        times
    }
}

/// Mixed into the seed of a direction's damage generator.
const DAMAGE_SEED: u64 = 0xC0DE_BAD0_B175_F11B;

/// The seed of the server-to-client direction, from the link's `--seed` (the client-to-server
/// direction uses `--seed` itself): each direction draws from its own sequence, so the traffic
/// one way never changes the fates of the other.
pub fn reply_seed(seed: u64) -> u64 {
    seed ^ 0x5DEE_CE66_D1CE_F00D
}

impl Direction {
    /// [`Direction::decide`], then [`Direction::damage`] if any copy is sent on.
    pub fn decide_and_damage(&mut self, datagram: &mut [u8], now: Duration) -> Vec<Duration> {
        let fates = self.decide(datagram.len(), now);
        if !fates.is_empty() {
            self.damage(datagram);
        }
        fates
    }

    /// With the chance `corrupt`, flips one bit of `datagram`, chosen at random, and counts it:
    /// what a bad cable or a faulty router's memory does. Two numbers are drawn for every
    /// datagram, damaged or not. One flipped bit is the damage a CRC-32 always catches; real
    /// damage is not so kind (see the lesson).
    pub fn damage(&mut self, datagram: &mut [u8]) {
        let (chance, where_) = (self.damage_rng.next_f64(), self.damage_rng.next_u64());
        if chance >= self.impairment.corrupt || datagram.is_empty() {
            return;
        }
        let bit = where_ % (datagram.len() as u64 * 8);
        datagram[(bit / 8) as usize] ^= 1 << (bit % 8);
        self.counters.corrupted += 1;
    }
}

/// The datagrams the link sent on towards its server in the last [`RingGuard::WINDOW`], by a
/// fingerprint of their bytes, and which client each came from.
///
/// Two links aimed at each other (`A --to B`, `B --to A`) make a ring: A forwards a datagram
/// to B from a socket of its own, B sees that socket as a new client and forwards the same
/// bytes back to A from a socket of its own, which A sees as a new client, and so on; with
/// `--duplicate` every turn multiplies the copies. No address gives it away (every hop comes
/// from a new port), but the bytes do: the same datagram arriving again from *another* client
/// a moment after we sent it on has been round a ring. A client sending the same bytes again
/// (a retransmission) is not refused; two clients sending the very same bytes within the window
/// are, the second one: the price of the check.
#[derive(Debug, Default)]
pub struct RingGuard {
    /// Fingerprint, then when it was sent on and for which client.
    recent: HashMap<u64, (Duration, SocketAddr)>,
    order: VecDeque<(Duration, u64)>,
}

impl RingGuard {
    /// How long a datagram sent on is remembered.
    pub const WINDOW: Duration = Duration::from_secs(1);
    /// The most datagrams remembered: the table never grows past this (a flood of new
    /// datagrams pushes the oldest out, which only shortens the window).
    pub const MAX: usize = 4096;

    /// Has `bytes`, from `client` at `now`, come back round a ring? If not, it is remembered
    /// as sent on for `client`.
    pub fn came_back(&mut self, bytes: &[u8], client: SocketAddr, now: Duration) -> bool {
        while let Some(&(at, print)) = self.order.front() {
            if now.saturating_sub(at) < Self::WINDOW && self.order.len() < Self::MAX {
                break;
            }
            self.order.pop_front();
            if self.recent.get(&print).is_some_and(|&(seen, _)| seen == at) {
                self.recent.remove(&print);
            }
        }
        let print = fingerprint(bytes);
        if let Some(&(_, first)) = self.recent.get(&print) {
            if first != client {
                return true;
            }
        }
        self.recent.insert(print, (now, client));
        self.order.push_back((now, print));
        false
    }
}

fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Parses a chance as a percentage: `10%` (or `10`) is one in ten, `0.5%` one in two hundred.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let number = text.trim().trim_end_matches('%');
    match number.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p / 100.0),
        _ => Err(format!(
            "'{text}' is not a percentage from 0 to 100, like 10% or 0.5%"
        )),
    }
}

/// Parses a duration: `20ms`, `1.5s`, `500us`, or a bare number of milliseconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t, 1e-3)
    };
    match number.trim().parse::<f64>() {
        Ok(x) if x >= 0.0 && x * unit <= 3600.0 => Ok(Duration::from_secs_f64(x * unit)),
        _ => Err(format!(
            "'{text}' is not a duration like 20ms, 1.5s or 500us (at most an hour)"
        )),
    }
}

/// Parses a rate in bytes or bits per second: `100KB` (kilobytes per second, 1000 bytes),
/// `1MB`, `8Mbit`, or a bare number of bytes per second.
pub fn parse_rate(text: &str) -> Result<u64, String> {
    let t = text.trim().trim_end_matches("/s");
    let units: [(&str, f64); 8] = [
        ("Gbit", 1e9 / 8.0),
        ("Mbit", 1e6 / 8.0),
        ("kbit", 1e3 / 8.0),
        ("GB", 1e9),
        ("MB", 1e6),
        ("KB", 1e3),
        ("kB", 1e3),
        ("B", 1.0),
    ];
    let (number, scale) = units
        .iter()
        .find_map(|(unit, scale)| t.strip_suffix(unit).map(|n| (n, *scale)))
        .unwrap_or((t, 1.0));
    match number.trim().parse::<f64>() {
        Ok(x) if x * scale >= 1.0 && x * scale < 1e12 => Ok((x * scale) as u64),
        _ => Err(format!(
            "'{text}' is not a rate like 100KB, 1MB or 8Mbit (per second)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(imp: &Impairment, seed: u64, n: usize) -> (Counters, Vec<Vec<Duration>>) {
        let mut dir = Direction::new(imp.clone(), seed);
        let fates = (0..n)
            .map(|i| dir.decide(100, Duration::from_millis(i as u64)))
            .collect();
        (dir.counters, fates)
    }

    #[test]
    fn the_same_seed_decides_the_same_fates_and_another_seed_does_not() {
        let imp = Impairment {
            loss: 0.1,
            duplicate: 0.05,
            reorder: 0.05,
            jitter: Duration::from_millis(5),
            delay: Duration::from_millis(20),
            ..Impairment::default()
        };
        assert_eq!(run(&imp, 7, 1000), run(&imp, 7, 1000));
        assert_ne!(run(&imp, 7, 1000).1, run(&imp, 8, 1000).1);
    }

    #[test]
    fn loss_duplication_and_reordering_happen_at_the_rates_asked() {
        let imp = Impairment {
            loss: 0.2,
            duplicate: 0.05,
            reorder: 0.1,
            ..Impairment::default()
        };
        let n = 20_000.0;
        let (c, _) = run(&imp, 1, n as usize);
        // Four standard deviations of a binomial count: sqrt(n p (1 - p)).
        let within = |count: u64, p: f64| {
            let sd = (n * p * (1.0 - p)).sqrt();
            (count as f64 - n * p).abs() < 4.0 * sd
        };
        assert!(within(c.lost, 0.2), "{c}");
        assert!(within(c.duplicated, 0.05 * 0.8), "{c}");
        assert!(within(c.reordered, 0.1 * 0.8), "{c}");
        assert_eq!(c.forwarded, c.received - c.lost + c.duplicated);
    }

    #[test]
    fn corrupt_flips_one_bit_at_the_rate_asked_and_the_crc_catches_every_one() {
        let imp = Impairment {
            corrupt: 0.1,
            ..Impairment::default()
        };
        let mut dir = Direction::new(imp.clone(), 4);
        let header = crate::wire::Header {
            kind: crate::wire::Kind::Data,
            transfer: 1,
            seq: 0,
            ack: 0,
        };
        let packet = crate::wire::encode(header, &[0x5A; 100]);
        let n = 10_000;
        let mut rejected = 0;
        for i in 0..n {
            let mut copy = packet.clone();
            let fates = dir.decide_and_damage(&mut copy, Duration::from_millis(i));
            assert_eq!(fates.len(), 1);
            let flipped: u32 = copy
                .iter()
                .zip(&packet)
                .map(|(a, b)| (a ^ b).count_ones())
                .sum();
            assert!(flipped <= 1);
            if crate::wire::decode(&copy).is_err() {
                rejected += 1;
            }
        }
        let c = &dir.counters;
        // Four standard deviations of a binomial count; the CRC rejects each damaged one.
        let sd = (n as f64 * 0.1 * 0.9).sqrt();
        assert!(
            (c.corrupted as f64 - n as f64 * 0.1).abs() < 4.0 * sd,
            "{c}"
        );
        assert_eq!(rejected, c.corrupted);
        // Damage draws from its own generator: the other fates of the seed stay the same.
        let plain = Impairment {
            corrupt: 0.0,
            ..imp
        };
        let lossy = |imp: Impairment| Impairment { loss: 0.3, ..imp };
        assert_eq!(
            run(&lossy(plain), 4, 1000).1,
            run(&lossy(dir.impairment), 4, 1000).1
        );
    }

    #[test]
    fn jitter_stays_within_the_delay_plus_or_minus_the_jitter() {
        let imp = Impairment {
            delay: Duration::from_millis(20),
            jitter: Duration::from_millis(5),
            ..Impairment::default()
        };
        let (_, fates) = run(&imp, 3, 1000);
        for (i, fate) in fates.iter().enumerate() {
            let wait = fate[0] - Duration::from_millis(i as u64);
            assert!(wait >= Duration::from_millis(15) && wait <= Duration::from_millis(25));
        }
    }

    #[test]
    fn a_rate_limit_spaces_datagrams_and_drops_the_tail_of_a_full_queue() {
        let imp = Impairment {
            rate: Some(100_000), // 100 bytes take 1 ms
            queue: 10,
            ..Impairment::default()
        };
        let mut dir = Direction::new(imp, 0);
        // 50 datagrams at the same instant: 10 fit in the queue, 40 are dropped.
        let fates: Vec<_> = (0..50).map(|_| dir.decide(100, Duration::ZERO)).collect();
        assert_eq!(dir.counters.queue_drops, 40);
        assert_eq!(fates[9], vec![Duration::from_millis(10)]);
        assert!(fates[10].is_empty());
    }

    #[test]
    fn the_same_bytes_from_another_client_within_the_window_came_back_round_a_ring() {
        let mut ring = RingGuard::default();
        let (a, b): (SocketAddr, SocketAddr) = (
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1:5001".parse().unwrap(),
        );
        let ms = Duration::from_millis;
        assert!(!ring.came_back(b"x", a, ms(0)));
        // The same client again (a retransmission), other bytes from another client: fine.
        assert!(!ring.came_back(b"x", a, ms(10)));
        assert!(!ring.came_back(b"y", b, ms(10)));
        // The same bytes from another client: round a ring.
        assert!(ring.came_back(b"x", b, ms(20)));
        // After the window, forgotten.
        assert!(!ring.came_back(b"x", b, ms(20) + RingGuard::WINDOW));
        // Never more than MAX remembered.
        for i in 0..(2 * RingGuard::MAX as u32) {
            ring.came_back(&i.to_be_bytes(), a, ms(30));
            assert!(ring.recent.len() <= RingGuard::MAX && ring.order.len() <= RingGuard::MAX);
        }
    }

    #[test]
    fn percentages_durations_and_rates_parse_as_people_write_them() {
        assert_eq!(parse_percent("10%"), Ok(0.1));
        assert_eq!(parse_percent("5"), Ok(0.05));
        assert!(parse_percent("120%").is_err());
        assert_eq!(parse_duration("20ms"), Ok(Duration::from_millis(20)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_millis(7)));
        assert!(parse_duration("fast").is_err());
        assert_eq!(parse_rate("100KB"), Ok(100_000));
        assert_eq!(parse_rate("8Mbit"), Ok(1_000_000));
        assert!(parse_rate("0").is_err());
    }
}

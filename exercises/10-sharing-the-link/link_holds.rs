//! Exercise `link-holds` (lesson 10, warm-up): how large a window fits a link?
//!
//! A link that sends `rate` bytes per second, `delay` each way, keeps packets in two places: on
//! the line, while they travel and their ACKs come back (its rate times the round trip, the
//! "bandwidth-delay product"), and in its queue, `queue` packets. A window larger than both
//! together fills the queue and the link drops what does not fit. Write the sum:
//!
//! - the round trip is twice the delay;
//! - the bytes on the line are `rate` x the round trip; in packets of `packet` bytes, count only
//!   whole packets (round down);
//! - add the `queue`.
//!
//! Lesson 10's link: 1 MB/s (1,000,000 bytes per second), 20 ms each way, 1024-byte packets and
//! a queue of 64 holds 39 + 64 = 103 packets. Mind the units: a rate times a `Duration` needs
//! nanoseconds (or `as_secs_f64`) and no overflow at 10 Gbit/s.
//!
//! Check your work:  cargo exercises check link-holds

use std::time::Duration;

/// How many packets of `packet` bytes a link keeps in flight at most before its queue drops
/// one: those on the line (its rate times the round trip, 2 x `delay`, in whole packets) and
/// the `queue` waiting for it.
pub fn link_holds(rate: u64, delay: Duration, packet: u64, queue: u64) -> u64 {
    // TODO: rate x round trip, in whole packets, plus the queue.
    todo!("a link of {rate} B/s, {delay:?} each way, {packet}-byte packets, queue {queue}")
}

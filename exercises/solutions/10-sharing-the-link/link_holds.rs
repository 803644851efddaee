//! Solution to `link-holds` (lesson 10, warm-up).

use std::time::Duration;

/// How many packets of `packet` bytes a link keeps in flight at most before its queue drops
/// one: those on the line (its rate times the round trip, 2 x `delay`, in whole packets) and
/// the `queue` waiting for it.
pub fn link_holds(rate: u64, delay: Duration, packet: u64, queue: u64) -> u64 {
    let round_trip = 2 * delay;
    let on_the_line = rate as u128 * round_trip.as_nanos() / 1_000_000_000;
    (on_the_line / u128::from(packet.max(1))) as u64 + queue
}

// The cases of `is-ack` (lesson 9), a list of their own: they share nothing with the
// lesson's other checks (09-reliable-udp.rs).

use std::net::SocketAddr;

use exercise_harness::{Check, cases, expect_text, step};

use super::super::is_ack::is_ack;

/// The cases of `is-ack`.
pub const CASES: &[exercise_harness::Case] = cases! {
    the_ack, stale_ack_refused, strangers_ack_refused, longer_datagram_refused,
    little_endian_refused
};

fn judges(what: &str, datagram: &[u8], from_receiver: bool, want: bool) -> Check {
    let receiver = SocketAddr::from(([127, 0, 0, 1], 7000));
    let stranger = SocketAddr::from(([127, 0, 0, 1], 7001));
    let from = if from_receiver { receiver } else { stranger };
    step(format!(
        "{what}: is_ack({datagram:?}, from {from}, receiver {receiver}, seq 5)"
    ));
    expect_text(
        format!("{}", is_ack(datagram, from, receiver, 5)),
        format!("{want}"),
    )
}

fn the_ack() -> Check {
    judges("the receiver's ACK 5", &[0, 0, 0, 5], true, true)
}

fn stale_ack_refused() -> Check {
    judges("the receiver's ACK 4, late", &[0, 0, 0, 4], true, false)
}

fn strangers_ack_refused() -> Check {
    judges("ACK 5 from a stranger", &[0, 0, 0, 5], false, false)
}

fn longer_datagram_refused() -> Check {
    judges("ACK 5 and more bytes", &[0, 0, 0, 5, 1], true, false)
}

fn little_endian_refused() -> Check {
    judges("5 written little-endian", &[5, 0, 0, 0], true, false)
}

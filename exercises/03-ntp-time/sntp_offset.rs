//! Exercise `sntp-offset` (lesson 3, warm-up): how far off is my clock?
//!
//! An SNTP exchange gives four timestamps: `t1` when the client sent the request and `t4` when
//! the reply came (both on the client's clock), `t2` when the server received the request and
//! `t3` when it sent the reply (both on the server's clock). From them, write
//! `offset_and_delay`:
//!
//! - the offset: how far the server's clock is ahead of the client's (negative if behind),
//!   assuming the request and the reply took equally long on the way;
//! - the delay: the time the exchange spent on the network, the round trip minus the time
//!   the server held the request.
//!
//! RFC 4330, section 5, has the formulas; try to derive them first.
//!
//! Check your work:  cargo exercises check sntp-offset

/// The clock offset and the round-trip delay from SNTP's four timestamps, in seconds.
/// Returns `(offset, delay)`.
pub fn offset_and_delay(t1: f64, t2: f64, t3: f64, t4: f64) -> (f64, f64) {
    // TODO
    todo!("offset and delay from {t1}, {t2}, {t3}, {t4}")
}

//! Solution to `sntp-offset` (lesson 3, warm-up).

/// The clock offset and the round-trip delay from SNTP's four timestamps, in seconds:
/// `t1` the client sent the request, `t2` the server received it, `t3` the server sent the
/// reply, `t4` the client received it (t1 and t4 on the client's clock, t2 and t3 on the
/// server's). Returns `(offset, delay)`.
pub fn offset_and_delay(t1: f64, t2: f64, t3: f64, t4: f64) -> (f64, f64) {
    // How far the server's clock is ahead: the average of the two one-way differences,
    // which cancels the network delay when both ways take as long.
    let offset = ((t2 - t1) + (t3 - t4)) / 2.0;
    // Time on the wire: the whole round trip minus the time the server held the request.
    let delay = (t4 - t1) - (t3 - t2);
    (offset, delay)
}

// A wrong solution to `loss-percent`, kept so a test can prove the check rejects it.
//
// The bug: divides by zero when nothing was sent (NaN).
// The case that catches it: `nothing_sent`.

/// The share of `sent` datagrams that did not arrive, in percent; 0 when nothing was sent, and
/// when duplicates make `received` larger than `sent`.
pub fn loss_percent(sent: u32, received: u32) -> f64 {
    let lost = sent.saturating_sub(received);
    100.0 * f64::from(lost) / f64::from(sent)
}

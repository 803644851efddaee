// A wrong solution to `loss-percent`, kept so a test can prove the check rejects it.
//
// The bug: divides in integers, so 1 lost of 3 is 0 %.
// The case that catches it: `one_in_three`.

/// The share of `sent` datagrams that did not arrive, in percent; 0 when nothing was sent, and
/// when duplicates make `received` larger than `sent`.
pub fn loss_percent(sent: u32, received: u32) -> f64 {
    if sent == 0 {
        return 0.0;
    }
    let lost = sent.saturating_sub(received);
    f64::from(lost / sent * 100)
}

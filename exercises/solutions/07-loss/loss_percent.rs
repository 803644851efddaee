//! Solution to `loss-percent` (lesson 7, warm-up).

/// The share of `sent` datagrams that did not arrive, in percent; 0 when nothing was sent, and
/// when duplicates make `received` larger than `sent`.
pub fn loss_percent(sent: u32, received: u32) -> f64 {
    if sent == 0 {
        return 0.0;
    }
    let lost = sent.saturating_sub(received);
    100.0 * f64::from(lost) / f64::from(sent)
}

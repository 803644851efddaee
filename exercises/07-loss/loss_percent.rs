//! Exercise `loss-percent` (lesson 7, warm-up): the number lesson 7's tables print.
//!
//! Write `loss_percent`: what share of the datagrams sent never arrived, in percent. Nothing
//! sent is 0 % (not NaN), and more received than sent (duplicates) is 0 % too.
//!
//! Check your work:  cargo exercises check loss-percent

/// The share of `sent` datagrams that did not arrive, in percent; 0 when nothing was sent, and
/// when duplicates make `received` larger than `sent`.
pub fn loss_percent(sent: u32, received: u32) -> f64 {
    // TODO: floating point, and the two edge cases first.
    todo!("{received} of {sent}")
}

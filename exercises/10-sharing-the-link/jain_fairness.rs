//! Exercise `jain-fairness` (lesson 10, warm-up): how evenly did the flows share the link?
//!
//! `reliable-udp-bench --flows --json` prints one line of JSON; each two-flow run in it lists
//! its flows, and each flow its `"share_bytes_per_s"`: what the link carried for it per second
//! while both ran. Write two functions:
//!
//! - `shares`: every number that follows `"share_bytes_per_s":` in the text, in order (the
//!   number ends at the next `,` or `}`), and nothing else: not the goodputs, not the
//!   `shared_bytes`;
//! - `jain`: Jain's fairness index of those numbers, (x1 + ... + xn)^2 / (n (x1^2 + ... + xn^2)):
//!   1 when all are equal, 1/n when one flow takes everything. With no flows, or only zeros,
//!   say 1 (nobody got less than anybody else).
//!
//! No JSON library needed: the check gives you lines shaped exactly like the bench's.
//!
//! Check your work:  cargo exercises check jain-fairness

/// Every `"share_bytes_per_s":NUMBER` in `json`, in order.
pub fn shares(json: &str) -> Vec<f64> {
    // TODO: find each "share_bytes_per_s": and parse the number after it.
    todo!("the shares in {json}")
}

/// Jain's fairness index: (sum of x)^2 / (n * sum of x^2); 1 for no flows or only zeros.
pub fn jain(shares: &[f64]) -> f64 {
    // TODO: the formula above, and 1 when there is nothing to share.
    todo!("Jain's index of {shares:?}")
}

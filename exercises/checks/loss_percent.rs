// The cases of `loss-percent` (lesson 7), a list of their own: they share nothing with the
// lesson's other checks (07-loss.rs).

use exercise_harness::{Check, cases, expect, step};

use super::super::loss_percent::loss_percent;

/// The cases of `loss-percent`.
pub const CASES: &[exercise_harness::Case] = cases! {
    none_lost, one_in_three, all_lost, nothing_sent, more_received_than_sent
};

fn percent(sent: u32, received: u32, want: f64) -> Check {
    step(format!("loss_percent(sent {sent}, received {received})"));
    let got = loss_percent(sent, received);
    expect(
        (got - want).abs() < 1e-6,
        format!("{want:.4}"),
        format!("{got:.4}"),
    )
}

fn none_lost() -> Check {
    percent(10, 10, 0.0)
}

fn one_in_three() -> Check {
    percent(3, 2, 100.0 / 3.0)
}

fn all_lost() -> Check {
    percent(5, 0, 100.0)
}

fn nothing_sent() -> Check {
    percent(0, 0, 0.0)
}

fn more_received_than_sent() -> Check {
    percent(3, 4, 0.0)
}

// The cases of `ntp-seconds` (lesson 3), a list of their own: they share nothing with the
// lesson's other checks (03-ntp-time.rs).

use exercise_harness::{Check, cases, expect_text, step};

use super::super::ntp_seconds::unix_seconds;

/// The cases of `ntp-seconds`.
pub const CASES: &[exercise_harness::Case] = cases! {
    unix_epoch, a_known_date, before_1970_is_none
};

fn converts(ntp: u64, want: Option<u64>) -> Check {
    step(format!("unix_seconds({ntp})"));
    expect_text(format!("{:?}", unix_seconds(ntp)), format!("{want:?}"))
}

fn unix_epoch() -> Check {
    converts(2_208_988_800, Some(0))
}

fn a_known_date() -> Check {
    // 2026-01-01 00:00:00 UTC.
    converts(2_208_988_800 + 1_767_225_600, Some(1_767_225_600))
}

fn before_1970_is_none() -> Check {
    converts(2_208_988_799, None)?;
    converts(0, None)
}

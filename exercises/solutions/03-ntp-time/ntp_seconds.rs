//! Solution to `ntp-seconds` (lesson 3, warm-up).

/// NTP's seconds since 1900-01-01 as Unix seconds since 1970-01-01; `None` before 1970.
pub fn unix_seconds(ntp_seconds: u64) -> Option<u64> {
    // 70 years, 17 of them leap years: (70 * 365 + 17) * 86,400 seconds.
    ntp_seconds.checked_sub(2_208_988_800)
}

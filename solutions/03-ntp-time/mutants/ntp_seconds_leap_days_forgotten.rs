// A wrong solution to `ntp-seconds`, kept so a test can prove the check rejects it.
//
// The bug: forgets the 17 leap days (70 * 365 days).
// The case that catches it: `unix_epoch`.

/// NTP's seconds since 1900-01-01 as Unix seconds since 1970-01-01; `None` before 1970.
pub fn unix_seconds(ntp_seconds: u64) -> Option<u64> {
    // 70 years, 17 of them leap years: (70 * 365 + 17) * 86,400 seconds.
    ntp_seconds.checked_sub(70 * 365 * 86_400)
}

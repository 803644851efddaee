//! Exercise `ntp-seconds` (lesson 3, warm-up): two calendars, one subtraction.
//!
//! Write `unix_seconds`: an SNTP timestamp counts seconds from 1900-01-01 (its high 32 bits),
//! Unix time from 1970-01-01. Return the Unix seconds, or `None` for a time before 1970.
//!
//! Check your work:  cargo exercises check ntp-seconds

/// NTP's seconds since 1900-01-01 as Unix seconds since 1970-01-01; `None` before 1970.
pub fn unix_seconds(ntp_seconds: u64) -> Option<u64> {
    // TODO: subtract the seconds from 1900 to 1970, without wrapping below zero.
    todo!("convert {ntp_seconds}")
}

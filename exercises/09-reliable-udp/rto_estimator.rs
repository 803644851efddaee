//! Exercise `rto-estimator` (lesson 9, medium): how long to wait before resending.
//!
//! A sender that resends after a fixed time either waits too long on a fast path or floods a
//! slow one. TCP measures instead, as RFC 6298 says; write that estimator:
//!
//! - before any measurement, RTO = 1 s (section 2.1);
//! - first round-trip sample R: SRTT = R, RTTVAR = R / 2 (2.2);
//! - each later sample R: first RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R| (with the old SRTT),
//!   then SRTT = 7/8 SRTT + 1/8 R (2.3);
//! - after every sample, RTO = SRTT + 4 RTTVAR, kept between `min` and `max` (2.4, 2.5);
//! - when the timer expires, double the RTO, at most `max` (5.5);
//! - Karn's rule (section 3): an ACK for a segment that was sent more than once may answer
//!   any of the copies, so it gives no sample; the backed-off RTO stays.
//!
//! The check feeds samples and timeouts by hand (no clock, no sockets) and compares the RTO
//! after each to the RFC's arithmetic, to the nanosecond.
//!
//! Check your work:  cargo exercises check rto-estimator

use std::time::Duration;

/// The retransmission timeout of RFC 6298, with Karn's rule.
pub struct RtoEstimator {
    // TODO: the fields you need (the RTO; SRTT and RTTVAR once there is a sample; min, max).
}

impl RtoEstimator {
    /// An estimator whose RTO never goes below `min` nor above `max`.
    pub fn new(min: Duration, max: Duration) -> Self {
        todo!("an estimator between {min:?} and {max:?}")
    }

    /// The timeout to arm for the next transmission.
    pub fn rto(&self) -> Duration {
        todo!()
    }

    /// An acknowledgement came `rtt` after its segment was sent; `retransmitted` says that
    /// segment had been sent more than once.
    pub fn on_ack(&mut self, rtt: Duration, retransmitted: bool) {
        todo!("a sample of {rtt:?} (retransmitted: {retransmitted})")
    }

    /// The retransmission timer expired.
    pub fn on_timeout(&mut self) {
        todo!()
    }
}

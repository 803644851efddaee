//! Solution to `rto-estimator` (lesson 9, medium).

use std::time::Duration;

/// The retransmission timeout of RFC 6298, with Karn's rule.
pub struct RtoEstimator {
    min: Duration,
    max: Duration,
    /// SRTT and RTTVAR, once the first sample has come.
    smoothed: Option<(Duration, Duration)>,
    rto: Duration,
}

impl RtoEstimator {
    /// Before any sample the RTO is 1 second (RFC 6298 2.1). It never goes below `min`
    /// (2.4 says 1 second; a loopback course uses less) nor above `max` (2.5).
    pub fn new(min: Duration, max: Duration) -> Self {
        RtoEstimator {
            min,
            max,
            smoothed: None,
            rto: Duration::from_secs(1).clamp(min, max),
        }
    }

    /// The timeout to arm for the next transmission.
    pub fn rto(&self) -> Duration {
        self.rto
    }

    /// An acknowledgement came `rtt` after the segment it acknowledges was sent.
    /// `retransmitted`: that segment had been sent more than once, so the ACK may answer any
    /// copy, and Karn's rule says not to take a sample (the backed-off RTO stays).
    pub fn on_ack(&mut self, rtt: Duration, retransmitted: bool) {
        if retransmitted {
            return;
        }
        let (srtt, rttvar) = match self.smoothed {
            // 2.2: the first measurement.
            None => (rtt, rtt / 2),
            // 2.3: RTTVAR first, with the old SRTT; beta = 1/4, alpha = 1/8.
            Some((srtt, rttvar)) => {
                let rttvar = rttvar * 3 / 4 + srtt.abs_diff(rtt) / 4;
                let srtt = srtt * 7 / 8 + rtt / 8;
                (srtt, rttvar)
            }
        };
        self.smoothed = Some((srtt, rttvar));
        // RTO = SRTT + max(G, K*RTTVAR), K = 4; our clock's granularity G is far below.
        self.rto = (srtt + rttvar * 4).clamp(self.min, self.max);
    }

    /// The timer expired: back off, doubling the RTO up to `max` (5.5).
    pub fn on_timeout(&mut self) {
        self.rto = (self.rto * 2).min(self.max);
    }
}

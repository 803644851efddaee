//! How long to wait for an acknowledgement before sending again: RFC 6298's retransmission
//! timeout (RTO), the one TCP uses, worked out from round-trip time (RTT) samples.
//!
//! A fixed timeout is wrong everywhere but where it was tuned: too short on a slow path (every
//! packet is sent twice), too long on a fast one (a loss costs far more than a round trip).
//! RFC 6298 keeps a smoothed RTT (SRTT) and how much it varies (RTTVAR), and waits a little
//! more than a round trip: RTO = SRTT + 4 * RTTVAR.

use std::time::Duration;

/// RFC 6298's estimator, with the floor and ceiling the caller chooses.
#[derive(Clone, Debug)]
pub struct RttEstimator {
    srtt: Option<Duration>,
    rttvar: Duration,
    rto: Duration,
    min_rto: Duration,
    max_rto: Duration,
}

impl RttEstimator {
    /// RFC 6298 (2.1): until the first sample, RTO is one second.
    pub const INITIAL_RTO: Duration = Duration::from_secs(1);
    /// The clock granularity G of (2.2) and (2.3): our timers tick in milliseconds or better.
    pub const GRANULARITY: Duration = Duration::from_millis(1);

    /// An estimator with no sample yet. RFC 6298 (2.4) says to round an RTO below one second
    /// up to one second; Linux's TCP instead keeps the variation term at 200 ms or more (its
    /// RTO is at least SRTT + 200 ms). We floor the RTO itself at `min_rto` (200 ms by default,
    /// `--min-rto`), since one second would make every loss on a 1 ms path cost a thousand
    /// round trips. RFC 6298 (2.5) asks that a ceiling be at least 60 s; ours is `max_rto`
    /// (4 s by default: see the lesson).
    pub fn new(min_rto: Duration, max_rto: Duration) -> Self {
        RttEstimator {
            srtt: None,
            rttvar: Duration::ZERO,
            rto: Self::INITIAL_RTO.max(min_rto).min(max_rto),
            min_rto,
            max_rto,
        }
    }

    /// Takes one RTT measurement R. Only packets sent once may give one (Karn's rule): the
    /// caller must not pass the time of a retransmitted packet, whose ACK may answer either copy.
    pub fn sample(&mut self, r: Duration) {
        match self.srtt {
            // (2.2) The first measurement: SRTT = R, RTTVAR = R/2.
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            // (2.3) The next ones, RTTVAR first (it uses the old SRTT), with
            // alpha = 1/8 and beta = 1/4:
            //   RTTVAR = (1 - beta) * RTTVAR + beta * |SRTT - R|
            //   SRTT   = (1 - alpha) * SRTT + alpha * R
            Some(srtt) => {
                self.rttvar = self.rttvar * 3 / 4 + srtt.abs_diff(r) / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        // (2.2), (2.3): RTO = SRTT + max(G, K * RTTVAR) with K = 4, then (2.4), (2.5): the
        // floor and the ceiling.
        let srtt = self.srtt.unwrap_or(r);
        let rto = srtt + (self.rttvar * 4).max(Self::GRANULARITY);
        // (Not `clamp`, which panics when a user gives a floor above the ceiling.)
        self.rto = rto.max(self.min_rto).min(self.max_rto);
    }

    /// (5.5) The timer went off: wait twice as long next time ("exponential back-off"), up to
    /// the ceiling. The doubled RTO stays until a new sample (from a packet sent only once)
    /// replaces it.
    pub fn back_off(&mut self) {
        self.rto = (self.rto * 2).min(self.max_rto);
    }

    /// The timeout to use now.
    pub fn rto(&self) -> Duration {
        self.rto
    }

    /// The smoothed RTT, once there is a sample.
    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    /// How much the RTT varies (zero before the first sample).
    pub fn rttvar(&self) -> Duration {
        self.rttvar
    }

    /// SRTT + 4 * RTTVAR before the floor and ceiling: what the formula alone would give.
    pub fn unclamped_rto(&self) -> Option<Duration> {
        self.srtt
            .map(|srtt| srtt + (self.rttvar * 4).max(Self::GRANULARITY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: f64) -> Duration {
        Duration::from_secs_f64(x / 1000.0)
    }

    fn close(a: Duration, b: Duration) -> bool {
        a.abs_diff(b) < Duration::from_micros(1)
    }

    #[test]
    fn rto_follows_rfc_6298_on_a_fixed_sequence_of_samples() {
        let mut est = RttEstimator::new(ms(0.0), Duration::from_secs(60));
        // (2.1) before any sample.
        assert_eq!(est.rto(), Duration::from_secs(1));

        // (2.2) R = 100 ms: SRTT 100, RTTVAR 50, RTO = 100 + 4 * 50 = 300.
        est.sample(ms(100.0));
        assert!(close(est.srtt().unwrap(), ms(100.0)));
        assert!(close(est.rttvar(), ms(50.0)));
        assert!(close(est.rto(), ms(300.0)));

        // (2.3) R = 200 ms: RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5,
        // SRTT = 7/8 * 100 + 1/8 * 200 = 112.5, RTO = 112.5 + 4 * 62.5 = 362.5.
        est.sample(ms(200.0));
        assert!(close(est.rttvar(), ms(62.5)));
        assert!(close(est.srtt().unwrap(), ms(112.5)));
        assert!(close(est.rto(), ms(362.5)));

        // R = 112.5 ms, equal to SRTT: RTTVAR shrinks by a quarter, SRTT stays.
        est.sample(ms(112.5));
        assert!(close(est.rttvar(), ms(46.875)));
        assert!(close(est.srtt().unwrap(), ms(112.5)));
        assert!(close(est.rto(), ms(112.5 + 187.5)));

        // A steady path: RTTVAR decays towards 0, RTO towards SRTT + G.
        for _ in 0..200 {
            est.sample(ms(112.5));
        }
        assert!(close(est.rto(), ms(112.5) + RttEstimator::GRANULARITY));
    }

    #[test]
    fn rto_never_leaves_its_floor_and_ceiling_and_back_off_doubles_it() {
        let mut est = RttEstimator::new(ms(200.0), Duration::from_secs(2));
        est.sample(ms(10.0)); // formula: 10 + 4 * 5 = 30 ms, floor 200 ms
        assert!(close(est.rto(), ms(200.0)));
        assert!(close(est.unclamped_rto().unwrap(), ms(30.0)));
        est.back_off();
        assert!(close(est.rto(), ms(400.0)));
        est.back_off();
        est.back_off();
        assert!(close(est.rto(), ms(1600.0)));
        est.back_off(); // 3200 > the 2 s ceiling
        assert_eq!(est.rto(), Duration::from_secs(2));
        // A fresh sample replaces the backed-off value.
        est.sample(ms(10.0));
        assert!(est.rto() < Duration::from_secs(1));
    }
}

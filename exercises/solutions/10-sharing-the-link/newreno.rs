//! Solution to `newreno` (lesson 10, medium).

use std::time::Duration;

/// NewReno's congestion window (RFC 5681, RFC 9002 section 7.3), in bytes.
pub struct NewReno {
    mss: u64,
    cwnd: u64,
    ssthresh: u64,
    /// Bytes acknowledged in congestion avoidance since the window last grew.
    acked: u64,
    /// When the current recovery period began, if one ever did.
    recovery_start: Option<Duration>,
}

impl NewReno {
    /// Ten segments of `mss` bytes, in slow start (no threshold yet).
    pub fn new(mss: u64) -> Self {
        NewReno {
            mss,
            cwnd: 10 * mss,
            ssthresh: u64::MAX,
            acked: 0,
            recovery_start: None,
        }
    }

    /// The congestion window, in bytes.
    pub fn cwnd(&self) -> u64 {
        self.cwnd
    }

    /// The slow start threshold, in bytes (`u64::MAX` before the first cut).
    pub fn ssthresh(&self) -> u64 {
        self.ssthresh
    }

    /// Was a packet sent at `sent_at` sent before the current recovery period began?
    fn before_the_cut(&self, sent_at: Duration) -> bool {
        self.recovery_start.is_some_and(|start| sent_at <= start)
    }

    /// `bytes` of a packet sent at `sent_at` were acknowledged.
    pub fn on_ack(&mut self, sent_at: Duration, bytes: u64) {
        if self.before_the_cut(sent_at) {
            return;
        }
        if self.cwnd < self.ssthresh {
            self.cwnd += bytes;
        } else {
            self.acked += bytes;
            if self.acked >= self.cwnd {
                self.acked -= self.cwnd;
                self.cwnd += self.mss;
            }
        }
    }

    /// A packet sent at `sent_at` was found lost at `now`.
    pub fn on_loss(&mut self, sent_at: Duration, now: Duration) {
        if self.before_the_cut(sent_at) {
            return;
        }
        self.recovery_start = Some(now);
        self.ssthresh = (self.cwnd / 2).max(2 * self.mss);
        self.cwnd = self.ssthresh;
        self.acked = 0;
    }

    /// The retransmission timer ran out at `now`.
    pub fn on_timeout(&mut self, now: Duration) {
        self.recovery_start = Some(now);
        self.ssthresh = (self.cwnd / 2).max(2 * self.mss);
        self.cwnd = self.mss;
        self.acked = 0;
    }
}

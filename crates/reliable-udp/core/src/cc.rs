//! Congestion control: how much a sender may have in flight so that it shares the path with
//! everybody else instead of filling its queues. NewReno, as RFC 5681 describes it for TCP and
//! RFC 9002 (§7.3 and Appendix B) for QUIC, counted in bytes:
//!
//! - **slow start**: the congestion window (cwnd) grows by every byte acknowledged, so it
//!   doubles every round trip, until the first loss or `ssthresh`;
//! - **congestion avoidance**: past `ssthresh`, it grows by one segment per window of bytes
//!   acknowledged, one segment per round trip ("additive increase");
//! - **a loss** (found by fast retransmit) halves it ("multiplicative decrease") and starts a
//!   **recovery period**: losses of packets sent before it began belong to the same event and
//!   do not cut again, and acknowledgements of those packets do not grow the window. The sender
//!   goes on at half the window (**fast recovery**: no return to slow start), and the period
//!   ends with the first acknowledgement of a packet sent after it began;
//! - **a timeout** means the ACK clock stopped: the window goes back to one segment (RFC 5681's
//!   loss window) and slow start begins again, up to half the old window.
//!
//! Like [`crate::rto`], no clock and no socket: the sender passes the time of each event (the
//! time since its start), so the tests move the clock by hand.

use std::time::Duration;

/// Which congestion control a sender runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// None: the window stays the size given (the lesson 9 sender).
    #[default]
    None,
    /// NewReno (RFC 5681, RFC 9002 §7.3).
    NewReno,
}

/// NewReno's state.
#[derive(Clone, Debug)]
pub struct NewReno {
    /// The segment size: bytes in a full packet.
    mss: u64,
    cwnd: u64,
    ssthresh: u64,
    /// Bytes acknowledged in congestion avoidance since the window last grew.
    acked_in_avoidance: u64,
    /// When the current recovery period began, if one ever did.
    recovery_start: Option<Duration>,
    /// Cuts of the window so far: losses (one per recovery period) and timeouts.
    reductions: u64,
    /// A timeout happened and no packet sent since has been acknowledged.
    timed_out: bool,
}

impl NewReno {
    /// RFC 9002 §7.2: the initial window is ten segments (as RFC 6928 allows TCP).
    pub const INITIAL_SEGMENTS: u64 = 10;
    /// RFC 9002 §7.2: the window never goes below two segments after a loss.
    pub const MINIMUM_SEGMENTS: u64 = 2;

    /// A controller for packets of `mss` bytes, in slow start with the initial window.
    pub fn new(mss: u64) -> Self {
        let mss = mss.max(1);
        NewReno {
            mss,
            cwnd: Self::INITIAL_SEGMENTS * mss,
            ssthresh: u64::MAX,
            acked_in_avoidance: 0,
            recovery_start: None,
            reductions: 0,
            timed_out: false,
        }
    }

    /// The congestion window, in bytes.
    pub fn cwnd(&self) -> u64 {
        self.cwnd
    }

    /// The congestion window in whole segments (at least one): the packets that may be in
    /// flight.
    pub fn window_segments(&self) -> u64 {
        (self.cwnd / self.mss).max(1)
    }

    /// The slow start threshold, in bytes (`u64::MAX` until the first loss).
    pub fn ssthresh(&self) -> u64 {
        self.ssthresh
    }

    /// Slow start: below the threshold.
    pub fn in_slow_start(&self) -> bool {
        self.cwnd < self.ssthresh
    }

    /// How many times the window was cut.
    pub fn reductions(&self) -> u64 {
        self.reductions
    }

    /// Is a packet sent at `sent_at` from before the current recovery period?
    fn in_recovery(&self, sent_at: Duration) -> bool {
        self.recovery_start.is_some_and(|start| sent_at <= start)
    }

    /// `bytes` of a packet sent at `sent_at` were acknowledged.
    pub fn on_ack(&mut self, sent_at: Duration, bytes: u64) {
        // RFC 9002 B.5: no growth for packets sent before the recovery period began.
        if self.in_recovery(sent_at) {
            return;
        }
        self.timed_out = false;
        if self.in_slow_start() {
            // Every byte acknowledged adds one: the window doubles each round trip.
            self.cwnd = self.cwnd.saturating_add(bytes);
            return;
        }
        // Congestion avoidance: one segment per window of bytes acknowledged.
        self.acked_in_avoidance += bytes;
        if self.acked_in_avoidance >= self.cwnd {
            self.acked_in_avoidance -= self.cwnd;
            self.cwnd += self.mss;
        }
    }

    /// A packet sent at `sent_at` was found lost at `now` (three later packets overtook it).
    /// Halves the window, once per recovery period.
    pub fn on_loss(&mut self, sent_at: Duration, now: Duration) {
        if self.in_recovery(sent_at) {
            return; // the same congestion event as the cut already made
        }
        self.recovery_start = Some(now);
        self.ssthresh = (self.cwnd / 2).max(Self::MINIMUM_SEGMENTS * self.mss);
        self.cwnd = self.ssthresh;
        self.acked_in_avoidance = 0;
        self.reductions += 1;
    }

    /// The retransmission timer ran out at `now`: one segment, and slow start again up to half
    /// the window before (RFC 5681 §3.1, equation (4) and the loss window). A timeout again,
    /// before anything sent since the last one is acknowledged, leaves the threshold where it
    /// is (RFC 5681's implementation note): halving a window of one segment says nothing.
    pub fn on_timeout(&mut self, now: Duration) {
        self.recovery_start = Some(now);
        if !self.timed_out {
            self.ssthresh = (self.cwnd / 2).max(Self::MINIMUM_SEGMENTS * self.mss);
        }
        self.timed_out = true;
        self.cwnd = self.mss;
        self.acked_in_avoidance = 0;
        self.reductions += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: u64 = 1000;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// One round trip of `rtt` ms starting at `now`: the whole window is sent at `now` and
    /// every packet of it acknowledged at `now + rtt`. Returns the time at its end.
    fn round_trip(cc: &mut NewReno, now: Duration, rtt: u64) -> Duration {
        let packets = cc.window_segments();
        for _ in 0..packets {
            cc.on_ack(now, MSS);
        }
        now + ms(rtt)
    }

    #[test]
    fn slow_start_doubles_the_window_every_round_trip() {
        let mut cc = NewReno::new(MSS);
        assert_eq!(cc.cwnd(), 10 * MSS);
        let mut now = ms(0);
        for expected in [20, 40, 80, 160] {
            now = round_trip(&mut cc, now, 50);
            assert_eq!(cc.window_segments(), expected);
            assert!(cc.in_slow_start());
        }
    }

    #[test]
    fn congestion_avoidance_adds_one_segment_per_round_trip() {
        let mut cc = NewReno::new(MSS);
        let mut now = round_trip(&mut cc, ms(0), 50); // 20 segments
        cc.on_loss(ms(0), now); // 10 segments, ssthresh 10
        assert_eq!(cc.window_segments(), 10);
        now += ms(50);
        for expected in 11..=20 {
            now = round_trip(&mut cc, now, 50);
            assert_eq!(cc.window_segments(), expected);
            assert!(!cc.in_slow_start());
        }
    }

    #[test]
    fn many_losses_of_one_window_halve_it_once_per_recovery_period() {
        let mut cc = NewReno::new(MSS);
        let now = round_trip(&mut cc, ms(0), 50);
        let now = round_trip(&mut cc, now, 50); // 40 segments, all sent at 100 ms
        assert_eq!(cc.window_segments(), 40);
        // Ten packets of the window sent at 100 ms are lost, found one after the other.
        for i in 0..10 {
            cc.on_loss(now, now + ms(60 + i));
        }
        assert_eq!(cc.window_segments(), 20);
        assert_eq!(cc.reductions(), 1);
        // Their acknowledgements (packets sent before the cut) do not grow the window.
        for _ in 0..30 {
            cc.on_ack(now, MSS);
        }
        assert_eq!(cc.window_segments(), 20);
        // A packet sent after the cut and lost is a new congestion event: halved again.
        cc.on_loss(now + ms(70), now + ms(130));
        assert_eq!(cc.window_segments(), 10);
        assert_eq!(cc.reductions(), 2);
    }

    #[test]
    fn a_timeout_goes_back_to_one_segment_and_slow_starts_to_half() {
        let mut cc = NewReno::new(MSS);
        let now = round_trip(&mut cc, ms(0), 50); // 20 segments
        cc.on_timeout(now + ms(200));
        assert_eq!(cc.cwnd(), MSS);
        assert_eq!(cc.ssthresh(), 10 * MSS);
        // Packets sent after the timeout: slow start again, 1, 2, 4, 8, then 10 (the threshold,
        // reached within that round trip) and on slowly.
        let mut now = now + ms(201);
        for expected in [2, 4, 8, 10, 11] {
            now = round_trip(&mut cc, now, 50);
            assert_eq!(cc.window_segments(), expected);
        }
        assert!(!cc.in_slow_start());
    }

    #[test]
    fn timeouts_in_a_row_keep_the_threshold_of_the_first() {
        let mut cc = NewReno::new(MSS);
        let now = round_trip(&mut cc, ms(0), 50); // 20 segments
        cc.on_timeout(now + ms(200));
        cc.on_timeout(now + ms(600)); // backed off, still nothing acknowledged
        assert_eq!((cc.cwnd(), cc.ssthresh()), (MSS, 10 * MSS));
        assert_eq!(cc.reductions(), 2);
        // Once a packet sent after them is acknowledged, a timeout halves again.
        cc.on_ack(now + ms(601), MSS);
        cc.on_timeout(now + ms(900));
        assert_eq!(cc.ssthresh(), 2 * MSS);
    }

    #[test]
    fn the_window_never_falls_below_two_segments_after_a_loss() {
        let mut cc = NewReno::new(MSS);
        for i in 0..10 {
            cc.on_loss(ms(100 * i + 50), ms(100 * i + 60));
        }
        assert_eq!(cc.window_segments(), NewReno::MINIMUM_SEGMENTS);
    }
}

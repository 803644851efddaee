//! Exercise `newreno` (lesson 10, medium): how much a sender may have in flight.
//!
//! A sender that never slows down takes the link from everybody else. NewReno (RFC 5681, and
//! RFC 9002 section 7.3 for QUIC) keeps a congestion window, in bytes, and moves it with what
//! the acknowledgements and the losses say. Write it:
//!
//! - it starts at 10 segments of `mss` bytes, with no threshold (`ssthresh` is `u64::MAX`);
//! - slow start (below `ssthresh`): every byte acknowledged adds one to the window;
//! - congestion avoidance (at or above `ssthresh`): count the bytes acknowledged; each time
//!   they reach a whole window, add one segment and start counting again from what is left;
//! - a loss of a packet sent at `sent_at`, found at `now`: `ssthresh` = half the window (at
//!   least 2 segments), the window = `ssthresh`, and a recovery period begins at `now`;
//! - in a recovery period, a loss of a packet sent at or before its start is the same event:
//!   no second cut. An acknowledgement of such a packet does not grow the window either;
//! - a timeout at `now`: `ssthresh` = half the window (at least 2 segments), the window = one
//!   segment, and a recovery period begins at `now`.
//!
//! No clock here and no socket: the check passes the times by hand and compares the window
//! after each event.
//!
//! Check your work:  cargo exercises check newreno

use std::time::Duration;

/// NewReno's congestion window (RFC 5681, RFC 9002 section 7.3), in bytes.
pub struct NewReno {
    // TODO: the fields you need (the segment size, the window, the threshold, the bytes
    // counted in congestion avoidance, when the recovery period began).
}

impl NewReno {
    /// Ten segments of `mss` bytes, in slow start (no threshold yet).
    pub fn new(mss: u64) -> Self {
        todo!("a window of ten segments of {mss} bytes")
    }

    /// The congestion window, in bytes.
    pub fn cwnd(&self) -> u64 {
        todo!()
    }

    /// The slow start threshold, in bytes (`u64::MAX` before the first cut).
    pub fn ssthresh(&self) -> u64 {
        todo!()
    }

    /// `bytes` of a packet sent at `sent_at` were acknowledged.
    pub fn on_ack(&mut self, sent_at: Duration, bytes: u64) {
        todo!("{bytes} bytes sent at {sent_at:?} acknowledged")
    }

    /// A packet sent at `sent_at` was found lost at `now`.
    pub fn on_loss(&mut self, sent_at: Duration, now: Duration) {
        todo!("a packet sent at {sent_at:?} lost, found at {now:?}")
    }

    /// The retransmission timer ran out at `now`.
    pub fn on_timeout(&mut self, now: Duration) {
        todo!("a timeout at {now:?}")
    }
}

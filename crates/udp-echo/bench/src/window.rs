//! The requests in flight: which ones are still waiting for a reply, and which have waited
//! so long that they count as lost.

use std::time::{Duration, Instant};

/// Requests sent and not yet answered, each with the time it was sent.
///
/// The window is small (16 by default), so a plain list searched from the front is as fast
/// as anything cleverer, and replies mostly come back in order.
#[derive(Debug, Default)]
pub struct Window {
    waiting: Vec<(u64, Instant)>,
}

impl Window {
    /// An empty window with room for `capacity` requests.
    pub fn with_capacity(capacity: usize) -> Window {
        Window {
            waiting: Vec::with_capacity(capacity),
        }
    }

    /// How many requests wait for a reply.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// True when no request waits.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Request `seq` was sent at `at`.
    pub fn sent(&mut self, seq: u64, at: Instant) {
        self.waiting.push((seq, at));
    }

    /// Request `seq` was answered: no longer waits. Gives when it was sent, or `None` if it
    /// was not waiting (answered before, or already counted as lost).
    pub fn answered(&mut self, seq: u64) -> Option<Instant> {
        let index = self.waiting.iter().position(|&(s, _)| s == seq)?;
        Some(self.waiting.remove(index).1)
    }

    /// Gives up on every request sent `timeout` or longer before `now`, and says how many.
    pub fn expire(&mut self, now: Instant, timeout: Duration) -> usize {
        let before = self.waiting.len();
        self.waiting
            .retain(|&(_, sent)| now.saturating_duration_since(sent) < timeout);
        before - self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOSS: Duration = Duration::from_millis(200);

    #[test]
    fn an_answered_request_stops_waiting_and_tells_when_it_was_sent() {
        let t0 = Instant::now();
        let mut window = Window::with_capacity(4);
        window.sent(1, t0);
        window.sent(2, t0 + Duration::from_millis(1));
        assert_eq!(window.answered(2), Some(t0 + Duration::from_millis(1)));
        assert_eq!(window.len(), 1);
        assert_eq!(
            window.answered(2),
            None,
            "a duplicate reply is not an answer"
        );
        assert_eq!(window.answered(1), Some(t0));
        assert!(window.is_empty());
    }

    #[test]
    fn a_request_waiting_200_ms_is_lost_and_a_younger_one_is_not() {
        let t0 = Instant::now();
        let mut window = Window::default();
        window.sent(1, t0);
        window.sent(2, t0 + Duration::from_millis(50));
        assert_eq!(window.expire(t0 + Duration::from_millis(199), LOSS), 0);
        assert_eq!(window.expire(t0 + LOSS, LOSS), 1);
        assert_eq!(window.len(), 1);
        // A reply that comes after its request was given up is not an answer either.
        assert_eq!(window.answered(1), None);
        assert_eq!(window.expire(t0 + Duration::from_secs(1), LOSS), 1);
        assert!(window.is_empty());
    }
}

//! Solution to `chat-contacts` (lesson 2, hard).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The chat server's contact table: at most `capacity` peers, and none idle for `idle`.
pub struct Contacts {
    capacity: usize,
    idle: Duration,
    /// Each peer and when it was last heard from.
    peers: Vec<(SocketAddr, Instant)>,
}

impl Contacts {
    pub fn new(capacity: usize, idle: Duration) -> Self {
        Contacts {
            capacity,
            idle,
            peers: Vec::new(),
        }
    }

    /// Notes that `peer` sent something at `now`. A new peer in a full table takes the place of
    /// the peer heard from longest ago.
    pub fn heard_from(&mut self, peer: SocketAddr, now: Instant) {
        self.forget_idle(now);
        if let Some(entry) = self.peers.iter_mut().find(|(addr, _)| *addr == peer) {
            entry.1 = now;
            return;
        }
        if self.capacity == 0 {
            return;
        }
        if self.peers.len() == self.capacity {
            if let Some(oldest) = (0..self.peers.len()).min_by_key(|&i| self.peers[i].1) {
                self.peers.swap_remove(oldest);
            }
        }
        self.peers.push((peer, now));
    }

    /// Whom a message from `sender` goes to at `now`: every peer but the sender that has been
    /// heard from less than `idle` ago. Idle peers are forgotten.
    pub fn targets(&mut self, sender: SocketAddr, now: Instant) -> Vec<SocketAddr> {
        self.forget_idle(now);
        self.peers
            .iter()
            .map(|&(addr, _)| addr)
            .filter(|&addr| addr != sender)
            .collect()
    }

    /// How many peers the table holds.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    fn forget_idle(&mut self, now: Instant) {
        let idle = self.idle;
        self.peers
            .retain(|&(_, last)| now.saturating_duration_since(last) < idle);
    }
}

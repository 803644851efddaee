//! Exercise `chat-contacts` (lesson 2, hard): a contact table that cannot be flooded.
//!
//! A relay like `chat-relay` remembers every address that ever wrote to it: a peer that left
//! stays for ever, and anyone can fill its memory by writing from many ports. Write
//! `Contacts`, the table a real server needs:
//!
//! - it holds at most `capacity` peers; when a new peer arrives and the table is full, the
//!   peer heard from longest ago makes room for it;
//! - a peer not heard from for `idle` or longer is forgotten (checked on every call);
//! - `targets(sender, now)` lists whom a message from `sender` goes to: every peer still in
//!   the table except the sender, in any order.
//!
//! Time comes in as an argument (`now`), so the check can move the clock by hand: no waiting.
//!
//! Check your work:  cargo exercises check chat-contacts

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The chat server's contact table: at most `capacity` peers, and none idle for `idle`.
pub struct Contacts {
    // TODO: the fields you need (a Vec of (address, last heard) pairs is enough).
}

impl Contacts {
    pub fn new(capacity: usize, idle: Duration) -> Self {
        todo!("an empty table for {capacity} peers, forgetting after {idle:?}")
    }

    /// Notes that `peer` sent something at `now`.
    pub fn heard_from(&mut self, peer: SocketAddr, now: Instant) {
        todo!("note {peer} at {now:?}")
    }

    /// Whom a message from `sender` goes to at `now`; idle peers are forgotten first.
    pub fn targets(&mut self, sender: SocketAddr, now: Instant) -> Vec<SocketAddr> {
        todo!("everyone but {sender} at {now:?}")
    }

    /// How many peers the table holds.
    pub fn len(&self) -> usize {
        todo!()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

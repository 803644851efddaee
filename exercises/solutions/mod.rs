//! The reference solutions, file for file beside the starters in ../NN-lesson/, and the
//! checks (../checks/) compiled against them. Beside each lesson's solutions, the wrong ones a
//! student might plausibly write, each a patch to its reference solution
//! (NN-lesson/mutants/NAME.patch), and each starter as shipped, a patch too
//! (NN-lesson/NAME.starter.patch); build.rs applies them when the `honesty` feature is on.
//!
//! With that feature, three editions are compiled, each with the same shape (the exercise files
//! side by side, and `checks` beside them): the reference solutions (this module), the starters
//! as shipped ([`shipped`]) and every wrong solution ([`mutants`]). The tests in
//! crates/exercise-runner/tests/ prove each starter as shipped fails, each solution passes, and
//! each wrong solution fails a case; your working copy (../NN-lesson/) is never among them, so
//! committing solved exercises keeps `cargo test --workspace` green. An exercise's own target
//! (../targets/) takes the other files of its lesson from here.
// The same checks are compiled against each edition on purpose: that is how one case list
// checks the solutions, the shipped starters and every wrong solution alike.
#![allow(clippy::duplicate_mod)]

#[path = "08-many-clients/async_server.rs"]
pub mod async_server;
#[path = "02-udp-qq/chat_contacts.rs"]
pub mod chat_contacts;
#[path = "02-udp-qq/chat_relay.rs"]
pub mod chat_relay;
#[path = "01-udp-echo/echo_once.rs"]
pub mod echo_once;
#[path = "01-udp-echo/echo_retry.rs"]
pub mod echo_retry;
#[path = "06-empty-datagram/empty_or_timeout.rs"]
pub mod empty_or_timeout;
#[path = "06-empty-datagram/heartbeat.rs"]
pub mod heartbeat;
#[path = "07-loss/loss_tally.rs"]
pub mod loss_tally;
#[path = "08-many-clients/pool_server.rs"]
pub mod pool_server;
#[path = "04-tcp-remote-cmd/read_frame.rs"]
pub mod read_frame;
#[path = "05-udp-remote-cmd/reassemble.rs"]
pub mod reassemble;
#[path = "09-reliable-udp/retransmissions.rs"]
pub mod retransmissions;
#[path = "09-reliable-udp/rto_estimator.rs"]
pub mod rto_estimator;
#[path = "05-udp-remote-cmd/send_in_pieces.rs"]
pub mod send_in_pieces;
#[path = "07-loss/send_numbered.rs"]
pub mod send_numbered;
#[path = "03-ntp-time/sntp_ask.rs"]
pub mod sntp_ask;
#[path = "03-ntp-time/sntp_offset.rs"]
pub mod sntp_offset;
#[path = "09-reliable-udp/stop_and_wait.rs"]
pub mod stop_and_wait;
#[path = "04-tcp-remote-cmd/tcp_upper.rs"]
pub mod tcp_upper;

#[path = "01-udp-echo/bind_loopback.rs"]
pub mod bind_loopback;
#[path = "02-udp-qq/chat_line.rs"]
pub mod chat_line;
#[path = "../checks/mod.rs"]
pub mod checks;
#[path = "09-reliable-udp/is_ack.rs"]
pub mod is_ack;
#[path = "06-empty-datagram/is_timeout.rs"]
pub mod is_timeout;
#[path = "04-tcp-remote-cmd/line_end.rs"]
pub mod line_end;
#[path = "07-loss/loss_percent.rs"]
pub mod loss_percent;
#[path = "03-ntp-time/ntp_seconds.rs"]
pub mod ntp_seconds;
#[path = "05-udp-remote-cmd/piece_header.rs"]
pub mod piece_header;
#[path = "08-many-clients/upper_line.rs"]
pub mod upper_line;

// Lesson 10's exercises.
#[path = "10-sharing-the-link/jain_fairness.rs"]
pub mod jain_fairness;
#[path = "10-sharing-the-link/link_holds.rs"]
pub mod link_holds;
#[path = "10-sharing-the-link/newreno.rs"]
pub mod newreno;

/// The starters as shipped, generated from their patches (NN-lesson/NAME.starter.patch): what
/// the runner's `reset` puts back.
#[cfg(feature = "honesty")]
pub mod shipped;

/// The wrong solutions kept beside the reference ones, as patches (NN-lesson/mutants/*.patch)
/// that build.rs applies.
#[cfg(feature = "honesty")]
pub mod mutants;

//! Your exercises, one file per exercise, in a folder per lesson. Nothing to edit here: open
//! the file an exercise names (its lesson page says which), replace the `todo!()` or the
//! part marked TODO, and check it with `cargo run -p exercises -- check NAME`.
//!
//! This file only lists the exercises for Cargo, and brings in their cases (checks/), which
//! call your code. The reference solutions live in ../solutions/, for after you have tried;
//! `cargo run -p exercises -- reset NAME` puts a starter back as shipped.

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
#[path = "checks/mod.rs"]
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

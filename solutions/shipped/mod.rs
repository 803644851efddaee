//! The starters as shipped, compiled from the pristine copies in crates/exercises/starters/
//! (which `cargo run -p exercises -- reset NAME` puts back), with the same checks: a test
//! proves each one fails, whatever the student has done to their working copy in exercises/.

#[path = "../../crates/exercises/starters/08-many-clients/async_server.rs"]
pub mod async_server;
#[path = "../../crates/exercises/starters/02-udp-qq/chat_contacts.rs"]
pub mod chat_contacts;
#[path = "../../crates/exercises/starters/02-udp-qq/chat_relay.rs"]
pub mod chat_relay;
#[path = "../../exercises/checks/mod.rs"]
pub mod checks;
#[path = "../../crates/exercises/starters/01-udp-echo/echo_once.rs"]
pub mod echo_once;
#[path = "../../crates/exercises/starters/01-udp-echo/echo_retry.rs"]
pub mod echo_retry;
#[path = "../../crates/exercises/starters/06-empty-datagram/empty_or_timeout.rs"]
pub mod empty_or_timeout;
#[path = "../../crates/exercises/starters/06-empty-datagram/heartbeat.rs"]
pub mod heartbeat;
#[path = "../../crates/exercises/starters/07-loss/loss_tally.rs"]
pub mod loss_tally;
#[path = "../../crates/exercises/starters/08-many-clients/pool_server.rs"]
pub mod pool_server;
#[path = "../../crates/exercises/starters/04-tcp-remote-cmd/read_frame.rs"]
pub mod read_frame;
#[path = "../../crates/exercises/starters/05-udp-remote-cmd/reassemble.rs"]
pub mod reassemble;
#[path = "../../crates/exercises/starters/09-reliable-udp/rto_estimator.rs"]
pub mod rto_estimator;
#[path = "../../crates/exercises/starters/05-udp-remote-cmd/send_in_pieces.rs"]
pub mod send_in_pieces;
#[path = "../../crates/exercises/starters/07-loss/send_numbered.rs"]
pub mod send_numbered;
#[path = "../../crates/exercises/starters/03-ntp-time/sntp_ask.rs"]
pub mod sntp_ask;
#[path = "../../crates/exercises/starters/03-ntp-time/sntp_offset.rs"]
pub mod sntp_offset;
#[path = "../../crates/exercises/starters/09-reliable-udp/stop_and_wait.rs"]
pub mod stop_and_wait;
#[path = "../../crates/exercises/starters/04-tcp-remote-cmd/tcp_upper.rs"]
pub mod tcp_upper;

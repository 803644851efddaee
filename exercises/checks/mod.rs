//! The checks: one function per exercise, run by `cargo run -p exercises -- check NAME`.
//!
//! Read them if you like (they show exactly what your code must do), but do not edit them:
//! the same file checks the reference solutions in solutions/. Each check drives your code
//! over loopback sockets (127.0.0.1, ports the OS picks, a timeout on every read) or, for the
//! pure state machines, with a clock it moves by hand.

use exercise_harness::Check;

#[path = "01-udp-echo.rs"]
mod lesson1;
#[path = "02-udp-qq.rs"]
mod lesson2;
#[path = "03-ntp-time.rs"]
mod lesson3;
#[path = "04-tcp-remote-cmd.rs"]
mod lesson4;
#[path = "05-udp-remote-cmd.rs"]
mod lesson5;
#[path = "06-empty-datagram.rs"]
mod lesson6;
#[path = "07-loss.rs"]
mod lesson7;
#[path = "08-many-clients.rs"]
mod lesson8;
#[path = "09-reliable-udp.rs"]
mod lesson9;

/// A check: it passes, or it says what went wrong.
pub type CheckFn = fn() -> Check;

/// Every exercise's name and check, in course order.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("echo-once", lesson1::echo_once),
    ("echo-retry", lesson1::echo_retry),
    ("chat-relay", lesson2::chat_relay),
    ("chat-contacts", lesson2::chat_contacts),
    ("sntp-offset", lesson3::sntp_offset),
    ("sntp-ask", lesson3::sntp_ask),
    ("tcp-upper", lesson4::tcp_upper),
    ("read-frame", lesson4::read_frame),
    ("send-in-pieces", lesson5::send_in_pieces),
    ("reassemble", lesson5::reassemble),
    ("empty-or-timeout", lesson6::empty_or_timeout),
    ("heartbeat", lesson6::heartbeat),
    ("send-numbered", lesson7::send_numbered),
    ("loss-tally", lesson7::loss_tally),
    ("pool-server", lesson8::pool_server),
    ("async-server", lesson8::async_server),
    ("rto-estimator", lesson9::rto_estimator),
    ("stop-and-wait", lesson9::stop_and_wait),
];

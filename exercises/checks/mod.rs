//! The checks: a list of named cases per exercise, run by `cargo run -p exercises -- check
//! NAME`, every case to the end.
//!
//! Read them if you like (they show exactly what your code must do), but do not edit them:
//! the same files check the reference solutions, the starters as shipped and the wrong
//! solutions kept in solutions/ (each must fail a case). Each case drives your code over
//! loopback sockets (127.0.0.1, ports the OS picks, a timeout on every read) or, for the pure
//! state machines, with a clock it moves by hand. A lesson's file reaches your code as
//! `super::super::FILE`, so the same file can check any edition.

use exercise_harness::Case;

#[path = "01-udp-echo.rs"]
pub mod lesson1;
#[path = "10-sharing-the-link.rs"]
pub mod lesson10;
#[path = "02-udp-qq.rs"]
pub mod lesson2;
#[path = "03-ntp-time.rs"]
pub mod lesson3;
#[path = "04-tcp-remote-cmd.rs"]
pub mod lesson4;
#[path = "05-udp-remote-cmd.rs"]
pub mod lesson5;
#[path = "06-empty-datagram.rs"]
pub mod lesson6;
#[path = "07-loss.rs"]
pub mod lesson7;
#[path = "08-many-clients.rs"]
pub mod lesson8;
#[path = "09-reliable-udp.rs"]
pub mod lesson9;

/// Every exercise's name and cases, in course order.
pub const CHECKS: &[(&str, &[Case])] = &[
    ("bind-loopback", lesson1::BIND_LOOPBACK),
    ("echo-once", lesson1::ECHO_ONCE),
    ("echo-retry", lesson1::ECHO_RETRY),
    ("chat-line", lesson2::CHAT_LINE),
    ("chat-relay", lesson2::CHAT_RELAY),
    ("chat-contacts", lesson2::CHAT_CONTACTS),
    ("ntp-seconds", lesson3::NTP_SECONDS),
    ("sntp-offset", lesson3::SNTP_OFFSET),
    ("sntp-ask", lesson3::SNTP_ASK),
    ("line-end", lesson4::LINE_END),
    ("tcp-upper", lesson4::TCP_UPPER),
    ("read-frame", lesson4::READ_FRAME),
    ("piece-header", lesson5::PIECE_HEADER),
    ("send-in-pieces", lesson5::SEND_IN_PIECES),
    ("reassemble", lesson5::REASSEMBLE),
    ("is-timeout", lesson6::IS_TIMEOUT),
    ("empty-or-timeout", lesson6::EMPTY_OR_TIMEOUT),
    ("heartbeat", lesson6::HEARTBEAT),
    ("loss-percent", lesson7::LOSS_PERCENT),
    ("send-numbered", lesson7::SEND_NUMBERED),
    ("loss-tally", lesson7::LOSS_TALLY),
    ("upper-line", lesson8::UPPER_LINE),
    ("pool-server", lesson8::POOL_SERVER),
    ("async-server", lesson8::ASYNC_SERVER),
    ("is-ack", lesson9::IS_ACK),
    ("rto-estimator", lesson9::RTO_ESTIMATOR),
    ("stop-and-wait", lesson9::STOP_AND_WAIT),
    ("retransmissions", lesson9::RETRANSMISSIONS),
    ("link-holds", lesson10::LINK_HOLDS),
    ("jain-fairness", lesson10::JAIN_FAIRNESS),
    ("newreno", lesson10::NEWRENO),
];

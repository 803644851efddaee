//! The checks: a list of named cases per exercise, run by `cargo exercises check NAME`, every
//! case to the end. A lesson's file (NN-lesson.rs) holds the cases of its exercises that share
//! helpers (a server to talk to, say); an exercise whose cases share nothing has a file of its
//! own, named after it (bind_loopback.rs).
//!
//! Read them if you like (they show exactly what your code must do), but do not edit them:
//! the same files check the reference solutions, the starters as shipped and the wrong
//! solutions kept in ../solutions/ (each must fail a case). Each case drives your code over
//! loopback sockets (127.0.0.1, ports the OS picks, a timeout on every read) or, for the pure
//! state machines, with a clock it moves by hand. A file reaches your code as
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

// Exercises whose cases share nothing with the rest of their lesson: a file each.
pub mod bind_loopback;
pub mod chat_line;
pub mod is_ack;
pub mod is_timeout;
pub mod line_end;
pub mod loss_percent;
pub mod ntp_seconds;
pub mod piece_header;
pub mod retransmissions;
pub mod upper_line;

/// Every exercise's name and cases, in course order.
pub const CHECKS: &[(&str, &[Case])] = &[
    ("bind-loopback", bind_loopback::CASES),
    ("echo-once", lesson1::ECHO_ONCE),
    ("echo-retry", lesson1::ECHO_RETRY),
    ("chat-line", chat_line::CASES),
    ("chat-relay", lesson2::CHAT_RELAY),
    ("chat-contacts", lesson2::CHAT_CONTACTS),
    ("ntp-seconds", ntp_seconds::CASES),
    ("sntp-offset", lesson3::SNTP_OFFSET),
    ("sntp-ask", lesson3::SNTP_ASK),
    ("line-end", line_end::CASES),
    ("tcp-upper", lesson4::TCP_UPPER),
    ("read-frame", lesson4::READ_FRAME),
    ("piece-header", piece_header::CASES),
    ("send-in-pieces", lesson5::SEND_IN_PIECES),
    ("reassemble", lesson5::REASSEMBLE),
    ("is-timeout", is_timeout::CASES),
    ("empty-or-timeout", lesson6::EMPTY_OR_TIMEOUT),
    ("heartbeat", lesson6::HEARTBEAT),
    ("loss-percent", loss_percent::CASES),
    ("send-numbered", lesson7::SEND_NUMBERED),
    ("loss-tally", lesson7::LOSS_TALLY),
    ("upper-line", upper_line::CASES),
    ("pool-server", lesson8::POOL_SERVER),
    ("async-server", lesson8::ASYNC_SERVER),
    ("is-ack", is_ack::CASES),
    ("rto-estimator", lesson9::RTO_ESTIMATOR),
    ("stop-and-wait", lesson9::STOP_AND_WAIT),
    ("retransmissions", retransmissions::CASES),
    ("link-holds", lesson10::LINK_HOLDS),
    ("jain-fairness", lesson10::JAIN_FAIRNESS),
    ("newreno", lesson10::NEWRENO),
];

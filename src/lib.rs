//! # socket-lessons: a Rust course in socket programming
//!
//! A port of a Chinese Python tutorial on UDP sockets (with its TCP and UDP remote-command
//! examples) into small Rust programs, one lesson at a time. This root package holds no
//! program: it is the course index (these docs) and the course-level tests in `tests/`, which
//! run the real programs end to end and prove how TCP and UDP behave.
//!
//! Start with `cargo run -p udp-echo-server` in one terminal and `cargo run -p
//! udp-echo-client` in another; run every test with `cargo test --workspace`.
//!
//! ## Lessons
//!
//! 1. **UDP echo** (`lessons/01-udp-echo.md`): packages `udp-echo-server` and
//!    `udp-echo-client`, UDP 127.0.0.1:8080. Bind, receive one datagram and its sender, reply
//!    upper-cased; empty datagrams are real datagrams.
//! 2. **UDP chat, "QQ"** (`lessons/02-udp-qq.md`): packages `udp-qq-server` and
//!    `udp-qq-client`, UDP 127.0.0.1:8081. One server, many clients, no connections: every
//!    datagram carries its sender's address and every reply names it.
//! 3. **Time server, "NTP"** (`lessons/03-ntp-time.md`): packages `ntp-time-server`,
//!    `ntp-time-client` and the library `ntp-time-sntp`, UDP 127.0.0.1:8082. The tutorial's
//!    strftime-over-UDP protocol, then real 48-byte SNTP packets with `--sntp`.
//!
//! ## Shared code
//!
//! - `common`: default addresses, the tutorial's buffer size (1024) and backlog (5), binding
//!   with friendly errors, the `listening on ...` line.
//! - `test-support` (tests only): start a lesson's binary on port 0 and drive it over sockets
//!   whose every read has a timeout.

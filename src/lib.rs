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
//!    upper-cased; empty datagrams are real datagrams. `udp-echo-bench` measures any UDP
//!    echo server (README, "Performance").
//! 2. **UDP chat, "QQ"** (`lessons/02-udp-qq.md`): packages `udp-qq-server` and
//!    `udp-qq-client`, UDP 127.0.0.1:8081. One server, many clients, no connections: every
//!    datagram carries its sender's address and every reply names it.
//! 3. **Time server, "NTP"** (`lessons/03-ntp-time.md`): packages `ntp-time-server`,
//!    `ntp-time-client` and the library `ntp-time-sntp`, UDP 127.0.0.1:8082. The tutorial's
//!    strftime-over-UDP protocol, then real 48-byte SNTP packets with `--sntp`.
//! 4. **Remote commands over TCP** (`lessons/04-tcp-remote-cmd.md`): packages
//!    `tcp-remote-cmd-server`, `tcp-remote-cmd-client` and the library `remote-cmd-runner`,
//!    TCP 127.0.0.1:8083. One client at a time, GBK replies, sticky packets and the
//!    length-prefix fix (`--framed`).
//! 5. **Remote commands over UDP** (`lessons/05-udp-remote-cmd.md`): packages
//!    `udp-remote-cmd-server` and `udp-remote-cmd-client`, UDP 127.0.0.1:8084. One datagram
//!    per reply, cut to fit; no sticky packets, but lost bytes.
//! 6. **Empty datagrams** (`lessons/06-empty-datagram.md`): package `empty-datagram-demo`, a
//!    narrated run: an empty UDP datagram arrives as 0 bytes, an empty TCP write sends nothing,
//!    a TCP read of 0 bytes is the end of the stream.
//! 7. **Where UDP loses data** (`lessons/07-loss.md`): package `loss-demo`: truncation, a port
//!    with no socket, a receiver that reads late, message boundaries, and a flood that
//!    overflows the receive buffer.
//! 8. **Serving many clients** (`lessons/08-many-clients.md`): packages
//!    `many-clients-iterative`, `many-clients-threads`, `many-clients-pool`,
//!    `many-clients-async`, the bench `many-clients-bench` and the library
//!    `many-clients-upper`, TCP 127.0.0.1:8085. The tutorial's one-client-at-a-time TCP echo,
//!    then a thread per client, a thread pool and an event loop, measured side by side.
//! 9. **When UDP must be reliable** (`lessons/09-reliable-udp.md`): packages `lossy-link`,
//!    `udp-ping`, `stop-and-wait-sender`, `stop-and-wait-receiver`, `window-sender`,
//!    `window-receiver`, `quic-sender`, `quic-receiver`, `kcp-sender`, `kcp-receiver`, the
//!    bench `reliable-udp-bench` and the library `reliable-udp-core`, UDP 127.0.0.1:8086 to
//!    8090. A lossy link of the course's own, the Kurose-Ross pinger with RFC 6298's RTO,
//!    stop-and-wait, a sliding window, and QUIC and KCP through the same link.
//! 10. **Sharing the link** (`lessons/10-sharing-the-link.md`): the same packages;
//!     `window-sender --cc newreno` (congestion control, `reliable_udp_core::cc`), the link's
//!     `--rate` and `--queue`, and `reliable-udp-bench --flows`: two senders through one
//!     link, each one's share and Jain's fairness index, NewReno against a fixed window and
//!     QUIC.
//!
//! The tutorial's fifteen closing notes on TCP against UDP are each proved or disproved by
//! a test in `tests/claims.rs`.
//!
//! ## Shared code
//!
//! - `common`: default addresses, the tutorial's buffer size (1024) and backlog (5), binding
//!   with friendly errors, the `listening on ...` line.
//! - `test-support` (tests only): start a lesson's binary on port 0 and drive it over sockets
//!   whose every read has a timeout.

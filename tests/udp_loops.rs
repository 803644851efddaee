//! The echo/chargen loop (CVE-1999-0103) between two of the course's servers: one datagram,
//! forged to come "from" the time server, sent to the echo server. Before lesson 3's guard the
//! two answered each other for ever (252,637 datagrams in 2 s on a debug build); now each
//! gives the other at most its budget of replies a second and then ignores it, so the
//! exchange stops by itself.
//!
//! Forging the sender port needs a raw socket, so root: without it the test prints a NOTICE
//! and does not run (CI runs the suite as root). See `test_support::Forger`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use guard::ReplyGuard;
use test_support::{
    DEADLINE, Forger, Server, Stream, cargo_bin, round_trip, start_server, udp_socket,
};

/// How long a server's log must stay silent for the exchange to count as over: longer than
/// the second after which a summary line is written.
const SILENCE: Duration = Duration::from_millis(2500);

/// Reads `server`'s log until it has been silent for [`SILENCE`], and returns how many
/// datagrams it logged: the lines shown and those a summary line counts. Fails if the log
/// never falls silent within [`DEADLINE`]: the exchange did not stop.
fn datagrams_logged_until_silent(server: &Server, name: &str) -> u64 {
    let start = Instant::now();
    let mut logged = 0;
    while let Some(line) = server.next_line(Stream::Stdout, SILENCE) {
        let summarised = line
            .strip_prefix("... and ")
            .and_then(|rest| rest.strip_suffix(" more lines in that second (not shown)"));
        logged += match summarised {
            Some(count) => count.parse::<u64>().unwrap(),
            None => 1,
        };
        assert!(
            start.elapsed() < DEADLINE,
            "the {name} server is still logging after {DEADLINE:?}: {logged} datagrams so far"
        );
    }
    logged
}

#[test]
fn one_forged_datagram_between_the_echo_and_time_servers_stops_within_a_bounded_number_of_exchanges()
 {
    let Some(forger) = Forger::open("the echo <-> time loop test") else {
        return;
    };
    let echo = start_server(cargo_bin("udp-echo-server"), &[]);
    let time = start_server(cargo_bin("ntp-time-server"), &[]);

    // "From" the time server to the echo server: the echo server answers the time server,
    // which takes the answer for a format and answers with the time, and so on.
    forger.send(time.addr.port(), echo.addr, b"x");

    let echoed = datagrams_logged_until_silent(&echo, "echo");
    let timed = datagrams_logged_until_silent(&time, "time");
    // Each side answers at most its budget (plus what refills while the loop runs) before it
    // ignores the other, and one refusal ends the loop.
    let bound = 2 * u64::from(ReplyGuard::DEFAULT_PER_SECOND);
    assert!(echoed >= 2, "the loop never started: {}", echo.transcript());
    assert!(echoed <= bound, "echo logged {echoed} datagrams");
    assert!(timed <= bound, "time logged {timed} datagrams");
    // One of them said why it stopped answering.
    let over_budget = |server: &Server| {
        server
            .seen(Stream::Stderr)
            .iter()
            .any(|line| line.contains("not answered: more than 1000 datagrams in a second"))
    };
    assert!(
        over_budget(&echo) || over_budget(&time),
        "{}\n{}",
        echo.transcript(),
        time.transcript()
    );

    // Both still serve everyone else.
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"hello", echo.addr), b"HELLO");
    assert_eq!(round_trip(&client, b"%%", time.addr), b"%");
}

#[test]
fn one_forged_datagram_from_the_echo_server_to_itself_is_never_answered() {
    let Some(forger) = Forger::open("the echo <-> itself loop test") else {
        return;
    };
    let echo = start_server(cargo_bin("udp-echo-server"), &[]);
    forger.send(echo.addr.port(), echo.addr, b"x");
    echo.expect_stderr("not answered: it claims to come from this server itself");
    assert_eq!(datagrams_logged_until_silent(&echo, "echo"), 0);
}

//! The UDP remote-command server under attack, as lesson 5's "Attacks this server survives"
//! tells it: the real binary, real datagrams over loopback, bounded in time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use test_support::{DEADLINE, recv, shell, start_server, udp_socket};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-remote-cmd-server");

/// Attack 9: a queue of slow commands. The tutorial's server runs one command at a time,
/// so twelve `sleep`s (a few hundred bytes) made everyone after them wait twelve timeouts.
/// Now at most --max-queue requests wait their turn; the rest are answered "busy" at once,
/// and nothing of theirs runs.
#[test]
fn a_queue_of_slow_commands_delays_others_by_at_most_max_queue_timeouts() {
    let server = start_server(
        SERVER,
        &["--timeout", "1", "--max-queue", "2", "--encoding", "utf-8"],
    );
    let attacker = udp_socket();
    let victim = udp_socket();
    let start = Instant::now();
    let sleep = shell::sleep(46);
    for _ in 0..12 {
        attacker.send_to(sleep.as_bytes(), server.addr).unwrap();
    }
    victim.send_to(b"echo victim", server.addr).unwrap();

    // The victim, behind twelve sleeps, hears back within about one --timeout: "busy".
    let (reply, _) = recv(&victim);
    let reply = String::from_utf8(reply).unwrap();
    assert_eq!(
        reply,
        "error: the server is busy: 2 commands are already waiting (--max-queue); \
         nothing was run, try again later"
    );
    // The attacker: the first and the two that waited ran (and were stopped), nine were
    // turned away; all twelve answered within (max-queue + 1) timeouts and change.
    let mut stopped = 0;
    let mut busy = 0;
    for _ in 0..12 {
        let (reply, _) = recv(&attacker);
        let reply = String::from_utf8(reply).unwrap();
        if reply.starts_with("[stopped:") {
            stopped += 1;
        } else if reply.starts_with("error: the server is busy") {
            busy += 1;
        } else {
            panic!("unexpected reply {reply:?}");
        }
    }
    assert_eq!((stopped, busy), (3, 9));
    assert!(start.elapsed() < DEADLINE, "{:?}", start.elapsed());
    #[cfg(target_os = "linux")]
    test_support::procfs::expect_gone(&["sleep", "46"], DEADLINE);
}

/// Attack 7 of round two: a steady stream of small datagrams while a command runs. The old
/// server read nothing until the command was over, so the socket's receive buffer filled and
/// the OS dropped everyone else's requests without a word (0 of 5 answered). Now a reader
/// thread takes every datagram as it comes and answers "busy" at once, so other clients hear
/// back, at any rate the reader keeps up with (lesson 5 gives the measured rate; this test
/// sends 500 a second, far below it, for one second: about twice what the socket's buffer
/// holds (256 small datagrams, lesson 2), so the old server dropped the last victims').
#[test]
fn requests_arriving_while_a_command_runs_are_answered_not_dropped() {
    let server = start_server(
        SERVER,
        &["--timeout", "3", "--max-queue", "0", "--encoding", "utf-8"],
    );
    let attacker = udp_socket();
    // The command that keeps the server busy, answered first.
    attacker
        .send_to(shell::sleep(2).as_bytes(), server.addr)
        .unwrap();
    server.expect_stdout("command from");
    let victims: Vec<_> = (0..5).map(|_| udp_socket()).collect();
    let start = Instant::now();
    let mut sent = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        attacker.send_to(b"x", server.addr).unwrap();
        sent += 1;
        if sent % 100 == 0 {
            victims[(sent / 100 - 1) as usize % 5]
                .send_to(b"echo victim", server.addr)
                .unwrap();
        }
        // 500 datagrams a second: paced, not synchronised.
        while start.elapsed() < Duration::from_millis(2) * sent {
            std::hint::spin_loop();
        }
    }
    for victim in &victims {
        let (reply, _) = recv(victim);
        let reply = String::from_utf8(reply).unwrap();
        assert!(reply.starts_with("error: the server is busy"), "{reply}");
    }
}

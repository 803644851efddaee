//! The UDP remote-command server under attack, as lesson 5's "Attacks this server survives"
//! tells it: the real binary, real datagrams over loopback, bounded in time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::UdpSocket;
use std::time::Instant;

use test_support::{DEADLINE, Server, recv, shell, start_server, udp_socket};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-remote-cmd-server");

/// Starts a server that lets nothing wait (`--max-queue 0`, `--timeout` of `timeout`
/// seconds) and keeps it busy: a client has it run `sleep seconds`, and the server has
/// begun. Returns the server and that client.
fn server_busy_sleeping(seconds: u32, timeout: &str) -> (Server, UdpSocket) {
    let server = start_server(
        SERVER,
        &[
            "--timeout",
            timeout,
            "--max-queue",
            "0",
            "--encoding",
            "utf-8",
        ],
    );
    let client = udp_socket();
    client
        .send_to(shell::sleep(seconds).as_bytes(), server.addr)
        .unwrap();
    server.expect_stdout("command from");
    (server, client)
}

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

/// Attack 7 of round two: a stream of small datagrams while a command runs. The old server
/// read nothing until the command was over, so the socket's receive buffer filled and the OS
/// dropped everyone else's requests without a word (0 of 5 answered). Now a reader thread
/// takes every datagram as it comes and answers "busy" at once, so other clients hear back
/// while the command still runs. The attacker's bursts (50 datagrams) stay far below what any
/// receive buffer holds, so the test does not count on the kernel keeping a flood: each victim
/// waits for its answer, which the old server would not give before its command ended (a
/// minute here; the test is long over by then, and kills it).
#[test]
fn requests_arriving_while_a_command_runs_are_answered_not_dropped() {
    // The command that keeps the server busy for the whole test.
    let (server, attacker) = server_busy_sleeping(60, "90");
    for i in 0..5 {
        for _ in 0..50 {
            attacker.send_to(b"x", server.addr).unwrap();
        }
        let victim = udp_socket();
        victim.send_to(b"echo victim", server.addr).unwrap();
        let (reply, _) = recv(&victim);
        let reply = String::from_utf8(reply).unwrap();
        assert!(
            reply.starts_with("error: the server is busy"),
            "victim {i}: {reply}"
        );
    }
}

/// Round two, attack 6: one datagram whose forged source is the server's own address made
/// it run the reply as a command, answer itself, and so on (2,481 shell runs in 2 s). Now a
/// datagram from its own address, or from a well-known service's port (echo 7, chargen 19,
/// NTP 123: a course server's reply would come back as a command), is not answered and
/// nothing is run. Forging needs a raw socket (root): without it the test says so and skips.
#[test]
fn a_forged_datagram_from_itself_or_a_service_port_runs_nothing() {
    use test_support::Stream;
    let Some(forger) = test_support::Forger::open("the forged command-server test") else {
        return;
    };
    let server = start_server(SERVER, &["--encoding", "utf-8"]);
    server.expect_forgery_from_itself_refused(&forger, b"echo loop");
    server.expect_well_known_ports_refused(&forger, b"echo loop");
    assert!(
        !server
            .seen(Stream::Stdout)
            .iter()
            .any(|line| line.starts_with("command from")),
        "{}",
        server.transcript()
    );
    // An honest client is still served.
    let client = udp_socket();
    client.send_to(b"echo ok", server.addr).unwrap();
    assert_eq!(recv(&client).0, b"ok\n");
}

/// Round two, attacks 6 and 8: one sender gets at most 20 replies a second (a loop with
/// another server dies at once), and the log shows at most 20 lines a second of what it
/// refuses, with one summary line for the rest, instead of a line per datagram (4.95 MB of
/// stderr in 3 s before).
#[test]
fn a_flooding_sender_gets_a_bounded_number_of_replies_and_log_lines() {
    use test_support::Stream;
    let server = start_server(SERVER, &["--encoding", "utf-8", "--max-queue", "1000"]);
    let flooder = udp_socket();
    for _ in 0..2000 {
        flooder.send_to(b"true", server.addr).unwrap();
    }
    // Replies: the first 20 in the budget (run, or "busy"), then nothing.
    let mut replies = 0;
    flooder
        .set_read_timeout(Some(std::time::Duration::from_secs(3)))
        .unwrap();
    while flooder.recv(&mut [0u8; 256]).is_ok() {
        replies += 1;
    }
    assert!(replies <= 20, "{replies} replies");
    assert!(replies >= 1, "no reply at all");
    // The sender over its budget is named once, not once per datagram; with "busy" lines
    // and their summary, a few dozen lines at most.
    server.expect_stderr("more than 20 datagrams in a second from this sender");
    let lines = server.seen(Stream::Stderr).len();
    assert!(lines <= 25, "{lines} lines: {}", server.transcript());
}

/// Round two, attack 8: "busy" lines from many senders (each within its budget) are shown
/// 20 a second at most; the rest of each second is summed up in one line that counts them.
#[test]
fn busy_lines_from_many_senders_are_summed_up_past_20_a_second() {
    use test_support::Stream;
    let (server, _first) = server_busy_sleeping(2, "3");
    let senders: Vec<_> = (0..100).map(|_| udp_socket()).collect();
    for sender in &senders {
        sender.send_to(b"echo hi", server.addr).unwrap();
    }
    // Every sender hears "busy": the log limit costs nobody an answer.
    for sender in &senders {
        let (reply, _) = recv(sender);
        assert!(reply.starts_with(b"error: the server is busy"));
    }
    let summary = server.expect_stderr("more lines in that second (not shown)");
    let turned_away = server
        .seen(Stream::Stderr)
        .iter()
        .filter(|line| line.contains("turned away"))
        .count();
    let left_out: usize = summary
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap();
    assert!(turned_away <= 20, "{}", server.transcript());
    assert_eq!(turned_away + left_out, 100, "{}", server.transcript());
}

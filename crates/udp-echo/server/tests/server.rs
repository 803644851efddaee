//! The udp-echo server as students run it: the real binary on port 0, driven over real
//! UDP sockets from the test.

use test_support::{Server, Stream, recv, round_trip, start_server, udp_socket};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-echo-server");

fn server() -> Server {
    start_server(SERVER, &[])
}

#[test]
fn hello_comes_back_upper_cased_and_is_logged_with_its_sender() {
    let server = server();
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"hello", server.addr), b"HELLO");
    let me = client.local_addr().unwrap();
    server.expect_stdout(&format!("from {me}: b'hello'"));
}

#[test]
fn the_reply_comes_from_the_address_the_server_announced() {
    let server = server();
    let client = udp_socket();
    client.send_to(b"x", server.addr).unwrap();
    assert_eq!(recv(&client), (b"X".to_vec(), server.addr));
}

#[test]
fn empty_datagram_is_answered_with_an_empty_datagram() {
    let server = server();
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"", server.addr), b"");
    server.expect_stdout(": b''");
}

#[test]
fn only_ascii_letters_change_other_bytes_pass_unchanged() {
    let server = server();
    let client = udp_socket();
    // UTF-8 text, a byte that is never UTF-8 (0xff), NUL, digits and punctuation.
    let mut payload = "héllo wörld 你好 ß 1-2!".as_bytes().to_vec();
    payload.extend_from_slice(&[0xff, 0x00, b'z']);
    let mut expected = "HéLLO WöRLD 你好 ß 1-2!".as_bytes().to_vec();
    expected.extend_from_slice(&[0xff, 0x00, b'Z']);
    assert_eq!(round_trip(&client, &payload, server.addr), expected);
    // The log shows the bytes Python-style, so the binary ones are visible.
    server.expect_stdout(r"\xff\x00z'");
}

#[test]
fn a_1500_byte_datagram_comes_back_as_its_first_1024_bytes_and_the_server_goes_on() {
    let server = server();
    let client = udp_socket();
    let payload: Vec<u8> = (0..1500).map(|i| b"abcdefghij"[i % 10]).collect();
    let reply = round_trip(&client, &payload, server.addr);
    assert_eq!(reply.len(), 1024);
    assert_eq!(reply, payload[..1024].to_ascii_uppercase());
    // The server says so in its log; Linux even knows how much was lost.
    test_support::expect_1500_cut_to_1024_note(&server);
    assert_eq!(
        round_trip(&client, b"still there?", server.addr),
        b"STILL THERE?"
    );
}

/// A small xorshift generator: reproducible "random" test data without another crate.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn hundreds_of_random_datagrams_of_every_size_do_not_stop_it() {
    let mut server = server();
    let client = udp_socket();
    let mut state = 0x5eed_1e55_u64;
    let sizes = [0, 1, 1023, 1024, 1025, 9000, 65_507];
    for i in 0..300 {
        let size = match sizes.get(i) {
            Some(&size) => size,
            None => (xorshift(&mut state) % 65_508) as usize,
        };
        let payload: Vec<u8> = (0..size).map(|_| xorshift(&mut state) as u8).collect();
        let reply = round_trip(&client, &payload, server.addr);
        let kept = size.min(1024);
        assert_eq!(
            reply,
            payload[..kept].to_ascii_uppercase(),
            "datagram {i}, {size} bytes"
        );
    }
    assert!(server.is_running());
    server.expect_nothing_on(Stream::Stderr);
}

#[test]
fn it_serves_on_ipv6_loopback() {
    let server = start_server(SERVER, &["--addr", "[::1]:0"]);
    assert!(server.addr.is_ipv6());
    let client = test_support::udp_socket_at("[::1]:0");
    assert_eq!(round_trip(&client, b"v6", server.addr), b"V6");
}

#[test]
fn nothing_is_sent_back_unasked() {
    let server = server();
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"one", server.addr), b"ONE");
    // One datagram in, one datagram out: no second reply follows.
    test_support::assert_no_datagram(&client);
}

#[test]
fn quiet_answers_every_datagram_and_logs_none() {
    let server = start_server(SERVER, &["--quiet"]);
    let client = udp_socket();
    for word in [&b"one"[..], b"", b"three"] {
        assert_eq!(
            round_trip(&client, word, server.addr),
            word.to_ascii_uppercase()
        );
    }
    let cut = round_trip(&client, &[b'x'; 1500], server.addr);
    assert_eq!(cut.len(), 1024);
    // Absence can only be shown by waiting: nothing follows the `listening on` line.
    assert_eq!(
        server.next_line(Stream::Stdout, test_support::QUIET),
        None,
        "{}",
        server.transcript()
    );
}

#[test]
fn a_piped_log_line_is_written_as_soon_as_the_socket_is_idle() {
    // The test reads the server's stdout through a pipe, so the log is block-buffered: one
    // line is far from a full block, and only the idle flush can bring it out.
    let server = server();
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"alone", server.addr), b"ALONE");
    let line = server.next_line(Stream::Stdout, std::time::Duration::from_secs(2));
    let me = client.local_addr().unwrap();
    assert_eq!(line, Some(format!("from {me}: b'alone'")));
}

/// The count in a summary line: `... and 490 more lines in that second (not shown)`.
fn left_out(line: &str, what: &str) -> Option<u64> {
    let rest = line.strip_prefix("... and ")?;
    let (count, rest) = rest.split_once(' ')?;
    rest.starts_with(&format!("more {what} in that second"))
        .then(|| count.parse().ok())?
}

#[test]
fn a_flood_is_logged_as_twenty_whole_lines_a_second_and_summaries_that_count_the_rest() {
    let server = server();
    let client = udp_socket();
    let start = std::time::Instant::now();
    let count = 500;
    for i in 0..count {
        let message = format!("message {i:03} {}", "x".repeat(i % 50));
        assert_eq!(
            round_trip(&client, message.as_bytes(), server.addr),
            message.to_ascii_uppercase().into_bytes()
        );
    }
    let me = client.local_addr().unwrap();
    // Every line shown is whole and in order; every line not shown is counted.
    let mut shown = 0;
    let mut summarised = 0;
    let mut next = 0;
    while shown + summarised < count as u64 {
        let line = server
            .next_line(Stream::Stdout, test_support::DEADLINE)
            .unwrap_or_else(|| panic!("{shown} shown, {summarised} counted"));
        if let Some(n) = left_out(&line, "lines") {
            summarised += n;
            next += n as usize;
            continue;
        }
        let expected = format!("from {me}: b'message {next:03} {}'", "x".repeat(next % 50));
        assert_eq!(line, expected, "line {next}");
        shown += 1;
        next += 1;
    }
    assert_eq!(shown + summarised, count as u64);
    let seconds = start.elapsed().as_secs() + 1;
    assert!(
        shown <= u64::from(guard::LogLimit::LINES_PER_SECOND) * seconds,
        "{shown} lines in {seconds} s"
    );
}

#[test]
fn a_forged_datagram_from_the_servers_own_address_is_not_answered() {
    let Some(forger) = test_support::Forger::open("the forged own-address test") else {
        return;
    };
    let server = server();
    // "From" the server's own port on its own address: answering would answer itself, for
    // ever (before: 200,000 datagrams in 2 s at full CPU, on a debug build).
    server.expect_forgery_from_itself_refused(&forger, b"loop");
    // Refused once, and that was all: no answer went out, so nothing came back.
    assert_eq!(
        server.next_line(Stream::Stderr, test_support::QUIET),
        None,
        "{}",
        server.transcript()
    );
    assert!(
        server.seen(Stream::Stdout).len() == 1,
        "only the listening line: {}",
        server.transcript()
    );
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"still", server.addr), b"STILL");
}

#[test]
fn datagrams_from_well_known_service_ports_are_not_answered() {
    test_support::expect_service_ports_refused_by(server, b"x");
}

#[test]
fn a_sender_over_its_budget_is_ignored_for_a_second_then_served_again() {
    let server = start_server(SERVER, &["--max-replies-per-peer", "5"]);
    let client = udp_socket();
    // A client that waits for each reply gets its budget of 5 (a few more if the machine is
    // so slow that the budget refills between them), then no reply and a line on stderr.
    let me = client.local_addr().unwrap();
    let refused = format!("from {me}: not answered: more than 5 datagrams in a second");
    client.set_read_timeout(Some(test_support::QUIET)).unwrap();
    let mut answered = 0;
    for _ in 0..50 {
        client.send_to(b"x", server.addr).unwrap();
        let mut buf = [0u8; 16];
        if let Ok((n, _)) = client.recv_from(&mut buf) {
            assert_eq!(&buf[..n], b"X", "reply {answered}");
            answered += 1;
        } else if server
            .seen(Stream::Stderr)
            .iter()
            .any(|l| l.contains(&refused))
        {
            break;
        }
    }
    server.expect_stderr(&refused);
    assert!(answered >= 5, "refused after {answered} replies");
    client
        .set_read_timeout(Some(test_support::DEADLINE))
        .unwrap();
    // Another sender is served meanwhile.
    assert_eq!(round_trip(&udp_socket(), b"other", server.addr), b"OTHER");
    // After the cool-down, the first sender again. Retry rather than sleep: each attempt waits
    // for its reply (or for QUIET), and one arrives once the second is over (a late "X" from
    // above, on a slow machine, is passed over).
    client.set_read_timeout(Some(test_support::QUIET)).unwrap();
    let mut attempts = 0;
    loop {
        attempts += 1;
        assert!(attempts < 30, "never served again");
        client.send_to(b"back", server.addr).unwrap();
        let mut buf = [0u8; 16];
        if matches!(client.recv_from(&mut buf), Ok((n, _)) if &buf[..n] == b"BACK") {
            break;
        }
    }
}

#[test]
fn a_sender_ignored_for_going_over_budget_does_not_crowd_out_the_next_refusal() {
    let server = start_server(SERVER, &["--max-replies-per-peer", "5"]);
    // 60 datagrams: 5 answered, then 55 refusals, more than the 20 lines a second the log
    // shows, so one line per refusal would crowd the next sender's out. Few enough to fit any
    // system's default receive buffer: a test must not count on the kernel keeping a flood.
    let flooder = udp_socket();
    for _ in 0..60 {
        flooder.send_to(b"flood", server.addr).unwrap();
    }
    let flooder = flooder.local_addr().unwrap();
    server.expect_stderr(&format!("from {flooder}: not answered: more than 5"));
    // A round trip from a third sender returns once the server has read the whole flood: one
    // socket, one queue, first in first out.
    assert_eq!(round_trip(&udp_socket(), b"probe", server.addr), b"PROBE");
    // The flooder's other refusals got no line each, so the next sender's shows. It sends 30
    // at once: even a server slowed down enough for its budget to refill (5 a second) has gone
    // over it long before the 30th.
    let other = udp_socket();
    for _ in 0..30 {
        other.send_to(b"x", server.addr).unwrap();
    }
    let other = other.local_addr().unwrap();
    server.expect_stderr(&format!("from {other}: not answered: more than 5"));
}

#[test]
fn max_replies_per_peer_0_lifts_the_limit_for_the_bench() {
    let server = start_server(SERVER, &["--quiet", "--max-replies-per-peer", "0"]);
    let client = udp_socket();
    // Three times the default budget, as fast as round trips go.
    for i in 0..3 * guard::ReplyGuard::DEFAULT_PER_SECOND {
        assert_eq!(round_trip(&client, b"x", server.addr), b"X", "reply {i}");
    }
}

#[test]
fn help_explains_quiet() {
    test_support::expect_help_mentions(SERVER, &["--quiet"]);
}

/// Linux: a receive with a timeout, stopped (Ctrl-Z) and continued (`fg`), fails with EINTR
/// instead of going on waiting. The server must take that in its stride, silently.
#[cfg(target_os = "linux")]
#[test]
fn being_stopped_and_continued_is_no_error() {
    let server = server();
    let client = udp_socket();
    assert_eq!(round_trip(&client, b"before", server.addr), b"BEFORE");
    for signal in ["-STOP", "-CONT"] {
        let status = std::process::Command::new("kill")
            .args([signal, &server.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert_eq!(round_trip(&client, b"after", server.addr), b"AFTER");
    server.expect_stdout(": b'after'");
    server.expect_nothing_on(Stream::Stderr);
}

//! The iterative server serves one client at a time: the tutorial's note 2, proved by the
//! order of events rather than by a silence. While the first client is connected, the server
//! is inside its inner loop and cannot even accept the second; only the first client's
//! leaving lets it go on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::thread;
use std::time::Instant;

use test_support::{QUIET, Stream, start_server, tcp_connect, tcp_round_trip};

#[test]
fn a_second_client_gets_its_first_reply_only_after_the_first_client_closes() {
    let server = start_server(env!("CARGO_BIN_EXE_many-clients-iterative"), &[]);
    let mut first = tcp_connect(server.addr);
    assert_eq!(tcp_round_trip(&mut first, b"first"), b"FIRST");
    let first_addr = first.local_addr().unwrap();

    // The kernel completes the second handshake into the backlog and takes its bytes, but
    // nobody reads them: the server is busy with the first client, which is still open. The
    // second client waits for its reply on a thread of its own, with the usual generous
    // timeout, and notes the moment it came.
    let mut second = tcp_connect(server.addr);
    let second_addr = second.local_addr().unwrap();
    second.write_all(b"second").unwrap();
    let waiting = thread::spawn(move || {
        let mut reply = [0u8; 6];
        second.read_exact(&mut reply).unwrap();
        (Instant::now(), reply)
    });

    // Meanwhile the first client goes on talking, round trip after round trip, for QUIET
    // (300 ms): a server that could serve both would answer the second within a millisecond
    // or two of this, long before the first closes.
    let mut rounds = 0;
    let talking = Instant::now();
    while talking.elapsed() < QUIET {
        assert_eq!(tcp_round_trip(&mut first, b"again"), b"AGAIN");
        rounds += 1;
    }

    // The first leaves: now, and only now, the second is accepted and answered.
    let closed_at = Instant::now();
    drop(first);
    let (answered_at, reply) = waiting.join().unwrap();
    assert_eq!(&reply, b"SECOND");
    assert!(
        answered_at > closed_at,
        "the second client was answered {:?} before the first one closed",
        closed_at - answered_at
    );

    // The server's own log tells the same order: it accepted the second client only after
    // the first had left.
    server.expect_stdout(&format!("new client {second_addr}"));
    let log = server.seen(Stream::Stdout);
    let position = |wanted: &str| log.iter().position(|line| line == wanted);
    let left = position(&format!(
        "{first_addr} left ({} bytes echoed)",
        5 + 5 * rounds
    ));
    let accepted = position(&format!("new client {second_addr}"));
    assert!(
        matches!((left, accepted), (Some(left), Some(accepted)) if left < accepted),
        "the first client's leaving is not logged before the second's arrival:\n{}",
        log.join("\n")
    );
}

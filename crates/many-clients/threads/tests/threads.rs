//! The thread-per-client server: every client at once, up to --max-clients; the next one is
//! told why it is not served, and the others are served on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use test_support::{start_server, tcp_connect, tcp_round_trip};

#[test]
fn the_client_beyond_max_clients_is_refused_with_one_line_and_the_rest_are_served_on() {
    let mut server = start_server(
        env!("CARGO_BIN_EXE_many-clients-threads"),
        &["--max-clients", "2"],
    );
    // Two clients, both served at the same time (neither has left).
    let mut one = tcp_connect(server.addr);
    let mut two = tcp_connect(server.addr);
    assert_eq!(tcp_round_trip(&mut one, b"one"), b"ONE");
    assert_eq!(tcp_round_trip(&mut two, b"two"), b"TWO");

    // A third: one line saying why, then the end of the stream.
    let mut three = tcp_connect(server.addr);
    let mut refusal = String::new();
    three.read_to_string(&mut refusal).unwrap();
    assert_eq!(
        refusal,
        "busy: 2 clients are being served (--max-clients); try later\n"
    );
    server.expect_stderr("refused: 2 clients are being served");

    // The two are served on, and when one leaves, its place is free for a newcomer.
    assert_eq!(tcp_round_trip(&mut one, b"still"), b"STILL");
    drop(two);
    server.expect_stdout("left (3 bytes echoed)");
    let mut four = tcp_connect(server.addr);
    assert_eq!(tcp_round_trip(&mut four, b"four"), b"FOUR");
    assert!(server.is_running());
}

//! The iterative server serves one client at a time: the tutorial's note 2, proved without
//! relying on timing. While the first client is connected, the server is inside its inner
//! loop and cannot even accept the second; only the first client's leaving lets it go on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};

use test_support::{DEADLINE, QUIET, start_server, tcp_connect};

#[test]
fn a_second_client_gets_its_first_reply_only_after_the_first_client_closes() {
    let server = start_server(env!("CARGO_BIN_EXE_many-clients-iterative"), &[]);
    let mut first = tcp_connect(server.addr);
    first.write_all(b"first").unwrap();
    let mut reply = [0u8; 5];
    first.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"FIRST");

    // The kernel completes the second handshake into the backlog and takes its bytes, but
    // nobody reads them: the server is busy with the first client, which is still open.
    let mut second = tcp_connect(server.addr);
    second.write_all(b"second").unwrap();
    second.set_read_timeout(Some(QUIET)).unwrap();
    let mut reply = [0u8; 6];
    let waiting = second.read(&mut reply);
    assert!(
        waiting.as_ref().is_err_and(common::is_timeout),
        "the second client was answered while the first was still connected: {waiting:?}"
    );

    // The first one is still served meanwhile.
    first.write_all(b"again").unwrap();
    let mut again = [0u8; 5];
    first.read_exact(&mut again).unwrap();
    assert_eq!(&again, b"AGAIN");

    // The first leaves: now, and only now, the second is accepted and answered.
    drop(first);
    second.set_read_timeout(Some(DEADLINE)).unwrap();
    second.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"SECOND");
    server.expect_stdout("left (10 bytes echoed)");
}

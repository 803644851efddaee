//! The event-loop server holds thousands of idle connections, each only a socket and a small
//! task, and still answers an active client at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};

use test_support::{start_server, tcp_connect};

/// How many idle clients: 2000, or fewer where the open-files limit is lower (macOS starts
/// at 256 per process); the test process holds one end of each connection.
fn idle_clients() -> usize {
    #[cfg(unix)]
    {
        let soft = rlimit::Resource::NOFILE.get_soft().unwrap_or(256);
        2000.min(soft.saturating_sub(100) as usize)
    }
    #[cfg(not(unix))]
    {
        2000
    }
}

#[test]
fn the_event_loop_holds_thousands_of_idle_clients_and_answers_an_active_one_promptly() {
    let server = start_server(env!("CARGO_BIN_EXE_many-clients-async"), &[]);
    let idle_count = idle_clients();
    // Connect them a few at a time and wait until the server has accepted (and logged) each
    // few: the backlog holds only 5 finished handshakes, and a connect that finds it full
    // waits a second or more for its SYN to be sent again.
    let mut idle = Vec::with_capacity(idle_count);
    while idle.len() < idle_count {
        let batch = (idle_count - idle.len()).min(common::BACKLOG as usize);
        for _ in 0..batch {
            idle.push(tcp_connect(server.addr));
        }
        for _ in 0..batch {
            server.expect_stdout("new client");
        }
    }
    // With all of them connected and silent, an active client is answered: its read has the
    // usual timeout, so a server stuck on the idle ones fails the test.
    let mut active = tcp_connect(server.addr);
    for _ in 0..100 {
        active.write_all(b"ping").unwrap();
        let mut reply = [0u8; 4];
        active.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"PING");
    }
    // And the idle ones were held, not dropped: the last one to connect still talks.
    let last = idle.last_mut().unwrap();
    last.write_all(b"awake").unwrap();
    let mut reply = [0u8; 5];
    last.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"AWAKE");
}

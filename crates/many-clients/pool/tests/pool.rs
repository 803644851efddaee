//! The pool server runs --workers threads for any number of clients: the extra clients wait
//! in the queue and are served in turn, without a single thread more.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::Shutdown;

use test_support::{start_server, tcp_connect};

/// The threads of a running process. Linux lists them in /proc/PID/task. On macOS, `ps -M
/// PID` shows one line per thread; on Windows, Task Manager's Details tab (add the Threads
/// column) or PowerShell's `(Get-Process -Id PID).Threads.Count`: neither has a file to read,
/// so this test counts on Linux only.
#[cfg(target_os = "linux")]
fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .count()
}

#[test]
fn the_pool_serves_more_clients_than_workers_in_turn_with_never_more_than_its_workers() {
    let workers = 3;
    let server = start_server(
        env!("CARGO_BIN_EXE_many-clients-pool"),
        &["--workers", &workers.to_string()],
    );
    // Ten clients at once, each with a request: three are served, seven wait their turn.
    let mut clients: Vec<_> = (0..10)
        .map(|i| {
            let mut client = tcp_connect(server.addr);
            client.write_all(format!("client {i}").as_bytes()).unwrap();
            client
        })
        .collect();
    // Once all ten are accepted (the log says so), count: the main thread (the accept loop)
    // and the workers, nothing more.
    for _ in 0..10 {
        server.expect_stdout("new client");
    }
    #[cfg(target_os = "linux")]
    assert_eq!(
        threads_of(server.id()),
        1 + workers,
        "main thread + workers"
    );

    // Each client says it is done; every one of them gets its whole reply, in turn.
    for client in &clients {
        client.shutdown(Shutdown::Write).unwrap();
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let mut reply = String::new();
        client.read_to_string(&mut reply).unwrap();
        assert_eq!(reply, format!("CLIENT {i}"));
    }
    #[cfg(target_os = "linux")]
    assert_eq!(
        threads_of(server.id()),
        1 + workers,
        "still no more threads"
    );
}

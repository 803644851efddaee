//! Round three, finding 5, for both remote-command servers: a command whose processes keep
//! moving to a new session (fork, `setsid` in the child, the parent exits, every 20 ms), and
//! the server stopped by a signal. Before, the companion never heard of the group a process
//! was in at that moment, and it outlived the server, adopted by PID 1. Linux only, as the
//! subreaper is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use rustix::process::Signal;

use crate::{DEADLINE, QUIET, start_server};

/// The processes that have `token` as one of their arguments. (One look at /proc can miss
/// a process that keeps moving to a new pid: the heartbeat file is the proof.)
pub fn carrying(token: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let id: u32 = entry.file_name().to_str()?.parse().ok()?;
            carries(id, token).then_some(id)
        })
        .collect()
}

fn carries(id: u32, token: &str) -> bool {
    std::fs::read(format!("/proc/{id}/cmdline")).is_ok_and(|cmdline| {
        cmdline
            .split(|&b| b == 0)
            .any(|arg| arg == token.as_bytes())
    })
}

/// The pids the chains wrote to the heartbeat file, last first.
fn heartbeats(file: &Path) -> Vec<u32> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .rev()
        .filter_map(|line| line.parse().ok())
        .collect()
}

/// SIGKILL to whatever still carries `token` (found in /proc, or by the last pids in the
/// heartbeat file), round after round, until the file stops growing; so a failed test
/// leaves nothing behind.
fn kill_carrying(token: &str, file: &Path) {
    let end = Instant::now() + DEADLINE;
    let mut quiet_since = Instant::now();
    let mut beats = heartbeats(file).len();
    while Instant::now() < end && quiet_since.elapsed() < QUIET {
        let mut suspects = carrying(token);
        suspects.extend(heartbeats(file).into_iter().take(8));
        for id in suspects {
            if carries(id, token) {
                let _ = rustix::process::kill_process(
                    rustix::process::Pid::from_raw(id as i32).unwrap(),
                    Signal::KILL,
                );
            }
        }
        if heartbeats(file).len() != beats {
            beats = heartbeats(file).len();
            quiet_since = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Four chains of processes, each of which writes its pid to `file`, waits 20 ms, starts
/// its successor in a new session (`setsid`) and exits, so the successor is orphaned in a
/// group nobody listed. Each carries `token` as its `$0`.
fn hopping_command(token: &str, file: &Path) -> String {
    format!(
        "H='echo $$ >> \"$1\"; sleep 0.02; setsid sh -c \"$H\" \"$0\" \"$1\" &'; export H; \
         for chain in 1 2 3 4; do setsid sh -c \"$H\" {token} {file} & done; sleep 60",
        file = file.display()
    )
}

/// [`a_hopping_command_dies_with_the_server`] for each signal that stops a server from the
/// outside but lets it clean up first: SIGTERM (`kill`) and SIGINT (Ctrl-C). `transport`
/// ("tcp", "udp") tells the test's files apart from the other server's.
pub fn a_hopping_command_dies_with_a_sigtermed_or_ctrl_c_ed_server<Held>(
    server: &str,
    send: impl Fn(SocketAddr, &str) -> Held,
    transport: &str,
) {
    for (signal, name) in [(Signal::TERM, "term"), (Signal::INT, "int")] {
        a_hopping_command_dies_with_the_server(
            server,
            &send,
            signal,
            &format!("{transport}-{name}"),
        );
    }
}

/// Starts `server` (a remote-command server), has `send` give it a command whose four chains
/// of processes keep moving to new sessions (what `send` returns, a connection say, is held
/// until the end), stops the server with `signal` and asserts that no chain moved on after it
/// and that the server still ended by that signal. `name` tells the test's files apart.
pub fn a_hopping_command_dies_with_the_server<Held>(
    server: &str,
    send: impl FnOnce(SocketAddr, &str) -> Held,
    signal: Signal,
    name: &str,
) {
    let token = format!("hop-{name}-{}", std::process::id());
    let file = std::env::temp_dir().join(format!("socket-lessons-{token}"));
    let _ = std::fs::remove_file(&file);
    let mut server = start_server(server, &["--timeout", "60", "--encoding", "utf-8"]);
    let _held = send(server.addr, &hopping_command(&token, &file));
    // Wait until the chains have moved a few times: twelve pids written.
    let end = Instant::now() + DEADLINE;
    while heartbeats(&file).len() < 12 {
        assert!(
            Instant::now() < end,
            "{name}: the command never started hopping"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(server.id() as i32).unwrap(),
        signal,
    )
    .unwrap();
    let status = server.exit_within(DEADLINE);
    // Once the server is gone, no chain may move on: the file stays as it is for a while
    // (a chain writes every 20 ms; QUIET is 300 ms), and /proc shows none of them.
    let before = heartbeats(&file).len();
    std::thread::sleep(QUIET);
    let moved = heartbeats(&file).len() - before;
    let left = carrying(&token);
    kill_carrying(&token, &file);
    let _ = std::fs::remove_file(&file);
    let Some(status) = status else {
        panic!("{name}: the server did not stop on {signal:?}");
    };
    assert!(
        moved == 0 && left.is_empty(),
        "{name}: the command outlived the server stopped by {signal:?}: its chains moved \
         {moved} times after it, and {left:?} carry its token"
    );
    // It still ends as the signal says, as it would without catching it.
    assert_eq!(
        status.signal(),
        Some(signal.as_raw()),
        "{name}: {status} after {signal:?}"
    );
}

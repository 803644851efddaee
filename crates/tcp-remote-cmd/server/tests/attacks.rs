//! The TCP remote-command server under attack, as lesson 4's "Attacks this server survives"
//! tells it: each test is one attack on the real binary, over loopback, bounded in time.
//! Where a test needs Linux's `/proc` or `prlimit(2)` to see inside the server, it says so;
//! the mechanisms it proves are the same on macOS (process groups, kill(2), poll(2)).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use remote_cmd_runner::framed;
use test_support::shell::{self, printed};
use test_support::{DEADLINE, Server, start_server, tcp_connect};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-remote-cmd-server");

fn server(args: &[&str]) -> Server {
    start_server(SERVER, args)
}

/// Starts the server with `args`, and connects a client to it.
fn connected_server(args: &[&str]) -> (Server, TcpStream) {
    test_support::start_and_connect(SERVER, args)
}

/// Everything the server sends until it closes the connection. A reset after the last byte
/// (the server closed while we were still sending) ends it too: what came before is kept.
fn read_to_close(conn: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match conn.read(&mut buffer) {
            Ok(0) => return all,
            Ok(n) => all.extend_from_slice(&buffer[..n]),
            Err(err) if err.kind() == ErrorKind::ConnectionReset => return all,
            Err(err) => panic!("reading until the server closes: {err}"),
        }
    }
}

fn ask(conn: &mut TcpStream, command: &str) -> Vec<u8> {
    conn.write_all(command.as_bytes()).unwrap();
    let mut buffer = [0u8; 1024];
    let n = conn.read(&mut buffer).unwrap();
    buffer[..n].to_vec()
}

#[cfg(unix)]
fn ask_framed(conn: &mut TcpStream, command: &[u8]) -> Vec<u8> {
    framed::write_frame(conn, command).unwrap();
    framed::read_frame(conn, framed::MAX_REPLY)
        .unwrap()
        .unwrap()
}

/// The refusal of a command that did not come in one read.
const NOT_IN_ONE_PIECE: &str = "error: this command did not arrive in one piece: the server \
    reads at most 1024 bytes at a time and TCP keeps no message boundaries, so running what came \
    could run part of a command. Nothing was run. Use --framed on both sides for long commands.";

/// Attack 1: a command longer than the server's 1024-byte read. The tutorial's server runs
/// each read as a command, so `echo AAA…; rm -rf DIR/victim/no_such_file` became
/// `echo AAA…; rm -rf DIR/victim` and `/no_such_file`, and the directory was gone.
#[test]
#[cfg(unix)]
fn a_command_longer_than_one_read_is_refused_and_no_piece_of_it_runs() {
    let dir = std::env::temp_dir().join(format!("socket-lessons-fragment-{}", std::process::id()));
    let victim = dir.join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("keep"), b"precious").unwrap();
    // Padding so that byte 1024 falls right after ".../victim": the first read would be a
    // complete, destructive command.
    let tail = format!("; rm -rf {}", victim.display());
    let padding = 1024 - "echo ".len() - tail.len();
    let command = format!("echo {}{tail}/no_such_file", "A".repeat(padding));
    assert_eq!(
        &command.as_bytes()[1024 - tail.len()..1024],
        tail.as_bytes()
    );

    let (server, mut conn) = connected_server(&["--encoding", "utf-8"]);
    conn.write_all(command.as_bytes()).unwrap();
    let reply = String::from_utf8(read_to_close(&mut conn)).unwrap();
    assert_eq!(reply, NOT_IN_ONE_PIECE);
    assert!(victim.join("keep").exists(), "a piece of the command ran");
    // One refusal, then the server hung up: nothing else was run or answered. The next
    // client gets its own reply, not an old one.
    let mut next = tcp_connect(server.addr);
    assert_eq!(ask(&mut next, "echo next"), b"next\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A directory for one test, with `victim/old/keep` in it, removed on drop.
#[cfg(unix)]
struct Victim(std::path::PathBuf);

#[cfg(unix)]
impl Victim {
    fn new(name: &str) -> Victim {
        let dir =
            std::env::temp_dir().join(format!("socket-lessons-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("victim/old")).unwrap();
        std::fs::write(dir.join("victim/old/keep"), b"stale").unwrap();
        std::fs::write(dir.join("victim/precious"), b"precious").unwrap();
        Victim(dir)
    }
    fn path(&self) -> std::path::PathBuf {
        self.0.join("victim")
    }
}

#[cfg(unix)]
impl Drop for Victim {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Round two, attack 1, as lesson 4 shows it: without --framed, the server runs whatever
/// one read returns. `rm -rf DIR/victim` and, a moment later on the same connection, `/old`
/// are two commands to it, and the first deletes the whole directory. Nothing in the bytes
/// says a piece is missing; the client here writes the second half only after the first
/// half's reply, which is what a slow link or a client that writes twice looks like.
#[test]
#[cfg(unix)]
fn without_framing_a_command_split_in_two_runs_as_two_commands() {
    let victim = Victim::new("split-raw");
    let (_server, mut conn) = connected_server(&["--encoding", "utf-8"]);
    let first = format!("rm -rf {}", victim.path().display());
    assert_eq!(ask(&mut conn, &first), "执行成功".as_bytes());
    let second = ask(&mut conn, "/old");
    assert!(
        String::from_utf8_lossy(&second).contains("/old"),
        "{second:?}"
    );
    assert!(!victim.path().exists(), "the first piece ran on its own");
}

/// The same split against --framed (what --allow-remote requires): the server waits for the
/// whole frame, however it is cut, and runs only `rm -rf DIR/victim/old`.
#[test]
#[cfg(unix)]
fn with_framing_a_command_split_in_two_runs_only_when_whole() {
    let victim = Victim::new("split-framed");
    let (_server, mut conn) = connected_server(&["--framed", "--encoding", "utf-8"]);
    let command = format!("rm -rf {}/old", victim.path().display());
    let mut frame = Vec::new();
    framed::write_frame(&mut frame, command.as_bytes()).unwrap();
    let cut = frame.len() - "/old".len();
    conn.write_all(&frame[..cut]).unwrap();
    // Nothing is answered (so nothing ran) while the frame is incomplete.
    conn.set_read_timeout(Some(test_support::QUIET)).unwrap();
    let err = conn.read(&mut [0u8; 64]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    assert!(victim.path().join("precious").exists());
    conn.set_read_timeout(Some(DEADLINE)).unwrap();
    conn.write_all(&frame[cut..]).unwrap();
    let reply = framed::read_frame(&mut conn, framed::MAX_REPLY)
        .unwrap()
        .unwrap();
    assert_eq!(reply, "执行成功".as_bytes());
    assert!(!victim.path().join("old").exists());
    assert!(victim.path().join("precious").exists(), "a piece ran");
}

/// A megabyte on one line (the tutorial's server ran it as 1025 commands) is one refusal.
#[test]
fn a_megabyte_line_is_one_refusal_not_a_thousand_commands() {
    let (server, mut conn) = connected_server(&["--encoding", "utf-8"]);
    let line = format!("echo {}", "x".repeat(1 << 20));
    // The server may hang up before all of it is sent: that is the point.
    let _ = conn.write_all(line.as_bytes());
    let reply = String::from_utf8(read_to_close(&mut conn)).unwrap_or_default();
    assert_eq!(reply, NOT_IN_ONE_PIECE);
    server.expect_stdout("(cut: refused)");
    let mut next = tcp_connect(server.addr);
    assert_eq!(ask(&mut next, &shell::echo("next")), printed("next"));
    let commands = server
        .seen(test_support::Stream::Stdout)
        .iter()
        .filter(|l| l.starts_with("command from"))
        .count();
    assert_eq!(commands, 2, "{}", server.transcript());
}

/// Attack 2: more clients than --max-clients. The one past the limit is told so and
/// disconnected; the others are served, and so is the next one once a place is free.
#[test]
fn the_client_past_max_clients_is_turned_away_and_the_rest_are_served() {
    let server = server(&["--concurrent", "--max-clients", "2", "--encoding", "utf-8"]);
    let mut first = tcp_connect(server.addr);
    let mut second = tcp_connect(server.addr);
    assert_eq!(ask(&mut first, &shell::echo("1")), printed("1"));
    assert_eq!(ask(&mut second, &shell::echo("2")), printed("2"));
    let mut third = tcp_connect(server.addr);
    let refusal = String::from_utf8(read_to_close(&mut third)).unwrap();
    assert_eq!(
        refusal,
        "error: the server is busy: 2 clients are being served (--max-clients); try again later"
    );
    assert_eq!(ask(&mut first, &shell::echo("still")), printed("still"));
    drop(first);
    server.expect_stdout("left");
    // The place is freed right after the "left" line: try until it is (bounded).
    let end = Instant::now() + DEADLINE;
    loop {
        let mut fourth = tcp_connect(server.addr);
        fourth.write_all(shell::echo("4").as_bytes()).unwrap();
        let mut reply = Vec::new();
        let _ = fourth.read_to_end(&mut reply);
        if reply.starts_with(&printed("4")) {
            break;
        }
        assert!(Instant::now() < end, "no place came free");
    }
}

/// Attack 2, the crash: `thread::spawn` panics when no thread can be made (a memory cap,
/// a process limit), and the panic took every client down. Here the server's address space
/// is capped (prlimit RLIMIT_AS) so that no new thread stack fits: the next client is
/// dropped, the server lives, and once the cap is lifted it serves again.
#[test]
#[cfg(target_os = "linux")]
fn a_thread_that_cannot_be_made_costs_one_client_not_the_server() {
    use rustix::process::Resource;
    use test_support::procfs;
    let mut server = server(&["--concurrent", "--encoding", "utf-8"]);
    let mut first = tcp_connect(server.addr);
    assert_eq!(ask(&mut first, "echo warm"), b"warm\n");
    let size = procfs::status_bytes(server.id(), "VmSize");
    // A thread needs a 2 MiB stack (8 MiB by default on glibc): 256 KiB more is not enough.
    let old = procfs::set_soft_limit(server.id(), Resource::As, Some(size + (256 << 10)));
    let mut dropped = tcp_connect(server.addr);
    server.expect_stderr("could not start a thread");
    let _ = dropped.write_all(b"echo never");
    assert!(read_to_close(&mut dropped).is_empty());
    assert!(server.is_running(), "{}", server.transcript());
    procfs::set_soft_limit(server.id(), Resource::As, old);
    let mut later = tcp_connect(server.addr);
    assert_eq!(ask(&mut later, "echo again"), b"again\n");
}

/// Attack 3: the kill at the timeout used to start `sh -c "kill -KILL -PGID"`. With no file
/// descriptor left for the new process's pipes (or no process slot), that failed, and the
/// command's `sleep`s outlived their timeout. The kill is now one kill(2) call.
#[test]
#[cfg(target_os = "linux")]
fn the_timeout_kills_even_when_the_server_cannot_start_a_process() {
    use rustix::process::Resource;
    use test_support::procfs;
    let sleeps = ["sleep", "37.75"];
    let (server, mut conn) = connected_server(&["--timeout", "1", "--encoding", "utf-8"]);
    conn.write_all(b"sleep 37.75 & sleep 37.75; echo never")
        .unwrap();
    procfs::wait_for_processes(&sleeps, 2, DEADLINE);
    // Not one descriptor more: starting any process (it needs pipes) now fails.
    let open = procfs::open_fds(server.id()) as u64;
    procfs::set_soft_limit(server.id(), Resource::Nofile, Some(open));
    let mut buffer = [0u8; 1024];
    let n = conn.read(&mut buffer).unwrap();
    assert!(
        buffer[..n].starts_with(b"[stopped: the command was still running after 1s"),
        "{:?}",
        String::from_utf8_lossy(&buffer[..n])
    );
    procfs::expect_gone(&sleeps, DEADLINE);
}

/// Attack 4: a background process that leaves the command's process group (`setsid`) and
/// keeps the output pipe open. The reply has what was printed, the server keeps no thread
/// or descriptor for it after the reply, and (round two) it is killed too.
#[test]
#[cfg(target_os = "linux")]
fn output_before_an_escape_arrives_and_the_escapee_holds_nothing_of_the_server() {
    use test_support::procfs;
    let escapee = ["sleep", "41.25"];
    let (server, mut conn) = connected_server(&["--timeout", "1", "--encoding", "utf-8"]);
    assert_eq!(ask(&mut conn, "echo warm"), b"warm\n");
    let (fds, threads) = (procfs::open_fds(server.id()), procfs::threads(server.id()));
    let reply = String::from_utf8(ask(&mut conn, "echo started; setsid sleep 41.25 &")).unwrap();
    assert!(
        reply.starts_with("started\n[stopped: the command was still running after 1s"),
        "{reply}"
    );
    assert_eq!(procfs::open_fds(server.id()), fds);
    assert_eq!(procfs::threads(server.id()), threads);
    // It left the group on purpose, but it came to the server (a subreaper) when its
    // parent, the command's shell, was killed.
    procfs::expect_gone(&escapee, DEADLINE);
}

/// Attack 4's cousin: `sleep 100 > /dev/null &` gives its output back at once, so the
/// command "ends" while the sleep runs on, unwatched by any --timeout. It is killed with
/// the command's group as soon as the output ends.
#[test]
#[cfg(target_os = "linux")]
fn a_background_job_does_not_outlive_its_command() {
    use test_support::procfs;
    let job = ["sleep", "42.25"];
    let (_server, mut conn) = connected_server(&["--encoding", "utf-8"]);
    assert_eq!(
        ask(&mut conn, "sleep 42.25 > /dev/null 2>&1 & echo started"),
        b"started\n"
    );
    procfs::expect_gone(&job, DEADLINE);
}

/// Attack 5: the server stops (Ctrl-C, `kill`, `kill -9`, its log closed) while a command
/// runs. The command and its children stop too.
#[cfg(target_os = "linux")]
fn commands_stop_with_the_server(stop: impl FnOnce(&mut test_support::Running), words: [&str; 2]) {
    let mut server = server(&["--concurrent", "--timeout", "60", "--encoding", "utf-8"]);
    let addr = server.addr;
    commands_end_when_stopped(&mut server, addr, words, stop);
}

/// Has the server at `addr` run two `words` commands at once (`words & words`), stops it with
/// `stop` once both run, and checks that the server ends and both commands with it.
#[cfg(target_os = "linux")]
fn commands_end_when_stopped(
    server: &mut test_support::Running,
    addr: std::net::SocketAddr,
    words: [&str; 2],
    stop: impl FnOnce(&mut test_support::Running),
) {
    use test_support::procfs;
    let mut conn = tcp_connect(addr);
    let command = format!("{0} {1} & {0} {1}", words[0], words[1]);
    conn.write_all(command.as_bytes()).unwrap();
    procfs::wait_for_processes(&words, 2, DEADLINE);
    stop(server);
    assert!(
        server.exit_within(DEADLINE).is_some(),
        "the server did not stop"
    );
    procfs::expect_gone(&words, DEADLINE);
}

#[test]
#[cfg(target_os = "linux")]
fn ctrl_c_stops_the_commands_too() {
    use rustix::process::Signal;
    commands_stop_with_the_server(
        |s| test_support::procfs::signal(s.id(), Signal::INT),
        ["sleep", "43.25"],
    );
}

#[test]
#[cfg(target_os = "linux")]
fn sigterm_stops_the_commands_too() {
    use rustix::process::Signal;
    commands_stop_with_the_server(
        |s| test_support::procfs::signal(s.id(), Signal::TERM),
        ["sleep", "43.5"],
    );
}

#[test]
#[cfg(target_os = "linux")]
fn sigkill_stops_the_commands_too() {
    use rustix::process::Signal;
    commands_stop_with_the_server(
        |s| test_support::procfs::signal(s.id(), Signal::KILL),
        ["sleep", "43.75"],
    );
}

/// The server's log (stdout) is closed: its next line fails, it stops with an error line,
/// and its commands stop with it.
#[test]
#[cfg(target_os = "linux")]
fn a_closed_log_stops_the_commands_too() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(SERVER)
        .args(["--addr", "127.0.0.1:0", "--concurrent", "--timeout", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (stdout, addr) = test_support::take_listening_line(&mut child);
    let mut server = test_support::Running::adopt(child);
    commands_end_when_stopped(&mut server, addr, ["sleep", "44.25"], |_| {
        drop(stdout);
        // The next line the server logs ("new client ...") fails: it stops.
        let _next = TcpStream::connect(addr);
    });
}

/// Attack 6: out of file descriptors, the accept loop used to spin at 100 % CPU writing
/// "Too many open files" 15 MB a second. Now it pauses between tries and says so once in
/// a while.
#[test]
#[cfg(target_os = "linux")]
fn out_of_descriptors_the_accept_loop_waits_quietly() {
    use rustix::process::Resource;
    use test_support::procfs;
    let server = server(&[
        "--concurrent",
        "--max-clients",
        "100",
        "--encoding",
        "utf-8",
    ]);
    let open = procfs::open_fds(server.id()) as u64;
    procfs::set_soft_limit(server.id(), Resource::Nofile, Some(open + 2));
    // Two are accepted, the rest wait in the backlog with accept() failing for them.
    let clients: Vec<TcpStream> = (0..6).map(|_| tcp_connect(server.addr)).collect();
    server.expect_stderr("accept failed");
    let before = procfs::cpu_time(server.id());
    // A measurement window, not a synchronisation: how much CPU does two seconds cost?
    std::thread::sleep(Duration::from_secs(2));
    let used = procfs::cpu_time(server.id()) - before;
    assert!(used < Duration::from_millis(200), "{used:?} of CPU in 2 s");
    // Once a second at most (with a count), not once per try.
    let complaints = server
        .seen(test_support::Stream::Stderr)
        .iter()
        .filter(|l| l.contains("accept failed"))
        .count();
    assert!(complaints <= 4, "{}", server.transcript());
    drop(clients);
}

/// Attack 7: binary output. Each byte that is not UTF-8 became `&#65533;` (8 bytes) in
/// GBK, so 1 MiB of binary output was an 8 MiB reply. Now it is `?`, and no reply is longer
/// than --max-output + 1 KiB whatever the encoding.
#[test]
#[cfg(unix)]
fn binary_output_keeps_the_reply_within_max_output() {
    let limit = remote_cmd_runner::DEFAULT_MAX_OUTPUT + remote_cmd_runner::REPLY_NOTES;
    let command = b"head -c 1048576 /dev/zero | tr '\\0' '\\377'";
    let gbk = server(&["--framed"]);
    let mut conn = tcp_connect(gbk.addr);
    let reply = ask_framed(&mut conn, command);
    assert_eq!(reply.len(), 1 << 20);
    assert!(reply.iter().all(|&b| b == b'?'));
    // In UTF-8 each bad byte is U+FFFD, 3 bytes: the reply is cut, with a note.
    let utf8 = server(&["--framed", "--encoding", "utf-8"]);
    let mut conn = tcp_connect(utf8.addr);
    let reply = ask_framed(&mut conn, command);
    assert!(reply.len() <= limit, "{} bytes", reply.len());
    let text = String::from_utf8_lossy(&reply);
    assert!(
        text.ends_with(
            "[reply cut: it was 3145728 bytes once encoded as utf-8; a reply is at most --max-output + 1024 bytes]"
        ),
        "{}",
        &text[text.len() - 150..]
    );
}

/// Round two, attack 4: a 40-byte command that prints 4 MiB of a rare Chinese character
/// (U+5D0D, 嵍). GBK's encoder searched its tables for each one: 12 s of a debug server's CPU
/// per megabyte, time no limit covered, while the one-at-a-time server served nobody else.
/// Now encoding is fast (a table, and the crate optimised in debug builds) and counts
/// against the command's own --timeout: the reply comes within it, whole or cut with a note.
#[test]
#[cfg(unix)]
fn encoding_a_reply_of_rare_characters_stays_within_the_commands_timeout() {
    let (_server, mut conn) =
        connected_server(&["--framed", "--timeout", "1", "--max-output", "4194304"]);
    // Well past the 1 s --timeout plus a reply's transfer; far short of the 48 s it took.
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let reply = ask_framed(&mut conn, "yes 嵍 | head -c 4194304".as_bytes());
    // 嵍 and a newline are 4 bytes in UTF-8 and 3 in GBK, whole or cut at the deadline.
    let whole = reply.len() == 3 * (1 << 20);
    let cut = reply
        .ends_with(b"\n[reply cut: encoding it took the rest of the command's time (--timeout)]");
    assert!(whole || cut, "{} bytes", reply.len());
    assert!(reply.starts_with(b"\x8d\xb6\n"), "{:?}", &reply[..8]);
}

/// Attack 8: a client that never reads its reply. Each write's own 30 s timeout restarted
/// on every partial write, so it held the one-at-a-time server for 94 s. Now the whole reply
/// has one deadline (--io-timeout), and the next client is served right after.
#[test]
#[cfg(unix)]
fn a_client_that_never_reads_is_cut_off_and_the_next_is_served() {
    let server = server(&["--io-timeout", "1", "--max-output", "33554432"]);
    let slow = tcp_connect(server.addr);
    // 32 MiB: far more than the socket buffers of both sides hold.
    (&slow).write_all(b"head -c 33554432 /dev/zero").unwrap();
    let mut next = tcp_connect(server.addr);
    let start = Instant::now();
    next.write_all(b"echo next").unwrap();
    let mut buffer = [0u8; 64];
    let n = next.read(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"next\n");
    server.expect_stderr("client too slow: taking the reply took longer than 1s");
    assert!(start.elapsed() < DEADLINE);
    drop(slow);
}

/// Attack 8, the other direction: a `--framed` client that sends a message a byte at a
/// time, each just within the old per-read patience, kept its connection for as long as it
/// liked. Now the rest of a message has one deadline.
#[test]
fn a_client_that_trickles_a_message_is_cut_off_at_one_deadline() {
    let (server, mut conn) = connected_server(&["--framed", "--io-timeout", "1"]);
    let start = Instant::now();
    let mut frame = Vec::new();
    framed::write_frame(&mut frame, b"echo trickle").unwrap();
    // The attack's own pace: one byte every 0.3 s, 16 bytes in 4.8 s. The deadline for the
    // whole message is 1 s, so the server hangs up long before the last byte, and a write
    // after that fails (the first may still succeed: it draws the reset).
    let mut cut_off = false;
    for byte in frame {
        if conn.write_all(&[byte]).is_err() {
            cut_off = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(
        cut_off,
        "all 16 bytes went through in {:?}",
        start.elapsed()
    );
    // Cut off whether the deadline came in the length or in the payload.
    server.expect_line(test_support::Stream::Stderr, |line| {
        line.contains("client too slow: sending the rest of a message took longer than 1s")
            || line.contains("came in time")
    });
    // And the connection is closed: end of file, or a reset for the bytes still coming.
    let mut rest = Vec::new();
    match conn.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(err) => assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}"),
    }
}

/// Round two, attack 5: one idle connection (`nc 127.0.0.1 8083 &`) held the one-at-a-time
/// server for ever, and eight held `--concurrent` (every other client told "busy"). Now a
/// client silent for --idle-timeout between commands is told why and disconnected, and the
/// client waiting behind it is served.
#[test]
fn an_idle_client_is_disconnected_and_the_next_client_is_served() {
    let server = server(&["--idle-timeout", "0.5", "--encoding", "utf-8"]);
    let mut idle = tcp_connect(server.addr);
    // The server is talking to `idle` (it was accepted first): `next` waits in the backlog.
    server.expect_stdout("new client");
    let mut next = tcp_connect(server.addr);
    next.write_all(shell::echo("next").as_bytes()).unwrap();
    let mut reply = [0u8; 64];
    let n = next.read(&mut reply).unwrap();
    assert_eq!(&reply[..n], printed("next").as_slice());
    let goodbye = String::from_utf8(read_to_close(&mut idle)).unwrap();
    assert_eq!(
        goodbye,
        "error: no command for 500ms (--idle-timeout): closing the connection"
    );
}

/// The same with --concurrent: idle clients hold --max-clients places only until their idle
/// limit, and then a client that was turned away gets in.
#[test]
fn idle_clients_free_their_places_under_concurrent() {
    let server = server(&[
        "--concurrent",
        "--max-clients",
        "1",
        "--idle-timeout",
        "0.5",
        "--encoding",
        "utf-8",
    ]);
    let mut idle = tcp_connect(server.addr);
    server.expect_stdout("new client");
    let goodbye = String::from_utf8(read_to_close(&mut idle)).unwrap();
    assert!(goodbye.contains("--idle-timeout"), "{goodbye}");
    server.expect_stderr("--idle-timeout");
    // The place is given back just after that line is logged: a client that came in between
    // is still told "busy", so ask again (a handful of times at most).
    for _ in 0..50 {
        let mut next = tcp_connect(server.addr);
        let reply = ask(&mut next, &shell::echo("in"));
        if !reply.starts_with(b"error: the server is busy") {
            assert_eq!(reply, printed("in"));
            return;
        }
    }
    panic!("the idle client's place was never given back");
}

/// The server's companion (the `sh` that kills listed groups when the server dies), by its
/// script's first words; Linux's /proc only.
#[cfg(target_os = "linux")]
fn companions_of(server: u32) -> Vec<u32> {
    test_support::procfs::children_running(server, b"sh\0-c\0trap")
}

/// Round two, attack 2: GNU `timeout`, `setsid` and Python's `os.setpgid` each move a
/// command's process out of its process group, where the group kill does not reach. Two
/// such processes were left running with parent 1 after the reply that said "it and its
/// children were killed". The server is now a child subreaper (Linux): every descendant
/// whose parent dies becomes its child, and is killed when the command is over.
#[test]
#[cfg(target_os = "linux")]
fn a_command_that_leaves_its_process_group_does_not_outlive_its_reply() {
    use test_support::procfs;
    let (_server, mut conn) = connected_server(&["--timeout", "1", "--encoding", "utf-8"]);
    let reply = ask(
        &mut conn,
        "timeout 3196 sleep 3196 & (setsid sleep 3195 &); sleep 3194",
    );
    assert!(reply.starts_with(b"[stopped:"), "{reply:?}");
    for words in [["sleep", "3196"], ["sleep", "3195"], ["sleep", "3194"]] {
        procfs::expect_gone(&words, DEADLINE);
    }
    assert!(procfs::processes_running(&["timeout", "3196", "sleep", "3196"]).is_empty());
}

/// The same escape, and the server stopped while it runs: by Ctrl-C, `kill`, and `kill -9`.
#[test]
#[cfg(target_os = "linux")]
fn a_command_that_leaves_its_process_group_stops_with_the_server() {
    use rustix::process::Signal;
    use test_support::procfs;
    for (signal, seconds) in [
        (Signal::INT, "3186"),
        (Signal::TERM, "3187"),
        (Signal::KILL, "3188"),
    ] {
        let (mut server, mut conn) = connected_server(&["--timeout", "60", "--encoding", "utf-8"]);
        let command =
            format!("timeout {seconds} sleep {seconds} & (setsid sleep {seconds} &); wait");
        conn.write_all(command.as_bytes()).unwrap();
        procfs::wait_for_processes(&["sleep", seconds], 2, DEADLINE);
        // The server looks at a running command's processes every 0.1 s to list the groups
        // they moved to: nothing it can be asked shows when it has looked, so give it ten
        // looks. (A process that escapes less than 0.1 s before a `kill -9` of the server
        // can survive: lesson 4 says so.)
        std::thread::sleep(Duration::from_secs(1));
        procfs::signal(server.id(), signal);
        assert!(
            server.exit_within(DEADLINE).is_some(),
            "the server did not stop"
        );
        procfs::expect_gone(&["sleep", seconds], DEADLINE);
    }
}

/// Round two, attack 3: a command can kill the companion that stops commands when the
/// server dies (it runs as the same user). It used to be started once and never again, so
/// from then on every command ran unprotected. Now it is started again while the command
/// that killed it still runs (and before every command), so `kill -9` of the server still
/// takes the command's processes with it.
#[test]
#[cfg(target_os = "linux")]
fn a_killed_companion_is_started_again_and_still_stops_the_commands() {
    use rustix::process::Signal;
    use test_support::procfs;
    let (mut server, mut conn) = connected_server(&["--timeout", "60", "--encoding", "utf-8"]);
    conn.write_all(b"sleep 3185 & sleep 3185").unwrap();
    procfs::wait_for_processes(&["sleep", "3185"], 2, DEADLINE);
    let first = companions_of(server.id());
    assert_eq!(first.len(), 1, "{first:?}");
    // What `pkill -9 -f '^sh -c trap'` in a command would do.
    procfs::signal(first[0], Signal::KILL);
    let end = Instant::now() + DEADLINE;
    while companions_of(server.id())
        .iter()
        .all(|id| first.contains(id))
    {
        assert!(Instant::now() < end, "no new companion was started");
        std::thread::sleep(Duration::from_millis(20));
    }
    procfs::signal(server.id(), Signal::KILL);
    assert!(
        server.exit_within(DEADLINE).is_some(),
        "the server did not stop"
    );
    procfs::expect_gone(&["sleep", "3185"], DEADLINE);
}

/// Round two, attack 3, the other half: when the companion cannot be started (no file
/// descriptor left for its pipe), the command is refused with a reply that says why, not run
/// unprotected; once descriptors are free again, commands run, protected, again.
#[test]
#[cfg(target_os = "linux")]
fn a_command_that_cannot_be_protected_is_refused_until_it_can_be() {
    use rustix::process::{Resource, Signal};
    use test_support::procfs;
    let (mut server, mut conn) = connected_server(&["--timeout", "60", "--encoding", "utf-8"]);
    // The first command starts the companion: kill it, then take every descriptor away.
    assert_eq!(ask(&mut conn, "echo first"), b"first\n");
    let companion = companions_of(server.id());
    procfs::signal(companion[0], Signal::KILL);
    // SIGKILL takes a moment: wait until it is a zombie (the server reaps it later).
    let stat = format!("/proc/{}/stat", companion[0]);
    let end = Instant::now() + DEADLINE;
    while !std::fs::read_to_string(&stat).unwrap().contains(") Z ") {
        assert!(Instant::now() < end, "the companion did not die");
        std::thread::sleep(Duration::from_millis(10));
    }
    // (Below what is open: those stay open, but no new one can be made.)
    let old = procfs::set_soft_limit(server.id(), Resource::Nofile, Some(3));
    let reply = String::from_utf8(ask(&mut conn, "sleep 3184 & sleep 3184")).unwrap();
    assert!(
        reply.starts_with(
            "error: nothing was run: could not start the process that stops commands when this server stops"
        ),
        "{reply}"
    );
    assert!(procfs::processes_running(&["sleep", "3184"]).is_empty());
    // Descriptors back: the next command runs, and the new companion stops it with the server.
    procfs::set_soft_limit(server.id(), Resource::Nofile, old);
    conn.write_all(b"sleep 3184 & sleep 3184").unwrap();
    procfs::wait_for_processes(&["sleep", "3184"], 2, DEADLINE);
    procfs::signal(server.id(), Signal::KILL);
    assert!(
        server.exit_within(DEADLINE).is_some(),
        "the server did not stop"
    );
    procfs::expect_gone(&["sleep", "3184"], DEADLINE);
}

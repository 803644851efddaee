//! The TCP remote-command server as students run it: the real binary on port 0, driven over
//! real TCP connections from the test (and once by a Python client written the tutorial's way).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use remote_cmd_runner::framed;
use test_support::shell::{self, printed};
use test_support::{DEADLINE, QUIET, Running, Server, start_server, tcp_connect};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-remote-cmd-server");

/// Starts the server with `args`, and connects a client to it.
fn connected_server(args: &[&str]) -> (Server, TcpStream) {
    test_support::start_and_connect(SERVER, args)
}

fn gbk(text: &str) -> Vec<u8> {
    remote_cmd_runner::WireEncoding::Gbk.encode(text)
}

/// The tutorial's client step: send the command, take one recv(1024). (Commands come from
/// `test_support::shell`, so each test reads the same on Linux, macOS and Windows.)
fn ask(conn: &mut TcpStream, command: &str) -> Vec<u8> {
    conn.write_all(command.as_bytes()).unwrap();
    let mut buffer = [0u8; 1024];
    let n = conn.read(&mut buffer).unwrap();
    buffer[..n].to_vec()
}

/// [`ask`], and asserts that the reply came within 5 s: the server did not hang on `command`.
fn ask_promptly(conn: &mut TcpStream, command: &str) -> Vec<u8> {
    let start = Instant::now();
    let reply = ask(conn, command);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?} for {command:?}");
    reply
}

/// Asks the server to echo `text` over `conn`, and expects it back as the shell prints it.
fn expect_echo(conn: &mut TcpStream, text: &str) {
    assert_eq!(ask(conn, &shell::echo(text)), printed(text), "echo {text}");
}

/// The `--framed` client step: one framed command, one whole framed reply.
fn ask_framed(conn: &mut TcpStream, command: &[u8]) -> Vec<u8> {
    framed::write_frame(conn, command).unwrap();
    framed::read_frame(conn, framed::MAX_REPLY)
        .unwrap()
        .unwrap()
}

fn server(args: &[&str]) -> Server {
    start_server(SERVER, args)
}

#[test]
fn echo_output_is_the_reply() {
    let (server, mut conn) = connected_server(&[]);
    expect_echo(&mut conn, "hello");
    server.expect_stdout("command from");
}

#[test]
fn a_silent_command_is_answered_with_zhixing_chenggong_in_gbk() {
    let (_server, mut conn) = connected_server(&[]);
    assert_eq!(
        ask(&mut conn, shell::NOTHING),
        b"\xd6\xb4\xd0\xd0\xb3\xc9\xb9\xa6"
    );
    assert_eq!(ask(&mut conn, shell::NOTHING), gbk("执行成功"));
}

#[test]
fn a_failing_command_is_answered_with_its_stderr() {
    let (_server, mut conn) = connected_server(&[]);
    let command = shell::then(&shell::echo("out"), &shell::echo_to_stderr("err"));
    // stderr wins over stdout.
    assert_eq!(ask(&mut conn, &command), printed("err"));
}

#[test]
fn chinese_utf8_output_arrives_as_gbk_or_as_utf8_when_asked() {
    let (_server, mut conn) = connected_server(&[]);
    // The shell prints UTF-8 (e4 bd a0 e5 a5 bd) on Linux and macOS, the console's code page
    // on Windows (GBK on a Chinese one); the wire carries GBK (c4 e3 ba c3) either way.
    let expected = [&b"\xc4\xe3\xba\xc3"[..], shell::EOL.as_bytes()].concat();
    assert_eq!(ask(&mut conn, &shell::echo("你好")), expected);

    let utf8 = start_server(SERVER, &["--encoding", "utf-8"]);
    let mut conn = tcp_connect(utf8.addr);
    expect_echo(&mut conn, "你好");
}

#[test]
fn cat_returns_at_once_because_stdin_is_the_null_device() {
    let (_server, mut conn) = connected_server(&[]);
    assert_eq!(ask_promptly(&mut conn, shell::READ_STDIN), gbk("执行成功"));
}

#[test]
fn over_a_megabyte_of_stdout_then_a_line_on_stderr_does_not_deadlock() {
    let (_server, mut conn) = connected_server(&[]);
    let big = shell::TempFile::filled("1.1MB", b'a', 1_100_000);
    let command = shell::then(
        &shell::print_file(big.path()),
        &shell::echo_to_stderr("the-end"),
    );
    assert_eq!(ask_promptly(&mut conn, &command), printed("the-end"));
}

#[test]
fn sleep_beyond_the_timeout_is_stopped_and_reported() {
    let (_server, mut conn) = connected_server(&["--timeout", "0.5"]);
    let reply = String::from_utf8(ask_promptly(&mut conn, &shell::sleep(30))).unwrap();
    assert_eq!(
        reply,
        "[stopped: the command was still running after 500ms, so it and its children were killed (--timeout)]"
    );
    // And the connection goes on.
    expect_echo(&mut conn, "next");
}

/// The peak resident memory of a process so far (Linux's VmHWM), in bytes.
#[cfg(target_os = "linux")]
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[test]
#[cfg(target_os = "linux")]
fn fifty_megabytes_of_output_keep_the_server_memory_small() {
    let (server, mut conn) = connected_server(&["--framed"]);
    // Warm up (threads, buffers) so that "before" is the server at work, not at rest.
    assert_eq!(ask_framed(&mut conn, b"echo warm"), b"warm\n");
    let before = peak_memory(server.id());

    let start = Instant::now();
    let reply = ask_framed(&mut conn, b"yes 0123456789abcdef | head -c 50000000");
    let elapsed = start.elapsed();
    let grown = peak_memory(server.id()) - before;

    let note = b"[output cut: the command wrote 50000000 bytes to stdout; only the first 1048576 are kept (--max-output)]";
    assert!(reply.ends_with(note), "{:?}", &reply[reply.len() - 200..]);
    assert_eq!(reply.len(), 1_048_576 + 1 + note.len());
    eprintln!("50 MB of output: peak memory grew by {grown} bytes in {elapsed:?}");
    // 1 MiB kept, plus a few copies of it on the way out; never the 50 MB.
    assert!(grown < 12 << 20, "peak memory grew by {grown} bytes");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_command_that_is_not_utf8_gets_an_error_reply_and_the_server_goes_on() {
    let (_server, mut conn) = connected_server(&[]);
    conn.write_all(b"echo \xff\xfe").unwrap();
    let mut buffer = [0u8; 1024];
    let n = conn.read(&mut buffer).unwrap();
    assert_eq!(
        &buffer[..n],
        b"error: the command is not valid UTF-8 (b'echo \\xff\\xfe'); send it encoded as UTF-8"
    );
    expect_echo(&mut conn, "fine");
}

/// Resets `conn`, a client of `server`; the server logs the dropped connection and serves
/// the next client.
fn reset_and_see_the_next_client_served(server: &Server, conn: TcpStream) {
    test_support::close_with_reset(conn);
    if !test_support::wine_gap(test_support::Gap::LingerZeroResetNotSeen) {
        server.expect_stderr("(connection dropped, still serving)");
    }
    let mut next = tcp_connect(server.addr);
    expect_echo(&mut next, "still here");
}

#[test]
fn a_client_that_resets_mid_command_does_not_stop_the_server() {
    let (server, mut conn) = connected_server(&[]);
    let command = shell::then(&shell::sleep(1), &shell::echo("too late"));
    conn.write_all(command.as_bytes()).unwrap();
    // The server has the command and is running it: now vanish.
    server.expect_stdout("command from");
    // Its reply hits the reset connection.
    reset_and_see_the_next_client_served(&server, conn);
}

#[test]
fn a_client_that_resets_while_idle_does_not_stop_the_server() {
    let (server, mut conn) = connected_server(&[]);
    expect_echo(&mut conn, "hi");
    reset_and_see_the_next_client_served(&server, conn);
}

#[test]
fn a_second_client_waits_until_the_first_leaves_by_default() {
    let mut server = server(&[]);
    let mut first = tcp_connect(server.addr);
    expect_echo(&mut first, "first");

    // The handshake succeeds (the backlog holds it), and the command is sent...
    let mut second = tcp_connect(server.addr);
    second.write_all(shell::echo("second").as_bytes()).unwrap();
    // ...but nobody reads it while the server talks to the first client.
    second.set_read_timeout(Some(QUIET)).unwrap();
    let mut buffer = [0u8; 1024];
    let err = second.read(&mut buffer).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );

    // The first one leaves: the server reads 0 bytes, accepts the second, and answers it.
    drop(first);
    second.set_read_timeout(Some(DEADLINE)).unwrap();
    let n = second.read(&mut buffer).unwrap();
    assert_eq!(buffer[..n], printed("second"));
    server.expect_stdout(" left");
    assert!(server.is_running());
}

#[test]
fn with_concurrent_a_second_client_is_served_at_once() {
    let server = server(&["--concurrent"]);
    let mut first = tcp_connect(server.addr);
    expect_echo(&mut first, "first");
    let mut second = tcp_connect(server.addr);
    expect_echo(&mut second, "second");
    expect_echo(&mut first, "first again");
}

#[test]
fn a_long_reply_sticks_to_the_next_one_in_raw_mode() {
    let (_server, mut conn) = connected_server(&[]);
    let all = shell::counted(1000); // 3893 bytes (4893 on Windows): more than one recv(1024)
    let first = ask(&mut conn, &shell::count_to(1000));
    let second = ask(&mut conn, &shell::echo("marker"));
    // The second "reply" is the rest of the first one, not "marker".
    assert!(first.len() <= 1024);
    assert!(!second.is_empty());
    assert!(all.starts_with(&[first, second.clone()].concat()));
    assert!(!String::from_utf8_lossy(&second).contains("marker"));
}

#[test]
fn framed_mode_delivers_whole_replies_and_nothing_sticks() {
    let (_server, mut conn) = connected_server(&["--framed"]);
    assert_eq!(
        ask_framed(&mut conn, shell::count_to(1000).as_bytes()),
        shell::counted(1000)
    );
    assert_eq!(
        ask_framed(&mut conn, shell::echo("marker").as_bytes()),
        printed("marker")
    );
    // A reply of 200 KB, whole.
    let file = shell::TempFile::filled("200KB", b'z', 200_000);
    let big = ask_framed(&mut conn, shell::print_file(file.path()).as_bytes());
    assert_eq!(big, vec![b'z'; 200_000]);
}

#[test]
fn a_raw_client_gets_a_clear_error_from_a_framed_server() {
    let (server, mut conn) = connected_server(&["--framed", "--io-timeout", "1"]);
    let reply = String::from_utf8(ask(&mut conn, "echo hi")).unwrap();
    assert_eq!(
        reply,
        "error: this server runs with --framed: the message does not start with a plausible \
         length: b'echo' announces 1701013615 bytes (at most 65536 expected); the other side \
         is probably not using --framed"
    );
    // A command shorter than a length prefix: the server does not wait forever.
    let mut conn = tcp_connect(server.addr);
    let reply = String::from_utf8(ask(&mut conn, "ls")).unwrap();
    assert!(
        reply.contains("only 2 of 4 bytes of a message came in time"),
        "{reply}"
    );
    let mut next = tcp_connect(server.addr);
    assert_eq!(
        ask_framed(&mut next, shell::echo("ok").as_bytes()),
        printed("ok")
    );
}

#[test]
fn a_framed_client_gets_a_reply_that_is_no_plausible_frame_from_a_raw_server() {
    let (_server, mut conn) = connected_server(&[]);
    framed::write_frame(&mut conn, b"echo hi").unwrap();
    let err = framed::read_frame(&mut conn, framed::MAX_REPLY).unwrap_err();
    // The raw server ran b'\x00\x00\x00\x07echo hi' and said what was wrong with it; read
    // as a length, its first four letters, "erro", announce 1.7 GB.
    assert!(
        err.to_string().starts_with(
            "the message does not start with a plausible length: b'erro' announces 1701999215 bytes"
        ),
        "{err}"
    );
}

#[test]
fn allow_remote_lets_a_non_loopback_address_past_the_check_with_a_warning() {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine, so nothing is exposed: the bind
    // fails, after the check let it through with its warning.
    let mut server = Running::spawn({
        let mut command = Command::new(SERVER);
        command.args(["--addr", "192.0.2.1:0", "--allow-remote", "--framed"]);
        command
    });
    assert_eq!(server.expect_exit().code(), Some(1));
    server.expect_stderr("WARNING: listening on 192.0.2.1:0, not loopback (--allow-remote)");
    server.expect_stderr("is not an address of this machine");
}

/// On a real network TCP splits writes wherever it likes, and without a length in front
/// nothing can tell a piece of a command from a whole one: a reachable server must frame.
#[test]
fn allow_remote_without_framed_is_refused() {
    let mut server = Running::spawn({
        let mut command = Command::new(SERVER);
        command.args(["--addr", "127.0.0.1:0", "--allow-remote"]);
        command
    });
    assert_eq!(server.expect_exit().code(), Some(2));
    server.expect_stderr("Error: --allow-remote needs --framed");
}

#[test]
fn a_python_client_written_the_tutorials_way_reads_the_replies() {
    let server = server(&[]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tutorial_client.py");
    let Some(mut client) = test_support::python_client(script, server.addr) else {
        return;
    };
    test_support::expect_python_command_results(&mut client);
    server.expect_stdout(" left");
}

/// A server stopped while a client is connected, on a port of its own: the server closed
/// that connection first, so its side now waits in TIME_WAIT and still holds the port.
#[cfg(unix)]
fn stop_with_a_client_connected(args: &[&str]) -> String {
    let first = server(args);
    let mut conn = tcp_connect(first.addr);
    conn.write_all(b"echo hi").unwrap();
    let mut reply = [0u8; 64];
    assert!(conn.read(&mut reply).unwrap() > 0);
    // Killed: the kernel closes its socket and sends FIN; the client reads end of file and
    // closes too. The side that closed first, the server's, is in TIME_WAIT.
    let addr = first.addr;
    drop(first);
    assert_eq!(conn.read(&mut reply).unwrap(), 0);
    addr.to_string()
}

/// Starts the server on `port` with `args`: Ok(its address) or Err(its error line).
#[cfg(unix)]
fn restart(port: &str, args: &[&str]) -> Result<std::net::SocketAddr, String> {
    let again = Running::spawn({
        let mut command = Command::new(SERVER);
        command.args(["--addr", port]).args(args);
        command
    });
    // The `listening on` line, or end of output (then the error line says why).
    match again.next_line(test_support::Stream::Stdout, DEADLINE) {
        Some(line) => Ok(test_support::parse_listening_line(&line).unwrap()),
        None => Err(again.expect_stderr("Error")),
    }
}

/// Issue 17's restart failure, as every socket programmer meets it: a port held by the last
/// run's connections in TIME_WAIT (60 s on Linux, 30 s on macOS). Without SO_REUSEADDR
/// (`--no-reuseaddr`, as the tutorial's server binds) a restart on the same port fails with
/// "already in use"; with it (our default), the restart binds at once. Windows checks
/// TIME_WAIT otherwise, and there SO_REUSEADDR would let another program steal the port:
/// lesson 4 says so.
#[test]
#[cfg(unix)]
fn a_restart_fails_while_time_wait_holds_the_port_unless_so_reuseaddr_is_set() {
    let port = stop_with_a_client_connected(&[]);
    let refused = restart(&port, &["--no-reuseaddr"]).unwrap_err();
    assert!(refused.contains("already in use"), "{refused}");
    assert!(refused.contains("TIME_WAIT"), "{refused}");
    assert_eq!(restart(&port, &[]).unwrap().to_string(), port);
}

/// Linux asks both sides: a connection in TIME_WAIT lets a new listener past only if the
/// listener it came from had SO_REUSEADDR too. So after a run of the tutorial's server
/// (`--no-reuseaddr`), even our default cannot restart on its port until TIME_WAIT ends.
#[test]
#[cfg(target_os = "linux")]
fn on_linux_so_reuseaddr_helps_only_if_the_last_run_had_it_too() {
    let port = stop_with_a_client_connected(&["--no-reuseaddr"]);
    let refused = restart(&port, &[]).unwrap_err();
    assert!(refused.contains("already in use"), "{refused}");
}

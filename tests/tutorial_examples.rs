//! The tutorial's ten programs as it wrote them, in Rust (`examples/*.rs`, `cargo run --example
//! NAME`), run as students run them: each is short and uses its lesson's default address; each
//! talks with the tutorial's Python peer (written afresh here, or for the remote-command
//! servers the lesson crate's `tests/tutorial_client.py`; run where python3 is installed);
//! and each talks with the lesson's full program, both ways (tutorial server with full client,
//! full server with tutorial client).
//!
//! Every program runs on port 0 (the tutorial's servers take the address to bind as their
//! argument, its clients the server's), every wait has a deadline, and every process is killed
//! when its test ends. Under Wine the examples come from `SOCKET_LESSONS_BIN_DIR/examples`,
//! which `.ci/wine-tests` fills with `cargo build --examples`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use test_support::{Running, Stream, cargo_bin, cargo_example, parse_listening_line, start_server};

/// The ten programs and the default address of their lesson.
const EXAMPLES: [(&str, SocketAddr); 10] = [
    ("udp-echo-server", common::defaults::UDP_ECHO),
    ("udp-echo-client", common::defaults::UDP_ECHO),
    ("udp-qq-server", common::defaults::UDP_QQ),
    ("udp-qq-client", common::defaults::UDP_QQ),
    ("ntp-time-server", common::defaults::NTP_TIME),
    ("ntp-time-client", common::defaults::NTP_TIME),
    ("tcp-remote-cmd-server", common::defaults::TCP_REMOTE_CMD),
    ("tcp-remote-cmd-client", common::defaults::TCP_REMOTE_CMD),
    ("udp-remote-cmd-server", common::defaults::UDP_REMOTE_CMD),
    ("udp-remote-cmd-client", common::defaults::UDP_REMOTE_CMD),
];

/// The longest a tutorial program may be, comments included: short enough to read beside the
/// tutorial's Python, line by line.
const MAX_LINES: usize = 40;

fn source(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{name}.rs"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Waits for a server's `listening on ...` line and returns the address in it.
fn announced(server: &Running) -> SocketAddr {
    let line = server.expect_line(Stream::Stdout, |line| line.starts_with("listening on "));
    parse_listening_line(&line).unwrap_or_else(|| panic!("not a `listening on` line: {line:?}"))
}

/// The tutorial's server `name` on 127.0.0.1:0, and the address it got.
fn tutorial_server(name: &str) -> (Running, SocketAddr) {
    let mut command = Command::new(cargo_example(name));
    command.arg("127.0.0.1:0");
    let server = Running::spawn(command);
    let addr = announced(&server);
    (server, addr)
}

/// The tutorial's client `name`, talking to `server`.
fn tutorial_client(name: &str, server: SocketAddr) -> Running {
    let mut command = Command::new(cargo_example(name));
    command.arg(server.to_string());
    Running::spawn(command)
}

/// The lesson's full client `package`, talking to `server`.
fn full_client(package: &str, server: SocketAddr) -> Running {
    let mut command = Command::new(cargo_bin(package));
    command.args(["--server", &server.to_string()]);
    Running::spawn(command)
}

/// `python3 -u -c script args...` (unbuffered, UTF-8 on its pipes), or `None` after a NOTICE
/// where python3 is missing.
fn python(script: &str, args: &[String]) -> Option<Running> {
    let mut command = test_support::python3("the check with the tutorial's Python peer")?;
    command
        .args(["-u", "-c", script])
        .args(args)
        .env("PYTHONIOENCODING", "utf-8");
    Some(Running::spawn(command))
}

/// How a UDP client of the tutorial's kind starts, in Python, given the server's IP and port:
/// `peer` is the server, `sock` a socket whose reads give up after 10 s (the tutorial's wait
/// for ever, but a test must not hang). The chat client builds its own contact book instead.
const UDP_CLIENT_START: &str = r#"
import socket, sys
peer = (sys.argv[1], int(sys.argv[2]))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(10)
"#;

/// How a UDP server of the tutorial's kind starts, in Python: `sock` bound to 127.0.0.1:0,
/// giving up after 30 s without a datagram, and the `listening on` line the tests read.
const UDP_SERVER_START: &str = r#"
import socket
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
sock.settimeout(30)
print("listening on udp://%s:%d" % sock.getsockname())
"#;

/// A Python client of the tutorial's kind, given the server's IP and port.
fn python_client(script: &str, server: SocketAddr) -> Option<Running> {
    python(
        script,
        &[server.ip().to_string(), server.port().to_string()],
    )
}

/// The UDP client whose loop is `body`, started as [`UDP_CLIENT_START`] says.
fn python_udp_client(body: &str, server: SocketAddr) -> Option<Running> {
    python_client(&format!("{UDP_CLIENT_START}{body}"), server)
}

/// A Python server of the tutorial's kind, on 127.0.0.1:0, and the address it announced.
fn python_server(script: &str) -> Option<(Running, SocketAddr)> {
    let server = python(script, &[])?;
    let addr = announced(&server);
    Some((server, addr))
}

/// The UDP server whose loop is `body`, started as [`UDP_SERVER_START`] says.
fn python_udp_server(body: &str) -> Option<(Running, SocketAddr)> {
    python_server(&format!("{UDP_SERVER_START}{body}"))
}

/// Types `lines` into a client, then ends its input (Ctrl-D).
fn type_lines(client: &mut Running, lines: &[&str]) {
    for line in lines {
        client.write_line(line);
    }
}

/// Asserts that a client ends by itself with status 0 once its input ends.
fn expect_clean_exit(client: &mut Running) {
    client.close_stdin();
    let status = client.expect_exit();
    assert!(status.success(), "{status}\n{}", client.transcript());
}

/// What the tutorial's time server sends for an empty request: `%Y-%m-%d %X`, such as
/// `2026-05-01 14:03:27`.
fn is_default_time(text: &str) -> bool {
    let shape = text
        .bytes()
        .map(|b| if b.is_ascii_digit() { b'9' } else { b })
        .collect::<Vec<u8>>();
    shape == b"9999-99-99 99:99:99"
}

// ---- The programs themselves ----------------------------------------------------------------

#[test]
fn each_tutorial_program_is_at_most_40_lines_and_examples_holds_only_them() {
    for (name, _) in EXAMPLES {
        let lines = source(name).lines().count();
        assert!(
            lines <= MAX_LINES,
            "examples/{name}.rs has {lines} lines; a tutorial program has at most {MAX_LINES}"
        );
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = EXAMPLES.iter().map(|(n, _)| format!("{n}.rs")).collect();
    expected.sort();
    assert_eq!(
        found, expected,
        "examples/ holds the tutorial's programs only"
    );
}

#[test]
fn each_tutorial_program_uses_its_lessons_default_address() {
    for (name, default) in EXAMPLES {
        let quoted = format!("\"{default}\"");
        assert!(
            source(name).contains(&quoted),
            "examples/{name}.rs should default to {quoted}, its lesson's address in common"
        );
    }
}

// ---- Lesson 1: echo ----------------------------------------------------------------------

/// The tutorial's echo client, in Python: each line typed goes out as one datagram, and the
/// reply is printed as Python shows bytes.
/// (Its loop: it runs after [`UDP_CLIENT_START`].)
const ECHO_CLIENT_PY: &str = r#"
for line in sys.stdin:
    sock.sendto(line.strip().encode("utf-8"), peer)
    answer, _ = sock.recvfrom(1024)
    print(answer)
"#;

/// The tutorial's echo server, in Python: prints each datagram and sends it back upper-cased.
/// (Its loop: it runs after [`UDP_SERVER_START`].)
const ECHO_SERVER_PY: &str = r#"
while True:
    data, sender = sock.recvfrom(1024)
    print(data)
    sock.sendto(data.upper(), sender)
"#;

#[test]
fn tutorial_echo_server_prints_python_bytes_and_answers_a_python_client_in_upper_case() {
    let (server, addr) = tutorial_server("udp-echo-server");
    let Some(mut client) = python_udp_client(ECHO_CLIENT_PY, addr) else {
        return;
    };
    type_lines(&mut client, &["hello", "", "héllo"]);
    client.expect_stdout("b'HELLO'");
    client.expect_stdout("b''");
    client.expect_stdout(r"b'H\xc3\xa9LLO'");
    expect_clean_exit(&mut client);
    server.expect_stdout("b'hello'");
    server.expect_stdout("b''");
    server.expect_stdout(r"b'h\xc3\xa9llo'");
}

/// An echo client types `hello` and an empty line: it shows `b'HELLO'` and `b''` (after
/// `prompt`, where it shows one), and ends cleanly at the end of its input.
fn expect_hello_and_nothing_echoed(client: &mut Running, prompt: &str) {
    type_lines(client, &["hello", ""]);
    client.expect_stdout(&format!("{prompt}b'HELLO'"));
    client.expect_stdout(&format!("{prompt}b''"));
    expect_clean_exit(client);
}

#[test]
fn tutorial_echo_client_sends_each_line_to_a_python_server_and_prints_the_reply() {
    let Some((server, addr)) = python_udp_server(ECHO_SERVER_PY) else {
        return;
    };
    let mut client = tutorial_client("udp-echo-client", addr);
    expect_hello_and_nothing_echoed(&mut client, ">>: ");
    server.expect_stdout("b'hello'");
    server.expect_stdout("b''");
}

#[test]
fn tutorial_echo_server_answers_the_full_client() {
    let (server, addr) = tutorial_server("udp-echo-server");
    let mut client = full_client("udp-echo-client", addr);
    expect_hello_and_nothing_echoed(&mut client, "");
    server.expect_stdout("b'hello'");
}

#[test]
fn full_echo_server_answers_the_tutorial_client() {
    let server = start_server(cargo_bin("udp-echo-server"), &[]);
    let mut client = tutorial_client("udp-echo-client", server.addr);
    expect_hello_and_nothing_echoed(&mut client, "");
    server.expect_stdout(": b'hello'");
}

// ---- Lesson 2: the QQ chat -----------------------------------------------------------------

/// The tutorial's chat client, in Python: a contact book, a name chosen, one message sent and
/// the reply shown bold on blue with the address it came from.
const QQ_CLIENT_PY: &str = r#"
import socket, sys
book = {"狗哥alex": (sys.argv[1], int(sys.argv[2]))}
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(10)
who = input("请选择聊天对象: ").strip()
text = input("请输入消息,回车发送: ").strip()
sock.sendto(text.encode("utf-8"), book[who])
answer, (ip, port) = sock.recvfrom(1024)
print(f"来自[{ip}:{port}]的一条消息:\033[1;44m{answer.decode('utf-8')}\033[0m")
"#;

/// The tutorial's chat server, in Python: shows each message, sends back the line typed.
/// (Its loop: it runs after [`UDP_SERVER_START`].)
const QQ_SERVER_PY: &str = r#"
while True:
    text, (ip, port) = sock.recvfrom(1024)
    print(f"来自[{ip}:{port}]的一条消息:\033[1;44m{text.decode('utf-8')}\033[0m")
    answer = input("回复消息: ").strip()
    sock.sendto(answer.encode("utf-8"), (ip, port))
"#;

/// The chat's line for `text` from `addr`, highlighted as the tutorial prints it.
fn chat_line(addr: SocketAddr, text: &str) -> String {
    format!(
        "来自[{}:{}]的一条消息:\x1b[1;44m{text}\x1b[0m",
        addr.ip(),
        addr.port()
    )
}

#[test]
fn tutorial_chat_server_shows_a_python_clients_message_and_sends_back_the_typed_reply() {
    let (mut server, addr) = tutorial_server("udp-qq-server");
    let Some(mut client) = python_client(QQ_CLIENT_PY, addr) else {
        return;
    };
    type_lines(&mut client, &["狗哥alex", "你好"]);
    server.expect_stdout("的一条消息:\x1b[1;44m你好\x1b[0m");
    server.write_line("hi there");
    client.expect_stdout(&chat_line(addr, "hi there"));
    expect_clean_exit(&mut client);
}

#[test]
fn tutorial_chat_client_sends_only_to_a_name_in_its_book_and_shows_the_python_servers_reply() {
    let Some((mut server, addr)) = python_udp_server(QQ_SERVER_PY) else {
        return;
    };
    let mut client = tutorial_client("udp-qq-client", addr);
    // A name not in the book: the message goes nowhere. `quit` goes back to the names.
    type_lines(&mut client, &["nobody", "lost", "quit", "狗哥alex", "你好"]);
    let shown = server.expect_stdout("的一条消息:");
    assert!(shown.contains("\x1b[1;44m你好\x1b[0m"), "{shown}");
    server.write_line("hi there");
    client.expect_stdout(&chat_line(addr, "hi there"));
    expect_clean_exit(&mut client);
}

#[test]
fn tutorial_chat_server_talks_with_the_full_client() {
    let (mut server, addr) = tutorial_server("udp-qq-server");
    let mut client = full_client("udp-qq-client", addr);
    type_lines(&mut client, &["狗哥alex", "你好"]);
    server.expect_stdout("的一条消息:\x1b[1;44m你好\x1b[0m");
    server.write_line("hi there");
    client.expect_stdout(&format!("message from {addr}: hi there"));
    expect_clean_exit(&mut client);
}

#[test]
fn full_chat_server_talks_with_the_tutorial_client() {
    let mut server = start_server(cargo_bin("udp-qq-server"), &[]);
    let addr = server.addr;
    let mut client = tutorial_client("udp-qq-client", addr);
    type_lines(&mut client, &["狗哥alex", "你好"]);
    server.expect_stdout(": 你好");
    server.write_line("hi there");
    client.expect_stdout(&chat_line(addr, "hi there"));
    expect_clean_exit(&mut client);
}

// ---- Lesson 3: the time server -----------------------------------------------------------

/// The client the tutorial's time server implies, in Python: each line is a format, the reply
/// the time as text.
/// (Its loop: it runs after [`UDP_CLIENT_START`].)
const TIME_CLIENT_PY: &str = r#"
for line in sys.stdin:
    sock.sendto(line.strip().encode("utf-8"), peer)
    answer, _ = sock.recvfrom(1024)
    print("time:", answer.decode("utf-8"))
"#;

/// The tutorial's time server, in Python: an empty datagram asks for `%Y-%m-%d %X`, any other
/// is the format for time.strftime.
/// (Its loop: it runs after [`UDP_SERVER_START`].)
const TIME_SERVER_PY: &str = r#"
import time
while True:
    data, sender = sock.recvfrom(1024)
    print(data)
    layout = data.decode("utf-8") if data else "%Y-%m-%d %X"
    sock.sendto(time.strftime(layout).encode("utf-8"), sender)
"#;

/// The year now, as the time server should write `%Y`.
fn this_year(server_said: &str) -> bool {
    server_said.len() == 4 && server_said.starts_with("20")
}

#[test]
fn tutorial_time_server_answers_a_python_client_in_the_default_or_the_asked_format() {
    let (server, addr) = tutorial_server("ntp-time-server");
    let Some(mut client) = python_udp_client(TIME_CLIENT_PY, addr) else {
        return;
    };
    type_lines(&mut client, &["", "%Y"]);
    let default = client.expect_stdout("time: ");
    assert!(is_default_time(&default["time: ".len()..]), "{default}");
    let year = client.expect_stdout("time: ");
    assert!(this_year(&year["time: ".len()..]), "{year}");
    expect_clean_exit(&mut client);
    server.expect_stdout("b''");
    server.expect_stdout("b'%Y'");
}

#[test]
fn tutorial_time_client_prints_the_python_servers_time_as_text() {
    let Some((server, addr)) = python_udp_server(TIME_SERVER_PY) else {
        return;
    };
    let mut client = tutorial_client("ntp-time-client", addr);
    type_lines(&mut client, &[""]);
    let line = client.expect_stdout(">>: ");
    assert!(is_default_time(line.trim_start_matches(">>: ")), "{line}");
    expect_clean_exit(&mut client);
    server.expect_stdout("b''");
}

#[test]
fn tutorial_time_server_answers_the_full_client() {
    let (_server, addr) = tutorial_server("ntp-time-server");
    let mut client = full_client("ntp-time-client", addr);
    type_lines(&mut client, &["", "%Y"]);
    let default = client.expect_line(Stream::Stdout, |_| true);
    assert!(is_default_time(&default), "{default}");
    let year = client.expect_line(Stream::Stdout, |_| true);
    assert!(this_year(&year), "{year}");
    expect_clean_exit(&mut client);
}

#[test]
fn full_time_server_answers_the_tutorial_client() {
    let server = start_server(cargo_bin("ntp-time-server"), &[]);
    let mut client = tutorial_client("ntp-time-client", server.addr);
    type_lines(&mut client, &["", "%Y"]);
    let default = client.expect_stdout(">>: ");
    assert!(
        is_default_time(default.trim_start_matches(">>: ")),
        "{default}"
    );
    let year = client.expect_stdout(">>: ");
    assert!(this_year(year.trim_start_matches(">>: ")), "{year}");
    expect_clean_exit(&mut client);
}

// ---- Lessons 4 and 5: remote commands ------------------------------------------------------

/// A command with output on every system, and one without (`cd .` prints nothing in sh and
/// in cmd), which the tutorial's servers answer with 执行成功.
const WITH_OUTPUT: &str = "echo hi";
const WITHOUT_OUTPUT: &str = "cd .";

/// What the tutorial's remote-command clients print before each result.
const RESULT: &str = "命令的执行结果是  ";

/// The tutorial's TCP remote-command server, in Python: for each client, runs each command in
/// the shell and sends back its error output, else its output, else 执行成功 in GBK.
const TCP_CMD_SERVER_PY: &str = r#"
import socket, subprocess
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(5)
listener.settimeout(30)
print("listening on tcp://%s:%d" % listener.getsockname())
while True:
    conn, peer = listener.accept()
    conn.settimeout(30)
    print("新的客户端链接", peer)
    while True:
        command = conn.recv(1024)
        if not command:
            break
        done = subprocess.run(command.decode("utf-8"), shell=True, capture_output=True,
                              stdin=subprocess.DEVNULL)
        conn.sendall(done.stderr or done.stdout or "执行成功".encode("gbk"))
"#;

/// The tutorial's UDP remote-command server, in Python (after [`UDP_SERVER_START`]).
const UDP_CMD_SERVER_PY: &str = r#"
import subprocess
while True:
    command, sender = sock.recvfrom(1024)
    done = subprocess.run(command.decode("utf-8"), shell=True, capture_output=True,
                          stdin=subprocess.DEVNULL)
    sock.sendto(done.stderr or done.stdout or "执行成功".encode("gbk"), sender)
"#;

/// Runs the two commands through a client that prints `before` and then each result (the
/// tutorial's own client prints `命令的执行结果是  `, its Python peer in the lesson's crate
/// `result: `) and checks both results; then `quit` must end it cleanly.
fn expect_tutorial_results(client: &mut Running, before: &str) {
    type_lines(client, &["", WITH_OUTPUT, WITHOUT_OUTPUT]);
    client.expect_stdout(&format!("{before}hi"));
    client.expect_stdout(&format!("{before}执行成功"));
    client.write_line("quit");
    let status = client.expect_exit();
    assert!(status.success(), "{status}\n{}", client.transcript());
}

/// The same through the lesson's full client, which prints the result alone.
fn expect_full_client_results(client: &mut Running) {
    type_lines(client, &[WITH_OUTPUT, WITHOUT_OUTPUT]);
    client.expect_line(Stream::Stdout, |line| line.trim() == "hi");
    client.expect_line(Stream::Stdout, |line| line.trim() == "执行成功");
    expect_clean_exit(client);
}

/// Lesson 4's and lesson 5's programs: the tutorial's server and client and their Python
/// peers, over TCP and over UDP; the tests below run each pairing for both.
struct CommandLesson {
    server: &'static str,
    client: &'static str,
    /// The lesson's Python client written the tutorial's way (also run in its lessons).
    python_client: &'static str,
    python_server: &'static str,
    /// What goes before `python_server`: [`UDP_SERVER_START`] for the UDP one.
    python_server_start: &'static str,
}

const COMMAND_LESSONS: [CommandLesson; 2] = [
    CommandLesson {
        server: "tcp-remote-cmd-server",
        client: "tcp-remote-cmd-client",
        python_client: "crates/tcp-remote-cmd/server/tests/tutorial_client.py",
        python_server: TCP_CMD_SERVER_PY,
        python_server_start: "",
    },
    CommandLesson {
        server: "udp-remote-cmd-server",
        client: "udp-remote-cmd-client",
        python_client: "crates/udp-remote-cmd/server/tests/tutorial_client.py",
        python_server: UDP_CMD_SERVER_PY,
        python_server_start: UDP_SERVER_START,
    },
];

#[test]
fn tutorial_command_servers_run_a_python_clients_commands() {
    for lesson in &COMMAND_LESSONS {
        let (server, addr) = tutorial_server(lesson.server);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(lesson.python_client);
        let Some(mut client) = test_support::python_client(&script.to_string_lossy(), addr) else {
            return;
        };
        expect_tutorial_results(&mut client, "result: ");
        if lesson.server.starts_with("tcp") {
            server.expect_stdout("新的客户端链接 127.0.0.1:");
            server.expect_stdout("收到客户端的命令 b'echo hi'");
        }
    }
}

#[test]
fn tutorial_command_clients_print_the_python_servers_results_from_gbk() {
    for lesson in &COMMAND_LESSONS {
        let Some((_server, addr)) = python_server(&format!(
            "{}{}",
            lesson.python_server_start, lesson.python_server
        )) else {
            return;
        };
        let mut client = tutorial_client(lesson.client, addr);
        expect_tutorial_results(&mut client, RESULT);
    }
}

#[test]
fn tutorial_command_servers_answer_the_full_clients() {
    for lesson in &COMMAND_LESSONS {
        let (_server, addr) = tutorial_server(lesson.server);
        let mut client = full_client(lesson.client, addr);
        expect_full_client_results(&mut client);
    }
}

#[test]
fn full_command_servers_answer_the_tutorial_clients() {
    for lesson in &COMMAND_LESSONS {
        let server = start_server(cargo_bin(lesson.server), &[]);
        let mut client = tutorial_client(lesson.client, server.addr);
        expect_tutorial_results(&mut client, RESULT);
    }
}

/// They refuse before binding anything, so the test exposes nothing.
#[test]
fn tutorial_command_servers_refuse_to_listen_beyond_loopback() {
    for name in ["tcp-remote-cmd-server", "udp-remote-cmd-server"] {
        let mut command = Command::new(cargo_example(name));
        command.arg("0.0.0.0:0");
        let mut server = Running::spawn(command);
        let status = server.expect_exit();
        assert!(!status.success(), "{name}: {}", server.transcript());
        server.expect_stderr("loopback only");
        // It said nothing on stdout: no `listening on` line.
        server.expect_nothing_on(Stream::Stdout);
    }
}

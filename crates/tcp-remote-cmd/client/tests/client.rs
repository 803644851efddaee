//! The TCP remote-command client as students run it: the real binary, typing into its stdin,
//! talking to a stand-in server in the test that sends exactly the bytes each test needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::thread::{self, JoinHandle};

use remote_cmd_runner::{WireEncoding, framed};
use test_support::{DEADLINE, Running, Stream};

const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-remote-cmd-client");

/// A one-connection server run by `script` on its own thread; what it returns is the test's.
fn stand_in<T: Send + 'static>(
    script: impl FnOnce(TcpStream) -> T + Send + 'static,
) -> (SocketAddr, JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(DEADLINE)).unwrap();
        script(conn)
    });
    (addr, handle)
}

fn client(server: SocketAddr, extra: &[&str]) -> Running {
    let mut command = Command::new(CLIENT);
    command.args(["--server", &server.to_string()]).args(extra);
    Running::spawn(command)
}

/// One read, as the tutorial's server does it.
fn recv(conn: &mut TcpStream) -> Vec<u8> {
    let mut buffer = [0u8; 1024];
    let n = conn.read(&mut buffer).unwrap();
    buffer[..n].to_vec()
}

#[test]
fn gbk_replies_are_decoded_and_printed() {
    let (addr, server) = stand_in(|mut conn| {
        let command = recv(&mut conn);
        conn.write_all(b"\xc4\xe3\xba\xc3\n").unwrap(); // 你好 in GBK
        command
    });
    let mut client = client(addr, &[]);
    client.write_line("echo 你好");
    client.expect_stdout("你好");
    client.close_stdin();
    assert!(client.expect_exit().success());
    // Commands go out as UTF-8, whatever --encoding says.
    assert_eq!(server.join().unwrap(), "echo 你好".as_bytes());
}

#[test]
fn decoding_utf8_bytes_as_gbk_prints_mojibake() {
    let (addr, _server) = stand_in(|mut conn| {
        recv(&mut conn);
        conn.write_all("你好\n".as_bytes()).unwrap(); // a server run with --encoding utf-8
    });
    let client = client(addr, &[]);
    let mut client = client;
    client.write_line("echo 你好");
    assert_eq!(client.expect_stdout(""), "浣犲ソ");
}

#[test]
fn empty_lines_are_not_sent_and_quit_closes_the_connection() {
    let (addr, server) = stand_in(|mut conn| {
        let first = recv(&mut conn);
        conn.write_all(b"x\n").unwrap();
        // After `quit` the client closes: the next read gets 0 bytes.
        let after_quit = recv(&mut conn);
        (first, after_quit)
    });
    let mut client = client(addr, &[]);
    client.write_line("");
    client.write_line("   ");
    client.write_line("echo x");
    client.expect_stdout("x");
    client.write_line("quit");
    assert!(client.expect_exit().success());
    let (first, after_quit) = server.join().unwrap();
    assert_eq!(first, b"echo x", "the empty lines were not sent");
    assert_eq!(after_quit, b"", "quit closed the connection");
}

#[test]
fn a_reply_over_1024_bytes_runs_into_the_next_command_without_framed() {
    let long: Vec<u8> = (0..3000).map(|i| b"0123456789"[i % 10]).collect();
    let sent = long.clone();
    let (addr, _server) = stand_in(move |mut conn| {
        recv(&mut conn);
        conn.write_all(&sent).unwrap();
        recv(&mut conn);
        conn.write_all(b"marker\n").unwrap();
        recv(&mut conn);
    });
    let mut client = client(addr, &[]);
    client.write_line("first");
    let first = client.next_line(Stream::Stdout, DEADLINE).unwrap();
    client.write_line("second");
    let second = client.next_line(Stream::Stdout, DEADLINE).unwrap();
    // The answer to "second" is bytes 1024.. of the answer to "first".
    assert_eq!(first.as_bytes(), &long[..1024]);
    assert_eq!(second.as_bytes(), &long[1024..2048]);
}

#[test]
fn with_framed_a_long_reply_is_printed_whole() {
    let long: Vec<u8> = (0..3000).map(|i| b"0123456789"[i % 10]).collect();
    let sent = long.clone();
    let (addr, server) = stand_in(move |mut conn| {
        let command = framed::read_frame(&mut conn, 100).unwrap().unwrap();
        framed::write_frame(&mut conn, &sent).unwrap();
        let second = framed::read_frame(&mut conn, 100).unwrap().unwrap();
        framed::write_frame(&mut conn, b"marker\n").unwrap();
        (command, second)
    });
    let mut client = client(addr, &["--framed"]);
    client.write_line("first");
    assert_eq!(
        client
            .next_line(Stream::Stdout, DEADLINE)
            .unwrap()
            .as_bytes(),
        long
    );
    client.write_line("second");
    assert_eq!(
        client.next_line(Stream::Stdout, DEADLINE).unwrap(),
        "marker"
    );
    let (first, second) = server.join().unwrap();
    assert_eq!(
        (first.as_slice(), second.as_slice()),
        (&b"first"[..], &b"second"[..])
    );
}

#[test]
fn a_framed_client_of_a_raw_server_stops_with_a_clear_error() {
    let (addr, _server) = stand_in(|mut conn| {
        recv(&mut conn);
        // What the real raw server answers to b'\x00\x00\x00\x07echo hi'.
        conn.write_all(&WireEncoding::Gbk.encode("error: the command contains NUL bytes"))
            .unwrap();
        recv(&mut conn);
    });
    let mut client = client(addr, &["--framed"]);
    client.write_line("echo hi");
    let status = client.expect_exit();
    assert_eq!(status.code(), Some(1));
    let message = client.expect_stderr("Error:");
    assert!(
        message.contains("does not start with a plausible length"),
        "{message}"
    );
    assert!(message.contains("probably not using --framed"), "{message}");
}

#[test]
fn no_server_is_one_clear_error() {
    // A port that was free a moment ago: nobody listens there now.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut client = client(addr, &[]);
    assert_eq!(client.expect_exit().code(), Some(1));
    let message = client.expect_stderr("Error:");
    assert!(
        message.contains(&format!("cannot connect to {addr}")),
        "{message}"
    );
    assert!(message.contains("is the server running?"), "{message}");
}

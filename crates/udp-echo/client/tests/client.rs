//! The udp-echo client as students run it, with a UDP socket in the test playing the server.

use std::thread;

use assert_cmd::Command;
use predicates::prelude::*;
use test_support::{DEADLINE, Running, assert_no_datagram, recv, udp_socket};

const CLIENT: &str = env!("CARGO_BIN_EXE_udp-echo-client");

#[test]
fn typed_lines_go_out_as_datagrams_and_replies_are_printed() {
    let server = udp_socket();
    let addr = server.local_addr().unwrap();
    // The test's server: takes three datagrams, checks them, answers each upper-cased.
    let serving = thread::spawn(move || {
        let mut received = Vec::new();
        for _ in 0..3 {
            let (data, from) = recv(&server);
            server.send_to(&data.to_ascii_uppercase(), from).unwrap();
            received.push(data);
        }
        received
    });
    Command::new(CLIENT)
        .args(["--server", &addr.to_string()])
        .write_stdin("hello\n\n  spaced out  \n")
        .timeout(DEADLINE)
        .assert()
        .success()
        .stdout("b'HELLO'\nb''\nb'SPACED OUT'\n");
    // The empty line went out as an empty datagram; surrounding spaces were stripped, as the
    // tutorial's input().strip() does.
    let received = serving.join().unwrap();
    assert_eq!(received, [&b"hello"[..], b"", b"spaced out"]);
}

#[test]
fn each_line_waits_for_its_reply_before_the_next_is_sent() {
    let server = udp_socket();
    let addr = server.local_addr().unwrap();
    let mut client = Running::spawn({
        let mut command = std::process::Command::new(CLIENT);
        command.args(["--server", &addr.to_string()]);
        command
    });
    client.write_line("one");
    client.write_line("two");
    let (first, from) = recv(&server);
    assert_eq!(first, b"one");
    // Until "one" is answered, "two" stays unsent: the client is blocked in recvfrom.
    assert_no_datagram(&server);
    server.send_to(b"ONE", from).unwrap();
    assert_eq!(recv(&server).0, b"two");
    server.send_to(b"TWO", from).unwrap();
    client.expect_stdout("b'TWO'");
    client.close_stdin();
    assert!(client.expect_exit().success());
    assert_eq!(
        client.seen(test_support::Stream::Stdout),
        ["b'ONE'", "b'TWO'"]
    );
}

#[test]
fn a_server_that_never_answers_is_reported_and_the_client_exits_at_end_of_input() {
    // Bound, so the datagrams arrive, but nobody ever replies.
    let silent = udp_socket();
    let addr = silent.local_addr().unwrap();
    Command::new(CLIENT)
        .args(["--server", &addr.to_string(), "--timeout", "0.2"])
        .write_stdin("anyone?\nhello?\n")
        .timeout(DEADLINE)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "no reply within 200ms: UDP does not retransmit, so the message or its reply was lost, or no server is listening at {addr}"
        )).count(2));
    assert_eq!(recv(&silent).0, b"anyone?");
    assert_eq!(recv(&silent).0, b"hello?");
}

#[test]
fn no_prompt_is_printed_when_stdin_is_not_a_terminal() {
    let silent = udp_socket();
    Command::new(CLIENT)
        .args(["--server", &silent.local_addr().unwrap().to_string()])
        .write_stdin("")
        .timeout(DEADLINE)
        .assert()
        .success()
        .stdout("");
}

#[test]
fn a_timeout_of_0_exits_with_status_2_and_says_what_is_allowed() {
    // (A malformed --server is the command-line contract's: tests/command_line_contract.rs.)
    Command::new(CLIENT)
        .args(["--timeout", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'0' is not a number of seconds above 0 and at most 86400",
        ));
}

#[test]
fn localhost_is_looked_up_and_the_client_says_which_address_it_became() {
    let server = udp_socket();
    let port = server.local_addr().unwrap().port();
    let mut command = std::process::Command::new(CLIENT);
    command.args(["--server", &format!("localhost:{port}")]);
    let mut client = Running::spawn(command);
    // IPv4 first, since every server of the course listens on 127.0.0.1 by default.
    let said = client.expect_stderr(&format!("localhost:{port} is 127.0.0.1:{port}"));
    println!("{said}");
    client.write_line("hi");
    test_support::answer(&server, "hi", "HI");
    client.expect_stdout("b'HI'");
}

#[test]
fn a_reply_longer_than_the_buffer_is_shown_cut_and_the_cut_is_said() {
    let server = udp_socket();
    let mut command = std::process::Command::new(CLIENT);
    command.args(["--server", &server.local_addr().unwrap().to_string()]);
    let mut client = Running::spawn(command);
    client.write_line("long, please");
    let (_, from) = recv(&server);
    server.send_to(&[b'x'; 1500], from).unwrap();
    let shown = client.expect_stdout("b'x");
    assert_eq!(shown, format!("b'{}'", "x".repeat(1024)));
    let note = client.expect_stdout("cut to 1024 bytes");
    // Linux knows the real length; macOS and Windows only that it was cut.
    #[cfg(target_os = "linux")]
    assert_eq!(
        note,
        "  cut to 1024 bytes: the datagram was 1500 bytes, so 476 bytes are lost"
    );
    #[cfg(not(target_os = "linux"))]
    assert!(note.starts_with("  cut to 1024 bytes: "), "{note}");
}

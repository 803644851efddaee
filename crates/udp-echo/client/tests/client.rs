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
fn a_bad_server_address_or_timeout_exits_with_status_2() {
    Command::new(CLIENT)
        .args(["--server", "localhost"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("127.0.0.1:8080 or [::1]:8080"));
    Command::new(CLIENT)
        .args(["--timeout", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a number of seconds"));
}

#[test]
fn help_explains_the_flags_and_names_the_lesson() {
    Command::new(CLIENT)
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("--server <HOST:PORT>"))
        .stdout(predicate::str::contains("--timeout <SECONDS>"))
        .stdout(predicate::str::contains("lessons/01-udp-echo.md"));
}

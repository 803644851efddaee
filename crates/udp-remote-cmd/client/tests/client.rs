//! The UDP remote-command client as students run it: the real binary, typing into its stdin,
//! talking to a stand-in server socket in the test that sends exactly the datagrams each test
//! needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use test_support::{DEADLINE, Stream, assert_no_datagram, client_of_stand_in, recv};

const CLIENT: &str = env!("CARGO_BIN_EXE_udp-remote-cmd-client");

#[test]
fn gbk_replies_are_decoded_and_printed() {
    let (server, mut client) = client_of_stand_in(CLIENT, &[]);
    client.write_line("echo 你好");
    let (command, from) = recv(&server);
    assert_eq!(command, "echo 你好".as_bytes(), "commands go out as UTF-8");
    server.send_to(b"\xc4\xe3\xba\xc3\n", from).unwrap();
    assert_eq!(client.expect_stdout(""), "你好");
}

#[test]
fn a_reply_longer_than_the_buffer_is_cut_and_the_client_says_how_much_was_lost() {
    let (server, mut client) = client_of_stand_in(CLIENT, &[]);
    client.write_line("big");
    let (_, from) = recv(&server);
    server.send_to(&[b'x'; 48_000], from).unwrap();
    let first = client.next_line(Stream::Stdout, DEADLINE).unwrap();
    assert_eq!(first, "x".repeat(1024));
    let note = client.next_line(Stream::Stdout, DEADLINE).unwrap();
    #[cfg(target_os = "linux")]
    assert_eq!(
        note,
        "(reply cut to 1024 bytes: the datagram was 48000 bytes, so 46976 bytes are lost; \
         try a bigger --buffer-size, up to 65507)"
    );
    #[cfg(not(target_os = "linux"))]
    assert!(note.starts_with("(reply cut to 1024 bytes"), "{note}");

    // The next reply is clean: UDP lost the rest instead of saving it for later.
    client.write_line("next");
    let (_, from) = recv(&server);
    server.send_to(b"next\n", from).unwrap();
    assert_eq!(client.next_line(Stream::Stdout, DEADLINE).unwrap(), "next");
}

#[test]
fn a_big_enough_buffer_size_gets_the_whole_reply() {
    let (server, mut client) = client_of_stand_in(CLIENT, &["--buffer-size", "65507"]);
    client.write_line("big");
    let (_, from) = recv(&server);
    server.send_to(&[b'y'; 48_000], from).unwrap();
    assert_eq!(client.expect_stdout("y"), "y".repeat(48_000));
    assert!(
        !client
            .seen(Stream::Stdout)
            .iter()
            .any(|l| l.contains("cut"))
    );
}

#[test]
fn empty_lines_are_not_sent_and_quit_ends_the_client() {
    let (server, mut client) = client_of_stand_in(CLIENT, &[]);
    client.write_line("");
    client.write_line("  ");
    client.write_line("echo x");
    let (command, from) = recv(&server);
    assert_eq!(command, b"echo x", "the empty lines were not sent");
    server.send_to(b"x\n", from).unwrap();
    client.expect_stdout("x");
    client.write_line("quit");
    assert!(client.expect_exit().success());
    assert_no_datagram(&server);
}

#[test]
fn a_reply_that_never_comes_is_reported_after_the_timeout() {
    let (server, mut client) = client_of_stand_in(CLIENT, &["--timeout", "0.3"]);
    client.write_line("echo lost");
    recv(&server); // and never answer
    let line = client.expect_stdout("no reply within");
    assert!(line.contains("300ms"), "{line}");
    client.close_stdin();
    assert!(client.expect_exit().success());
}

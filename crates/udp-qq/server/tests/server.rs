//! The udp-qq chat server as students run it: the real binary on port 0, its operator played
//! by the test through stdin, its clients by UDP sockets in the test (and, once, by the real
//! client binaries).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::UdpSocket;
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::thread;

use test_support::{
    DEADLINE, Running, Server, Stream, assert_no_datagram, parse_listening_line, recv,
    start_server, udp_socket,
};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-qq-server");

fn server() -> Server {
    start_server(SERVER, &[])
}

/// Starts the server and sends it `message` from a new client socket.
fn server_sent(message: &[u8]) -> (Server, UdpSocket) {
    let server = server();
    let client = udp_socket();
    client.send_to(message, server.addr).unwrap();
    (server, client)
}

/// The operator types `reply`; it must reach `client`, the sender of the message in hand.
fn reply_and_see_it_arrive(server: &mut Server, client: &UdpSocket, reply: &str) {
    server.write_line(reply);
    assert_eq!(recv(client).0, reply.as_bytes());
}

#[test]
fn a_message_is_shown_with_its_sender_and_the_operators_reply_goes_back_to_it() {
    let mut server = server();
    let client = udp_socket();
    let me = client.local_addr().unwrap();
    client.send_to("你好".as_bytes(), server.addr).unwrap();
    server.expect_stdout(&format!("message from {me}: 你好"));
    // The operator's line is trimmed like the tutorial's input().strip().
    server.write_line("  hi there  ");
    assert_eq!(recv(&client), (b"hi there".to_vec(), server.addr));
}

#[test]
fn several_clients_each_get_the_reply_typed_for_them() {
    let mut server = server();
    let clients = [udp_socket(), udp_socket(), udp_socket()];
    for (i, client) in clients.iter().enumerate() {
        client
            .send_to(format!("I am client {i}").as_bytes(), server.addr)
            .unwrap();
        let from = client.local_addr().unwrap();
        server.expect_stdout(&format!("message from {from}: I am client {i}"));
        server.write_line(&format!("hello client {i}"));
        assert_eq!(recv(client).0, format!("hello client {i}").as_bytes());
    }
    // Each reply went to its own sender only.
    for client in &clients {
        assert_no_datagram(client);
    }
}

#[test]
fn messages_sent_while_the_operator_types_wait_and_are_answered_in_order() {
    let mut server = server();
    let alice = udp_socket();
    let bob = udp_socket();
    // All three arrive before the operator has typed anything.
    alice.send_to(b"alice 1", server.addr).unwrap();
    bob.send_to(b"bob 1", server.addr).unwrap();
    alice.send_to(b"alice 2", server.addr).unwrap();
    server.expect_stdout("alice 1");
    // The server waits for its operator: the next message is not shown yet.
    assert_eq!(server.next_line(Stream::Stdout, test_support::QUIET), None);

    server.write_line("to alice 1");
    server.expect_stdout(&format!(
        "message from {}: bob 1",
        bob.local_addr().unwrap()
    ));
    server.write_line("to bob 1");
    server.expect_stdout(&format!(
        "message from {}: alice 2",
        alice.local_addr().unwrap()
    ));
    server.write_line("to alice 2");

    assert_eq!(recv(&alice).0, b"to alice 1");
    assert_eq!(recv(&alice).0, b"to alice 2");
    assert_eq!(recv(&bob).0, b"to bob 1");
}

#[test]
fn a_line_typed_before_a_message_arrives_is_the_reply_to_it_and_so_is_an_early_end_of_input() {
    // The operator types while the server still waits for a message: the line waits in
    // stdin (on a terminal, in the terminal's line buffer), and answers the next message.
    let mut server = server();
    let client = udp_socket();
    server.write_line("typed too early");
    assert_no_datagram(&client);
    client.send_to(b"hello", server.addr).unwrap();
    assert_eq!(recv(&client).0, b"typed too early");
    // The same holds for end of input: it ends the server at the next message, unanswered.
    server.close_stdin();
    assert!(server.is_running(), "{}", server.transcript());
    client.send_to(b"still there?", server.addr).unwrap();
    server.expect_stdout("end of input: the server stops");
    assert_eq!(server.expect_exit().code(), Some(0));
    assert_no_datagram(&client);
}

/// Receives datagrams at `socket` until none comes for [`test_support::QUIET`]; how many.
fn count_until_quiet(socket: &std::net::UdpSocket) -> usize {
    socket.set_read_timeout(Some(test_support::QUIET)).unwrap();
    let mut buf = [0u8; 64];
    let mut count = 0;
    loop {
        match socket.recv_from(&mut buf) {
            Ok(_) => count += 1,
            Err(err) if common::is_timeout(&err) => break,
            Err(err) => panic!("receive failed: {err}"),
        }
    }
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    count
}

#[test]
fn while_the_operator_types_one_message_is_in_hand_the_buffer_holds_the_next_and_the_rest_are_dropped()
 {
    const SENT: usize = 3000;
    let message = |i: usize| format!("m{i:05}");

    // How many of these 6-byte datagrams a socket with the OS's default receive buffer keeps
    // when nobody reads: the same buffer the chat server gets.
    let reference = udp_socket();
    let sender = udp_socket();
    for i in 0..SENT {
        sender
            .send_to(message(i).as_bytes(), reference.local_addr().unwrap())
            .unwrap();
    }
    let held = count_until_quiet(&reference);
    assert!(0 < held && held < SENT, "the buffer kept {held} of {SENT}");

    // The server takes a first message and waits at the reply prompt; meanwhile the flood.
    let mut server = server();
    let client = udp_socket();
    let me = client.local_addr().unwrap();
    client.send_to(b"first", server.addr).unwrap();
    server.expect_stdout(&format!("message from {me}: first"));
    for i in 0..SENT {
        client.send_to(message(i).as_bytes(), server.addr).unwrap();
    }
    // A quick operator answers, 50 at a time, so that the test's own socket (whose buffer
    // is no bigger) reads the replies as fast as they come. Exactly one more answer than the
    // buffer held: the message in hand, then the buffer.
    let mut answered = 0;
    while answered <= held {
        let batch = (held + 1 - answered).min(50);
        for _ in 0..batch {
            server.write_line("ok");
        }
        for _ in 0..batch {
            assert_eq!(recv(&client).0, b"ok");
        }
        answered += batch;
    }
    // One more answer typed: there is no message left for it.
    server.write_line("ok");
    assert_no_datagram(&client);
    println!(
        "the default receive buffer kept {held} of {SENT} datagrams of 6 bytes; the server answered {}",
        held + 1
    );
    // The ones kept are the first ones, in order; the next one was dropped.
    server.expect_stdout(&format!("message from {me}: {}", message(held - 1)));
    let shown: Vec<String> = server
        .seen(Stream::Stdout)
        .into_iter()
        .filter_map(|line| {
            line.strip_prefix(&format!("message from {me}: "))
                .map(str::to_owned)
        })
        .collect();
    let mut expected = vec!["first".to_owned()];
    expected.extend((0..held).map(message));
    assert_eq!(shown, expected);
}

#[test]
fn a_message_that_is_not_utf8_is_shown_lossily_and_the_server_goes_on() {
    let (mut server, client) = server_sent(b"caf\xe9 \xff");
    server.expect_stdout("caf\u{fffd} \u{fffd}");
    reply_and_see_it_arrive(&mut server, &client, "got it");
    client.send_to(b"still there?", server.addr).unwrap();
    server.expect_stdout("still there?");
    assert!(server.is_running());
}

#[test]
fn control_characters_from_a_peer_are_escaped_and_keep_the_message_on_one_line() {
    let (mut server, client) = server_sent(b"line 1\nfake line\x1b[31m");
    let line = server.expect_stdout("line 1");
    assert!(line.ends_with(r"line 1\nfake line\u{1b}[31m"), "{line}");
    reply_and_see_it_arrive(&mut server, &client, "ok");
}

#[test]
fn bidi_overrides_zero_width_characters_and_line_separators_from_a_peer_are_escaped() {
    // Trojan Source: U+202E would show the rest right to left; U+200B is invisible; U+2028
    // is taken for a new line by some terminals.
    let message = "pay\u{200b}pal \u{202e}txt.exe\u{2028}fake line";
    let (mut server, client) = server_sent(message.as_bytes());
    let line = server.expect_stdout("pay");
    assert!(
        line.ends_with(r"pay\u{200b}pal \u{202e}txt.exe\u{2028}fake line"),
        "{line}"
    );
    reply_and_see_it_arrive(&mut server, &client, "ok");
}

#[test]
fn a_forged_message_from_the_servers_own_address_is_neither_shown_nor_answered() {
    let Some(forger) = test_support::Forger::open("the forged own-address chat test") else {
        return;
    };
    let mut server = server();
    forger.send(server.addr.port(), server.addr, b"from yourself");
    forger.send(19, server.addr, b"from chargen");
    server.expect_stderr("not answered: it claims to come from this server itself");
    server.expect_stderr("from 127.0.0.1:19: not answered: port 19 (chargen)");
    // The next message shown, and answered, is a real one.
    let client = udp_socket();
    client.send_to(b"real", server.addr).unwrap();
    let line = server.expect_stdout("message from");
    assert!(line.ends_with(": real"), "{line}");
    reply_and_see_it_arrive(&mut server, &client, "ok");
}

#[test]
fn an_empty_operator_line_sends_an_empty_datagram() {
    let (mut server, client) = server_sent(b"anyone?");
    server.expect_stdout("anyone?");
    server.write_line("");
    assert_eq!(recv(&client), (Vec::new(), server.addr));
}

#[test]
fn a_1500_byte_message_is_cut_to_1024_bytes_and_the_cut_is_noted() {
    let (mut server, client) = server_sent(&[b'x'; 1500]);
    let line = server.expect_stdout("message from");
    assert!(line.ends_with(&format!(": {}", "x".repeat(1024))), "{line}");
    test_support::expect_1500_cut_to_1024_note(&server);
    reply_and_see_it_arrive(&mut server, &client, "too long");
}

#[test]
fn end_of_the_operators_input_stops_the_server_with_status_0() {
    let (mut server, client) = server_sent(b"bye?");
    server.expect_stdout("bye?");
    server.close_stdin();
    assert_eq!(server.expect_exit().code(), Some(0));
    server.expect_stdout("end of input: the server stops");
    // No reply was sent, and nothing went to stderr.
    assert_no_datagram(&client);
    server.expect_nothing_on(Stream::Stderr);
}

#[test]
fn no_colour_escapes_reach_a_pipe() {
    // test_support also sets NO_COLOR=1; stdout is a pipe either way.
    let (mut server, client) = server_sent(b"plain");
    let line = server.expect_stdout("plain");
    assert!(line.ends_with(": plain"), "{line:?}");
    assert!(!line.contains('\x1b'), "{line:?}");
    server.write_line("x");
    recv(&client);
}

/// A server started without NO_COLOR and with CLICOLOR_FORCE=1 (anstream's "colour even into
/// a pipe"); test_support cannot start one, since it always sets NO_COLOR. Killed on drop.
struct ColourServer(Child);

impl Drop for ColourServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_message_is_bold_on_blue_when_colour_is_forced() {
    let mut server = ColourServer(
        StdCommand::new(SERVER)
            .args(["--addr", "127.0.0.1:0"])
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let (tx, lines) = mpsc::channel();
    let stdout = server.0.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first = lines.recv_timeout(DEADLINE).unwrap();
    let addr = parse_listening_line(&first).unwrap();

    let client = udp_socket();
    client.send_to(b"colour", addr).unwrap();
    let line = lines.recv_timeout(DEADLINE).unwrap();
    // anstyle writes bold and blue background as two SGR codes, then one reset.
    assert!(line.ends_with(": \x1b[1m\x1b[44mcolour\x1b[0m"), "{line:?}");

    let stdin = server.0.stdin.as_mut().unwrap();
    stdin.write_all(b"answer\n").unwrap();
    stdin.flush().unwrap();
    assert_eq!(recv(&client).0, b"answer");
}

#[test]
fn two_real_clients_chat_with_one_server_and_each_gets_its_own_reply() {
    let mut server = server();
    let client_bin = test_support::cargo_bin("udp-qq-client");
    let addr = server.addr.to_string();
    let start_client = || {
        let mut command = StdCommand::new(&client_bin);
        command.args(["--server", &addr]);
        Running::spawn(command)
    };
    let mut first = start_client();
    let mut second = start_client();
    first.write_line("狗哥alex");
    first.expect_stdout("chatting with 狗哥alex");
    second.write_line("武大郎");
    second.expect_stdout("chatting with 武大郎");

    first.write_line("from the first");
    server.expect_stdout(": from the first");
    second.write_line("from the second");
    // The second message waits while the operator answers the first.
    server.write_line("answer one");
    first.expect_stdout(&format!("message from {}: answer one", server.addr));
    server.expect_stdout(": from the second");
    server.write_line("answer two");
    second.expect_stdout(&format!("message from {}: answer two", server.addr));

    // Neither client saw the other's reply.
    assert!(!first.seen(Stream::Stdout).join("\n").contains("answer two"));
    assert!(
        !second
            .seen(Stream::Stdout)
            .join("\n")
            .contains("answer one")
    );
    first.close_stdin();
    second.close_stdin();
    assert_eq!(first.expect_exit().code(), Some(0));
    assert_eq!(second.expect_exit().code(), Some(0));
}

#[test]
fn it_chats_on_ipv6_loopback() {
    let mut server = start_server(SERVER, &["--addr", "[::1]:0"]);
    assert!(server.addr.is_ipv6());
    let client = test_support::udp_socket_at("[::1]:0");
    client.send_to(b"v6", server.addr).unwrap();
    server.expect_stdout(&format!(
        "message from {}: v6",
        client.local_addr().unwrap()
    ));
    reply_and_see_it_arrive(&mut server, &client, "six");
}

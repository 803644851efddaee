//! The udp-qq chat client as students run it: the real binary, its keyboard played by the
//! test through stdin, its contacts played by UDP sockets in the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::process::Command as StdCommand;
use std::thread;

use assert_cmd::Command;
use test_support::{
    DEADLINE, Running, Stream, answer, assert_no_datagram, client_of_stand_in, recv, udp_socket,
};

const CLIENT: &str = env!("CARGO_BIN_EXE_udp-qq-client");

/// The tutorial's four contacts, in its order.
const TUTORIAL_NAMES: &str = "狗哥alex, 瞎驴, 一棵树, 武大郎";

fn addr_of(socket: &UdpSocket) -> SocketAddr {
    socket.local_addr().unwrap()
}

/// Starts the client with `args`; its stdin stays open until the test closes it.
fn client(args: &[&str]) -> Running {
    let mut command = StdCommand::new(CLIENT);
    command.args(args);
    Running::spawn(command)
}

/// A client at a stand-in server (started with `args`), in a chat with the contact `name`.
fn client_chatting_with(name: &str, args: &[&str]) -> (UdpSocket, Running) {
    let (server, mut client) = client_of_stand_in(CLIENT, args);
    client.write_line(name);
    client.expect_stdout(&format!("chatting with {name}"));
    (server, client)
}

/// Types `line` into the open chat, has `peer` answer it with `reply`, and waits until the
/// client shows that reply.
fn say_and_see_reply(client: &mut Running, peer: &UdpSocket, line: &str, reply: &str) {
    client.write_line(line);
    answer(peer, line, reply);
    client.expect_stdout(&format!(": {reply}"));
}

/// Starts a client at a stand-in server, chats with 狗哥alex, and has the server answer the
/// first line with `reply`, bytes no well-behaved server would send.
fn client_shown_raw_reply(reply: &[u8]) -> Running {
    let (server, mut client) = client_chatting_with("狗哥alex", &[]);
    client.write_line("answer me");
    let (_, from) = recv(&server);
    server.send_to(reply, from).unwrap();
    client
}

#[test]
fn each_of_the_tutorials_four_contacts_reaches_the_chat_server() {
    let (server, mut client) = client_of_stand_in(CLIENT, &[]);
    for name in ["狗哥alex", "瞎驴", "一棵树", "武大郎"] {
        client.write_line(name);
        client.expect_stdout(&format!("chatting with {name} at {}", addr_of(&server)));
        client.write_line(&format!("你好 {name}"));
        answer(&server, format!("你好 {name}"), format!("hi {name}"));
        client.expect_stdout(&format!("message from {}: hi {name}", addr_of(&server)));
        client.write_line("quit");
    }
    client.close_stdin();
    assert_eq!(client.expect_exit().code(), Some(0));
}

#[test]
fn one_socket_serves_every_contact() {
    let (server, mut client) = client_chatting_with("狗哥alex", &[]);
    client.write_line("one");
    let (_, first_port) = recv(&server);
    server.send_to(b"ok", first_port).unwrap();
    client.expect_stdout(": ok");
    client.write_line("quit");
    client.write_line("瞎驴");
    client.write_line("two");
    let (_, second_port) = recv(&server);
    assert_eq!(first_port, second_port);
}

#[test]
fn the_reply_is_shown_with_the_address_it_really_came_from() {
    let (server, mut client) = client_of_stand_in(CLIENT, &[]);
    let stranger = udp_socket();
    client.write_line("一棵树");
    client.write_line("who is there?");
    let (_, from) = recv(&server);
    // UDP takes a datagram from anyone; the client shows who really sent it.
    stranger.send_to(b"not the server", from).unwrap();
    client.expect_stdout(&format!(
        "message from {}: not the server",
        addr_of(&stranger)
    ));
}

#[test]
fn an_unknown_contact_is_named_back_with_the_known_names_and_nothing_is_sent() {
    let (server, mut client) = client_of_stand_in(CLIENT, &["--contact", "小明=127.0.0.1:9"]);
    client.write_line("张三");
    let line = client.expect_stdout("no contact named");
    assert_eq!(
        line,
        format!("no contact named '张三'; choose one of: {TUTORIAL_NAMES}, 小明")
    );
    // Unlike the tutorial, the next line is again a name, not a message for nobody.
    client.write_line("hello");
    client.expect_stdout("no contact named 'hello'");
    assert_no_datagram(&server);
    client.write_line("瞎驴");
    say_and_see_reply(&mut client, &server, "now", "yes");
}

#[test]
fn quit_returns_to_choosing_a_contact() {
    let xiaoming = udp_socket();
    let xiaohong = udp_socket();
    let xm = format!("小明={}", addr_of(&xiaoming));
    let xh = format!("小红={}", addr_of(&xiaohong));
    let mut client = client(&["--contact", &xm, "--contact", &xh]);
    client.write_line("小明");
    say_and_see_reply(&mut client, &xiaoming, "one", "1");
    client.write_line("quit");
    client.write_line("小红");
    client.expect_stdout("chatting with 小红");
    say_and_see_reply(&mut client, &xiaohong, "two", "2");
    assert_no_datagram(&xiaoming);
}

#[test]
fn empty_lines_are_not_sent() {
    let (server, mut client) = client_chatting_with("狗哥alex", &[]);
    client.write_line("");
    client.write_line("   ");
    assert_no_datagram(&server);
    // The next real line is the first datagram to arrive.
    say_and_see_reply(&mut client, &server, "real", "ok");
}

#[test]
fn a_reply_that_does_not_come_in_time_is_reported_and_the_chat_goes_on() {
    let (server, mut client) = client_chatting_with("武大郎", &["--timeout", "0.3"]);
    client.write_line("one");
    assert_eq!(recv(&server).0, b"one");
    // No answer: the client gives up after 0.3 s and says why.
    let line = client.expect_stdout("no reply within");
    assert!(line.starts_with("no reply within 300ms"), "{line}");
    assert!(line.contains("UDP does not retransmit"), "{line}");
    assert!(client.is_running());
    say_and_see_reply(&mut client, &server, "two", "here now");
}

#[test]
fn a_late_reply_is_shown_before_the_next_message_goes_out() {
    let (server, mut client) = client_chatting_with("瞎驴", &["--timeout", "0.3"]);
    client.write_line("one");
    let (_, from) = recv(&server);
    client.expect_stdout("no reply within");
    server.send_to(b"late answer to one", from).unwrap();
    // The late answer must be in the client's socket before the client looks, or this test
    // would only race it.
    wait_until_queued_at(from);
    client.write_line("two");
    let late = client.expect_stdout(": late answer to one");
    assert_eq!(
        late,
        format!("late message from {}: late answer to one", addr_of(&server))
    );
    answer(&server, "two", "answer to two");
    let right = client.expect_stdout(": answer to two");
    assert_eq!(
        right,
        format!("message from {}: answer to two", addr_of(&server))
    );
}

/// Waits (bounded) until a datagram waits in the receive queue of the UDP socket bound to
/// `addr` (in another process). Linux shows every socket's queue in /proc/net/udp (proc(5),
/// `rx_queue`, in hex, next to the local address as hex IP:port). macOS and Windows have no
/// such file; there the test gives the datagram [`test_support::QUIET`] to arrive, since
/// loopback delivery is not known to be finished when `sendto` returns.
fn wait_until_queued_at(addr: SocketAddr) {
    #[cfg(target_os = "linux")]
    {
        let port = format!(":{:04X}", addr.port());
        let until = std::time::Instant::now() + DEADLINE;
        loop {
            let table = std::fs::read_to_string("/proc/net/udp").unwrap_or_default()
                + &std::fs::read_to_string("/proc/net/udp6").unwrap_or_default();
            let queued = table.lines().skip(1).any(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                fields.len() > 4
                    && fields[1].ends_with(&port)
                    && fields[4]
                        .split_once(':')
                        .is_some_and(|(_, rx)| u64::from_str_radix(rx, 16).is_ok_and(|n| n > 0))
            });
            if queued {
                return;
            }
            assert!(
                std::time::Instant::now() < until,
                "nothing ever queued at {addr}"
            );
            thread::yield_now();
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = addr;
        thread::sleep(test_support::QUIET);
    }
}

#[test]
fn end_of_input_at_the_contact_prompt_exits_0() {
    let (_server, mut client) = client_of_stand_in(CLIENT, &[]);
    client.close_stdin();
    assert_eq!(client.expect_exit().code(), Some(0));
    client.expect_nothing_on(Stream::Stderr);
}

#[test]
fn end_of_input_during_a_chat_exits_0_and_sends_nothing() {
    let (server, mut client) = client_chatting_with("一棵树", &[]);
    client.close_stdin();
    assert_eq!(client.expect_exit().code(), Some(0));
    assert_no_datagram(&server);
}

#[test]
fn contact_flags_override_a_tutorial_name_and_add_new_ones() {
    let elsewhere = udp_socket();
    let moved = format!("瞎驴={}", addr_of(&elsewhere));
    let added = format!("小明={}", addr_of(&elsewhere));
    let (server, mut client) =
        client_of_stand_in(CLIENT, &["--contact", &moved, "--contact", &added]);
    client.write_line("瞎驴");
    say_and_see_reply(&mut client, &elsewhere, "to elsewhere", "a");
    client.write_line("quit");
    client.write_line("小明");
    say_and_see_reply(&mut client, &elsewhere, "also elsewhere", "b");
    client.write_line("quit");
    client.write_line("狗哥alex");
    say_and_see_reply(&mut client, &server, "to the server", "c");
}

#[test]
fn an_ipv6_contact_and_an_ipv4_contact_work_in_one_run() {
    let v6 = test_support::udp_socket_at("[::1]:0");
    let six = format!("six={}", addr_of(&v6));
    let (v4, mut client) = client_chatting_with("six", &["--contact", &six]);
    client.write_line("over v6");
    answer(&v6, "over v6", "v6 ok");
    client.expect_stdout(&format!("message from {}: v6 ok", addr_of(&v6)));
    client.write_line("quit");
    client.write_line("狗哥alex");
    say_and_see_reply(&mut client, &v4, "over v4", "v4 ok");
}

#[test]
fn a_reply_that_is_not_utf8_is_shown_lossily() {
    let mut client = client_shown_raw_reply(b"caf\xe9\nnext");
    client.expect_stdout(": caf\u{fffd}\\nnext");
    assert!(client.is_running());
}

#[test]
fn bidi_overrides_zero_width_characters_and_line_separators_in_a_reply_are_escaped() {
    let client = client_shown_raw_reply("a\u{202e}b\u{200b}c\u{2028}d".as_bytes());
    client.expect_stdout(r": a\u{202e}b\u{200b}c\u{2028}d");
}

#[test]
fn a_reply_over_1024_bytes_is_cut_and_the_cut_is_noted() {
    let client = client_shown_raw_reply(&[b'y'; 1500]);
    let line = client.expect_stdout("message from");
    assert!(line.ends_with(&format!(": {}", "y".repeat(1024))), "{line}");
    test_support::expect_1500_cut_to_1024_note(&client);
}

#[test]
fn no_colour_escapes_reach_a_pipe() {
    let (server, mut client) = client_chatting_with("狗哥alex", &[]);
    client.write_line("hi");
    answer(&server, "hi", "plain");
    let line = client.expect_stdout("plain");
    assert!(line.ends_with(": plain"), "{line:?}");
    assert!(!line.contains('\x1b'), "{line:?}");
}

#[test]
fn the_reply_is_bold_on_blue_when_colour_is_forced() {
    let server = udp_socket();
    let addr = addr_of(&server).to_string();
    // The test's "server" answers on its own thread while the client runs to the end of its
    // input. assert_cmd is used (not test_support, which always sets NO_COLOR).
    let answering = thread::spawn(move || answer(&server, "hi", "colour"));
    let output = Command::new(CLIENT)
        .args(["--server", &addr])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .write_stdin("狗哥alex\nhi\n")
        .timeout(DEADLINE)
        .output()
        .unwrap();
    answering.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    // anstyle writes bold and blue background as two SGR codes, then one reset.
    assert!(
        stdout.contains(&format!(
            "message from {addr}: \x1b[1m\x1b[44mcolour\x1b[0m\n"
        )),
        "{stdout:?}"
    );
}

#[test]
fn a_bad_contact_exits_with_status_2_and_says_how_to_write_one() {
    for (bad, says) in [
        (
            "小明",
            "is not NAME=HOST:PORT; write it like 小明=127.0.0.1:8081",
        ),
        ("=127.0.0.1:8081", "has no name before '='"),
        ("小明=localhost", "127.0.0.1:8080 or [::1]:8080"),
        ("小明=127.0.0.1", "127.0.0.1:8080 or [::1]:8080"),
        ("quit=127.0.0.1:8081", "'quit' cannot be a contact"),
    ] {
        test_support::expect_usage_error(CLIENT, &["--contact", bad], says);
    }
}

#[test]
fn a_bad_timeout_exits_with_status_2() {
    test_support::expect_usage_error(CLIENT, &["--timeout", "0"], "is not a number of seconds");
}

#[test]
fn help_explains_contact() {
    // --server, --timeout and the lesson file: tests/command_line_contract.rs, for every client.
    test_support::expect_help_mentions(CLIENT, &["--contact <NAME=HOST:PORT>"]);
}

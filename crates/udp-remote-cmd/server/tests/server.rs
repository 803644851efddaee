//! The UDP remote-command server as students run it: the real binary on port 0, driven with
//! real datagrams from the test (and once by a Python client written the tutorial's way).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use test_support::shell::{self, printed};
use test_support::{
    Server, Stream, assert_no_datagram, recv, round_trip, start_server, udp_socket,
};

const SERVER: &str = env!("CARGO_BIN_EXE_udp-remote-cmd-server");

fn gbk(text: &str) -> Vec<u8> {
    remote_cmd_runner::WireEncoding::Gbk.encode(text)
}

fn server(args: &[&str]) -> (Server, UdpSocket) {
    (start_server(SERVER, args), udp_socket())
}

fn ask(server: &Server, client: &UdpSocket, command: &str) -> Vec<u8> {
    round_trip(client, command.as_bytes(), server.addr)
}

#[test]
fn echo_output_is_the_reply_from_the_servers_address() {
    let (server, client) = server(&[]);
    client
        .send_to(shell::echo("hello").as_bytes(), server.addr)
        .unwrap();
    assert_eq!(recv(&client), (printed("hello"), server.addr));
    server.expect_stdout("b'echo hello'");
}

#[test]
fn a_silent_command_is_answered_with_zhixing_chenggong_in_gbk() {
    let (server, client) = server(&[]);
    assert_eq!(
        ask(&server, &client, shell::NOTHING),
        b"\xd6\xb4\xd0\xd0\xb3\xc9\xb9\xa6"
    );
    assert_eq!(ask(&server, &client, shell::NOTHING), gbk("执行成功"));
}

#[test]
fn a_failing_command_is_answered_with_its_stderr() {
    let (server, client) = server(&[]);
    let command = shell::then(&shell::echo("out"), &shell::echo_to_stderr("err"));
    // stderr wins over stdout.
    assert_eq!(ask(&server, &client, &command), printed("err"));
}

#[test]
fn chinese_utf8_output_arrives_as_gbk_or_as_utf8_when_asked() {
    let (server, client) = server(&[]);
    let expected = [&b"\xc4\xe3\xba\xc3"[..], shell::EOL.as_bytes()].concat();
    assert_eq!(ask(&server, &client, &shell::echo("你好")), expected);
    let (utf8, client) = self::server(&["--encoding", "utf-8"]);
    assert_eq!(ask(&utf8, &client, &shell::echo("你好")), printed("你好"));
}

#[test]
fn sleep_beyond_the_timeout_is_stopped_and_reported() {
    let (server, client) = server(&["--timeout", "0.5"]);
    let start = Instant::now();
    let reply = String::from_utf8(ask(&server, &client, &shell::sleep(30))).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(reply.starts_with("[stopped: "), "{reply}");
    assert_eq!(ask(&server, &client, &shell::echo("next")), printed("next"));
}

#[test]
fn a_command_that_is_not_utf8_gets_an_error_reply_and_the_server_goes_on() {
    let (server, client) = server(&[]);
    let reply = round_trip(&client, b"echo \xff\xfe", server.addr);
    assert_eq!(
        reply,
        b"error: the command is not valid UTF-8 (b'echo \\xff\\xfe'); send it encoded as UTF-8"
    );
    assert_eq!(ask(&server, &client, &shell::echo("fine")), printed("fine"));
}

#[test]
fn a_600_kb_output_becomes_one_datagram_of_at_most_65507_bytes() {
    let (server, client) = server(&[]);
    let file = shell::TempFile::filled("600KB", b'7', 600_000);
    let reply = ask(&server, &client, &shell::print_file(file.path()));
    assert!(reply.len() <= 65_507, "{}", reply.len());
    let note = b"\n[cut to fit one datagram: the reply was 600000 bytes; one UDP datagram carries at most 65507]";
    assert!(
        reply.ends_with(note),
        "{:?}",
        String::from_utf8_lossy(&reply[reply.len() - 120..])
    );
    assert!(reply.starts_with(b"7777777777"));
    // Nothing more was sent: the next datagram is the next command's reply, clean.
    assert_no_datagram(&client);
    assert_eq!(ask(&server, &client, &shell::echo("next")), printed("next"));
}

#[test]
fn a_48_kb_reply_read_with_1024_bytes_is_cut_and_the_next_reply_is_clean() {
    let (server, client) = server(&[]);
    let file = shell::TempFile::filled("48KB", b'x', 48_000);
    client
        .send_to(shell::print_file(file.path()).as_bytes(), server.addr)
        .unwrap();
    let mut buffer = [0u8; 1024];
    let got = guard::recv_datagram(&client, &mut buffer).unwrap();
    assert_eq!(got.len, 1024);
    assert!(got.truncated);
    #[cfg(target_os = "linux")]
    assert_eq!(got.full_len, Some(48_000));
    assert_eq!(buffer, [b'x'; 1024]);
    // Unlike TCP, the other 46 976 bytes do not turn up as the next reply: they are gone.
    client
        .send_to(shell::echo("next").as_bytes(), server.addr)
        .unwrap();
    let got = guard::recv_datagram(&client, &mut buffer).unwrap();
    assert_eq!(buffer[..got.len], printed("next"));
}

#[test]
fn junk_datagrams_never_stop_the_server() {
    let (mut server, client) = server(&[]);
    let junk: Vec<Vec<u8>> = vec![
        vec![],                              // empty: an empty command, which prints nothing
        vec![0xff],                          // not UTF-8
        vec![0; 16],                         // NUL bytes
        b"\x00\x00\x00\x07echo hi".to_vec(), // a --framed TCP message sent by mistake
        vec![0xc3; 1023],                    // cut UTF-8
        vec![b'a'; 2000],                    // longer than the 1024-byte buffer
        vec![0x80; 65_507],                  // the largest datagram there is
    ];
    for (i, payload) in junk.iter().enumerate() {
        let reply = round_trip(&client, payload, server.addr);
        assert!(!reply.is_empty(), "junk {i} got an empty reply");
    }
    assert_eq!(round_trip(&client, &[], server.addr), gbk("执行成功"));
    assert!(assert_error(&round_trip(&client, &[0xff], server.addr)));
    assert!(assert_error(&round_trip(&client, &[0; 16], server.addr)));
    // Cut commands are refused, never run.
    let mut long = b"echo run; ".to_vec();
    long.extend_from_slice(&[b'#'; 1990]);
    let reply = String::from_utf8(round_trip(&client, &long, server.addr)).unwrap();
    assert!(
        reply.contains("did not fit in the server's 1024-byte buffer"),
        "{reply}"
    );
    assert!(reply.ends_with("nothing was run"), "{reply}");
    // Still serving, and nothing went to stderr.
    assert_eq!(
        ask(&server, &client, &shell::echo("alive")),
        printed("alive")
    );
    assert!(server.is_running());
    server.expect_nothing_on(Stream::Stderr);
}

fn assert_error(reply: &[u8]) -> bool {
    reply.starts_with(b"error: ")
}

#[test]
fn a_python_client_written_the_tutorials_way_reads_the_replies() {
    let (server, _) = server(&[]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tutorial_client.py");
    let Some(mut client) = test_support::python_client(script, server.addr) else {
        return;
    };
    test_support::expect_python_command_results(&mut client);
    // The empty line was never sent: three commands arrived, the last one `ls`.
    server.expect_stdout("b'ls /no/such/dir'");
    let commands = server
        .seen(Stream::Stdout)
        .iter()
        .filter(|line| line.starts_with("command from"))
        .count();
    assert_eq!(commands, 3, "{}", server.transcript());
}

//! Unit tests of the runner. The servers' own tests (crates/*-remote-cmd/server/tests) prove
//! the same claims end to end over real sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::Instant;
use test_support::shell;

fn quick() -> Limits {
    Limits {
        timeout: Duration::from_secs(10),
        max_output: DEFAULT_MAX_OUTPUT,
    }
}

/// `super::respond` with the deadline the servers give it: `limits.timeout` from now.
fn respond(command: &[u8], limits: Limits) -> String {
    super::respond(command, limits, Instant::now() + limits.timeout)
}

/// `super::run`, likewise.
fn run(line: &str, limits: Limits) -> std::io::Result<Outcome> {
    super::run(line, limits, Instant::now() + limits.timeout)
}

/// An encoding deadline far enough away not to matter.
fn later() -> Instant {
    Instant::now() + Duration::from_secs(60)
}

#[test]
fn reply_is_stderr_if_any_else_stdout_else_success() {
    assert_eq!(
        respond(shell::echo("hello").as_bytes(), quick()),
        text("hello")
    );
    assert_eq!(respond(shell::NOTHING.as_bytes(), quick()), SUCCESS);
    let both = shell::then(&shell::echo("out"), &shell::echo_to_stderr("err"));
    assert_eq!(respond(both.as_bytes(), quick()), text("err"));
}

/// What `shell::echo(line)` prints, as text.
fn text(line: &str) -> String {
    String::from_utf8(shell::printed(line)).unwrap()
}

#[test]
fn a_command_reading_stdin_sees_end_of_input_at_once() {
    let start = Instant::now();
    assert_eq!(respond(shell::READ_STDIN.as_bytes(), quick()), SUCCESS);
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_full_stdout_pipe_does_not_deadlock_the_stderr_reader() {
    // 1.1 MB to stdout (far more than the 64 KiB a pipe holds), then one line to stderr.
    let big = shell::TempFile::filled("runner-1.1MB", b'a', 1_100_000);
    let command = shell::then(
        &shell::print_file(big.path()),
        &shell::echo_to_stderr("the-end"),
    );
    let outcome = run(&command, quick()).unwrap();
    assert!(!outcome.timed_out);
    assert_eq!(outcome.stdout.total, 1_100_000);
    assert_eq!(outcome.reply(), text("the-end"));
}

#[test]
fn output_past_max_output_is_counted_but_not_kept() {
    let limits = Limits {
        max_output: 1000,
        ..quick()
    };
    let file = shell::TempFile::filled("runner-5000", b'x', 5000);
    let outcome = run(&shell::print_file(file.path()), limits).unwrap();
    assert_eq!(outcome.stdout.kept.len(), 1000);
    assert_eq!(outcome.stdout.total, 5000);
    let reply = outcome.reply();
    assert!(reply.starts_with(&"x".repeat(1000)));
    assert!(
        reply.ends_with(
            "\n[output cut: the command wrote 5000 bytes to stdout; only the first 1000 are kept (--max-output)]"
        ),
        "{reply}"
    );
}

#[test]
#[cfg(target_os = "linux")]
fn the_timeout_kills_the_command_and_its_children() {
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..quick()
    };
    let start = Instant::now();
    // A background child and a foreground one, both with a duration no other test uses.
    let outcome = run("sleep 37.25 & sleep 37.25; echo never", limits).unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(outcome.timed_out);
    assert_eq!(
        outcome.reply(),
        "[stopped: the command was still running after 300ms, so it and its children were killed (--timeout)]"
    );
    // SIGKILL is delivered at once; the processes vanish as soon as they are reaped.
    test_support::procfs::expect_gone(&["sleep", "37.25"], test_support::DEADLINE);
}

#[test]
fn output_printed_before_the_timeout_is_kept() {
    let limits = Limits {
        timeout: Duration::from_millis(1500),
        ..quick()
    };
    let command = shell::then(&shell::echo("partial"), &shell::sleep(30));
    let reply = respond(command.as_bytes(), limits);
    let expected = format!("{}[stopped:", text("partial"));
    assert!(reply.starts_with(&expected), "{reply}");
}

#[test]
fn commands_that_are_not_utf8_or_hold_nul_get_an_error_reply() {
    let reply = respond(b"echo \xff\xfe", quick());
    assert_eq!(
        reply,
        "error: the command is not valid UTF-8 (b'echo \\xff\\xfe'); send it encoded as UTF-8"
    );
    let reply = respond(b"\0\0\0\x07echo hi", quick());
    assert!(
        reply.starts_with("error: the command contains NUL bytes"),
        "{reply}"
    );
    assert!(reply.contains("--framed"), "{reply}");
}

#[test]
fn gbk_encodes_chinese_and_turns_missing_characters_into_references() {
    assert_eq!(WireEncoding::Gbk.encode("你好\n"), b"\xc4\xe3\xba\xc3\n");
    assert_eq!(
        WireEncoding::Gbk.encode(SUCCESS),
        b"\xd6\xb4\xd0\xd0\xb3\xc9\xb9\xa6"
    );
    // GBK has no emoji: encoding_rs writes an HTML numeric character reference.
    assert_eq!(WireEncoding::Gbk.encode("ok 😀"), b"ok &#128512;");
    assert_eq!(WireEncoding::Utf8.encode("你好"), "你好".as_bytes());
    assert_eq!(WireEncoding::Gbk.decode(b"\xc4\xe3\xba\xc3"), "你好");
    // The same bytes read with the wrong encoding: mojibake, both ways.
    assert_eq!(WireEncoding::Gbk.decode("你好".as_bytes()), "浣犲ソ");
    assert_eq!(
        WireEncoding::Utf8.decode(b"\xc4\xe3\xba\xc3"),
        "\u{fffd}\u{fffd}\u{fffd}"
    );
}

#[test]
fn encode_to_fit_keeps_short_replies_and_cuts_long_ones_at_a_character() {
    assert_eq!(encode_to_fit("hi", WireEncoding::Gbk, 10, later()), b"hi");
    let text = "你".repeat(100); // 200 bytes in GBK
    for max in [101, 150, 151] {
        let cut = encode_to_fit(&text, WireEncoding::Gbk, max, later());
        assert!(cut.len() <= max, "{} > {max}", cut.len());
    }
    let cut = encode_to_fit(&text, WireEncoding::Gbk, 150, later());
    let note = b"\n[cut to fit one datagram: the reply was 200 bytes; one UDP datagram carries at most 150]";
    assert!(cut.ends_with(note));
    let body = &cut[..cut.len() - note.len()];
    // Whole two-byte characters only: the body decodes without a replacement character.
    assert_eq!(body.len() % 2, 0);
    assert!(!WireEncoding::Gbk.decode(body).contains('\u{fffd}'));
}

/// A reply that fits only in the room kept for a note is still sent whole, without one;
/// one byte more and it is cut, with the note, and never longer than `max`.
#[test]
fn a_reply_is_whole_up_to_max_and_cut_with_a_note_past_it() {
    for max in [1, 10, 150, 199, 200, 201, 5000] {
        for text in ["你".repeat(100), "x".repeat(200), "😀".repeat(50)] {
            let whole = WireEncoding::Gbk.encode(&text);
            let sent = encode_to_fit(&text, WireEncoding::Gbk, max, later());
            assert!(sent.len() <= max, "{} > {max}", sent.len());
            if whole.len() <= max {
                assert_eq!(sent, whole, "max {max}");
            } else {
                assert_ne!(sent, whole, "max {max}");
            }
        }
    }
}

/// Encoding counts against the command's deadline: past it, the reply is cut with a note
/// after the first piece (so something always arrives) instead of running on.
#[test]
fn encoding_stops_at_the_deadline_with_a_note() {
    // 2 MiB of GBK text: several 64 KiB pieces.
    let text = "你".repeat(1 << 20);
    let limits = Limits {
        max_output: MAX_MAX_OUTPUT,
        ..quick()
    };
    let sent = encode_reply(&text, WireEncoding::Gbk, limits, Instant::now());
    let note = b"\n[reply cut: encoding it took the rest of the command's time (--timeout)]";
    assert!(
        sent.ends_with(note),
        "{:?}",
        common::show_bytes(&sent[sent.len() - 80..])
    );
    let body = &sent[..sent.len() - note.len()];
    assert!(
        !body.is_empty() && body.len() <= 64 * 1024,
        "{}",
        body.len()
    );
    assert!(!WireEncoding::Gbk.decode(body).contains('\u{fffd}'));
    // With time to spare, the same text arrives whole.
    let sent = encode_reply(&text, WireEncoding::Gbk, limits, later());
    assert_eq!(sent.len(), 2 << 20);
}

#[test]
fn only_loopback_is_allowed_without_allow_remote() {
    let local: SocketAddr = "127.0.0.1:8083".parse().unwrap();
    let open: SocketAddr = "0.0.0.0:8083".parse().unwrap();
    assert_eq!(check_exposure(local, false, Transport::Tcp), Ok(None));
    let refusal = check_exposure(open, false, Transport::Tcp).unwrap_err();
    assert!(refusal.contains("--allow-remote"), "{refusal}");
    assert!(refusal.contains("run any command as you"), "{refusal}");
    assert!(!refusal.contains("forged"), "{refusal}");
    let refusal = check_exposure(open, false, Transport::Udp).unwrap_err();
    assert!(refusal.contains("forged sender address"), "{refusal}");
    let warning = check_exposure(open, true, Transport::Tcp).unwrap().unwrap();
    assert!(warning.starts_with("WARNING"), "{warning}");
    // The suggestion is the loopback of the same family: [::] gets [::1], not 127.0.0.1.
    let any_v6: SocketAddr = "[::]:8083".parse().unwrap();
    let refusal = check_exposure(any_v6, false, Transport::Tcp).unwrap_err();
    assert!(refusal.contains("like [::1]:8083"), "{refusal}");
}

#[test]
fn parse_max_output_takes_1_to_64_mib() {
    assert_eq!(parse_max_output("1048576"), Ok(1 << 20));
    for bad in ["0", "-1", "1e6", "67108865", "lots"] {
        assert!(parse_max_output(bad).is_err(), "{bad}");
    }
}

fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (b, _) = listener.accept().unwrap();
    b.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    (a, b)
}

#[test]
fn a_frame_is_a_big_endian_length_then_the_payload() {
    let mut wire = Vec::new();
    framed::write_frame(&mut wire, b"echo hi").unwrap();
    assert_eq!(wire, b"\x00\x00\x00\x07echo hi");
    let mut reader = wire.as_slice();
    assert_eq!(
        framed::read_frame(&mut reader, 100).unwrap(),
        Some(b"echo hi".to_vec())
    );
    assert!(framed::read_frame(&mut reader, 100).unwrap().is_none());
}

#[test]
fn two_frames_sent_together_are_read_apart() {
    let (mut a, mut b) = tcp_pair();
    let mut both = Vec::new();
    framed::write_frame(&mut both, &[b'x'; 3000]).unwrap();
    framed::write_frame(&mut both, b"second").unwrap();
    a.write_all(&both).unwrap();
    assert_eq!(
        framed::read_frame(&mut b, 10_000).unwrap().unwrap().len(),
        3000
    );
    assert_eq!(
        framed::read_frame(&mut b, 10_000).unwrap().unwrap(),
        b"second"
    );
}

#[test]
fn unframed_text_is_refused_as_an_absurd_length() {
    let err = framed::read_frame(&mut b"echo hi".as_slice(), framed::MAX_COMMAND).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the message does not start with a plausible length: b'echo' announces 1701013615 bytes \
         (at most 65536 expected); the other side is probably not using --framed"
    );
}

#[test]
fn a_server_gives_up_on_a_message_that_stops_short() {
    let (mut a, b) = tcp_pair();
    a.write_all(b"ls").unwrap();
    let start = Instant::now();
    let err = framed::read_frame_patiently(&b, framed::MAX_COMMAND, Duration::from_millis(200))
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        err.to_string()
            .contains("only 2 of 4 bytes of a message came in time; the other side is probably not using --framed"),
        "{err}"
    );
    // A clean close between messages is not an error.
    let (a, b) = tcp_pair();
    drop(a);
    assert!(
        framed::read_frame_patiently(&b, 10, Duration::from_millis(200))
            .unwrap()
            .is_none()
    );
}

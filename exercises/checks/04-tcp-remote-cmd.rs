// Checks for lesson 4's exercises: each is a list of named cases, and every case is run.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use exercise_harness::{
    Background, Case, Check, Failure, PATIENCE, background, cases, expect, expect_text, fail, io,
    show, step, tcp_connect, tcp_listener, what,
};

use super::super::read_frame::{self as frames, write_frame};
use super::super::tcp_upper::serve_one;

/// The cases of `tcp-upper`.
pub const TCP_UPPER: &[Case] = cases! {
    one_line, three_lines_in_one_write, line_split_across_writes, a_line_and_a_half,
    one_byte_per_write, only_ascii_letters_change, returns_when_the_client_closes
};

/// The cases of `read-frame`.
pub const READ_FRAME: &[Case] = cases! {
    write_frame_bytes_on_the_wire, two_frames_in_one_read, one_byte_per_read, clean_end_is_none,
    end_inside_the_header, end_inside_the_payload, length_equal_to_max_is_allowed,
    length_over_max_is_refused, over_max_refused_before_reading_the_payload
};

/// A client connected to your `serve_one`, running in the background.
fn upper_server() -> Result<(TcpStream, Background), Failure> {
    step("connect, then call serve_one(&listener)");
    let listener = tcp_listener()?;
    let client = tcp_connect(io(listener.local_addr())?)?;
    io(client.set_nodelay(true))?;
    let server = background(move || {
        let _ = serve_one(&listener);
    });
    Ok((client, server))
}

/// Writes `bytes` (one write); a failure says why the server went, if it did.
fn send(client: &mut TcpStream, server: &Background, bytes: &[u8]) -> Check {
    step(format!("write {}", show(bytes)));
    client.write_all(bytes).map_err(|err| {
        let closed = fail(
            "your server to take the bytes",
            format!("the connection failed: {}", what(&err)),
        );
        server.explain("your server to take the bytes", closed)
    })
}

/// Reads exactly `want.len()` bytes (each read waits at most PATIENCE) and compares.
fn reply(client: &mut TcpStream, server: &Background, want: &[u8]) -> Check {
    step(format!("read the reply {}", show(want)));
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < want.len() {
        match client.read(&mut buf) {
            Ok(0) => {
                return Err(fail(
                    show(want),
                    format!("{}, then the server closed the connection", show(&got)),
                ));
            }
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(err) => {
                let silence = fail(show(want), format!("{}, then {}", show(&got), what(&err)));
                return Err(server.explain(&show(want), silence));
            }
        }
    }
    expect_text(show(&got), show(want))
}

/// Nothing more comes within `wait`: the server has not answered a line not yet ended.
fn nothing_yet(client: &mut TcpStream, wait: Duration, why: &str) -> Check {
    step(format!("wait {} ms: {why}", wait.as_millis()));
    io(client.set_read_timeout(Some(wait)))?;
    let mut buf = [0u8; 256];
    let got = client.read(&mut buf);
    io(client.set_read_timeout(Some(PATIENCE)))?;
    match got {
        Ok(0) => Err(fail("nothing yet", "the server closed the connection")),
        Ok(n) => Err(fail(
            "nothing yet (a line is answered once it has ended with \\n)",
            show(&buf[..n]),
        )),
        Err(_) => Ok(()),
    }
}

/// Closes our side and expects the end of the stream, nothing more.
fn close_and_end(client: &mut TcpStream, server: &Background) -> Check {
    step("close our side; read until the server closes");
    io(client.shutdown(Shutdown::Write))?;
    let mut rest = Vec::new();
    match client.read_to_end(&mut rest) {
        Ok(_) => expect(
            rest.is_empty(),
            "the end of the stream, nothing more",
            show(&rest),
        ),
        Err(err) => {
            let silence = fail("the end of the stream", what(&err));
            Err(server.explain("the end of the stream", silence))
        }
    }
}

/// One turn of a conversation with your server: what the client writes, what it must read
/// back, or a wait (in ms, and why) in which nothing may come.
#[derive(Debug, Clone, Copy)]
enum Turn {
    Says(&'static [u8]),
    Hears(&'static [u8]),
    Quiet(u64, &'static str),
}

use Turn::{Hears, Quiet, Says};

/// A conversation with your `serve_one`, turn by turn; then the client closes, and the server
/// must close too, with nothing more.
fn talk(turns: &[Turn]) -> Check {
    let (mut client, server) = upper_server()?;
    for turn in turns {
        match *turn {
            Says(bytes) => send(&mut client, &server, bytes)?,
            Hears(bytes) => reply(&mut client, &server, bytes)?,
            Quiet(ms, why) => nothing_yet(&mut client, Duration::from_millis(ms), why)?,
        }
    }
    close_and_end(&mut client, &server)
}

fn one_line() -> Check {
    talk(&[Says(b"hello\n"), Hears(b"HELLO\n")])
}

fn three_lines_in_one_write() -> Check {
    talk(&[Says(b"a\nbb\nccc\n"), Hears(b"A\nBB\nCCC\n")])
}

fn line_split_across_writes() -> Check {
    // 500 ms: a server that takes one read() as a line must get its read in before "ld\n"
    // comes, or it reads the whole line and passes; under Wine on a busy machine a 150 ms
    // pause was not always enough for that.
    let half = Quiet(500, "\"wor\" is half a line");
    talk(&[Says(b"wor"), half, Says(b"ld\n"), Hears(b"WORLD\n")])
}

fn a_line_and_a_half() -> Check {
    let half = Quiet(150, "\"tw\" is half a line");
    talk(&[
        Says(b"one\ntw"),
        Hears(b"ONE\n"),
        half,
        Says(b"o\nthree\n"),
        Hears(b"TWO\nTHREE\n"),
    ])
}

fn one_byte_per_write() -> Check {
    let open = Quiet(50, "the line has not ended");
    talk(&[
        Says(b"h"),
        open,
        Says(b"i"),
        open,
        Says(b"\n"),
        Hears(b"HI\n"),
    ])
}

fn only_ascii_letters_change() -> Check {
    talk(&[
        Says("mixed Case 123, straße ü!\n".as_bytes()),
        Hears("MIXED CASE 123, STRAßE ü!\n".as_bytes()),
    ])
}

fn returns_when_the_client_closes() -> Check {
    let (mut client, server) = upper_server()?;
    send(&mut client, &server, b"bye\n")?;
    reply(&mut client, &server, b"BYE\n")?;
    close_and_end(&mut client, &server)?;
    step("serve_one returns once the client has closed");
    expect(
        server.returns_within(PATIENCE),
        format!("serve_one to return within {} s", PATIENCE.as_secs()),
        "it was still running",
    )
}

/// A reader that hands out one byte per `read`, as a peer writing one byte at a time can make
/// a TCP socket do. It counts what it gave.
struct Trickle<'a> {
    bytes: &'a [u8],
    given: usize,
    per_read: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.per_read.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        self.given += n;
        Ok(n)
    }
}

fn trickle(bytes: &[u8], per_read: usize) -> Trickle<'_> {
    Trickle {
        bytes,
        given: 0,
        per_read,
    }
}

/// Both ends of a loopback TCP connection, reads timing out after PATIENCE.
fn tcp_pair() -> Result<(TcpStream, TcpStream), Failure> {
    let listener = tcp_listener()?;
    let client = tcp_connect(io(listener.local_addr())?)?;
    let (server, _) = io(listener.accept())?;
    io(server.set_read_timeout(Some(PATIENCE)))?;
    Ok((client, server))
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

/// What read_frame returned, as a student writes it: `Ok(Some("hi"))`, `Ok(None)`,
/// `Err(UnexpectedEof)`.
fn shown(result: io::Result<Option<Vec<u8>>>) -> String {
    match result {
        Ok(Some(payload)) => format!("Ok(Some({}))", show(&payload)),
        Ok(None) => "Ok(None)".into(),
        Err(err) => format!("Err({:?})", err.kind()),
    }
}

/// Calls read_frame once per expected result, naming each call as a step.
fn reads(reader: &mut impl Read, max: usize, want: &[String]) -> Check {
    for (i, one) in want.iter().enumerate() {
        step(format!(
            "read_frame(.., max {max}), call {} of {}",
            i + 1,
            want.len()
        ));
        expect_text(shown(frames::read_frame(reader, max)), one.clone())?;
    }
    Ok(())
}

fn some(payload: &[u8]) -> String {
    shown(Ok(Some(payload.to_vec())))
}

fn write_frame_bytes_on_the_wire() -> Check {
    step("write_frame(b\"hello\") and write_frame(b\"\") over TCP: the 13 bytes on the wire");
    let (mut a, mut b) = tcp_pair()?;
    write_frame(&mut a, b"hello").map_err(|err| fail("Ok(())", format!("Err: {}", what(&err))))?;
    write_frame(&mut a, b"").map_err(|err| fail("Ok(())", format!("Err: {}", what(&err))))?;
    let mut wire = [0u8; 13];
    io(b.read_exact(&mut wire))?;
    exercise_harness::expect_bytes(&wire, &[frame(b"hello"), frame(b"")].concat())
}

fn two_frames_in_one_read() -> Check {
    step("the frames \"first\" and \"second\" in one write, then the peer closes");
    let (mut a, mut b) = tcp_pair()?;
    io(a.write_all(&[frame(b"first"), frame(b"second")].concat()))?;
    drop(a);
    reads(
        &mut b,
        1024,
        &[some(b"first"), some(b"second"), "Ok(None)".into()],
    )
}

fn one_byte_per_read() -> Check {
    step("the frames \"hello\", \"\" and 300 bytes, handed out one byte per read");
    let long = vec![b'x'; 300];
    let bytes = [frame(b"hello"), frame(b""), frame(&long)].concat();
    let mut slow = trickle(&bytes, 1);
    reads(
        &mut slow,
        1024,
        &[some(b"hello"), some(b""), some(&long), "Ok(None)".into()],
    )?;
    step("a header and a payload, three bytes per read (a read ends inside the header)");
    let bytes = [frame(b"abcdefg"), frame(b"hi")].concat();
    let mut slow = trickle(&bytes, 3);
    reads(&mut slow, 1024, &[some(b"abcdefg"), some(b"hi")])
}

fn clean_end_is_none() -> Check {
    step("the peer closes before sending anything");
    let (a, mut b) = tcp_pair()?;
    drop(a);
    reads(&mut b, 1024, &["Ok(None)".into()])
}

fn end_inside_the_header() -> Check {
    step("over TCP, the peer closes after 2 bytes of a header");
    let (mut a, mut b) = tcp_pair()?;
    io(a.write_all(&[0, 0]))?;
    drop(a);
    reads(&mut b, 1024, &["Err(UnexpectedEof)".into()])
}

fn end_inside_the_payload() -> Check {
    step("over TCP, the peer closes after a header promising 10 bytes and 3 bytes");
    let (mut a, mut b) = tcp_pair()?;
    io(a.write_all(&[&[0u8, 0, 0, 10][..], b"abc"].concat()))?;
    drop(a);
    reads(&mut b, 1024, &["Err(UnexpectedEof)".into()])
}

fn length_equal_to_max_is_allowed() -> Check {
    step("a frame of exactly 16 bytes, read with max 16 (max is allowed)");
    let bytes = frame(b"0123456789abcdef");
    reads(&mut trickle(&bytes, 64), 16, &[some(b"0123456789abcdef")])
}

fn length_over_max_is_refused() -> Check {
    step("a header announcing 2,147,483,647 bytes, with max 1024");
    let (mut a, mut b) = tcp_pair()?;
    io(a.write_all(&[0x7F, 0xFF, 0xFF, 0xFF]))?;
    drop(a);
    reads(&mut b, 1024, &["Err(InvalidData)".into()])?;
    step("a frame of 17 bytes, read with max 16");
    let bytes = frame(b"0123456789abcdefg");
    reads(&mut trickle(&bytes, 64), 16, &["Err(InvalidData)".into()])
}

fn over_max_refused_before_reading_the_payload() -> Check {
    step("a frame of 2,000 bytes, all there, read with max 1024");
    let bytes = frame(&[b'z'; 2000]);
    let mut reader = trickle(&bytes, 4096);
    reads(&mut reader, 1024, &["Err(InvalidData)".into()])?;
    step("how many bytes read_frame took from the stream before refusing");
    expect(
        reader.given == 4,
        "4 (the header only: a frame over max is refused before its payload is read or allocated)",
        format!("{}", reader.given),
    )
}

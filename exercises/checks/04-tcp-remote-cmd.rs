//! Checks for lesson 4's exercises.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};

use exercise_harness::{
    Check, Failure, PATIENCE, background, expect, expect_eq, fail, io, show, step, tcp_connect,
    tcp_listener,
};

use crate::read_frame::{self as frames, write_frame};
use crate::tcp_upper::serve_one;

pub fn tcp_upper() -> Check {
    step("connect, then call serve_one(&listener)");
    let listener = tcp_listener()?;
    let mut client = tcp_connect(io(listener.local_addr())?)?;
    let server = background(move || {
        let _ = serve_one(&listener);
    });

    step(
        "send \"hello\\n\", \"wor\", \"ld\\nmixed Case 123\\n\" in three writes, then close our side",
    );
    // A write fails when your server has already gone (a panic, say): say why it went.
    let sent = [&b"hello\n"[..], b"wor", b"ld\nmixed Case 123\n"]
        .iter()
        .try_for_each(|piece| client.write_all(piece))
        .and_then(|()| client.shutdown(Shutdown::Write));
    if let Err(err) = sent {
        let closed = fail(
            "your server to take the lines",
            format!("the connection failed: {}", exercise_harness::what(&err)),
        );
        return Err(server.explain("your server to take the lines", closed));
    }

    step("read everything until the server closes the connection");
    let mut reply = Vec::new();
    let expected = "\"HELLO\\nWORLD\\nMIXED CASE 123\\n\", then the end of the stream";
    if let Err(err) = client.read_to_end(&mut reply) {
        let silence = fail(
            expected,
            format!("{} and then {}", show(&reply), exercise_harness::what(&err)),
        );
        return Err(server.explain(expected, silence));
    }
    expect(
        reply == b"HELLO\nWORLD\nMIXED CASE 123\n",
        expected,
        format!("{}, then the end of the stream", show(&reply)),
    )
}

/// A reader that hands out one byte per `read`, as a peer writing one byte at a time can make
/// a TCP socket do.
struct OneByteAtATime<'a>(&'a [u8]);

impl Read for OneByteAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&byte, rest)), Some(slot)) => {
                *slot = byte;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
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

/// Passes when the reads gave `want`, listing both in order otherwise.
fn expect_reads(got: &[String], want: &[String]) -> Check {
    expect(got == want, want.join(", then "), got.join(", then "))
}

fn read_kind(result: io::Result<Option<Vec<u8>>>) -> String {
    match result {
        Ok(Some(payload)) => format!("Ok(Some({}))", show(&payload)),
        Ok(None) => "Ok(None)".into(),
        Err(err) => format!("Err of kind {:?}", err.kind()),
    }
}

pub fn read_frame() -> Check {
    step("write_frame(b\"hello\") and write_frame(b\"\") over TCP: the bytes on the wire");
    let (mut a, mut b) = tcp_pair()?;
    write_frame(&mut a, b"hello")
        .map_err(|err| fail("Ok(())", format!("Err: {}", exercise_harness::what(&err))))?;
    write_frame(&mut a, b"")
        .map_err(|err| fail("Ok(())", format!("Err: {}", exercise_harness::what(&err))))?;
    let mut wire = [0u8; 13];
    io(b.read_exact(&mut wire))?;
    expect_eq(wire.to_vec(), [frame(b"hello"), frame(b"")].concat())?;

    step("two frames arrive in one read (sticky packets): read_frame twice, then the peer closes");
    io(a.write_all(&[frame(b"first"), frame(b"second")].concat()))?;
    drop(a);
    let got = [
        read_kind(frames::read_frame(&mut b, 1024)),
        read_kind(frames::read_frame(&mut b, 1024)),
        read_kind(frames::read_frame(&mut b, 1024)),
    ];
    expect_reads(
        &got,
        &[
            "Ok(Some(\"first\"))".to_owned(),
            "Ok(Some(\"second\"))".to_owned(),
            "Ok(None)".to_owned(),
        ],
    )?;

    step("the frames \"hello\", \"\" and 300 bytes arrive one byte per read");
    let long = vec![b'x'; 300];
    let bytes = [frame(b"hello"), frame(b""), frame(&long)].concat();
    let mut trickle = OneByteAtATime(&bytes);
    let got = [
        read_kind(frames::read_frame(&mut trickle, 1024)),
        read_kind(frames::read_frame(&mut trickle, 1024)),
        read_kind(frames::read_frame(&mut trickle, 1024)),
        read_kind(frames::read_frame(&mut trickle, 1024)),
    ];
    expect_reads(
        &got,
        &[
            "Ok(Some(\"hello\"))".to_owned(),
            "Ok(Some(\"\"))".to_owned(),
            read_kind(Ok(Some(long))),
            "Ok(None)".to_owned(),
        ],
    )?;

    for (what, bytes, max, kind) in [
        (
            "the peer closes after a header promising 10 bytes and 3 bytes",
            [&[0u8, 0, 0, 10][..], b"abc"].concat(),
            1024,
            io::ErrorKind::UnexpectedEof,
        ),
        (
            "the peer closes after 2 bytes of a header",
            vec![0u8, 0],
            1024,
            io::ErrorKind::UnexpectedEof,
        ),
        (
            "a header announcing 2,147,483,647 bytes, with max 1024",
            vec![0x7F, 0xFF, 0xFF, 0xFF],
            1024,
            io::ErrorKind::InvalidData,
        ),
    ] {
        step(format!("over TCP, {what}"));
        let (mut a, mut b) = tcp_pair()?;
        io(a.write_all(&bytes))?;
        drop(a);
        expect_eq(
            read_kind(frames::read_frame(&mut b, max)),
            format!("Err of kind {kind:?}"),
        )?;
    }
    Ok(())
}

//! Checks for lesson 5's exercises.

use std::io;
use std::net::UdpSocket;
use std::time::Duration;

use exercise_harness::{Check, addr_of, expect, expect_eq, fail, io, recv, step, udp};

use crate::reassemble::{self as pieces, Reassembled};
use crate::send_in_pieces;

fn numbered_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

pub fn send_in_pieces() -> Check {
    let (sender, receiver) = (udp()?, udp()?);
    let to = addr_of(&receiver)?;
    let reply = numbered_bytes(2500);

    step("send_in_pieces(2,500 bytes, max_payload 1000)");
    let count = send_in_pieces::send_in_pieces(&sender, to, &reply, 1000);
    expect_eq(count.map_err(|err| exercise_harness::what(&err)), Ok(3))?;
    let mut joined = Vec::new();
    for index in 0u16..3 {
        step(format!("piece {index} of 3"));
        let (piece, _) = recv(&receiver, &format!("piece {index}"))?;
        expect(
            piece.len() >= 4,
            "a header of 4 bytes, then the bytes",
            format!("{} bytes", piece.len()),
        )?;
        expect_eq(
            (&piece[..4], piece.len() - 4),
            (
                &[0, index as u8, 0, 3][..],
                if index < 2 { 1000 } else { 500 },
            ),
        )?;
        joined.extend_from_slice(&piece[4..]);
    }
    step("the pieces' bytes, joined in order");
    expect(joined == reply, "the 2,500 bytes sent", "other bytes")?;

    step("send_in_pieces(an empty reply, 1000): one piece, no bytes");
    let count = send_in_pieces::send_in_pieces(&sender, to, b"", 1000);
    expect_eq(count.map_err(|err| exercise_harness::what(&err)), Ok(1))?;
    let (piece, _) = recv(&receiver, "one datagram")?;
    expect_eq(piece, vec![0, 0, 0, 1])?;

    step("send_in_pieces(b\"abc\", max_payload 0)");
    match send_in_pieces::send_in_pieces(&sender, to, b"abc", 0) {
        Err(err) if err.kind() == io::ErrorKind::InvalidInput => Ok(()),
        other => Err(fail("Err of kind InvalidInput", format!("{other:?}"))),
    }
}

fn piece(index: u16, count: u16, bytes: &[u8]) -> Vec<u8> {
    [&index.to_be_bytes()[..], &count.to_be_bytes(), bytes].concat()
}

fn pieces_then_reassemble(
    datagrams: &[Vec<u8>],
) -> Result<io::Result<Reassembled>, exercise_harness::Failure> {
    let (sender, socket) = (udp()?, udp()?);
    let to = addr_of(&socket)?;
    for datagram in datagrams {
        io(sender.send_to(datagram, to))?;
    }
    Ok(pieces::reassemble(&socket, Duration::from_millis(200)))
}

fn shown(result: io::Result<Reassembled>) -> String {
    match result {
        Ok(Reassembled::Complete(bytes)) => {
            format!("Ok(Complete({}))", exercise_harness::show(&bytes))
        }
        Ok(other) => format!("Ok({other:?})"),
        Err(err) => format!("Err of kind {:?}", err.kind()),
    }
}

pub fn reassemble() -> Check {
    step("pieces 2, 0, 0 again, a 1-byte datagram, then 1 (of 3); reassemble(quiet 200 ms)");
    let result = pieces_then_reassemble(&[
        piece(2, 3, b"ld!"),
        piece(0, 3, b"hello "),
        piece(0, 3, b"hello "),
        vec![7],
        piece(1, 3, b"wor"),
    ])?;
    expect_eq(shown(result), "Ok(Complete(\"hello world!\"))".to_owned())?;

    step("pieces 0 and 3 of 4 only; reassemble(quiet 200 ms)");
    let result = pieces_then_reassemble(&[piece(0, 4, b"a"), piece(3, 4, b"d")])?;
    expect_eq(
        shown(result),
        format!(
            "Ok({:?})",
            Reassembled::Incomplete {
                missing: vec![1, 2]
            }
        ),
    )?;

    step("nothing at all; reassemble(quiet 200 ms)");
    let socket: UdpSocket = udp()?;
    expect_eq(
        shown(pieces::reassemble(&socket, Duration::from_millis(200))),
        "Err of kind TimedOut".to_owned(),
    )
}

// Checks for lesson 5's exercises: each is a list of named cases, and every case is run.

use std::io;
use std::time::Duration;

use exercise_harness::{
    Case, Check, Failure, addr_of, cases, expect, expect_bytes, expect_text, io, recv, show, step,
    udp, what,
};

use super::super::reassemble::{self as pieces, Reassembled};
use super::super::send_in_pieces;

/// The cases of `send-in-pieces`.
pub const SEND_IN_PIECES: &[Case] = cases! {
    three_pieces_last_one_short, exact_multiple_has_no_empty_tail, empty_reply_is_one_empty_piece,
    max_payload_zero_is_refused, more_than_65535_pieces_is_refused
};

/// The cases of `reassemble`.
pub const REASSEMBLE: &[Case] = cases! {
    pieces_in_order, out_of_order_with_a_duplicate, short_datagrams_are_skipped, one_empty_piece,
    missing_pieces_are_named, nothing_at_all_is_timed_out
};

fn numbered_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn shown_count(result: io::Result<u16>) -> String {
    match result {
        Ok(count) => format!("Ok({count})"),
        Err(err) => format!("Err({})", kind_or_what(&err)),
    }
}

/// `InvalidInput` for an error made on purpose, the message for anything else.
fn kind_or_what(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::TimedOut => {
            format!("{:?}", err.kind())
        }
        _ => what(err),
    }
}

/// Sends `len` bytes in pieces of `max`, and compares each datagram that comes.
fn sends(len: usize, max: usize, sizes: &[usize]) -> Check {
    let (sender, receiver) = (udp()?, udp()?);
    let to = addr_of(&receiver)?;
    let reply = numbered_bytes(len);
    step(format!("send_in_pieces({len} bytes, max_payload {max})"));
    let count = send_in_pieces::send_in_pieces(&sender, to, &reply, max);
    expect_text(shown_count(count), format!("Ok({})", sizes.len()))?;
    let mut joined = Vec::new();
    let total = sizes.len() as u16;
    for (index, size) in (0u16..).zip(sizes) {
        step(format!(
            "datagram {index} of {total}: index {index}, count {total}, {size} bytes"
        ));
        let (piece, _) = recv(&receiver, &format!("piece {index}"))?;
        expect(
            piece.len() >= 4,
            "a header of 4 bytes, then the bytes",
            format!("{} bytes", piece.len()),
        )?;
        let header = [&index.to_be_bytes()[..], &total.to_be_bytes()].concat();
        expect_bytes(&piece[..4], &header)?;
        expect_text(
            format!("{} bytes", piece.len() - 4),
            format!("{size} bytes"),
        )?;
        joined.extend_from_slice(&piece[4..]);
    }
    step("the pieces' bytes, joined in order");
    expect_bytes(&joined, &reply)
}

fn three_pieces_last_one_short() -> Check {
    sends(2500, 1000, &[1000, 1000, 500])
}

fn exact_multiple_has_no_empty_tail() -> Check {
    sends(2000, 1000, &[1000, 1000])
}

fn empty_reply_is_one_empty_piece() -> Check {
    sends(0, 1000, &[0])
}

/// A call that must be refused with InvalidInput, before anything is sent.
fn refused(len: usize, max: usize) -> Check {
    let (sender, receiver) = (udp()?, udp()?);
    let to = addr_of(&receiver)?;
    let reply = vec![b'a'; len];
    step(format!("send_in_pieces({len} bytes, max_payload {max})"));
    let count = send_in_pieces::send_in_pieces(&sender, to, &reply, max);
    expect_text(shown_count(count), "Err(InvalidInput)")?;
    step("what the receiver got: nothing (refuse before sending)");
    io(receiver.set_read_timeout(Some(Duration::from_millis(100))))?;
    let mut buf = [0u8; 64];
    match receiver.recv_from(&mut buf) {
        Ok((n, _)) => Err(exercise_harness::fail(
            "nothing",
            format!("a datagram of {n} bytes"),
        )),
        Err(_) => Ok(()),
    }
}

fn max_payload_zero_is_refused() -> Check {
    refused(3, 0)
}

fn more_than_65535_pieces_is_refused() -> Check {
    // 65,536 pieces of 1 byte: the count does not fit in 2 bytes.
    refused(65_536, 1)
}

fn piece(index: u16, count: u16, bytes: &[u8]) -> Vec<u8> {
    [&index.to_be_bytes()[..], &count.to_be_bytes(), bytes].concat()
}

fn shown(result: io::Result<Reassembled>) -> String {
    match result {
        Ok(Reassembled::Complete(bytes)) => format!("Ok(Complete({}))", show(&bytes)),
        Ok(other) => format!("Ok({other:?})"),
        Err(err) => format!("Err({})", kind_or_what(&err)),
    }
}

/// Sends `datagrams` (described in `what`), then calls reassemble(quiet 200 ms).
fn reassembles(what: &str, datagrams: &[Vec<u8>], want: &str) -> Result<(), Failure> {
    step(format!("{what} arrive; reassemble(quiet 200 ms)"));
    let (sender, socket) = (udp()?, udp()?);
    let to = addr_of(&socket)?;
    for datagram in datagrams {
        io(sender.send_to(datagram, to))?;
    }
    expect_text(
        shown(pieces::reassemble(&socket, Duration::from_millis(200))),
        want,
    )
}

/// "hello world!" in 3 pieces ("hello ", "wor", "ld!"), sent in this order of indices.
fn hello_world(order: &[u16]) -> Vec<Vec<u8>> {
    let parts: [&[u8]; 3] = [b"hello ", b"wor", b"ld!"];
    order
        .iter()
        .map(|&index| piece(index, 3, parts[usize::from(index)]))
        .collect()
}

fn pieces_in_order() -> Check {
    let datagrams = hello_world(&[0, 1, 2]);
    let what = "pieces 0, 1, 2 of 3";
    reassembles(what, &datagrams, "Ok(Complete(\"hello world!\"))")
}

fn out_of_order_with_a_duplicate() -> Check {
    let datagrams = hello_world(&[2, 0, 0, 1]);
    let what = "pieces 2, 0, 0 again, then 1 (of 3)";
    reassembles(what, &datagrams, "Ok(Complete(\"hello world!\"))")
}

fn short_datagrams_are_skipped() -> Check {
    reassembles(
        "a 1-byte datagram, piece 0 of 2, a 3-byte datagram, then piece 1 of 2",
        &[
            vec![7],
            piece(0, 2, b"ab"),
            vec![0, 1, 0],
            piece(1, 2, b"cd"),
        ],
        "Ok(Complete(\"abcd\"))",
    )
}

fn one_empty_piece() -> Check {
    reassembles(
        "piece 0 of 1, with no bytes",
        &[piece(0, 1, b"")],
        "Ok(Complete(\"\"))",
    )
}

fn missing_pieces_are_named() -> Check {
    reassembles(
        "pieces 0 and 3 of 4 only",
        &[piece(0, 4, b"a"), piece(3, 4, b"d")],
        &format!(
            "Ok({:?})",
            Reassembled::Incomplete {
                missing: vec![1, 2]
            }
        ),
    )
}

fn nothing_at_all_is_timed_out() -> Check {
    reassembles("no datagram at all", &[], "Err(TimedOut)")
}

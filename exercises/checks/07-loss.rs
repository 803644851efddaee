// Checks for lesson 7's exercises: each is a list of named cases, and every case is run.

use std::io;
use std::time::Duration;

use exercise_harness::{
    Case, Check, addr_of, cases, expect_bytes, expect_text, io, recv, step, udp, what,
};

use super::super::loss_tally::{Tally, tally};
use super::super::send_numbered;

/// The cases of `send-numbered`.
pub const SEND_NUMBERED: &[Case] = cases! {
    twenty_numbered_datagrams, size_4_is_just_the_number, size_3_is_refused
};

/// The cases of `loss-tally`.
pub const LOSS_TALLY: &[Case] = cases! {
    all_arrive_in_order, loss_duplicate_and_reordering, short_and_out_of_range_datagrams_ignored,
    nothing_arrives
};

fn shown(result: io::Result<()>) -> String {
    match result {
        Ok(()) => "Ok(())".to_owned(),
        Err(err) if err.kind() == io::ErrorKind::InvalidInput => "Err(InvalidInput)".to_owned(),
        Err(err) => format!("Err({})", what(&err)),
    }
}

/// send_numbered(count, size), then each datagram compared, numbers from `first_checked`.
fn sends(count: u32, size: usize, checked: impl Iterator<Item = u32>) -> Check {
    let (sender, receiver) = (udp()?, udp()?);
    let to = addr_of(&receiver)?;
    step(format!("send_numbered(count {count}, size {size})"));
    expect_text(
        shown(send_numbered::send_numbered(&sender, to, count, size)),
        "Ok(())",
    )?;
    let mut next = 0;
    for seq in checked {
        // Skip the datagrams before `seq` (loopback keeps them all, in order, for so few).
        while next < seq {
            recv(&receiver, &format!("datagram number {next}"))?;
            next += 1;
        }
        step(format!(
            "datagram {seq} of {count}: its number in 4 bytes, big-endian, then zeros"
        ));
        let (datagram, _) = recv(&receiver, &format!("datagram number {seq}"))?;
        let mut expected = vec![0u8; size];
        expected[..4].copy_from_slice(&seq.to_be_bytes());
        expect_bytes(&datagram, &expected)?;
        next += 1;
    }
    Ok(())
}

fn twenty_numbered_datagrams() -> Check {
    sends(20, 100, 0..20)
}

fn size_4_is_just_the_number() -> Check {
    sends(3, 4, 0..3)
}

fn size_3_is_refused() -> Check {
    let (sender, receiver) = (udp()?, udp()?);
    step("send_numbered(count 1, size 3): no room for the number");
    expect_text(
        shown(send_numbered::send_numbered(
            &sender,
            addr_of(&receiver)?,
            1,
            3,
        )),
        "Err(InvalidInput)",
    )
}

/// Sends the numbers (with a payload) and the extra datagrams, then tallies.
fn tallies(numbers: &[u32], extra: &[&[u8]], expected: u32, want: Tally) -> Check {
    let (sender, socket) = (udp()?, udp()?);
    let to = addr_of(&socket)?;
    for seq in numbers {
        io(sender.send_to(&[&seq.to_be_bytes()[..], b"payload"].concat(), to))?;
    }
    for datagram in extra {
        io(sender.send_to(datagram, to))?;
    }
    step(format!("tally(expected {expected}, quiet 200 ms)"));
    let got = tally(&socket, expected, Duration::from_millis(200));
    expect_text(
        match got {
            Ok(tally) => format!("{tally:?}"),
            Err(err) => format!("Err({})", what(&err)),
        },
        format!("{want:?}"),
    )
}

fn all_arrive_in_order() -> Check {
    step("numbers 0 to 4 arrive in order");
    tallies(&[0, 1, 2, 3, 4], &[], 5, counts(5, 0, 0, 0))
}

fn loss_duplicate_and_reordering() -> Check {
    step("numbers 0 1 3 2 2 5 4 7 arrive");
    tallies(&[0, 1, 3, 2, 2, 5, 4, 7], &[], 8, counts(7, 1, 1, 2))
}

fn short_and_out_of_range_datagrams_ignored() -> Check {
    step("numbers 0 1 2, a 2-byte datagram, then number 99 (of 3 expected)");
    tallies(
        &[0, 1, 2],
        &[&[1, 2], &99u32.to_be_bytes()],
        3,
        counts(3, 0, 0, 0),
    )
}

/// A tally: received, lost, duplicates, reordered.
fn counts(received: u32, lost: u32, duplicates: u32, reordered: u32) -> Tally {
    Tally {
        received,
        lost,
        duplicates,
        reordered,
    }
}

fn nothing_arrives() -> Check {
    step("nothing arrives");
    tallies(&[], &[], 3, counts(0, 3, 0, 0))
}

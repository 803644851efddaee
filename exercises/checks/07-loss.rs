//! Checks for lesson 7's exercises.

use std::io;
use std::time::Duration;

use exercise_harness::{Check, addr_of, expect_eq, fail, io, recv, step, udp};

use crate::loss_tally::{Tally, tally};
use crate::send_numbered;

pub fn send_numbered() -> Check {
    let (sender, receiver) = (udp()?, udp()?);
    let to = addr_of(&receiver)?;

    step("send_numbered(count 20, size 100)");
    let sent = send_numbered::send_numbered(&sender, to, 20, 100);
    expect_eq(sent.map_err(|err| exercise_harness::what(&err)), Ok(()))?;
    for seq in 0u32..20 {
        step(format!("datagram {seq} of 20"));
        let (datagram, _) = recv(&receiver, &format!("datagram number {seq}"))?;
        let mut expected = vec![0u8; 100];
        expected[..4].copy_from_slice(&seq.to_be_bytes());
        expect_eq(datagram, expected)?;
    }

    step("send_numbered(count 1, size 3): no room for the number");
    match send_numbered::send_numbered(&sender, to, 1, 3) {
        Err(err) if err.kind() == io::ErrorKind::InvalidInput => Ok(()),
        other => Err(fail("Err of kind InvalidInput", format!("{other:?}"))),
    }
}

pub fn loss_tally() -> Check {
    let (sender, socket) = (udp()?, udp()?);
    let to = addr_of(&socket)?;

    step(
        "numbers 0 1 3 2 2 5 4 7 arrive, then a 2-byte datagram and number 99; tally(expected 8, quiet 200 ms)",
    );
    for seq in [0u32, 1, 3, 2, 2, 5, 4, 7] {
        io(sender.send_to(&[&seq.to_be_bytes()[..], b"payload"].concat(), to))?;
    }
    io(sender.send_to(&[1, 2], to))?;
    io(sender.send_to(&99u32.to_be_bytes(), to))?;
    let got = tally(&socket, 8, Duration::from_millis(200));
    expect_eq(
        got.map_err(|err| exercise_harness::what(&err)),
        Ok(Tally {
            received: 7,
            lost: 1,
            duplicates: 1,
            reordered: 2,
        }),
    )?;

    step("nothing arrives; tally(expected 3, quiet 200 ms)");
    let got = tally(&socket, 3, Duration::from_millis(200));
    expect_eq(
        got.map_err(|err| exercise_harness::what(&err)),
        Ok(Tally {
            lost: 3,
            ..Tally::default()
        }),
    )
}

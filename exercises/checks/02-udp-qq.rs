//! Checks for lesson 2's exercises.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use exercise_harness::{Check, expect_text, addr_of, expect, expect_eq, fail, io, recv, show, step, udp};

use super::super::chat_contacts::Contacts;
use super::super::chat_relay::relay_once;


/// The cases of `chat-relay`.
pub const CHAT_RELAY: &[exercise_harness::Case] = &[exercise_harness::case("relay_to_everyone_else", chat_relay)];

/// The cases of `chat-contacts`.
pub const CHAT_CONTACTS: &[exercise_harness::Case] = &[exercise_harness::case("capacity_and_idle_peers", chat_contacts)];

/// What `socket` receives within 200 ms, if anything.
fn maybe_recv(socket: &UdpSocket) -> Result<Option<Vec<u8>>, exercise_harness::Failure> {
    io(socket.set_read_timeout(Some(Duration::from_millis(200))))?;
    let mut buf = [0u8; 2048];
    let got = socket
        .recv_from(&mut buf)
        .ok()
        .map(|(n, _)| buf[..n].to_vec());
    io(socket.set_read_timeout(Some(exercise_harness::PATIENCE)))?;
    Ok(got)
}

fn chat_relay() -> Check {
    let server = udp()?;
    let to = addr_of(&server)?;
    let (a, b, c) = (udp()?, udp()?, udp()?);
    let mut peers: Vec<SocketAddr> = Vec::new();

    step("A sends \"hi from a\"; relay_once with no peers yet");
    io(a.send_to(b"hi from a", to))?;
    relay_once(&server, &mut peers)
        .map_err(|err| fail("Ok(())", format!("Err: {}", exercise_harness::what(&err))))?;
    expect_eq(peers.clone(), vec![addr_of(&a)?])?;

    step("B sends \"hi from b\"; relay_once: A should get it");
    io(b.send_to(b"hi from b", to))?;
    relay_once(&server, &mut peers)
        .map_err(|err| fail("Ok(())", format!("Err: {}", exercise_harness::what(&err))))?;
    let (got, _) = recv(&a, "\"hi from b\" at A")?;
    expect_text(show(&got), show(b"hi from b"))?;
    expect_eq(peers.len(), 2)?;

    step("C sends \"hi from c\"; relay_once: A and B get it, C does not get its own line");
    io(c.send_to(b"hi from c", to))?;
    relay_once(&server, &mut peers)
        .map_err(|err| fail("Ok(())", format!("Err: {}", exercise_harness::what(&err))))?;
    let (at_a, _) = recv(&a, "\"hi from c\" at A")?;
    let (at_b, _) = recv(&b, "\"hi from c\" at B")?;
    expect_text(
        format!("{} at A, {} at B", show(&at_a), show(&at_b)),
        format!("{} at A, {} at B", show(b"hi from c"), show(b"hi from c")),
    )?;
    let echoed = maybe_recv(&c)?;
    expect(
        echoed.is_none(),
        "nothing back at C",
        format!("{:?}", echoed.map(|e| show(&e))),
    )?;

    step("A speaks again; relay_once: A is not added twice");
    io(a.send_to(b"again", to))?;
    relay_once(&server, &mut peers)
        .map_err(|err| fail("Ok(())", format!("Err: {}", exercise_harness::what(&err))))?;
    expect_eq(peers.len(), 3)?;
    let (at_c, _) = recv(&c, "\"again\" at C")?;
    expect_text(show(&at_c), show(b"again"))
}

fn peer(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn sorted(mut v: Vec<SocketAddr>) -> Vec<SocketAddr> {
    v.sort();
    v
}

fn chat_contacts() -> Check {
    // Virtual time: the check moves the clock itself, so nothing here waits.
    let t0 = Instant::now();
    let at = |secs: u64| t0 + Duration::from_secs(secs);
    let (a, b, c, d) = (peer(1001), peer(1002), peer(1003), peer(1004));

    step("Contacts::new(3, 60 s); A, B, C heard from at 0 s, 10 s, 20 s; targets of A at 30 s");
    let mut contacts = Contacts::new(3, Duration::from_secs(60));
    contacts.heard_from(a, at(0));
    contacts.heard_from(b, at(10));
    contacts.heard_from(c, at(20));
    expect_eq(sorted(contacts.targets(a, at(30))), vec![b, c])?;

    step(
        "A speaks again at 40 s; D arrives at 45 s in the full table: B (heard from longest ago) makes room",
    );
    contacts.heard_from(a, at(40));
    contacts.heard_from(d, at(45));
    expect_eq(contacts.len(), 3)?;
    expect_eq(sorted(contacts.targets(d, at(46))), vec![a, c])?;

    step("at 80 s, C (last heard at 20 s) has been idle for 60 s: forgotten");
    expect_eq(sorted(contacts.targets(a, at(80))), vec![d])?;
    expect_eq(contacts.len(), 2)?;

    step("at 104 s A is idle too (last heard at 40 s) and D (45 s) is still there");
    expect_eq(sorted(contacts.targets(peer(9999), at(104))), vec![d])?;
    expect_eq(contacts.len(), 1)
}

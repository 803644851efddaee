// Checks for lesson 2's exercises.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use exercise_harness::{
    Case, Check, addr_of, cases, expect, expect_eq, expect_text, fail, io, recv, show, step, udp,
};

use super::super::chat_contacts::Contacts;
use super::super::chat_relay::relay_once;

/// The cases of `chat-relay`.
pub const CHAT_RELAY: &[Case] = cases! {
    first_speaker_is_remembered, line_goes_to_the_other_peer, sender_does_not_get_its_own_line,
    a_peer_is_added_once
};

/// The cases of `chat-contacts`.
pub const CHAT_CONTACTS: &[Case] = cases! {
    targets_are_the_others, full_table_evicts_the_oldest, idle_for_exactly_idle_is_forgotten,
    still_fresh_is_kept
};

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

/// A relay server and three peers, A, B and C.
struct Room {
    server: UdpSocket,
    to: SocketAddr,
    peers: Vec<SocketAddr>,
    a: UdpSocket,
    b: UdpSocket,
    c: UdpSocket,
}

fn room() -> Result<Room, exercise_harness::Failure> {
    let server = udp()?;
    let to = addr_of(&server)?;
    Ok(Room {
        server,
        to,
        peers: Vec::new(),
        a: udp()?,
        b: udp()?,
        c: udp()?,
    })
}

impl Room {
    /// `who` sends `line`; relay_once runs once.
    fn says(&mut self, who: char, line: &[u8]) -> Check {
        let socket = match who {
            'A' => &self.a,
            'B' => &self.b,
            _ => &self.c,
        };
        step(format!(
            "{who} sends {}; relay_once(&server, &mut peers)",
            show(line)
        ));
        io(socket.send_to(line, self.to))?;
        relay_once(&self.server, &mut self.peers)
            .map_err(|err| fail("Ok(())", format!("Err({})", exercise_harness::what(&err))))
    }

    fn addrs(&self) -> Result<[SocketAddr; 3], exercise_harness::Failure> {
        Ok([addr_of(&self.a)?, addr_of(&self.b)?, addr_of(&self.c)?])
    }

    /// The peers, as A, B and C.
    fn shown_peers(&self) -> Result<String, exercise_harness::Failure> {
        let addrs = self.addrs()?;
        let names: Vec<String> = self
            .peers
            .iter()
            .map(|p| match addrs.iter().position(|a| a == p) {
                Some(0) => "A".to_owned(),
                Some(1) => "B".to_owned(),
                Some(_) => "C".to_owned(),
                None => p.to_string(),
            })
            .collect();
        Ok(format!("[{}]", names.join(", ")))
    }
}

fn first_speaker_is_remembered() -> Check {
    let mut room = room()?;
    room.says('A', b"hi from a")?;
    step("peers");
    expect_text(room.shown_peers()?, "[A]")
}

/// A says "hi from a", then B "hi from b"; what A received.
fn a_then_b() -> Result<(Room, Vec<u8>), exercise_harness::Failure> {
    let mut room = room()?;
    room.says('A', b"hi from a")?;
    room.says('B', b"hi from b")?;
    step("what A received");
    let (got, _) = recv(&room.a, "\"hi from b\" at A")?;
    Ok((room, got))
}

fn line_goes_to_the_other_peer() -> Check {
    let (room, got) = a_then_b()?;
    expect_text(show(&got), show(b"hi from b"))?;
    step("peers");
    expect_text(room.shown_peers()?, "[A, B]")
}

fn sender_does_not_get_its_own_line() -> Check {
    let (mut room, _) = a_then_b()?;
    room.says('C', b"hi from c")?;
    step("what A and B received");
    let (at_a, _) = recv(&room.a, "\"hi from c\" at A")?;
    let (at_b, _) = recv(&room.b, "\"hi from c\" at B")?;
    expect_text(
        format!("{} at A, {} at B", show(&at_a), show(&at_b)),
        format!("{} at A, {} at B", show(b"hi from c"), show(b"hi from c")),
    )?;
    step("what C received within 200 ms");
    let echoed = maybe_recv(&room.c)?;
    expect(
        echoed.is_none(),
        "nothing: a line is not sent back to its sender",
        echoed.map(|e| show(&e)).unwrap_or_default(),
    )
}

fn a_peer_is_added_once() -> Check {
    let mut room = room()?;
    room.says('A', b"one")?;
    room.says('B', b"two")?;
    room.says('C', b"three")?;
    room.says('A', b"again")?;
    step("peers");
    expect_text(room.shown_peers()?, "[A, B, C]")?;
    step("what C received");
    let (at_c, _) = recv(&room.c, "\"again\" at C")?;
    expect_text(show(&at_c), show(b"again"))
}

fn peer(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Peers by name: A is 127.0.0.1:1001, and so on.
fn names(mut v: Vec<SocketAddr>) -> String {
    v.sort();
    let names: Vec<String> = v
        .iter()
        .map(|p| match p.port() {
            1001..=1004 => char::from(b'A' + (p.port() - 1001) as u8).to_string(),
            _ => p.to_string(),
        })
        .collect();
    format!("[{}]", names.join(", "))
}

/// A table of capacity 3, idle 60 s, with A, B, C heard from at 0 s, 10 s, 20 s.
fn table() -> (Contacts, impl Fn(u64) -> Instant) {
    let t0 = Instant::now();
    let at = move |secs: u64| t0 + Duration::from_secs(secs);
    step("Contacts::new(3, 60 s); A, B, C heard from at 0 s, 10 s, 20 s");
    let mut contacts = Contacts::new(3, Duration::from_secs(60));
    contacts.heard_from(peer(1001), at(0));
    contacts.heard_from(peer(1002), at(10));
    contacts.heard_from(peer(1003), at(20));
    (contacts, at)
}

fn targets_are_the_others() -> Check {
    let (mut contacts, at) = table();
    step("targets(A, at 30 s)");
    expect_text(names(contacts.targets(peer(1001), at(30))), "[B, C]")
}

fn full_table_evicts_the_oldest() -> Check {
    let (mut contacts, at) = table();
    step(
        "A speaks again at 40 s; D arrives at 45 s: the table is full, B (heard from at 10 s) makes room",
    );
    contacts.heard_from(peer(1001), at(40));
    contacts.heard_from(peer(1004), at(45));
    expect_eq(contacts.len(), 3)?;
    step("targets(D, at 46 s)");
    expect_text(names(contacts.targets(peer(1004), at(46))), "[A, C]")
}

/// The table above, asked for its targets by `from` at `secs`: `want`, and `len` peers left.
fn left_after(what: &str, from: u16, secs: u64, want: &str, len: usize) -> Check {
    let (mut contacts, at) = table();
    step(what);
    expect_text(names(contacts.targets(peer(from), at(secs))), want)?;
    step("len()");
    expect_eq(contacts.len(), len)
}

fn idle_for_exactly_idle_is_forgotten() -> Check {
    let what = "targets(A, at 80 s): C, last heard at 20 s, has been idle for 60 s: forgotten";
    left_after(what, 1001, 80, "[]", 0)
}

fn still_fresh_is_kept() -> Check {
    let what = "targets(someone else, at 69 s): A forgotten (idle 69 s), B (59 s) and C kept";
    left_after(what, 9999, 69, "[B, C]", 2)
}

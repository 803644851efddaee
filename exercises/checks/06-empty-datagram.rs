// Checks for lesson 6's exercises: each is a list of named cases, and every case is run.

use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{
    Case, Check, PATIENCE, addr_of, cases, expect, expect_text, fail, io, step, udp, what,
};

use super::super::empty_or_timeout::{Arrival, wait_for};
use super::super::heartbeat::is_alive;

/// The cases of `empty-or-timeout`.
pub const EMPTY_OR_TIMEOUT: &[Case] = cases! {
    empty_datagram_is_empty, one_byte_is_data, silence_is_nothing
};

/// The cases of `heartbeat`.
pub const HEARTBEAT: &[Case] = cases! {
    answering_server_is_alive, silent_server_is_not_alive, strangers_datagram_is_not_the_answer,
    strangers_do_not_extend_the_wait
};

fn shown(result: std::io::Result<Arrival>) -> String {
    match result {
        Ok(arrival) => format!("Ok({arrival:?})"),
        Err(err) => format!("Err({})", what(&err)),
    }
}

fn arrives(bytes: Option<&[u8]>, want: &str) -> Check {
    let (sender, socket) = (udp()?, udp()?);
    io(socket.set_read_timeout(Some(Duration::from_millis(200))))?;
    if let Some(bytes) = bytes {
        io(sender.send_to(bytes, addr_of(&socket)?))?;
    }
    step("wait_for(socket), whose read timeout is 200 ms");
    expect_text(shown(wait_for(&socket)), want)
}

fn empty_datagram_is_empty() -> Check {
    step("an empty datagram (0 bytes) arrives");
    arrives(Some(b""), "Ok(Empty)")
}

fn one_byte_is_data() -> Check {
    step("a datagram \"x\" arrives");
    arrives(
        Some(b"x"),
        &format!("Ok({:?})", Arrival::Data(b"x".to_vec())),
    )
}

fn silence_is_nothing() -> Check {
    step("nothing arrives");
    arrives(None, "Ok(Nothing)")
}

fn answering_server_is_alive() -> Check {
    let client = udp()?;
    step("a server that answers an empty datagram with an empty one; is_alive(.., 2 s)");
    let server = udp()?;
    let addr = addr_of(&server)?;
    let answering = thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (n, from) = server.recv_from(&mut buf).ok()?;
        server.send_to(&[], from).ok()?;
        Some(n)
    });
    let alive = is_alive(&client, addr, PATIENCE);
    expect_text(shown_alive(&alive), "Ok(true)")?;
    step("what the server received");
    let got = answering.join().ok().flatten();
    expect(
        got == Some(0),
        "an empty datagram (0 bytes): the ping",
        match got {
            Some(n) => format!("{n} bytes"),
            None => "nothing".to_owned(),
        },
    )
}

fn silent_server_is_not_alive() -> Check {
    let (client, silent) = (udp()?, udp()?);
    step("a server that never answers; is_alive(.., 300 ms)");
    let start = Instant::now();
    let alive = is_alive(&client, addr_of(&silent)?, Duration::from_millis(600));
    let waited = start.elapsed();
    match alive {
        Ok(false) if waited < PATIENCE => Ok(()),
        other => Err(fail(
            "Ok(false) after about 300 ms",
            format!("{} after {} ms", shown_alive(&other), waited.as_millis()),
        )),
    }
}

/// What is_alive returned, as a student would write it.
fn shown_alive(result: &std::io::Result<bool>) -> String {
    match result {
        Ok(alive) => format!("Ok({alive})"),
        Err(err) => format!("Err({})", what(err)),
    }
}

fn strangers_datagram_is_not_the_answer() -> Check {
    let (client, stranger, silent) = (udp()?, udp()?, udp()?);
    step("a stranger's empty datagram is waiting; the server is silent; is_alive(.., 300 ms)");
    io(stranger.send_to(b"", addr_of(&client)?))?;
    match is_alive(&client, addr_of(&silent)?, Duration::from_millis(300)) {
        Ok(false) => Ok(()),
        Ok(true) => Err(fail(
            "Ok(false): only the server's answer counts",
            "Ok(true): a stranger's datagram was taken for the answer",
        )),
        Err(err) => Err(fail("Ok(false)", format!("Err({})", what(&err)))),
    }
}

fn strangers_do_not_extend_the_wait() -> Check {
    // A stranger sends every 50 ms (at most 80 times, 4 s) until is_alive returns. Keeping
    // one deadline, is_alive(.., 600 ms) returns after about 12 of them; restarting the full
    // wait after each stranger's datagram, it would wait for as long as they keep coming (the
    // margin, 12 intervals, is that wide so that a busy machine's stall never lets it return).
    step("a stranger sends the client an empty datagram every 50 ms; is_alive(.., 600 ms)");
    let (client, stranger, silent) = (udp()?, udp()?, udp()?);
    let to = addr_of(&client)?;
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let noise = thread::spawn(move || {
        let mut sent = 0u32;
        while sent < 80 && done_rx.recv_timeout(Duration::from_millis(50)).is_err() {
            let _ = stranger.send_to(b"", to);
            sent += 1;
        }
        sent
    });
    let alive = is_alive(&client, addr_of(&silent)?, Duration::from_millis(600));
    let _ = done_tx.send(());
    let sent = noise.join().unwrap_or(80);
    step("how many strangers' datagrams came before is_alive returned");
    expect(
        sent < 50 && matches!(alive, Ok(false)),
        "Ok(false) after about 12 (600 ms: the deadline does not move)",
        format!("{} after {sent}", shown_alive(&alive)),
    )
}

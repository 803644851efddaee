//! Checks for lesson 6's exercises.

use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{Check, addr_of, expect, expect_eq, fail, io, step, udp};

use crate::empty_or_timeout::{Arrival, wait_for};
use crate::heartbeat::is_alive;

pub fn empty_or_timeout() -> Check {
    let (sender, socket) = (udp()?, udp()?);
    io(socket.set_read_timeout(Some(Duration::from_millis(200))))?;
    let to = addr_of(&socket)?;
    let shown = |result: std::io::Result<Arrival>| match result {
        Ok(arrival) => format!("Ok({arrival:?})"),
        Err(err) => format!("Err({err}) of kind {:?}", err.kind()),
    };

    step("an empty datagram arrives; wait_for(socket)");
    io(sender.send_to(b"", to))?;
    expect_eq(shown(wait_for(&socket)), "Ok(Empty)".to_owned())?;

    step("a datagram \"x\" arrives; wait_for(socket)");
    io(sender.send_to(b"x", to))?;
    expect_eq(
        shown(wait_for(&socket)),
        format!("Ok({:?})", Arrival::Data(b"x".to_vec())),
    )?;

    step("nothing arrives within the socket's 200 ms read timeout; wait_for(socket)");
    expect_eq(shown(wait_for(&socket)), "Ok(Nothing)".to_owned())
}

pub fn heartbeat() -> Check {
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
    let alive = is_alive(&client, addr, exercise_harness::PATIENCE);
    expect_eq(alive.map_err(|err| exercise_harness::what(&err)), Ok(true))?;
    step("what the server received");
    expect(
        answering.join().ok().flatten() == Some(0),
        "an empty datagram (0 bytes): the ping",
        "something else, or nothing",
    )?;

    step("a stranger's datagram is waiting; the server is silent; is_alive(.., 300 ms)");
    let (stranger, silent) = (udp()?, udp()?);
    io(stranger.send_to(b"", addr_of(&client)?))?;
    let start = Instant::now();
    let alive = is_alive(&client, addr_of(&silent)?, Duration::from_millis(300));
    let waited = start.elapsed();
    match alive {
        Ok(false) if waited < Duration::from_secs(3) => Ok(()),
        Ok(true) => Err(fail(
            "Ok(false): only the server's answer counts",
            "Ok(true): a stranger's datagram was taken for the answer",
        )),
        other => Err(fail(
            "Ok(false) after about 300 ms",
            format!(
                "{:?} after {waited:?}",
                other.map_err(|err| exercise_harness::what(&err))
            ),
        )),
    }
}

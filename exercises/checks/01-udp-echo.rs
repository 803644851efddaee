//! Checks for lesson 1's exercises.

use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{Check, addr_of, expect, expect_eq, fail, is_timeout, show, step, udp};

use crate::echo_once;
use crate::echo_retry::ask_with_retries;

/// A server that answers each datagram with its upper-case copy, except that it ignores the
/// first `drop_first` it gets. It records when each datagram came, and stops after `limit`
/// datagrams or a quiet spell; the handle returns the arrival times.
fn upper_server(
    drop_first: usize,
    limit: usize,
) -> Result<(SocketAddr, thread::JoinHandle<Vec<Instant>>), exercise_harness::Failure> {
    let server = udp()?;
    // A quiet half second ends the server (every wait in these checks is shorter).
    exercise_harness::io(server.set_read_timeout(Some(Duration::from_millis(500))))?;
    let addr = addr_of(&server)?;
    let handle = thread::spawn(move || {
        let mut arrivals = Vec::new();
        let mut buf = [0u8; 2048];
        while arrivals.len() < limit {
            let Ok((n, from)) = server.recv_from(&mut buf) else {
                break;
            };
            arrivals.push(Instant::now());
            if arrivals.len() > drop_first {
                let _ = server.send_to(&buf[..n].to_ascii_uppercase(), from);
            }
        }
        arrivals
    });
    Ok((addr, handle))
}

pub fn echo_once() -> Check {
    step("start an upper-casing echo server and call echo_once(server, b\"hello\", 1 s)");
    let (addr, _server) = upper_server(0, 1)?;
    match echo_once::echo_once(addr, b"hello", Duration::from_secs(1)) {
        Ok(reply) => expect(
            reply == b"HELLO",
            "Ok(\"HELLO\"), the server's reply",
            format!("Ok({})", show(&reply)),
        )?,
        Err(err) => {
            return Err(fail(
                "Ok(\"HELLO\"), the server's reply",
                format!("Err: {}", exercise_harness::what(&err)),
            ));
        }
    }

    step("call echo_once towards a server that never answers, with a 300 ms timeout");
    let silent = udp()?;
    let start = Instant::now();
    let result = echo_once::echo_once(addr_of(&silent)?, b"anyone?", Duration::from_millis(300));
    let waited = start.elapsed();
    expect(
        result.is_err() && waited < Duration::from_secs(2),
        "an Err after about 300 ms (a read timeout)",
        format!("{result:?} after {waited:?}"),
    )
}

pub fn echo_retry() -> Check {
    step("a server that ignores the first 2 datagrams; ask_with_retries(.., 100 ms, 3 attempts)");
    let (addr, server) = upper_server(2, 3)?;
    let client = udp()?;
    let reply = ask_with_retries(&client, addr, b"ping", Duration::from_millis(100), 3);
    let reply = reply.map_err(|err| {
        fail(
            "Ok(\"PING\") on the third attempt",
            format!(
                "Err: {} (did you send it again?)",
                exercise_harness::what(&err)
            ),
        )
    })?;
    expect_eq(show(&reply), show(b"PING"))?;
    let arrivals = server.join().unwrap_or_default();
    step("the waits between attempts: 100 ms, then twice that");
    expect_eq(arrivals.len(), 3)?;
    let first = arrivals[1] - arrivals[0];
    let second = arrivals[2] - arrivals[1];
    // Lower bounds only: a busy machine can make a wait longer, never shorter.
    expect(
        first >= Duration::from_millis(90) && second >= Duration::from_millis(180),
        "the 2nd send at least 100 ms after the 1st, the 3rd at least 200 ms after the 2nd",
        format!("{first:?}, then {second:?}"),
    )?;

    step("a server that never answers; ask_with_retries(.., 50 ms, 3 attempts)");
    let (addr, server) = upper_server(usize::MAX, 4)?;
    let result = ask_with_retries(&client, addr, b"ping", Duration::from_millis(50), 3);
    match result {
        Err(err) if err.kind() == io::ErrorKind::TimedOut => {}
        Err(err) if is_timeout(&err) => {
            return Err(fail(
                "Err with kind TimedOut, made by your code after the last attempt",
                format!(
                    "Err({err}) of kind {:?}, the socket's own timeout",
                    err.kind()
                ),
            ));
        }
        other => {
            return Err(fail("Err with kind TimedOut", format!("{other:?}")));
        }
    }
    drop(client);
    step("how many times the silent server heard the question");
    // The server gives up after a quiet spell, so this join is bounded.
    expect_eq(server.join().map(|a| a.len()).unwrap_or_default(), 3)
}

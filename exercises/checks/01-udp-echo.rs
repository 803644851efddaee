//! Checks for lesson 1's exercises.

use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{
    Check, expect_text, PATIENCE, addr_of, expect, expect_eq, fail, is_timeout, show, step, udp,
};

use super::super::echo_once;
use super::super::echo_retry::ask_with_retries;


/// The cases of `echo-once`.
pub const ECHO_ONCE: &[exercise_harness::Case] = &[exercise_harness::case("reply_then_a_timeout", echo_once)];

/// The cases of `echo-retry`.
pub const ECHO_RETRY: &[exercise_harness::Case] = &[exercise_harness::case("third_attempt_then_doubling_waits", echo_retry)];

/// A server that answers each datagram with its upper-case copy, except that it ignores the
/// first `drop_first` it gets. It stops after `limit` datagrams or a quiet spell; the handle
/// returns when each came.
fn upper_server(
    drop_first: usize,
    limit: usize,
) -> Result<(SocketAddr, thread::JoinHandle<Vec<Instant>>), exercise_harness::Failure> {
    let server = udp()?;
    // A quiet second ends the server (every wait in these checks is shorter).
    exercise_harness::io(server.set_read_timeout(Some(Duration::from_secs(1))))?;
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

fn echo_once() -> Check {
    step("start an upper-casing echo server and call echo_once(server, b\"hello\", 2 s)");
    let (addr, _server) = upper_server(0, 1)?;
    match echo_once::echo_once(addr, b"hello", PATIENCE) {
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
        result.is_err() && waited < Duration::from_secs(3),
        "an Err after about 300 ms (a read timeout)",
        format!("{result:?} after {waited:?}"),
    )
}

fn echo_retry() -> Check {
    step("a server that ignores the first 2 datagrams; ask_with_retries(.., 200 ms, 3 attempts)");
    let (addr, server) = upper_server(2, 3)?;
    let client = udp()?;
    let reply = ask_with_retries(&client, addr, b"ping", Duration::from_millis(200), 3);
    let reply = reply.map_err(|err| {
        fail(
            "Ok(\"PING\") on the third attempt",
            format!(
                "Err: {} (did you send it again?)",
                exercise_harness::what(&err)
            ),
        )
    })?;
    expect_text(show(&reply), show(b"PING"))?;
    step("how many times that server heard the question");
    expect_eq(server.join().map(|a| a.len()).unwrap_or_default(), 3)?;

    step("a server that never answers; ask_with_retries(.., 50 ms, 3 attempts)");
    let (addr, server) = upper_server(usize::MAX, 4)?;
    let start = Instant::now();
    let result = ask_with_retries(&client, addr, b"ping", Duration::from_millis(50), 3);
    let waited = start.elapsed();
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
    step("how long the three attempts took: 50 ms, 100 ms and 200 ms of waiting");
    // A lower bound only (a busy machine makes waits longer, never shorter): three waits of
    // 50 ms, not doubled, would take 150 ms.
    expect(
        waited >= Duration::from_millis(300),
        "at least 300 ms (50 + 100 + 200 ms of waiting)",
        format!("{waited:?}: did the wait double after each attempt?"),
    )?;
    drop(client);
    step("how many times the silent server heard the question");
    // The server gives up after a quiet spell, so this join is bounded.
    expect_eq(server.join().map(|a| a.len()).unwrap_or_default(), 3)
}

// Checks for lesson 1's exercises.

use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{
    Case, Check, PATIENCE, addr_of, cases, expect, expect_eq, expect_text, fail, is_timeout, show,
    step, udp,
};

use super::super::echo_once;
use super::super::echo_retry::ask_with_retries;

/// The cases of `echo-once`.
pub const ECHO_ONCE: &[Case] = cases! {
    short_reply, long_message, silence_is_an_error_after_the_timeout
};

/// The cases of `echo-retry`.
pub const ECHO_RETRY: &[Case] = cases! {
    third_attempt_answers, asks_three_times_at_most, gives_up_with_timed_out, waits_double
};

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

/// echo_once(server, message, 2 s) against an upper-casing server.
fn echoes(message: &[u8]) -> Check {
    step(format!(
        "start an upper-casing echo server; echo_once(server, {}, 2 s)",
        if message.len() > 40 {
            format!("{} bytes", message.len())
        } else {
            show(message)
        }
    ));
    let (addr, _server) = upper_server(0, 1)?;
    let want = message.to_ascii_uppercase();
    match echo_once::echo_once(addr, message, PATIENCE) {
        Ok(reply) => exercise_harness::expect_bytes(&reply, &want),
        Err(err) => Err(fail(
            format!("Ok({}), the server's reply", show(&want)),
            format!("Err({})", exercise_harness::what(&err)),
        )),
    }
}

fn short_reply() -> Check {
    echoes(b"hello")
}

fn long_message() -> Check {
    // Longer than the tutorial's 1024-byte buffer, well under a datagram's limit.
    let message: Vec<u8> = (0..1500).map(|i| b'a' + (i % 26) as u8).collect();
    echoes(&message)
}

fn silence_is_an_error_after_the_timeout() -> Check {
    step("echo_once towards a server that never answers, with a 300 ms timeout");
    let silent = udp()?;
    let start = Instant::now();
    let result = echo_once::echo_once(addr_of(&silent)?, b"anyone?", Duration::from_millis(300));
    let waited = start.elapsed();
    expect(
        result.is_err() && waited < Duration::from_secs(3),
        "an Err after about 300 ms (a read timeout)",
        format!(
            "{} after {} ms",
            match result {
                Ok(reply) => format!("Ok({})", show(&reply)),
                Err(err) => format!("Err({})", exercise_harness::what(&err)),
            },
            waited.as_millis()
        ),
    )
}

fn third_attempt_answers() -> Check {
    step("a server that ignores the first 2 datagrams; ask_with_retries(.., 200 ms, 3 attempts)");
    let (addr, _server) = upper_server(2, 3)?;
    let client = udp()?;
    let reply = ask_with_retries(&client, addr, b"ping", Duration::from_millis(200), 3);
    match reply {
        Ok(reply) => expect_text(show(&reply), show(b"PING")),
        Err(err) => Err(fail(
            "Ok(\"PING\") on the third attempt",
            format!(
                "Err({}) (did you send it again?)",
                exercise_harness::what(&err)
            ),
        )),
    }
}

fn asks_three_times_at_most() -> Check {
    step("a server that never answers; ask_with_retries(.., 50 ms, 3 attempts)");
    let (addr, server) = upper_server(usize::MAX, 5)?;
    let client = udp()?;
    let _ = ask_with_retries(&client, addr, b"ping", Duration::from_millis(50), 3);
    drop(client);
    step("how many times the server heard the question");
    // The server gives up after a quiet second, so this join is bounded.
    expect_eq(server.join().map(|a| a.len()).unwrap_or_default(), 3)
}

fn gives_up_with_timed_out() -> Check {
    step("a server that never answers; ask_with_retries(.., 50 ms, 3 attempts)");
    let (addr, _server) = upper_server(usize::MAX, 5)?;
    let client = udp()?;
    match ask_with_retries(&client, addr, b"ping", Duration::from_millis(50), 3) {
        Err(err) if err.kind() == io::ErrorKind::TimedOut => Ok(()),
        Err(err) if is_timeout(&err) => Err(fail(
            "Err(TimedOut), made by your code after the last attempt",
            format!(
                "Err({err}) of kind {:?}, the socket's own timeout",
                err.kind()
            ),
        )),
        Err(err) => Err(fail(
            "Err(TimedOut)",
            format!("Err({})", exercise_harness::what(&err)),
        )),
        Ok(reply) => Err(fail("Err(TimedOut)", format!("Ok({})", show(&reply)))),
    }
}

fn waits_double() -> Check {
    step("a server that never answers; ask_with_retries(.., 100 ms, 3 attempts)");
    let (addr, _server) = upper_server(usize::MAX, 5)?;
    let client = udp()?;
    let start = Instant::now();
    let _ = ask_with_retries(&client, addr, b"ping", Duration::from_millis(100), 3);
    let waited = start.elapsed();
    step("how long the three attempts took: 100, 200 and 400 ms of waiting");
    // A lower bound only (a busy machine makes waits longer, never shorter): three waits of
    // 100 ms, not doubled, would take 300 ms.
    expect(
        waited >= Duration::from_millis(600),
        "at least 700 ms (100 + 200 + 400 ms of waiting; 600 allows for clock rounding)",
        format!(
            "{} ms: did the wait double after each attempt?",
            waited.as_millis()
        ),
    )
}

// Checks for lesson 8's exercises.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use exercise_harness::{
    Background, Case, Check, Failure, PATIENCE, background, cases, fail, io, show, step,
    tcp_connect, tcp_listener,
};

use super::super::async_server::serve as serve_async;
use super::super::pool_server::serve as serve_pool;

/// The cases of `pool-server`.
pub const POOL_SERVER: &[Case] = cases! {
    two_clients_at_once, third_client_waits
};

/// The cases of `async-server`.
pub const ASYNC_SERVER: &[Case] = cases! {
    two_lines_per_client, fifty_clients_at_once
};

/// Sends `line` and reads the answer, up to its newline, waiting at most `wait`.
fn ask(
    stream: &mut TcpStream,
    line: &[u8],
    wait: Duration,
    server: &Background,
) -> Result<Vec<u8>, Failure> {
    io(stream.set_read_timeout(Some(wait)))?;
    let expected = format!("{} back", show(&line.to_ascii_uppercase()));
    if let Err(err) = stream.write_all(line) {
        let closed = fail(
            &expected,
            format!("the connection failed: {}", exercise_harness::what(&err)),
        );
        return Err(server.explain(&expected, closed));
    }
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\n") {
        match stream.read(&mut byte) {
            Ok(1) => answer.push(byte[0]),
            Ok(_) => {
                let closed = fail(
                    &expected,
                    format!("{} and the connection closed", show(&answer)),
                );
                return Err(server.explain(&expected, closed));
            }
            Err(err) => {
                let got = if answer.is_empty() {
                    format!("nothing within {wait:?}")
                } else {
                    format!("{}, then {}", show(&answer), exercise_harness::what(&err))
                };
                return Err(server.explain(&expected, fail(&expected, got)));
            }
        }
    }
    Ok(answer)
}

/// `line` sent on `stream`, and its answer (within PATIENCE) checked.
fn echoes(stream: &mut TcpStream, line: &[u8], server: &Background) -> Check {
    expect_answer(ask(stream, line, PATIENCE, server)?, line)
}

/// A client connected to the server at `addr`; a failure says why the server went, if it did.
fn connect(addr: SocketAddr, server: &Background) -> Result<TcpStream, Failure> {
    tcp_connect(addr).map_err(|failure| server.explain("to connect", failure))
}

/// A client connected to the server at `addr` that has sent `line` and had its answer.
fn client_says(addr: SocketAddr, server: &Background, line: &[u8]) -> Result<TcpStream, Failure> {
    let mut client = connect(addr, server)?;
    echoes(&mut client, line, server)?;
    Ok(client)
}

fn expect_answer(answer: Vec<u8>, line: &[u8]) -> Check {
    let want = line.to_ascii_uppercase();
    exercise_harness::expect(answer == want, show(&want), show(&answer))
}

/// serve(listener, 2 workers) in the background.
fn pool() -> Result<(SocketAddr, Background), Failure> {
    let listener = tcp_listener()?;
    let addr = io(listener.local_addr())?;
    let server = background(move || {
        let _ = serve_pool(listener, 2);
    });
    Ok((addr, server))
}

fn two_clients_at_once() -> Check {
    step("serve(listener, 2 workers); client A sends \"a\\n\" and stays connected");
    let (addr, server) = pool()?;
    let mut a = client_says(addr, &server, b"a\n")?;
    step("client B connects while A is still connected, and sends \"b\\n\"");
    let _b = client_says(addr, &server, b"b\n")?;
    step("A sends a second line, \"a2\\n\"");
    echoes(&mut a, b"a2\n", &server)
}

fn third_client_waits() -> Check {
    step("serve(listener, 2 workers); clients A and B connect, each sends a line and stays");
    let (addr, server) = pool()?;
    let a = client_says(addr, &server, b"a\n")?;
    let b = client_says(addr, &server, b"b\n")?;

    step("client C connects while A and B are connected: 2 workers are busy, so C must wait");
    let mut c = connect(addr, &server)?;
    if let Ok(answer) = ask(&mut c, b"c\n", Duration::from_millis(300), &server) {
        return Err(fail(
            "no answer for C while both workers serve A and B",
            format!(
                "{} at once: more than 2 clients served at a time",
                show(&answer)
            ),
        ));
    }

    step("A leaves: a worker is free, and C gets its answer");
    drop(a);
    let mut answer = Vec::new();
    io(c.set_read_timeout(Some(PATIENCE)))?;
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\n") {
        match c.read(&mut byte) {
            Ok(1) => answer.push(byte[0]),
            Ok(_) => {
                return Err(fail(
                    "\"C\\n\" once A has gone",
                    format!("{}, then the connection closed", show(&answer)),
                ));
            }
            Err(err) => {
                return Err(fail(
                    "\"C\\n\" once A has gone",
                    format!("{}, then {}", show(&answer), exercise_harness::what(&err)),
                ));
            }
        }
    }
    expect_answer(answer, b"c\n")?;
    drop(b);
    Ok(())
}

/// serve() on a tokio runtime of one thread, in the background.
fn single_threaded() -> Result<(SocketAddr, Background), Failure> {
    let listener = tcp_listener()?;
    let addr: SocketAddr = io(listener.local_addr())?;
    io(listener.set_nonblocking(true))?;
    // One thread for the whole event loop: only tasks can serve clients side by side.
    let server = background(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            return;
        };
        let _ = runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            serve_async(listener).await
        });
    });
    Ok((addr, server))
}

fn two_lines_per_client() -> Check {
    step("serve(listener) on one thread; a client sends \"one\\n\"");
    let (addr, server) = single_threaded()?;
    let mut client = client_says(addr, &server, b"one\n")?;
    step("the same client sends \"two\\n\"");
    echoes(&mut client, b"two\n", &server)
}

fn fifty_clients_at_once() -> Check {
    let (addr, server) = single_threaded()?;
    step("50 clients connect and stay connected; each sends \"client N\\n\"");
    let mut clients = Vec::new();
    for n in 0..50 {
        let mut client = connect(addr, &server)?;
        if let Err(err) = client.write_all(format!("client {n}\n").as_bytes()) {
            let what = format!("the connection failed: {}", exercise_harness::what(&err));
            return Err(server.explain("to send a line", fail("to send a line", what)));
        }
        clients.push(client);
    }
    for (n, client) in clients.iter_mut().enumerate() {
        step(format!(
            "client {n} reads its answer while the others are still connected"
        ));
        let line = format!("client {n}\n");
        // Already sent: ask with an empty line sends nothing more.
        let answer = ask(client, b"", PATIENCE, &server).map_err(|mut failure| {
            failure.expected = show(line.to_ascii_uppercase().as_bytes());
            failure
        })?;
        expect_answer(answer, line.as_bytes())?;
    }
    Ok(())
}

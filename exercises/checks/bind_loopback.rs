// The cases of `bind-loopback` (lesson 1), a list of their own: they share nothing with the
// lesson's other checks (01-udp-echo.rs).

use std::net::{SocketAddr, UdpSocket};

use exercise_harness::{
    Check, PATIENCE, cases, expect, expect_text, fail, io, recv, show, step, udp,
};

use super::super::bind_loopback::bind_loopback;

/// The cases of `bind-loopback`.
pub const CASES: &[exercise_harness::Case] = cases! {
    address_is_loopback, port_is_the_real_one, a_datagram_reaches_it
};

fn bound() -> Result<(UdpSocket, SocketAddr), exercise_harness::Failure> {
    step("bind_loopback()");
    bind_loopback().map_err(|err| {
        fail(
            "Ok((socket, address))",
            format!("Err({})", exercise_harness::what(&err)),
        )
    })
}

fn address_is_loopback() -> Check {
    let (_socket, addr) = bound()?;
    step("the address's IP");
    expect_text(addr.ip().to_string(), "127.0.0.1")
}

fn port_is_the_real_one() -> Check {
    let (socket, addr) = bound()?;
    step("the port returned, and the socket's own local_addr()");
    let real = io(socket.local_addr())?;
    expect(
        addr.port() != 0 && addr == real,
        format!("{real} (the port the OS picked, not 0)"),
        addr.to_string(),
    )
}

fn a_datagram_reaches_it() -> Check {
    let (socket, addr) = bound()?;
    io(socket.set_read_timeout(Some(PATIENCE)))?;
    step(format!("send \"hi\" to the address returned, {addr}"));
    let sender = udp()?;
    io(sender.send_to(b"hi", addr))?;
    step("receive on the socket returned");
    let (got, _) = recv(&socket, "\"hi\"")?;
    expect_text(show(&got), show(b"hi"))
}

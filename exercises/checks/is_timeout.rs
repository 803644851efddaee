// The cases of `is-timeout` (lesson 6), a list of their own: they share nothing with the
// lesson's other checks (06-empty-datagram.rs).

use exercise_harness::{Check, cases, expect_text, fail, io, step, udp};

use super::super::is_timeout::is_timeout;

/// The cases of `is-timeout`.
pub const CASES: &[exercise_harness::Case] = cases! {
    would_block_is_a_timeout, timed_out_is_a_timeout, refused_is_not_a_timeout, a_real_read_timeout
};

fn judges(kind: std::io::ErrorKind, want: bool) -> Check {
    step(format!("is_timeout(an error of kind {kind:?})"));
    let err = std::io::Error::from(kind);
    expect_text(format!("{}", is_timeout(&err)), format!("{want}"))
}

fn would_block_is_a_timeout() -> Check {
    judges(std::io::ErrorKind::WouldBlock, true)
}

fn timed_out_is_a_timeout() -> Check {
    judges(std::io::ErrorKind::TimedOut, true)
}

fn refused_is_not_a_timeout() -> Check {
    judges(std::io::ErrorKind::ConnectionRefused, false)
}

fn a_real_read_timeout() -> Check {
    step("recv_from on a socket whose read timeout is 50 ms, with nothing coming");
    let socket = udp()?;
    io(socket.set_read_timeout(Some(std::time::Duration::from_millis(50))))?;
    let mut buf = [0u8; 16];
    match socket.recv_from(&mut buf) {
        Ok((n, _)) => Err(fail("a read timeout", format!("{n} bytes"))),
        Err(err) => {
            step(format!("is_timeout(that error, of kind {:?})", err.kind()));
            expect_text(format!("{}", is_timeout(&err)), "true")
        }
    }
}

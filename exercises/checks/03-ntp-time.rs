// Checks for lesson 3's exercises.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use exercise_harness::{Case, Check, Failure, addr_of, cases, expect, step, udp};

use super::super::sntp_ask::ask_time;
use super::super::sntp_offset::offset_and_delay;

/// The cases of `sntp-offset`.
pub const SNTP_OFFSET: &[Case] = cases! {
    server_ahead, server_behind, all_zero
};

/// The cases of `sntp-ask`.
pub const SNTP_ASK: &[Case] = cases! {
    sane_reply, request_is_mode_3_version_4, strangers_datagram_ignored, short_reply_refused,
    echoed_request_refused, kiss_of_death_refused, reply_to_another_request_refused
};

fn offsets(t: [f64; 4], want: (f64, f64)) -> Check {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    step(format!(
        "offset_and_delay(t1 = {}, t2 = {}, t3 = {}, t4 = {})",
        t[0], t[1], t[2], t[3]
    ));
    let got = offset_and_delay(t[0], t[1], t[2], t[3]);
    expect(
        close(got.0, want.0) && close(got.1, want.1),
        format!("(offset, delay) = ({}, {})", want.0, want.1),
        format!("({}, {})", got.0, got.1),
    )
}

fn server_ahead() -> Check {
    offsets([10.0, 15.1, 15.2, 10.5], (4.9, 0.4))
}

fn server_behind() -> Check {
    offsets([100.0, 99.0, 99.5, 101.0], (-1.25, 0.5))
}

fn all_zero() -> Check {
    offsets([0.0; 4], (0.0, 0.0))
}
/// 2026-01-01 00:00:00.5 UTC, the time the fake server tells.
fn known_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_767_225_600_500)
}

fn ntp_stamp(time: SystemTime) -> [u8; 8] {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs() + 2_208_988_800;
    let fraction = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
    ((seconds << 32) | fraction).to_be_bytes()
}

/// How a fake server answers a request.
type Answer = fn(&[u8]) -> Vec<u8>;

/// A fake SNTP server answering one request with `answer(request)`; the handle gives the
/// request back.
fn fake_server(answer: Answer) -> Result<(SocketAddr, thread::JoinHandle<Vec<u8>>), Failure> {
    let server = udp()?;
    let addr = addr_of(&server)?;
    let handle = thread::spawn(move || {
        let mut buf = [0u8; 1024];
        let Ok((n, from)) = server.recv_from(&mut buf) else {
            return Vec::new();
        };
        let _ = server.send_to(&answer(&buf[..n]), from);
        buf[..n].to_vec()
    });
    Ok((addr, handle))
}

/// A sane reply to `request`: version 4, mode 4, stratum 1, origin = the request's transmit.
fn good_reply(request: &[u8]) -> Vec<u8> {
    let mut reply = vec![0u8; 48];
    reply[0] = 0x24;
    reply[1] = 1;
    if request.len() >= 48 {
        reply[24..32].copy_from_slice(&request[40..48]);
    }
    reply[32..40].copy_from_slice(&ntp_stamp(known_time()));
    reply[40..48].copy_from_slice(&ntp_stamp(known_time()));
    reply
}

fn ask(socket: &UdpSocket, answer: Answer) -> Result<(io::Result<SystemTime>, Vec<u8>), Failure> {
    let (addr, server) = fake_server(answer)?;
    let result = ask_time(socket, addr, exercise_harness::PATIENCE);
    let request = server.join().unwrap_or_default();
    Ok((result, request))
}

/// The time ask_time returned, as a student reads it.
fn shown(result: &io::Result<SystemTime>) -> String {
    match result {
        Ok(time) if *time == known_time() => "Ok(2026-01-01 00:00:00.5 UTC)".to_owned(),
        Ok(time) => format!(
            "Ok({} s after 1970)",
            time.duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64()
        ),
        Err(err) if err.kind() == io::ErrorKind::InvalidData => "Err(InvalidData)".to_owned(),
        Err(err) => format!("Err({})", exercise_harness::what(err)),
    }
}

/// The server's transmit time, to the millisecond (the stamp has a finer grain).
fn close_to_known(result: &io::Result<SystemTime>) -> bool {
    result.as_ref().is_ok_and(|time| {
        time.duration_since(known_time())
            .unwrap_or_else(|err| err.duration())
            < Duration::from_millis(1)
    })
}

fn sane_reply() -> Check {
    step("a sane server answers: 2026-01-01 00:00:00.5 UTC; ask_time(.., 2 s)");
    let client = udp()?;
    let (result, _) = ask(&client, good_reply)?;
    expect(
        close_to_known(&result),
        "Ok(2026-01-01 00:00:00.5 UTC), the server's transmit timestamp",
        shown(&result),
    )
}

fn request_is_mode_3_version_4() -> Check {
    step("a sane server answers; ask_time(.., 2 s)");
    let client = udp()?;
    let (_, request) = ask(&client, good_reply)?;
    step("the request your code sent");
    expect(
        request.len() == 48
            && request[0] & 0x07 == 3
            && matches!((request[0] >> 3) & 0x07, 3 | 4)
            && request[40..48] != [0u8; 8],
        "48 bytes: mode 3 (client), version 4, a transmit timestamp that is not 0",
        format!(
            "{} bytes, starting {:?}",
            request.len(),
            request.get(..8).unwrap_or(&request)
        ),
    )
}

fn strangers_datagram_ignored() -> Check {
    let client = udp()?;
    step("a stranger's reply, claiming 1970, waits at your socket");
    let stranger = udp()?;
    let mut fake = good_reply(&[0u8; 48]);
    fake[40..48].copy_from_slice(&ntp_stamp(UNIX_EPOCH + Duration::from_secs(1)));
    exercise_harness::io(stranger.send_to(&fake, addr_of(&client)?))?;
    step("then a sane server answers: 2026-01-01 00:00:00.5 UTC; ask_time(.., 2 s)");
    let (result, _) = ask(&client, good_reply)?;
    expect(
        close_to_known(&result),
        "Ok(2026-01-01 00:00:00.5 UTC): only the server's answer counts",
        shown(&result),
    )
}

fn refused(what: &str, answer: Answer) -> Check {
    step(format!("the server answers with {what}; ask_time(.., 2 s)"));
    let client = udp()?;
    let (result, _) = ask(&client, answer)?;
    expect(
        matches!(&result, Err(err) if err.kind() == io::ErrorKind::InvalidData),
        "Err(InvalidData): this reply must not be believed",
        shown(&result),
    )
}

fn short_reply_refused() -> Check {
    refused("a 47-byte reply", |r| good_reply(r)[..47].to_vec())
}

fn echoed_request_refused() -> Check {
    refused(
        "the request echoed back (mode 3, not a server's reply)",
        |r| r.to_vec(),
    )
}

fn kiss_of_death_refused() -> Check {
    refused("a kiss-o'-death (stratum 0)", |r| {
        let mut reply = good_reply(r);
        reply[1] = 0;
        reply
    })
}

fn reply_to_another_request_refused() -> Check {
    refused(
        "a reply to another request (its origin timestamp is not yours)",
        |r| {
            let mut reply = good_reply(r);
            reply[24] ^= 0xFF;
            reply
        },
    )
}

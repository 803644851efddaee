//! Checks for lesson 9's exercises.

use std::io;
use std::net::UdpSocket;
use std::thread;
use std::time::Duration;

use exercise_harness::{Check, addr_of, expect_eq, fail, io, step, udp};

use crate::rto_estimator::RtoEstimator;
use crate::stop_and_wait::send_all;

fn ms(millis: f64) -> Duration {
    Duration::from_secs_f64(millis / 1000.0)
}

pub fn rto_estimator() -> Check {
    // Virtual time: the check says how long each round trip took; nothing waits.
    step("RtoEstimator::new(min 200 ms, max 60 s): before any sample (RFC 6298 2.1)");
    let mut rto = RtoEstimator::new(ms(200.0), Duration::from_secs(60));
    expect_eq(rto.rto(), Duration::from_secs(1))?;

    step("first sample, 100 ms: SRTT 100, RTTVAR 50, RTO = SRTT + 4 RTTVAR (2.2)");
    rto.on_ack(ms(100.0), false);
    expect_eq(rto.rto(), ms(300.0))?;

    step("second sample, 200 ms: RTTVAR from the old SRTT first, then SRTT (2.3)");
    rto.on_ack(ms(200.0), false);
    expect_eq(rto.rto(), ms(362.5))?;

    step("the timer expires twice: back off, doubling (5.5)");
    rto.on_timeout();
    rto.on_timeout();
    expect_eq(rto.rto(), ms(1450.0))?;

    step("an ACK for a retransmitted segment, 50 ms: Karn's rule, no sample, RTO stays backed off");
    rto.on_ack(ms(50.0), true);
    expect_eq(rto.rto(), ms(1450.0))?;

    step("a fresh sample, 100 ms: the estimate goes on from SRTT 112.5, RTTVAR 62.5");
    rto.on_ack(ms(100.0), false);
    expect_eq(rto.rto(), ms(310.9375))?;

    step("twelve timeouts in a row: never above the maximum, 60 s (2.5)");
    for _ in 0..12 {
        rto.on_timeout();
    }
    expect_eq(rto.rto(), Duration::from_secs(60))?;

    step("a fresh estimator, first sample 1 ms: never below the minimum, 200 ms (2.4)");
    let mut rto = RtoEstimator::new(ms(200.0), Duration::from_secs(60));
    rto.on_ack(ms(1.0), false);
    expect_eq(rto.rto(), ms(200.0))?;

    step("RtoEstimator::new(min 1 s, max 60 s), first sample 100 ms: RFC 6298's own minimum");
    let mut rto = RtoEstimator::new(Duration::from_secs(1), Duration::from_secs(60));
    rto.on_ack(ms(100.0), false);
    expect_eq(rto.rto(), Duration::from_secs(1))
}

/// A stop-and-wait receiver on a lossy link, scripted so that every run loses the same
/// datagrams: the first copy of message 0 is lost; the ACK of message 2's first copy is lost;
/// message 4's first copy is answered only with a stale ACK (of message 2). It delivers each
/// message once, in order, and returns them after a quiet 2 s, or a quiet 300 ms once all
/// `count` have come (long enough to answer a resent last message).
fn lossy_receiver(socket: UdpSocket, count: usize) -> Vec<Vec<u8>> {
    let _ = socket.set_read_timeout(Some(exercise_harness::PATIENCE));
    let mut delivered: Vec<Vec<u8>> = Vec::new();
    let mut first_copy_seen = [false; 16];
    let mut buf = [0u8; 2048];
    while let Ok((n, from)) = socket.recv_from(&mut buf) {
        if n < 4 {
            continue;
        }
        let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
        let first =
            (seq as usize) < 16 && !std::mem::replace(&mut first_copy_seen[seq as usize], true);
        if first && seq == 0 {
            continue; // lost on the way
        }
        let expected = delivered.len() as u32;
        if seq == expected {
            delivered.push(buf[4..n].to_vec());
            if delivered.len() == count {
                let _ = socket.set_read_timeout(Some(Duration::from_millis(300)));
            }
        } else if seq > expected {
            continue; // a stop-and-wait receiver takes only the next message
        }
        let ack = if first && seq == 4 { 2u32 } else { seq };
        if first && seq == 2 {
            continue; // the ACK is lost
        }
        let _ = socket.send_to(&ack.to_be_bytes(), from);
    }
    delivered
}

pub fn stop_and_wait() -> Check {
    let sender = udp()?;
    let receiver = udp()?;
    let to = addr_of(&receiver)?;
    let messages: Vec<Vec<u8>> = (0..6)
        .map(|i| format!("message {i}").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();

    step("a stranger sends your socket an ACK for message 0 before you start");
    let stranger = udp()?;
    io(stranger.send_to(&0u32.to_be_bytes(), addr_of(&sender)?))?;

    step(
        "send_all(6 messages, rto 100 ms, 10 tries) to a receiver that loses a message, an ACK, and answers one with a stale ACK",
    );
    let lossy = thread::spawn(move || lossy_receiver(receiver, 6));
    let result = send_all(&sender, to, &refs, Duration::from_millis(100), 10);
    let delivered = lossy.join().unwrap_or_default();
    expect_eq(result.map_err(|err| exercise_harness::what(&err)), Ok(()))?;
    step("what the receiver delivered");
    expect_eq(
        delivered
            .iter()
            .map(|m| exercise_harness::show(m))
            .collect::<Vec<_>>(),
        messages.iter().map(|m| exercise_harness::show(m)).collect(),
    )?;

    step("send_all(1 message, rto 50 ms, 3 tries) to a receiver that never answers");
    let silent = udp()?;
    let result = send_all(
        &sender,
        addr_of(&silent)?,
        &[b"hello?"],
        Duration::from_millis(50),
        3,
    );
    match result {
        Err(err) if err.kind() == io::ErrorKind::TimedOut => {}
        other => {
            return Err(fail(
                "Err of kind TimedOut after 3 sends",
                format!(
                    "{:?}",
                    other.map_err(|err| format!("{err} ({:?})", err.kind()))
                ),
            ));
        }
    }
    step("how many copies the silent receiver got");
    io(silent.set_read_timeout(Some(Duration::from_millis(100))))?;
    let mut copies = 0;
    let mut buf = [0u8; 64];
    while silent.recv_from(&mut buf).is_ok() {
        copies += 1;
    }
    expect_eq(copies, 3)
}

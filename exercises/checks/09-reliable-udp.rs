// Checks for lesson 9's exercises: each is a list of named cases, and every case is run.

use std::io;
use std::net::UdpSocket;
use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{
    Case, Check, Failure, PATIENCE, Rng, addr_of, cases, expect, expect_eq, expect_text, fail, io,
    show, step, udp, what,
};

use super::super::rto_estimator::RtoEstimator;
use super::super::stop_and_wait::send_all;

/// The cases of `rto-estimator`.
pub const RTO_ESTIMATOR: &[Case] = cases! {
    initial_rto_is_one_second, first_sample, gains_are_one_eighth_and_one_quarter,
    rttvar_uses_the_old_srtt, timeouts_double_the_rto, karn_no_sample_from_a_retransmission,
    fresh_sample_after_backoff, backoff_capped_at_max, never_below_min
};

/// The cases of `stop-and-wait`.
pub const STOP_AND_WAIT: &[Case] = cases! {
    delivers_in_order_numbered_from_zero, no_resend_without_loss, resends_a_lost_message_after_rto,
    resends_when_the_ack_is_lost, stale_ack_is_not_an_ack, strangers_ack_is_ignored,
    ignored_datagrams_do_not_restart_the_timer, gives_up_after_max_tries, seeded_random_loss
};

fn ms(millis: f64) -> Duration {
    Duration::from_secs_f64(millis / 1000.0)
}

/// An RTO as a student writes it: "362.5 ms".
fn shown_rto(rto: Duration) -> String {
    format!("{} ms", rto.as_secs_f64() * 1000.0)
}

fn expect_rto(rto: &RtoEstimator, want: Duration) -> Check {
    expect_text(shown_rto(rto.rto()), shown_rto(want))
}

fn fresh() -> RtoEstimator {
    RtoEstimator::new(ms(200.0), Duration::from_secs(60))
}

/// Feeds `samples` (ms, none retransmitted) to a fresh estimator, naming each as a step.
fn after_samples(samples: &[f64]) -> RtoEstimator {
    let mut rto = fresh();
    for sample in samples {
        step(format!("on_ack({sample} ms, retransmitted: false)"));
        rto.on_ack(ms(*sample), false);
    }
    rto
}

fn initial_rto_is_one_second() -> Check {
    step("RtoEstimator::new(min 200 ms, max 60 s): rto() before any sample (RFC 6298 2.1)");
    expect_rto(&fresh(), Duration::from_secs(1))
}

fn first_sample() -> Check {
    step("new(min 200 ms, max 60 s)");
    let rto = after_samples(&[100.0]);
    step("rto(): SRTT = 100, RTTVAR = 50, RTO = SRTT + 4 RTTVAR (2.2)");
    expect_rto(&rto, ms(300.0))
}

fn gains_are_one_eighth_and_one_quarter() -> Check {
    step("new(min 200 ms, max 60 s)");
    let rto = after_samples(&[100.0, 100.0]);
    step("rto(): RTTVAR = 3/4 * 50 + 1/4 * 0 = 37.5, SRTT = 7/8 * 100 + 1/8 * 100 = 100 (2.3)");
    expect_rto(&rto, ms(250.0))
}

fn rttvar_uses_the_old_srtt() -> Check {
    step("new(min 200 ms, max 60 s)");
    let rto = after_samples(&[100.0, 200.0]);
    step(
        "rto(): RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 with the old SRTT, then SRTT = 112.5 (2.3)",
    );
    expect_rto(&rto, ms(362.5))
}

/// After samples of 100 and 200 ms (RTO 362.5 ms), two timeouts: the step says what else.
fn backed_off(what: &str) -> RtoEstimator {
    step("new(min 200 ms, max 60 s)");
    let mut rto = after_samples(&[100.0, 200.0]);
    step(what);
    rto.on_timeout();
    rto.on_timeout();
    rto
}

fn timeouts_double_the_rto() -> Check {
    let rto = backed_off("on_timeout() twice: 362.5 ms doubled twice (5.5)");
    expect_rto(&rto, ms(1450.0))
}

fn karn_no_sample_from_a_retransmission() -> Check {
    let mut rto = backed_off("on_timeout() twice");
    step("on_ack(50 ms, retransmitted: true): Karn's rule, no sample, the RTO stays backed off");
    rto.on_ack(ms(50.0), true);
    expect_rto(&rto, ms(1450.0))
}

fn fresh_sample_after_backoff() -> Check {
    let mut rto = backed_off("on_timeout() twice, on_ack(50 ms, retransmitted: true)");
    rto.on_ack(ms(50.0), true);
    step("on_ack(100 ms, retransmitted: false): on from SRTT 112.5, RTTVAR 62.5, not the backoff");
    rto.on_ack(ms(100.0), false);
    expect_rto(&rto, ms(310.9375))
}

fn backoff_capped_at_max() -> Check {
    step("new(min 200 ms, max 60 s)");
    let mut rto = after_samples(&[100.0]);
    step("on_timeout() 12 times: 300 ms * 4096 would be 1,228.8 s; never above max, 60 s (2.5)");
    for _ in 0..12 {
        rto.on_timeout();
    }
    expect_rto(&rto, Duration::from_secs(60))
}

fn never_below_min() -> Check {
    step("new(min 200 ms, max 60 s)");
    let rto = after_samples(&[1.0]);
    step("rto(): 1 + 4 * 0.5 = 3 ms, raised to min, 200 ms (2.4)");
    expect_rto(&rto, ms(200.0))?;
    step("new(min 1 s, max 60 s), on_ack(100 ms, false): RFC 6298's own minimum");
    let mut rto = RtoEstimator::new(Duration::from_secs(1), Duration::from_secs(60));
    rto.on_ack(ms(100.0), false);
    expect_rto(&rto, Duration::from_secs(1))
}

/// What a scripted receiver does with one copy of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Acknowledge with this number (the message's own, or a stale one).
    Ack(u32),
    /// Lose the message on the way: no delivery, no ACK.
    Lose,
    /// Deliver it but lose the ACK.
    LoseAck,
    /// Lose it, and have a stranger (another socket) send the ACK the sender waits for.
    LoseAndStrangerAcks,
}

/// One datagram the receiver got: its number, which copy of that number, its bytes, when.
#[derive(Debug, Clone)]
struct Arrival {
    seq: u32,
    copy: u32,
    bytes: Vec<u8>,
    at: Instant,
}

/// What a receiver saw: every datagram (from the sender), what it delivered.
#[derive(Debug, Default)]
struct Seen {
    arrivals: Vec<Arrival>,
    delivered: Vec<Vec<u8>>,
}

impl Seen {
    fn copies(&self, seq: u32) -> usize {
        self.arrivals.iter().filter(|a| a.seq == seq).count()
    }
}

/// A stop-and-wait receiver that answers each copy as `plan(seq, copy)` says (copy 1 is the
/// first). It delivers each message once, in order, and stops after a quiet PATIENCE, or a
/// quiet 300 ms once all `count` have come, or after 500 datagrams.
fn scripted_receiver(
    socket: UdpSocket,
    count: usize,
    plan: impl Fn(u32, u32) -> Answer + Send + 'static,
) -> Result<thread::JoinHandle<Seen>, Failure> {
    let stranger = udp()?;
    Ok(thread::spawn(move || {
        let _ = socket.set_read_timeout(Some(PATIENCE));
        let mut seen = Seen::default();
        let mut buf = [0u8; 2048];
        while seen.arrivals.len() < 500 {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                break;
            };
            if n < 4 {
                continue;
            }
            let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
            let copy = seen.copies(seq) as u32 + 1;
            seen.arrivals.push(Arrival {
                seq,
                copy,
                bytes: buf[..n].to_vec(),
                at: Instant::now(),
            });
            let answer = plan(seq, copy);
            if matches!(answer, Answer::Lose | Answer::LoseAndStrangerAcks) {
                if answer == Answer::LoseAndStrangerAcks {
                    let _ = stranger.send_to(&seq.to_be_bytes(), from);
                }
                continue;
            }
            if seq as usize == seen.delivered.len() {
                seen.delivered.push(buf[4..n].to_vec());
                if seen.delivered.len() == count {
                    let _ = socket.set_read_timeout(Some(Duration::from_millis(300)));
                }
            } else if seq as usize > seen.delivered.len() {
                continue; // stop-and-wait: only the next message is taken
            }
            // Any other answer: the ACK is lost.
            if let Answer::Ack(number) = answer {
                let _ = socket.send_to(&number.to_be_bytes(), from);
            }
        }
        seen
    }))
}

fn messages(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| format!("message {i}").into_bytes())
        .collect()
}

/// Runs send_all against a scripted receiver; the result as a student writes it, and what the
/// receiver saw.
/// A receiver's plan: `answer` to the first copy of message `seq`, the ACK to everything else.
fn first_copy_of(seq: u32, answer: Answer) -> impl Fn(u32, u32) -> Answer + Send + 'static {
    move |s, copy| {
        if s == seq && copy == 1 {
            answer
        } else {
            Answer::Ack(s)
        }
    }
}

fn run_sender(
    count: usize,
    rto: Duration,
    tries: u32,
    plan: impl Fn(u32, u32) -> Answer + Send + 'static,
) -> Result<(String, Seen), Failure> {
    let sender = udp()?;
    let receiver = udp()?;
    let to = addr_of(&receiver)?;
    let sent = messages(count);
    let refs: Vec<&[u8]> = sent.iter().map(Vec::as_slice).collect();
    let handle = scripted_receiver(receiver, count, plan)?;
    step(format!(
        "send_all({count} messages, rto {} ms, {tries} tries)",
        rto.as_millis()
    ));
    let result = send_all(&sender, to, &refs, rto, tries);
    let seen = handle.join().unwrap_or_default();
    let shown = match result {
        Ok(()) => "Ok(())".to_owned(),
        Err(err) => format!("Err({})", what(&err)),
    };
    Ok((shown, seen))
}

fn expect_delivered(seen: &Seen, count: usize) -> Check {
    step("what the receiver delivered, in order");
    let want: Vec<String> = messages(count).iter().map(|m| show(m)).collect();
    let got: Vec<String> = seen.delivered.iter().map(|m| show(m)).collect();
    expect_text(got.join(", "), want.join(", "))
}

fn expect_copies(seen: &Seen, seq: u32, want: usize, why: &str) -> Check {
    step(format!("how many copies of message {seq} the receiver got"));
    let got = seen.copies(seq);
    expect(got == want, format!("{want} ({why})"), format!("{got}"))
}

fn acks_all(seq: u32, _copy: u32) -> Answer {
    Answer::Ack(seq)
}

fn delivers_in_order_numbered_from_zero() -> Check {
    let (result, seen) = run_sender(3, Duration::from_millis(500), 5, acks_all)?;
    expect_text(result, "Ok(())")?;
    step("the first datagram: number 0 in 4 bytes, big-endian, then the message");
    let first = seen
        .arrivals
        .first()
        .map(|a| a.bytes.clone())
        .unwrap_or_default();
    exercise_harness::expect_bytes(&first, &[&[0u8, 0, 0, 0][..], b"message 0"].concat())?;
    expect_delivered(&seen, 3)
}

fn no_resend_without_loss() -> Check {
    let (result, seen) = run_sender(3, Duration::from_secs(2), 5, acks_all)?;
    expect_text(result, "Ok(())")?;
    for seq in 0..3 {
        expect_copies(&seen, seq, 1, "its ACK came at once: no resend")?;
    }
    Ok(())
}

/// The time between the first and the second copy of `seq`.
fn resend_gap(seen: &Seen, seq: u32) -> Option<Duration> {
    let at = |copy| {
        seen.arrivals
            .iter()
            .find(|a| a.seq == seq && a.copy == copy)
            .map(|a| a.at)
    };
    Some(at(2)?.duration_since(at(1)?))
}

fn resends_a_lost_message_after_rto() -> Check {
    let rto = Duration::from_millis(200);
    let (result, seen) = run_sender(2, rto, 5, first_copy_of(0, Answer::Lose))?;
    expect_text(result, "Ok(())")?;
    expect_copies(&seen, 0, 2, "the first was lost on the way")?;
    step("when the second copy came, after the first");
    let gap = resend_gap(&seen, 0).unwrap_or_default();
    // Generous bounds: a timer never fires early (minus a little clock rounding), and a busy
    // machine may make it late, but not by seconds.
    expect(
        gap >= rto / 2 && gap <= rto + PATIENCE,
        format!("about {} ms (the rto)", rto.as_millis()),
        format!("{} ms", gap.as_millis()),
    )?;
    expect_delivered(&seen, 2)
}

fn resends_when_the_ack_is_lost() -> Check {
    let (result, seen) = run_sender(
        3,
        Duration::from_millis(100),
        5,
        first_copy_of(1, Answer::LoseAck),
    )?;
    expect_text(result, "Ok(())")?;
    expect_copies(&seen, 1, 2, "the first one's ACK was lost")?;
    expect_delivered(&seen, 3)
}

fn stale_ack_is_not_an_ack() -> Check {
    step("the receiver answers the first copy of message 1 with ACK 0 (stale, a duplicate)");
    let (result, seen) = run_sender(
        3,
        Duration::from_millis(100),
        5,
        first_copy_of(1, Answer::Ack(0)),
    )?;
    expect_text(result, "Ok(())")?;
    expect_copies(
        &seen,
        1,
        2,
        "ACK 0 does not acknowledge message 1, so it is resent",
    )?;
    expect_delivered(&seen, 3)
}

fn strangers_ack_is_ignored() -> Check {
    step("message 0's first copy is lost; another socket sends the sender \"ACK 0\"");
    let (result, seen) = run_sender(
        2,
        Duration::from_millis(150),
        5,
        first_copy_of(0, Answer::LoseAndStrangerAcks),
    )?;
    expect_text(result, "Ok(())")?;
    expect_copies(
        &seen,
        0,
        2,
        "only the receiver's ACK counts, so message 0 is resent",
    )?;
    expect_delivered(&seen, 2)
}

fn ignored_datagrams_do_not_restart_the_timer() -> Check {
    // The receiver loses message 0's first copy, then sends the sender a datagram that is not
    // its ACK every 50 ms, until the second copy comes (at most 80 of them, 4 s). A sender
    // that keeps its deadline resends after its rto of 600 ms, after about 12 of them; one that
    // restarts a full rto after each ignored datagram never resends while they keep coming. (A
    // gap of 12 intervals between two of them on a busy machine would let that one resend: the
    // margin is that wide so that it never does, under Wine too.)
    step("message 0's first copy is lost; the receiver then sends ACK 7 (not yours) every 50 ms");
    let sender = udp()?;
    let receiver = udp()?;
    let to = addr_of(&receiver)?;
    let from_sender = addr_of(&sender)?;
    let handle = thread::spawn(move || -> (u32, usize) {
        let mut buf = [0u8; 2048];
        let mut noise = 0u32;
        // The first copy.
        let _ = receiver.set_read_timeout(Some(PATIENCE));
        if receiver.recv_from(&mut buf).is_err() {
            return (noise, 0);
        }
        let _ = receiver.set_read_timeout(Some(Duration::from_millis(50)));
        let mut copies = 1;
        while noise < 80 {
            match receiver.recv_from(&mut buf) {
                Ok((n, from)) if n >= 4 => {
                    copies += 1;
                    let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
                    let _ = receiver.send_to(&seq.to_be_bytes(), from);
                    break;
                }
                Ok(_) => {}
                Err(_) => {
                    noise += 1;
                    let _ = receiver.send_to(&7u32.to_be_bytes(), from_sender);
                }
            }
        }
        (noise, copies)
    });
    step("send_all(1 message, rto 600 ms, 3 tries)");
    let result = send_all(&sender, to, &[b"message 0"], Duration::from_millis(600), 3);
    let (noise, copies) = handle.join().unwrap_or_default();
    step("how many ignored datagrams came before the resend");
    expect(
        copies == 2 && noise < 50,
        "a resend about 600 ms after the first copy, after about 12 of them (a datagram that is \
         not the ACK does not restart the timer)",
        if copies < 2 {
            format!("no resend during {noise} of them (4 s)")
        } else {
            format!("the resend came after {noise} of them ({} ms)", noise * 50)
        },
    )?;
    step("what send_all returned");
    match result {
        Ok(()) => Ok(()),
        Err(err) => Err(fail("Ok(())", format!("Err({})", what(&err)))),
    }
}

fn gives_up_after_max_tries() -> Check {
    let sender = udp()?;
    let silent = udp()?;
    step("send_all(1 message, rto 50 ms, 3 tries) to a receiver that never answers");
    let result = send_all(
        &sender,
        addr_of(&silent)?,
        &[b"hello?"],
        Duration::from_millis(50),
        3,
    );
    match result {
        Err(err) if err.kind() == io::ErrorKind::TimedOut => {}
        Err(err) => {
            return Err(fail(
                "Err(TimedOut), made by your code",
                format!("Err({})", what(&err)),
            ));
        }
        Ok(()) => {
            return Err(fail(
                "Err(TimedOut)",
                "Ok(()): nobody acknowledged anything",
            ));
        }
    }
    step("how many copies the silent receiver got");
    io(silent.set_read_timeout(Some(Duration::from_millis(200))))?;
    let mut copies = 0;
    let mut buf = [0u8; 64];
    while silent.recv_from(&mut buf).is_ok() {
        copies += 1;
    }
    expect_eq(copies, 3)
}

fn seeded_random_loss() -> Check {
    let seed = std::env::var("EXERCISE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(Rng::fresh_seed);
    step(format!(
        "seed {seed} (replay: EXERCISE_SEED={seed}): a receiver loses 30% of messages and 30% of ACKs"
    ));
    // The plan must give the same answer for the same copy, so each decision comes from the
    // seed and the (seq, copy) pair; the tenth copy always gets through.
    let plan = move |seq: u32, copy: u32| {
        let mut rng = Rng::new(seed ^ (u64::from(seq) << 32) ^ u64::from(copy));
        if copy >= 10 {
            Answer::Ack(seq)
        } else if rng.chance(30) {
            Answer::Lose
        } else if rng.chance(30) {
            Answer::LoseAck
        } else {
            Answer::Ack(seq)
        }
    };
    let (result, seen) = run_sender(8, Duration::from_millis(50), 20, plan)?;
    expect_text(result, "Ok(())")?;
    expect_delivered(&seen, 8)?;
    step("every copy went out in order: no message before the one before it was acknowledged");
    let mut highest = 0;
    for arrival in &seen.arrivals {
        if arrival.seq > highest + 1 {
            return Err(fail(
                format!(
                    "message {} only after message {} was acknowledged",
                    arrival.seq,
                    highest + 1
                ),
                format!(
                    "message {} sent while {} was unacknowledged",
                    arrival.seq, highest
                ),
            ));
        }
        highest = highest.max(arrival.seq);
    }
    Ok(())
}

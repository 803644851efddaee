// Checks for lesson 9's exercises: each is a list of named cases, and every case is run.

use std::io;
use std::net::UdpSocket;
use std::thread;
use std::time::{Duration, Instant};

use exercise_harness::{
    Case, Check, Failure, PATIENCE, Rng, addr_of, case, expect, expect_eq, expect_text, fail, io,
    show, step, udp, what,
};

use super::super::rto_estimator::RtoEstimator;
use super::super::stop_and_wait::send_all;

/// The cases of `rto-estimator`.
pub const RTO_ESTIMATOR: &[Case] = &[
    case("initial_rto_is_one_second", initial_rto_is_one_second),
    case("first_sample", first_sample),
    case("gains_are_one_eighth_and_one_quarter", gains),
    case("rttvar_uses_the_old_srtt", rttvar_uses_the_old_srtt),
    case("timeouts_double_the_rto", timeouts_double_the_rto),
    case("karn_no_sample_from_a_retransmission", karn),
    case("fresh_sample_after_backoff", fresh_sample_after_backoff),
    case("backoff_capped_at_max", backoff_capped_at_max),
    case("never_below_min", never_below_min),
];

/// The cases of `stop-and-wait`.
pub const STOP_AND_WAIT: &[Case] = &[
    case("delivers_in_order_numbered_from_zero", delivers_in_order),
    case("no_resend_without_loss", no_resend_without_loss),
    case("resends_a_lost_message_after_rto", resends_a_lost_message),
    case("resends_when_the_ack_is_lost", resends_when_the_ack_is_lost),
    case("stale_ack_is_not_an_ack", stale_ack_is_not_an_ack),
    case("strangers_ack_is_ignored", strangers_ack_is_ignored),
    case(
        "ignored_datagrams_do_not_restart_the_timer",
        timer_not_restarted,
    ),
    case("gives_up_after_max_tries", gives_up_after_max_tries),
    case("seeded_random_loss", seeded_random_loss),
];

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

fn gains() -> Check {
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

fn timeouts_double_the_rto() -> Check {
    step("new(min 200 ms, max 60 s)");
    let mut rto = after_samples(&[100.0, 200.0]);
    step("on_timeout() twice: 362.5 ms doubled twice (5.5)");
    rto.on_timeout();
    rto.on_timeout();
    expect_rto(&rto, ms(1450.0))
}

fn karn() -> Check {
    step("new(min 200 ms, max 60 s)");
    let mut rto = after_samples(&[100.0, 200.0]);
    step("on_timeout() twice");
    rto.on_timeout();
    rto.on_timeout();
    step("on_ack(50 ms, retransmitted: true): Karn's rule, no sample, the RTO stays backed off");
    rto.on_ack(ms(50.0), true);
    expect_rto(&rto, ms(1450.0))
}

fn fresh_sample_after_backoff() -> Check {
    step("new(min 200 ms, max 60 s)");
    let mut rto = after_samples(&[100.0, 200.0]);
    step("on_timeout() twice, on_ack(50 ms, retransmitted: true)");
    rto.on_timeout();
    rto.on_timeout();
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

fn delivers_in_order() -> Check {
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

fn resends_a_lost_message() -> Check {
    let rto = Duration::from_millis(200);
    let (result, seen) = run_sender(2, rto, 5, |seq, copy| {
        if seq == 0 && copy == 1 {
            Answer::Lose
        } else {
            Answer::Ack(seq)
        }
    })?;
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
    let (result, seen) = run_sender(3, Duration::from_millis(100), 5, |seq, copy| {
        if seq == 1 && copy == 1 {
            Answer::LoseAck
        } else {
            Answer::Ack(seq)
        }
    })?;
    expect_text(result, "Ok(())")?;
    expect_copies(&seen, 1, 2, "the first one's ACK was lost")?;
    expect_delivered(&seen, 3)
}

fn stale_ack_is_not_an_ack() -> Check {
    step("the receiver answers the first copy of message 1 with ACK 0 (stale, a duplicate)");
    let (result, seen) = run_sender(3, Duration::from_millis(100), 5, |seq, copy| {
        if seq == 1 && copy == 1 {
            Answer::Ack(0)
        } else {
            Answer::Ack(seq)
        }
    })?;
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
    let (result, seen) = run_sender(2, Duration::from_millis(150), 5, |seq, copy| {
        if seq == 0 && copy == 1 {
            Answer::LoseAndStrangerAcks
        } else {
            Answer::Ack(seq)
        }
    })?;
    expect_text(result, "Ok(())")?;
    expect_copies(
        &seen,
        0,
        2,
        "only the receiver's ACK counts, so message 0 is resent",
    )?;
    expect_delivered(&seen, 2)
}

fn timer_not_restarted() -> Check {
    // The receiver loses message 0's first copy, then sends the sender a datagram that is not
    // its ACK every 100 ms, until the second copy comes (at most 40 of them, 4 s). A sender
    // that keeps its deadline resends after its rto of 300 ms, after about 3 of them; one that
    // restarts a full rto after each ignored datagram never resends while they keep coming.
    step("message 0's first copy is lost; the receiver then sends ACK 7 (not yours) every 100 ms");
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
        let _ = receiver.set_read_timeout(Some(Duration::from_millis(100)));
        let mut copies = 1;
        while noise < 40 {
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
    step("send_all(1 message, rto 300 ms, 3 tries)");
    let result = send_all(&sender, to, &[b"message 0"], Duration::from_millis(300), 3);
    let (noise, copies) = handle.join().unwrap_or_default();
    step("how many ignored datagrams came before the resend");
    expect(
        copies == 2 && noise < 30,
        "a resend about 300 ms after the first copy, after about 3 of them (a datagram that is \
         not the ACK does not restart the timer)",
        if copies < 2 {
            format!("no resend during {noise} of them (4 s)")
        } else {
            format!("the resend came after {noise} of them ({} ms)", noise * 100)
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

/// The cases of `is-ack`.
pub const IS_ACK: &[exercise_harness::Case] = is_ack_cases::CASES;

/// `is-ack`'s cases, in a module of their own (their names stay apart from the others').
mod is_ack_cases {
    #[allow(unused_imports)]
    use std::net::{SocketAddr, UdpSocket};

    use exercise_harness::{Check, case, expect_text, step};

    use super::super::super::is_ack::is_ack;

    pub const CASES: &[exercise_harness::Case] = &[
        case("the_ack", the_ack),
        case("stale_ack_refused", stale_ack_refused),
        case("strangers_ack_refused", strangers_ack_refused),
        case("longer_datagram_refused", longer_datagram_refused),
        case("little_endian_refused", little_endian_refused),
    ];

    fn judges(what: &str, datagram: &[u8], from_receiver: bool, want: bool) -> Check {
        let receiver = SocketAddr::from(([127, 0, 0, 1], 7000));
        let stranger = SocketAddr::from(([127, 0, 0, 1], 7001));
        let from = if from_receiver { receiver } else { stranger };
        step(format!(
            "{what}: is_ack({datagram:?}, from {from}, receiver {receiver}, seq 5)"
        ));
        expect_text(
            format!("{}", is_ack(datagram, from, receiver, 5)),
            format!("{want}"),
        )
    }

    fn the_ack() -> Check {
        judges("the receiver's ACK 5", &[0, 0, 0, 5], true, true)
    }

    fn stale_ack_refused() -> Check {
        judges("the receiver's ACK 4, late", &[0, 0, 0, 4], true, false)
    }

    fn strangers_ack_refused() -> Check {
        judges("ACK 5 from a stranger", &[0, 0, 0, 5], false, false)
    }

    fn longer_datagram_refused() -> Check {
        judges("ACK 5 and more bytes", &[0, 0, 0, 5, 1], true, false)
    }

    fn little_endian_refused() -> Check {
        judges("5 written little-endian", &[5, 0, 0, 0], true, false)
    }
}

/// The cases of `retransmissions`.
pub const RETRANSMISSIONS: &[exercise_harness::Case] = retransmissions_cases::CASES;

/// `retransmissions`' cases: captures made here, record by record, as the lossy link writes
/// them (the link's number of each datagram in the IPv4 identification field, the same on the
/// copy it sends on).
mod retransmissions_cases {
    use exercise_harness::{Check, case, expect_text, step};

    use super::super::super::retransmissions::{Why, retransmissions};

    pub const CASES: &[exercise_harness::Case] = &[
        case("a_clean_run_has_none", a_clean_run_has_none),
        case("a_lost_data_packet", a_lost_data_packet),
        case("a_lost_ack", a_lost_ack),
        case("the_lessons_run", the_lessons_run),
        case(
            "a_duplicate_from_the_link_is_not_a_retransmission",
            a_duplicate_from_the_link,
        ),
        case("other_datagrams_are_skipped", other_datagrams_are_skipped),
        case("ip_options_are_skipped", ip_options_are_skipped),
        case("a_big_endian_file", a_big_endian_file),
        case("not_a_pcap_is_an_error", not_a_pcap_is_an_error),
        case("a_cut_file_is_an_error", a_cut_file_is_an_error),
    ];

    const DATA: u8 = 1;
    const FIN: u8 = 2;
    const ACK: u8 = 3;
    const CLIENT: ([u8; 4], u16) = ([127, 0, 0, 1], 40000);
    const LINK_FRONT: ([u8; 4], u16) = ([127, 0, 0, 1], 8086);
    const LINK_BACK: ([u8; 4], u16) = ([127, 0, 0, 1], 50000);
    const RECEIVER: ([u8; 4], u16) = ([127, 0, 0, 1], 8087);

    /// A capture, record by record.
    struct Capture {
        big_endian: bool,
        /// 4-byte words of IPv4 options in every header.
        options: usize,
        records: Vec<Vec<u8>>,
        /// What the records are, for the steps.
        told: Vec<String>,
    }

    impl Capture {
        fn new() -> Capture {
            Capture {
                big_endian: false,
                options: 0,
                records: Vec::new(),
                told: Vec::new(),
            }
        }

        /// One datagram: `id` in the identification field, from one address to another.
        fn datagram(&mut self, id: u16, from: ([u8; 4], u16), to: ([u8; 4], u16), udp: &[u8]) {
            let header = 20 + 4 * self.options;
            let total = (header + 8 + udp.len()) as u16;
            let mut ip = vec![0x40 | (header / 4) as u8, 0];
            ip.extend_from_slice(&total.to_be_bytes());
            ip.extend_from_slice(&id.to_be_bytes());
            ip.extend_from_slice(&[0x40, 0, 64, 17, 0, 0]);
            ip.extend_from_slice(&from.0);
            ip.extend_from_slice(&to.0);
            // Options: no-operation bytes (type 1).
            ip.extend(std::iter::repeat_n(1u8, 4 * self.options));
            ip.extend_from_slice(&from.1.to_be_bytes());
            ip.extend_from_slice(&to.1.to_be_bytes());
            ip.extend_from_slice(&((8 + udp.len()) as u16).to_be_bytes());
            ip.extend_from_slice(&[0, 0]);
            ip.extend_from_slice(udp);
            self.records.push(ip);
        }

        /// A packet of the sender's (DATA or FIN) with the link's number `id`: received from
        /// the client and, if `copies` > 0, sent on to the receiver that many times.
        fn send(&mut self, id: u16, kind: u8, seq: u32, copies: usize) {
            let bytes = packet(kind, seq, 0);
            self.datagram(id, CLIENT, LINK_FRONT, &bytes);
            for _ in 0..copies {
                self.datagram(id, LINK_BACK, RECEIVER, &bytes);
            }
            let what = if kind == FIN { "FIN" } else { "DATA" };
            self.told.push(match copies {
                0 => format!("{what} {seq} (id {id}) lost"),
                1 => format!("{what} {seq} (id {id}) delivered"),
                n => format!("{what} {seq} (id {id}) delivered {n} times"),
            });
        }

        /// The receiver's ACK of `seq` with the link's number `id`, delivered or lost.
        fn ack(&mut self, id: u16, seq: u32, delivered: bool) {
            let bytes = packet(ACK, seq, seq + 1);
            self.datagram(id, RECEIVER, LINK_BACK, &bytes);
            if delivered {
                self.datagram(id, LINK_FRONT, CLIENT, &bytes);
            }
            let fate = if delivered { "delivered" } else { "lost" };
            self.told.push(format!("ACK {seq} (id {id}) {fate}"));
        }

        /// The file: the header, then each record (times a millisecond apart).
        fn bytes(&self) -> Vec<u8> {
            let big = self.big_endian;
            let mut file = Vec::new();
            // Magic, version 2.4, then time zone, accuracy, snap length and link type (raw IP).
            put(&mut file, big, 0xa1b2_c3d4, 4);
            put(&mut file, big, 2, 2);
            put(&mut file, big, 4, 2);
            for n in [0, 0, 65535, 101] {
                put(&mut file, big, n, 4);
            }
            for (i, record) in self.records.iter().enumerate() {
                let len = record.len() as u32;
                for n in [1_765_000_000, 1000 * i as u32, len, len] {
                    put(&mut file, big, n, 4);
                }
                file.extend_from_slice(record);
            }
            file
        }
    }

    /// `n` as `width` bytes (2 or 4), big- or little-endian.
    fn put(file: &mut Vec<u8>, big: bool, n: u32, width: usize) {
        if big {
            file.extend_from_slice(&n.to_be_bytes()[4 - width..]);
        } else {
            file.extend_from_slice(&n.to_le_bytes()[..width]);
        }
    }

    /// A packet of lesson 9's wire format (its CRC left at zero: not checked here).
    fn packet(kind: u8, seq: u32, ack: u32) -> Vec<u8> {
        let payload: &[u8] = if kind == DATA {
            b"some file bytes"
        } else {
            b""
        };
        let mut bytes = vec![1, kind];
        bytes.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        bytes.extend_from_slice(&7u32.to_be_bytes());
        bytes.extend_from_slice(&seq.to_be_bytes());
        bytes.extend_from_slice(&ack.to_be_bytes());
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend_from_slice(payload);
        bytes
    }

    fn shown(result: &Result<Vec<(u32, Why)>, String>) -> String {
        match result {
            Ok(found) => format!("Ok({found:?})"),
            Err(_) => "Err(..)".to_owned(),
        }
    }

    /// The capture's story as steps, then `retransmissions` of its bytes against `want`.
    fn finds(capture: &Capture, want: &[(u32, Why)]) -> Check {
        for line in &capture.told {
            step(line.clone());
        }
        step(format!(
            "retransmissions(the {} bytes of that capture)",
            capture.bytes().len()
        ));
        expect_text(
            shown(&retransmissions(&capture.bytes())),
            shown(&Ok(want.to_vec())),
        )
    }

    /// A transfer of `data` DATA packets and a FIN, nothing lost.
    fn clean(capture: &mut Capture, data: u32) {
        let mut id = 1;
        for seq in 0..=data {
            capture.send(id, if seq == data { FIN } else { DATA }, seq, 1);
            capture.ack(id + 1, seq, true);
            id += 2;
        }
    }

    fn a_clean_run_has_none() -> Check {
        let mut capture = Capture::new();
        clean(&mut capture, 3);
        finds(&capture, &[])
    }

    fn a_lost_data_packet() -> Check {
        let mut capture = Capture::new();
        capture.send(1, DATA, 0, 0);
        capture.send(2, DATA, 0, 1);
        capture.ack(3, 0, true);
        finds(&capture, &[(0, Why::DataLost)])
    }

    fn a_lost_ack() -> Check {
        let mut capture = Capture::new();
        capture.send(1, DATA, 0, 1);
        capture.ack(2, 0, false);
        capture.send(3, DATA, 0, 1);
        capture.ack(4, 0, true);
        finds(&capture, &[(0, Why::AckLost)])
    }

    /// Lesson 9's figure: DATA 2 lost, then the ACK of the FIN lost.
    fn the_lessons_run() -> Check {
        let mut capture = Capture::new();
        capture.send(1, DATA, 0, 1);
        capture.ack(2, 0, true);
        capture.send(3, DATA, 1, 1);
        capture.ack(4, 1, true);
        capture.send(5, DATA, 2, 0);
        capture.send(6, DATA, 2, 1);
        capture.ack(7, 2, true);
        capture.send(8, DATA, 3, 1);
        capture.ack(9, 3, true);
        capture.send(10, DATA, 4, 1);
        capture.ack(11, 4, true);
        capture.send(12, FIN, 5, 1);
        capture.ack(13, 5, false);
        capture.send(14, FIN, 5, 1);
        capture.ack(15, 5, true);
        finds(&capture, &[(2, Why::DataLost), (5, Why::AckLost)])
    }

    fn a_duplicate_from_the_link() -> Check {
        let mut capture = Capture::new();
        capture.send(1, DATA, 0, 2);
        capture.ack(2, 0, true);
        capture.ack(3, 0, true);
        capture.send(4, FIN, 1, 1);
        capture.ack(5, 1, true);
        finds(&capture, &[])
    }

    fn other_datagrams_are_skipped() -> Check {
        let mut capture = Capture::new();
        capture.datagram(1, CLIENT, LINK_FRONT, b"hello, not a packet of ours");
        capture.datagram(2, CLIENT, LINK_FRONT, &[]);
        capture
            .told
            .push("\"hello, not a packet...\" and an empty datagram".into());
        // A DATA packet of another version: not ours either.
        let mut other = packet(DATA, 0, 0);
        other[0] = 2;
        capture.datagram(3, CLIENT, LINK_FRONT, &other);
        capture.datagram(4, CLIENT, LINK_FRONT, &other);
        capture
            .told
            .push("twice a DATA 0 of version 2 (not ours)".into());
        capture.send(5, DATA, 0, 0);
        capture.send(6, DATA, 0, 1);
        finds(&capture, &[(0, Why::DataLost)])
    }

    fn ip_options_are_skipped() -> Check {
        let mut capture = Capture::new();
        capture.options = 2;
        capture
            .told
            .push("every IPv4 header with 8 bytes of options (28 bytes long)".into());
        capture.send(1, DATA, 7, 0);
        capture.send(2, DATA, 7, 1);
        capture.ack(3, 7, true);
        finds(&capture, &[(7, Why::DataLost)])
    }

    fn a_big_endian_file() -> Check {
        let mut capture = Capture::new();
        capture.big_endian = true;
        capture
            .told
            .push("a big-endian file (magic a1 b2 c3 d4 on disk)".into());
        capture.send(1, DATA, 0, 1);
        capture.ack(2, 0, false);
        capture.send(3, DATA, 0, 1);
        finds(&capture, &[(0, Why::AckLost)])
    }

    fn not_a_pcap_is_an_error() -> Check {
        for bytes in [&b""[..], &b"hello"[..], &[0u8; 24][..]] {
            step(format!("retransmissions({bytes:?})"));
            expect_text(shown(&retransmissions(bytes)), "Err(..)")?;
        }
        Ok(())
    }

    fn a_cut_file_is_an_error() -> Check {
        let mut capture = Capture::new();
        capture.send(1, DATA, 0, 1);
        let bytes = capture.bytes();
        // Cut inside the last record, then inside its 16-byte header.
        for cut in [bytes.len() - 5, bytes.len() - 70] {
            step(format!(
                "retransmissions(a {}-byte capture of DATA 0 delivered, cut to {cut} bytes)",
                bytes.len()
            ));
            expect_text(shown(&retransmissions(&bytes[..cut])), "Err(..)")?;
        }
        Ok(())
    }
}

//! The sender and receiver state machines on virtual time: no sockets, no sleeping, the same
//! result on every run. A simulated channel (the lossy link's own decisions) sits between them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use reliable_udp_core::arq::{Config, Mode, Receiver, Sender};
use reliable_udp_core::link::{Direction, Impairment};
use reliable_udp_core::wire::{self, Header, Kind};

/// A datagram on the simulated wire: arrival time, order sent, for the receiver?, bytes.
type InFlight = (Duration, u64, bool, Vec<u8>);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A sender's settings: `n` packets in flight, `mode`, the rest as by default.
fn window(n: u32, mode: Mode) -> Config {
    Config {
        window: n,
        mode,
        ..Config::default()
    }
}

fn file(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Runs a whole transfer through a channel that treats both directions with `imp`; returns
/// what the receiver delivered, the sender, the receiver and the virtual time it took.
fn simulate(data: &[u8], config: Config, imp: Impairment) -> (Vec<u8>, Sender, Receiver, Duration) {
    let mode = config.mode;
    let window = config.window;
    let mut sender = Sender::new(99, data.to_vec(), config);
    let mut receiver = Receiver::new(mode, window);
    let mut to_receiver = Direction::new(imp.clone(), 1);
    let mut to_sender = Direction::new(imp, 2);
    let mut wire: BinaryHeap<Reverse<InFlight>> = BinaryHeap::new();
    let mut order = 0;
    let mut now = Duration::ZERO;
    let mut delivered = None;
    for _ in 0..1_000_000 {
        sender.on_timeout(now);
        assert!(sender.failure().is_none(), "{:?}", sender.failure());
        while let Some(packet) = sender.poll_transmit(now) {
            for at in to_receiver.decide(packet.len(), now) {
                order += 1;
                wire.push(Reverse((at, order, true, packet.clone())));
            }
        }
        if sender.is_done() {
            return (
                delivered.expect("sender done, file not delivered"),
                sender,
                receiver,
                now,
            );
        }
        // Jump to the next event: a datagram arriving, or the sender's timer.
        let next_arrival = wire.peek().map(|Reverse(e)| e.0);
        let timer = sender.next_deadline();
        now = match (next_arrival, timer) {
            (Some(a), Some(t)) => a.min(t),
            (Some(a), None) => a,
            (None, Some(t)) => t,
            (None, None) => panic!("nothing in flight and not done"),
        };
        while wire.peek().is_some_and(|Reverse(e)| e.0 <= now) {
            let Reverse((_, _, for_receiver, bytes)) = wire.pop().unwrap();
            if for_receiver {
                let outcome = receiver.on_datagram(&bytes, now);
                if let Some(file) = outcome.delivered {
                    assert!(delivered.is_none(), "delivered twice");
                    delivered = Some(file.data);
                }
                if let Some(ack) = outcome.reply {
                    for at in to_sender.decide(ack.len(), now) {
                        order += 1;
                        wire.push(Reverse((at, order, false, ack.clone())));
                    }
                }
            } else {
                sender.on_datagram(&bytes, now);
            }
        }
    }
    panic!("the transfer did not end");
}

fn hostile() -> Impairment {
    Impairment {
        loss: 0.2,
        duplicate: 0.05,
        reorder: 0.05,
        delay: ms(10),
        jitter: ms(3),
        ..Impairment::default()
    }
}

#[test]
fn stop_and_wait_delivers_byte_for_byte_through_loss_duplication_and_reordering() {
    let data = file(50_000);
    let (got, sender, receiver, _) = simulate(&data, Config::default(), hostile());
    assert_eq!(got, data);
    assert!(sender.stats().retransmissions > 0);
    assert!(receiver.stats().duplicates > 0);
}

#[test]
fn go_back_n_and_selective_repeat_deliver_byte_for_byte_through_the_same_channel() {
    let data = file(200_000);
    for mode in [Mode::GoBackN, Mode::SelectiveRepeat] {
        let config = window(16, mode);
        let (got, ..) = simulate(&data, config, hostile());
        assert_eq!(got, data, "{mode:?}");
    }
}

#[test]
fn an_empty_file_is_one_fin_and_arrives_empty() {
    let (got, sender, ..) = simulate(&[], Config::default(), Impairment::default());
    assert!(got.is_empty());
    assert_eq!(sender.stats().datagrams, 1);
}

#[test]
fn a_window_of_16_finishes_a_clean_transfer_many_times_faster_than_stop_and_wait() {
    let data = file(100 * 1024);
    let clean = Impairment {
        delay: ms(20),
        ..Impairment::default()
    };
    let (_, _, _, one) = simulate(&data, Config::default(), clean.clone());
    let (_, _, _, sixteen) = simulate(&data, window(16, Mode::SelectiveRepeat), clean);
    // 101 packets, one round trip (40 ms) each, against about 101 / 16 round trips.
    assert_eq!(one, ms(40) * 101);
    assert!(sixteen * 10 < one, "{sixteen:?} against {one:?}");
}

#[test]
fn karns_rule_takes_no_rtt_sample_from_a_retransmitted_packet() {
    let mut sender = Sender::new(5, vec![1; 2000], Config::default());
    let first = sender.poll_transmit(ms(0)).unwrap();
    assert!(sender.poll_transmit(ms(0)).is_none(), "a window of 1");
    // No ACK within the initial RTO of one second: the packet goes again, the RTO doubles.
    sender.on_timeout(ms(1000));
    assert_eq!(sender.poll_transmit(ms(1000)), Some(first));
    assert_eq!(sender.rtt().rto(), ms(2000));
    // The ACK comes 50 ms after the second copy. It may answer the first copy (a 1050 ms
    // round trip) or the second (50 ms): Karn's rule takes neither.
    sender.on_datagram(&ack(5, 0, 1), ms(1050));
    assert_eq!(sender.stats().rtt_samples, 0);
    assert_eq!(sender.rtt().srtt(), None);
    assert_eq!(sender.rtt().rto(), ms(2000), "the backed-off RTO stays");
    // The next packet is sent once and answered 100 ms later: that is a sample.
    sender.poll_transmit(ms(1050)).unwrap();
    sender.on_datagram(&ack(5, 1, 2), ms(1150));
    assert_eq!(sender.stats().rtt_samples, 1);
    assert_eq!(sender.rtt().srtt(), Some(ms(100)));
    assert_eq!(sender.rtt().rto(), ms(300)); // 100 + 4 * 50
}

fn ack(transfer: u32, seq: u32, cumulative: u32) -> Vec<u8> {
    let header = Header {
        kind: Kind::Ack,
        transfer,
        seq,
        ack: cumulative,
    };
    wire::encode(header, &[])
}

/// A DATA packet of `transfer`, or its FIN (with the length and hash of `file`) when
/// `payload` is `None`.
fn packet(transfer: u32, seq: u32, payload: Option<&[u8]>, file: &[u8]) -> Vec<u8> {
    let (kind, bytes) = match payload {
        Some(bytes) => (Kind::Data, bytes.to_vec()),
        None => (Kind::Fin, wire::fin_payload(file)),
    };
    let header = Header {
        kind,
        transfer,
        seq,
        ack: 0,
    };
    wire::encode(header, &bytes)
}

/// RFC 9002 5.1: an ACK gives one RTT sample at most, from the highest packet it newly
/// acknowledges. Here packet 0 goes at 0 ms, packet 1 at 50 ms; packet 0's ACK is lost, and
/// the ACK of packet 1 (cumulative: both arrived) comes at 150 ms. The round trip is 100 ms;
/// packet 0's 150 ms would count the lost ACK's wait as path delay.
#[test]
fn an_ack_gives_one_rtt_sample_from_the_highest_packet_it_newly_acknowledges() {
    for mode in [Mode::SelectiveRepeat, Mode::GoBackN] {
        let config = window(4, mode);
        let mut sender = Sender::new(5, vec![1; 4000], config);
        sender.poll_transmit(ms(0)).unwrap();
        sender.poll_transmit(ms(50)).unwrap();
        sender.on_datagram(&ack(5, 1, 2), ms(150));
        assert_eq!(sender.stats().rtt_samples, 1, "{mode:?}");
        assert_eq!(sender.rtt().srtt(), Some(ms(100)), "{mode:?}");
    }
}

/// Selective Repeat resends a packet that three packets sent after it have overtaken, long
/// before its timer: here at 30 ms, with an RTO of one second.
#[test]
fn three_later_packets_acknowledged_first_make_selective_repeat_resend_at_once() {
    let config = window(8, Mode::SelectiveRepeat);
    let mut sender = Sender::new(6, vec![2; 8000], config);
    let first = sender.poll_transmit(ms(0)).unwrap();
    while sender.poll_transmit(ms(0)).is_some() {}
    // Packet 0 is lost; 1, 2 and 3 arrive and are acknowledged (the first missing: 0).
    sender.on_datagram(&ack(6, 1, 0), ms(10));
    sender.on_datagram(&ack(6, 2, 0), ms(20));
    assert_eq!(sender.poll_transmit(ms(20)), None, "two are not enough");
    sender.on_datagram(&ack(6, 3, 0), ms(30));
    assert_eq!(sender.poll_transmit(ms(30)), Some(first));
    assert_eq!(sender.stats().fast_retransmits, 1);
    assert_eq!(sender.stats().timeouts, 0);
    // Go-Back-N has no fast retransmit: the same ACKs resend nothing.
    let config = window(8, Mode::GoBackN);
    let mut sender = Sender::new(6, vec![2; 8000], config);
    while sender.poll_transmit(ms(0)).is_some() {}
    for seq in 1..4 {
        sender.on_datagram(&ack(6, seq, 0), ms(10 * u64::from(seq)));
    }
    assert_eq!(sender.poll_transmit(ms(30)), None);
}

/// Karn's rule and Go-Back-N together: after a timeout Go-Back-N sends the whole window
/// again, so when every window loses a packet, no ACK answers a packet sent once, no RTT
/// sample comes, and the backed-off RTO never comes down. Selective Repeat resends only the
/// lost packet, and the ACKs of the others are samples.
#[test]
fn with_a_loss_in_every_window_go_back_n_gets_no_rtt_sample_and_selective_repeat_does() {
    for (mode, samples) in [(Mode::GoBackN, false), (Mode::SelectiveRepeat, true)] {
        let config = Config {
            max_retries: 100,
            ..window(4, mode)
        };
        let mut sender = Sender::new(9, vec![3; 40 * 1024], config);
        let mut receiver = Receiver::new(mode, 4);
        let mut now = ms(0);
        let mut seen = std::collections::HashSet::new();
        while !sender.is_done() && now < Duration::from_secs(600) {
            sender.on_timeout(now);
            while let Some(packet) = sender.poll_transmit(now) {
                // The link loses the first copy of packets 0, 4, 8...: one in every window.
                let (header, _) = wire::decode(&packet).unwrap();
                if seen.insert(header.seq) && header.seq % 4 == 0 {
                    continue;
                }
                if let Some(reply) = receiver.on_datagram(&packet, now + ms(10)).reply {
                    sender.on_datagram(&reply, now + ms(20));
                }
            }
            now = sender.next_deadline().unwrap_or(now).max(now + ms(20));
        }
        assert!(sender.is_done(), "{mode:?}");
        let rtt = sender.rtt();
        if samples {
            assert!(sender.stats().rtt_samples > 0, "{mode:?}");
            assert_eq!(rtt.srtt(), Some(ms(20)), "{mode:?}");
        } else {
            assert_eq!(sender.stats().rtt_samples, 0, "{mode:?}");
            assert_eq!(rtt.srtt(), None, "{mode:?}: srtt none");
            assert_eq!(
                rtt.rto(),
                Config::default().max_rto,
                "{mode:?}: rto at its ceiling"
            );
        }
    }
}

/// The FIN carries the file's length and SHA-256: a file put together from packets that each
/// passed their CRC-32 but is not the file sent (here, a forged piece) is delivered with the
/// mismatch said, and a true one without.
#[test]
fn a_file_that_does_not_match_its_fins_length_and_hash_is_told_apart() {
    let mut receiver = Receiver::new(Mode::SelectiveRepeat, 4);
    receiver.on_datagram(&packet(1, 0, Some(b"hello"), b""), ms(0));
    let done = receiver.on_datagram(&packet(1, 1, None, b"hello"), ms(1));
    let file = done.delivered.unwrap();
    assert_eq!((file.data.as_slice(), file.mismatch), (&b"hello"[..], None));
    receiver.on_datagram(&packet(2, 0, Some(b"jello"), b""), ms(2));
    let done = receiver.on_datagram(&packet(2, 1, None, b"hello!"), ms(3));
    let (len, sha) = done.delivered.unwrap().mismatch.unwrap();
    assert_eq!((len, sha), (6, reliable_udp_core::sha256_hex(b"hello!")));
    // A FIN without a length and hash is not one of ours.
    let bare = Header {
        kind: Kind::Fin,
        transfer: 3,
        seq: 0,
        ack: 0,
    };
    let outcome = receiver.on_datagram(&wire::encode(bare, &[]), ms(4));
    assert!(outcome.reply.is_none() && outcome.delivered.is_none());
    assert_eq!(receiver.stats().garbage, 1);
}

#[test]
fn a_sender_whose_receiver_vanished_gives_up_after_max_retries_with_a_clear_error() {
    let config = Config {
        max_retries: 4,
        max_rto: Duration::from_secs(4),
        ..Config::default()
    };
    let mut sender = Sender::new(1, vec![0; 100], config);
    let mut now = Duration::ZERO;
    let mut sent = 0;
    while sender.failure().is_none() {
        sender.on_timeout(now);
        while sender.poll_transmit(now).is_some() {
            sent += 1;
        }
        now = sender.next_deadline().unwrap_or(now);
        assert!(now < Duration::from_secs(60), "still trying at {now:?}");
    }
    // The first copy and four more; then 1 + 2 + 4 + 4 + 4 seconds of waiting at most.
    assert_eq!(sent, 5);
    assert_eq!(now, Duration::from_secs(15));
    assert!(
        sender
            .failure()
            .unwrap()
            .contains("gave up after 5 timeouts in a row")
    );
}

#[test]
fn when_the_last_ack_is_lost_the_receiver_answers_the_fin_again_and_both_end() {
    let mut sender = Sender::new(3, b"hi".to_vec(), Config::default());
    let mut receiver = Receiver::new(Mode::SelectiveRepeat, 1);
    let data = sender.poll_transmit(ms(0)).unwrap();
    let reply = receiver.on_datagram(&data, ms(1)).reply.unwrap();
    sender.on_datagram(&reply, ms(2));
    let fin = sender.poll_transmit(ms(2)).unwrap();
    let outcome = receiver.on_datagram(&fin, ms(3));
    assert_eq!(outcome.delivered.unwrap().data, b"hi");
    // That ACK is lost. The sender's timer runs out and the FIN goes again.
    sender.on_timeout(ms(2000));
    let fin_again = sender.poll_transmit(ms(2000)).unwrap();
    let outcome = receiver.on_datagram(&fin_again, ms(2001));
    assert!(
        outcome.delivered.is_none(),
        "the file is not delivered twice"
    );
    sender.on_datagram(&outcome.reply.unwrap(), ms(2002));
    assert!(sender.is_done());
}

#[test]
fn garbage_truncated_corrupt_duplicate_and_out_of_window_datagrams_are_dropped_and_counted() {
    let mut receiver = Receiver::new(Mode::SelectiveRepeat, 4);
    let packet = |seq: u32, payload: &[u8]| {
        let header = Header {
            kind: Kind::Data,
            transfer: 8,
            seq,
            ack: 0,
        };
        wire::encode(header, payload)
    };
    let now = ms(0);
    assert!(receiver.on_datagram(b"echo hello", now).reply.is_none());
    assert!(receiver.on_datagram(&[], now).reply.is_none());
    let whole = packet(0, b"abcdef");
    assert!(
        receiver
            .on_datagram(&whole[..whole.len() - 2], now)
            .reply
            .is_none()
    );
    let mut corrupt = whole.clone();
    corrupt[wire::HEADER_LEN] ^= 0x20;
    assert!(receiver.on_datagram(&corrupt, now).reply.is_none());
    assert!(receiver.on_datagram(&whole, now).reply.is_some());
    // The same packet again is answered (its ACK may have been lost) but not kept twice.
    assert!(receiver.on_datagram(&whole, now).reply.is_some());
    // Far beyond the window of 4.
    assert!(
        receiver
            .on_datagram(&packet(1000, b"x"), now)
            .reply
            .is_none()
    );
    let s = receiver.stats();
    assert_eq!(
        (
            s.garbage,
            s.truncated,
            s.corrupt,
            s.duplicates,
            s.out_of_window,
            s.accepted
        ),
        (2, 1, 1, 1, 1, 1)
    );
    assert_eq!(receiver.in_progress(), Some((8, 6)));
}

/// Issue 27: the senders trusted any ACK carrying the transfer id. One forged ACK for
/// packet 2^32-1 (anyone can write the header and its CRC-32) told `window-sender` that every
/// byte had arrived while the link dropped them all. An ACK beyond the highest packet sent is
/// now refused and counted, and the transfer goes on.
#[test]
fn an_ack_for_packets_never_sent_is_refused_and_counted_not_believed() {
    for mode in [Mode::SelectiveRepeat, Mode::GoBackN] {
        let config = Config {
            payload: 100,
            ..window(8, mode)
        };
        let mut sender = Sender::new(7, file(10_000), config);
        let mut sent = 0;
        while sender.poll_transmit(ms(0)).is_some() {
            sent += 1;
        }
        assert_eq!(sent, 8, "{mode:?}: a window of 8");
        for (seq, ack) in [(u32::MAX, u32::MAX), (8, 9), (200, 101)] {
            let forged = Header {
                kind: Kind::Ack,
                transfer: 7,
                seq,
                ack,
            };
            sender.on_datagram(&wire::encode(forged, &[]), ms(1));
        }
        assert!(
            !sender.is_done(),
            "{mode:?}: a forged ACK ended the transfer"
        );
        assert_eq!(sender.stats().impossible_acks, 3, "{mode:?}");
        assert_eq!(sender.stats().acks, 0, "{mode:?}");
        // A true ACK still counts.
        let honest = Header {
            kind: Kind::Ack,
            transfer: 7,
            seq: 0,
            ack: 1,
        };
        sender.on_datagram(&wire::encode(honest, &[]), ms(2));
        assert_eq!(sender.stats().acks, 1, "{mode:?}");
    }
}

/// Issue 27: an endless transfer (a sender that never sends its FIN) grew the window
/// receiver's memory without end (269 MB after 15 s). Past the largest file it takes, the
/// transfer is dropped and counted, and the receiver is free for the next one.
#[test]
fn a_transfer_past_the_largest_file_is_dropped_and_the_receiver_freed() {
    let max_file = 64 * 1024;
    let mut receiver = Receiver::with_max_file(Mode::SelectiveRepeat, 16, max_file);
    let piece = vec![0x55u8; 1000];
    let mut accepted_bytes = 0usize;
    for seq in 0..1000u32 {
        let data = packet(1, seq, Some(&piece), b"");
        let outcome = receiver.on_datagram(&data, ms(u64::from(seq)));
        if outcome.reply.is_some() {
            accepted_bytes += piece.len();
        }
        let held = receiver.in_progress().map_or(0, |(_, bytes)| bytes);
        assert!(held <= max_file, "holding {held} bytes after packet {seq}");
    }
    assert!(accepted_bytes <= max_file, "{accepted_bytes}");
    assert!(receiver.stats().too_big >= 1, "{:?}", receiver.stats());
    // Another transfer is served at once.
    let next = packet(2, 0, Some(b"hi"), b"");
    assert!(receiver.on_datagram(&next, ms(1001)).reply.is_some());
}

/// One transfer at a time, held by anyone: a transfer that only repeats its first packet kept
/// every other sender out. Now a receiver serves up to `MAX_TRANSFERS` at once, and a transfer
/// that brings nothing new for `ABANDONED_AFTER` gives its place when they are all taken.
#[test]
fn transfers_that_only_repeat_themselves_keep_no_one_out() {
    let mut receiver = Receiver::new(Mode::SelectiveRepeat, 4);
    // A piece of one byte, or (empty) the FIN of a one-byte file.
    let data = |transfer: u32, seq: u32, payload: &[u8]| match payload {
        [] => packet(transfer, seq, None, b"ab"),
        _ => packet(transfer, seq, Some(payload), b""),
    };
    // Is this datagram answered?
    let answered = |receiver: &mut Receiver, transfer, seq, payload: &[u8], at| {
        let datagram = data(transfer, seq, payload);
        receiver.on_datagram(&datagram, at).reply.is_some()
    };
    // Every place taken by a transfer that sent one packet.
    for squatter in 0..Receiver::MAX_TRANSFERS as u32 {
        assert!(answered(&mut receiver, 100 + squatter, 0, b"x", ms(0)));
    }
    // Full: a new transfer waits...
    assert!(!answered(&mut receiver, 7, 0, b"a", ms(1)));
    // ...while the squatters repeat themselves, until one has brought nothing new for
    // ABANDONED_AFTER; then the new transfer takes its place and completes.
    let mut now = ms(1);
    let deadline = Receiver::ABANDONED_AFTER + ms(2000);
    let mut got_in = false;
    while now < deadline {
        now += ms(500);
        for squatter in 0..Receiver::MAX_TRANSFERS as u32 {
            receiver.on_datagram(&data(100 + squatter, 0, b"x"), now);
        }
        if answered(&mut receiver, 7, 0, b"a", now) {
            got_in = true;
            break;
        }
    }
    assert!(got_in, "the new transfer was kept out");
    assert!(now > Receiver::ABANDONED_AFTER);
    let done = receiver.on_datagram(&data(7, 1, b""), now);
    assert_eq!(done.delivered.unwrap().data, b"a");
    // With a free place, a new transfer is served at once beside a squatter.
    let mut receiver = Receiver::new(Mode::SelectiveRepeat, 4);
    assert!(answered(&mut receiver, 100, 0, b"x", ms(0)));
    assert!(answered(&mut receiver, 8, 0, b"b", ms(1)));
    let done = receiver.on_datagram(&data(8, 1, b""), ms(2));
    assert_eq!(done.delivered.unwrap().data, b"b");
}

// ----- lesson 10: congestion control in the sender -----

#[test]
fn a_newreno_sender_starts_with_ten_packets_in_flight_whatever_its_window() {
    let config = Config {
        window: 1000,
        cc: reliable_udp_core::cc::Algorithm::NewReno,
        ..Config::default()
    };
    let mut sender = Sender::new(1, file(100 * 1024), config.clone());
    let mut sent = 0;
    while sender.poll_transmit(ms(0)).is_some() {
        sent += 1;
    }
    assert_eq!(sent, 10);
    // Without congestion control the same window sends the whole file (100 packets and the
    // FIN) at once.
    let none = Config {
        cc: reliable_udp_core::cc::Algorithm::None,
        ..config
    };
    let mut sender = Sender::new(1, file(100 * 1024), none);
    let mut sent = 0;
    while sender.poll_transmit(ms(0)).is_some() {
        sent += 1;
    }
    assert_eq!(sent, 101);
}

#[test]
fn through_a_small_queue_newreno_cuts_its_window_and_resends_far_less_than_a_fixed_window() {
    let data = file(400 * 1024);
    // 100 KB/s with a 16-datagram queue, 20 ms each way: rate x round trip is about 4 KB,
    // four packets, so the link holds about 20; a fixed window of 128 overflows it at once.
    let narrow = Impairment {
        delay: ms(20),
        rate: Some(100_000),
        queue: 16,
        ..Impairment::default()
    };
    let run = |cc| {
        let config = Config {
            window: 128,
            cc,
            ..Config::default()
        };
        let (got, sender, ..) = simulate(&data, config, narrow.clone());
        assert_eq!(got, data, "{cc:?}");
        sender
    };
    let fixed = run(reliable_udp_core::cc::Algorithm::None);
    let newreno = run(reliable_udp_core::cc::Algorithm::NewReno);
    let reductions = newreno.congestion().map(|cc| cc.reductions()).unwrap();
    assert!(reductions >= 1, "never cut its window");
    let (f, n) = (
        fixed.stats().retransmissions,
        newreno.stats().retransmissions,
    );
    assert!(n * 3 < f, "newreno resent {n}, the fixed window {f}");
}

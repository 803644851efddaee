//! Lesson 9 end to end: the real programs, through the real lossy link, on loopback, with a
//! seed. (The RFC 6298 and Karn's-rule checks are unit tests on virtual time, in
//! crates/reliable-udp/core.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use reliable_udp_core::link::{self, Counters, Direction, Impairment};
use reliable_udp_core::wire::{self, Header, Kind};
use test_support::{QUIET, Running, Server, cargo_bin, start_server, udp_socket};

/// A transfer through 20 % loss with stop-and-wait takes seconds: allow it a minute.
const TRANSFER_DEADLINE: Duration = Duration::from_secs(60);

fn link(to: SocketAddr, settings: &[&str]) -> Server {
    let to = to.to_string();
    let mut args = vec!["--to", to.as_str()];
    args.extend_from_slice(settings);
    start_server(cargo_bin("lossy-link"), &args)
}

/// A file with no repeating pattern a bug could hide in.
fn test_file(name: &str, len: usize) -> PathBuf {
    let mut state = 0x1234_5678_u64 ^ len as u64;
    let data: Vec<u8> = (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u8
        })
        .collect();
    let path = std::env::temp_dir().join(format!(
        "socket-lessons-lesson9-{name}-{}.bin",
        std::process::id()
    ));
    std::fs::write(&path, data).unwrap();
    path
}

fn run_to_the_end(command: Command) -> Running {
    let mut running = Running::spawn(command);
    match running.exit_within(TRANSFER_DEADLINE) {
        Some(_) => running,
        None => panic!(
            "did not finish in {TRANSFER_DEADLINE:?}\n{}",
            running.transcript()
        ),
    }
}

/// What a transfer left to look at: the sender's last line ("sent ..."), the receiver's
/// "so far: ..." line (our own receivers; empty for QUIC and KCP), and the link (still
/// running).
struct Done {
    sent: String,
    so_far: String,
    /// Read where a test can send it Ctrl-C for its report (Unix).
    #[cfg_attr(not(unix), allow(dead_code))]
    link: Server,
}

/// A number in `line` just before `words`: `number_before("3 lost, 2 corrupt", " corrupt")` is 2.
fn number_before(line: &str, words: &str) -> f64 {
    let head = &line[..line
        .find(words)
        .unwrap_or_else(|| panic!("{words:?} in {line}"))];
    let number = head.rsplit([' ', '(']).next().unwrap();
    number
        .parse()
        .unwrap_or_else(|_| panic!("{number:?} in {line}"))
}

/// Sends `file` with `sender` through a fresh lossy link to `receiver`, and checks that the
/// receiver announced the file's SHA-256 and wrote the same bytes.
fn transfer_matches(
    receiver: &str,
    receiver_args: &[&str],
    sender: &str,
    sender_args: &[&str],
    link_settings: &[&str],
    file: &PathBuf,
) -> Done {
    let ours = matches!(receiver, "window-receiver" | "stop-and-wait-receiver");
    let output = file.with_extension("received");
    let out = output.to_str().unwrap().to_owned();
    let mut args = receiver_args.to_vec();
    args.extend_from_slice(&["--output", &out]);
    let receiver = start_server(cargo_bin(receiver), &args);
    let link = link(receiver.addr, link_settings);

    let mut command = Command::new(cargo_bin(sender));
    command.args([
        "--server",
        &link.addr.to_string(),
        "--file",
        file.to_str().unwrap(),
    ]);
    command.args(sender_args);
    let mut sent = run_to_the_end(command);
    assert!(sent.expect_exit().success(), "{}", sent.transcript());
    let sent = sent.expect_stdout("sent ");

    let data = std::fs::read(file).unwrap();
    let sha = reliable_udp_core::sha256_hex(&data);
    let line = receiver.expect_stdout(&format!("received {} bytes", data.len()));
    assert!(line.ends_with(&format!("sha256 {sha}")), "{line}");
    let so_far = if ours {
        receiver.expect_stdout("so far: ")
    } else {
        String::new()
    };
    assert_eq!(
        std::fs::read(&output).unwrap(),
        data,
        "{receiver}",
        receiver = receiver.transcript()
    );
    let _ = std::fs::remove_file(output);
    Done { sent, so_far, link }
}

const HOSTILE: &[&str] = &[
    "--loss",
    "20%",
    "--duplicate",
    "5%",
    "--reorder",
    "5%",
    "--jitter",
    "1ms",
    "--seed",
    "9",
];

#[test]
fn stop_and_wait_delivers_a_file_byte_for_byte_through_20_percent_loss_duplication_and_reordering()
{
    let file = test_file("stop-and-wait", 30 * 1024);
    transfer_matches(
        "stop-and-wait-receiver",
        &[],
        "stop-and-wait-sender",
        &["--min-rto", "50ms"],
        HOSTILE,
        &file,
    );
}

#[test]
fn the_sliding_window_delivers_a_file_byte_for_byte_through_20_percent_loss_in_both_modes() {
    // Go-Back-N sends the whole window again after each loss and, by Karn's rule, rarely gets
    // an RTT sample to undo its back-off: at 20 % loss it needs several times the bytes and
    // far more time (the lesson measures it), so both get a small file and a low RTO ceiling.
    let file = test_file("window", 40 * 1024);
    let mut runs = HashMap::new();
    for mode in ["sr", "gbn"] {
        let done = transfer_matches(
            "window-receiver",
            &["--mode", mode],
            "window-sender",
            &[
                "--mode",
                mode,
                "--window",
                "16",
                "--min-rto",
                "50ms",
                "--max-rto",
                "200ms",
            ],
            HOSTILE,
            &file,
        );
        let per_byte = number_before(&done.sent, " bytes on the wire per byte");
        let out_of_window = number_before(&done.so_far, " out of window");
        runs.insert(mode, (per_byte, out_of_window, done.sent));
    }
    // `--mode` matters, on the same seeded link: Go-Back-N's receiver drops every packet out
    // of order (Selective Repeat's keeps them: its window of 4096 is past the sender's 16),
    // and its sender resends whole windows. Its bytes per byte were 3 to 11 times Selective
    // Repeat's in our runs; twice is asserted.
    let (sr, gbn) = (&runs["sr"], &runs["gbn"]);
    assert_eq!(sr.1, 0.0, "{sr:?}");
    assert!(gbn.1 > 0.0, "{gbn:?}");
    assert!(gbn.0 > 2.0 * sr.0, "{gbn:?} against {sr:?}");
}

/// The FIN carries the file's length and SHA-256. A file put together from packets that each
/// passed their CRC-32 but that is not what the FIN announced (here a forged FIN: the same
/// would catch a sender's bug): the receiver writes it, says so and exits with an error.
#[test]
fn a_receiver_whose_file_does_not_match_the_fins_length_and_hash_says_so_and_exits_non_zero() {
    let mut receiver = start_server(cargo_bin("window-receiver"), &[]);
    let peer = udp_socket();
    peer.send_to(&packet(Kind::Data, 5, 0, b"hello"), receiver.addr)
        .unwrap();
    let fin = wire::fin_payload(b"hello, world");
    peer.send_to(&packet(Kind::Fin, 5, 1, &fin), receiver.addr)
        .unwrap();
    receiver.expect_stdout("received 5 bytes from");
    let status = receiver.expect_exit();
    assert_eq!(status.code(), Some(1), "{}", receiver.transcript());
    let error = receiver.expect_stderr("announced 12 bytes with sha256 ");
    assert!(
        error.contains(&reliable_udp_core::sha256_hex(b"hello, world")),
        "{error}"
    );
    assert!(
        error.ends_with("the file received is not the file sent"),
        "{error}"
    );
}

/// `--corrupt` flips a bit in one datagram in ten, each way: the link counts them, the
/// receiver's CRC-32 rejects each one that reaches it (the sender's, the ACKs), the sender
/// sends those packets again, and the file arrives whole.
#[test]
fn corrupt_datagrams_are_counted_by_the_link_and_rejected_by_the_receiver_and_the_file_is_whole() {
    let file = test_file("corrupt", 100 * 1024);
    let settings = ["--corrupt", "10%", "--loss", "2%", "--seed", "11"];
    #[allow(unused_mut)]
    let mut done = transfer_matches(
        "window-receiver",
        &[],
        "window-sender",
        &["--window", "16", "--min-rto", "50ms"],
        &settings,
        &file,
    );
    let rejected = number_before(&done.so_far, " corrupt");
    // About 110 datagrams each way, 10 % of them damaged: fewer than 3 is 4 standard
    // deviations away.
    assert!(rejected >= 3.0, "{}", done.so_far);
    #[cfg(unix)]
    {
        interrupt(&mut done.link);
        let up = done.link.expect_stdout("client -> server: ");
        let forwarded = number_before(&up, " forwarded");
        let corrupted = number_before(&up, " corrupted");
        // The receiver's count is taken when the file is whole; the link may damage a FIN
        // sent again after that.
        assert!(rejected <= corrupted, "{up}\n{}", done.so_far);
        let sd = (forwarded * 0.1 * 0.9).sqrt();
        assert!((corrupted - forwarded * 0.1).abs() < 4.0 * sd, "{up}");
    }
}

#[test]
fn a_sender_whose_receiver_vanished_stops_with_a_clear_error_after_its_retries() {
    // A bound socket that never answers: the receiver's host is there, its program is not.
    let silent = udp_socket();
    let file = test_file("vanished", 5000);
    for sender in ["stop-and-wait-sender", "window-sender"] {
        let mut command = Command::new(cargo_bin(sender));
        command.args([
            "--server",
            &silent.local_addr().unwrap().to_string(),
            "--file",
            file.to_str().unwrap(),
            "--max-retries",
            "1",
        ]);
        let started = Instant::now();
        let mut running = run_to_the_end(command);
        let status = running.expect_exit();
        assert_eq!(status.code(), Some(1), "{}", running.transcript());
        let error = running.expect_stderr("Error: gave up after 2 timeouts in a row");
        assert!(error.ends_with("is the receiver running?"), "{error}");
        // One second (RFC 6298's first RTO), then two (backed off): about 3 s, never a hang.
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

fn packet(kind: Kind, transfer: u32, seq: u32, payload: &[u8]) -> Vec<u8> {
    wire::encode(
        Header {
            kind,
            transfer,
            seq,
            ack: 0,
        },
        payload,
    )
}

#[test]
fn garbage_truncated_corrupt_duplicate_and_out_of_window_datagrams_are_dropped_and_counted() {
    let receiver = start_server(cargo_bin("window-receiver"), &["--window", "16"]);
    let peer = udp_socket();
    let send = |bytes: &[u8]| {
        peer.send_to(bytes, receiver.addr).unwrap();
    };
    let first = packet(Kind::Data, 77, 0, b"hello, ");
    send(b"echo hello");
    send(&first[..first.len() - 3]);
    let mut corrupt = first.clone();
    corrupt[wire::HEADER_LEN] ^= 0x40;
    send(&corrupt);
    send(&first);
    send(&first);
    send(&packet(Kind::Data, 77, 100_000, b"far away"));
    send(&packet(Kind::Data, 77, 1, b"world"));
    send(&packet(
        Kind::Fin,
        77,
        2,
        &wire::fin_payload(b"hello, world"),
    ));
    // The receiver is still serving, and says what it dropped.
    receiver.expect_stdout("dropped 10 bytes from");
    receiver.expect_stdout("(truncated)");
    receiver.expect_stdout("(corrupt)");
    let line = receiver.expect_stdout(&format!(
        "received 12 bytes from {}",
        peer.local_addr().unwrap()
    ));
    assert!(line.ends_with(&reliable_udp_core::sha256_hex(b"hello, world")));
    receiver.expect_stdout(
        "so far: 8 datagrams, 3 accepted, 1 duplicates, 1 out of window, 1 garbage, \
         1 truncated, 1 corrupt, 0 of another transfer",
    );
}

/// Sends `count` numbered datagrams through a link with `settings` and returns the numbers
/// that came out, in the order they came.
fn through_the_link(settings: &[&str], count: u32) -> Vec<u32> {
    let sink = udp_socket();
    let link = link(sink.local_addr().unwrap(), settings);
    let source = udp_socket();
    let mut got = Vec::new();
    let mut buffer = [0u8; 16];
    // In batches of 100, so that no socket buffer on the way overflows (that would be a loss
    // the link did not decide). After each batch, wait for the first datagram, then take
    // datagrams until none has come for a while: only the absence of more can say that the
    // link has let everything through.
    for batch in (0..count).collect::<Vec<_>>().chunks(100) {
        for n in batch {
            source.send_to(&n.to_be_bytes(), link.addr).unwrap();
        }
        sink.set_read_timeout(Some(test_support::DEADLINE)).unwrap();
        let mut first = true;
        loop {
            match sink.recv(&mut buffer) {
                Ok(4) => got.push(u32::from_be_bytes([
                    buffer[0], buffer[1], buffer[2], buffer[3],
                ])),
                Ok(len) => panic!("a datagram of {len} bytes came out"),
                Err(_) if !first => break,
                Err(err) => panic!("nothing came through the link: {err}"),
            }
            if first {
                sink.set_read_timeout(Some(QUIET)).unwrap();
                first = false;
            }
        }
    }
    got
}

/// What the link's engine decides for `count` datagrams one way, and for the ones it lets
/// through coming back, with the `--loss`, `--duplicate`, `--reorder` and `--seed` of
/// `settings`: the counts the link itself would report.
fn link_decisions(settings: &[&str], count: u64) -> (Counters, Counters) {
    let value = |name: &str| {
        let at = settings.iter().position(|s| *s == name)?;
        Some(settings[at + 1])
    };
    let percent = |name| value(name).map_or(0.0, |p| link::parse_percent(p).unwrap());
    let imp = Impairment {
        loss: percent("--loss"),
        duplicate: percent("--duplicate"),
        reorder: percent("--reorder"),
        ..Impairment::default()
    };
    let seed: u64 = value("--seed").unwrap().parse().unwrap();
    let mut up = Direction::new(imp.clone(), seed);
    let mut down = Direction::new(imp, link::reply_seed(seed));
    for _ in 0..count {
        for _copy in up.decide(1, Duration::ZERO) {
            down.decide(1, Duration::ZERO);
        }
    }
    (up.counters, down.counters)
}

#[test]
fn the_lossy_link_drops_duplicates_and_reorders_at_the_rates_asked_and_repeats_with_a_seed() {
    let with_seed = |seed| {
        [
            "--loss",
            "20%",
            "--duplicate",
            "5%",
            "--reorder",
            "10%",
            "--seed",
            seed,
        ]
    };
    let settings = with_seed("7");
    let n = 1000;
    let first = through_the_link(&settings, n);
    let mut copies: HashMap<u32, u32> = HashMap::new();
    for &id in &first {
        *copies.entry(id).or_default() += 1;
    }
    let delivered = copies.len() as f64;
    let duplicated = copies.values().filter(|&&c| c == 2).count() as f64;
    // Arrivals after a higher number: those held back and overtaken.
    let mut highest = 0;
    let mut overtaken = 0;
    for &id in &first {
        if id < highest {
            overtaken += 1;
        }
        highest = highest.max(id);
    }
    // Within four standard deviations of the binomial mean.
    let within = |count: f64, trials: f64, p: f64| {
        (count - trials * p).abs() < 4.0 * (trials * p * (1.0 - p)).sqrt()
    };
    assert!(
        within(delivered, n as f64, 0.8),
        "{delivered} of {n} delivered"
    );
    assert!(
        within(duplicated, delivered, 0.05),
        "{duplicated} duplicated"
    );
    // A held-back datagram is overtaken when the next ones of its batch come within its
    // extra 10 ms, which they do even on a busy machine (a batch of 100 goes in a fraction of
    // a millisecond): the rate is 10 % of the datagrams delivered, within the binomial's
    // spread, and never more than the link decided to hold back (its own count for the seed).
    assert!(
        within(overtaken as f64, delivered, 0.1),
        "{overtaken} of {delivered} overtaken"
    );
    let decided = link_decisions(&settings, u64::from(n)).0;
    assert!(
        overtaken <= decided.reordered + decided.duplicated,
        "{overtaken} overtaken, the link held back {}",
        decided.reordered
    );

    // The same seed, the same fates; another seed, others.
    let mut again = through_the_link(&settings, n);
    let mut sorted = first.clone();
    sorted.sort_unstable();
    again.sort_unstable();
    assert_eq!(sorted, again, "the same seed gave another run");
    let mut different = through_the_link(&with_seed("8"), n);
    different.sort_unstable();
    assert_ne!(sorted, different);
}

/// Ctrl-C for the link: it prints what it did and exits 0.
#[cfg(unix)]
fn interrupt(link: &mut Running) {
    let status = Command::new("kill")
        .args(["-INT", &link.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(link.expect_exit().success());
}

/// Ctrl-C is a signal only on Unix; on Windows the console sends it, which a test cannot.
#[cfg(unix)]
#[test]
fn the_lossy_link_prints_what_it_did_when_interrupted() {
    let sink = udp_socket();
    // No loss here, so the test knows when all 100 have passed (the rates are tested above).
    let mut link = link(sink.local_addr().unwrap(), &["--seed", "3"]);
    let source = udp_socket();
    for _ in 0..100 {
        source.send_to(b"x", link.addr).unwrap();
    }
    let mut buffer = [0u8; 8];
    for _ in 0..100 {
        sink.recv(&mut buffer).unwrap();
    }
    interrupt(&mut link);
    link.expect_stdout("client -> server: 100 received (100 bytes), 100 forwarded");
    link.expect_stdout("server -> client: 0 received");
}

#[test]
fn udp_ping_reports_the_loss_the_link_caused_and_rtts_of_twice_the_delay() {
    let echo = start_server(cargo_bin("udp-echo-server"), &["--quiet"]);
    let link = link(
        echo.addr,
        &["--loss", "20%", "--delay", "20ms", "--seed", "5"],
    );
    let mut command = Command::new(cargo_bin("udp-ping"));
    command.args([
        "--server",
        &link.addr.to_string(),
        "--count",
        "50",
        // A second: a reply the busy machine delays past the timeout would count as lost
        // (at load 8.5 one took 322 ms), and the count below is exact.
        "--timeout",
        "1",
    ]);
    let mut ping = run_to_the_end(command);
    assert!(ping.expect_exit().success(), "{}", ping.transcript());
    let summary = ping.expect_stdout(" received, ");
    // The link's fates are fixed by its seed: the pings it lost on the way there, and of the
    // replies to the others, those it lost on the way back. (Each way loses 20 %, so a round
    // trip 36 % on average; this seed loses what the link's own engine says, exactly.)
    let (up, down) = link_decisions(&["--loss", "20%", "--seed", "5"], 50);
    assert_eq!(down.received, up.forwarded);
    let lost = 50 - down.forwarded;
    assert_eq!(
        summary,
        format!(
            "50 sent, {} received, {:.1}% loss",
            down.forwarded,
            f64::from(lost as u32) * 2.0
        )
    );
    // Each reply's "time=41.2 ms": never below the 40 ms the link adds, and mostly just above
    // it. The lower quartile is asserted within 40-45 ms, not the average: on an idle machine
    // every reply is, but on this course's 2-core machine at load 8.5 a third of the replies
    // waited for a CPU (medians up to 44 ms, single replies up to 322 ms, averages 49-57 ms),
    // while the lower quartile stayed at 40.4 ms in every run.
    let mut times: Vec<f64> = ping
        .transcript()
        .lines()
        .filter_map(|line| line.split(" time=").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    times.sort_by(f64::total_cmp);
    assert_eq!(times.len() as u64, down.forwarded, "{times:?}");
    assert!(times[0] >= 40.0, "{times:?}");
    let quartile = times[times.len() / 4];
    assert!((40.0..=45.0).contains(&quartile), "{times:?}");
    // The summary's minimum and average are those of the replies shown.
    let rtt = ping.expect_stdout("rtt min/avg/max/mdev = ");
    let numbers: Vec<f64> = rtt
        .trim_start_matches("rtt min/avg/max/mdev = ")
        .trim_end_matches(" ms")
        .split('/')
        .map(|x| x.parse().unwrap())
        .collect();
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    assert!((numbers[0] - times[0]).abs() < 0.11, "{rtt}");
    assert!((numbers[1] - mean).abs() < 0.11, "{rtt} against {mean:.2}");
    ping.expect_stdout("rfc 6298: srtt ");
}

/// The link for QUIC and KCP: they are tested for arriving whole, not for speed.
const MILD: &[&str] = &[
    "--loss",
    "5%",
    "--delay",
    "5ms",
    "--duplicate",
    "1%",
    "--reorder",
    "2%",
    "--seed",
    "7",
];

#[test]
fn kcp_transfers_through_the_lossy_link_complete_and_match_byte_for_byte() {
    let file = test_file("kcp", 300 * 1024);
    transfer_matches("kcp-receiver", &[], "kcp-sender", &[], MILD, &file);
}

#[test]
fn quic_transfers_through_the_lossy_link_complete_and_match_byte_for_byte() {
    if test_support::under_wine() {
        // quinn sets socket options at start that Windows has and Wine lacks: its endpoint
        // fails with os error 10045 (WSAEOPNOTSUPP). Checked on Linux and on real Windows.
        eprintln!(
            "NOTICE: QUIC transfer not checked under Wine: quinn's socket options are not \
             implemented there (os error 10045)"
        );
        return;
    }
    let file = test_file("quic", 300 * 1024);
    let cert = file.with_extension("der");
    let cert = cert.to_str().unwrap();
    transfer_matches(
        "quic-receiver",
        &["--cert", cert],
        "quic-sender",
        &["--cert", cert],
        MILD,
        &file,
    );
}

#[test]
fn the_lossy_link_works_in_front_of_the_lesson_3_sntp_server_and_adds_its_delay_to_the_round_trip()
{
    let sntp = start_server(cargo_bin("ntp-time-server"), &["--sntp"]);
    let link = link(sntp.addr, &["--delay", "20ms"]);
    let mut command = Command::new(cargo_bin("ntp-time-client"));
    command.args(["--sntp", "--server", &link.addr.to_string()]);
    let mut client = run_to_the_end(command);
    assert!(client.expect_exit().success(), "{}", client.transcript());
    // "round-trip delay: 0.041326 s": the link's 20 ms each way, and a little more.
    let line = client.expect_stdout("round-trip delay: ");
    let delay: f64 = line
        .trim_start_matches("round-trip delay: ")
        .trim_end_matches(" s")
        .parse()
        .unwrap();
    assert!((0.040..0.140).contains(&delay), "{line}");
}

/// Issue 16's loop rule, for the relay: aimed at itself, it would forward every datagram to
/// itself for ever, so it refuses to start.
#[test]
fn the_lossy_link_refuses_to_forward_to_itself() {
    let own = test_support::unused_udp_addr().to_string();
    let mut link = Running::spawn({
        let mut command = Command::new(cargo_bin("lossy-link"));
        command.args(["--addr", &own, "--to", &own]);
        command
    });
    assert!(!link.expect_exit().success());
    link.expect_stderr("is the link's own address: it would forward to itself");
}

/// A datagram forged "from" the link's own port is dropped and counted, never forwarded:
/// otherwise its reply would come back into the link as a new client's datagram. Forging
/// needs a raw socket (root); without one the test says so and skips.
#[test]
#[cfg(unix)]
fn a_datagram_forged_from_the_link_itself_is_dropped_and_counted() {
    let Some(forger) = test_support::Forger::open("the forged lossy-link test") else {
        return;
    };
    let sink = udp_socket();
    let mut link = link(sink.local_addr().unwrap(), &[]);
    forger.send(link.addr.port(), link.addr, b"loop");
    // An honest datagram after it arrives; the forged one never did.
    let source = udp_socket();
    source.send_to(b"honest", link.addr).unwrap();
    let mut buffer = [0u8; 16];
    let n = sink.recv(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"honest");
    test_support::assert_no_datagram(&sink);
    interrupt(&mut link);
    link.expect_stdout("1 datagrams dropped that claimed to come from the link itself");
}

/// Issue 20: lesson 9's figure is drawn from a run. A tiny grid (10 KiB, 0 and 5 % loss, no
/// delay) with `--json --plot`: the SVG has one line per protocol and one point per finished
/// transfer, each at the goodput the JSON reports for it.
#[test]
fn the_bench_plots_goodput_against_loss_from_the_transfers_it_ran() {
    if test_support::under_wine() {
        // QUIC cannot start under Wine (see the QUIC test), so that run fails there.
        return;
    }
    let plot = std::env::temp_dir().join(format!("lesson9-goodput-{}.svg", std::process::id()));
    let mut bench = Command::new(cargo_bin("reliable-udp-bench"));
    bench
        .args([
            "--size", "10240", "--loss", "0,5", "--delay", "0ms", "--pings", "200", "--json",
        ])
        .arg("--plot")
        .arg(&plot);
    let output = bench.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = String::from_utf8(output.stdout).unwrap();
    // The grid's finished transfers, as (protocol, loss, goodput in KiB/s).
    let grid = &json[json.find("\"grid\":").unwrap()..json.find("\"sweep\":").unwrap()];
    let field = |entry: &str, name: &str| -> String {
        let start = entry.find(&format!("\"{name}\":")).unwrap() + name.len() + 3;
        let rest = &entry[start..];
        rest[..rest.find([',', '}']).unwrap()]
            .trim_matches('"')
            .to_owned()
    };
    let mut expected: Vec<(String, f64, f64)> = grid
        .split("{\"protocol\"")
        .skip(1)
        .map(|entry| format!("{{\"protocol\"{entry}"))
        .filter(|entry| field(entry, "goodput_bytes_per_s") != "null")
        .map(|entry| {
            let goodput: f64 = field(&entry, "goodput_bytes_per_s").parse().unwrap();
            (
                field(&entry, "protocol"),
                field(&entry, "loss_percent").parse().unwrap(),
                goodput / 1024.0,
            )
        })
        .collect();
    let (command, panels) = plots::parse(&std::fs::read_to_string(&plot).unwrap()).unwrap();
    std::fs::remove_file(&plot).unwrap();
    assert!(
        command.starts_with("cargo run -p reliable-udp-bench -- --size 10240"),
        "{command}"
    );
    assert_eq!(panels.len(), 1);
    let mut drawn: Vec<(String, f64, f64)> = panels[0]
        .series
        .iter()
        .flat_map(|series| {
            series
                .points
                .iter()
                .map(|&(x, y)| (series.label.clone(), x, y))
        })
        .collect();
    expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
    drawn.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(drawn.len(), expected.len());
    assert!(expected.len() >= 6, "too few transfers finished: {json}");
    for (want, got) in expected.iter().zip(&drawn) {
        assert_eq!((&want.0, want.1), (&got.0, got.1));
        assert!(
            (want.2 - got.2).abs() <= want.2 * 1e-3,
            "{want:?} drawn as {got:?}"
        );
    }
}

//! When a SYN is dropped, the client's kernel sends it again by itself: when, exactly?
//!
//! Lesson 8 (and lesson 4) say what a client meets when a server's accept queue is full:
//! Linux drops the SYN without an answer, and the client's kernel retransmits it on a
//! schedule of its own until there is room or it gives up. This test measures that schedule
//! instead of quoting it. A listener with the tutorial's backlog of 5 is filled with 6
//! finished handshakes that nobody accepts; a seventh client starts a non-blocking connect;
//! the test then watches that socket's own count of segments sent (`TCP_INFO`, through
//! `common::tcp_send_counters`) and notes the moment each SYN went out again.
//!
//! Run it with `cargo test -p socket-lessons --test syn_retries -- --nocapture` to see the
//! times measured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Linux: since 6.5 (`tcp_syn_linear_timeouts`, default 4), the first SYN retransmissions
/// are one second apart, one more than that setting says (the kernel's own description:
/// "1,1,1,1,1,2,4,..."), and only then does the wait double. Without that setting (older
/// kernels) the wait doubles from the start: 1, 2, 4 s. The whole schedule takes over two
/// minutes (retransmissions at about 1, 2, 3, 4, 5, 7, 11, 19, 35 and 69 s, then ETIMEDOUT),
/// so the test watches the first 7.6 s: enough to see the linear part and the first doubled
/// wait on a new kernel, or three doubled waits on an old one.
///
/// macOS and Windows are left out. macOS drops the SYN at a full queue as Linux does, but
/// Apple documents no retransmission schedule to assert. Windows does not drop it: it
/// answers with a reset, so `connect` is refused and there is nothing to retransmit
/// (lesson 4).
#[cfg(target_os = "linux")]
#[test]
fn a_dropped_syn_is_sent_again_on_linuxs_schedule_one_second_apart_then_doubling() {
    use std::net::{SocketAddr, TcpStream};
    use std::time::{Duration, Instant};

    use socket2::{Domain, Protocol, Socket, Type};
    use test_support::tcp_connect;

    /// How long the test watches.
    const WATCH: Duration = Duration::from_millis(7600);
    /// A SYN goes out when its timer fires; the test sees it at its next look, every 5 ms,
    /// later still on a machine busy with other work.
    const LATE: Duration = Duration::from_millis(500);
    const EARLY: Duration = Duration::from_millis(100);

    let listener = common::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    // Backlog 5: six finished handshakes wait, and nobody accepts them.
    let _waiting: Vec<TcpStream> = (0..=common::BACKLOG).map(|_| tcp_connect(addr)).collect();

    let overflows_before = listen_overflows();
    let client = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    client.set_nonblocking(true).unwrap();
    // The first SYN leaves inside connect(), which returns "in progress" at once.
    let connecting = client.connect(&addr.into());
    let started = Instant::now();
    assert_eq!(
        connecting.map_err(|err| err.raw_os_error()),
        Err(Some(115)), // EINPROGRESS
        "a non-blocking connect to a full queue is neither done nor refused at once"
    );
    let client: TcpStream = client.into();

    let mut resent = Vec::new();
    let mut sent = segments_out(&client);
    assert_eq!(sent, 1, "one SYN is out");
    while started.elapsed() < WATCH {
        let now = segments_out(&client);
        if now > sent {
            // Two SYNs between two looks would be two retransmissions a few ms apart:
            // not a schedule of seconds. Record each; the comparison below will fail.
            for _ in sent..now {
                resent.push(started.elapsed());
            }
            sent = now;
        }
        std::thread::sleep(Duration::from_millis(5));
    }

    let linear = linear_timeouts();
    let expected = expected_schedule(linear, WATCH - LATE);
    let seconds = |times: &[Duration]| -> Vec<String> {
        times
            .iter()
            .map(|t| format!("{:.2}", t.as_secs_f64()))
            .collect()
    };
    println!(
        "tcp_syn_linear_timeouts = {linear:?}; SYN sent again after {:?} s (expected {:?} s)",
        seconds(&resent),
        seconds(&expected)
    );
    assert_eq!(
        resent.len(),
        expected.len(),
        "retransmissions at {:?} s, expected at {:?} s",
        seconds(&resent),
        seconds(&expected)
    );
    for (got, want) in resent.iter().zip(&expected) {
        assert!(
            *got + EARLY >= *want && *got <= *want + LATE,
            "retransmissions at {:?} s, expected at {:?} s",
            seconds(&resent),
            seconds(&expected)
        );
    }
    // The kernel counted every one of those SYNs as a listen-queue overflow (a machine-wide
    // counter: other programs can only add to it).
    let overflows = listen_overflows() - overflows_before;
    assert!(
        overflows > resent.len() as u64,
        "TcpExt ListenOverflows rose by {overflows} for {} SYNs dropped",
        resent.len() + 1
    );
    // Still waiting: the client is in SYN-SENT, neither connected nor failed.
    assert_eq!(
        client.take_error().unwrap().map(|err| err.to_string()),
        None
    );
    drop(listener);

    /// Segments this socket has sent: SYNs only, while it is connecting.
    fn segments_out(stream: &TcpStream) -> u64 {
        common::tcp_send_counters(stream).unwrap().segments_out
    }

    /// `net.ipv4.tcp_syn_linear_timeouts`, or `None` on a kernel before 6.5 that has none.
    fn linear_timeouts() -> Option<u32> {
        let text = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_syn_linear_timeouts").ok()?;
        Some(text.trim().parse().unwrap())
    }

    /// When each retransmission is due, counted from the first SYN, up to `until`. The wait
    /// starts at the initial retransmission timeout, 1 s (RFC 6298); it stays 1 s for the
    /// first `linear + 1` waits, and doubles after each later one.
    fn expected_schedule(linear: Option<u32>, until: Duration) -> Vec<Duration> {
        let linear_waits = linear.map_or(0, |n| n + 1);
        let mut times = Vec::new();
        let (mut at, mut wait) = (Duration::ZERO, Duration::from_secs(1));
        for n in 1.. {
            at += wait;
            if at > until {
                break;
            }
            times.push(at);
            if n >= linear_waits {
                wait *= 2;
            }
        }
        times
    }

    /// The kernel's count of SYNs dropped because an accept queue was full
    /// (`TcpExt: ListenOverflows` in /proc/net/netstat; `nstat -az TcpExtListenOverflows`).
    fn listen_overflows() -> u64 {
        let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap();
        let mut lines = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
        let (names, values) = (lines.next().unwrap(), lines.next().unwrap());
        let at = names
            .split_whitespace()
            .position(|name| name == "ListenOverflows")
            .unwrap();
        values.split_whitespace().nth(at).unwrap().parse().unwrap()
    }
}

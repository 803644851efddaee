//! What happens to SYNs at a listener whose queues are full, measured rather than quoted.
//!
//! Lesson 8 (and lesson 4) say what a client meets when a server's accept queue is full:
//! Linux drops the SYN without an answer, and the client's kernel retransmits it on a
//! schedule of its own until there is room or it gives up. The first test measures that
//! schedule. A listener with the tutorial's backlog of 5 is filled with 6 finished handshakes
//! that nobody accepts; a seventh client starts a non-blocking connect; the test then watches
//! that socket's own count of segments sent (`TCP_INFO`, through `test_support::tcp_send_counters`)
//! and notes the moment each SYN went out again. The second test shows the other queue:
//! handshakes still half-open count against the same backlog, and past it Linux answers with
//! SYN cookies.
//!
//! Run them with `cargo test -p socket-lessons --test syn_retries -- --nocapture` to see the
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

    let overflows_before = netstat("ListenOverflows");
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
    let overflows = netstat("ListenOverflows") - overflows_before;
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
        test_support::tcp_send_counters(stream)
            .unwrap()
            .segments_out
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
}

/// Linux: half-open handshakes (SYN answered, final ACK not yet taken) are counted against
/// the listen backlog too, and once there are more of them than the backlog, the next SYNs
/// are answered with SYN cookies: the server keeps no entry for them at all.
///
/// On loopback a handshake is half-open for microseconds, so the listener here keeps them
/// half-open on purpose: `TCP_DEFER_ACCEPT` tells Linux to hold a finished handshake back
/// until its first data arrives. The standard library and socket2 have no setter for it, and
/// the workspace keeps `unsafe` to three expressions (see the root Cargo.toml), so the listener is three lines of
/// Python (where python3 is missing, the test says so and does not run). Ten clients connect
/// and send nothing. The first six (backlog 5, and one more) stay half-open: not accepted. The
/// other four get cookies: with no entry to hold back, their final ACK builds the connection
/// straight from the cookie, and the listener accepts them at once, data or not. When the
/// first six then send a byte, they are accepted too: they were waiting, not dropped.
#[cfg(target_os = "linux")]
#[test]
fn half_open_handshakes_beyond_the_backlog_are_answered_with_syn_cookies() {
    use std::io::Write;
    use std::net::{SocketAddr, TcpStream};

    use test_support::{Running, Stream, tcp_connect};

    let cookies = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_syncookies").unwrap();
    if cookies.trim() != "1" {
        eprintln!(
            "NOTICE: net.ipv4.tcp_syncookies is {} here, not 1 (the default): SYN cookies \
             are not sent only under pressure, so this test did not run",
            cookies.trim()
        );
        return;
    }
    let Some(mut python) = test_support::python3("the SYN cookies test") else {
        return;
    };
    let listener = "import socket\n\
        s = socket.socket()\n\
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 30)\n\
        s.bind(('127.0.0.1', 0))\n\
        s.listen(5)\n\
        print(s.getsockname()[1], flush=True)\n\
        held = []\n\
        while True:\n    \
            conn, peer = s.accept()\n    \
            held.append(conn)\n    \
            print('accepted', peer[1], flush=True)\n";
    python.args(["-c", listener]);
    let server = Running::spawn(python);
    let port: u16 = server
        .expect_line(Stream::Stdout, |_| true)
        .parse()
        .unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));

    let before = netstat("TCPReqQFullDoCookies");
    // Each connect returns once its SYN-ACK came back: for the client, it is connected.
    let mut clients: Vec<TcpStream> = (0..10).map(|_| tcp_connect(addr)).collect();
    let port_of = |client: &TcpStream| client.local_addr().unwrap().port();
    let accepted = |n: usize| -> Vec<u16> {
        (0..n)
            .map(|_| {
                let line = server.expect_stdout("accepted");
                line["accepted ".len()..].parse().unwrap()
            })
            .collect()
    };

    // Backlog 5: six half-open handshakes are held; the four after them got cookies and are
    // accepted although they sent nothing.
    let held = (common::BACKLOG + 1) as usize;
    let mut first = accepted(clients.len() - held);
    first.sort();
    let mut cookie_clients: Vec<u16> = clients[held..].iter().map(port_of).collect();
    cookie_clients.sort();
    assert_eq!(
        first, cookie_clients,
        "the first connections accepted are not the four beyond the six held half-open"
    );
    let sent = netstat("TCPReqQFullDoCookies") - before;
    assert!(
        sent >= cookie_clients.len() as u64,
        "TcpExt TCPReqQFullDoCookies rose by {sent} for {} clients",
        cookie_clients.len()
    );

    // The six held ones were waiting, not dropped: their first byte completes them.
    for client in &mut clients[..held] {
        client.write_all(b"x").unwrap();
    }
    let mut later = accepted(held);
    later.sort();
    let mut held_clients: Vec<u16> = clients[..held].iter().map(port_of).collect();
    held_clients.sort();
    assert_eq!(later, held_clients);
}

/// A counter of the `TcpExt:` lines of /proc/net/netstat (what `nstat -az TcpExtNAME` shows,
/// e.g. `ListenOverflows`, SYNs dropped because an accept queue was full): machine-wide, so
/// other programs can only add to it.
#[cfg(target_os = "linux")]
fn netstat(name: &str) -> u64 {
    let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap();
    let mut lines = netstat.lines().filter(|l| l.starts_with("TcpExt:"));
    let (names, values) = (lines.next().unwrap(), lines.next().unwrap());
    let at = names.split_whitespace().position(|n| n == name).unwrap();
    values.split_whitespace().nth(at).unwrap().parse().unwrap()
}

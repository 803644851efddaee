//! The tutorial's closing notes on TCP and UDP, claim by claim, against what the operating
//! system really does.
//!
//! The tutorial ends with fifteen short statements comparing TCP and UDP. Some are right, some
//! are half right and some are wrong. Each test below is named after what really happens, and
//! its doc comment quotes the claim (in our words), gives the verdict and says why. The
//! README's table "What the tutorial says, and what really happens" links here.
//!
//! Run them with `cargo test -p socket-lessons --test claims`.
//!
//! How the tests stay deterministic: every read has a timeout; waiting for something that must
//! NOT happen uses [`QUIET`] (a read timeout that is expected to expire); every other wait uses
//! [`DEADLINE`]. A state that no socket call can wait for (a thread asleep in `recvfrom`, a
//! SYN sent again, bytes acknowledged) is polled from what the kernel reports, within
//! [`DEADLINE`]. Only on macOS and Windows, which cannot show that another thread is blocked,
//! does one test wait a fixed [`QUIET`] (`recvfrom_blocks_until_a_datagram_arrives`). All
//! traffic stays on 127.0.0.1 and every port is 0 (the OS picks a free one), except the
//! address where nobody listens, which `test_support::unused_udp_addr` takes from below the
//! range the OS picks from, so that no test running in parallel can be given it. Where Linux,
//! macOS and Windows differ, each one's behaviour is asserted under `cfg`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use socket2::{Domain, Protocol, SockRef, Socket, Type};
use test_support::{
    DEADLINE, Gap, QUIET, assert_no_datagram, recv, tcp_connect, udp_socket, udp_socket_at,
    unused_udp_addr, wine_gap,
};

/// Raw error numbers that the standard library has no `io::ErrorKind` for.
mod os {
    #[cfg(target_os = "linux")]
    pub const EOPNOTSUPP: i32 = 95;
    #[cfg(target_os = "linux")]
    pub const EMSGSIZE: i32 = 90;

    #[cfg(target_os = "macos")]
    pub const EOPNOTSUPP: i32 = 102;
    #[cfg(target_os = "macos")]
    pub const EMSGSIZE: i32 = 40;

    /// Winsock's own numbers (WSAEOPNOTSUPP, WSAEMSGSIZE, WSAEINVAL).
    #[cfg(windows)]
    pub const EOPNOTSUPP: i32 = 10045;
    #[cfg(windows)]
    pub const EMSGSIZE: i32 = 10040;
    #[cfg(windows)]
    pub const EINVAL: i32 = 10022;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Both ends of one TCP connection on loopback; reads and writes time out after [`DEADLINE`].
fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = tcp_connect(listener.local_addr().unwrap());
    // The connection is already established (it waits in the backlog), so accept returns at once.
    let (server, _) = listener.accept().unwrap();
    server.set_read_timeout(Some(DEADLINE)).unwrap();
    server.set_write_timeout(Some(DEADLINE)).unwrap();
    (client, server)
}

/// Did the read give up because its timeout ran out (the socket was blocked until then)?
fn timed_out<T: std::fmt::Debug>(result: io::Result<T>) -> bool {
    match result {
        Err(err) => common::is_timeout(&err),
        Ok(got) => panic!("expected the read to block until its timeout, but it returned {got:?}"),
    }
}

/// Asserts that a TCP read blocks for [`QUIET`] without returning anything, not even the
/// zero bytes of end of file; restores the stream's read timeout.
fn assert_tcp_read_blocks(stream: &TcpStream) {
    let before = stream.read_timeout().unwrap();
    stream.set_read_timeout(Some(QUIET)).unwrap();
    let result = (&*stream).read(&mut [0u8; 1024]);
    stream.set_read_timeout(before).unwrap();
    assert!(timed_out(result), "the read failed instead of blocking");
}

/// One `read` into a 1024-byte buffer, like the tutorial's `recv(1024)`.
fn read_once(stream: &TcpStream) -> Vec<u8> {
    let mut buf = [0u8; common::BUFFER_SIZE];
    let n = (&*stream).read(&mut buf).unwrap();
    buf[..n].to_vec()
}

/// An unbound IPv4 UDP socket, as the tutorial's client makes it: `socket(AF_INET, SOCK_DGRAM)`.
fn unbound_udp_socket() -> Socket {
    Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Claim 1: UDP is connectionless
// ---------------------------------------------------------------------------------------------

/// Claim 1 (tutorial): UDP is connectionless: either side may start first and nothing reports
/// an error.
///
/// Verdict (claim 1): half true.
///
/// Why: the client's `sendto` succeeds with no server running, and the server can start later
/// without either side noticing. But what was sent before the server bound its port is gone
/// for good: it does not wait anywhere. The test shows where it went: a second, connected
/// socket sends the same way and is told ECONNREFUSED, the receiving kernel's ICMP "port
/// unreachable", so the datagram reached the host and was thrown away there. And "nothing reports an error" holds on Linux and
/// macOS only: on Windows the ICMP "port unreachable" for the early datagram makes the
/// client's next `recvfrom` fail with WSAECONNRESET, even on an unconnected socket.
#[test]
fn udp_either_side_may_start_first_but_datagrams_sent_before_the_server_binds_are_lost() {
    let client = udp_socket();
    let server_addr = unused_udp_addr();

    // The client starts first: its send succeeds although nobody has the port.
    assert_eq!(client.send_to(b"too early", server_addr).unwrap(), 9);

    // Lost, not waiting somewhere: the datagram reached this host, found no socket on the
    // port and was thrown away there. An unconnected socket is not told; a connected one
    // (connect() only records the peer) hears the receiving kernel's ICMP "port
    // unreachable" as ECONNREFUSED (WSAECONNRESET on Windows).
    let probe = udp_socket();
    probe.connect(server_addr).unwrap();
    assert_eq!(probe.send(b"too early too").unwrap(), 13);
    expect_port_unreachable_on_next_recv(&probe);

    // The server starts afterwards, at that very address: neither early datagram is there.
    let server = udp_socket_at(server_addr);
    assert_no_datagram(&server);

    // From now on both sides talk normally.
    client.send_to(b"on time", server_addr).unwrap();
    let (got, from) = recv(&server);
    assert_eq!(got, b"on time");
    assert_eq!(from, client.local_addr().unwrap());
    server.send_to(b"welcome", from).unwrap();

    // Windows reports the early datagram's ICMP error to the client's next receive.
    #[cfg(windows)]
    if !wine_gap(Gap::PortUnreachableNotReported) {
        let err = client.recv_from(&mut [0u8; 64]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
    }
    assert_eq!(recv(&client).0, b"welcome");
}

// ---------------------------------------------------------------------------------------------
// Claim 2: no backlog, no listen/accept
// ---------------------------------------------------------------------------------------------

/// Claim 2 (tutorial): UDP has no backlog and no listen/accept.
///
/// Verdict (claim 2): true.
///
/// Why: Rust's `UdpSocket` has no `listen` or `accept` at all. Asking the OS directly (socket2
/// on a datagram socket) is refused: `listen` fails with EOPNOTSUPP everywhere (the socket
/// type does not support listen: Linux and macOS listen(2), Winsock's WSAEOPNOTSUPP);
/// `accept` fails with EOPNOTSUPP on Linux and macOS (accept(2) on both: the socket is not of
/// type SOCK_STREAM), and on Windows with one of the two errors Winsock's `accept` page lists
/// for this case (WSAEOPNOTSUPP, not a connection-oriented socket; or WSAEINVAL, listen was
/// not called). Datagrams from any number of senders simply queue in the one socket's receive
/// buffer (see claim 6).
#[test]
fn udp_socket_refuses_listen_and_accept() {
    let socket = unbound_udp_socket();
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    socket.bind(&addr.into()).unwrap();

    let err = socket.listen(common::BACKLOG).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(os::EOPNOTSUPP), "listen: {err}");

    let err = socket.accept().unwrap_err();
    #[cfg(unix)]
    assert_eq!(err.raw_os_error(), Some(os::EOPNOTSUPP), "accept: {err}");
    // Winsock documents both for this case: "not a connection-oriented socket" and "listen
    // was not called".
    #[cfg(windows)]
    assert!(
        [Some(os::EOPNOTSUPP), Some(os::EINVAL)].contains(&err.raw_os_error()),
        "accept: {err}"
    );

    // It is still a perfectly good UDP socket.
    let socket: UdpSocket = socket.into();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    let sender = udp_socket();
    sender
        .send_to(b"still works", socket.local_addr().unwrap())
        .unwrap();
    assert_eq!(recv(&socket).0, b"still works");
}

// ---------------------------------------------------------------------------------------------
// Claim 3: the server binds, the client is bound implicitly
// ---------------------------------------------------------------------------------------------

/// Claim 3 (tutorial): a UDP server must bind; a client gets its address implicitly.
///
/// Verdict (claim 3): true.
///
/// Why: a client has to know where to send, so the server binds a known port. The client's
/// socket has no port until its first `sendto`, which binds it to the wildcard address and an
/// ephemeral port the OS picks; the server sees that address as the sender and can reply to
/// it. (Before that first send, Linux and macOS report the address 0.0.0.0:0; Windows refuses
/// to report an address for an unbound socket, WSAEINVAL.)
#[test]
fn udp_client_is_bound_to_an_ephemeral_port_by_its_first_send() {
    let server = udp_socket();
    let client = unbound_udp_socket();

    #[cfg(unix)]
    {
        let before = client.local_addr().unwrap().as_socket().unwrap();
        assert_eq!(before, "0.0.0.0:0".parse().unwrap());
    }
    #[cfg(windows)]
    {
        let err = client.local_addr().unwrap_err();
        assert_eq!(err.raw_os_error(), Some(os::EINVAL), "{err}");
    }

    client
        .send_to(b"hello", &server.local_addr().unwrap().into())
        .unwrap();
    let after = client.local_addr().unwrap().as_socket().unwrap();
    assert!(after.ip().is_unspecified(), "bound to {after}");
    assert_ne!(after.port(), 0);

    let (got, from) = recv(&server);
    assert_eq!(got, b"hello");
    assert_eq!(from.port(), after.port());

    // The implicit address is a real one: the reply reaches the client.
    server.send_to(b"hi back", from).unwrap();
    let client: UdpSocket = client.into();
    client.set_read_timeout(Some(DEADLINE)).unwrap();
    assert_eq!(recv(&client).0, b"hi back");
}

// ---------------------------------------------------------------------------------------------
// Claim 4: empty sends
// ---------------------------------------------------------------------------------------------

/// Claim 4 (tutorial), UDP half: an empty UDP send is delivered and received as an empty
/// message.
///
/// Verdict (claim 4): true.
///
/// Why: a datagram is a message with boundaries, and a message of zero bytes is still a
/// message: it travels as a UDP packet with an empty payload, wakes the receiver, and takes up
/// exactly one `recvfrom`, which returns 0 bytes and the sender's address.
#[test]
fn empty_udp_datagram_is_received_as_zero_bytes() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    let to = receiver.local_addr().unwrap();

    assert_eq!(sender.send_to(b"", to).unwrap(), 0);
    sender.send_to(b"after", to).unwrap();

    let mut buf = [0u8; common::BUFFER_SIZE];
    let (n, from) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(n, 0);
    assert_eq!(from, sender.local_addr().unwrap());
    // The empty datagram was one whole message: the next receive is the next datagram.
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"after");
}

/// Claim 4 (tutorial), TCP half: an empty TCP send sends nothing and the peer's recv keeps
/// blocking.
///
/// Verdict (claim 4): true.
///
/// Why: TCP carries a stream of bytes, and zero bytes add nothing to it. `write(b"")` returns
/// 0 and puts no segment on the wire, so the peer's read goes on blocking. (That is lucky: a
/// read that returned 0 bytes would mean "the peer closed", see claim 7.)
///
/// A blocked reader cannot tell "no segment" from "a segment with no data" (an empty segment
/// would not wake it either), so the test asks the sender's kernel what it sent: on Linux
/// TCP_INFO's `tcpi_segs_out` and `tcpi_bytes_sent` (tcp(7)), on macOS TCP_CONNECTION_INFO's
/// packet and byte counts (`test_support::tcp_send_counters`). Neither moves for the empty write;
/// both move for the one real byte after it, which shows the counters do see a write. Windows
/// keeps such counters too (SIO_TCP_INFO), but the course does not bind that call, so there
/// only the blocked reader is checked.
#[test]
fn empty_tcp_write_sends_nothing_and_the_peer_keeps_blocking() {
    let (client, server) = tcp_pair();
    #[cfg(any(target_os = "linux", target_vendor = "apple"))]
    let before = test_support::tcp_send_counters(&client).unwrap();

    assert_eq!((&client).write(b"").unwrap(), 0);
    assert_tcp_read_blocks(&server);
    #[cfg(any(target_os = "linux", target_vendor = "apple"))]
    {
        let after = test_support::tcp_send_counters(&client).unwrap();
        assert_eq!(after.segments_out, before.segments_out, "a segment left");
        assert_eq!(after.bytes_out, before.bytes_out, "data left");
    }

    // The next real byte is all that arrives, and the counters see it go.
    (&client).write_all(b"x").unwrap();
    assert_eq!(read_once(&server), b"x");
    #[cfg(any(target_os = "linux", target_vendor = "apple"))]
    {
        let after = test_support::tcp_send_counters(&client).unwrap();
        assert!(after.segments_out > before.segments_out, "{after:?}");
        assert_eq!(after.bytes_out, before.bytes_out + 1, "{after:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Claim 5: does recvfrom block?
// ---------------------------------------------------------------------------------------------

/// Claim 5 (tutorial): "If the receive buffer is empty, recvfrom does not block; it receives an
/// empty message."
///
/// Verdict (claim 5): false.
///
/// Why: a blocking socket (the default, and the tutorial's) waits in `recvfrom` until a
/// datagram arrives; here the wait ends only because the test set a read timeout, and a
/// datagram sent later is received normally. An empty message only ever comes from an empty
/// datagram (claim 4). The tutorial probably mixed this up with its own client sending `b''`.
#[test]
fn recvfrom_blocks_until_a_datagram_arrives() {
    let receiver = udp_socket();
    receiver.set_read_timeout(Some(QUIET)).unwrap();

    let started = Instant::now();
    let result = receiver.recv_from(&mut [0u8; common::BUFFER_SIZE]);
    let waited = started.elapsed();
    assert!(timed_out(result));
    // It really waited (allowing for coarse timer rounding), rather than returning at once.
    assert!(waited >= QUIET / 2, "returned after only {waited:?}");

    // A receiver blocked in another thread wakes up when the datagram comes. The datagram
    // goes out only once that thread is asleep inside recvfrom, so it cannot simply find the
    // datagram already waiting.
    receiver.set_read_timeout(Some(DEADLINE)).unwrap();
    let waiter = receiver.try_clone().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let blocked = thread::spawn(move || {
        ready_tx.send(this_thread()).unwrap();
        recv(&waiter).0
    });
    wait_until_blocked_in_recvfrom(ready_rx.recv_timeout(DEADLINE).unwrap());
    udp_socket()
        .send_to(b"wake up", receiver.local_addr().unwrap())
        .unwrap();
    assert_eq!(blocked.join().unwrap(), b"wake up");
}

/// What [`wait_until_blocked_in_recvfrom`] needs to find a thread: on Linux its
/// `/proc/<pid>/task/<tid>` directory, read through `/proc/thread-self` (proc(5)).
#[cfg(target_os = "linux")]
fn this_thread() -> std::path::PathBuf {
    std::path::Path::new("/proc").join(std::fs::read_link("/proc/thread-self").unwrap())
}
#[cfg(not(target_os = "linux"))]
fn this_thread() -> thread::ThreadId {
    thread::current().id()
}

/// Waits (bounded) until the thread sleeps inside the recvfrom system call. Linux shows it
/// in /proc (proc(5)): the state in `stat` is `S` (sleeping) and `syscall` starts with the
/// number of the call it sleeps in (recvfrom is 45 on x86_64, 207 on aarch64). macOS and
/// Windows have no such window into another thread; there the test can only wait until the
/// thread is about to call recvfrom and then for [`QUIET`], which leaves it time to get in.
#[cfg(target_os = "linux")]
fn wait_until_blocked_in_recvfrom(task: std::path::PathBuf) {
    let recvfrom = if cfg!(target_arch = "x86_64") {
        Some("45")
    } else if cfg!(target_arch = "aarch64") {
        Some("207")
    } else {
        None
    };
    let until = Instant::now() + DEADLINE;
    loop {
        let stat = std::fs::read_to_string(task.join("stat")).unwrap_or_default();
        // The state is the field after the command name, which is in parentheses.
        let state = stat.rsplit_once(") ").map(|(_, rest)| &rest[..1]);
        let syscall = std::fs::read_to_string(task.join("syscall")).unwrap_or_default();
        let call = syscall.split_whitespace().next();
        if state == Some("S") && (recvfrom.is_none() || call == recvfrom) {
            return;
        }
        assert!(
            Instant::now() < until,
            "the receiving thread never blocked in recvfrom: state {state:?}, syscall {syscall:?}"
        );
        thread::yield_now();
    }
}
#[cfg(not(target_os = "linux"))]
fn wait_until_blocked_in_recvfrom(_: thread::ThreadId) {
    thread::sleep(QUIET);
}

/// Claim 5 (tutorial), continued: what a receive that does not block returns.
///
/// Verdict (claim 5): false.
///
/// Why: not blocking is something a program asks for (`set_nonblocking(true)`, or Python's
/// `setblocking(False)`), and then an empty buffer gives an error, EWOULDBLOCK (Python raises
/// `BlockingIOError`), never an empty message.
#[test]
fn nonblocking_recvfrom_on_an_empty_buffer_fails_with_would_block() {
    let receiver = udp_socket();
    receiver.set_nonblocking(true).unwrap();
    let err = receiver
        .recv_from(&mut [0u8; common::BUFFER_SIZE])
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Claim 6: one client at a time (TCP) against many (UDP)
// ---------------------------------------------------------------------------------------------

/// Claim 6 (tutorial), TCP half: the TCP server as written serves one client at a time.
///
/// Verdict (claim 6): half true. This half is true for the tutorial's server: it is the
/// server's loop, not TCP, that decides.
///
/// Why: the second client's connect succeeds at once, because the OS completes the handshake
/// and parks the connection in the listen backlog (5 in the tutorial) before any `accept`. But
/// its request gets no answer while the server is busy in the first client's receive loop; the
/// answer comes as soon as the first client leaves and the server accepts the next one. A
/// server with a thread per connection would serve both at once.
///
/// The server is the course's own port of the tutorial's TCP server, `many-clients-iterative`
/// (lesson 8), run as a student runs it. "Only after" is not inferred from the silence: the
/// server logs `new client ADDR` when `accept` returns and `ADDR left` when a client's
/// conversation ends, and its log shows the second client accepted after the first left.
#[test]
fn tcp_server_with_one_accept_loop_answers_the_second_client_only_after_the_first_leaves() {
    let server = test_support::start_server(test_support::cargo_bin("many-clients-iterative"), &[]);
    let addr = server.addr;

    let first = tcp_connect(addr);
    (&first).write_all(b"first").unwrap();
    assert_eq!(read_once(&first), b"FIRST");
    let first_addr = first.local_addr().unwrap();

    // The connect succeeds (the backlog holds it), the request waits unanswered.
    let second = tcp_connect(addr);
    let second_addr = second.local_addr().unwrap();
    (&second).write_all(b"second").unwrap();
    assert_tcp_read_blocks(&second);

    // The first client leaves: now the server gets round to the second one.
    drop(first);
    assert_eq!(read_once(&second), b"SECOND");
    server.expect_stdout(&format!("new client {second_addr}"));

    // The server's own account: accepted the first, the first left, then accepted the second.
    let log = server.seen(test_support::Stream::Stdout);
    let at = |wanted: &str| {
        log.iter()
            .position(|line| line.starts_with(wanted))
            .unwrap_or_else(|| panic!("no log line {wanted:?} in {log:#?}"))
    };
    let accepted_first = at(&format!("new client {first_addr}"));
    let first_left = at(&format!("{first_addr} left"));
    let accepted_second = at(&format!("new client {second_addr}"));
    assert!(
        accepted_first < first_left && first_left < accepted_second,
        "{log:#?}"
    );
}

/// Claim 6 (tutorial), TCP half, continued: what the backlog of 5 really holds (the tutorial's
/// `listen(back_log)`, which it describes as the pool of "hanging half-connections").
///
/// Verdict (claim 6): half true. This test is about the backlog the tutorial's server listens
/// with, which the tutorial pictures the old way.
///
/// Why: since Linux 2.2 the backlog counts *completed* connections waiting for `accept`
/// (listen(2)). Half-open ones (SYN received, SYN-ACK sent) are, since Linux 4.4, compared
/// with the same backlog (min(backlog, somaxconn)); past it Linux answers with SYN cookies,
/// its default, and `net.ipv4.tcp_max_syn_backlog` matters only with cookies off. (BSD's
/// original backlog bounded incomplete plus completed connections, times 3/2.) Linux lets the queue hold one more than the backlog: with
/// `listen(5)`, six clients finish their handshake and their `connect` succeeds, though
/// nobody accepts. The seventh client's SYN is dropped, not refused: no RST comes back, its
/// `connect` just does not finish, and its kernel sends the SYN again (after 1 s; the next
/// gaps depend on `net.ipv4.tcp_syn_linear_timeouts`, 1 s each here, and then double). As
/// soon as the server accepts one connection, the next retry gets in. (FreeBSD and macOS
/// size the queue differently; Winsock's `listen` page says a full queue refuses the client
/// with WSAECONNREFUSED. So this test runs on Linux only.)
#[cfg(target_os = "linux")]
#[test]
fn tcp_listen_5_holds_6_finished_handshakes_and_the_7th_syn_is_dropped_then_retried() {
    let listener = common::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(common::BACKLOG, 5);
    let addr = listener.local_addr().unwrap();

    // Six connects succeed with nobody calling accept.
    let waiting: Vec<TcpStream> = (0..6).map(|_| tcp_connect(addr)).collect();

    // The seventh: no answer, and no refusal either, within QUIET.
    let err = TcpStream::connect_timeout(&addr, QUIET).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");

    // Another seventh, patient this time. Its kernel keeps count of the segments it sent:
    // wait until it has sent its SYN a second time, which shows the first one was dropped
    // without an answer and that the client retries by itself.
    let patient = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    let watch: TcpStream = patient.try_clone().unwrap().into();
    let connecting = thread::spawn(move || {
        patient
            .connect_timeout(&addr.into(), DEADLINE)
            .map(|()| TcpStream::from(patient))
    });
    let until = Instant::now() + DEADLINE;
    let started = Instant::now();
    while test_support::tcp_send_counters(&watch)
        .unwrap()
        .segments_out
        < 2
    {
        assert!(
            Instant::now() < until,
            "the 7th client never sent its SYN again"
        );
        thread::sleep(std::time::Duration::from_millis(5));
    }
    let resent = started.elapsed();
    // Make room: the next retry gets in.
    let (first, _) = listener.accept().unwrap();
    let seventh = connecting.join().unwrap().unwrap();
    println!(
        "the 7th client sent its SYN again after {resent:?}; it got in {:?} after the first accept",
        started.elapsed() - resent
    );
    // All six that waited, and the seventh, are accepted in the order they connected.
    let mut accepted = vec![first.peer_addr().unwrap()];
    for _ in 0..6 {
        accepted.push(listener.accept().unwrap().1);
    }
    let mut expected: Vec<SocketAddr> = waiting.iter().map(|s| s.local_addr().unwrap()).collect();
    expected.push(seventh.local_addr().unwrap());
    assert_eq!(accepted, expected);
}

/// Claim 6 (tutorial), UDP half: the UDP server serves many clients at once because there is
/// no connection.
///
/// Verdict (claim 6): half true. This half is true: clients take turns in any order.
///
/// Why: with no connection to hold on to, one socket receives from every client, and each
/// reply goes back to whichever address the datagram came from, so clients can take turns in
/// any order. But "at once" it is not: the server handles one datagram at a time (see
/// `udp_datagrams_from_other_clients_wait_in_the_one_receive_queue_while_the_server_is_busy`).
#[test]
fn udp_server_answers_interleaved_clients_without_any_connection() {
    // Lesson 1's server, run as a student runs it.
    let server =
        test_support::start_server(test_support::cargo_bin("udp-echo-server"), &["--quiet"]);
    let addr = server.addr;

    let (a, b) = (udp_socket(), udp_socket());
    // Both send twice before either reads: neither waits for the other to finish, and each
    // gets its own replies, in order, and nobody else's.
    a.send_to(b"a1", addr).unwrap();
    b.send_to(b"b1", addr).unwrap();
    a.send_to(b"a2", addr).unwrap();
    b.send_to(b"b2", addr).unwrap();
    assert_eq!(recv(&b).0, b"B1");
    assert_eq!(recv(&a).0, b"A1");
    assert_eq!(recv(&a).0, b"A2");
    assert_eq!(recv(&b).0, b"B2");
    // Then turns in any order.
    b.send_to(b"b3", addr).unwrap();
    assert_eq!(recv(&b).0, b"B3");
    a.send_to(b"a3", addr).unwrap();
    assert_eq!(recv(&a).0, b"A3");
    test_support::assert_no_datagram(&a);
    test_support::assert_no_datagram(&b);
}

/// Claim 6 (tutorial), UDP half, continued: what the OS does with datagrams from several
/// clients while nobody reads.
///
/// Verdict (claim 6): half true.
///
/// Why: a UDP socket has one receive queue, shared by every sender. While nobody calls
/// `recvfrom` on it (here the test holds the socket and simply does not read), the OS keeps
/// the clients' datagrams in that queue, oldest first, whoever sent them: a peek shows them
/// waiting, and the waiting client gets nothing. They come out one at a time, in the order
/// they arrived. This test proves the queue, with real sockets and no server program; the
/// next one shows lesson 1's real server going through it.
#[test]
fn udp_socket_keeps_datagrams_from_every_client_in_one_queue_in_arrival_order() {
    let server = udp_socket();
    let addr = server.local_addr().unwrap();
    let (slow, a, b) = (udp_socket(), udp_socket(), udp_socket());

    slow.send_to(b"slow", addr).unwrap();
    let (got, slow_addr) = recv(&server);
    assert_eq!(got, b"slow");

    // The server is busy with "slow". Two other clients send, a then b then a again.
    a.send_to(b"a1", addr).unwrap();
    b.send_to(b"b1", addr).unwrap();
    a.send_to(b"a2", addr).unwrap();
    // The OS holds them for the server: the oldest is a's first, waiting to be read.
    let mut buf = [0u8; 64];
    let (n, from) = server.peek_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"a1"[..], a.local_addr().unwrap()));
    // Nobody answers a meanwhile.
    assert_no_datagram(&a);

    // The server finishes with slow, then takes the queue in arrival order, across clients.
    server.send_to(b"SLOW", slow_addr).unwrap();
    assert_eq!(recv(&slow).0, b"SLOW");
    for (expected, sender) in [(&b"a1"[..], &a), (b"b1", &b), (b"a2", &a)] {
        let (got, from) = recv(&server);
        assert_eq!(
            (got.as_slice(), from),
            (expected, sender.local_addr().unwrap())
        );
    }
    assert_no_datagram(&server);
}

/// Claim 6 (tutorial), UDP half, continued: lesson 1's real server, busy, and its waiting
/// clients.
///
/// Verdict (claim 6): half true.
///
/// Why: the server's one loop handles one datagram at a time; while it is busy the other
/// clients wait. To make `udp-echo-server` "busy" without changing it, the test stops it with
/// SIGSTOP (what Ctrl-Z does) and waits until Linux shows the process stopped (state `T` in
/// /proc/PID/stat). Then two clients send, a, b, a: nobody is answered. After SIGCONT the server
/// answers all three, and its log shows the order it served them in: arrival order, across
/// clients. (Linux only: it reads /proc; `kill` is the standard tool.)
#[cfg(target_os = "linux")]
#[test]
fn udp_datagrams_from_other_clients_wait_in_the_one_receive_queue_while_the_server_is_busy() {
    use std::process::Command;
    let server = test_support::start_server(test_support::cargo_bin("udp-echo-server"), &[]);
    let addr = server.addr;
    let pid = server.id().to_string();
    let kill = |signal: &str| {
        let status = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(status.success(), "kill {signal} {pid} failed");
    };
    let state = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // pid (comm) STATE ...: the state follows the last ')'.
        stat.rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };

    kill("-STOP");
    let until = Instant::now() + DEADLINE;
    while state() != "T" {
        assert!(Instant::now() < until, "the server never stopped");
        thread::sleep(std::time::Duration::from_millis(5));
    }

    let (a, b) = (udp_socket(), udp_socket());
    a.send_to(b"a1", addr).unwrap();
    b.send_to(b"b1", addr).unwrap();
    a.send_to(b"a2", addr).unwrap();
    assert_no_datagram(&a);
    assert_no_datagram(&b);

    kill("-CONT");
    assert_eq!(recv(&a).0, b"A1");
    assert_eq!(recv(&b).0, b"B1");
    assert_eq!(recv(&a).0, b"A2");

    // The log, written out after 50 ms without a datagram, names each sender in turn.
    server.expect_stdout("b'a2'");
    let served: Vec<String> = server
        .seen(test_support::Stream::Stdout)
        .into_iter()
        .filter(|line| line.starts_with("from "))
        .collect();
    let (a, b) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    assert_eq!(
        served,
        [
            format!("from {a}: b'a1'"),
            format!("from {b}: b'b1'"),
            format!("from {a}: b'a2'"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Claim 7: TCP recv blocks; after the peer leaves it returns empty
// ---------------------------------------------------------------------------------------------

/// Claim 7 (tutorial), first half: TCP recv blocks while the receive buffer is empty.
///
/// Verdict (claim 7): half true. This half is true.
///
/// Why: a blocking TCP read waits until at least one byte arrives (or the peer closes, or the
/// read timeout this test sets runs out).
#[test]
fn tcp_read_blocks_while_the_receive_buffer_is_empty() {
    let (client, server) = tcp_pair();
    assert_tcp_read_blocks(&server);
    (&client).write_all(b"now").unwrap();
    assert_eq!(read_once(&server), b"now");
}

/// Claim 7 (tutorial), second half: when the other side disconnects, recv returns empty at
/// once.
///
/// Verdict (claim 7): half true. True for a normal close; a reset gives an error instead.
///
/// Why: closing sends a FIN; the peer's read then returns whatever was still buffered and after
/// that 0 bytes, "end of file", immediately and every time after, even on a non-blocking
/// socket. That 0 is the only way TCP says "the peer is done", which is why an empty send cannot
/// mean anything in TCP (claim 4). An abortive close (a reset) gives an error instead, see
/// `tcp_read_after_the_peer_resets_fails_with_connection_reset`.
#[test]
fn tcp_read_returns_zero_bytes_at_once_after_the_peer_closes() {
    let (client, server) = tcp_pair();
    (&client).write_all(b"last words").unwrap();
    drop(client);

    assert_eq!(read_once(&server), b"last words");
    assert_eq!(read_once(&server), b"");
    // End of file is permanent and never makes the reader wait.
    server.set_nonblocking(true).unwrap();
    assert_eq!((&server).read(&mut [0u8; 16]).unwrap(), 0);
    assert_eq!((&server).read(&mut [0u8; 16]).unwrap(), 0);
}

/// Claim 7 (tutorial), continued: "if one end disconnects, the other end's connection is
/// disconnected too".
///
/// Verdict (claim 7): half true. This is the half that is false.
///
/// Why: a TCP connection is two independent directions. `shutdown(Write)` ends only the
/// closer's direction: it sends a FIN, the peer reads end of file, but the peer may go on
/// sending, and the half-closed side still receives it. A `close()` is not a half-close: it
/// ends both directions, and data the peer sends after it is answered with a reset (see
/// `tcp_write_to_a_closed_peer_fails_with_an_error_instead_of_killing_the_process`).
#[test]
fn tcp_half_close_ends_one_direction_only() {
    let (client, server) = tcp_pair();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_once(&server), b"");

    (&server).write_all(b"still listening").unwrap();
    let mut buf = [0u8; 15];
    (&client).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"still listening");
}

// ---------------------------------------------------------------------------------------------
// Claim 8: a buffer smaller than the datagram
// ---------------------------------------------------------------------------------------------

/// Claim 8 (tutorial): if recvfrom's buffer is smaller than the datagram, data is lost.
///
/// Verdict (claim 8): true (how it is reported depends on the OS).
///
/// Why: one `recvfrom` takes one whole datagram; what does not fit in the buffer is thrown
/// away, and the next `recvfrom` gets the next datagram. Linux and macOS cut silently: the
/// call returns the buffer's length as if nothing happened. Windows fills the buffer too but
/// makes the call fail with WSAEMSGSIZE, which a careless program treats as a crash.
#[test]
fn datagram_longer_than_the_buffer_is_cut_and_the_rest_is_lost() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    let to = receiver.local_addr().unwrap();
    sender.send_to(&[b'x'; 1500], to).unwrap();
    sender.send_to(b"next", to).unwrap();

    let mut buf = [0u8; common::BUFFER_SIZE];
    let result = receiver.recv_from(&mut buf);
    #[cfg(not(windows))]
    assert_eq!(result.unwrap().0, common::BUFFER_SIZE);
    #[cfg(windows)]
    assert_eq!(result.unwrap_err().raw_os_error(), Some(os::EMSGSIZE));
    assert!(buf.iter().all(|&b| b == b'x'));

    // The other 476 bytes are gone: the next receive is the next datagram.
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"next");
}

/// Claim 8 (tutorial), continued: can a program tell that it lost the end of a datagram?
///
/// Verdict (claim 8): true, and the loss can be detected.
///
/// Why: the OS marks a cut datagram with the MSG_TRUNC flag (socket2 turns Windows'
/// WSAEMSGSIZE into the same flag), and Linux can also say how long the datagram really was.
/// `guard::recv_datagram` reads both, so the course's servers can log the loss.
#[test]
fn cut_datagram_is_flagged_as_truncated() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    sender
        .send_to(&[b'x'; 1500], receiver.local_addr().unwrap())
        .unwrap();

    let got = guard::recv_datagram(&receiver, &mut [0u8; common::BUFFER_SIZE]).unwrap();
    assert_eq!(got.len, common::BUFFER_SIZE);
    assert!(got.truncated);
    #[cfg(target_os = "linux")]
    assert_eq!(got.full_len, Some(1500));
    #[cfg(not(target_os = "linux"))]
    assert_eq!(got.full_len, None);
}

// ---------------------------------------------------------------------------------------------
// Claim 9: sending while nobody reads
// ---------------------------------------------------------------------------------------------

/// Claim 9 (tutorial): if data is sent while nobody is calling recvfrom, it is lost.
///
/// Verdict (claim 9): half true. This is the half that is false: a bound socket whose buffer has
/// room keeps the datagram.
///
/// Why: a datagram for a bound socket waits in that socket's receive buffer until someone
/// reads it, however late; nobody has to be inside `recvfrom` at the moment it arrives. It is
/// lost only when no socket has the port
/// (`datagram_to_an_unbound_port_vanishes_without_error`) or the buffer is full
/// (`datagrams_beyond_a_full_receive_buffer_are_dropped_and_the_first_ones_kept`).
#[test]
fn datagram_sent_before_anyone_reads_waits_in_the_receive_buffer() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    let to = receiver.local_addr().unwrap();
    for message in [&b"one"[..], b"two", b"three"] {
        sender.send_to(message, to).unwrap();
    }

    // Only now does anybody read, and everything is there, in order.
    assert_eq!(recv(&receiver).0, b"one");
    assert_eq!(recv(&receiver).0, b"two");
    assert_eq!(recv(&receiver).0, b"three");
}

/// Claim 9 (tutorial), continued, and claim 10: with no receiver the datagrams are lost, and the
/// sender can go on sending.
///
/// Verdict (claim 9 and claim 10): half true. This is the half that is true: no socket has the
/// port.
///
/// Why: every `sendto` succeeds, because UDP only hands the packet to the network. Nobody
/// keeps it: the OS at the other end answers with an ICMP "port unreachable" and drops it, and
/// a receiver that binds the port later gets nothing. An unconnected sender hears nothing about
/// it on Linux and macOS (its `recvfrom` just blocks until the timeout); on Windows its next
/// `recvfrom` fails with WSAECONNRESET.
#[test]
fn datagram_to_an_unbound_port_vanishes_without_error() {
    let sender = udp_socket();
    let nobody = unused_udp_addr();
    for i in 0..100u32 {
        assert_eq!(sender.send_to(&i.to_be_bytes(), nobody).unwrap(), 4);
    }

    sender.set_read_timeout(Some(QUIET)).unwrap();
    let result = sender.recv_from(&mut [0u8; 64]);
    #[cfg(not(windows))]
    assert!(timed_out(result));
    #[cfg(windows)]
    if !wine_gap(Gap::PortUnreachableNotReported) {
        assert_eq!(result.unwrap_err().kind(), io::ErrorKind::ConnectionReset);
    }

    let late_receiver = udp_socket_at(nobody);
    assert_no_datagram(&late_receiver);
}

/// Claim 9 (tutorial), continued: a datagram that finds the receive buffer full is lost.
///
/// Verdict (claim 9): half true. This is the half that is true: the receiver's buffer overflows.
///
/// Why: the receive buffer has a fixed size (SO_RCVBUF; set small here, and Linux doubles it
/// and enforces a minimum). Once the unread datagrams fill it, the OS drops every further one
/// and tells nobody: the sender's `sendto` still succeeds. The first datagrams, already in the
/// buffer, are kept. UDP has no flow control to slow the sender down (compare TCP in
/// `tcp_sender_stops_when_the_receive_buffer_is_full_so_no_byte_is_lost`).
#[test]
fn datagrams_beyond_a_full_receive_buffer_are_dropped_and_the_first_ones_kept() {
    const SENT: u32 = 200;
    let receiver = unbound_udp_socket();
    receiver.set_recv_buffer_size(4096).unwrap();
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    receiver.bind(&addr.into()).unwrap();
    let rcvbuf = receiver.recv_buffer_size().unwrap();
    let receiver: UdpSocket = receiver.into();
    let to = receiver.local_addr().unwrap();

    // Send far more than fits (200 x 512 bytes = 100 KiB) before anybody reads.
    let sender = udp_socket();
    for i in 0..SENT {
        let mut datagram = [0u8; 512];
        datagram[..4].copy_from_slice(&i.to_be_bytes());
        assert_eq!(sender.send_to(&datagram, to).unwrap(), 512);
    }

    // Now read until nothing more comes.
    receiver.set_read_timeout(Some(QUIET)).unwrap();
    let mut arrived = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match receiver.recv_from(&mut buf) {
            Ok((n, _)) => {
                assert_eq!(n, 512);
                arrived.push(u32::from_be_bytes(buf[..4].try_into().unwrap()));
            }
            Err(err) if common::is_timeout(&err) => break,
            Err(err) => panic!("receive failed: {err}"),
        }
    }
    println!(
        "SO_RCVBUF reads back as {rcvbuf} bytes; {} of {SENT} datagrams of 512 bytes arrived",
        arrived.len()
    );

    assert!(!arrived.is_empty(), "not even the first datagram was kept");
    assert!(arrived.len() < SENT as usize, "nothing was dropped");
    // The ones kept are the first ones, in order: the later ones found the buffer full.
    let expected: Vec<u32> = (0..arrived.len() as u32).collect();
    assert_eq!(arrived, expected);
}

// ---------------------------------------------------------------------------------------------
// Claim 10: a UDP sender needs no receiver
// ---------------------------------------------------------------------------------------------

/// Claim 10 (tutorial): a UDP sender can keep sending without any receiver; the client does not
/// depend on the server.
///
/// Verdict (claim 10): half true.
///
/// Why: an unconnected socket's sends all succeed with nobody listening (see
/// `datagram_to_an_unbound_port_vanishes_without_error`), but everything it sends is lost, and
/// a client that waits for a reply blocks until its timeout: the tutorial's client, which has
/// none, hangs forever. And a *connected* UDP socket does hear about the missing receiver:
/// the ICMP "port unreachable" makes its next receive fail with ECONNREFUSED (Linux, macOS) or
/// WSAECONNRESET (Windows).
#[test]
fn connected_udp_socket_is_told_that_nobody_has_the_port() {
    let client = udp_socket();
    client.connect(unused_udp_addr()).unwrap();
    assert_eq!(client.send(b"anyone there?").unwrap(), 13);
    expect_port_unreachable_on_next_recv(&client);
}

/// The next receive of `connected`, a connected UDP socket whose datagram found no socket at
/// its peer, fails with the ICMP "port unreachable" as the OS names it: ECONNREFUSED (Linux,
/// macOS) or WSAECONNRESET (Windows, where Wine reports it).
fn expect_port_unreachable_on_next_recv(connected: &UdpSocket) {
    let expected = if cfg!(windows) {
        io::ErrorKind::ConnectionReset
    } else {
        io::ErrorKind::ConnectionRefused
    };
    if cfg!(windows) && wine_gap(Gap::PortUnreachableNotReported) {
        return;
    }
    let err = connected.recv(&mut [0u8; 64]).unwrap_err();
    assert_eq!(err.kind(), expected, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Claim 11: does closing crash the peer?
// ---------------------------------------------------------------------------------------------

/// Claim 11 (tutorial): in TCP, either side closing the connection crashes the other side's
/// program.
///
/// Verdict (claim 11): half true. A close never crashes the peer; a write after it can kill
/// a Unix process that leaves SIGPIPE at its default (see
/// `tcp_write_to_a_closed_peer_kills_a_process_by_sigpipe_unless_it_ignores_it_and_gets_epipe`).
///
/// Why: a normal close by either side is a FIN, and the other side's read returns 0 bytes, end
/// of file. The program decides what to do with it. Here both directions are shown on raw
/// sockets, and then on the course's real programs: a client that closes leaves
/// `many-clients-iterative` (the tutorial's TCP server) logging `left` and serving the next
/// client, and a server that closes makes `tcp-remote-cmd-client` say so on stderr and exit
/// with a status of its own choosing (1), not killed by a signal. Python programs "crash" only
/// when they leave an error such as ConnectionResetError unhandled.
#[test]
fn tcp_close_by_either_side_gives_the_other_end_of_file_and_real_programs_carry_on() {
    let (client, server) = tcp_pair();
    drop(client);
    assert_eq!(read_once(&server), b"");

    let (client, server) = tcp_pair();
    drop(server);
    assert_eq!(read_once(&client), b"");

    // The client closes: the real server logs it and serves the next client.
    let iterative =
        test_support::start_server(test_support::cargo_bin("many-clients-iterative"), &[]);
    let leaving = tcp_connect(iterative.addr);
    let leaving_addr = leaving.local_addr().unwrap();
    (&leaving).write_all(b"bye").unwrap();
    assert_eq!(read_once(&leaving), b"BYE");
    drop(leaving);
    iterative.expect_stdout(&format!("{leaving_addr} left"));
    let next = tcp_connect(iterative.addr);
    (&next).write_all(b"next").unwrap();
    assert_eq!(read_once(&next), b"NEXT");

    // The server closes: the real client reports it and exits normally.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let mut client = test_support::Running::spawn({
        let mut command =
            std::process::Command::new(test_support::cargo_bin("tcp-remote-cmd-client"));
        command.args(["--server", &addr]);
        command
    });
    let (conn, _) = listener.accept().unwrap();
    drop(conn);
    client.write_line("echo hi");
    let status = client.expect_exit();
    assert_eq!(status.code(), Some(1), "{}", client.transcript());
    client.expect_stderr("ended");
}

/// Claim 11 (tutorial), continued: an abortive close.
///
/// Verdict (claim 11): half true. This is the half that is false: a reset is an error value,
/// not a crash.
///
/// Why: closing with SO_LINGER set to 0 sends a reset (RST) instead of a FIN. The peer's read
/// then fails with ECONNRESET (WSAECONNRESET on Windows): an error value the program can
/// handle, not a crash. This is also what a peer sees when a process dies with unread data.
#[test]
fn tcp_read_after_the_peer_resets_fails_with_connection_reset() {
    let (client, server) = tcp_pair();
    reset_and_expect_the_peer_to_read_a_reset(client, &server);
}

/// Closes `closing` with a reset, and asserts that `peer`'s next read fails with
/// ConnectionReset (where Wine shows the reset at all).
fn reset_and_expect_the_peer_to_read_a_reset(closing: TcpStream, peer: &TcpStream) {
    test_support::close_with_reset(closing);
    let result = (&*peer).read(&mut [0u8; 64]);
    if !wine_gap(Gap::LingerZeroResetNotSeen) {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err}");
    }
}

/// Claim 11 (tutorial), continued: writing to a peer that has gone.
///
/// Verdict (claim 11): half true. This is the half that is true, on Unix.
///
/// Why: the first write after the peer closed still succeeds (the kernel cannot know yet); the
/// peer's kernel answers it with a reset, and the next writes fail. On Unix such a write also
/// raises SIGPIPE, and SIGPIPE's default action is to end the process: shown here by `yes`, a
/// C program that leaves SIGPIPE alone, writing into a socket whose peer has closed; it dies of
/// signal 13. (Rust's `Command` gives a child SIGPIPE at its default even though the test
/// process ignores it.) A process that ignores SIGPIPE gets the error EPIPE instead (or
/// ECONNRESET): Rust's runtime ignores it at start-up, and so does Python, which raises
/// BrokenPipeError. The test writes with plain write(2), as `yes` does, so that what spares it
/// is the ignored signal, not the MSG_NOSIGNAL flag Rust's own `TcpStream` sends with. Windows
/// has no SIGPIPE: the write fails with WSAECONNABORTED or WSAECONNRESET.
#[test]
fn tcp_write_to_a_closed_peer_kills_a_process_by_sigpipe_unless_it_ignores_it_and_gets_epipe() {
    // A process with SIGPIPE at its default: killed by the signal (Unix).
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        use std::process::{Command, Stdio};

        let (client, server) = tcp_pair();
        drop(server);
        assert_eq!(read_once(&client), b"");
        // `yes` prints "y" forever into its stdout, which is the socket.
        let stdout = std::os::fd::OwnedFd::from(client);
        let mut yes = Command::new("yes")
            .stdin(Stdio::null())
            .stdout(Stdio::from(stdout))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let until = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = yes.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > until {
                let _ = yes.kill();
                panic!("yes kept writing for {DEADLINE:?} after the peer closed");
            }
            thread::sleep(std::time::Duration::from_millis(5));
        };
        const SIGPIPE: i32 = 13; // the same number on Linux and macOS
        assert_eq!(status.signal(), Some(SIGPIPE), "{status}");
    }

    // This process ignores SIGPIPE (Rust's runtime does): the write fails with an error.
    let (client, server) = tcp_pair();
    drop(server);
    // Wait for the FIN, so the peer has certainly closed.
    assert_eq!(read_once(&client), b"");
    // Plain write(2) on Unix, like `yes`: no MSG_NOSIGNAL to hide behind.
    #[cfg(unix)]
    let writer = std::fs::File::from(std::os::fd::OwnedFd::from(client));
    #[cfg(windows)]
    let writer = client;

    assert_eq!((&writer).write(b"hello?").unwrap(), 6);
    // The reset comes back within moments; keep writing until the error shows (bounded).
    let until = Instant::now() + DEADLINE;
    let err = loop {
        match (&writer).write(b"x") {
            Ok(_) if Instant::now() < until => continue,
            Ok(_) => panic!("writes kept succeeding for {DEADLINE:?} after the peer closed"),
            Err(err) => break err,
        }
    };
    #[cfg(unix)]
    let expected = [io::ErrorKind::BrokenPipe, io::ErrorKind::ConnectionReset];
    #[cfg(windows)]
    let expected = [
        io::ErrorKind::ConnectionAborted,
        io::ErrorKind::ConnectionReset,
    ];
    assert!(expected.contains(&err.kind()), "{err} ({:?})", err.kind());
}

// ---------------------------------------------------------------------------------------------
// Claim 12: one recvfrom, one datagram
// ---------------------------------------------------------------------------------------------

/// Claim 12 (tutorial): each recvfrom takes exactly one datagram: with fewer sends than
/// receives the receiver blocks; UDP never has sticky packets, but can lose data.
///
/// Verdict (claim 12): true.
///
/// Why: UDP keeps message boundaries. Three datagrams queued before any read come out as three
/// receives, never glued together and never split, and a fourth receive blocks (here until
/// its timeout). Loss is the price (claims 8 and 9); on a real network datagrams can also
/// arrive out of order or twice, which loopback never shows.
#[test]
fn each_recvfrom_takes_exactly_one_datagram_and_an_extra_one_blocks() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    let to = receiver.local_addr().unwrap();
    for message in [&b"a"[..], b"bb", b"ccc"] {
        sender.send_to(message, to).unwrap();
    }

    let mut buf = [0u8; common::BUFFER_SIZE];
    for expected in [&b"a"[..], b"bb", b"ccc"] {
        let (n, _) = receiver.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], expected);
    }
    receiver.set_read_timeout(Some(QUIET)).unwrap();
    assert!(timed_out(receiver.recv_from(&mut buf)));
}

// ---------------------------------------------------------------------------------------------
// Claim 13: TCP is reliable but sticky
// ---------------------------------------------------------------------------------------------

/// Claim 13 (tutorial), second half: TCP has sticky packets.
///
/// Verdict (claim 13): half true. This half, sticky packets, is true.
///
/// Why: TCP carries a byte stream with no message boundaries. Three writes that are all in the
/// receiver's buffer before it reads come out of one read as one run of bytes; the receiver
/// cannot tell where one message ended. (Even with Nagle's algorithm off, so that each write
/// left as its own segment.) Programs must frame messages themselves: a length prefix or a
/// delimiter.
#[test]
fn tcp_writes_arrive_glued_together_in_one_read() {
    let (client, server) = tcp_pair();
    client.set_nodelay(true).unwrap();
    for message in [&b"one"[..], b"two", b"three"] {
        (&client).write_all(message).unwrap();
    }

    // Wait (bounded) until all 11 bytes are in the receive buffer, without taking any.
    let mut buf = [0u8; common::BUFFER_SIZE];
    let until = Instant::now() + DEADLINE;
    while server.peek(&mut buf).unwrap() < 11 {
        assert!(Instant::now() < until, "the bytes never all arrived");
        thread::yield_now();
    }

    assert_eq!(read_once(&server), b"onetwothree");
}

/// Claim 13 (tutorial), second half, continued: the other face of a byte stream.
///
/// Verdict (claim 13): half true. This half, sticky packets, is true.
///
/// Why: just as writes can be glued, one write can be split. TCP moves a write in pieces no
/// larger than what the receiver has room for (its window), and the reader takes whatever has
/// arrived. Here both ends keep the buffer sizes the OS gives them (no SO_RCVBUF, no
/// SO_SNDBUF), and one write of 32 MiB, more than any system's default receive buffer grows
/// to (Linux's `tcp_rmem` maximum is 6 MiB, macOS's socket buffers stop at 8 MiB), reaches a
/// reader whose buffer could hold all of it in several reads, never all at once. A reader
/// that expects one write to be one read breaks as soon as a message is bigger than the
/// room the receiver has.
#[test]
fn one_tcp_write_arrives_in_several_reads_with_default_buffers() {
    const LEN: usize = 32 * 1024 * 1024;
    let (client, server) = tcp_pair();
    let rcvbuf = SockRef::from(&server).recv_buffer_size().unwrap();

    let pattern = |i: usize| (i % 251) as u8;
    let message: Vec<u8> = (0..LEN).map(pattern).collect();
    // One write: a blocking write returns once the kernel has taken every byte.
    let writer = thread::spawn(move || (&client).write(&message).unwrap());

    let mut got = vec![0u8; LEN];
    let mut reads = Vec::new();
    let mut have = 0;
    while have < LEN {
        let n = (&server).read(&mut got[have..]).unwrap();
        assert_ne!(n, 0, "end of stream after {have} bytes");
        reads.push(n);
        have += n;
    }
    assert_eq!(
        writer.join().unwrap(),
        LEN,
        "the write took only part of the message"
    );
    println!(
        "one write of {LEN} bytes took {} reads (receive buffer {rcvbuf} bytes at the start); \
         the largest read returned {} bytes",
        reads.len(),
        reads.iter().max().unwrap()
    );
    assert!(reads.len() > 1, "{reads:?}");
    assert!(got.iter().enumerate().all(|(i, &b)| b == pattern(i)));
}

/// Claim 13 (tutorial), first half: TCP never loses data thanks to ACKs and the sender's buffer.
///
/// Verdict (claim 13): half true. This half is true while the connection lives.
///
/// Why: unlike UDP, a full receive buffer never drops TCP data: the receiver advertises a
/// zero window, the sender keeps the bytes in its own buffer, and once that is full too the
/// sender's write stops (here, a non-blocking write says "would block"). When the reader
/// catches up, every byte arrives, in order.
#[test]
fn tcp_sender_stops_when_the_receive_buffer_is_full_so_no_byte_is_lost() {
    let (client, server) = tcp_pair();
    SockRef::from(&server).set_recv_buffer_size(4096).unwrap();
    SockRef::from(&client).set_send_buffer_size(4096).unwrap();
    let pattern = |i: usize| (i % 251) as u8;

    // Write without reading until the OS refuses to take more (bounded at 64 MiB).
    client.set_nonblocking(true).unwrap();
    let mut sent = 0usize;
    let mut chunk = [0u8; 1024];
    loop {
        assert!(sent < 64 << 20, "the sender was never stopped");
        for (k, byte) in chunk.iter_mut().enumerate() {
            *byte = pattern(sent + k);
        }
        match (&client).write(&chunk) {
            Ok(n) => sent += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
            Err(err) => panic!("write failed: {err}"),
        }
    }
    println!("the sender was stopped after {sent} bytes");

    // Every byte the sender was allowed to write arrives, in order, and nothing else.
    let mut got = vec![0u8; sent];
    (&server).read_exact(&mut got).unwrap();
    assert!(got.iter().enumerate().all(|(i, &b)| b == pattern(i)));
    assert_tcp_read_blocks(&server);
}

/// Claim 13 (tutorial), first half, continued: "TCP never loses data".
///
/// Verdict (claim 13): half true. This is the half that is false: a reset loses data.
///
/// Why: an ACK only says that the peer's *kernel* has the bytes, and a successful write only
/// says that the sender's kernel took them. Here the receiver's kernel holds the order, and
/// the sender's kernel shows it acknowledged: its send queue is empty, so it keeps no copy to
/// send again (Linux TCP_INFO also counts the 8 bytes acked; macOS TCP_CONNECTION_INFO shows
/// the send buffer empty). Then the receiver resets the connection without its program ever
/// reading the order: the bytes are gone, and the sender learns only that the connection was
/// reset, not what was read. A reset also throws away whatever is still in the resetting
/// side's send buffer. (On Windows, whose counters the course does not read, the test shows
/// the bytes arrived and the reset, not the acknowledgement.)
#[test]
fn tcp_bytes_acknowledged_but_unread_are_lost_when_the_receiver_resets() {
    let (client, server) = tcp_pair();
    #[cfg(any(target_os = "linux", target_vendor = "apple"))]
    let before = test_support::tcp_send_counters(&client).unwrap();
    assert_eq!((&client).write(b"order #1").unwrap(), 8);

    // The bytes are in the receiver's kernel buffer (peeking does not take them)...
    let mut buf = [0u8; 8];
    let mut have = 0;
    let until = Instant::now() + DEADLINE;
    while have < 8 {
        assert!(Instant::now() < until, "the bytes never arrived");
        have = server.peek(&mut buf).unwrap();
    }
    assert_eq!(&buf, b"order #1");

    // ...and the sender's kernel has them acknowledged: nothing is left to send again.
    #[cfg(any(target_os = "linux", target_vendor = "apple"))]
    {
        let until = Instant::now() + DEADLINE;
        let acked = loop {
            let now = test_support::tcp_send_counters(&client).unwrap();
            if now.send_queue_empty {
                break now;
            }
            assert!(Instant::now() < until, "never acknowledged: {now:?}");
            thread::yield_now();
        };
        assert_eq!(acked.bytes_out, before.bytes_out + 8, "{acked:?}");
        if let (Some(then), Some(now)) = (before.bytes_acked, acked.bytes_acked) {
            assert_eq!(now - then, 8, "{acked:?}");
        }
    }

    // ...but the receiver resets instead of reading them.
    reset_and_expect_the_peer_to_read_a_reset(server, &client);
}

// ---------------------------------------------------------------------------------------------
// Claim 14: copy or cut?
// ---------------------------------------------------------------------------------------------

/// Claim 14 (tutorial): recv does not cut data out of the buffer, it copies it from kernel
/// space to user space.
///
/// Verdict (claim 14): half true.
///
/// Why: "copies from kernel space to user space" is right. "Does not cut" is wrong for a normal
/// recv: the bytes it returns are removed from the kernel's buffer, and the next recv gets the
/// next bytes (or blocks). Only a peek (MSG_PEEK) copies without removing: peeking twice shows
/// the same bytes.
#[test]
fn tcp_recv_removes_what_it_returns_while_a_peek_leaves_it() {
    let (client, server) = tcp_pair();
    (&client).write_all(b"hello").unwrap();

    let mut buf = [0u8; 5];
    let until = Instant::now() + DEADLINE;
    while server.peek(&mut buf).unwrap() < 5 {
        assert!(Instant::now() < until, "the bytes never arrived");
    }
    assert_eq!(server.peek(&mut buf).unwrap(), 5);
    assert_eq!(&buf, b"hello");

    assert_eq!(read_once(&server), b"hello");
    assert_tcp_read_blocks(&server);
}

/// Claim 14 (tutorial), for UDP.
///
/// Verdict (claim 14): half true.
///
/// Why: as for TCP: `recvfrom` copies the datagram out and removes it, while a peek
/// (`peek_from`, MSG_PEEK) copies it and leaves it for the next receive.
#[test]
fn udp_recvfrom_removes_the_datagram_while_a_peek_leaves_it() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    sender
        .send_to(b"hello", receiver.local_addr().unwrap())
        .unwrap();

    let mut buf = [0u8; common::BUFFER_SIZE];
    for _ in 0..2 {
        let (n, from) = receiver.peek_from(&mut buf).unwrap();
        assert_eq!(
            (&buf[..n], from),
            (&b"hello"[..], sender.local_addr().unwrap())
        );
    }
    assert_eq!(recv(&receiver).0, b"hello");
    assert_no_datagram(&receiver);
}

// ---------------------------------------------------------------------------------------------
// Claim 15: does a UDP server need error handling?
// ---------------------------------------------------------------------------------------------

/// Claim 15 (tutorial): the UDP server needs no error handling because there is no connection
/// to break.
///
/// Verdict (claim 15): false.
///
/// Why: on Windows, when the server replies to a client that has already gone, the ICMP "port
/// unreachable" makes the server's *next* `recvfrom` fail with WSAECONNRESET, even though the
/// socket is unconnected; a server without error handling dies there. (The standard cure on
/// Windows is the SIO_UDP_CONNRESET ioctl, set to FALSE, which stops these reports; the
/// course instead receives again, `common::is_stale_icmp_error`.) Linux and macOS do not
/// report ICMP errors to unconnected sockets by default (Linux only with IP_RECVERR, ip(7)),
/// so there the reply just vanishes. And on Windows, the tutorial's own system, a datagram
/// longer than `recvfrom(1024)`'s buffer fails the call with WSAEMSGSIZE (WinError 10040)
/// instead of being cut silently, which kills the tutorial's UDP servers just as surely (see
/// `datagram_longer_than_the_buffer_is_cut_and_the_rest_is_lost`).
#[test]
fn udp_reply_to_a_departed_client_breaks_the_next_recvfrom_on_windows_only() {
    let server = udp_socket();
    let addr = server.local_addr().unwrap();

    let departed = udp_socket();
    departed.send_to(b"question", addr).unwrap();
    let (_, from) = recv(&server);
    drop(departed);
    // The reply itself succeeds: UDP does not know the client has gone.
    assert_eq!(server.send_to(b"answer", from).unwrap(), 6);

    server.set_read_timeout(Some(QUIET)).unwrap();
    let result = server.recv_from(&mut [0u8; 64]);
    #[cfg(windows)]
    if !wine_gap(Gap::PortUnreachableNotReported) {
        let err = result.unwrap_err();
        assert!(common::is_stale_icmp_error(&err), "{err}");
    }
    #[cfg(not(windows))]
    assert!(timed_out(result));

    // A server that handles (or ignores) the error serves the next client normally.
    server.set_read_timeout(Some(DEADLINE)).unwrap();
    let next = udp_socket();
    next.send_to(b"next", addr).unwrap();
    assert_eq!(recv(&server).0, b"next");
}

/// Claim 15 (tutorial), continued: sending can fail too.
///
/// Verdict (claim 15): false.
///
/// Why: a UDP datagram over IPv4 holds at most 65,507 bytes (65,535 for the IP packet, less
/// 20 for the IPv4 header and 8 for UDP's); a bigger `sendto` fails with EMSGSIZE
/// (WSAEMSGSIZE on Windows). The limit is IPv4's: see
/// `udp_over_ipv6_carries_65527_bytes_so_65507_is_the_ipv4_limit`. The tutorial's UDP remote-command server would meet this
/// the first time a command's output is larger, and without error handling it would stop.
/// (macOS by default refuses datagrams above 9,216 bytes already.)
#[test]
fn udp_send_of_more_than_65507_bytes_fails_with_message_too_long() {
    let (sender, receiver) = (udp_socket(), udp_socket());
    let too_big = vec![0u8; common::MAX_UDP_PAYLOAD_V4 + 1];
    let err = sender
        .send_to(&too_big, receiver.local_addr().unwrap())
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(os::EMSGSIZE), "{err}");
    assert_no_datagram(&receiver);
}

/// Claim 15 (tutorial), continued: where the 65,507-byte limit comes from.
///
/// Verdict (claim 15): false.
///
/// Why: IPv6's length field counts only the payload after its 40-byte header, so a UDP
/// datagram over IPv6 can carry 65,535 - 8 = 65,527 bytes, 20 more than over IPv4 (RFC 8200;
/// jumbograms, RFC 2675, need a link with a larger MTU than any loopback has). On `::1` the
/// 65,527 bytes arrive whole; one byte more fails with EMSGSIZE. A machine without IPv6 on
/// loopback skips the test with a NOTICE.
#[test]
fn udp_over_ipv6_carries_65527_bytes_so_65507_is_the_ipv4_limit() {
    const MAX_UDP_PAYLOAD_V6: usize = 65_535 - 8;
    let Ok(receiver) = UdpSocket::bind("[::1]:0") else {
        eprintln!(
            "NOTICE: no IPv6 loopback (::1) here, so the IPv6 datagram limit was not checked"
        );
        return;
    };
    receiver.set_read_timeout(Some(DEADLINE)).unwrap();
    SockRef::from(&receiver)
        .set_recv_buffer_size(4 * MAX_UDP_PAYLOAD_V6)
        .unwrap();
    let to = receiver.local_addr().unwrap();
    let sender = udp_socket_at("[::1]:0");

    let biggest = vec![b'6'; MAX_UDP_PAYLOAD_V6];
    assert_eq!(sender.send_to(&biggest, to).unwrap(), MAX_UDP_PAYLOAD_V6);
    let mut buf = vec![0u8; MAX_UDP_PAYLOAD_V6 + 1];
    let (n, _) = receiver.recv_from(&mut buf).unwrap();
    assert_eq!(n, MAX_UDP_PAYLOAD_V6);
    assert!(n > common::MAX_UDP_PAYLOAD_V4);

    let err = sender
        .send_to(&vec![b'6'; MAX_UDP_PAYLOAD_V6 + 1], to)
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(os::EMSGSIZE), "{err}");
}

//! The ntp-time server as students run it: the real binary on port 0, driven over real UDP
//! sockets from the test, in the tutorial's text protocol and as real SNTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::process::Command as StdCommand;

use chrono::{Local, NaiveDateTime};
use ntp_time_sntp::{Measurement, Packet, Timestamp};
use test_support::{Running, Server, Stream, recv, round_trip, start_server, udp_socket};

const SERVER: &str = env!("CARGO_BIN_EXE_ntp-time-server");

fn text_server() -> Server {
    start_server(SERVER, &[])
}

fn sntp_server() -> Server {
    let server = start_server(SERVER, &["--sntp"]);
    server.expect_stdout("answering SNTP");
    server
}

/// Sends `format`, returns the reply as text.
fn ask(client: &UdpSocket, format: &[u8], server: SocketAddr) -> String {
    String::from_utf8(round_trip(client, format, server)).expect("replies are UTF-8")
}

/// Asks for `format` and checks the reply is the local time in that format, read just
/// before or just after the request (the second may tick in between).
fn assert_formats_now(client: &UdpSocket, server: SocketAddr, format: &str) -> String {
    let before = Local::now().format(format).to_string();
    let reply = ask(client, format.as_bytes(), server);
    let after = Local::now().format(format).to_string();
    assert!(
        reply == before || reply == after,
        "{format:?}: got {reply:?}, expected {before:?} or {after:?}"
    );
    reply
}

/// The server is still serving: a plain format still gets the year.
fn assert_still_answers(client: &UdpSocket, server: SocketAddr) {
    assert_formats_now(client, server, "%Y");
}

#[test]
fn an_empty_datagram_gets_the_current_local_time_as_yyyy_mm_dd_hh_mm_ss() {
    let server = text_server();
    let client = udp_socket();
    let reply = ask(&client, b"", server.addr);

    // The shape: 19 characters, digits where the format puts digits.
    assert_eq!(reply.len(), 19, "{reply:?}");
    for (i, c) in reply.chars().enumerate() {
        match i {
            4 | 7 => assert_eq!(c, '-', "{reply:?}"),
            10 => assert_eq!(c, ' ', "{reply:?}"),
            13 | 16 => assert_eq!(c, ':', "{reply:?}"),
            _ => assert!(c.is_ascii_digit(), "{reply:?}"),
        }
    }
    // The value: this machine's local time, within a couple of seconds.
    let time = NaiveDateTime::parse_from_str(&reply, "%Y-%m-%d %H:%M:%S").unwrap();
    let drift = (Local::now().naive_local() - time).num_seconds().abs();
    assert!(drift <= 2, "{reply} is {drift} s away from the local time");
    server.expect_stdout(": b''");
}

#[test]
fn a_format_gets_the_local_time_in_that_format() {
    let server = text_server();
    let client = udp_socket();
    assert_formats_now(&client, server.addr, "%m-%d-%Y");
    assert_formats_now(&client, server.addr, "%H:%M");
    assert_formats_now(&client, server.addr, "%A, %d %B %Y");
    // Text without any directive comes back as it is; %% is a literal percent sign.
    assert_eq!(
        ask(&client, b"no directives here", server.addr),
        "no directives here"
    );
    assert_eq!(ask(&client, b"100%%", server.addr), "100%");
}

#[test]
fn utf8_text_around_the_directives_passes_through() {
    let server = text_server();
    let client = udp_socket();
    let reply = assert_formats_now(&client, server.addr, "%Y年%m月%d日");
    assert!(reply.ends_with('日') && reply.contains('年'), "{reply}");
    assert_formats_now(&client, server.addr, "⏰ %H:%M — café");
}

#[test]
fn unknown_directives_and_a_lone_percent_get_an_error_reply_and_the_server_goes_on() {
    let server = text_server();
    let client = udp_socket();
    for bad in ["%Q", "%", "100%", "%Y-%Q", "%.Z", "%😽"] {
        let reply = ask(&client, bad.as_bytes(), server.addr);
        assert!(reply.starts_with("error: "), "{bad:?} -> {reply:?}");
        assert!(reply.contains("directive"), "{bad:?} -> {reply:?}");
        assert_still_answers(&client, server.addr);
    }
    let reply = ask(&client, b"%Q", server.addr);
    assert!(reply.starts_with("error: '%Q' has an unknown"), "{reply}");
}

#[test]
fn a_directive_chrono_can_only_parse_gets_an_error_reply_not_a_panic() {
    // `%#z` passes chrono's format check but fails when the time is written; `to_string()`
    // would panic there. The server writes with `write!` and answers with the reason.
    let mut server = text_server();
    let client = udp_socket();
    let reply = ask(&client, b"%H %#z", server.addr);
    assert_eq!(
        reply,
        "error: chrono cannot write the time as '%H %#z' (a directive there is for parsing only)"
    );
    assert_still_answers(&client, server.addr);
    assert!(server.is_running());
}

#[test]
fn bytes_that_are_not_utf8_get_an_error_reply_and_the_server_goes_on() {
    let mut server = text_server();
    let client = udp_socket();
    // A lone 0xff, a UTF-8 character cut in half, an overlong encoding of '/', and GBK
    // (what the tutorial's Windows peers would send for 年).
    for bad in [&b"\xff"[..], b"%Y\xe5\xb9", b"\xc0\xaf", b"%Y\xc4\xea"] {
        let reply = ask(&client, bad, server.addr);
        assert!(
            reply.starts_with("error: the format is not UTF-8"),
            "{reply}"
        );
        assert_still_answers(&client, server.addr);
    }
    server.expect_stdout(r"b'%Y\xc4\xea'");
    assert!(server.is_running());
    server.expect_nothing_on(Stream::Stderr);
}

#[test]
fn a_format_longer_than_the_1024_byte_buffer_gets_an_error_reply_not_a_crash() {
    let server = text_server();
    let client = udp_socket();
    // 1024 bytes fit: plain text comes back unchanged.
    let fits = "a".repeat(1024);
    assert_eq!(ask(&client, fits.as_bytes(), server.addr), fits);
    // 1025 bytes and more are cut by the OS; the server refuses the stump.
    for len in [1025, 1500, 65_507] {
        let reply = ask(&client, &vec![b'%'; len], server.addr);
        assert_eq!(
            reply,
            "error: the format is longer than 1024 bytes, the most this server reads"
        );
    }
    assert_still_answers(&client, server.addr);
}

/// Bytes on the wire for a UDP payload of `len` bytes over IPv4: 20 (IP) + 8 (UDP) + len.
fn on_the_wire(len: usize) -> usize {
    28 + len
}

#[test]
fn a_text_reply_is_never_more_than_four_times_its_request_on_the_wire() {
    let server = text_server();
    let client = udp_socket();
    // `%+` is 2 bytes in and 35 out: 29 of them (58 bytes) would be 1015 bytes of time, 17.5
    // times the payload and 12 times the traffic. Refused, with an error reply that fits.
    let request = "%+".repeat(29);
    let reply = ask(&client, request.as_bytes(), server.addr);
    assert!(
        reply.starts_with("error: in that format the time is ")
            && reply.ends_with("over the 316 this server sends for 58 bytes"),
        "{reply}"
    );
    // %c is about 24 bytes: 100 of them (200 bytes in) would be about 2400 out.
    let long = "%c".repeat(100);
    let refused = ask(&client, long.as_bytes(), server.addr);
    assert!(
        refused.starts_with("error: in that format the time is "),
        "{refused}"
    );
    // Three of them (6 bytes, 34 on the wire) are 72 bytes of time (100 on the wire): fine.
    let three = "%c".repeat(3);
    let fine = ask(&client, three.as_bytes(), server.addr);
    assert!(!fine.starts_with("error:"), "{fine}");
    // And an empty request (28 bytes on the wire) gets its 19-byte default (47 on the wire).
    let default = ask(&client, b"", server.addr);
    for (request, reply) in [
        (request.as_str(), &reply),
        (long.as_str(), &refused),
        (three.as_str(), &fine),
        ("", &default),
    ] {
        let ratio = on_the_wire(reply.len()) as f64 / on_the_wire(request.len()) as f64;
        println!(
            "{} bytes in, {} bytes out: {ratio:.2} times on the wire",
            request.len(),
            reply.len()
        );
        assert!(ratio <= 4.0, "{request:?} got {reply:?}");
    }
    assert_still_answers(&client, server.addr);
}

#[test]
fn with_allow_remote_it_listens_on_every_address_and_warns() {
    let server = start_server(SERVER, &["--addr", "0.0.0.0:0", "--allow-remote"]);
    server.expect_stderr("WARNING: listening on 0.0.0.0:0, not loopback (--allow-remote)");
    // The test still talks to it over loopback only.
    let client = udp_socket();
    let local = SocketAddr::from(([127, 0, 0, 1], server.addr.port()));
    assert_formats_now(&client, local, "%Y");
}

#[test]
fn with_allow_remote_the_warning_is_said_once_not_twice() {
    let server = start_server(SERVER, &["--addr", "0.0.0.0:0", "--allow-remote"]);
    server.expect_stderr("WARNING: listening on 0.0.0.0:0");
    // Everything the server prints at start is out once it answers.
    let local = SocketAddr::from(([127, 0, 0, 1], server.addr.port()));
    assert_still_answers(&udp_socket(), local);
    assert_eq!(
        server.seen(Stream::Stderr).len(),
        1,
        "no second note beside the warning: {}",
        server.transcript()
    );
}

#[test]
fn a_forged_datagram_from_the_servers_own_address_is_not_answered() {
    let Some(forger) = test_support::Forger::open("the forged own-address test") else {
        return;
    };
    for mode in [&[][..], &["--sntp"]] {
        let server = start_server(SERVER, mode);
        let request = Packet::client_request(Timestamp::now()).encode();
        server.expect_forgery_from_itself_refused(&forger, &request);
    }
}

#[test]
fn the_text_server_does_not_answer_well_known_service_ports() {
    // An NTP server's port too: only --sntp speaks NTP.
    test_support::expect_service_ports_refused_by(text_server, b"%Y");
}

#[test]
fn the_sntp_server_answers_a_client_on_port_123_as_ntpdate_sends_and_no_other_low_port() {
    // ntpdate (without -u) sends from port 123, which only an administrator may bind.
    let Ok(client) = UdpSocket::bind("127.0.0.1:123") else {
        eprintln!(
            "NOTICE: cannot bind 127.0.0.1:123 (needs root; or an NTP daemon has it), so the port-123 SNTP test did not run"
        );
        return;
    };
    client
        .set_read_timeout(Some(test_support::DEADLINE))
        .unwrap();
    let server = sntp_server();
    let request = Packet::client_request(Timestamp::now());
    let (reply, _) = sntp_exchange(&client, &request, server.addr);
    assert_eq!(reply.originate, request.transmit);
    // Any other port below 1024 is refused, SNTP request or not.
    if let Some(forger) = test_support::Forger::open("the forged chargen-port SNTP test") {
        forger.send(19, server.addr, &request.encode());
        server.expect_stderr("from 127.0.0.1:19: not answered: port 19 (chargen)");
    }
}

#[test]
fn a_flood_is_logged_as_twenty_lines_a_second_and_the_rest_is_counted_exactly() {
    let server = text_server();
    let client = udp_socket();
    let count = 300;
    for _ in 0..count {
        ask(&client, b"%Y", server.addr);
    }
    let mut shown = 0;
    let mut summarised = 0;
    while shown + summarised < count {
        let line = server
            .next_line(Stream::Stdout, test_support::DEADLINE)
            .unwrap_or_else(|| panic!("{shown} shown, {summarised} counted"));
        match line
            .strip_prefix("... and ")
            .and_then(|rest| rest.strip_suffix(" more lines in that second (not shown)"))
        {
            Some(n) => summarised += n.parse::<u64>().unwrap(),
            None => {
                assert!(line.ends_with(": b'%Y'"), "{line}");
                shown += 1;
            }
        }
    }
    assert_eq!(shown + summarised, count);
    assert!(summarised > 0, "300 requests in a few seconds at most");
}

#[test]
fn each_request_is_logged_with_its_sender_and_its_bytes() {
    let server = text_server();
    let client = udp_socket();
    ask(&client, "%d日".as_bytes(), server.addr);
    let me = client.local_addr().unwrap();
    server.expect_stdout(&format!(r"from {me}: b'%d\xe6\x97\xa5'"));
    ask(&client, b"%Q", server.addr);
    server.expect_stdout(&format!("from {me}: b'%Q'"));
    server.expect_stdout("  error: '%Q' has an unknown");
}

#[test]
fn the_text_server_serves_on_ipv6_loopback() {
    let server = start_server(SERVER, &["--addr", "[::1]:0"]);
    assert!(server.addr.is_ipv6());
    let client = test_support::udp_socket_at("[::1]:0");
    assert_formats_now(&client, server.addr, "%Y-%m-%d");
}

/// Sends an SNTP request with transmit timestamp `t1` and returns the decoded reply and T4.
fn sntp_exchange(client: &UdpSocket, request: &Packet, to: SocketAddr) -> (Packet, Timestamp) {
    client.send_to(&request.encode(), to).unwrap();
    let (bytes, from) = recv(client);
    let t4 = Timestamp::now();
    assert_eq!(from, to, "the reply comes from the server's address");
    assert_eq!(bytes.len(), 48, "an SNTP reply is 48 bytes");
    (Packet::decode(&bytes).unwrap(), t4)
}

#[test]
fn the_sntp_reply_has_every_field_rfc_4330_asks_for() {
    let server = sntp_server();
    let client = udp_socket();
    let t1 = Timestamp::now();
    let mut request = Packet::client_request(t1);
    request.poll = 6;
    let (reply, t4) = sntp_exchange(&client, &request, server.addr);

    assert_eq!(reply.leap, 0, "no leap warning");
    assert_eq!(reply.version, 4, "version echoed");
    assert_eq!(reply.mode, 4, "mode 4: server");
    assert_eq!(reply.stratum, 1);
    assert_eq!(&reply.reference_id, b"LOCL");
    assert_eq!(reply.poll, 6, "poll copied");
    assert!((-32..=-1).contains(&reply.precision), "{}", reply.precision);
    assert_eq!(
        reply.originate, t1,
        "originate = the transmit timestamp we sent"
    );
    // T1 <= T2 <= T3 <= T4: one machine, one clock.
    assert!(t1.ticks_since(Timestamp::ZERO) != 0);
    assert!(reply.receive.ticks_since(t1) >= 0, "T2 after T1");
    assert!(
        reply.transmit.ticks_since(reply.receive) >= 0,
        "T3 after T2"
    );
    assert!(t4.ticks_since(reply.transmit) >= 0, "T4 after T3");
    assert_eq!(reply.check_reply(t1), Ok(()));

    // Same clock on both ends: the delay is positive, and the offset, which can only come
    // from the two legs taking different times, at most half of it (on a busy machine one leg
    // can take a tenth of a second longer than the other: no fixed bound holds there).
    let measured = Measurement::from_timestamps(t1, reply.receive, reply.transmit, t4);
    assert!(
        (0.0..test_support::DEADLINE.as_secs_f64()).contains(&measured.delay),
        "{measured:?}"
    );
    let resolution = 1e-6;
    assert!(
        measured.offset.abs() <= measured.delay / 2.0 + resolution,
        "{measured:?}"
    );
    server.expect_stdout("SNTP version 4 request");
}

#[test]
fn the_sntp_server_echoes_versions_1_to_4() {
    let server = sntp_server();
    let client = udp_socket();
    for version in 1..=4 {
        let mut request = Packet::client_request(Timestamp::now());
        request.version = version;
        let (reply, _) = sntp_exchange(&client, &request, server.addr);
        assert_eq!((reply.version, reply.mode), (version, 4));
        assert_eq!(reply.originate, request.transmit);
    }
}

#[test]
fn the_sntp_server_copies_any_transmit_timestamp_even_a_random_one() {
    // chrony sends a random number instead of its clock, so as not to give its time away;
    // the server must copy it all the same.
    let server = sntp_server();
    let client = udp_socket();
    let request = Packet::client_request(Timestamp(0x7263_244b_2d43_119e));
    let (reply, _) = sntp_exchange(&client, &request, server.addr);
    assert_eq!(reply.originate, Timestamp(0x7263_244b_2d43_119e));
}

#[test]
fn malformed_sntp_requests_are_dropped_counted_and_never_fatal() {
    let mut server = sntp_server();
    let client = udp_socket();
    let good = Packet::client_request(Timestamp::now()).encode();
    let with_mode = |first: u8| {
        let mut bytes = good;
        bytes[0] = first;
        bytes.to_vec()
    };
    let mut with_mac = good.to_vec();
    with_mac.extend_from_slice(&[0; 20]);
    let bad: Vec<Vec<u8>> = vec![
        vec![],
        b"hello".to_vec(),
        good[..47].to_vec(),
        [&good[..], &[0]].concat(),
        with_mac,
        vec![0x23; 2000],
        with_mode(0x24), // mode 4: a server's reply, not a request
        with_mode(0x21), // mode 1: symmetric active (a peer), not SNTP
        with_mode(0x03), // version 0
        with_mode(0x3b), // version 7
    ];
    for bytes in &bad {
        client.send_to(bytes, server.addr).unwrap();
    }
    // The server handles datagrams in order: had it answered any bad one, that answer would
    // arrive before the answer to this good request.
    let request = Packet::client_request(Timestamp::now());
    let (reply, _) = sntp_exchange(&client, &request, server.addr);
    assert_eq!(reply.originate, request.transmit);

    server.expect_stdout("dropped, not an SNTP request: 0 bytes, but an SNTP packet is 48");
    server.expect_stdout("47 bytes");
    server.expect_stdout("68 bytes");
    #[cfg(target_os = "linux")] // only Linux says how long a cut datagram was
    server.expect_stdout("2000 bytes");
    server.expect_stdout("mode 4, but a client's request is mode 3");
    server.expect_stdout("version 0, but NTP versions are 1 to 4");
    server.expect_stdout("(10 dropped so far)");
    assert!(server.is_running());
    server.expect_nothing_on(Stream::Stderr);
}

#[test]
fn the_sntp_server_serves_on_ipv6_loopback() {
    let server = start_server(SERVER, &["--sntp", "--addr", "[::1]:0"]);
    let client = test_support::udp_socket_at("[::1]:0");
    let request = Packet::client_request(Timestamp::now());
    let (reply, _) = sntp_exchange(&client, &request, server.addr);
    assert_eq!(reply.check_reply(request.transmit), Ok(()));
}

/// Python's ntplib (PyPI), a client nobody here wrote: it asks our server on a port of our
/// choosing with each NTP version and prints what it decoded, one line per version.
const NTPLIB_SCRIPT: &str = r#"
import sys, time, ntplib
port = int(sys.argv[1])
for version in (2, 3, 4):
    r = ntplib.NTPClient().request("127.0.0.1", version=version, port=port, timeout=5)
    ref = r.ref_id.to_bytes(4, "big").decode("ascii")
    print(r.version, r.mode, r.stratum, ref, r.leap, "%.6f" % r.offset, "%.6f" % r.delay,
          "%.3f" % abs(r.tx_time - time.time()), flush=True)
"#;

#[test]
fn python_ntplib_a_standard_client_accepts_our_sntp_replies() {
    let Some(mut python) = test_support::python3("the check with Python's ntplib") else {
        return;
    };
    let importable = StdCommand::new("python3")
        .args(["-c", "import ntplib"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !importable {
        eprintln!(
            "NOTICE: python3 cannot import ntplib, so the check with a standard NTP client did \
             not run; install it with: python3 -m pip install ntplib"
        );
        return;
    }
    let server = sntp_server();
    python.args(["-c", NTPLIB_SCRIPT, &server.addr.port().to_string()]);
    let mut python = Running::spawn(python);
    let status = python.expect_exit();
    assert!(status.success(), "{}", python.transcript());

    let lines = python.seen(Stream::Stdout);
    assert_eq!(lines.len(), 3, "{}", python.transcript());
    for (line, version) in lines.iter().zip(["2", "3", "4"]) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // version echoed, mode 4, stratum 1, LOCL, no leap warning
        assert_eq!(fields[..5], [version, "4", "1", "LOCL", "0"], "{line}");
        let offset: f64 = fields[5].parse().unwrap();
        let delay: f64 = fields[6].parse().unwrap();
        let age: f64 = fields[7].parse().unwrap();
        // One machine, one clock: the offset comes only from the two legs taking different
        // times, so it is at most half the delay (printed to the microsecond).
        assert!((0.0..10.0).contains(&delay), "delay {delay} s: {line}");
        assert!(
            offset.abs() <= delay / 2.0 + 2e-6,
            "offset {offset} s: {line}"
        );
        assert!(age < 5.0, "the server's time is now: {line}");
    }
    server.expect_stdout("SNTP version 2 request");
}

#[test]
fn help_explains_sntp_allow_remote_and_the_reply_size_limit() {
    // --addr and the lesson file: tests/command_line_contract.rs, for every server.
    test_support::expect_help_mentions(
        SERVER,
        &[
            "--sntp",
            "--allow-remote",
            "never more than 4 times the size of its request",
        ],
    );
}

//! The ntp-time client as students run it: the real binary, fed lines on stdin, talking to
//! a socket the test holds (to see exactly what it sends and to answer as we like) or to the
//! real ntp-time-server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use ntp_time_sntp::{Packet, Timestamp};
use test_support::{Running, Stream, recv, start_server, udp_socket};

const CLIENT: &str = env!("CARGO_BIN_EXE_ntp-time-client");

fn client(server: SocketAddr, extra: &[&str]) -> Running {
    let mut command = StdCommand::new(CLIENT);
    command.args(["--server", &server.to_string()]).args(extra);
    Running::spawn(command)
}

/// The value after `label` on the client's output line that starts with it.
fn seconds_on(client: &Running, label: &str) -> f64 {
    let line = client.expect_stdout(label);
    let value = line[label.len()..].split_whitespace().next().unwrap();
    value
        .parse()
        .unwrap_or_else(|_| panic!("no number in {line:?}"))
}

#[test]
fn each_line_is_sent_as_the_format_and_an_empty_line_as_an_empty_datagram() {
    let fake = udp_socket();
    let mut client = client(fake.local_addr().unwrap(), &[]);
    for line in ["%d/%m/%Y", "", " %H:%M ", "%Y年"] {
        client.write_line(line);
        let (got, from) = recv(&fake);
        assert_eq!(
            got,
            line.as_bytes(),
            "sent exactly as typed, spaces and all"
        );
        fake.send_to(format!("time for {line:?}").as_bytes(), from)
            .unwrap();
        client.expect_stdout(&format!("time for {line:?}"));
    }
    client.close_stdin();
    assert!(client.expect_exit().success());
}

#[test]
fn the_reply_is_printed_as_text_and_error_replies_as_they_came() {
    let fake = udp_socket();
    let mut client = client(fake.local_addr().unwrap(), &[]);
    client.write_line("%Q");
    let (_, from) = recv(&fake);
    fake.send_to("error: '%Q' is bad".as_bytes(), from).unwrap();
    assert_eq!(client.expect_stdout("error:"), "error: '%Q' is bad");
    client.write_line("%Y年");
    let (_, from) = recv(&fake);
    fake.send_to("2026年".as_bytes(), from).unwrap();
    assert_eq!(client.expect_stdout("年"), "2026年");
}

#[test]
fn no_reply_within_the_timeout_is_reported_and_the_client_goes_on() {
    let silent = udp_socket();
    let mut client = client(silent.local_addr().unwrap(), &["--timeout", "0.3"]);
    client.write_line("%Y");
    recv(&silent);
    client.expect_stdout("no reply within 300ms");
    client.write_line("%m");
    test_support::answer(&silent, "%m", "05");
    client.expect_stdout("05");
}

#[test]
fn against_the_real_server_an_empty_line_gets_the_date_and_time() {
    let server = start_server(test_support::cargo_bin("ntp-time-server"), &[]);
    let mut client = client(server.addr, &[]);
    client.write_line("");
    client.write_line("%Y年%m月");
    let time = client.expect_line(Stream::Stdout, |line| !line.is_empty());
    assert!(
        chrono::NaiveDateTime::parse_from_str(&time, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{time}"
    );
    let month = client.expect_stdout("月");
    assert_eq!(month, chrono::Local::now().format("%Y年%m月").to_string());
}

#[test]
fn sntp_against_the_real_server_prints_time_delay_and_a_near_zero_offset() {
    let server = start_server(test_support::cargo_bin("ntp-time-server"), &["--sntp"]);
    let mut client = client(server.addr, &["--sntp"]);
    assert!(client.expect_exit().success(), "{}", client.transcript());
    client.expect_stdout("SNTP version 4, stratum 1, reference LOCL");
    client.expect_stdout("server time:      20");
    let delay = seconds_on(&client, "round-trip delay:");
    let offset = seconds_on(&client, "clock offset:");
    // One machine, one clock: the offset comes only from the two legs taking different
    // times, so it is at most half the delay (printed to the microsecond).
    assert!((0.0..10.0).contains(&delay), "{delay}");
    assert!(
        offset.abs() <= delay / 2.0 + 2e-6,
        "one machine, one clock: {offset}"
    );
    server.expect_stdout("SNTP version 4 request");
}

/// Receives the client's SNTP request on `fake` and checks it is one.
fn take_request(fake: &UdpSocket) -> (Packet, SocketAddr) {
    let (bytes, from) = recv(fake);
    let request = Packet::parse_request(&bytes).expect("an SNTP request");
    (request, from)
}

#[test]
fn the_sntp_request_is_48_bytes_version_4_mode_3_with_our_clock_in_transmit() {
    let fake = udp_socket();
    let _client = client(fake.local_addr().unwrap(), &["--sntp"]);
    let (bytes, _) = recv(&fake);
    assert_eq!(bytes.len(), 48);
    assert_eq!(bytes[0], 0x23, "LI 0, VN 4, mode 3");
    assert!(bytes[1..40].iter().all(|&b| b == 0), "{bytes:?}");
    let transmit = Packet::decode(&bytes).unwrap().transmit;
    let age = Timestamp::now().ticks_since(transmit) as f64 / 2f64.powi(32);
    assert!(
        (0.0..5.0).contains(&age),
        "transmit is our clock: {age} s ago"
    );
}

#[test]
fn the_offset_is_computed_from_the_four_timestamps() {
    // A server whose clock is 2 s ahead of ours: offset +2, whatever the delay.
    let fake = udp_socket();
    let mut client = client(fake.local_addr().unwrap(), &["--sntp"]);
    let (request, from) = take_request(&fake);
    let ahead = |t: Timestamp| Timestamp(t.0.wrapping_add(2 << 32));
    let receive = ahead(Timestamp::now());
    let reply = Packet::reply_to(&request, receive, ahead(Timestamp::now()), -20);
    fake.send_to(&reply.encode(), from).unwrap();
    assert!(client.expect_exit().success(), "{}", client.transcript());
    let line = client.expect_stdout("clock offset:");
    assert!(
        line.ends_with("(the server's clock is ahead of ours)"),
        "{line}"
    );
    let offset: f64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!((offset - 2.0).abs() < 0.05, "{line}");
}

#[test]
fn a_reply_whose_originate_does_not_match_is_rejected_as_stale_or_spoofed() {
    let fake = udp_socket();
    let mut client = client(fake.local_addr().unwrap(), &["--sntp"]);
    let (mut request, from) = take_request(&fake);
    // Answer some other request: the transmit timestamp we echo is one tick off.
    request.transmit = Timestamp(request.transmit.0 ^ 1);
    let now = Timestamp::now();
    fake.send_to(&Packet::reply_to(&request, now, now, -20).encode(), from)
        .unwrap();
    let status = client.expect_exit();
    assert_eq!(status.code(), Some(1), "{}", client.transcript());
    let line = client.expect_stderr("rejected the reply");
    assert!(line.contains("originate timestamp"), "{line}");
    assert!(line.contains("stale") && line.contains("spoofed"), "{line}");
    assert!(client.seen(Stream::Stdout).is_empty(), "no time printed");
}

#[test]
fn a_kiss_of_death_reply_is_rejected_with_its_code() {
    let fake = udp_socket();
    let mut client = client(fake.local_addr().unwrap(), &["--sntp"]);
    let (request, from) = take_request(&fake);
    let now = Timestamp::now();
    let kiss = Packet {
        stratum: 0,
        reference_id: *b"RATE",
        ..Packet::reply_to(&request, now, now, -20)
    };
    fake.send_to(&kiss.encode(), from).unwrap();
    assert_eq!(client.expect_exit().code(), Some(1));
    client.expect_stderr("kiss-o'-death with code RATE");
}

#[test]
fn a_reply_that_is_not_48_bytes_is_rejected() {
    let fake = udp_socket();
    let mut client = client(fake.local_addr().unwrap(), &["--sntp"]);
    let (_, from) = take_request(&fake);
    fake.send_to(b"2026-05-01 12:00:00", from).unwrap();
    assert_eq!(client.expect_exit().code(), Some(1));
    let line = client.expect_stderr("is not an SNTP packet: 19 bytes");
    // The likely cause, a server in text mode, is named with the cure.
    assert!(line.ends_with("start it with --sntp"), "{line}");
}

#[test]
fn no_sntp_reply_in_time_is_a_clear_error_and_exit_status_1() {
    let silent = udp_socket();
    let mut client = client(
        silent.local_addr().unwrap(),
        &["--sntp", "--timeout", "0.3"],
    );
    recv(&silent);
    assert_eq!(client.expect_exit().code(), Some(1));
    let line = client.expect_stderr("no SNTP reply");
    assert!(line.starts_with("Error: no SNTP reply from "), "{line}");
    assert!(line.contains("within 300ms"), "{line}");
}

#[test]
fn sntp_to_a_closed_port_fails_fast() {
    // A port nobody listens on (and no parallel test will be given).
    let closed = test_support::unused_udp_addr();
    let mut client = client(closed, &["--sntp", "--timeout", "5"]);
    let status = client.expect_exit();
    assert_eq!(status.code(), Some(1));
    // Every system reports the ICMP "port unreachable" to a connected UDP socket at once:
    // ECONNREFUSED on Linux (udp(7)) and macOS, WSAECONNRESET on Windows (Winsock's recv).
    if !test_support::wine_gap(test_support::Gap::PortUnreachableNotReported) {
        client.expect_stderr("nothing is listening at");
    }
}

#[test]
fn a_server_named_by_host_name_is_looked_up_and_the_address_is_said() {
    let fake = udp_socket();
    let port = fake.local_addr().unwrap().port();
    let mut client = Running::spawn({
        let mut command = std::process::Command::new(CLIENT);
        command.args(["--server", &format!("localhost:{port}"), "--timeout", "5"]);
        command
    });
    // localhost is 127.0.0.1 here (IPv4 first), and the client says so.
    client.expect_stderr(&format!("localhost:{port} is 127.0.0.1:{port}"));
    client.write_line("%Y");
    let (format, from) = recv(&fake);
    assert_eq!(format, b"%Y");
    fake.send_to(b"2026", from).unwrap();
    client.expect_stdout("2026");
    client.close_stdin();
    assert_eq!(client.expect_exit().code(), Some(0));
}

#[test]
fn help_explains_sntp() {
    // --server, --timeout and the lesson file: tests/command_line_contract.rs, for every client.
    test_support::expect_help_mentions(CLIENT, &["--sntp"]);
}

#[test]
fn a_bad_server_or_timeout_exits_with_status_2() {
    for args in [
        ["--server", "localhost"],
        ["--server", "no-port:"],
        ["--timeout", "-1"],
        ["--timeout", "0"],
    ] {
        Command::new(CLIENT)
            .args(args)
            .timeout(test_support::DEADLINE)
            .assert()
            .code(2);
    }
}

//! `common`'s public functions, as the course's programs call them.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use common::*;
#[test]
fn show_bytes_matches_python_repr() {
    // Each expectation is what Python 3 prints for repr(bytes).
    assert_eq!(show_bytes(b""), "b''");
    assert_eq!(show_bytes(b"hello"), "b'hello'");
    assert_eq!(show_bytes(b"it's"), "b\"it's\"");
    assert_eq!(show_bytes(b"'\""), "b'\\'\"'");
    assert_eq!(show_bytes(b"a\\b\t\n\r"), "b'a\\\\b\\t\\n\\r'");
    assert_eq!(show_bytes("café".as_bytes()), "b'caf\\xc3\\xa9'");
    assert_eq!(show_bytes(&[0, 0x7f, 0xff]), "b'\\x00\\x7f\\xff'");
}

#[test]
fn show_bytes_writes_what_python_prints_for_every_byte() {
    // Every byte value, alone and in a run, against a direct byte-by-byte rendering.
    fn by_hand(bytes: &[u8]) -> String {
        let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
            '"'
        } else {
            '\''
        };
        let mut text = format!("b{quote}");
        for &byte in bytes {
            match byte {
                b'\\' => text.push_str("\\\\"),
                b'\t' => text.push_str("\\t"),
                b'\n' => text.push_str("\\n"),
                b'\r' => text.push_str("\\r"),
                _ if byte == quote as u8 => text.extend(['\\', quote]),
                0x20..=0x7e => text.push(byte as char),
                _ => text.push_str(&format!("\\x{byte:02x}")),
            }
        }
        text.push(quote);
        text
    }
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(show_bytes(&all), by_hand(&all));
    for byte in 0..=255u8 {
        let run = [b'a', byte, byte, b'z'];
        assert_eq!(show_bytes(&run), by_hand(&run), "{byte:#x}");
    }
    let mut line = Vec::new();
    writeln!(line, "from x: {}", ShowBytes(b"it's")).unwrap();
    assert_eq!(line, b"from x: b\"it's\"\n");
}

#[test]
fn parse_addr_takes_ipv4_and_ipv6_and_rejects_names() {
    assert_eq!(parse_addr("127.0.0.1:8080"), Ok(defaults::UDP_ECHO));
    assert_eq!(
        parse_addr("[::1]:0").map(|a| a.is_ipv6()),
        Ok(true),
        "IPv6 in brackets"
    );
    let err = parse_addr("localhost:8080").unwrap_err();
    assert!(err.contains("127.0.0.1:8080"), "{err}");
    assert!(parse_addr("127.0.0.1").is_err(), "a port is required");
    assert!(
        parse_addr("127.0.0.1:70000").is_err(),
        "ports stop at 65535"
    );
}

#[test]
fn check_exposure_allows_loopback_and_suggests_loopback_of_the_same_family() {
    let why = "strangers could ask";
    assert_eq!(check_exposure(defaults::NTP_TIME, false, why), Ok(None));
    assert_eq!(
        check_exposure("[::1]:1".parse().unwrap(), false, why),
        Ok(None)
    );
    let err = check_exposure("0.0.0.0:8082".parse().unwrap(), false, why).unwrap_err();
    assert!(
        err.starts_with(
            "refusing to listen on 0.0.0.0:8082 without --allow-remote: strangers could ask."
        ),
        "{err}"
    );
    assert!(err.contains("like 127.0.0.1:8082,"), "{err}");
    let err = check_exposure("[::]:8082".parse().unwrap(), false, why).unwrap_err();
    assert!(err.contains("like [::1]:8082,"), "{err}");
    let warning = check_exposure("[::]:8082".parse().unwrap(), true, why)
        .unwrap()
        .unwrap();
    assert!(
        warning.starts_with("WARNING: listening on [::]:8082"),
        "{warning}"
    );
}

#[test]
fn parse_seconds_takes_positive_fractions_only() {
    assert_eq!(parse_seconds("5"), Ok(Duration::from_secs(5)));
    assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
    for bad in ["0", "-1", "nan", "inf", "soon", ""] {
        assert!(parse_seconds(bad).is_err(), "{bad:?} should be refused");
    }
    // The message must not call 0 acceptable while refusing it.
    assert_eq!(
        parse_seconds("0").unwrap_err(),
        "'0' is not a number of seconds above 0 and at most 86400 (fractions allowed: 0.5)"
    );
}

#[test]
fn is_loopback_knows_v4_v6_and_mapped_addresses() {
    for yes in [
        "127.0.0.1:1",
        "127.1.2.3:1",
        "[::1]:1",
        "[::ffff:127.0.0.1]:1",
    ] {
        assert!(is_loopback(&yes.parse().unwrap()), "{yes}");
    }
    for no in ["0.0.0.0:1", "192.0.2.1:1", "[::]:1", "[2001:db8::1]:1"] {
        assert!(!is_loopback(&no.parse().unwrap()), "{no}");
    }
}

#[test]
fn every_lesson_has_its_own_loopback_port() {
    let all = [
        defaults::UDP_ECHO,
        defaults::UDP_QQ,
        defaults::NTP_TIME,
        defaults::TCP_REMOTE_CMD,
        defaults::UDP_REMOTE_CMD,
        defaults::MANY_CLIENTS,
    ];
    let ports: Vec<u16> = all.iter().map(SocketAddr::port).collect();
    assert_eq!(ports, [8080, 8081, 8082, 8083, 8084, 8085]);
    assert!(all.iter().all(is_loopback));
}

#[test]
fn bind_udp_in_use_names_the_address_and_a_way_out() {
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let err = bind_udp(addr).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{addr} is already in use (another server running?): try --addr 127.0.0.1:0")
    );
}

#[test]
fn bind_udp_on_a_foreign_address_suggests_loopback() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    let result = bind_udp("192.0.2.1:9".parse().unwrap());
    if test_support::wine_gap(test_support::Gap::ForeignAddressBindAccepted) {
        return;
    }
    assert_eq!(
        result.unwrap_err().to_string(),
        "192.0.2.1:9 is not an address of this machine: try --addr 127.0.0.1:9"
    );
}

#[test]
fn bind_tcp_listens_and_reports_its_port() {
    let listener = bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    assert_ne!(addr.port(), 0);
    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    let err = bind_tcp(addr).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{addr} is already in use")),
        "{err}"
    );
}

#[test]
fn client_udp_matches_the_server_family() {
    let v6 = client_udp("[::1]:9".parse().unwrap()).unwrap();
    assert!(v6.local_addr().unwrap().is_ipv6());
    let v4 = client_udp(defaults::UDP_ECHO).unwrap();
    assert!(v4.local_addr().unwrap().is_ipv4());
}

#[test]
fn server_and_client_sockets_send_the_largest_datagram_whole() {
    // Over 9216 bytes: macOS's default send buffer would refuse it with EMSGSIZE.
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let to = receiver.local_addr().unwrap();
    let server = bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
    let client = client_udp(to).unwrap();
    let payload = vec![b'x'; MAX_UDP_PAYLOAD_V4];
    let mut buf = vec![0u8; MAX_UDP_PAYLOAD_V4 + 1];
    for socket in [&server, &client] {
        let sent = socket.send_to(&payload, to).unwrap();
        assert_eq!(sent, MAX_UDP_PAYLOAD_V4);
        let (n, from) = receiver.recv_from(&mut buf).unwrap();
        assert_eq!(n, MAX_UDP_PAYLOAD_V4);
        assert_eq!(from.port(), socket.local_addr().unwrap().port());
    }
}

#[test]
fn allow_large_datagrams_raises_the_send_buffer_and_never_lowers_it() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sock = socket2::SockRef::from(&socket);
    sock.set_send_buffer_size(4096).unwrap();
    allow_large_datagrams(&socket).unwrap();
    assert!(sock.send_buffer_size().unwrap() >= LARGE_DATAGRAM_SEND_BUFFER);
    sock.set_send_buffer_size(4 * LARGE_DATAGRAM_SEND_BUFFER)
        .unwrap();
    let big = sock.send_buffer_size().unwrap();
    allow_large_datagrams(&socket).unwrap();
    assert_eq!(sock.send_buffer_size().unwrap(), big);
}

#[test]
fn show_text_escapes_controls_bidi_overrides_zero_width_and_separators() {
    assert_eq!(show_text("你好, alex".as_bytes()), "你好, alex");
    assert_eq!(show_text(b"a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
    assert_eq!(show_text("\u{85}".as_bytes()), "\\u{85}");
    assert_eq!(show_text(b"caf\xe9"), "caf\u{fffd}");
    // Trojan Source: the override would show "txt.exe" as "exe.txt".
    assert_eq!(
        show_text("a\u{202e}txt.exe".as_bytes()),
        "a\\u{202e}txt.exe"
    );
    assert_eq!(show_text("pay\u{200b}pal".as_bytes()), "pay\\u{200b}pal");
    assert_eq!(
        show_text("one\u{2028}two\u{2029}".as_bytes()),
        "one\\u{2028}two\\u{2029}"
    );
    assert_eq!(
        show_text("\u{feff}\u{2066}\u{2069}".as_bytes()),
        "\\u{feff}\\u{2066}\\u{2069}"
    );
    // Letters, marks and symbols of every script pass: é (e + combining accent), emoji.
    assert_eq!(show_text("e\u{301} 👋 ß".as_bytes()), "e\u{301} 👋 ß");
    assert_eq!(show_text(b""), "");
}

#[test]
fn parse_server_addr_takes_ip_addresses_and_looks_up_names() {
    assert_eq!(parse_server_addr("127.0.0.1:8080"), Ok(defaults::UDP_ECHO));
    assert!(parse_server_addr("[::1]:8080").unwrap().is_ipv6());
    // localhost is loopback on every system (IPv4 first: the unit test in src/lib.rs).
    let local = parse_server_addr("localhost:8080").unwrap();
    assert!(is_loopback(&local), "{local}");
    assert_eq!(local.port(), 8080);
    for bad in [
        "localhost",
        "localhost:",
        "localhost:70000",
        ":8080",
        "a:b:8080",
    ] {
        let err = parse_server_addr(bad).unwrap_err();
        assert!(err.contains("localhost:8080"), "{bad}: {err}");
    }
}

#[test]
fn error_debug_is_the_plain_message() {
    // main's `Error: ...` line uses Debug: it must not look like `Error("...")`.
    assert_eq!(format!("{:?}", Error::new("boom")), "boom");
}

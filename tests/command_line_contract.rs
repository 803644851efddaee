//! The command-line contract of CONVENTIONS.md, checked once for every program of the course,
//! so a student who learned lesson 1's flags can drive every other lesson the same way:
//!
//! - `--help` names the program's lesson file, and that file exists;
//! - every server binds its lesson's default port on loopback, takes `--addr` (IPv4 or `[v6]`,
//!   port 0 for any free port) and prints `listening on udp://...` or `tcp://...` with the
//!   address it really got;
//! - a server open to abuse (the time server, the remote-command servers) refuses an address
//!   beyond loopback unless `--allow-remote`;
//! - a malformed `--addr` / `--server` is refused with status 2 and an example of the right
//!   form; an address in use is one friendly line and status 1;
//! - a server whose stdout is closed (its log piped into a program that quit) stops with one
//!   error line instead of a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Command, Stdio};

use test_support::{Stream, cargo_bin, expect_help_mentions, expect_usage_error, start_server};

#[derive(Clone, Copy, PartialEq)]
enum Proto {
    Udp,
    Tcp,
}

/// Every server: package, lesson file, protocol, default address.
const SERVERS: &[(&str, &str, Proto, &str)] = &[
    (
        "udp-echo-server",
        "01-udp-echo.md",
        Proto::Udp,
        "127.0.0.1:8080",
    ),
    (
        "udp-qq-server",
        "02-udp-qq.md",
        Proto::Udp,
        "127.0.0.1:8081",
    ),
    (
        "ntp-time-server",
        "03-ntp-time.md",
        Proto::Udp,
        "127.0.0.1:8082",
    ),
    (
        "tcp-remote-cmd-server",
        "04-tcp-remote-cmd.md",
        Proto::Tcp,
        "127.0.0.1:8083",
    ),
    (
        "udp-remote-cmd-server",
        "05-udp-remote-cmd.md",
        Proto::Udp,
        "127.0.0.1:8084",
    ),
    (
        "many-clients-iterative",
        "08-many-clients.md",
        Proto::Tcp,
        "127.0.0.1:8085",
    ),
    (
        "many-clients-threads",
        "08-many-clients.md",
        Proto::Tcp,
        "127.0.0.1:8085",
    ),
    (
        "many-clients-pool",
        "08-many-clients.md",
        Proto::Tcp,
        "127.0.0.1:8085",
    ),
    (
        "many-clients-async",
        "08-many-clients.md",
        Proto::Tcp,
        "127.0.0.1:8085",
    ),
    ("lossy-link", LESSON_9, Proto::Udp, "127.0.0.1:8086"),
    (
        "stop-and-wait-receiver",
        LESSON_9,
        Proto::Udp,
        "127.0.0.1:8087",
    ),
    ("window-receiver", LESSON_9, Proto::Udp, "127.0.0.1:8088"),
    ("quic-receiver", LESSON_9, Proto::Udp, "127.0.0.1:8089"),
    ("kcp-receiver", LESSON_9, Proto::Udp, "127.0.0.1:8090"),
];

const LESSON_9: &str = "09-reliable-udp.md";

/// The servers that can run here. Under Wine quinn cannot open its socket (Wine lacks a socket
/// option Windows has: os error 10045, WSAEOPNOTSUPP), so there the QUIC receiver is left out;
/// it is checked on Linux, macOS and real Windows.
fn servers() -> impl Iterator<Item = (&'static str, &'static str, Proto, &'static str)> {
    let quic = !test_support::under_wine();
    SERVERS
        .iter()
        .copied()
        .filter(move |s| quic || !s.0.starts_with("quic-"))
}

/// Every client: package, lesson file, the server it talks to by default.
const CLIENTS: &[(&str, &str, &str)] = &[
    ("udp-echo-client", "01-udp-echo.md", "127.0.0.1:8080"),
    ("udp-qq-client", "02-udp-qq.md", "127.0.0.1:8081"),
    ("ntp-time-client", "03-ntp-time.md", "127.0.0.1:8082"),
    (
        "tcp-remote-cmd-client",
        "04-tcp-remote-cmd.md",
        "127.0.0.1:8083",
    ),
    (
        "udp-remote-cmd-client",
        "05-udp-remote-cmd.md",
        "127.0.0.1:8084",
    ),
    // The pinger talks to the lossy link in front of the echo server by default; the senders
    // send a file (stdin without --file) to their receivers.
    ("udp-ping", LESSON_9, "127.0.0.1:8086"),
    ("stop-and-wait-sender", LESSON_9, "127.0.0.1:8087"),
    ("window-sender", LESSON_9, "127.0.0.1:8088"),
    ("quic-sender", LESSON_9, "127.0.0.1:8089"),
    ("kcp-sender", LESSON_9, "127.0.0.1:8090"),
];

/// What a refused address is shown beside: how to write one.
const AN_ADDRESS_EXAMPLE: &str = "127.0.0.1:8080 or [::1]:8080";

/// Programs with neither `--addr` nor `--server`.
const OTHERS: &[(&str, &str)] = &[
    ("empty-datagram-demo", "06-empty-datagram.md"),
    ("loss-demo", "07-loss.md"),
    // Its --server is optional (without it, it starts each design itself): no default.
    ("many-clients-bench", "08-many-clients.md"),
    ("reliable-udp-bench", LESSON_9),
];

#[test]
fn every_program_names_its_lesson_file_in_help_and_the_file_exists() {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let servers = SERVERS.iter().map(|s| (s.0, s.1));
    // (--help works everywhere, QUIC included.)
    let clients = CLIENTS.iter().map(|c| (c.0, c.1));
    for (package, lesson) in servers.chain(clients).chain(OTHERS.iter().copied()) {
        expect_help_mentions(cargo_bin(package), &[&format!("lessons/{lesson}")]);
        assert!(lessons.join(lesson).exists(), "{lesson} is missing");
    }
}

#[test]
fn every_server_and_client_defaults_to_its_lessons_own_loopback_port() {
    let servers = SERVERS.iter().map(|s| (s.0, "--addr <HOST:PORT>", s.3));
    let clients = CLIENTS.iter().map(|c| (c.0, "--server <HOST:PORT>", c.2));
    for (package, flag, default) in servers.chain(clients) {
        expect_help_mentions(
            cargo_bin(package),
            &[flag, &format!("[default: {default}]")],
        );
    }
}

/// A UDP client never waits for ever for a reply that may have been lost: each of the
/// tutorial's takes `--timeout SECONDS`.
#[test]
fn every_udp_client_of_the_tutorial_takes_a_timeout_in_seconds() {
    let udp_clients = [
        "udp-echo-client",
        "udp-qq-client",
        "ntp-time-client",
        "udp-remote-cmd-client",
    ];
    for package in udp_clients {
        expect_help_mentions(cargo_bin(package), &["--timeout <SECONDS>"]);
    }
}

#[test]
fn every_server_announces_the_address_it_really_got_on_ipv4_and_ipv6() {
    for (package, _, proto, _) in servers() {
        for ask in ["127.0.0.1:0", "[::1]:0"] {
            let server = start_server(cargo_bin(package), &["--addr", ask]);
            let asked: SocketAddr = ask.parse().unwrap();
            assert_eq!(server.addr.ip(), asked.ip(), "{package}");
            assert_ne!(server.addr.port(), 0, "{package} printed port 0");
            let scheme = match proto {
                Proto::Udp => "udp",
                Proto::Tcp => "tcp",
            };
            assert_eq!(
                server.seen(Stream::Stdout)[0],
                format!("listening on {scheme}://{}", server.addr),
                "{package}: the first line of output"
            );
            // The announced port is really the server's: binding it again must fail.
            let taken = match proto {
                Proto::Udp => UdpSocket::bind(server.addr).is_err(),
                Proto::Tcp => TcpListener::bind(server.addr).is_err(),
            };
            assert!(
                taken,
                "{package} announced {} but does not hold it",
                server.addr
            );
        }
    }
}

#[test]
fn every_server_listening_beyond_loopback_says_so_on_stderr_once() {
    for (package, ..) in servers() {
        // The remote-command servers refuse such an address unless --allow-remote, and then
        // warn in words of their own (their tests check that); the time server is the one
        // of these checked here, for "once".
        if package.contains("remote-cmd") {
            continue;
        }
        let mut args = vec!["--addr", "0.0.0.0:0"];
        if package == "ntp-time-server" {
            args.push("--allow-remote");
        }
        let server = start_server(cargo_bin(package), &args);
        let note = server.expect_line(Stream::Stderr, |line| line.contains("loopback"));
        assert!(note.contains("listening on 0.0.0.0:"), "{package}: {note}");
        // One line, not a warning and a note.
        assert_eq!(
            server.next_line(Stream::Stderr, test_support::QUIET),
            None,
            "{package}: {}",
            server.transcript()
        );
    }
}

/// The servers whose replies can be aimed at a victim by a forged sender (the time server) or
/// that run commands refuse an address beyond loopback unless `--allow-remote`, before binding
/// anything: status 2, nothing on stdout, and on stderr why, with the loopback address of the
/// same family to use instead.
#[test]
fn a_server_open_to_abuse_refuses_a_non_loopback_address_without_allow_remote() {
    let servers: [(&str, &[&str], &str); 4] = [
        ("ntp-time-server", &[], ""),
        ("ntp-time-server", &["--sntp"], ""),
        ("tcp-remote-cmd-server", &[], "could run any command as you"),
        (
            "udp-remote-cmd-server",
            &[],
            "forged sender address would aim the replies at a victim",
        ),
    ];
    for (package, mode, why) in servers {
        for (addr, suggested) in [("0.0.0.0:0", "127.0.0.1:0"), ("[::]:0", "[::1]:0")] {
            let output = Command::new(cargo_bin(package))
                .args(["--addr", addr])
                .args(mode)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let said = format!("{package} {mode:?} --addr {addr}: {stderr}");
            assert_eq!(output.status.code(), Some(2), "{said}");
            assert!(output.stdout.is_empty(), "{said}");
            assert!(
                stderr.starts_with(&format!(
                    "Error: refusing to listen on {addr} without --allow-remote: "
                )),
                "{said}"
            );
            assert!(stderr.contains(why), "{said}");
            assert!(
                stderr.contains(&format!(
                    "Use a loopback address like {suggested}, or pass --allow-remote"
                )),
                "{said}"
            );
        }
    }
}

#[test]
fn every_server_refuses_a_malformed_addr_with_status_2_and_an_example() {
    for (package, ..) in servers() {
        for bad in ["8080", "localhost:8080", "127.0.0.1:99999", "banana"] {
            expect_usage_error(cargo_bin(package), &["--addr", bad], AN_ADDRESS_EXAMPLE);
        }
    }
}

#[test]
fn every_server_reports_an_address_in_use_in_one_friendly_line() {
    for (package, _, proto, _) in servers() {
        // Hold a port of the server's protocol, then ask the server for it.
        let (_udp, _tcp, addr) = match proto {
            Proto::Udp => {
                let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
                let addr = socket.local_addr().unwrap();
                (Some(socket), None, addr)
            }
            Proto::Tcp => {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let addr = listener.local_addr().unwrap();
                (None, Some(listener), addr)
            }
        };
        let output = Command::new(cargo_bin(package))
            .args(["--addr", &addr.to_string()])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{package}");
        assert!(output.stdout.is_empty(), "{package}: no listening line");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!(
                "Error: {addr} is already in use (another server running?): try --addr 127.0.0.1:0\n"
            ),
            "{package}"
        );
    }
}

#[test]
fn every_client_refuses_a_malformed_server_with_status_2_and_an_example() {
    for &(package, ..) in CLIENTS {
        expect_usage_error(
            cargo_bin(package),
            &["--server", "localhost"],
            AN_ADDRESS_EXAMPLE,
        );
    }
}

#[test]
fn every_client_takes_a_host_name_and_says_which_address_it_became() {
    for &(package, ..) in CLIENTS {
        // Port 9 (discard): nothing of ours listens there; a TCP client then fails to
        // connect, a UDP one waits for input. Either way it has said what the name became.
        let output = Command::new(cargo_bin(package))
            .args(["--server", "localhost:9"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("localhost:9 is 127.0.0.1:9"),
            "{package}: {stderr}"
        );
    }
}

/// How the OS words a write to a pipe that nobody reads any more: EPIPE on Linux and macOS;
/// on Windows ERROR_NO_DATA ("The pipe is being closed", 232) or ERROR_BROKEN_PIPE (109),
/// worded in the system's language, so only the number is matched.
#[cfg(unix)]
const BROKEN_PIPE: &[&str] = &["Broken pipe"];
#[cfg(windows)]
const BROKEN_PIPE: &[&str] = &["(os error 232)", "(os error 109)"];

#[test]
fn every_server_whose_stdout_is_closed_stops_with_an_error_line_not_a_panic() {
    for (package, _, proto, _) in servers() {
        // quinn drops a datagram that is not QUIC without telling the program: the QUIC
        // receiver has nothing to log, so nothing to fail on.
        if package == "quic-receiver" {
            continue;
        }
        let mut child = Command::new(cargo_bin(package))
            .args(["--addr", "127.0.0.1:0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdout, addr) = test_support::take_listening_line(&mut child);
        // Like `server | head -1`: the reader of the log is gone.
        drop(stdout);
        // Give the server something to log.
        let _peer = match proto {
            Proto::Udp => {
                let socket = test_support::udp_socket();
                socket.send_to(b"echo hello", addr).unwrap();
                Some(socket)
            }
            Proto::Tcp => {
                let mut stream = TcpStream::connect(addr).unwrap();
                std::io::Write::write_all(&mut stream, b"echo hello").unwrap();
                drop(stream);
                None
            }
        };
        let mut running = test_support::Running::adopt(child);
        let status = running.expect_exit();
        // The process has exited, but the thread that collects its stderr may not have read
        // the last line yet: wait for that line, not for a snapshot.
        let error = running.expect_line(Stream::Stderr, |line| line.starts_with("Error: "));
        let stderr = running.seen(Stream::Stderr).join("\n");
        assert_eq!(status.code(), Some(1), "{package}: {stderr}");
        assert!(
            BROKEN_PIPE.iter().any(|e| error.contains(e)),
            "{package}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{package}: {stderr}");
    }
}

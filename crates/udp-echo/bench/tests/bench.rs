//! The bench as students run it: the real binary, against lesson 1's real server and
//! against small echo servers in this test that answer wrongly or drop requests on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::process::Output;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use assert_cmd::Command;
use test_support::{DEADLINE, cargo_bin, start_server, udp_socket};

const BENCH: &str = env!("CARGO_BIN_EXE_udp-echo-bench");

/// Runs the bench against `server` with `args`, within the deadline.
fn bench(server: SocketAddr, args: &[&str]) -> Output {
    Command::new(BENCH)
        .arg("--server")
        .arg(server.to_string())
        .args(args)
        .timeout(DEADLINE)
        .output()
        .unwrap()
}

/// One number from the bench's `--json` line.
fn field(json: &str, name: &str) -> f64 {
    test_support::json_field(json, name)
        .parse()
        .unwrap_or_else(|_| panic!("{name} in {json}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An echo server on a thread of this test: `answer(n, datagram)` gives the reply to the
/// n-th datagram, or `None` to drop it. It stops after a second without traffic.
fn fake_server(
    answer: impl Fn(usize, &[u8]) -> Option<Vec<u8>> + Send + 'static,
) -> (SocketAddr, JoinHandle<()>) {
    let socket = udp_socket();
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let addr = socket.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let mut n = 0;
        while let Ok((len, from)) = socket.recv_from(&mut buf) {
            if let Some(reply) = answer(n, &buf[..len]) {
                socket.send_to(&reply, from).unwrap();
            }
            n += 1;
        }
    });
    (addr, handle)
}

#[test]
fn against_the_real_server_it_reports_a_positive_rate_and_no_wrong_reply() {
    let server_bin = cargo_bin("udp-echo-server");
    // The bench is one sender far over the server's default budget of replies a second.
    for mode in [
        &["--quiet", "--max-replies-per-peer", "0"][..],
        &["--max-replies-per-peer", "0"],
    ] {
        let server = start_server(&server_bin, mode);
        let output = bench(server.addr, &["--duration", "0.3", "--json"]);
        assert!(output.status.success(), "{output:?}");
        let json = stdout(&output);
        assert_eq!(field(&json, "wrong"), 0.0, "{mode:?}: {json}");
        assert!(field(&json, "replies_per_s") > 0.0, "{mode:?}: {json}");
        assert!(field(&json, "rtt_median_us") > 0.0, "{mode:?}: {json}");
        assert!(
            field(&json, "rtt_p99_us") >= field(&json, "rtt_median_us"),
            "{json}"
        );
    }
}

#[test]
fn the_summary_line_names_rate_round_trip_lost_and_wrong() {
    let server = start_server(
        cargo_bin("udp-echo-server"),
        &["--quiet", "--max-replies-per-peer", "0"],
    );
    let output = bench(server.addr, &["--count", "200", "--window", "4"]);
    assert!(output.status.success(), "{output:?}");
    let line = stdout(&output);
    assert_eq!(line.lines().count(), 1, "{line}");
    // (A loaded machine may hold a reply past 200 ms: "lost" is not asserted to be 0.)
    for part in [
        " replies/s, round trip median ",
        " µs, p99 ",
        ", lost ",
        ", wrong 0 (",
    ] {
        assert!(line.contains(part), "{part:?} in {line}");
    }
    let tail = format!(
        " replies to 200 requests to {}, window 4, 64 bytes, ",
        server.addr
    );
    assert!(line.contains(&tail), "{line}");
}

/// Runs the bench for `count` requests (window 4, `--json`) against a [`fake_server`] that
/// answers with `answer`, checks each of the `expected` counts in its JSON line, and returns
/// the bench's output.
fn expect_counts_against(
    answer: impl Fn(usize, &[u8]) -> Option<Vec<u8>> + Send + 'static,
    count: &str,
    expected: &[(&str, f64)],
) -> Output {
    let (addr, server) = fake_server(answer);
    let output = bench(addr, &["--count", count, "--window", "4", "--json"]);
    let json = stdout(&output);
    for &(name, value) in expected {
        assert_eq!(field(&json, name), value, "{name}: {json}");
    }
    server.join().unwrap();
    output
}

#[test]
fn a_server_that_does_not_upper_case_gets_every_reply_counted_wrong() {
    // Answered, if wrongly: none of them is also counted as lost.
    expect_counts_against(
        |_, datagram| Some(datagram.to_vec()),
        "50",
        &[("wrong", 50.0), ("replies", 0.0), ("lost", 0.0)],
    );
}

#[test]
fn a_request_not_answered_within_200_ms_is_counted_lost_and_replaced() {
    // Every third datagram is dropped: of 30 requests, 10 are lost and 20 answered.
    let output = expect_counts_against(
        |n, datagram| (n % 3 != 2).then(|| datagram.to_ascii_uppercase()),
        "30",
        &[
            ("sent", 30.0),
            ("lost", 10.0),
            ("replies", 20.0),
            ("wrong", 0.0),
        ],
    );
    assert!(output.status.success(), "{output:?}");
}

#[test]
fn with_no_reply_at_all_it_exits_1_and_says_so() {
    // A socket that never answers.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let output = bench(addr, &["--count", "3"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stdout(&output).contains("lost 3, wrong 0"), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        format!("Error: no reply from {addr}: is a UDP echo server listening there?\n")
    );
}

#[test]
fn a_size_too_small_for_the_sequence_number_is_refused() {
    test_support::expect_usage_error(BENCH, &["--size", "8"], "8 is not in 16..=65507");
}

#[test]
fn help_explains_the_flags_and_names_the_lesson() {
    test_support::expect_help_mentions(
        BENCH,
        &[
            "--server",
            "--window",
            "--size",
            "--duration",
            "--count",
            "--json",
            "lessons/01-udp-echo.md",
        ],
    );
}

#[test]
fn piped_the_bench_prints_its_one_line_and_nothing_on_stderr() {
    let server = start_server(
        cargo_bin("udp-echo-server"),
        &["--quiet", "--max-replies-per-peer", "0"],
    );
    for args in [&["--duration", "0.3"][..], &["--count", "500"]] {
        let output = bench(server.addr, args);
        assert!(output.status.success(), "{output:?}");
        // No progress bar when stderr is not a terminal: not a byte of it.
        assert_eq!(output.stderr, b"", "{args:?}");
        let line = stdout(&output);
        assert_eq!(line.lines().count(), 1, "{line:?}");
        assert!(!line.contains(['\r', '\u{1b}']), "{line:?}");
        assert!(line.contains(" replies/s, round trip median "), "{line:?}");
    }
}

#[test]
fn the_plot_of_labelled_runs_has_a_line_per_label_and_a_point_per_window_from_the_json() {
    let server = start_server(
        cargo_bin("udp-echo-server"),
        &["--quiet", "--max-replies-per-peer", "0"],
    );
    let dir = std::env::temp_dir().join(format!("udp-echo-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (results, svg) = (dir.join("results.jsonl"), dir.join("plot.svg"));
    // Two "servers" (the same one twice, under two names) at windows 1 and 4, as compare.sh
    // runs them: one JSON line per run.
    let mut lines = Vec::new();
    for label in ["first", "second"] {
        for window in ["1", "4"] {
            let args = [
                "--duration",
                "0.2",
                "--window",
                window,
                "--json",
                "--label",
                label,
            ];
            let output = bench(server.addr, &args);
            assert!(output.status.success(), "{output:?}");
            lines.push(stdout(&output).trim().to_owned());
        }
    }
    std::fs::write(&results, lines.join("\n")).unwrap();
    let (results_arg, svg_arg) = (results.to_str().unwrap(), svg.to_str().unwrap());
    let output = std::process::Command::new(cargo_bin("plots"))
        .args(["udp-echo", results_arg, "--out", svg_arg])
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&svg);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "{output:?}");

    let (command, panels) = plots::parse(&text.unwrap()).unwrap();
    assert_eq!(
        command,
        format!("cargo run -p plots -- udp-echo {results_arg} --out {svg_arg}")
    );
    let rate = &panels[0];
    let labels: Vec<&str> = rate.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["first", "second"]);
    // One run per label and window, so each point is that run's replies/s.
    for (series, runs) in rate.series.iter().zip(lines.chunks(2)) {
        let expected: Vec<(f64, f64)> = runs
            .iter()
            .map(|json| (field(json, "window"), field(json, "replies_per_s")))
            .collect();
        assert_eq!(series.points, expected, "{}", series.label);
    }
    assert_eq!(panels[1].series.len(), 2, "round trips, one line per label");
}

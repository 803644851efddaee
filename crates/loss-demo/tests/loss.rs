//! loss-demo as students run it: the real binary, each experiment's numbers read from its
//! `key: value` lines and its table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use test_support::DEADLINE;

const DEMO: &str = env!("CARGO_BIN_EXE_loss-demo");

/// Runs the demo to the end and returns its stdout lines (see `test_support::run_to_end`).
fn run(args: &[&str]) -> Vec<String> {
    test_support::run_to_end(DEMO, args)
}

/// The value of the first `key:` line in the output.
fn value(lines: &[String], key: &str) -> String {
    let prefix = format!("{key}:");
    lines
        .iter()
        .find_map(|line| line.trim_start().strip_prefix(&prefix))
        .map(|rest| rest.trim().to_owned())
        .unwrap_or_else(|| panic!("no `{key}:` line in:\n{}", lines.join("\n")))
}

/// The first number in a text: `1024 bytes into ...` -> 1024.
fn number(text: &str) -> u64 {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .unwrap_or_else(|| panic!("no number in {text:?}"))
        .parse()
        .unwrap()
}

/// One row of the flood table.
#[derive(Debug)]
struct Row {
    set: u64,
    sent: u64,
    received: u64,
    lost: u64,
}

fn flood_rows(lines: &[String]) -> Vec<Row> {
    lines
        .iter()
        .filter(|line| line.trim_start().starts_with('|') && !line.contains("asked"))
        .map(|line| {
            let cells: Vec<&str> = line
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            Row {
                set: cells[1].parse().unwrap(),
                sent: cells[2].parse().unwrap(),
                received: cells[3].parse().unwrap(),
                lost: cells[4].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn a_2000_byte_datagram_read_with_1024_bytes_is_cut_flagged_and_the_rest_is_gone() {
    let lines = run(&["truncation"]);
    assert!(value(&lines, "sent").starts_with("a datagram of 2000 bytes"));
    assert_eq!(number(&value(&lines, "received")), 1024);
    assert!(value(&lines, "truncated").starts_with("yes"), "{lines:#?}");
    let lost = value(&lines, "lost");
    assert_eq!(number(&lost), 976, "{lost}");
    // Only Linux reports the datagram's real length.
    #[cfg(target_os = "linux")]
    assert!(lost.contains("the datagram was 2000 bytes"), "{lost}");
    // The next read is the next datagram: the 976 bytes did not wait for it.
    assert!(value(&lines, "next read").starts_with("4 bytes b'next'"));
}

#[test]
fn every_send_to_a_port_nobody_bound_succeeds_and_nothing_is_kept_for_later() {
    let lines = run(&["no-receiver"]);
    assert!(
        value(&lines, "sendto ok").starts_with("3 of 3"),
        "{lines:#?}"
    );
    assert_eq!(number(&value(&lines, "send ok")), 5);
    let later = value(&lines, "bound later");
    assert!(later.contains("nothing within"), "{later}");
}

#[test]
fn a_connected_udp_socket_learns_of_connection_refused_an_unconnected_one_never_does() {
    let lines = run(&["no-receiver"]);
    let unconnected = value(&lines, "unconnected");
    let connected = value(&lines, "connected");
    // Linux and macOS report the ICMP "port unreachable" to connected sockets only.
    #[cfg(unix)]
    {
        assert!(unconnected.contains("nothing within"), "{unconnected}");
        assert!(
            connected.to_lowercase().contains("connection refused"),
            "{connected}"
        );
    }
    // Windows reports it to both, as WSAECONNRESET (10054).
    #[cfg(windows)]
    if !test_support::wine_gap(test_support::Gap::PortUnreachableNotReported) {
        assert!(unconnected.contains("10054"), "{unconnected}");
        assert!(connected.contains("10054"), "{connected}");
    }
}

#[test]
fn datagrams_sent_before_the_receiver_reads_all_wait_in_its_buffer() {
    let lines = run(&["late-receiver"]);
    assert_eq!(
        value(&lines, "received"),
        "5 of 5: b'message 1' b'message 2' b'message 3' b'message 4' b'message 5'"
    );
}

#[test]
fn three_udp_sends_are_three_receives_three_tcp_writes_arrive_glued_in_one_read() {
    let lines = run(&["boundaries"]);
    assert_eq!(value(&lines, "udp sends"), "3: b'one' b'two' b'three'");
    assert_eq!(value(&lines, "udp reads"), "3: b'one' b'two' b'three'");
    assert_eq!(value(&lines, "tcp writes"), "3: b'one' b'two' b'three'");
    assert_eq!(value(&lines, "tcp reads"), "1: b'onetwothree'");
}

/// A flood that must overflow a small buffer: 2000 x 1400 bytes into 16 KiB asked.
fn small_and_large_flood() -> Vec<Row> {
    let lines = run(&[
        "flood",
        "--count",
        "2000",
        "--size",
        "1400",
        "--small-rcvbuf",
        "16384",
        "--rcvbuf",
        "4194304",
    ]);
    let rows = flood_rows(&lines);
    assert_eq!(rows.len(), 2, "{lines:#?}");
    rows
}

#[test]
fn a_udp_flood_loses_what_does_not_fit_in_the_receive_buffer() {
    let rows = small_and_large_flood();
    let small = &rows[0];
    assert_eq!(small.sent, 2000, "{small:?}");
    assert!(small.received < small.sent, "nothing was lost: {small:?}");
    assert_eq!(small.lost, small.sent - small.received);
    // What was kept fits in the buffer (the kernel may let one datagram over the line).
    if !test_support::wine_gap(test_support::Gap::ReceiveBufferLargerThanReported) {
        assert!(
            small.received * 1400 <= small.set + 1400,
            "more kept than the buffer holds: {small:?}"
        );
    }
}

#[test]
fn a_larger_receive_buffer_keeps_more_datagrams() {
    let rows = small_and_large_flood();
    let (small, large) = (&rows[0], &rows[1]);
    // The OS really gave the second receiver more room (asked 4 MiB against 16 KiB: even a
    // stock Linux cap of 212992 bytes doubles to 425984, 13 times the small one's 32768)...
    assert!(large.set > small.set, "{rows:?}");
    // ...and with it, more datagrams survive the same flood.
    assert!(large.received > small.received, "{rows:?}");
    assert_eq!(large.lost, large.sent - large.received);
}

#[cfg(target_os = "linux")]
#[test]
fn linux_doubles_so_rcvbuf_after_capping_it_at_rmem_max() {
    let rmem_max: u64 = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let rows = small_and_large_flood();
    assert_eq!(rows[0].set, 2 * 16384);
    assert_eq!(rows[1].set, 2 * rmem_max.min(4_194_304), "{rows:?}");
}

#[test]
fn without_a_subcommand_all_five_experiments_run_in_order() {
    let lines = run(&[]);
    let order: Vec<String> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("== "))
        .map(|rest| rest.split(':').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        order,
        [
            "truncation",
            "no-receiver",
            "late-receiver",
            "boundaries",
            "flood",
            "summary"
        ]
    );
    assert_eq!(flood_rows(&lines).len(), 2);
    // The run ends with a summary of the five, one line each, in the same order: on a
    // 24-line terminal the first experiments have scrolled away by then.
    let at = lines
        .iter()
        .position(|line| line.starts_with("== summary"))
        .expect("no summary");
    let meanings: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("  meaning:"))
        .collect();
    assert_eq!(meanings.len(), 5);
    let summary = &lines[at + 1..];
    assert_eq!(summary.len(), 5, "{summary:#?}");
    for ((line, name), meaning) in summary.iter().zip(&order[..5]).zip(meanings) {
        let sentence = meaning.trim_start_matches("  meaning:").trim_start();
        assert!(line.starts_with(&format!("  {name}:")), "{line}");
        assert!(line.ends_with(sentence), "{line}");
    }
}

#[test]
fn flood_refuses_a_datagram_larger_than_udp_allows() {
    assert_cmd::Command::new(DEMO)
        .args(["flood", "--size", "70000"])
        .timeout(DEADLINE)
        .assert()
        .failure()
        .stderr(predicates::str::contains("--size"));
}

#[test]
fn help_names_the_lesson() {
    test_support::expect_help_mentions(DEMO, &["lessons/07-loss.md"]);
}

/// A file in the system's temporary folder, unique to this test run, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        TempFile(std::env::temp_dir().join(format!("loss-demo-{}-{name}", std::process::id())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn buffer_sweep_plots_one_point_per_measured_buffer_size_with_the_numbers_of_its_table() {
    let svg = TempFile::new("sweep.svg");
    let path = svg.0.to_str().unwrap();
    let args = [
        "buffer-sweep",
        "--count",
        "300",
        "--size",
        "1000",
        "--from",
        "8192",
        "--to",
        "32768",
        "--plot",
        path,
    ];
    let lines = run(&args);
    let rows = flood_rows(&lines);
    assert_eq!(rows.len(), 3, "8, 16 and 32 KiB asked: {lines:#?}");

    let text = std::fs::read_to_string(&svg.0).unwrap();
    let (command, panels) = plots::parse(&text).unwrap();
    assert_eq!(
        command,
        format!("cargo run -p loss-demo -- {}", args.join(" "))
    );
    let [panel] = panels.as_slice() else {
        panic!("one panel: {panels:#?}")
    };
    let labels: Vec<&str> = panel.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["kept by the receiver", "sent"]);
    // Each point is a row of the table: x the buffer set (KiB), y the datagrams kept / sent.
    let kept: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r.set as f64 / 1024.0, r.received as f64))
        .collect();
    assert_eq!(panel.series[0].points, kept);
    assert!(panel.series[1].points.iter().all(|p| p.1 == 300.0));
    // And the file is what the plotting code draws from those points: one dot per point.
    assert_eq!(plots::svg(&panels, &command).unwrap(), text);
    assert_eq!(text.matches("<circle").count(), 6);
}

#[test]
fn piped_the_progress_bars_add_nothing_and_stdout_is_only_the_report() {
    // stderr and stdout are pipes here, as in a script: indicatif must draw nothing.
    for args in [
        &["flood", "--count", "300"][..],
        &[
            "buffer-sweep",
            "--count",
            "100",
            "--from",
            "8192",
            "--to",
            "16384",
        ][..],
    ] {
        let output = assert_cmd::Command::new(DEMO)
            .args(args)
            .timeout(DEADLINE)
            .assert()
            .success()
            .get_output()
            .clone();
        assert_eq!(output.stderr, b"", "{args:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(!stdout.contains(['\r', '\u{1b}']), "{args:?}: {stdout:?}");
        // Every line is the heading, a table row, a `key: value` line, or the blank first line.
        for line in stdout.lines() {
            assert!(
                line.is_empty()
                    || line.starts_with("== ")
                    || line.starts_with("  | ")
                    || line.starts_with("  ") && line.contains(':'),
                "{args:?}: unexpected line {line:?}"
            );
        }
    }
}

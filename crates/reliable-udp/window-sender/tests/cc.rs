//! Lesson 10: `window-sender --cc newreno` as a student runs it, through the lossy link with a
//! rate limit and a small queue, so every loss is the queue's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

use test_support::{Running, cargo_bin, start_server};

#[test]
fn window_sender_with_newreno_cuts_its_window_when_the_links_queue_overflows() {
    let receiver = start_server(cargo_bin("window-receiver"), &[]);
    let to = receiver.addr.to_string();
    // 200 KB/s and 5 ms each way hold about two packets, the queue eight more: NewReno's
    // first window of ten overflows it already.
    let link = start_server(
        cargo_bin("lossy-link"),
        &[
            "--to", &to, "--rate", "200KB", "--queue", "8", "--delay", "5ms",
        ],
    );
    let dir = std::env::temp_dir();
    let file = dir.join(format!("lesson10-newreno-{}.bin", std::process::id()));
    let trace = dir.join(format!("lesson10-newreno-{}.txt", std::process::id()));
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 31 + i / 7) as u8).collect();
    std::fs::write(&file, &data).unwrap();

    let mut command = Command::new(env!("CARGO_BIN_EXE_window-sender"));
    command
        .args(["--server", &link.addr.to_string(), "--window", "512"])
        .args(["--cc", "newreno", "--file"])
        .arg(&file)
        .arg("--cwnd-trace")
        .arg(&trace);
    let mut sender = Running::spawn(command);
    let status = sender
        .exit_within(Duration::from_secs(30))
        .expect("the transfer did not end within 30 s");
    assert!(status.success(), "{}", sender.transcript());
    let report = sender.expect_stdout("newreno: congestion window");
    let cuts: u64 = report
        .split("cut ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of cuts in {report:?}"));
    assert!(cuts >= 1, "{report}");
    receiver.expect_stdout(&format!("received {} bytes from", data.len()));

    // The trace: ten packets of 1024 bytes at first, then at least one cut (a window smaller
    // than the one before it).
    let text = std::fs::read_to_string(&trace).unwrap();
    let windows: Vec<u64> = text
        .lines()
        .map(|line| line.split(' ').nth(1).unwrap().parse().unwrap())
        .collect();
    let _ = (std::fs::remove_file(&file), std::fs::remove_file(&trace));
    assert_eq!(windows.first(), Some(&10_240), "{text}");
    assert!(windows.windows(2).any(|w| w[1] < w[0]), "never cut: {text}");
}

//! empty-datagram-demo as students run it: the real binary, its narration read line by line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::process::Command;

use test_support::{QUIET, Running, Stream};

const DEMO: &str = env!("CARGO_BIN_EXE_empty-datagram-demo");

/// Runs the demo to the end and returns its stdout lines (see `test_support::run_to_end`).
fn run(args: &[&str]) -> Vec<String> {
    test_support::run_to_end(DEMO, args)
}

/// The value of the `key:` line inside step `step` ("Step 2 of 4: ...").
fn value(lines: &[String], step: u32, key: &str) -> String {
    let start = format!("Step {step} of 4");
    let mut in_step = false;
    for line in lines {
        if line.starts_with("Step ") {
            in_step = line.starts_with(&start);
            continue;
        }
        match line.trim_start().strip_prefix(&format!("{key}:")) {
            Some(rest) if in_step => return rest.trim().to_owned(),
            _ => {}
        }
    }
    panic!("no `{key}:` line in step {step}:\n{}", lines.join("\n"));
}

/// The address after `udp://` or `from ` in a value.
fn addr_after(text: &str, marker: &str) -> SocketAddr {
    let rest = text.split_once(marker).unwrap().1;
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn the_demo_runs_four_steps_each_with_a_meaning_and_exits_by_itself() {
    let lines = run(&[]);
    let headings: Vec<&String> = lines.iter().filter(|l| l.starts_with("Step ")).collect();
    assert_eq!(headings.len(), 4, "{lines:#?}");
    let meanings = lines.iter().filter(|l| l.contains("meaning:")).count();
    assert_eq!(meanings, 4, "{lines:#?}");
}

#[test]
fn udp_recvfrom_on_an_empty_buffer_waits_instead_of_returning_empty() {
    let lines = run(&[]);
    let recvfrom = value(&lines, 1, "recvfrom");
    assert!(recvfrom.starts_with("nothing within"), "{recvfrom}");
}

#[test]
fn empty_udp_datagram_is_received_as_zero_bytes_with_the_senders_address() {
    let lines = run(&[]);
    let sender = addr_after(&value(&lines, 2, "sender"), "udp://");
    assert_eq!(
        value(&lines, 2, "sendto").split(" returned ").nth(1),
        Some("0")
    );
    let recvfrom = value(&lines, 2, "recvfrom");
    assert!(recvfrom.starts_with("0 bytes b'' from "), "{recvfrom}");
    assert_eq!(addr_after(&recvfrom, "from "), sender);
}

#[test]
fn empty_tcp_write_returns_zero_and_the_peer_receives_nothing() {
    let lines = run(&[]);
    assert_eq!(value(&lines, 3, "send"), "b'' returned 0");
    let recv = value(&lines, 3, "recv");
    assert!(recv.starts_with("nothing within"), "{recv}");
}

#[test]
fn tcp_recv_returns_zero_bytes_at_once_when_the_peer_closes() {
    let lines = run(&[]);
    let recv = value(&lines, 4, "recv");
    assert!(recv.starts_with("0 bytes b'' after "), "{recv}");
    assert!(recv.ends_with("end of stream"), "{recv}");
}

/// The demo in step mode (`--step`): it waits for Enter before each step.
fn step_mode() -> Running {
    let mut command = Command::new(DEMO);
    command.arg("--step");
    Running::spawn(command)
}

#[test]
fn step_mode_waits_for_enter_before_each_step() {
    let mut demo = step_mode();
    // Nothing before the first Enter.
    assert_eq!(demo.next_line(Stream::Stdout, QUIET), None);
    demo.write_line("");
    demo.expect_stdout("Step 1 of 4");
    demo.expect_stdout("meaning:");
    // Step 1 is done; step 2 waits for the next Enter.
    assert_eq!(demo.next_line(Stream::Stdout, QUIET), None);
    assert!(demo.is_running());
    demo.write_line("");
    demo.expect_stdout("Step 2 of 4");
    // At end of input the demo stops waiting and runs to the end.
    demo.close_stdin();
    demo.expect_stdout("Step 4 of 4");
    assert!(demo.expect_exit().success(), "{}", demo.transcript());
}

#[test]
fn in_step_mode_a_datagram_another_program_sends_is_not_taken_for_the_demos_own() {
    let mut demo = step_mode();
    demo.write_line("");
    let receiver = addr_after(&demo.expect_stdout("receiver:"), "udp://");
    demo.expect_stdout("meaning:");
    // The demo waits for Enter before step 2: time for another program to send.
    let intruder = test_support::udp_socket();
    intruder.send_to(b"intruder", receiver).unwrap();
    demo.write_line("");
    let sender = addr_after(&demo.expect_stdout("sender:"), "udp://");
    let foreign = demo.expect_stdout("recvfrom:");
    assert!(
        foreign.contains(&format!(
            "8 bytes b'intruder' from {}: not our sender, another program sent it",
            intruder.local_addr().unwrap()
        )),
        "{foreign}"
    );
    let ours = demo.expect_stdout("recvfrom:");
    assert!(
        ours.ends_with(&format!("0 bytes b'' from {sender}")),
        "{ours}"
    );
    demo.close_stdin();
    assert!(demo.expect_exit().success(), "{}", demo.transcript());
}

#[test]
fn help_names_the_lesson() {
    test_support::expect_help_mentions(DEMO, &["lessons/06-empty-datagram.md"]);
}

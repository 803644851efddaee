//! Lesson 1 end to end, the way the README tells a student to run it: the real server in one
//! "terminal", the real client in another, lines typed in, upper-cased lines out.

use std::process::Command;

use test_support::{Running, cargo_bin, start_server};

#[test]
fn students_two_terminal_run_echoes_typed_lines_upper_cased() {
    // Terminal 1: cargo run -p udp-echo-server
    let server = start_server(cargo_bin("udp-echo-server"), &[]);

    // Terminal 2: cargo run -p udp-echo-client, then type three lines and Ctrl-D.
    let mut command = Command::new(cargo_bin("udp-echo-client"));
    command.args(["--server", &server.addr.to_string()]);
    let mut client = Running::spawn(command);
    client.write_line("hello");
    client.write_line("");
    client.write_line("你好 world");
    client.close_stdin();
    assert!(client.expect_exit().success(), "{}", client.transcript());

    assert_eq!(
        client.seen(test_support::Stream::Stdout),
        ["b'HELLO'", "b''", r"b'\xe4\xbd\xa0\xe5\xa5\xbd WORLD'"]
    );
    // The server logged all three, the empty one as b''.
    server.expect_stdout(": b'hello'");
    server.expect_stdout(": b''");
    server.expect_stdout(r": b'\xe4\xbd\xa0\xe5\xa5\xbd world'");
}

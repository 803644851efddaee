//! Round three, finding 5: a command whose process keeps moving to a new session (fork,
//! `setsid` in the child, the parent exits, every 20 ms) and the server stopped by SIGTERM
//! or Ctrl-C. The server looks at a running command's processes only every 0.1 s, so the
//! companion never heard of the group the process was in at that moment, and it outlived
//! the server, adopted by PID 1. Now the server catches SIGTERM and SIGINT and, before it
//! exits, kills every process that descends from it (as a subreaper, that is every process
//! its commands started, wherever it moved) until none is left. Linux only, as the
//! subreaper is; lesson 4 says what holds elsewhere and for SIGKILL.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::net::{SocketAddr, TcpStream};

use test_support::escape::a_hopping_command_dies_with_a_sigtermed_or_ctrl_c_ed_server;
use test_support::tcp_connect;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-remote-cmd-server");

/// The command goes over a connection, held open until the test ends.
fn send(server: SocketAddr, command: &str) -> TcpStream {
    let mut conn = tcp_connect(server);
    conn.write_all(command.as_bytes()).unwrap();
    conn
}

#[test]
fn a_command_that_keeps_moving_to_new_sessions_dies_with_a_sigtermed_or_ctrl_c_ed_server() {
    a_hopping_command_dies_with_a_sigtermed_or_ctrl_c_ed_server(SERVER, send, "tcp");
}

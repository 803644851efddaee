// The cases of `chat-line` (lesson 2), a list of their own: they share nothing with the
// lesson's other checks (02-udp-qq.rs).

use std::net::SocketAddr;

use exercise_harness::{Check, cases, expect_text, show, step};

use super::super::chat_line::chat_line;

/// The cases of `chat-line`.
pub const CASES: &[exercise_harness::Case] = cases! {
    plain_text, line_end_removed, windows_line_end_removed, not_utf8_is_shown_lossily
};

fn shows(bytes: &[u8], want: &str) -> Check {
    step(format!("chat_line(127.0.0.1:5000, {})", show(bytes)));
    let from = SocketAddr::from(([127, 0, 0, 1], 5000));
    let got = chat_line(from, bytes);
    expect_text(format!("{got:?}"), format!("{want:?}"))
}

fn plain_text() -> Check {
    shows(b"hello", "[127.0.0.1:5000] hello")
}

fn line_end_removed() -> Check {
    shows(b"hello\n", "[127.0.0.1:5000] hello")
}

fn windows_line_end_removed() -> Check {
    shows(b"hello\r\n", "[127.0.0.1:5000] hello")
}

fn not_utf8_is_shown_lossily() -> Check {
    shows(b"caf\xe9!", "[127.0.0.1:5000] caf\u{fffd}!")
}

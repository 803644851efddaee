//! Exercise `chat-line` (lesson 2, warm-up): what the chat prints for a datagram.
//!
//! Write `chat_line`: `[sender address] text`. A peer may send anything: bytes that are not
//! UTF-8 must not stop the chat (decode them lossily, as U+FFFD), and the line end its terminal
//! added (`\n`, or `\r\n` on Windows) is not part of the text.
//!
//! Check your work:  cargo exercises check chat-line

use std::net::SocketAddr;

/// The line the chat shows for `bytes` from `from`: `[127.0.0.1:5000] hello`, the text decoded
/// lossily, without its line end (`\n` or `\r\n`).
pub fn chat_line(from: SocketAddr, bytes: &[u8]) -> String {
    // TODO: String::from_utf8_lossy, strip one "\n" and then one "\r", then format!.
    todo!("show {} bytes from {from}", bytes.len())
}

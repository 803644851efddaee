//! Solution to `chat-line` (lesson 2, warm-up).

use std::net::SocketAddr;

/// The line the chat shows for `bytes` from `from`: `[127.0.0.1:5000] hello`, the text decoded
/// lossily, without its line end (`\n` or `\r\n`).
pub fn chat_line(from: SocketAddr, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    // The line end is the sender's terminal's, not part of what was said.
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    format!("[{from}] {text}")
}

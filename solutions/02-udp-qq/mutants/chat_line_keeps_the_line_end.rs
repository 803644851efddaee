// A wrong solution to `chat-line`, kept so a test can prove the check rejects it.
//
// The bug: keeps the line end in the text.
// The case that catches it: `line_end_removed`.

use std::net::SocketAddr;

/// The line the chat shows for `bytes` from `from`: `[127.0.0.1:5000] hello`, the text decoded
/// lossily, without its line end (`\n` or `\r\n`).
pub fn chat_line(from: SocketAddr, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    // The line end is the sender's terminal's, not part of what was said.
    let text: &str = &text;
    format!("[{from}] {text}")
}

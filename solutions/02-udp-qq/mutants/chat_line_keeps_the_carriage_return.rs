// A wrong solution to `chat-line`, kept so a test can prove the check rejects it.
//
// The bug: removes \n but keeps the \r of a Windows line end.
// The case that catches it: `windows_line_end_removed`.

use std::net::SocketAddr;

/// The line the chat shows for `bytes` from `from`: `[127.0.0.1:5000] hello`, the text decoded
/// lossily, without its line end (`\n` or `\r\n`).
pub fn chat_line(from: SocketAddr, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    // The line end is the sender's terminal's, not part of what was said.
    let text = text.strip_suffix('\n').unwrap_or(&text);
    format!("[{from}] {text}")
}

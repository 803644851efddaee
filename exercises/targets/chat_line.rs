//! The target `cargo exercises check chat-line` builds and runs: your file with its
//! cases, the rest of lesson 2 as solved. Nothing to edit here.

#[path = "../02-udp-qq/chat_line.rs"]
mod chat_line;

exercises::target! { "chat-line", "02-udp-qq.rs", lesson2::CHAT_LINE }

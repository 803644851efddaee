//! The target `cargo exercises check tcp-upper` builds and runs: your file with its
//! cases, the rest of lesson 4 as solved. Nothing to edit here.

#[path = "../04-tcp-remote-cmd/tcp_upper.rs"]
pub mod tcp_upper;

exercises::target! { "tcp-upper", "04-tcp-remote-cmd.rs", lesson4::TCP_UPPER }

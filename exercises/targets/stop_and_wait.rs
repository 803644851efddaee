//! The target `cargo exercises check stop-and-wait` builds and runs: your file with its
//! cases, the rest of lesson 9 as solved. Nothing to edit here.

#[path = "../09-reliable-udp/stop_and_wait.rs"]
pub mod stop_and_wait;

exercises::target! { "stop-and-wait", "09-reliable-udp.rs", lesson9::STOP_AND_WAIT }

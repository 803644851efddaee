//! The target `cargo exercises check link-holds` builds and runs: your file with its
//! cases, the rest of lesson 10 as solved. Nothing to edit here.

#[path = "../10-sharing-the-link/link_holds.rs"]
pub mod link_holds;

exercises::target! { "link-holds", "10-sharing-the-link.rs", lesson10::LINK_HOLDS }

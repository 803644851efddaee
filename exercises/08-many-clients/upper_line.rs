//! Exercise `upper-line` (lesson 8, warm-up): the one step every design of lesson 8 shares.
//!
//! Write `upper_line`: the answer to one line. Upper-case ASCII letters only, keep every other
//! byte as it is (the client may send bytes that are not UTF-8), and end with `\n`.
//!
//! Check your work:  cargo exercises check upper-line

/// The answer to `line`: its ASCII letters in upper case, every other byte as it was, ending
/// in `\n` (added if the line came without one).
pub fn upper_line(line: &[u8]) -> Vec<u8> {
    // TODO: to_ascii_uppercase, then make sure it ends with a newline.
    todo!("answer {} bytes", line.len())
}

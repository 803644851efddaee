//! Exercise `line-end` (lesson 4, warm-up): where does the first line end?
//!
//! Write `line_end`: TCP hands you bytes, not lines; a server keeps what it has read in a
//! buffer and takes a line out only once it has ended. Return the length of the first whole
//! line, its `\n` included, or `None` if no `\n` has come yet.
//!
//! Check your work:  cargo exercises check line-end

/// How many bytes of `buffer` the first whole line takes, its `\n` included; `None` when no
/// line has ended yet.
pub fn line_end(buffer: &[u8]) -> Option<usize> {
    // TODO: the position of the first b'\n', plus one; None without one.
    todo!("find the first line end in {} bytes", buffer.len())
}

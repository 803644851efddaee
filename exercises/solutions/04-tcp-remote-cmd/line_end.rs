//! Solution to `line-end` (lesson 4, warm-up).

/// How many bytes of `buffer` the first whole line takes, its `\n` included; `None` when no
/// line has ended yet.
pub fn line_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .iter()
        .position(|&byte| byte == b'\n')
        .map(|at| at + 1)
}

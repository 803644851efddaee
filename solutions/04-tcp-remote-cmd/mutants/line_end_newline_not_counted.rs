// A wrong solution to `line-end`, kept so a test can prove the check rejects it.
//
// The bug: returns where the \n is, not the length with it.
// The case that catches it: `one_line`.

/// How many bytes of `buffer` the first whole line takes, its `\n` included; `None` when no
/// line has ended yet.
pub fn line_end(buffer: &[u8]) -> Option<usize> {
    buffer.iter().position(|&byte| byte == b'\n').map(|at| at)
}

// A wrong solution to `line-end`, kept so a test can prove the check rejects it.
//
// The bug: finds the last \n, not the first.
// The case that catches it: `two_lines_in_one_read`.

/// How many bytes of `buffer` the first whole line takes, its `\n` included; `None` when no
/// line has ended yet.
pub fn line_end(buffer: &[u8]) -> Option<usize> {
    buffer.iter().rposition(|&byte| byte == b'\n').map(|at| at + 1)
}

// A wrong solution to `upper-line`, kept so a test can prove the check rejects it.
//
// The bug: leaves a last line without its \n.
// The case that catches it: `last_line_without_line_end`.

/// The answer to `line`: its ASCII letters in upper case, every other byte as it was, ending
/// in `\n` (added if the line came without one).
pub fn upper_line(line: &[u8]) -> Vec<u8> {
    let answer = line.to_ascii_uppercase();
    answer
}

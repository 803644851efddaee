//! Solution to `upper-line` (lesson 8, warm-up).

/// The answer to `line`: its ASCII letters in upper case, every other byte as it was, ending
/// in `\n` (added if the line came without one).
pub fn upper_line(line: &[u8]) -> Vec<u8> {
    let mut answer = line.to_ascii_uppercase();
    if !answer.ends_with(b"\n") {
        answer.push(b'\n');
    }
    answer
}

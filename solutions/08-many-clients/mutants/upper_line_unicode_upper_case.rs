// A wrong solution to `upper-line`, kept so a test can prove the check rejects it.
//
// The bug: upper-cases as text (ß becomes SS, bad bytes become U+FFFD).
// The case that catches it: `only_ascii_letters`.

/// The answer to `line`: its ASCII letters in upper case, every other byte as it was, ending
/// in `\n` (added if the line came without one).
pub fn upper_line(line: &[u8]) -> Vec<u8> {
    let mut answer = String::from_utf8_lossy(line).to_uppercase().into_bytes();
    if !answer.ends_with(b"\n") {
        answer.push(b'\n');
    }
    answer
}

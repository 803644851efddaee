// The cases of `upper-line` (lesson 8), a list of their own: they share nothing with the
// lesson's other checks (08-many-clients.rs).

use exercise_harness::{Check, cases, show, step};

use super::super::upper_line::upper_line;

/// The cases of `upper-line`.
pub const CASES: &[exercise_harness::Case] = cases! {
    plain_line, only_ascii_letters, last_line_without_line_end, bytes_that_are_not_utf8
};

fn answers(line: &[u8], want: &[u8]) -> Check {
    step(format!("upper_line({})", show(line)));
    exercise_harness::expect_bytes(&upper_line(line), want)
}

fn plain_line() -> Check {
    answers(b"hello 123\n", b"HELLO 123\n")
}

fn only_ascii_letters() -> Check {
    answers("straße\n".as_bytes(), "STRAßE\n".as_bytes())
}

fn last_line_without_line_end() -> Check {
    answers(b"bye", b"BYE\n")
}

fn bytes_that_are_not_utf8() -> Check {
    answers(&[0xFF, b'a', b'\n'], &[0xFF, b'A', b'\n'])
}

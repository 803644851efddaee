// The cases of `line-end` (lesson 4), a list of their own: they share nothing with the
// lesson's other checks (04-tcp-remote-cmd.rs).

use exercise_harness::{Check, cases, expect_text, show, step};

use super::super::line_end::line_end;

/// The cases of `line-end`.
pub const CASES: &[exercise_harness::Case] = cases! {
    one_line, no_line_end_yet, two_lines_in_one_read, empty_line, empty_buffer
};

fn finds(buffer: &[u8], want: Option<usize>) -> Check {
    step(format!("line_end({})", show(buffer)));
    expect_text(format!("{:?}", line_end(buffer)), format!("{want:?}"))
}

fn one_line() -> Check {
    finds(b"hi\n", Some(3))
}

fn no_line_end_yet() -> Check {
    finds(b"hal", None)
}

fn two_lines_in_one_read() -> Check {
    finds(b"a\nbb\n", Some(2))
}

fn empty_line() -> Check {
    finds(b"\nx", Some(1))
}

fn empty_buffer() -> Check {
    finds(b"", None)
}

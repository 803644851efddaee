// The cases of `piece-header` (lesson 5), a list of their own: they share nothing with the
// lesson's other checks (05-udp-remote-cmd.rs).

use exercise_harness::{Check, cases, expect_text, show, step};

use super::super::piece_header::parse_piece;

/// The cases of `piece-header`.
pub const CASES: &[exercise_harness::Case] = cases! {
    big_endian, header_only, short_datagram_refused, index_past_count_refused, count_zero_refused
};

fn parses(datagram: &[u8], want: Option<(u16, u16, &[u8])>) -> Check {
    step(format!("parse_piece({datagram:?})"));
    let shown = |piece: Option<(u16, u16, &[u8])>| match piece {
        Some((index, count, bytes)) => format!("Some(({index}, {count}, {}))", show(bytes)),
        None => "None".to_owned(),
    };
    expect_text(shown(parse_piece(datagram)), shown(want))
}

fn big_endian() -> Check {
    parses(&[0, 1, 0, 3, b'x'], Some((1, 3, b"x")))
}

fn header_only() -> Check {
    parses(&[0, 0, 0, 1], Some((0, 1, b"")))
}

fn short_datagram_refused() -> Check {
    parses(&[0, 0, 1], None)
}

fn index_past_count_refused() -> Check {
    parses(&[0, 3, 0, 3, b'x'], None)
}

fn count_zero_refused() -> Check {
    parses(&[0, 0, 0, 0], None)
}

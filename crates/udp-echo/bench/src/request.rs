//! What the bench sends, and how it checks what comes back.
//!
//! A request of `size` bytes starts with its sequence number as 16 upper-case hex digits
//! (which upper-casing leaves alone), followed by lower-case letters that depend on the
//! sequence number. The only right answer is the same bytes upper-cased, so a reply can be
//! checked, and matched to its request, without keeping a copy of what was sent.

/// Bytes taken by the sequence number at the start of every request.
pub const HEADER: usize = 16;

/// Fills `buf` with request number `seq`, `size` bytes long (`size >= HEADER`).
pub fn make_request(seq: u64, size: usize, buf: &mut Vec<u8>) {
    buf.clear();
    for shift in (0..HEADER).rev() {
        let digit = (seq >> (shift * 4)) & 0xf;
        buf.push(b"0123456789ABCDEF"[digit as usize]);
    }
    buf.extend((HEADER..size).map(|i| letter(seq, i)));
}

/// The lower-case letter at position `i` of request `seq`.
fn letter(seq: u64, i: usize) -> u8 {
    b'a' + ((seq.wrapping_add(i as u64)) % 26) as u8
}

/// What one reply turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Exactly request `seq` upper-cased.
    Right(u64),
    /// Anything else. The sequence number is given when the reply starts with one we sent,
    /// so the request it answers (wrongly) is no longer waited for.
    Wrong(Option<u64>),
}

/// Checks a reply against the request it claims to answer. `sent` is how many requests
/// have been sent so far (sequence numbers `0..sent`), `size` the size of each.
pub fn check_reply(reply: &[u8], size: usize, sent: u64) -> Reply {
    let Some(seq) = parse_seq(reply).filter(|&seq| seq < sent) else {
        return Reply::Wrong(None);
    };
    let right = reply.len() == size
        && reply[HEADER..]
            .iter()
            .enumerate()
            .all(|(i, &byte)| byte == letter(seq, HEADER + i).to_ascii_uppercase());
    if right {
        Reply::Right(seq)
    } else {
        Reply::Wrong(Some(seq))
    }
}

/// The sequence number in the first 16 bytes, if they are upper-case hex digits.
fn parse_seq(reply: &[u8]) -> Option<u64> {
    let digits = reply.get(..HEADER)?;
    digits.iter().try_fold(0u64, |seq, &byte| {
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'A'..=b'F' => byte - b'A' + 10,
            _ => return None,
        };
        Some(seq << 4 | u64::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(seq: u64, size: usize) -> Vec<u8> {
        let mut buf = Vec::new();
        make_request(seq, size, &mut buf);
        buf
    }

    #[test]
    fn a_request_is_its_number_in_hex_then_lower_case_letters() {
        let req = request(0x2a, 24);
        assert_eq!(req.len(), 24);
        assert_eq!(&req[..16], b"000000000000002A");
        assert!(req[16..].iter().all(u8::is_ascii_lowercase), "{req:?}");
        assert_ne!(
            request(1, 24)[16..],
            request(2, 24)[16..],
            "differs per request"
        );
    }

    #[test]
    fn the_upper_cased_request_is_right() {
        for (seq, size) in [(0, 16), (7, 64), (u64::MAX - 1, 1024)] {
            let reply = request(seq, size).to_ascii_uppercase();
            assert_eq!(check_reply(&reply, size, u64::MAX), Reply::Right(seq));
        }
    }

    #[test]
    fn the_request_sent_back_unchanged_is_wrong() {
        let reply = request(5, 64);
        assert_eq!(check_reply(&reply, 64, 10), Reply::Wrong(Some(5)));
    }

    #[test]
    fn a_cut_or_padded_reply_is_wrong() {
        let reply = request(5, 64).to_ascii_uppercase();
        assert_eq!(check_reply(&reply[..40], 64, 10), Reply::Wrong(Some(5)));
        let mut longer = reply.clone();
        longer.push(b'A');
        assert_eq!(check_reply(&longer, 64, 10), Reply::Wrong(Some(5)));
    }

    #[test]
    fn a_reply_for_another_request_is_wrong() {
        // Request 5's header with request 6's letters.
        let mut reply = request(6, 64).to_ascii_uppercase();
        reply[..16].copy_from_slice(b"0000000000000005");
        assert_eq!(check_reply(&reply, 64, 10), Reply::Wrong(Some(5)));
    }

    #[test]
    fn a_reply_to_a_request_never_sent_or_without_a_number_is_wrong() {
        let reply = request(10, 64).to_ascii_uppercase();
        assert_eq!(check_reply(&reply, 64, 10), Reply::Wrong(None));
        assert_eq!(check_reply(b"", 64, 10), Reply::Wrong(None));
        assert_eq!(check_reply(b"hello", 64, 10), Reply::Wrong(None));
        let mut lower_hex = request(10, 64).to_ascii_uppercase();
        lower_hex[15] = b'a';
        assert_eq!(check_reply(&lower_hex, 64, 100), Reply::Wrong(None));
    }
}

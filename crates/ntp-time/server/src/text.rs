//! The tutorial's text protocol: a datagram in (a strftime format, or nothing for the
//! default), the local time as text out, or a reply starting with `error:`. Never more than
//! four times the request's size on the wire, because a forged sender aims the reply at a
//! victim (lesson 3, "amplification").

use std::fmt::Write as _;

use chrono::Local;
use chrono::format::StrftimeItems;

/// The tutorial's default: year-month-day hours:minutes:seconds (`%X` is `%H:%M:%S`).
const DEFAULT_FORMAT: &str = "%Y-%m-%d %X";

/// A text reply is at most this many times the size of its request, counting on both sides
/// the [`HEADERS`] every IPv4 datagram carries (even an empty one). So a forged request can
/// make the server send a victim at most four times the traffic it costs to send.
const MAX_AMPLIFICATION: usize = 4;

/// The IPv4 (20 bytes) and UDP (8 bytes) headers in front of every datagram's payload. (IPv6
/// headers are 40 bytes, so there the same limit keeps replies smaller still, relatively.)
const HEADERS: usize = 28;

/// The local time in the format `request` asks for, or a message starting with `error:`.
pub fn time_reply(request: &[u8], truncated: bool) -> Result<String, String> {
    // A format longer than the buffer arrived cut short: formatting the part we got would
    // answer a question nobody asked.
    if truncated {
        return Err(format!(
            "error: the format is longer than {} bytes, the most this server reads",
            common::BUFFER_SIZE
        ));
    }

    // if not data: fmt = '%Y-%m-%d %X'; else: fmt = data.decode('utf-8').
    // Python would raise UnicodeDecodeError and stop the server; we answer with the reason.
    let format = if request.is_empty() {
        DEFAULT_FORMAT
    } else {
        std::str::from_utf8(request)
            .map_err(|err| format!("error: the format is not UTF-8 text ({err})"))?
    };

    // time.strftime(fmt). chrono reads the format into items first; an unknown directive
    // (`%Q`) or a lone `%` becomes an error item, and displaying one panics. So parse first
    // and refuse the format if any item is an error.
    let items = StrftimeItems::new(format).parse().map_err(|_| {
        format!(
            "error: {} has an unknown or unfinished % directive (%% is a literal %)",
            quote(format)
        )
    })?;

    // Some directives parse but cannot be written: `%#z` is for reading times only. So
    // write into a String with `write!`, which hands back a formatting failure as an Err
    // instead of panicking the way `to_string()` would.
    let mut time = String::new();
    write!(time, "{}", Local::now().format_with_items(items.iter())).map_err(|_| {
        format!(
            "error: chrono cannot write the time as {} (a directive there is for parsing only)",
            quote(format)
        )
    })?;

    // `%c` is 2 bytes in and 24 out: a short format can ask for a long answer, and a
    // stranger who forges the sender address would have us send that answer to a victim. So
    // a reply may be at most 4 times the request on the wire, and never more than the 1024
    // bytes the tutorial's client reads.
    let limit = reply_limit(request.len());
    if time.len() > limit {
        return Err(format!(
            "error: in that format the time is {} bytes, over the {limit} this server sends for {} bytes",
            time.len(),
            request.len()
        ));
    }
    Ok(time)
}

/// The longest reply the server sends for a request of `request_len` bytes: 4 times the
/// request on the wire (headers counted on both sides), and at most 1024 bytes. An empty
/// request may get 84 bytes; a 2-byte one 92.
pub fn reply_limit(request_len: usize) -> usize {
    (MAX_AMPLIFICATION * (request_len + HEADERS) - HEADERS).min(common::BUFFER_SIZE)
}

/// `reply`, cut to at most `limit` bytes at a character boundary.
pub fn fit(mut reply: String, limit: usize) -> String {
    if reply.len() > limit {
        let mut end = limit;
        while !reply.is_char_boundary(end) {
            end -= 1;
        }
        reply.truncate(end);
    }
    reply
}

/// A format for an error message: in quotes, and cut short if it is long.
fn quote(format: &str) -> String {
    const SHOWN: usize = 40;
    if format.chars().count() <= SHOWN {
        format!("'{format}'")
    } else {
        let start: String = format.chars().take(SHOWN).collect();
        format!("the format '{start}...'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_format_is_the_tutorials() {
        let time = time_reply(b"", false).unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(&time, "%Y-%m-%d %H:%M:%S").is_ok(),
            "{time}"
        );
    }

    #[test]
    fn bad_formats_are_errors_not_panics() {
        for bad in [
            &b"%Q"[..],
            b"%",
            b"abc%",
            b"%#z",
            b"%.Z",
            b"\xff",
            b"%Y\xe5\xb9",
        ] {
            let err = time_reply(bad, false).unwrap_err();
            assert!(err.starts_with("error: "), "{err}");
        }
        assert!(
            time_reply(b"%Y", true)
                .unwrap_err()
                .contains("longer than 1024")
        );
    }

    #[test]
    fn every_reply_fits_four_times_its_request_on_the_wire() {
        assert_eq!(reply_limit(0), 84);
        assert_eq!(reply_limit(2), 92);
        assert_eq!(reply_limit(58), 316);
        assert_eq!(reply_limit(1024), 1024);
        // Every one- and two-byte request, every `%` directive, and a few long ones: the
        // reply time_reply gives, error or not, is within the limit without any cut.
        let mut requests: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        requests.extend((0..=255u8).map(|b| vec![b'%', b]));
        requests.extend((0..=255u8).map(|b| vec![b'%', b'#', b]));
        requests.push(Vec::new());
        requests.push("%+".repeat(29).into_bytes());
        requests.push("%c".repeat(6).into_bytes());
        requests.push("x".repeat(100).into_bytes());
        for request in &requests {
            let reply = time_reply(request, false).unwrap_or_else(|err| err);
            assert!(
                reply.len() <= reply_limit(request.len()),
                "{request:?}: {} bytes for {}: {reply}",
                reply.len(),
                request.len()
            );
        }
        // The 58-byte request that used to get 1015 bytes back is refused.
        let err = time_reply("%+".repeat(29).as_bytes(), false).unwrap_err();
        assert!(
            err.contains("over the 316 this server sends for 58 bytes"),
            "{err}"
        );
    }

    #[test]
    fn fit_cuts_at_a_character_boundary() {
        assert_eq!(fit("abc".to_owned(), 5), "abc");
        assert_eq!(fit("年年".to_owned(), 4), "年");
    }

    #[test]
    fn long_formats_are_quoted_short() {
        assert_eq!(quote("%Q"), "'%Q'");
        let long = "x".repeat(100) + "%Q";
        assert_eq!(quote(&long), format!("the format '{}...'", "x".repeat(40)));
    }
}

//! Log lines that a peer can cause, kept to a rate a person can read.
//!
//! A server that prints one line per datagram prints as fast as anyone can send: a flood of
//! small datagrams becomes megabytes of log a second, which costs the server more than the
//! datagrams do and buries everything else. [`LogLimit`] lets the first few lines of each
//! second through (one per datagram at the rate a person types) and counts the rest; when the
//! second is over it writes one line, `... and 4990 more datagrams in that second (not
//! shown)`, so nothing disappears without a trace.
//!
//! It is the same idea as [`crate::AcceptErrors`]' "one report a second", which is built on it.

use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Shows at most `per_second` lines of one kind in each second, and counts the others.
///
/// ```
/// use std::io::Write;
/// let mut log = Vec::new();
/// let mut lines = guard::LogLimit::new(10, "datagrams");
/// for i in 0..25 {
///     if lines.allow(&mut log).unwrap() {
///         writeln!(log, "datagram {i}").unwrap();
///     }
/// }
/// // 10 lines now; `flush_summary` (on an idle socket) writes "... and 15 more" a second on.
/// assert_eq!(String::from_utf8(log).unwrap().lines().count(), 10);
/// ```
#[derive(Debug)]
pub struct LogLimit {
    per_second: u32,
    /// What the lines are about, for the summary: "datagrams", "datagrams not answered".
    what: &'static str,
    /// When the current second began (at the first line after the last one ended).
    pub(crate) second_began: Option<Instant>,
    /// Lines shown in the current second.
    shown: u32,
    /// Lines left out in the current second.
    left_out: u64,
}

impl LogLimit {
    /// The length of one counting window.
    pub const SECOND: Duration = Duration::from_secs(1);

    /// How many lines per datagram (or per peer) a server shows each second: more than anyone
    /// types, far fewer than a flood sends.
    pub const LINES_PER_SECOND: u32 = 20;

    /// At most `per_second` lines in each second; the summary names them `what`
    /// (`... and 990 more {what} in that second (not shown)`).
    pub const fn new(per_second: u32, what: &'static str) -> Self {
        LogLimit {
            per_second,
            what,
            second_began: None,
            shown: 0,
            left_out: 0,
        }
    }

    /// Should the next line be shown? If a second with lines left out has ended, writes its
    /// summary to `out` first. When this returns `false` the line is counted, not shown.
    pub fn allow(&mut self, out: &mut impl Write) -> io::Result<bool> {
        let (show, left_out) = self.count(Instant::now());
        if left_out > 0 {
            out.write_all(self.summary(left_out).as_bytes())?;
        }
        Ok(show)
    }

    /// Writes the summary of a second that has ended with lines left out, if there is one.
    /// A server calls it when its socket has been idle a moment (a read timeout), so the
    /// count comes out even when the flood stops.
    pub fn flush_summary(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.left_out == 0 {
            return Ok(());
        }
        let left_out = self.end_second_at(Instant::now());
        if left_out > 0 {
            out.write_all(self.summary(left_out).as_bytes())?;
        }
        Ok(())
    }

    /// Counts one line at `now`: whether to show it, and how many lines the second that just
    /// ended left out (0 when that second is still running, or left none out).
    pub fn count(&mut self, now: Instant) -> (bool, u64) {
        let ended_left_out = self.end_second_at(now);
        let second_began = *self.second_began.get_or_insert(now);
        debug_assert!(now >= second_began);
        if self.shown < self.per_second {
            self.shown += 1;
            (true, ended_left_out)
        } else {
            self.left_out += 1;
            (false, ended_left_out)
        }
    }

    /// The summary line for `left_out` lines, newline included.
    pub(crate) fn summary(&self, left_out: u64) -> String {
        format!(
            "... and {left_out} more {} in that second (not shown)\n",
            self.what
        )
    }

    /// If the current second is over at `now`, ends it: returns how many lines it left out.
    pub(crate) fn end_second_at(&mut self, now: Instant) -> u64 {
        match self.second_began {
            Some(began) if now.saturating_duration_since(began) >= Self::SECOND => {
                self.second_began = None;
                self.shown = 0;
                std::mem::take(&mut self.left_out)
            }
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Sends `lines` lines through `limit` at `now`, and returns how many were shown.
    fn shown_at(limit: &mut LogLimit, now: Instant, lines: u32) -> (u32, u64) {
        let mut shown = 0;
        let mut summarised = 0;
        for _ in 0..lines {
            let (show, left_out) = limit.count(now);
            shown += u32::from(show);
            summarised += left_out;
        }
        (shown, summarised)
    }

    #[test]
    fn a_flood_shows_ten_lines_a_second_and_the_summaries_count_every_other_one() {
        let mut limit = LogLimit::new(10, "lines");
        let start = Instant::now();
        let mut shown = 0;
        let mut summarised = 0;
        // 5 seconds of 1000 lines each, 1 ms apart.
        for i in 0..5000u32 {
            let now = start + Duration::from_millis(u64::from(i));
            let (show, left_out) = limit.count(now);
            shown += u32::from(show);
            summarised += left_out;
        }
        summarised += limit.end_second_at(start + Duration::from_secs(6));
        assert_eq!(shown, 50, "10 lines in each of 5 seconds");
        assert_eq!(
            u64::from(shown) + summarised,
            5000,
            "every line shown or counted"
        );
    }

    #[test]
    fn lines_at_typing_speed_are_all_shown() {
        let mut limit = LogLimit::new(10, "lines");
        let start = Instant::now();
        // Five lines a second for a minute.
        for i in 0..300u64 {
            let (show, left_out) = limit.count(start + Duration::from_millis(200 * i));
            assert!(show, "line {i}");
            assert_eq!(left_out, 0);
        }
    }

    #[test]
    fn the_summary_is_written_before_the_next_line_or_when_idle() {
        let mut limit = LogLimit::new(2, "lines");
        let start = Instant::now();
        assert_eq!(shown_at(&mut limit, start, 5), (2, 0));
        // Still in the same second: nothing to summarise yet.
        assert_eq!(limit.end_second_at(start + Duration::from_millis(999)), 0);
        // The next line a second later brings the count of the 3 left out.
        assert_eq!(limit.count(start + Duration::from_secs(1)), (true, 3));
        assert_eq!(
            shown_at(&mut limit, start + Duration::from_secs(1), 3),
            (1, 0)
        );
        // Or, idle: the summary comes without another line.
        assert_eq!(limit.end_second_at(start + Duration::from_secs(3)), 2);
        assert_eq!(limit.end_second_at(start + Duration::from_secs(4)), 0);
    }

    #[test]
    fn the_summary_line_says_how_many_were_not_shown() {
        let mut limit = LogLimit::new(1, "lines");
        let mut out = Vec::new();
        assert!(limit.allow(&mut out).unwrap());
        assert!(!limit.allow(&mut out).unwrap());
        assert!(!limit.allow(&mut out).unwrap());
        assert!(out.is_empty());
        limit.second_began = Some(Instant::now() - LogLimit::SECOND);
        limit.flush_summary(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "... and 2 more lines in that second (not shown)\n"
        );
    }
}

//! A server's log on stdout, buffered the way C's stdio and Python buffer it.
//!
//! Rust's `stdout` flushes at every newline, wherever it goes. For a server that logs one line
//! per datagram that means one `write` system call per datagram even when the log goes to a
//! pipe or a file, and that can halve the server's throughput. C and Python buffer by where the
//! output goes: line by line to a terminal (a person is watching), in blocks of a few KiB to a
//! pipe or a file (a program is reading). [`Log`] does the same.
//!
//! A block buffer must not hold lines back for long, or a reader of the log waits. So [`Log`]
//! writes its block when a line is older than [`Log::MAX_DELAY`], and the server calls
//! [`Log::flush`] whenever its socket has been idle for [`Log::IDLE`] (a read timeout on the
//! socket tells it).
//!
//! A server's log is also limited, because every line costs the server time and a peer decides
//! how many there are: [`Log::stdout`] shows at most [`LogLimit::LINES_PER_SECOND`] lines in a
//! second, more than anyone types, and sums up the rest of that second in one line (see
//! [`LogLimit`]).

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::LogLimit;

const IDLE: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_millis(100);
const BLOCK: usize = 8 * 1024;

/// Stdout, line-buffered to a terminal and block-buffered to a pipe or a file.
///
/// It is an [`io::Write`], so `writeln!(log, ...)` works as on stdout; nothing is written until
/// a line is complete. Whatever is held is written when the `Log` is dropped.
pub struct Log<W: Write = io::Stdout> {
    out: W,
    /// Complete and incomplete lines not yet written. Its capacity is reserved once, so
    /// logging a line does not allocate.
    held: Vec<u8>,
    line_buffered: bool,
    /// When the oldest line in `held` was completed.
    oldest: Option<Instant>,
    /// Where the line being written starts in `held`.
    line_start: usize,
    /// At most so many lines a second, if set.
    limit: Option<LogLimit>,
}

impl Log {
    /// How long a server's socket may be idle before the log is flushed: set it as the
    /// socket's read timeout, and call [`Log::flush`] when a receive times out.
    pub const IDLE: Duration = IDLE;

    /// The longest a complete line is held back while datagrams keep coming.
    pub const MAX_DELAY: Duration = MAX_DELAY;

    /// How much a block-buffered log holds before it writes: C's stdio and Python use the
    /// same order of size.
    pub const BLOCK: usize = BLOCK;

    /// The process's stdout: line-buffered if it is a terminal, else block-buffered; at most
    /// [`LogLimit::LINES_PER_SECOND`] lines a second, the rest summed up.
    pub fn stdout() -> Log {
        // Not locked for good: another thread of the server may print too (lesson 5). Each
        // block is one write, so taking the lock per block costs nothing that matters.
        let stdout = io::stdout();
        let line_buffered = stdout.is_terminal();
        Log::new(stdout, line_buffered)
            .with_limit(LogLimit::new(LogLimit::LINES_PER_SECOND, "lines"))
    }
}

impl<W: Write> Log<W> {
    /// A log that writes to `out`: every complete line at once if `line_buffered`, else in
    /// blocks of about [`Log::BLOCK`] bytes.
    pub fn new(out: W, line_buffered: bool) -> Log<W> {
        Log {
            out,
            // Room for a block plus the longest line a lesson logs (a 1024-byte datagram shown
            // as \xNN is about 4 KiB), so `held` never grows while the server runs.
            held: Vec::with_capacity(BLOCK + 8 * 1024),
            line_buffered,
            oldest: None,
            line_start: 0,
            limit: None,
        }
    }

    /// The same log, showing only the lines `limit` allows; each second's left-out lines are
    /// summed up in one line, written before the next line shown or at the next flush.
    pub fn with_limit(mut self, limit: LogLimit) -> Log<W> {
        self.limit = Some(limit);
        self
    }

    /// True when lines are written one by one (stdout is a terminal).
    pub fn is_line_buffered(&self) -> bool {
        self.line_buffered
    }

    /// Bytes held, not yet written.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// The writer underneath (for tests).
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Writes what is held; the underlying writer gets it in one `write_all`.
    fn write_held(&mut self) -> io::Result<()> {
        self.oldest = None;
        self.line_start = 0;
        if self.held.is_empty() {
            return Ok(());
        }
        let result = self.out.write_all(&self.held);
        self.held.clear();
        result
    }

    /// Called at the end of each line: write now, or keep holding?
    fn line_done(&mut self) -> io::Result<()> {
        let now = Instant::now();
        if let Some(limit) = self.limit.as_mut() {
            let (show, left_out) = limit.count(now);
            if !show {
                self.held.truncate(self.line_start);
            }
            if left_out > 0 {
                let summary = limit.summary(left_out);
                let at = self.line_start;
                self.held.splice(at..at, summary.into_bytes());
            }
            if !show && left_out == 0 {
                return Ok(());
            }
        }
        self.line_start = self.held.len();
        let oldest = *self.oldest.get_or_insert(now);
        if self.line_buffered || self.held.len() >= BLOCK || now.duration_since(oldest) >= MAX_DELAY
        {
            self.write_held()?;
            self.out.flush()?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Log<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.held.extend_from_slice(buf);
        // `writeln!` hands over a line in pieces; its newline comes last, on its own.
        if buf.last() == Some(&b'\n') {
            self.line_done()?;
        }
        Ok(buf.len())
    }

    /// Writes everything held, complete lines or not, and the summary of a second that has
    /// ended with lines left out.
    fn flush(&mut self) -> io::Result<()> {
        let between_lines = self.line_start == self.held.len();
        if let Some(limit) = self.limit.as_mut() {
            if between_lines {
                let left_out = limit.end_second_at(Instant::now());
                if left_out > 0 {
                    self.held
                        .extend_from_slice(limit.summary(left_out).as_bytes());
                }
            }
        }
        self.write_held()?;
        self.out.flush()
    }
}

impl<W: Write> Drop for Log<W> {
    fn drop(&mut self) {
        // Nobody is left to tell about a failure here.
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that remembers each `write` call, like the system calls a file would see.
    #[derive(Default)]
    struct Calls(Vec<Vec<u8>>);

    impl Write for Calls {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_line_buffered_log_writes_each_line_whole_and_at_once() {
        let mut log = Log::new(Calls::default(), true);
        let from: std::net::SocketAddr = "127.0.0.1:5".parse().unwrap();
        let shown = "b'hello'";
        writeln!(log, "from {from}: {shown}").unwrap();
        writeln!(log, "second").unwrap();
        assert_eq!(
            log.get_ref().0,
            [
                b"from 127.0.0.1:5: b'hello'\n".to_vec(),
                b"second\n".to_vec()
            ]
        );
        assert_eq!(log.held(), 0);
    }

    #[test]
    fn a_block_buffered_log_writes_many_lines_in_one_call() {
        let mut log = Log::new(Calls::default(), false);
        let line = "from 127.0.0.1:40000: b'abcdefghijklmnopqrstuvwxyz'\n";
        let lines = 1000;
        for _ in 0..lines {
            write!(log, "{line}").unwrap();
        }
        log.flush().unwrap();
        let calls = &log.get_ref().0;
        // 1000 lines of 52 bytes in 8 KiB blocks: a handful of writes, not a thousand.
        assert!(calls.len() <= 8, "{} writes", calls.len());
        assert!(calls.iter().all(|call| call.ends_with(b"\n")));
        assert_eq!(calls.concat(), line.repeat(lines).into_bytes());
    }

    #[test]
    fn a_block_buffered_log_holds_lines_until_flushed() {
        let mut log = Log::new(Calls::default(), false);
        writeln!(log, "one").unwrap();
        assert!(log.get_ref().0.is_empty(), "held, not written");
        assert_eq!(log.held(), 4);
        log.flush().unwrap();
        assert_eq!(log.get_ref().0, [b"one\n".to_vec()]);
        log.flush().unwrap();
        assert_eq!(log.get_ref().0.len(), 1, "nothing held, nothing written");
    }

    #[test]
    fn a_line_held_longer_than_max_delay_goes_out_with_the_next_line() {
        let mut log = Log::new(Calls::default(), false);
        writeln!(log, "old").unwrap();
        // Pretend the first line was completed long ago.
        log.oldest = Some(Instant::now() - MAX_DELAY);
        writeln!(log, "new").unwrap();
        assert_eq!(log.get_ref().0, [b"old\nnew\n".to_vec()]);
    }

    #[test]
    fn holding_lines_does_not_grow_the_buffer() {
        let mut log = Log::new(Calls::default(), false);
        let capacity = log.held.capacity();
        let longest = "\\xff".repeat(1024);
        for _ in 0..100 {
            writeln!(log, "from [::1]:65535: b'{longest}'").unwrap();
        }
        assert_eq!(log.held.capacity(), capacity);
    }

    #[test]
    fn a_limited_log_shows_its_lines_per_second_and_counts_the_rest_exactly() {
        let mut log = Log::new(Calls::default(), false).with_limit(LogLimit::new(3, "lines"));
        for i in 0..10 {
            writeln!(log, "line {i}").unwrap();
            // A line in two pieces, as `writeln!` with arguments hands it over.
            write!(log, "cut").unwrap();
            writeln!(log, " note {i}").unwrap();
        }
        log.flush().unwrap();
        let shown = String::from_utf8(log.get_ref().0.concat()).unwrap();
        assert_eq!(
            shown, "line 0\ncut note 0\nline 1\n",
            "3 whole lines, no pieces"
        );
        // A second later: the summary, then the next line.
        log.limit.as_mut().unwrap().second_began = Some(Instant::now() - LogLimit::SECOND);
        writeln!(log, "later").unwrap();
        log.flush().unwrap();
        let shown = String::from_utf8(log.get_ref().0.concat()).unwrap();
        assert!(
            shown.ends_with("line 1\n... and 17 more lines in that second (not shown)\nlater\n"),
            "{shown}"
        );
        // Or, idle: flush writes the summary.
        for _ in 0..5 {
            writeln!(log, "more").unwrap();
        }
        log.limit.as_mut().unwrap().second_began = Some(Instant::now() - LogLimit::SECOND);
        log.flush().unwrap();
        let shown = String::from_utf8(log.get_ref().0.concat()).unwrap();
        assert!(
            shown.ends_with("later\nmore\nmore\n... and 3 more lines in that second (not shown)\n"),
            "{shown}"
        );
    }

    #[test]
    fn dropping_the_log_writes_what_it_holds() {
        let mut out = Vec::new();
        {
            let mut log = Log::new(&mut out, false);
            write!(log, "no newline yet").unwrap();
        }
        assert_eq!(out, b"no newline yet");
    }
}

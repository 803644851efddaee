//! The command runner that the remote-command servers of lessons 4 (TCP) and 5 (UDP) share,
//! and the few pieces their clients need.
//!
//! The tutorial's server does three things with a command line it received: runs it with
//! `subprocess.Popen(cmd, shell=True, stdin=PIPE, stdout=PIPE, stderr=PIPE)`, picks the reply
//! (stderr if there is any, else stdout, else the words 执行成功 "executed successfully"), and
//! sends it encoded as GBK. This crate does the same, minus the ways a command could take the
//! tutorial's server down:
//!
//! - [`run`]: stdin from the null device, stdout and stderr read at once, a deadline that
//!   kills the command and its children, and at most `max_output` bytes kept of each pipe.
//!   Whatever the command started is killed when its output ends, and when the server stops
//!   (the `reaper`, which says what can still escape: on macOS, and after a SIGKILL).
//! - [`respond`]: from the bytes that arrived to the reply text, errors included.
//! - [`WireEncoding`]: GBK (the tutorial's clients decode GBK) or UTF-8, both ways.
//! - [`encode_to_fit`] and [`encode_reply`]: a reply cut to fit one UDP datagram, or to stay
//!   within `--max-output` plus [`REPLY_NOTES`] bytes over TCP, with a note at its end.
//! - [`check_exposure`]: loopback only, unless `--allow-remote`.
//! - [`framed`]: the `--framed` codec, a 4-byte length before every message.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub mod deadline;
pub mod framed;
mod reaper;
mod run;
pub use run::{Captured, Limits, Outcome, run};

/// How long a command may run before it is killed, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes kept of each output pipe unless `--max-output` says otherwise: 1 MiB.
pub const DEFAULT_MAX_OUTPUT: usize = 1 << 20;

/// The largest `--max-output` the servers accept: 64 MiB. (A GBK reply can be up to about
/// 2.5 times longer than its text, and a `--framed` client refuses replies over
/// [`framed::MAX_REPLY`].)
pub const MAX_MAX_OUTPUT: usize = 64 << 20;

/// The tutorial's reply to a command that printed nothing: "executed successfully".
pub const SUCCESS: &str = "执行成功";

/// Parses `--max-output`: a number of bytes, 1 to [`MAX_MAX_OUTPUT`].
pub fn parse_max_output(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_MAX_OUTPUT).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{text}' is not a number of bytes from 1 to {MAX_MAX_OUTPUT}"
        )),
    }
}

/// How replies travel on the wire (`--encoding`). Commands always travel as UTF-8, as the
/// tutorial's clients send them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WireEncoding {
    /// GBK, the tutorial's choice: Windows' code page for Simplified Chinese (936).
    #[value(name = "gbk")]
    Gbk,
    /// UTF-8, what Linux and macOS shells print.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
}

impl std::fmt::Display for WireEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WireEncoding::Gbk => "gbk",
            WireEncoding::Utf8 => "utf-8",
        })
    }
}

impl WireEncoding {
    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            WireEncoding::Gbk => encoding_rs::GBK,
            WireEncoding::Utf8 => encoding_rs::UTF_8,
        }
    }

    /// Text to bytes. A character GBK lacks (an emoji, say) becomes an HTML numeric
    /// character reference such as `&#128512;`: encoding_rs follows the WHATWG Encoding
    /// Standard here, and the reply stays readable instead of failing. One exception: U+FFFD
    /// (�), which stands for bytes that were not text at all, becomes `?` in GBK, as Windows
    /// itself writes a character its code page lacks; as `&#65533;` it would be 8 bytes, and
    /// binary output would grow eightfold on the wire.
    pub fn encode(self, text: &str) -> Vec<u8> {
        encode_with(self.encoding(), &self.prepare(text))
    }

    /// The text as this encoding will carry it (see [`WireEncoding::encode`]).
    fn prepare(self, text: &str) -> std::borrow::Cow<'_, str> {
        match self {
            WireEncoding::Gbk if text.contains('\u{fffd}') => text.replace('\u{fffd}', "?").into(),
            _ => text.into(),
        }
    }

    /// Bytes to text; bytes that are not valid in this encoding become U+FFFD (�).
    pub fn decode(self, bytes: &[u8]) -> String {
        self.encoding()
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }
}

/// From the bytes of one command, as they arrived, to the reply text.
///
/// Commands that cannot be run get a reply that says why, never a crash: bytes that are not
/// UTF-8, NUL bytes (no command line can hold one), a shell that cannot be started.
///
/// The command must be done by `deadline` (`--timeout` from when it arrived); the server
/// then encodes the reply against the same deadline.
pub fn respond(command: &[u8], limits: Limits, deadline: Instant) -> String {
    let line = match std::str::from_utf8(command) {
        Ok(line) => line,
        Err(_) => {
            return format!(
                "error: the command is not valid UTF-8 ({}); send it encoded as UTF-8",
                common::show_bytes(command)
            );
        }
    };
    if line.contains('\0') {
        return format!(
            "error: the command contains NUL bytes ({}), which no command line can hold. \
             Is the client using --framed while this server is not?",
            common::show_bytes(command)
        );
    }
    match run(line, limits, deadline) {
        Ok(outcome) => outcome.reply(),
        // No shell could be started, or nothing to stop it with: nothing was run.
        Err(err) => format!("error: nothing was run: {err}"),
    }
}

impl Outcome {
    /// The tutorial's choice of reply, stderr if non-empty, else stdout, else 执行成功, with a
    /// line at the end when the output was cut or the command was stopped.
    pub fn reply(&self) -> String {
        let (name, chosen) = if self.stderr.kept.is_empty() {
            ("stdout", &self.stdout)
        } else {
            ("stderr", &self.stderr)
        };
        // What the command printed, as text: a byte that is not valid (binary output, or a
        // multi-byte character cut at --max-output) becomes U+FFFD.
        let mut text = console::decode(&chosen.kept);
        let mut notes = Vec::new();
        if chosen.was_cut() {
            notes.push(format!(
                "[output cut: the command wrote {} bytes to {name}; only the first {} are kept (--max-output)]",
                chosen.total,
                chosen.kept.len()
            ));
        }
        if self.timed_out {
            notes.push(format!(
                "[stopped: the command was still running after {:?}, so it and its children were killed (--timeout)]",
                self.limits.timeout
            ));
        }
        if text.is_empty() && notes.is_empty() {
            return SUCCESS.to_owned();
        }
        for note in notes {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&note);
        }
        text
    }
}

/// Room for the notes a reply may carry beyond `--max-output` bytes of output ("[output
/// cut: ...]", "[stopped: ...]"): a TCP reply is never longer than `max_output + REPLY_NOTES`
/// bytes, whatever the encoding does to the text.
pub const REPLY_NOTES: usize = 1024;

/// The TCP servers' reply: `text` encoded, within `limits.max_output + REPLY_NOTES` bytes,
/// and done by `deadline` (the one the command ran under: `--timeout` covers both).
///
/// Text usually shrinks or keeps its size in GBK (a Chinese character is 3 bytes in UTF-8,
/// 2 in GBK), but a character GBK lacks becomes a reference such as `&#1575;` (7 bytes for a
/// 2-byte letter): without this cut, a reply could grow to 3.5 times `--max-output`.
pub fn encode_reply(
    text: &str,
    encoding: WireEncoding,
    limits: Limits,
    deadline: Instant,
) -> Vec<u8> {
    let max = limits.max_output.saturating_add(REPLY_NOTES);
    encode_within(text, encoding, max, deadline, |total| {
        format!(
            "\n[reply cut: it was {total} bytes once encoded as {encoding}; a reply is at most \
             --max-output + {REPLY_NOTES} bytes]"
        )
    })
}

/// Encodes `text` and, if that is longer than `max` bytes, cuts it at a character boundary
/// and ends it with a note saying so; the result is never longer than `max`, and encoding
/// stops at `deadline` (with a note) however long the text.
///
/// The UDP server uses it to fit a reply into one datagram: sending the rest in more
/// datagrams would make them the answers to the next commands.
pub fn encode_to_fit(text: &str, encoding: WireEncoding, max: usize, deadline: Instant) -> Vec<u8> {
    encode_within(text, encoding, max, deadline, |total| {
        format!(
            "\n[cut to fit one datagram: the reply was {total} bytes; one UDP datagram carries at most {max}]"
        )
    })
}

/// The note that ends a reply whose encoding ran out of time.
const OUT_OF_TIME: &str =
    "\n[reply cut: encoding it took the rest of the command's time (--timeout)]";

/// Encodes `text` in at most `max` bytes, in one pass: whole if it fits, else cut at a
/// character boundary and ended by `note(total encoded length)`, or by [`OUT_OF_TIME`] if
/// `deadline` comes first. Memory stays near `max`, however long the encoded text would be.
///
/// Encoding is not free: a rare Chinese character takes GBK's encoder a search through its
/// tables (microseconds each in a debug build), so a megabyte of them costs seconds of CPU.
/// That time is the command's: it counts against the same deadline.
fn encode_within(
    text: &str,
    encoding: WireEncoding,
    max: usize,
    deadline: Instant,
    note: impl Fn(u64) -> String,
) -> Vec<u8> {
    let text = encoding.prepare(text);
    let mut encoder = encoding.encoding().new_encoder();
    // Room kept free for a note, so that a cut never has to go back over what was encoded.
    let room = encode_with(encoding.encoding(), &note(u64::MAX))
        .len()
        .max(OUT_OF_TIME.len())
        .min(max);
    let limit = max - room;
    // What is sent: everything, while it stays within `limit`.
    let mut kept = Vec::new();
    // Once `kept` is full, the rest is only counted, but what still fits under `max` is held
    // here: if the text ends within it, the whole reply fits after all and needs no note.
    let mut full = false;
    let mut tail = Vec::new();
    let mut total = 0u64;
    let mut scratch = vec![0u8; 64 * 1024];
    let mut rest: &str = &text;
    loop {
        let room_left = limit - kept.len();
        let window = if full {
            scratch.len()
        } else {
            room_left.min(scratch.len())
        };
        // The encoder stops at the last whole character that fits in the window, so a
        // two-byte GBK character is never cut in half.
        let (result, read, written, _) =
            encoder.encode_from_utf8(rest, &mut scratch[..window], true);
        rest = &rest[read..];
        total += written as u64;
        if full {
            let take = written.min((max - kept.len()).saturating_sub(tail.len()));
            tail.extend_from_slice(&scratch[..take]);
        } else {
            kept.extend_from_slice(&scratch[..written]);
            // The next character did not fit in what was left below `limit`.
            full = result == encoding_rs::CoderResult::OutputFull && window == room_left;
        }
        if result == encoding_rs::CoderResult::InputEmpty {
            break;
        }
        // Checked after each piece (at most 64 KiB), so some of the reply always goes out,
        // even for a command that used all of its time.
        if Instant::now() >= deadline {
            kept.extend_from_slice(&OUT_OF_TIME.as_bytes()[..OUT_OF_TIME.len().min(room)]);
            return kept;
        }
    }
    if total <= max as u64 {
        kept.extend_from_slice(&tail);
        return kept;
    }
    let note = encode_with(encoding.encoding(), &note(total));
    kept.extend_from_slice(&note[..note.len().min(room)]);
    kept
}

/// Encodes, with references for characters the encoding lacks (the WHATWG rule).
fn encode_with(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    encoding.encode(text).0.into_owned()
}

/// Which transport a server speaks, for [`check_exposure`]'s message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// May a command server listen on `addr`? [`common::check_exposure`], with the reason a
/// command server is dangerous to expose:
///
/// - loopback: yes, quietly (`Ok(None)`);
/// - anything else with `--allow-remote`: yes, with a warning to print (`Ok(Some(..))`);
/// - anything else without: no (`Err(..)`), and the message says why; the server then exits
///   with status 2.
pub fn check_exposure(
    addr: SocketAddr,
    allow_remote: bool,
    transport: Transport,
) -> Result<Option<String>, String> {
    let mut why =
        String::from("anyone who can reach this port could run any command as you on this machine");
    if transport == Transport::Udp {
        why.push_str(
            ", and since UDP has no handshake, a forged sender address would aim the replies at a victim",
        );
    }
    common::check_exposure(addr, allow_remote, &why)
}

/// How commands print text on this system.
mod console {
    /// Shells and programs on Linux and macOS print UTF-8.
    #[cfg(unix)]
    pub fn decode(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// Windows' `cmd` and its built-ins (`dir`, `echo`, `type`) print in the console's
    /// output code page, which is the OEM code page unless `chcp` changed it: 936 (GBK) on a
    /// Chinese Windows, 437 or 850 on most others, 65001 after `chcp 65001` (UTF-8). Decoding
    /// as UTF-8 would garble every non-ASCII character, so ask Windows which one is in force.
    #[cfg(windows)]
    pub fn decode(bytes: &[u8]) -> String {
        let encoding = codepage::to_encoding(code_page()).unwrap_or(encoding_rs::UTF_8);
        encoding.decode_without_bom_handling(bytes).0.into_owned()
    }

    /// GetConsoleOutputCP, or GetOEMCP when this process has no console (then 0 comes back).
    #[cfg(windows)]
    #[allow(unsafe_code)]
    fn code_page() -> u16 {
        // SAFETY: both functions take no arguments, touch no memory of ours and cannot fail
        // in a way that matters here: they return a number (0 meaning "no console").
        let console = unsafe { windows_sys::Win32::System::Console::GetConsoleOutputCP() };
        let page = if console != 0 {
            console
        } else {
            unsafe { windows_sys::Win32::Globalization::GetOEMCP() }
        };
        u16::try_from(page).unwrap_or(65001)
    }
}

#[cfg(test)]
mod tests;

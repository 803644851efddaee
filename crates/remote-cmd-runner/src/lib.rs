//! The command runner that the remote-command servers of lessons 4 (TCP) and 5 (UDP) share,
//! and the few pieces their clients need.
//!
//! The tutorial's server does three things with a command line it received: runs it with
//! `subprocess.Popen(cmd, shell=True, stdin=PIPE, stdout=PIPE, stderr=PIPE)`, picks the reply
//! (stderr if there is any, else stdout, else the words 执行成功 "executed successfully"), and
//! sends it encoded as GBK. This crate does the same, minus the ways a command could take the
//! tutorial's server down:
//!
//! - [`run`]: stdin closed, stdout and stderr read at once, a deadline that kills the command
//!   and its children, and at most `max_output` bytes kept of each pipe. Whatever the command
//!   started is killed when its output ends, and when the server stops (the `reaper`).
//! - [`respond`]: from the bytes that arrived to the reply text, errors included.
//! - [`WireEncoding`]: GBK (the tutorial's clients decode GBK) or UTF-8, both ways.
//! - [`encode_to_fit`] and [`encode_reply`]: a reply cut to fit one UDP datagram, or to stay
//!   within `--max-output` plus [`REPLY_NOTES`] bytes over TCP, with a note at its end.
//! - [`check_exposure`]: loopback only, unless `--allow-remote`.
//! - [`framed`]: the `--framed` codec, a 4-byte length before every message.

use std::net::SocketAddr;
use std::time::Duration;

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
pub fn respond(command: &[u8], limits: Limits) -> String {
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
    match run(line, limits) {
        Ok(outcome) => outcome.reply(),
        Err(err) => format!("error: could not start the shell: {err}"),
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

/// The TCP servers' reply: `text` encoded, within `limits.max_output + REPLY_NOTES` bytes.
///
/// Text usually shrinks or keeps its size in GBK (a Chinese character is 3 bytes in UTF-8,
/// 2 in GBK), but a character GBK lacks becomes a reference such as `&#1575;` (7 bytes for a
/// 2-byte letter): without this cut, a reply could grow to 3.5 times `--max-output`.
pub fn encode_reply(text: &str, encoding: WireEncoding, limits: Limits) -> Vec<u8> {
    let max = limits.max_output.saturating_add(REPLY_NOTES);
    encode_within(text, encoding, max, |total| {
        format!(
            "\n[reply cut: it was {total} bytes once encoded as {encoding}; a reply is at most \
             --max-output + {REPLY_NOTES} bytes]"
        )
    })
}

/// Encodes `text` and, if that is longer than `max` bytes, cuts it at a character boundary
/// and ends it with a note saying so; the result is never longer than `max`.
///
/// The UDP server uses it to fit a reply into one datagram: sending the rest in more
/// datagrams would make them the answers to the next commands.
pub fn encode_to_fit(text: &str, encoding: WireEncoding, max: usize) -> Vec<u8> {
    encode_within(text, encoding, max, |total| {
        format!(
            "\n[cut to fit one datagram: the reply was {total} bytes; one UDP datagram carries at most {max}]"
        )
    })
}

/// Encodes `text` in at most `max` bytes: whole if it fits, else cut at a character
/// boundary and ended by `note(total encoded length)`. Memory stays at `max`, however long
/// the encoded text would have been.
fn encode_within(
    text: &str,
    encoding: WireEncoding,
    max: usize,
    note: impl Fn(u64) -> String,
) -> Vec<u8> {
    let text = encoding.prepare(text);
    let total = encoded_len(encoding.encoding(), &text);
    if total <= max as u64 {
        return encode_with(encoding.encoding(), &text);
    }
    let note = encode_with(encoding.encoding(), &note(total));
    let budget = max.saturating_sub(note.len());
    // encoding_rs's encoder fills the buffer and stops at the last whole character that fits,
    // so a two-byte GBK character is never cut in half.
    let mut out = vec![0u8; budget];
    let (_, _, written, _) = encoding
        .encoding()
        .new_encoder()
        .encode_from_utf8(&text, &mut out, true);
    out.truncate(written);
    out.extend_from_slice(&note[..note.len().min(max - out.len())]);
    out
}

/// Encodes, with references for characters the encoding lacks (the WHATWG rule).
fn encode_with(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    encoding.encode(text).0.into_owned()
}

/// How many bytes `text` takes in `encoding`, counted in 64 KiB pieces, never held whole.
fn encoded_len(encoding: &'static encoding_rs::Encoding, text: &str) -> u64 {
    let mut encoder = encoding.new_encoder();
    let mut scratch = vec![0u8; 64 * 1024];
    let mut rest = text;
    let mut total = 0u64;
    loop {
        let (result, read, written, _) = encoder.encode_from_utf8(rest, &mut scratch, true);
        total += written as u64;
        rest = &rest[read..];
        if result == encoding_rs::CoderResult::InputEmpty {
            return total;
        }
    }
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

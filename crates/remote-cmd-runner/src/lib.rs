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
//!   and its children, and at most `max_output` bytes kept of each pipe.
//! - [`respond`]: from the bytes that arrived to the reply text, errors included.
//! - [`WireEncoding`]: GBK (the tutorial's clients decode GBK) or UTF-8, both ways.
//! - [`encode_to_fit`]: a reply cut to fit one UDP datagram, with a note at its end.
//! - [`check_exposure`]: loopback only, unless `--allow-remote`.
//! - [`framed`]: the `--framed` codec, a 4-byte length before every message.

use std::net::SocketAddr;
use std::time::Duration;

pub mod framed;
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
    /// Standard here, and the reply stays readable instead of failing.
    pub fn encode(self, text: &str) -> Vec<u8> {
        self.encoding().encode(text).0.into_owned()
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
        // Shells on Linux and macOS print UTF-8; a byte that is not (binary output, or a
        // multi-byte character cut at --max-output) becomes U+FFFD.
        // Windows' cmd prints in the console's code page instead (936, GBK, on a Chinese
        // system), which this decoding garbles; this course runs its servers on Linux.
        let mut text = String::from_utf8_lossy(&chosen.kept).into_owned();
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

/// Encodes `text` and, if that is longer than `max` bytes, cuts it at a character boundary
/// and ends it with a note saying so; the result is never longer than `max`.
///
/// The UDP server uses it to fit a reply into one datagram: sending the rest in more
/// datagrams would make them the answers to the next commands.
pub fn encode_to_fit(text: &str, encoding: WireEncoding, max: usize) -> Vec<u8> {
    let whole = encoding.encode(text);
    if whole.len() <= max {
        return whole;
    }
    let note = encoding.encode(&format!(
        "\n[cut to fit one datagram: the reply was {} bytes; one UDP datagram carries at most {max}]",
        whole.len()
    ));
    let budget = max.saturating_sub(note.len());
    // encoding_rs's encoder fills the buffer and stops at the last whole character that fits,
    // so a two-byte GBK character is never cut in half.
    let mut out = vec![0u8; budget];
    let (_, _, written, _) = encoding
        .encoding()
        .new_encoder()
        .encode_from_utf8(text, &mut out, true);
    out.truncate(written);
    out.extend_from_slice(&note[..note.len().min(max - out.len())]);
    out
}

/// Which transport a server speaks, for [`check_exposure`]'s message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// May a command server listen on `addr`?
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
    if common::is_loopback(&addr) {
        return Ok(None);
    }
    let mut why =
        String::from("anyone who can reach this port could run any command as you on this machine");
    if transport == Transport::Udp {
        why.push_str(
            ", and since UDP has no handshake, a forged sender address would aim the replies at a victim",
        );
    }
    if allow_remote {
        Ok(Some(format!(
            "WARNING: listening on {addr}, not loopback (--allow-remote): {why}"
        )))
    } else {
        Err(format!(
            "refusing to listen on {addr} without --allow-remote: {why}. \
             Use a loopback address like 127.0.0.1:{}, or pass --allow-remote if you really mean it",
            addr.port()
        ))
    }
}

#[cfg(test)]
mod tests;

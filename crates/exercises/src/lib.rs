//! The exercise runner's library: the list of exercises (name, lesson, file, task, hint), the
//! two editions (your starters in exercises/, the reference solutions in solutions/), and the
//! report a check prints. `src/main.rs` is the command line around it.

use std::time::Duration;

pub use exercise_harness::{Case, Check, Failure};
pub use exercises_solutions::mutants::{MUTANTS, Mutant};

/// One exercise: what the runner shows about it.
#[derive(Debug)]
pub struct Exercise {
    /// What you type: `cargo run -p exercises -- check NAME`.
    pub name: &'static str,
    pub lesson: u8,
    /// warm-up, medium or hard.
    pub level: &'static str,
    /// The file you edit, from the workspace root.
    pub file: &'static str,
    /// The task in one line.
    pub task: &'static str,
    /// Shown when the check fails, and by `hint NAME`.
    pub hint: &'static str,
}

/// Whose code a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// Your working copy, exercises/.
    Starter,
    /// The starters as shipped (crates/exercises/starters/, which `reset` puts back).
    Shipped,
    /// The reference solutions, solutions/.
    Solution,
}

/// How long one case may run before it is called stuck. The slowest case needs about one
/// second, and every wait in a case is a few seconds at most; code that waits for ever on a
/// read is reported after this.
pub const LIMIT: Duration = Duration::from_secs(10);

/// The results of one check: every case, by name, in order.
#[derive(Debug, Clone)]
pub struct Results(pub Vec<(&'static str, Check)>);

impl Results {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.0.iter().filter(|(_, result)| result.is_ok()).count()
    }

    /// Whether every case passed.
    pub fn all_pass(&self) -> bool {
        self.passed() == self.0.len()
    }

    /// The first failing case, and how it failed.
    pub fn first_failure(&self) -> Option<(&'static str, &Failure)> {
        self.0
            .iter()
            .find_map(|(name, result)| result.as_ref().err().map(|failure| (*name, failure)))
    }
}

/// The cases of exercise `name` in `edition`; `None` for an unknown name.
pub fn cases(edition: Edition, name: &str) -> Option<&'static [Case]> {
    let checks = match edition {
        Edition::Starter => exercises_starters::checks::CHECKS,
        Edition::Shipped => exercises_solutions::shipped::checks::CHECKS,
        Edition::Solution => exercises_solutions::checks::CHECKS,
    };
    checks
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, cases)| *cases)
}

/// Runs every case of exercise `name` against `edition`; `None` for an unknown name.
pub fn check(edition: Edition, name: &str) -> Option<Results> {
    Some(run(cases(edition, name)?))
}

/// Runs every case of a list, to the end.
pub fn run(cases: &[Case]) -> Results {
    Results(exercise_harness::run_cases(cases, LIMIT))
}

/// The exercise called `name`; `echo_once`, as its file is called, names `echo-once` too.
pub fn find(name: &str) -> Option<&'static Exercise> {
    let name = name.trim().to_ascii_lowercase().replace('_', "-");
    EXERCISES.iter().find(|exercise| exercise.name == name)
}

/// Names that look like `typo`, for "did you mean".
pub fn similar(typo: &str) -> Vec<&'static str> {
    let typo = typo.to_ascii_lowercase().replace('_', "-");
    EXERCISES
        .iter()
        .filter(|e| {
            e.name.contains(&typo)
                || typo.contains(e.name)
                || e.name
                    .split('-')
                    .any(|part| typo.contains(part) && part.len() > 3)
        })
        .map(|e| e.name)
        .collect()
}

/// One line per case (✓ or ✗ and its name), then "k of n cases pass".
pub fn case_lines(results: &Results) -> String {
    let mut out = String::new();
    for (name, result) in &results.0 {
        let mark = if result.is_ok() { "✓" } else { "✗" };
        out.push_str(&format!("  {mark} {name}\n"));
    }
    out
}

/// "4 of 7 cases pass".
pub fn tally(results: &Results) -> String {
    format!("{} of {} cases pass", results.passed(), results.0.len())
}

/// The report of a check: a line per case; for the first failing case, the steps that led to
/// it, what was expected and what came; "k of n cases pass"; and the hint.
pub fn report(exercise: &Exercise, results: &Results) -> String {
    let mut out = case_lines(results);
    if let Some((name, failure)) = results.first_failure() {
        out.push('\n');
        out.push_str(&failure_report(exercise, name, failure));
        out.push_str(&format!("\n{}.\n", tally(results)));
        out.push_str(&format!(
            "\nEdit {} and run `cargo run -p exercises -- check {}` again.\n",
            exercise.file, exercise.name
        ));
    } else {
        out.push_str(&format!("\n{}.\n", tally(results)));
    }
    out
}

/// How case `case` failed: the steps that led there, what was expected, what came, the hint.
pub fn failure_report(exercise: &Exercise, case: &str, failure: &Failure) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "✗ {case}, the first case that fails ({}, lesson {}, file {}):\n",
        exercise.name, exercise.lesson, exercise.file
    ));
    let steps = if failure.steps.is_empty() {
        std::slice::from_ref(&failure.step)
    } else {
        failure.steps.as_slice()
    };
    for (i, step) in steps.iter().enumerate() {
        out.push_str(&format!("  {}. {step}\n", i + 1));
    }
    out.push_str(&format!("  expected: {}\n", failure.expected));
    out.push_str(&format!("  got:      {}\n\n", failure.got));
    out.push_str("hint:\n");
    for line in exercise.hint.lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// Every exercise, in course order.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "echo-once",
        lesson: 1,
        level: "warm-up",
        file: "exercises/01-udp-echo/echo_once.rs",
        task: "ask a UDP echo server once, and never wait for ever",
        hint: "The socket is bound for you. Call socket.set_read_timeout(Some(timeout)) first, or a\n\
               lost reply makes recv_from wait for ever. Then socket.send_to(message, server), and\n\
               socket.recv_from(&mut buf) into a [0u8; 2048] buffer: return buf[..n].to_vec().\n\
               The `?` operator hands any error (the timeout too) back to the caller.",
    },
    Exercise {
        name: "echo-retry",
        lesson: 1,
        level: "medium",
        file: "exercises/01-udp-echo/echo_retry.rs",
        task: "resend a lost request up to N times, doubling the wait each time",
        hint: "Loop `attempts` times: send_to, set_read_timeout(Some(wait)), recv_from.\n\
               A reply: return it. A timeout (ErrorKind::WouldBlock on Linux and macOS, TimedOut on\n\
               Windows): double `wait` and go round again. Any other error: return it.\n\
               After the loop, return io::Error::new(io::ErrorKind::TimedOut, ...).",
    },
    Exercise {
        name: "chat-relay",
        lesson: 2,
        level: "warm-up",
        file: "exercises/02-udp-qq/chat_relay.rs",
        task: "a chat server's step: remember who spoke, pass the line on to everyone else",
        hint: "recv_from gives the bytes and the sender's address. If `peers` does not contain the\n\
               sender, push it. Then send_to the same bytes to every peer that is not the sender.",
    },
    Exercise {
        name: "chat-contacts",
        lesson: 2,
        level: "hard",
        file: "exercises/02-udp-qq/chat_contacts.rs",
        task: "a contact table that forgets idle peers and never grows past its capacity",
        hint: "Keep (address, last heard) pairs. Before anything else, drop every pair whose\n\
               now.saturating_duration_since(last) >= idle. heard_from: update the time of a known\n\
               peer; a new peer in a full table replaces the one with the oldest time.\n\
               targets: every remaining address except the sender.",
    },
    Exercise {
        name: "sntp-offset",
        lesson: 3,
        level: "warm-up",
        file: "exercises/03-ntp-time/sntp_offset.rs",
        task: "clock offset and round-trip delay from SNTP's four timestamps",
        hint: "offset = ((t2 - t1) + (t3 - t4)) / 2: the server's clock ahead of yours.\n\
               delay = (t4 - t1) - (t3 - t2): the round trip minus the time the server held it.",
    },
    Exercise {
        name: "sntp-ask",
        lesson: 3,
        level: "hard",
        file: "exercises/03-ntp-time/sntp_ask.rs",
        task: "ask an SNTP server the time, and refuse any reply that is not a sane answer",
        hint: "Request: 48 zero bytes, byte 0 = 0x23 (version 4, mode 3), bytes 40..48 = to_ntp(now).\n\
               Wait until the deadline, skipping datagrams not from `server`. Then refuse (InvalidData)\n\
               a reply under 48 bytes, with byte0 & 7 != 4, byte 1 (stratum) == 0, bytes 24..32\n\
               (origin) != your bytes 40..48, or a zero transmit stamp; else from_ntp(bytes 40..48).",
    },
    Exercise {
        name: "tcp-upper",
        lesson: 4,
        level: "warm-up",
        file: "exercises/04-tcp-remote-cmd/tcp_upper.rs",
        task: "a TCP server for one client: each line back in upper case, until the client hangs up",
        hint: "accept() one connection. TCP is a byte stream, so let a BufReader find the lines:\n\
               read_until(b'\\n', &mut line) returns 0 at the end of the stream. make_ascii_uppercase,\n\
               write_all the line back, and return Ok(()) at the end (dropping the stream closes it).",
    },
    Exercise {
        name: "read-frame",
        lesson: 4,
        level: "medium",
        file: "exercises/04-tcp-remote-cmd/read_frame.rs",
        task: "read length-prefixed frames that survive a peer writing one byte at a time",
        hint: "One read() may return any number of bytes from 1 up. Read the 4-byte header in a loop\n\
               until it is full: 0 bytes before the first byte is a clean end (Ok(None)), 0 bytes\n\
               later is UnexpectedEof. Refuse a length over `max` (InvalidData) before allocating,\n\
               then read_exact the payload: it loops for you and reports UnexpectedEof.",
    },
    Exercise {
        name: "send-in-pieces",
        lesson: 5,
        level: "medium",
        file: "exercises/05-udp-remote-cmd/send_in_pieces.rs",
        task: "send a long reply as numbered datagrams (index, count, bytes)",
        hint: "reply.chunks(max_payload) gives the pieces (an empty reply is one empty piece).\n\
               u16::try_from(count) fails past 65,535. Each datagram: index.to_be_bytes(),\n\
               count.to_be_bytes(), then the piece.",
    },
    Exercise {
        name: "reassemble",
        lesson: 5,
        level: "hard",
        file: "exercises/05-udp-remote-cmd/reassemble.rs",
        task: "put numbered pieces back in order, ignore duplicates, and name the gaps",
        hint: "set_read_timeout(Some(quiet)). Keep a Vec<Option<Vec<u8>>> sized by the first piece's\n\
               count; fill slot `index` once. All slots filled: Complete(joined in order). A timeout\n\
               (WouldBlock or TimedOut): Incomplete with the empty slots' indices, or a TimedOut error\n\
               if no piece came at all. Skip datagrams shorter than 4 bytes.",
    },
    Exercise {
        name: "empty-or-timeout",
        lesson: 6,
        level: "warm-up",
        file: "exercises/06-empty-datagram/empty_or_timeout.rs",
        task: "tell an empty datagram from a timeout",
        hint: "recv_from returning Ok((0, _)) is an empty datagram: it really arrived. A timeout is\n\
               an Err, of kind WouldBlock on Linux and macOS and TimedOut on Windows: match both\n\
               and return Arrival::Nothing. Other errors are errors.",
    },
    Exercise {
        name: "heartbeat",
        lesson: 6,
        level: "medium",
        file: "exercises/06-empty-datagram/heartbeat.rs",
        task: "ping a server with an empty datagram; only its answer counts",
        hint: "send_to(&[], server) is a ping with no payload. Compute a deadline = now + timeout,\n\
               then loop: set_read_timeout to the time left, recv_from; from == server means alive;\n\
               anyone else: keep waiting on the same deadline. A timeout means not alive: Ok(false).",
    },
    Exercise {
        name: "send-numbered",
        lesson: 7,
        level: "warm-up",
        file: "exercises/07-loss/send_numbered.rs",
        task: "send numbered datagrams a receiver can count losses with",
        hint: "Make one buffer of `size` zeros; for seq in 0..count copy seq.to_be_bytes() into its\n\
               first 4 bytes and send_to it. size < 4: return an InvalidInput error first.",
    },
    Exercise {
        name: "loss-tally",
        lesson: 7,
        level: "medium",
        file: "exercises/07-loss/loss_tally.rs",
        task: "count received, lost, duplicated and reordered datagrams by sequence number",
        hint: "Keep a Vec<bool> of numbers seen and the highest number so far. Seen before: a\n\
               duplicate. New and lower than the highest: reordered. Stop at a read timeout\n\
               (WouldBlock or TimedOut); lost = expected - received.",
    },
    Exercise {
        name: "pool-server",
        lesson: 8,
        level: "hard",
        file: "exercises/08-many-clients/pool_server.rs",
        task: "turn a one-client-at-a-time server into a bounded pool of worker threads",
        hint: "Start `workers` threads before accepting. Share an mpsc::Receiver<TcpStream> between\n\
               them in an Arc<Mutex<_>>; each worker locks it only to recv() the next stream, then\n\
               serves that client. The accept loop just sends each stream into the channel.",
    },
    Exercise {
        name: "async-server",
        lesson: 8,
        level: "hard",
        file: "exercises/08-many-clients/async_server.rs",
        task: "the same server on tokio: one task per client, on a single thread",
        hint: "loop { let (stream, _) = listener.accept().await?; tokio::spawn(async move { ... }); }\n\
               In the task: stream.into_split(), a tokio BufReader on the read half, read_until(b'\\n')\n\
               .await until it returns 0, write_all the upper-cased line .await. Awaiting a client\n\
               in the accept loop instead of spawning serves one client at a time.",
    },
    Exercise {
        name: "rto-estimator",
        lesson: 9,
        level: "medium",
        file: "exercises/09-reliable-udp/rto_estimator.rs",
        task: "the retransmission timeout of RFC 6298, with Karn's rule",
        hint: "First sample R: SRTT = R, RTTVAR = R/2. Later: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|\n\
               (with the old SRTT), then SRTT = 7/8 SRTT + 1/8 R. RTO = SRTT + 4 RTTVAR, clamped\n\
               to [min, max]. on_timeout doubles the RTO (at most max). An ACK for a retransmitted\n\
               segment gives no sample at all (Karn).",
    },
    Exercise {
        name: "stop-and-wait",
        lesson: 9,
        level: "hard",
        file: "exercises/09-reliable-udp/stop_and_wait.rs",
        task: "deliver messages over a lossy link: send, wait for the ACK, resend on timeout",
        hint: "For each message: datagram = seq.to_be_bytes() + bytes. Up to max_tries times: send it,\n\
               then wait until a deadline `rto` away for a datagram from `receiver` equal to\n\
               seq.to_be_bytes(); anything else (a stale ACK, a stranger) is skipped without\n\
               restarting the timer. No ACK after max_tries sends: a TimedOut error.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_report_names_the_file_step_expected_got_and_hint() {
        let exercise = find("echo-once").unwrap();
        let failure = Failure {
            step: "call echo_once".into(),
            steps: vec!["start a server".into(), "call echo_once".into()],
            expected: "Ok(\"HELLO\")".into(),
            got: "it panicked: not yet implemented".into(),
        };
        let results = Results(vec![
            ("first", Ok(())),
            ("second", Err(failure)),
            ("third", Ok(())),
        ]);
        let report = report(exercise, &results);
        for part in [
            "  ✓ first\n  ✗ second\n  ✓ third\n",
            "✗ second, the first case that fails",
            "exercises/01-udp-echo/echo_once.rs",
            "  1. start a server\n  2. call echo_once\n",
            "2 of 3 cases pass",
            "expected: Ok(\"HELLO\")",
            "got:      it panicked: not yet implemented",
            "set_read_timeout",
            "cargo run -p exercises -- check echo-once",
        ] {
            assert!(report.contains(part), "{part:?} missing from:\n{report}");
        }
    }

    #[test]
    fn a_misspelt_name_suggests_the_right_one() {
        assert_eq!(find("echo_retry").map(|e| e.name), Some("echo-retry"));
        assert!(similar("retry").contains(&"echo-retry"));
        assert!(similar("stop").contains(&"stop-and-wait"));
    }
}

//! Running one command line in the platform shell, the way a server that serves strangers
//! must: stdin closed, both output pipes read at the same time, a deadline after which the
//! command and everything it started are killed, and a cap on how many bytes are kept.

use std::io::{self, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long a command may run and how much of its output is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// After this the command and its children are killed (`--timeout`).
    pub timeout: Duration,
    /// Bytes kept from each of stdout and stderr; the rest is read and thrown away
    /// (`--max-output`).
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: crate::DEFAULT_TIMEOUT,
            max_output: crate::DEFAULT_MAX_OUTPUT,
        }
    }
}

/// What one output pipe delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    /// The first `max_output` bytes.
    pub kept: Vec<u8>,
    /// How many bytes the command wrote in all.
    pub total: u64,
}

impl Captured {
    /// Did the command write more than was kept?
    pub fn was_cut(&self) -> bool {
        self.total > self.kept.len() as u64
    }
}

/// How a command ended.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: Captured,
    pub stderr: Captured,
    /// The command was still running (or its output pipes still open) at the deadline and
    /// was killed.
    pub timed_out: bool,
    /// The limits it ran under, to say them in the reply.
    pub limits: Limits,
    /// Its exit status, when it exited in time. The tutorial ignores it, and so does the reply.
    pub status: Option<ExitStatus>,
}

/// The platform shell, as Python's `Popen(cmd, shell=True)` picks it.
fn shell(line: &str) -> Command {
    // Unix: `sh -c LINE`. Windows: `cmd /C LINE` (cmd parses the rest of the line itself).
    #[cfg(unix)]
    {
        let mut command = Command::new("sh");
        command.arg("-c").arg(line);
        // Its own process group (whose id is the shell's pid), so that at the deadline one
        // signal reaches the shell *and* every program it started.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        command
    }
    #[cfg(windows)]
    {
        let mut command = Command::new("cmd");
        command.arg("/C").arg(line);
        command
    }
}

/// Kills the command and everything it started.
fn kill_tree(child_id: u32) {
    // Unix: SIGKILL to the whole process group. libc::kill(-pgid) would need `unsafe`, which
    // this workspace denies; the shell's built-in `kill` does the same safely (`sh` is there
    // anyway, since it runs every command). Killing only the shell would leave `sleep 100`
    // in `sleep 100; echo done` running, holding our pipes open.
    #[cfg(unix)]
    let killer = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -KILL -{child_id}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    // Windows: taskkill /T kills the process tree, /F without asking it first.
    #[cfg(windows)]
    let killer = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &child_id.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if let Err(err) = killer {
        eprintln!("could not kill command {child_id}: {err}");
    }
}

/// Reads a pipe to its end, keeping at most `keep` bytes. It never stops reading early: a
/// command whose pipe is full blocks (and so would run until the deadline), so the bytes past
/// `keep` are read and dropped. Memory stays at `keep` plus one 64 KiB buffer.
fn capture(mut pipe: impl Read, keep: usize) -> Captured {
    let mut captured = Captured::default();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                captured.total += n as u64;
                let room = keep.saturating_sub(captured.kept.len());
                captured.kept.extend_from_slice(&buffer[..n.min(room)]);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // The pipe broke (the command was killed): what we have is all there is.
            Err(_) => break,
        }
    }
    captured
}

/// What the helper threads report.
enum Event {
    Stdout(Captured),
    Stderr(Captured),
    Exited(io::Result<ExitStatus>),
}

/// How long to wait for the pipes to close after the kill, in case a program left the
/// process group (`setsid`) and still holds them: then we give up on it rather than hang.
const AFTER_KILL: Duration = Duration::from_secs(2);

/// Runs `line` in the platform shell under `limits` and collects what it wrote.
///
/// Fails only when the shell cannot be started at all.
pub fn run(line: &str, limits: Limits) -> io::Result<Outcome> {
    // stdin is closed (null): a command that reads it, like `cat`, sees end of input at once.
    // The tutorial gives it a pipe that it never writes or closes, so `cat` waits forever.
    let mut child: Child = shell(line)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let id = child.id();

    // Read stdout and stderr at the same time, each on its own thread. The tutorial reads
    // stderr to its end first: a command that fills the stdout pipe (64 KiB on Linux) first
    // then blocks writing, never closes stderr, and both wait for each other forever.
    let (events, incoming) = mpsc::channel();
    if let Some(pipe) = child.stdout.take() {
        let events = events.clone();
        let keep = limits.max_output;
        thread::spawn(move || events.send(Event::Stdout(capture(pipe, keep))));
    }
    if let Some(pipe) = child.stderr.take() {
        let events = events.clone();
        let keep = limits.max_output;
        thread::spawn(move || events.send(Event::Stderr(capture(pipe, keep))));
    }
    thread::spawn(move || events.send(Event::Exited(child.wait())));

    let mut stdout = None;
    let mut stderr = None;
    let mut status = None;
    let mut exited = false;
    let mut timed_out = false;
    let mut deadline = Instant::now() + limits.timeout;
    while stdout.is_none() || stderr.is_none() || !exited {
        let left = deadline.saturating_duration_since(Instant::now());
        match incoming.recv_timeout(left) {
            Ok(Event::Stdout(captured)) => stdout = Some(captured),
            Ok(Event::Stderr(captured)) => stderr = Some(captured),
            Ok(Event::Exited(result)) => {
                exited = true;
                status = result.ok();
            }
            Err(RecvTimeoutError::Timeout) if !timed_out => {
                kill_tree(id);
                timed_out = true;
                deadline = Instant::now() + AFTER_KILL;
            }
            // Killed, and still something holds on: report what we have.
            Err(_) => break,
        }
    }
    Ok(Outcome {
        stdout: stdout.unwrap_or_default(),
        stderr: stderr.unwrap_or_default(),
        timed_out,
        limits,
        status: if timed_out { None } else { status },
    })
}

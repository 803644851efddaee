//! Running one command line in the platform shell, the way a server that serves strangers
//! must: stdin from the null device (`/dev/null`, `NUL`), both output pipes read at the same
//! time, one deadline for the whole command, and a cap on how many bytes are kept. When the
//! command's output ends (or the deadline comes), everything it started is killed, and when
//! the server stops too; on Linux even what left the command's process group. What remains
//! possible (on macOS, or in the last 0.1 s before a SIGKILL) is in [`crate::reaper`].

use std::io::{self, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a command may run and how much of its output is kept: both remote-command
/// servers' `--timeout` and `--max-output`, flattened into their `Args`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct Limits {
    /// After this the command and its children are killed (`--timeout`).
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "10",
          help = "Seconds a command may run before it and its children are killed (fractions allowed)")]
    pub timeout: Duration,
    /// Bytes kept from each of stdout and stderr; the rest is read and thrown away
    /// (`--max-output`).
    #[arg(long, value_name = "BYTES", value_parser = crate::parse_max_output,
          default_value_t = crate::DEFAULT_MAX_OUTPUT,
          help = "Bytes kept of a command's output; the rest is read and thrown away")]
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

    /// Takes `bytes` that just arrived: counts them all, keeps what fits under `keep`.
    /// Memory stays at `keep`: the bytes past it are dropped, but still read, because a
    /// command whose pipe is full blocks (and so would run until the deadline).
    fn take(&mut self, bytes: &[u8], keep: usize) {
        self.total += bytes.len() as u64;
        let room = keep.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }
}

/// How a command ended.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: Captured,
    pub stderr: Captured,
    /// The deadline came while the command (or something it started) still held its output
    /// open, so it was killed. What it printed before is kept.
    pub timed_out: bool,
    /// The limits it ran under, to say them in the reply.
    pub limits: Limits,
}

/// The platform shell, as Python's `Popen(cmd, shell=True)` picks it.
fn shell(line: &str) -> Command {
    // Unix: `sh -c LINE`. Windows: `cmd /S /C "LINE"` (cmd parses the line itself).
    #[cfg(unix)]
    {
        let mut command = Command::new("sh");
        command.arg("-c").arg(line);
        // Its own process group (whose id is the shell's pid), so that one signal reaches
        // the shell *and* every program it started. (Ctrl-C in the server's terminal does
        // not reach this group: the reaper takes care of that case.)
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        command
    }
    #[cfg(windows)]
    {
        // Handed to cmd as it is, not quoted the way Rust quotes an argument for a C program
        // (`\"`), which cmd does not understand: `/S /C "LINE"`, as Python's shell=True does
        // but with /S, so that cmd always strips exactly the outer pair of quotes.
        use std::os::windows::process::CommandExt;
        let mut command = Command::new("cmd");
        command.raw_arg(format!("/S /C \"{line}\""));
        command
    }
}

/// Runs `line` in the platform shell under `limits` and collects what it wrote; at
/// `deadline` (normally `limits.timeout` from now) it is killed.
///
/// Fails only when the shell cannot be started at all (no such program, or the system is
/// out of processes or memory).
pub fn run(line: &str, limits: Limits, deadline: Instant) -> io::Result<Outcome> {
    let mut command = shell(line);
    // stdin is the null device (/dev/null, NUL on Windows): a command that reads it, like
    // `cat`, sees end of input at once.
    // The tutorial gives it a pipe that it never writes or closes, so `cat` waits forever.
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    platform::run(command, deadline, limits)
}

/// Unix: one thread reads both pipes with poll(2) until both are closed or the deadline
/// comes; then the command's process group is killed with one kill(2), no helper process.
#[cfg(unix)]
mod platform {
    use super::*;
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use std::os::fd::{AsFd, BorrowedFd};

    /// An output pipe we can both wait on (poll) and read.
    trait Pipe: Read + AsFd {}
    impl<T: Read + AsFd> Pipe for T {}

    /// How often, at most, a running command's processes are looked over (Linux: which
    /// groups they moved to; everywhere: is the companion still there).
    const LOOK_EVERY: Duration = Duration::from_millis(100);

    pub(super) fn run(
        mut command: Command,
        deadline: Instant,
        limits: Limits,
    ) -> io::Result<Outcome> {
        // Never run a command that could outlive the server: no companion, no command.
        crate::reaper::protect()?;
        // The shell leads a process group whose id is its pid. If the server dies before
        // this command ends, the companion kills the group.
        let (mut child, mut watched) = crate::reaper::spawn(&mut command).map_err(|err| {
            io::Error::new(err.kind(), format!("could not start the shell: {err}"))
        })?;

        // [stdout, stderr]: a pipe is None once it has reached its end.
        let mut pipes: [Option<Box<dyn Pipe>>; 2] = [
            child.stdout.take().map(|p| Box::new(p) as Box<dyn Pipe>),
            child.stderr.take().map(|p| Box::new(p) as Box<dyn Pipe>),
        ];
        let mut captured = [Captured::default(), Captured::default()];
        let mut buffer = vec![0u8; 64 * 1024];
        // Read whatever either pipe has, until both say end of file. (The tutorial reads
        // stderr to its end first: a command that fills the stdout pipe, 64 KiB on Linux,
        // then blocks writing and never closes stderr, and both wait for each other.)
        let mut timed_out = false;
        let mut next_look = Instant::now();
        while pipes.iter().any(Option::is_some) {
            if Instant::now() >= next_look {
                watched.follow();
                next_look = Instant::now() + LOOK_EVERY;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                timed_out = true;
                break;
            }
            let ready = wait_readable(&pipes, left.min(LOOK_EVERY))?;
            for i in 0..2 {
                let Some(pipe) = pipes[i].as_mut().filter(|_| ready[i]) else {
                    continue;
                };
                match pipe.read(&mut buffer) {
                    Ok(0) => pipes[i] = None,
                    Ok(n) => captured[i].take(&buffer[..n], limits.max_output),
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    // The pipe broke: this stream is complete.
                    Err(_) => pipes[i] = None,
                }
            }
        }
        // Our ends of pipes still open at the deadline close here, so nothing of ours waits
        // on a program that left the group (`setsid`) and still holds them.
        drop(pipes);

        // The output has ended (or time is up): the command is over. Kill its group and
        // every group its processes were seen in, so that `sleep 100 > /dev/null &` does not
        // run on unwatched after the reply: one kill(2) each, no `sh -c kill` that a full
        // process table could stop from starting. Then the companion forgets them, before
        // the shell is reaped (from then on its number may be given to someone else).
        watched.kill_groups();
        let _ = child.kill();
        // Reap the shell (it is dead now), so it does not linger as a zombie.
        let _ = child.wait();
        // Linux: whatever left the groups and lost its parent came to the server: kill it.
        watched.sweep();
        let [stdout, stderr] = captured;
        Ok(Outcome {
            stdout,
            stderr,
            timed_out,
            limits,
        })
    }

    /// Waits up to `left` for the open pipes; says which have something (data or their end).
    fn wait_readable(pipes: &[Option<Box<dyn Pipe>>; 2], left: Duration) -> io::Result<[bool; 2]> {
        let open: Vec<(usize, BorrowedFd<'_>)> = pipes
            .iter()
            .enumerate()
            .filter_map(|(i, pipe)| Some((i, pipe.as_ref()?.as_fd())))
            .collect();
        let mut fds: Vec<PollFd<'_>> = open
            .iter()
            .map(|(_, fd)| PollFd::from_borrowed_fd(*fd, PollFlags::IN))
            .collect();
        // A deadline too far away for a timespec is as good as none.
        let timeout = Timespec::try_from(left).ok();
        let mut ready = [false; 2];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(ready),
            Err(err) => return Err(err.into()),
        }
        for ((i, _), fd) in open.iter().zip(&fds) {
            ready[*i] = !fd.revents().is_empty();
        }
        Ok(ready)
    }
}

/// Windows: a job object holds the command and everything it starts (a process cannot leave
/// it unless the job allows that), two threads read the pipes, and at the end one call
/// terminates the whole job.
#[cfg(windows)]
mod platform {
    use super::*;
    use process_wrap::std::{CommandWrap, JobObject};
    use std::sync::mpsc::{self, RecvTimeoutError};
    use std::thread;

    pub(super) fn run(command: Command, deadline: Instant, limits: Limits) -> io::Result<Outcome> {
        crate::reaper::watch_server();
        // process-wrap starts the shell suspended, puts it in a new job, then lets it run,
        // so not even its first child can start outside the job.
        let mut wrapped = CommandWrap::from(command);
        wrapped.wrap(JobObject);
        let mut child = wrapped.spawn()?;
        let (events, incoming) = mpsc::channel();
        let mut open = 0;
        if let Some(pipe) = child.stdout().take() {
            open += 1;
            let events = events.clone();
            thread::Builder::new().spawn(move || read_all(pipe, 0, limits.max_output, events))?;
        }
        if let Some(pipe) = child.stderr().take() {
            open += 1;
            thread::Builder::new().spawn(move || read_all(pipe, 1, limits.max_output, events))?;
        }
        let mut streams = [Captured::default(), Captured::default()];
        let mut timed_out = false;
        while open > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match incoming.recv_timeout(left) {
                Ok((i, captured)) => {
                    streams[i] = captured;
                    open -= 1;
                }
                Err(RecvTimeoutError::Timeout) => {
                    timed_out = true;
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // TerminateJobObject: the shell and every process it started, in one call. Their
        // pipes close, so the reader threads end too.
        let _ = child.start_kill();
        let _ = child.wait();
        if timed_out {
            // The readers stop at once now that the pipes are closed: take what they kept.
            while open > 0 {
                match incoming.recv_timeout(Duration::from_secs(1)) {
                    Ok((i, captured)) => {
                        streams[i] = captured;
                        open -= 1;
                    }
                    Err(_) => break,
                }
            }
        }
        let [stdout, stderr] = streams;
        Ok(Outcome {
            stdout,
            stderr,
            timed_out,
            limits,
        })
    }

    fn read_all(
        mut pipe: impl Read,
        index: usize,
        keep: usize,
        events: mpsc::Sender<(usize, Captured)>,
    ) {
        let mut captured = Captured::default();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => captured.take(&buffer[..n], keep),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                // The pipe broke (the job was terminated): what we have is all there is.
                Err(_) => break,
            }
        }
        let _ = events.send((index, captured));
    }
}

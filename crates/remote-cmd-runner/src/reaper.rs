//! Nothing a server started outlives the server: not after Ctrl-C, a `kill`, a crash, or a
//! closed stdout, and not even after SIGKILL, which no program can catch.
//!
//! - Unix: each command runs in its own process group, so Ctrl-C in the server's terminal
//!   (which signals only the terminal's foreground group) does not reach it, and a dead
//!   server cannot kill anything. So the first command starts one small companion, a `sh`
//!   that ignores Ctrl-C and `kill` and reads a pipe from the server: `+ 1234` when group
//!   1234 starts, `- 1234` when it is over. When the server ends, however it ends, the
//!   kernel closes the pipe; the companion reads end of file, kills every group still
//!   listed, and exits. (Linux's PR_SET_PDEATHSIG would reach only the shell, not what the
//!   shell started, and needs `unsafe` code between fork and exec.)
//! - Windows: the server puts itself in a job object marked "kill on job close"; every
//!   process it starts is in that job too, and when the server ends, Windows closes its
//!   handle to the job and ends them all.

#[cfg(unix)]
mod unix {
    use std::io::Write;
    use std::process::{ChildStdin, Command, Stdio};
    use std::sync::{Mutex, OnceLock};

    /// The companion's script. `live` holds the groups as " 12 34 "; at end of input, each
    /// one gets SIGKILL (the shell's built-in `kill`: no process to start).
    const SCRIPT: &str = r#"trap '' INT TERM HUP QUIT PIPE
live=' '
while read -r op id; do
  case "$op $live" in
    "+ "*) live="$live$id " ;;
    "- "*" $id "*) live="${live%% $id *} ${live#* $id }" ;;
  esac
done
for id in $live; do kill -s KILL -- "-$id" 2>/dev/null; done
"#;

    /// The pipe to the companion, started with the first command; `None` if it could not
    /// be started (said once on stderr; commands still die at their deadline).
    fn companion() -> &'static Mutex<Option<ChildStdin>> {
        static COMPANION: OnceLock<Mutex<Option<ChildStdin>>> = OnceLock::new();
        COMPANION.get_or_init(|| {
            let started = Command::new("sh")
                .arg("-c")
                .arg(SCRIPT)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            match started {
                Ok(mut child) => Mutex::new(child.stdin.take()),
                Err(err) => {
                    eprintln!(
                        "warning: could not start the process that stops commands when this server stops: {err}"
                    );
                    Mutex::new(None)
                }
            }
        })
    }

    fn tell(line: &str) {
        if let Ok(mut pipe) = companion().lock()
            && let Some(stdin) = pipe.as_mut()
            && stdin.write_all(line.as_bytes()).is_err()
        {
            eprintln!("warning: the process that stops commands when this server stops is gone");
            *pipe = None;
        }
    }

    /// A command's process group, listed with the companion until this is dropped.
    pub struct Watched(u32);

    /// Lists process group `group` for killing should the server end before it does.
    pub fn watch(group: u32) -> Watched {
        tell(&format!("+ {group}\n"));
        Watched(group)
    }

    impl Drop for Watched {
        fn drop(&mut self) {
            tell(&format!("- {}\n", self.0));
        }
    }
}
#[cfg(unix)]
pub(crate) use unix::watch;

/// Puts this process in a "kill on job close" job, once; later calls do nothing.
#[cfg(windows)]
pub(crate) fn watch_server() {
    use std::sync::OnceLock;
    static JOB: OnceLock<Option<win32job::Job>> = OnceLock::new();
    JOB.get_or_init(|| {
        let mut limits = win32job::ExtendedLimitInfo::new();
        limits.limit_kill_on_job_close();
        let job = win32job::Job::create_with_limit_info(&limits)
            .and_then(|job| job.assign_current_process().map(|()| job));
        match job {
            // Kept for the life of the process: the handle closes only when it ends.
            Ok(job) => Some(job),
            Err(err) => {
                eprintln!(
                    "warning: could not join a job object, so commands may outlive this server: {err}"
                );
                None
            }
        }
    });
}

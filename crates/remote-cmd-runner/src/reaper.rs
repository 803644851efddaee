//! What a server's commands started does not outlive the server. What holds, as the tests
//! show (lesson 4 has the table):
//!
//! - Unix: each command runs in its own process group, so Ctrl-C in the server's terminal
//!   (which signals only the terminal's foreground group) does not reach it, and a dead
//!   server cannot kill anything. So a small companion, a `sh` that ignores Ctrl-C and
//!   `kill` and reads a pipe from the server, is told `+ 1234` when group 1234 starts and
//!   `- 1234` when it is over. When the server ends, however it ends (even SIGKILL), the
//!   kernel closes the pipe; the companion reads end of file, kills every group still
//!   listed, and exits. (PR_SET_PDEATHSIG would reach only the shell.) A command can kill
//!   the companion (same user): it is started again before the next command and at every
//!   look at a running command; a command that cannot be protected is refused.
//! - Linux: a command can also leave its group (`setsid`, GNU `timeout`, `os.setpgid`). The
//!   server is a "child subreaper" (`PR_SET_CHILD_SUBREAPER`, as tini and systemd use), so a
//!   process whose parent died becomes the server's child instead of init's. While a command
//!   runs, the server lists the groups of its descendants with the companion every 0.1 s;
//!   when the command is over it kills every orphan that came to it (orphans cannot be told
//!   apart: with `--concurrent`, one that escaped from one command may be killed when
//!   another ends). On SIGTERM, SIGINT or SIGHUP a thread kills every process below the
//!   server, round after round until the server has no child left, then the server ends by
//!   that signal (`escape.rs` in both servers' tests: a process that moves to a new session
//!   every 20 ms). SIGKILL cannot be caught: then only the companion acts, and a process
//!   that moved to a new group since the last look survives (so does that hopping one).
//! - macOS: no subreaper and no catching: every signal leaves it to the companion, and a
//!   process that left its group and whose parent exited escapes (lesson 4 says so).
//! - Windows: the server puts itself in a job object marked "kill on job close"; every
//!   process it starts is in that job too, and when the server ends, however it ends,
//!   Windows closes its handle to the job and ends them all.

#[cfg(unix)]
mod unix {
    use std::collections::BTreeMap;
    use std::io::{self, Write};
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::sync::{Mutex, MutexGuard, OnceLock};

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

    /// The companion and what it has been told.
    struct Guard {
        companion: Option<(Child, ChildStdin)>,
        /// Every group listed now, with how many commands listed it: a new companion is
        /// told them all.
        live: BTreeMap<u32, usize>,
    }

    fn guard() -> MutexGuard<'static, Guard> {
        static GUARD: OnceLock<Mutex<Guard>> = OnceLock::new();
        let guard = GUARD.get_or_init(|| {
            Mutex::new(Guard {
                companion: None,
                live: BTreeMap::new(),
            })
        });
        // A panic elsewhere while holding it leaves the data as good as it was.
        guard
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    impl Guard {
        /// Makes sure a companion runs and knows every live group; starts one if none does
        /// (the first command, or a command killed the last one).
        fn ensure(&mut self) -> io::Result<()> {
            #[cfg(target_os = "linux")]
            if linux::stopping() {
                return Err(io::Error::other("the server is stopping"));
            }
            if let Some((child, _)) = &mut self.companion
                && matches!(child.try_wait(), Ok(None))
            {
                return Ok(());
            }
            // Gone (or never started): reap the old one if there was one, start another.
            if let Some((mut child, _)) = self.companion.take() {
                let _ = child.wait();
            }
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(SCRIPT)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?;
            let Some(mut stdin) = child.stdin.take() else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::other("no pipe to the companion"));
            };
            let listed: String = self.live.keys().map(|id| format!("+ {id}\n")).collect();
            if let Err(err) = stdin.write_all(listed.as_bytes()) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(err);
            }
            self.companion = Some((child, stdin));
            Ok(())
        }

        /// Tells the companion one line; a companion that is gone is started again.
        fn tell(&mut self, line: &str) {
            let told = match &mut self.companion {
                Some((_, stdin)) => stdin.write_all(line.as_bytes()).is_ok(),
                None => false,
            };
            if !told && self.ensure().is_err() {
                // Nothing to be done now; the next command is refused until one can start.
            }
        }

        fn list(&mut self, group: u32) {
            let count = self.live.entry(group).or_insert(0);
            *count += 1;
            if *count == 1 {
                self.tell(&format!("+ {group}\n"));
            }
        }

        fn unlist(&mut self, group: u32) {
            if let Some(count) = self.live.get_mut(&group) {
                *count -= 1;
                if *count == 0 {
                    self.live.remove(&group);
                    self.tell(&format!("- {group}\n"));
                }
            }
        }

        #[cfg(target_os = "linux")]
        fn companion_pid(&self) -> Option<u32> {
            self.companion.as_ref().map(|(child, _)| child.id())
        }
    }

    /// Called before each command: is the protection in place? It is started (again) if it
    /// is not; if it cannot be, the error says why and the command must not run.
    pub fn protect() -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            linux::become_subreaper();
            linux::stop_commands_on_signals();
        }
        guard().ensure().map_err(|err| {
            io::Error::new(
                err.kind(),
                format!(
                    "could not start the process that stops commands when this server stops \
                     ({err})"
                ),
            )
        })
    }

    /// A command's process group, and the other groups its processes moved to, listed with
    /// the companion until this is dropped.
    pub struct Watched {
        /// The shell's pid (Linux looks for what descends from it).
        #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
        shell: u32,
        groups: Vec<u32>,
    }

    /// Starts `command` (whose shell leads a process group of its own) and lists its group
    /// for killing should the server end before the command does.
    pub fn spawn(command: &mut Command) -> io::Result<(Child, Watched)> {
        // Linux: the shell is known to be a command's, not an orphan, from the moment it
        // exists: a sweep by another thread (--concurrent) cannot take it for one.
        #[cfg(target_os = "linux")]
        let mut shells = linux::shells();
        #[cfg(target_os = "linux")]
        if linux::stopping() {
            return Err(io::Error::other("the server is stopping"));
        }
        let child = command.spawn()?;
        let shell = child.id();
        #[cfg(target_os = "linux")]
        {
            shells.push(shell);
            drop(shells);
        }
        guard().list(shell);
        let watched = Watched {
            shell,
            groups: vec![shell],
        };
        Ok((child, watched))
    }

    impl Watched {
        /// A look while the command runs: the companion is started again if a command
        /// killed it, and (Linux) every group the command's processes moved to is listed.
        pub fn follow(&mut self) {
            let mut guard = guard();
            let _ = guard.ensure();
            #[cfg(target_os = "linux")]
            for group in linux::groups_of_descendants(self.shell, guard.companion_pid()) {
                if !self.groups.contains(&group) {
                    self.groups.push(group);
                    guard.list(group);
                }
            }
        }

        /// The command is over: kills every group it was seen in (the companion would, were
        /// the server to die now), then forgets them.
        pub fn kill_groups(&mut self) {
            for &group in &self.groups {
                if let Some(group) = i32::try_from(group)
                    .ok()
                    .and_then(rustix::process::Pid::from_raw)
                {
                    let _ =
                        rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
                }
            }
            let mut guard = guard();
            for group in self.groups.drain(..) {
                guard.unlist(group);
            }
        }

        /// After the shell is reaped (Linux): kills and reaps every orphan that came to the
        /// server, so nothing that left the command's group outlives the reply.
        pub fn sweep(&self) {
            #[cfg(target_os = "linux")]
            {
                let companion = guard().companion_pid();
                linux::shells().retain(|&shell| shell != self.shell);
                linux::sweep_orphans(companion);
            }
        }
    }

    impl Drop for Watched {
        fn drop(&mut self) {
            self.kill_groups();
            #[cfg(target_os = "linux")]
            linux::shells().retain(|&shell| shell != self.shell);
        }
    }

    /// Linux: the subreaper, and what `/proc` says about who descends from whom.
    #[cfg(target_os = "linux")]
    mod linux {
        use rustix::process::{Pid, Signal, WaitOptions, getpid, kill_process, waitpid};
        use std::collections::{BTreeMap, BTreeSet};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Mutex, MutexGuard, Once};
        use std::time::{Duration, Instant};

        /// Set once SIGTERM, SIGINT or SIGHUP came: from then on no command or companion starts.
        static STOPPING: AtomicBool = AtomicBool::new(false);

        pub fn stopping() -> bool {
            STOPPING.load(Ordering::SeqCst)
        }

        /// SIGTERM (`kill`), SIGINT (Ctrl-C) and SIGHUP (the terminal closed) no longer end the
        /// server at once: a thread takes them, kills everything the commands started (see
        /// [`kill_every_descendant`]), then ends the server by the same signal, so its exit
        /// status is what it would have been. The companion alone is not enough here: it
        /// knows only the groups seen at the last look, and a process that moved to a new
        /// session since then outlived the server (the escape test in both servers' crates).
        pub fn stop_commands_on_signals() {
            static ONCE: Once = Once::new();
            ONCE.call_once(|| {
                if let Err(err) = catch_signals() {
                    eprintln!(
                        "warning: SIGTERM and SIGINT not caught, so what a command moved out of \
                         its group may outlive this server: {err}"
                    );
                }
            });
        }

        /// Starts the thread that waits for the signals; returns once they are caught. (The
        /// thread first, then the signals: were it the other way round and the thread could
        /// not start, SIGTERM would be caught by nobody.)
        fn catch_signals() -> std::io::Result<()> {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let (caught, told) = std::sync::mpsc::sync_channel(1);
            std::thread::Builder::new()
                .name("stop-commands".into())
                .spawn(move || {
                    let mut signals =
                        match signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) {
                            Ok(signals) => signals,
                            Err(err) => {
                                let _ = caught.send(Err(err));
                                return;
                            }
                        };
                    let _ = caught.send(Ok(()));
                    if let Some(signal) = signals.forever().next() {
                        kill_every_descendant();
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        // Not reached: the default action of these three ends the process.
                        std::process::exit(128 + signal);
                    }
                })?;
            told.recv().map_err(std::io::Error::other)?
        }

        /// The server's end, on SIGTERM, SIGINT or SIGHUP: SIGKILL to every process below
        /// it, round after round, until it has no child left at all. As a subreaper it is
        /// the ancestor of everything its commands started, however it moved (new group,
        /// new session, its parent gone), and `waitpid` saying "no child" is proof that
        /// nothing is left: a process whose parent dies is the server's child before that
        /// parent is a zombie. The companion goes last (it still guards the groups should
        /// the server be SIGKILLed meanwhile). Bounded: a process stuck in the kernel
        /// cannot hold the server more than 2 s.
        fn kill_every_descendant() {
            // No command starts from now on: spawn() checks under the same lock.
            let shells = shells();
            STOPPING.store(true, Ordering::SeqCst);
            drop(shells);
            let companion = super::guard().companion_pid();
            let mut below = Below::new(companion);
            let end = Instant::now() + Duration::from_secs(2);
            while Instant::now() < end {
                // Reap whatever has ended (the commands' threads are ending with us); when
                // there is no child at all, there is no descendant either.
                loop {
                    match rustix::process::wait(WaitOptions::NOHANG) {
                        Ok(Some(_)) => continue,
                        Err(rustix::io::Errno::CHILD) => return,
                        Ok(None) | Err(_) => break,
                    }
                }
                if !below.kill_round() {
                    below.kill(companion);
                }
                std::thread::yield_now();
            }
        }

        /// The processes found below the server so far, and SIGKILL for each as it is found.
        struct Below {
            known: BTreeSet<u32>,
            companion: Option<u32>,
        }

        impl Below {
            fn new(companion: Option<u32>) -> Below {
                let me = getpid().as_raw_nonzero().get() as u32;
                Below {
                    known: BTreeSet::from([me]),
                    companion,
                }
            }

            /// One look at every process, each killed the moment it is seen to descend from
            /// the server: a process that forks a successor and exits every few ms stays
            /// ahead of a look that kills only at its end (under load a look at /proc takes
            /// longer than that). The newest pids go first, where such a process always is.
            /// `false` if nothing alive was found (the companion aside).
            fn kill_round(&mut self) -> bool {
                let mut found = false;
                let newest = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
                    .ok()
                    .and_then(|last| last.trim().parse::<u32>().ok());
                if let Some(last) = newest {
                    for pid in (last.saturating_sub(1024)..=last + 64).rev() {
                        found |= self.look_at(pid);
                    }
                }
                if let Ok(dir) = std::fs::read_dir("/proc") {
                    for entry in dir.flatten() {
                        if let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) {
                            found |= self.look_at(pid);
                        }
                    }
                }
                found
            }

            /// Kills `pid` if its parent is the server or below it; `true` if it was alive.
            fn look_at(&mut self, pid: u32) -> bool {
                if self.known.contains(&pid) && Some(pid) != self.companion {
                    // Known already (killed, or the server itself): only its state matters.
                    return matches!(state(pid), Some((_, false))) && self.kill(Some(pid));
                }
                match state(pid) {
                    Some((ppid, zombie)) if self.known.contains(&ppid) => {
                        if Some(pid) == self.companion {
                            return false;
                        }
                        self.known.insert(pid);
                        !zombie && self.kill(Some(pid))
                    }
                    _ => false,
                }
            }

            fn kill(&self, pid: Option<u32>) -> bool {
                let me = getpid().as_raw_nonzero().get() as u32;
                if let Some(pid) = pid.filter(|&pid| pid != me)
                    && let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw)
                {
                    let _ = kill_process(pid, Signal::KILL);
                    return true;
                }
                false
            }
        }

        /// A process's parent, and whether it is a zombie, from /proc/PID/stat.
        fn state(pid: u32) -> Option<(u32, bool)> {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
            let zombie = fields.next()? == "Z";
            Some((fields.next()?.parse().ok()?, zombie))
        }

        /// The shells of the commands running now: children of the server that are not
        /// orphans, and must not be swept. Held while a shell starts and while a sweep
        /// looks, so neither sees the other half done.
        pub fn shells() -> MutexGuard<'static, Vec<u32>> {
            static SHELLS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
            SHELLS.lock().unwrap_or_else(|p| p.into_inner())
        }

        /// From now on, a descendant whose parent dies becomes the server's child, not init's.
        pub fn become_subreaper() {
            static ONCE: Once = Once::new();
            ONCE.call_once(|| {
                if let Err(err) = rustix::process::set_child_subreaper(Some(getpid())) {
                    eprintln!("warning: could not become a child subreaper: {err}");
                }
            });
        }

        /// Every process's parent and group, from /proc/PID/stat.
        fn processes() -> BTreeMap<u32, (u32, u32)> {
            let Ok(dir) = std::fs::read_dir("/proc") else {
                return BTreeMap::new();
            };
            dir.filter_map(|entry| {
                let entry = entry.ok()?;
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
                // "PID (COMMAND) STATE PPID PGRP ...": the command may hold spaces and ')'.
                let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
                let ppid = fields.nth(1)?.parse().ok()?;
                let pgrp = fields.next()?.parse().ok()?;
                Some((pid, (ppid, pgrp)))
            })
            .collect()
        }

        /// The server's own children that are neither a running command's shell nor the
        /// companion: orphans, adopted because the server is a subreaper.
        fn orphans(
            all: &BTreeMap<u32, (u32, u32)>,
            shells: &[u32],
            companion: Option<u32>,
        ) -> Vec<u32> {
            let me = getpid().as_raw_nonzero().get() as u32;
            all.iter()
                .filter(|(pid, (ppid, _))| {
                    *ppid == me && !shells.contains(pid) && Some(**pid) != companion
                })
                .map(|(pid, _)| *pid)
                .collect()
        }

        /// The groups of every process below `shell`, and of every orphan the server holds.
        pub fn groups_of_descendants(shell: u32, companion: Option<u32>) -> BTreeSet<u32> {
            let all = processes();
            let mut below = vec![shell];
            below.extend(orphans(&all, &shells(), companion));
            let mut groups = BTreeSet::new();
            while let Some(parent) = below.pop() {
                for (pid, (ppid, pgrp)) in &all {
                    if *ppid == parent {
                        below.push(*pid);
                        groups.insert(*pgrp);
                    }
                }
                if let Some((_, pgrp)) = all.get(&parent) {
                    groups.insert(*pgrp);
                }
            }
            groups
        }

        /// Kills and reaps the server's orphans until there are none: each one killed gives
        /// its own children to the server, so a few rounds reach the whole tree. Bounded (a
        /// process stuck in the kernel cannot hold the server for more than a second).
        pub fn sweep_orphans(companion: Option<u32>) {
            let end = Instant::now() + Duration::from_secs(1);
            loop {
                let shells = shells();
                let orphans = orphans(&processes(), &shells, companion);
                if orphans.is_empty() || Instant::now() > end {
                    return;
                }
                for &orphan in &orphans {
                    let Some(pid) = i32::try_from(orphan).ok().and_then(Pid::from_raw) else {
                        continue;
                    };
                    let _ = kill_process(pid, Signal::KILL);
                    // It is our child: reap it, or it stays a zombie. A SIGKILLed process
                    // is gone at once, unless the kernel holds it; then the next round.
                    let _ = waitpid(Some(pid), WaitOptions::NOHANG);
                }
                drop(shells);
                std::thread::yield_now();
            }
        }
    }
}
#[cfg(unix)]
pub(crate) use unix::{protect, spawn};

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

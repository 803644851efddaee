//! What Linux's `/proc` says about a process, and its resource limits set from outside
//! (`prlimit(2)`): for tests that prove a server stays within bounds, or leaves nothing
//! running. Linux only: macOS and Windows have no `/proc`, and those tests say so.

use std::time::{Duration, Instant};

use rustix::process::{Pid, Resource, Rlimit, Signal};

fn pid(id: u32) -> Pid {
    Pid::from_raw(id as i32).unwrap()
}

/// The ids of the processes whose command line is exactly `words` (say `["sleep", "37.25"]`:
/// tests pick a duration no other test uses, so they find only their own).
pub fn processes_running(words: &[&str]) -> Vec<u32> {
    let wanted: Vec<u8> = words
        .iter()
        .flat_map(|w| [w.as_bytes(), b"\0"].concat())
        .collect();
    processes(|_, cmdline| cmdline == wanted)
}

/// The ids of the children of `parent` whose command line (its words joined by NUL bytes)
/// starts with `prefix`, such as `b"sh\0-c\0trap"`.
pub fn children_running(parent: u32, prefix: &[u8]) -> Vec<u32> {
    processes(|dir, cmdline| cmdline.starts_with(prefix) && parent_of(dir) == Some(parent))
}

/// The ids of the processes for which `keep(their /proc dir, their command line)` is true.
fn processes(keep: impl Fn(&std::path::Path, &[u8]) -> bool) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let id: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            keep(&entry.path(), &cmdline).then_some(id)
        })
        .collect()
}

/// The parent process id in `/proc/ID/stat` (the field after the state, which follows the
/// command's name in parentheses, a name that may itself hold spaces and parentheses).
fn parent_of(dir: &std::path::Path) -> Option<u32> {
    let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
    stat[stat.rfind(')')? + 1..]
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Waits up to `wait` until `words` runs in at least `count` processes; panics if not.
pub fn wait_for_processes(words: &[&str], count: usize, wait: Duration) {
    let end = Instant::now() + wait;
    while processes_running(words).len() < count {
        assert!(
            Instant::now() < end,
            "{words:?} never started {count} times"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits up to `wait` until no process runs `words`; panics (after killing them, so nothing
/// is left behind) if some still do.
pub fn expect_gone(words: &[&str], wait: Duration) {
    let end = Instant::now() + wait;
    loop {
        let left = processes_running(words);
        if left.is_empty() {
            return;
        }
        if Instant::now() >= end {
            kill_all(words);
            panic!("{} process(es) {words:?} survived", left.len());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILL to every process running `words` (cleaning up after a test).
pub fn kill_all(words: &[&str]) {
    for id in processes_running(words) {
        let _ = rustix::process::kill_process(pid(id), Signal::KILL);
    }
}

/// Sends `signal` to one process.
pub fn signal(id: u32, signal: Signal) {
    rustix::process::kill_process(pid(id), signal).unwrap();
}

/// How many file descriptors a process has open.
pub fn open_fds(id: u32) -> usize {
    std::fs::read_dir(format!("/proc/{id}/fd")).unwrap().count()
}

/// How many threads a process has.
pub fn threads(id: u32) -> usize {
    std::fs::read_dir(format!("/proc/{id}/task"))
        .unwrap()
        .count()
}

/// The CPU time (user + system) a process has used so far.
pub fn cpu_time(id: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{id}/stat")).unwrap();
    // The fields after the command name in parentheses; utime and stime are the 14th and
    // 15th fields of the line, in clock ticks (100 a second on every Linux we run on).
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

/// A line of `/proc/ID/status` such as `VmHWM` (peak memory) or `VmSize`, in bytes.
pub fn status_bytes(id: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{id}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))
        .unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Sets the soft limit of `resource` for process `id` (`None`: no limit), keeping its hard
/// limit; returns the old soft limit.
pub fn set_soft_limit(id: u32, resource: Resource, soft: Option<u64>) -> Option<u64> {
    let old = current(id, resource);
    rustix::process::prlimit(
        Some(pid(id)),
        resource,
        Rlimit {
            current: soft,
            maximum: old.maximum,
        },
    )
    .unwrap();
    old.current
}

/// The limits in force now, as `/proc/ID/limits` shows them ("unlimited": `None`).
fn current(id: u32, resource: Resource) -> Rlimit {
    let proc_limits = std::fs::read_to_string(format!("/proc/{id}/limits")).unwrap();
    let name = match resource {
        Resource::Nofile => "Max open files",
        Resource::As => "Max address space",
        Resource::Nproc => "Max processes",
        _ => panic!("not a limit this helper knows"),
    };
    let line = proc_limits.lines().find(|l| l.starts_with(name)).unwrap();
    let mut numbers = line[name.len()..]
        .split_whitespace()
        .map(|v| v.parse().ok());
    Rlimit {
        current: numbers.next().flatten(),
        maximum: numbers.next().flatten(),
    }
}

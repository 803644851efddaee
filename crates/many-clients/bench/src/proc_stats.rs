//! A server's memory, threads and CPU time, read from Linux's `/proc`.
//!
//! Other systems have no such files: there every number is `None` and the table says n/a.
//! (macOS: `ps -o rss=,thcount= -p PID` and Activity Monitor; Windows: Task Manager's Details
//! tab or PowerShell's `Get-Process -Id PID`.)

use std::time::Duration;

/// One look at a process.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sample {
    /// Resident memory now (VmRSS), KiB.
    pub rss_kib: Option<u64>,
    /// The most resident memory so far (VmHWM, the "high water mark"), KiB.
    pub peak_kib: Option<u64>,
    /// Threads now.
    pub threads: Option<u64>,
    /// CPU time used so far, user plus system, all threads (dead ones included).
    pub cpu: Option<Duration>,
}

impl Sample {
    /// Reads the process `pid`; everything is `None` without a pid or off Linux.
    pub fn take(pid: Option<u32>) -> Sample {
        match pid {
            Some(pid) => read(pid),
            None => Sample::default(),
        }
    }
}

#[cfg(target_os = "linux")]
fn read(pid: u32) -> Sample {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse::<u64>().ok())
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    Sample {
        rss_kib: field("VmRSS:"),
        peak_kib: field("VmHWM:"),
        threads: field("Threads:"),
        cpu: cpu_time(&stat),
    }
}

#[cfg(not(target_os = "linux"))]
fn read(_pid: u32) -> Sample {
    Sample::default()
}

/// utime + stime from a `/proc/PID/stat` line (fields 14 and 15), in clock ticks of 1/100 s:
/// Linux reports them in USER_HZ, which is 100 on every architecture it supports.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn cpu_time(stat: &str) -> Option<Duration> {
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3 (the state), so field N is fields[N - 3].
    let utime: u64 = fields.get(14 - 3)?.parse().ok()?;
    let stime: u64 = fields.get(15 - 3)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_adds_user_and_system_ticks_after_a_name_with_spaces() {
        let stat = "1234 (my server) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 3 0";
        assert_eq!(cpu_time(stat), Some(Duration::from_millis(3250)));
        assert_eq!(cpu_time("garbage"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_sample_of_this_process_has_memory_threads_and_cpu_time() {
        let me = Sample::take(Some(std::process::id()));
        assert!(me.rss_kib.is_some_and(|kib| kib > 0), "{me:?}");
        assert!(me.peak_kib >= me.rss_kib, "{me:?}");
        assert!(me.threads.is_some_and(|n| n >= 1), "{me:?}");
        assert!(me.cpu.is_some(), "{me:?}");
    }
}

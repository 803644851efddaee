//! The commands the remote-command tests (lessons 4 and 5) run, one table per platform, so
//! that each test reads the same everywhere: `shell::echo("hello")` is `echo hello` for
//! `sh` on Linux and macOS, and for `cmd` on Windows, and `shell::printed("hello")` is what
//! it prints (`hello\n`, or `hello\r\n` from cmd).
//!
//! | what | Unix (`sh -c`) | Windows (`cmd /C`) |
//! | --- | --- | --- |
//! | print | `echo TEXT` | `echo TEXT` |
//! | print to stderr | `echo TEXT >&2` | `echo TEXT>&2` |
//! | print nothing | `true` | `rem` |
//! | sleep | `sleep N` | `ping -n N+1 127.0.0.1 >nul` (one ping a second) |
//! | read stdin | `cat` | `set /p line=` |
//! | print a file | `cat FILE` | `type FILE` |
//! | count | `seq 1 N` | `for /L %i in (1,1,N) do @echo %i` |
//! | one after the other | `A; B` | `A& B` |

use std::path::Path;

/// How a printed line ends.
#[cfg(unix)]
pub const EOL: &str = "\n";
#[cfg(windows)]
pub const EOL: &str = "\r\n";

/// A command that prints `text` and a newline on stdout.
pub fn echo(text: &str) -> String {
    format!("echo {text}")
}

/// What [`echo`] prints: `text` and the platform's end of line, as UTF-8 bytes.
pub fn printed(text: &str) -> Vec<u8> {
    format!("{text}{EOL}").into_bytes()
}

/// A command that prints `text` and a newline on stderr.
pub fn echo_to_stderr(text: &str) -> String {
    #[cfg(unix)]
    return format!("echo {text} >&2");
    // No space before `>`: cmd's echo would print it.
    #[cfg(windows)]
    return format!("echo {text}>&2");
}

/// Runs `first`, then `second`.
pub fn then(first: &str, second: &str) -> String {
    #[cfg(unix)]
    return format!("{first}; {second}");
    #[cfg(windows)]
    return format!("{first}& {second}");
}

/// A command that prints nothing at all and succeeds.
#[cfg(unix)]
pub const NOTHING: &str = "true";
#[cfg(windows)]
pub const NOTHING: &str = "rem";

/// A command that reads its stdin to the end (a line, on Windows) before it prints nothing.
#[cfg(unix)]
pub const READ_STDIN: &str = "cat";
#[cfg(windows)]
pub const READ_STDIN: &str = "set /p line=";

/// A command that waits about `seconds` seconds (a whole number) without using the CPU.
pub fn sleep(seconds: u32) -> String {
    #[cfg(unix)]
    return format!("sleep {seconds}");
    // Windows has no `sleep` command, and `timeout /t` refuses to run without a console;
    // `ping -n N` waits a second between its N pings.
    #[cfg(windows)]
    return format!("ping -n {} 127.0.0.1 >nul", seconds + 1);
}

/// A command that prints the file at `path` on stdout.
pub fn print_file(path: &Path) -> String {
    #[cfg(unix)]
    return format!("cat '{}'", path.display());
    #[cfg(windows)]
    return format!("type \"{}\"", path.display());
}

/// A command that prints the numbers 1 to `n`, one a line.
pub fn count_to(n: u32) -> String {
    #[cfg(unix)]
    return format!("seq 1 {n}");
    #[cfg(windows)]
    return format!("for /L %i in (1,1,{n}) do @echo %i");
}

/// What [`count_to`] prints.
pub fn counted(n: u32) -> Vec<u8> {
    (1..=n)
        .map(|i| format!("{i}{EOL}"))
        .collect::<String>()
        .into_bytes()
}

/// A file of `len` bytes `byte`, in the system's temporary folder, removed when dropped.
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    pub fn filled(name: &str, byte: u8, len: usize) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("socket-lessons-{}-{name}", std::process::id()));
        std::fs::write(&path, vec![byte; len]).unwrap();
        TempFile(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

//! Test-only helpers for the socket-lessons workspace (a dev-dependency, never used by a
//! lesson's program).
//!
//! - [`Running`]: a lesson's real binary, started with piped stdin/stdout/stderr, its output
//!   collected line by line on background threads, waited for with a deadline, and killed
//!   when the test ends (on drop, even when the test panics).
//! - [`start_server`]: runs a server on `127.0.0.1:0` (or what you pass), reads its
//!   `listening on ...` line and hands back the address it really got.
//! - [`cargo_bin`]: the path of any workspace package's binary, built on demand with
//!   escargot; course-level tests in the root `tests/` need it, because cargo only gives a
//!   package's tests the binaries of that same package (`CARGO_BIN_EXE_<name>`). When the
//!   environment variable `SOCKET_LESSONS_BIN_DIR` names a directory, the binary is taken
//!   from there instead (`<package>.exe` on Windows) and nothing is built: that is how the
//!   Windows suite runs under Wine, where the Linux `cargo` cannot be started to build on
//!   demand (`.ci/wine-tests` builds every binary first with
//!   `cargo build --workspace --bins --target x86_64-pc-windows-gnu`).
//! - [`wine_gap`]: under Wine (`SOCKET_LESSONS_UNDER_WINE=1`), skips one Windows assertion
//!   that Wine cannot reproduce, with a NOTICE; the gaps and their reasons are listed once, in
//!   [`Gap`].
//! - [`Forger`]: UDP datagrams with a forged sender port (a raw socket: root only, else a
//!   NOTICE and the test skips).
//! - Socket helpers whose every read has a timeout: [`udp_socket`], [`recv`],
//!   [`assert_no_datagram`], [`tcp_connect`].
//!
//! Helpers panic with a message that says what was expected, since they only run in tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

mod wine_gaps;
pub use wine_gaps::{Gap, under_wine, wine_gap};

mod forge;
pub use forge::Forger;

#[cfg(target_os = "linux")]
pub mod procfs;

#[cfg(target_os = "linux")]
pub mod escape;

pub mod shell;

mod tcp_info;
pub use tcp_info::TcpSendCounters;
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
pub use tcp_info::tcp_send_counters;

/// How long a test waits for something that should happen at once (a line, a reply, an
/// exit) before it fails. Generous, because a loaded CI machine can be slow; a test that
/// passes never waits this long.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// A short wait used only to prove that something does *not* happen (no datagram arrives,
/// a process does not exit). Absence cannot be observed any other way.
pub const QUIET: Duration = Duration::from_millis(300);

/// The path of the binary `name` from the workspace package `package`, built on demand
/// (once per test process) in the same profile as the running test.
///
/// Use `env!("CARGO_BIN_EXE_<name>")` instead in a package's own tests: it costs nothing.
///
/// With `SOCKET_LESSONS_BIN_DIR` set, returns `<that dir>/<package>` (plus `.exe` on
/// Windows) without building anything, and panics if that file is missing.
pub fn cargo_bin(package: &str) -> PathBuf {
    built_on_demand(package, Target::Bin)
}

/// The path of the root package's example `name` (one of the tutorial's programs in
/// `examples/`), built on demand like [`cargo_bin`]; with `SOCKET_LESSONS_BIN_DIR` set, taken
/// from `<that dir>/examples` without building.
pub fn cargo_example(name: &str) -> PathBuf {
    built_on_demand(name, Target::Example)
}

/// What [`built_on_demand`] builds: a package's binary, or an example of the root package.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Bin,
    Example,
}

fn built_on_demand(name: &str, target: Target) -> PathBuf {
    if let Some(dir) = std::env::var_os("SOCKET_LESSONS_BIN_DIR") {
        let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
        let (path, flags) = match target {
            Target::Bin => (Path::new(&dir).join(file), "--bins"),
            Target::Example => (
                Path::new(&dir).join("examples").join(file),
                "--bins --examples",
            ),
        };
        assert!(
            path.is_file(),
            "SOCKET_LESSONS_BIN_DIR is set, but {} is not there: build them first \
             (cargo build --workspace {flags}, with the same --target)",
            path.display()
        );
        return path;
    }
    static BUILT: OnceLock<Mutex<HashMap<(String, Target), PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let key = (name.to_owned(), target);
    if let Some(path) = built.get(&key) {
        return path.clone();
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let build = escargot::CargoBuild::new().manifest_path(workspace.join("Cargo.toml"));
    let build = match target {
        Target::Bin => build.package(name).bin(name),
        Target::Example => build.package("socket-lessons").example(name),
    };
    let run = build
        .current_release()
        .current_target()
        .run()
        .unwrap_or_else(|err| panic!("could not build {name}: {err}"));
    let path = run.path().to_path_buf();
    built.insert(key, path.clone());
    path
}

/// Which output stream of a [`Running`] process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Lines read so far from one stream, and a channel delivering the next ones.
struct Lines {
    incoming: Receiver<String>,
    seen: Arc<Mutex<Vec<String>>>,
    /// The reader has reached the end of the pipe (or there was no pipe).
    ended: Arc<AtomicBool>,
}

impl Lines {
    /// Reads `pipe` line by line on a thread of its own; no pipe gives no lines.
    fn collect(pipe: Option<impl Read + Send + 'static>) -> Lines {
        let (tx, incoming) = mpsc::channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen_by_reader = Arc::clone(&seen);
        let ended = Arc::new(AtomicBool::new(pipe.is_none()));
        let ended_by_reader = Arc::clone(&ended);
        if let Some(pipe) = pipe {
            thread::spawn(move || {
                // Set when this thread ends, however it ends.
                let _ended = SetOnDrop(ended_by_reader);
                // Read bytes, not Strings: a program's output need not be UTF-8.
                let mut reader = BufReader::new(pipe);
                let mut raw = Vec::new();
                while reader.read_until(b'\n', &mut raw).unwrap_or(0) > 0 {
                    let line = String::from_utf8_lossy(&raw)
                        .trim_end_matches(['\n', '\r'])
                        .to_owned();
                    seen_by_reader.lock().unwrap().push(line.clone());
                    // The test may have stopped listening; the history above still has it.
                    let _ = tx.send(line);
                    raw.clear();
                }
            });
        }
        Lines {
            incoming,
            seen,
            ended,
        }
    }
}

/// Sets its flag when dropped.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A lesson binary running under test. Killed when dropped.
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Lines,
    stderr: Lines,
    name: String,
}

impl Running {
    /// Starts `command` with all three standard streams piped.
    pub fn spawn(mut command: Command) -> Running {
        // No colours in anything a test reads, whatever the terminal says.
        command.env("NO_COLOR", "1");
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Wine now and then fails to start a process with ERROR_INTERNAL_ERROR (1359), and the
        // same start succeeds at once after (seen once in 460 tests; never on Windows).
        let mut tries = 0;
        let child = loop {
            tries += 1;
            match command.spawn() {
                Ok(child) => break child,
                Err(err) if under_wine() && err.raw_os_error() == Some(1359) && tries < 3 => {}
                Err(err) => panic!("could not start {:?}: {err}", command.get_program()),
            }
        };
        let mut running = Running::adopt(child);
        // Failure messages name the program rather than its process id.
        running.name = Path::new(command.get_program())
            .file_name()
            .unwrap_or(OsStr::new("?"))
            .to_string_lossy()
            .into_owned();
        running
    }

    /// Takes charge of a child the test started itself (say, without NO_COLOR, or after
    /// taking one of its pipes away): collects the output pipes it still has, and kills it
    /// on drop like any other.
    pub fn adopt(mut child: Child) -> Running {
        let name = format!("process {}", child.id());
        let stdout = Lines::collect(child.stdout.take());
        let stderr = Lines::collect(child.stderr.take());
        Running {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            name,
        }
    }

    /// The process id, e.g. to read its memory use from `/proc`.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    fn lines(&self, stream: Stream) -> &Lines {
        match stream {
            Stream::Stdout => &self.stdout,
            Stream::Stderr => &self.stderr,
        }
    }

    /// The next line on `stream`, or `None` if none comes within `wait` (or the stream ended).
    pub fn next_line(&self, stream: Stream, wait: Duration) -> Option<String> {
        self.lines(stream).incoming.recv_timeout(wait).ok()
    }

    /// Waits (up to [`DEADLINE`]) for the next line on `stream` for which `wanted` is true,
    /// skipping others, and returns it. Panics with everything seen so far if none comes.
    pub fn expect_line(&self, stream: Stream, wanted: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.next_line(stream, left) {
                Some(line) if wanted(&line) => return line,
                Some(_) => continue,
                None => break,
            }
        }
        panic!(
            "{}: the expected line never came on {stream:?}\n{}",
            self.name,
            self.transcript()
        );
    }

    /// [`Running::expect_line`] on stdout for a line containing `needle`.
    pub fn expect_stdout(&self, needle: &str) -> String {
        self.expect_line(Stream::Stdout, |line| line.contains(needle))
    }

    /// [`Running::expect_line`] on stderr for a line containing `needle`.
    pub fn expect_stderr(&self, needle: &str) -> String {
        self.expect_line(Stream::Stderr, |line| line.contains(needle))
    }

    /// Everything printed so far on `stream`, one entry per line.
    pub fn seen(&self, stream: Stream) -> Vec<String> {
        self.lines(stream).seen.lock().unwrap().clone()
    }

    /// Asserts that nothing has been printed on `stream` so far (a warning on stderr, say,
    /// where all went well), showing both streams if something was.
    pub fn expect_nothing_on(&self, stream: Stream) {
        assert!(
            self.seen(stream).is_empty(),
            "{}: expected nothing on {stream:?}\n{}",
            self.name,
            self.transcript()
        );
    }

    /// Both streams so far, for failure messages.
    pub fn transcript(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.seen(Stream::Stdout).join("\n"),
            self.seen(Stream::Stderr).join("\n")
        )
    }

    /// Types `line` (a newline is added) into the program's stdin.
    pub fn write_line(&mut self, line: &str) {
        self.write_bytes(format!("{line}\n").as_bytes());
    }

    /// Writes raw bytes into the program's stdin.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin was already closed");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes stdin: the program sees end of input (Ctrl-D).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the program to exit by itself, up to `wait`; `None` if it is still running.
    ///
    /// Once it has exited, also waits (up to a second) until everything it printed has been
    /// read, so [`Running::seen`] right after has its last lines: the reader threads may
    /// still be taking them from the pipes when the exit is seen (a grandchild that keeps a
    /// pipe open must not hold the test up longer).
    pub fn exit_within(&mut self, wait: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + wait;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let drained_by = Instant::now() + Duration::from_secs(1);
                while !(self.stdout.ended.load(Ordering::SeqCst)
                    && self.stderr.ended.load(Ordering::SeqCst))
                    && Instant::now() < drained_by
                {
                    thread::sleep(Duration::from_millis(5));
                }
                return Some(status);
            }
            if Instant::now() >= end {
                return None;
            }
            // Polling is the portable way to wait for a child with a deadline.
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits up to [`DEADLINE`] for the program to exit by itself; panics if it does not.
    pub fn expect_exit(&mut self) -> ExitStatus {
        match self.exit_within(DEADLINE) {
            Some(status) => status,
            None => panic!(
                "{} did not exit within {DEADLINE:?}\n{}",
                self.name,
                self.transcript()
            ),
        }
    }

    /// Is the program still running?
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `python3` command, for the tests that check our servers against a client written the
/// tutorial's way in Python; `None`, after a printed NOTICE saying what did not run, where
/// python3 is not installed (the course needs only a Rust toolchain). Under CI (the `CI`
/// variable is set) a missing python3 fails the test instead: CI installs it.
///
/// On Windows, Python 3 is usually installed as `python` only (`python3` may be missing, or a
/// Microsoft Store alias that fails), so `python` is tried too, if it says it is Python 3.
///
/// Under Wine ([`under_wine`]) there is no Windows Python, and Linux's cannot stand in (Wine
/// starts it, but without the pipes to its stdin and stdout): those checks are skipped with
/// the NOTICE, even on CI. They run on Linux, and on real Windows in the GitHub workflow.
pub fn python3(what_needs_it: &str) -> Option<Command> {
    for name in ["python3", "python"] {
        let is_python3 = Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|out| {
                out.status.success()
                    && [out.stdout, out.stderr]
                        .iter()
                        .any(|said| said.starts_with(b"Python 3"))
            });
        if is_python3 {
            return Some(Command::new(name));
        }
    }
    if under_wine() {
        eprintln!("NOTICE: no Windows python3 under Wine, so {what_needs_it} did not run");
        return None;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "python3 is missing on CI, so {what_needs_it} cannot run: .ci/run should install it"
    );
    eprintln!("NOTICE: python3 is not installed, so {what_needs_it} did not run");
    None
}

/// Starts the Python client `script` (a file written the tutorial's way) against `server`,
/// given its IP and port as arguments, with UTF-8 on its pipes; `None` after a NOTICE where
/// python3 is missing (see [`python3`]).
pub fn python_client(script: &str, server: SocketAddr) -> Option<Running> {
    let mut python = python3("the check with the tutorial's Python client")?;
    python
        .args([script, &server.ip().to_string(), &server.port().to_string()])
        .env("PYTHONIOENCODING", "utf-8");
    Some(Running::spawn(python))
}

/// Drives a remote-command lessons' `tests/tutorial_client.py` (lessons 4 and 5): a command
/// with Chinese output, an empty line (which it never sends), a command with no output (the
/// server says 执行成功), one that fails (its error output comes back), then `quit`; asserts
/// each result, decoded from GBK, and that the client ends with status 0.
pub fn expect_python_command_results(client: &mut Running) {
    for line in ["echo 你好，世界", "", "true", "ls /no/such/dir", "quit"] {
        client.write_line(line);
    }
    client.expect_stdout("result: 你好，世界");
    client.expect_stdout("result: 执行成功");
    client.expect_stdout("No such file or directory");
    let status = client.expect_exit();
    assert!(status.success(), "{}", client.transcript());
}

/// Runs `program args` to its end, with its input already at end (so nothing waits for a
/// key) and no colours; asserts that it exits with status 0 within [`DEADLINE`] and says
/// nothing on stderr, and returns its stdout, line by line.
pub fn run_to_end(program: impl AsRef<OsStr>, args: &[&str]) -> Vec<String> {
    let mut command = Command::new(program);
    command.args(args);
    let mut run = Running::spawn(command);
    run.close_stdin();
    let status = run.expect_exit();
    assert!(status.success(), "{args:?}: {status}\n{}", run.transcript());
    run.expect_nothing_on(Stream::Stderr);
    run.seen(Stream::Stdout)
}

/// Runs `program args`, which must refuse them as a usage error: status 2 within
/// [`DEADLINE`], nothing on stdout, and a stderr line containing `says`.
pub fn expect_usage_error(program: impl AsRef<OsStr>, args: &[&str], says: &str) {
    let mut command = Command::new(&program);
    command.args(args);
    let mut run = Running::spawn(command);
    run.close_stdin();
    let status = run.expect_exit();
    let program = program.as_ref().to_string_lossy();
    assert_eq!(
        status.code(),
        Some(2),
        "{program} {args:?}\n{}",
        run.transcript()
    );
    run.expect_nothing_on(Stream::Stdout);
    run.expect_stderr(says);
}

/// The text of field `name` in a flat, one-line JSON object such as the benches' `--json`
/// line (a number, as written); panics, showing the line, if there is no such field.
pub fn json_field<'a>(json: &'a str, name: &str) -> &'a str {
    let key = format!("\"{name}\":");
    let at = json
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {json}"))
        + key.len();
    let rest = &json[at..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    &rest[..end]
}

/// Closes `conn` with a reset (RST) instead of the polite FIN: SO_LINGER with a zero timeout.
pub fn close_with_reset(conn: TcpStream) {
    socket2::SockRef::from(&conn)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(conn);
}

/// Runs `program --help`, and asserts that it exits with status 0 and that its output
/// mentions each of `mentions` (a flag such as `--server <HOST:PORT>`, a lesson file).
pub fn expect_help_mentions(program: impl AsRef<OsStr>, mentions: &[&str]) {
    let mut command = Command::new(&program);
    command.arg("--help");
    let mut help = Running::spawn(command);
    let status = help.expect_exit();
    assert!(status.success(), "--help: {status}\n{}", help.transcript());
    let text = help.seen(Stream::Stdout).join("\n");
    for wanted in mentions {
        assert!(
            text.contains(wanted),
            "{} --help does not mention {wanted}:\n{text}",
            program.as_ref().to_string_lossy()
        );
    }
}

/// A server under test and the address it announced.
pub struct Server {
    pub addr: SocketAddr,
    pub process: Running,
}

impl std::ops::Deref for Server {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.process
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.process
    }
}

impl Server {
    /// Forges `payload` "from" `from_port` on the server's own address (its own port: "from
    /// itself"), and waits for the guard's refusal on stderr, `from ADDR: not answered: {why}`.
    pub fn expect_forgery_refused(
        &self,
        forger: &Forger,
        from_port: u16,
        payload: &[u8],
        why: &str,
    ) {
        forger.send(from_port, self.addr, payload);
        let from = SocketAddr::new(self.addr.ip(), from_port);
        self.expect_stderr(&format!("from {from}: not answered: {why}"));
    }

    /// Forges `payload` "from" the server's own address and port, which answering would
    /// answer itself, and waits for the guard's refusal.
    pub fn expect_forgery_from_itself_refused(&self, forger: &Forger, payload: &[u8]) {
        let why = "it claims to come from this server itself";
        self.expect_forgery_refused(forger, self.addr.port(), payload, why);
    }

    /// Forges `payload` from each of the well-known service ports a reflection attack uses
    /// most (echo 7, chargen 19, NTP 123) and waits for the guard's refusal of each.
    pub fn expect_well_known_ports_refused(&self, forger: &Forger, payload: &[u8]) {
        for (port, name) in [(7, "echo"), (19, "chargen"), (123, "NTP")] {
            let why = format!("port {port} ({name}) is a well-known");
            self.expect_forgery_refused(forger, port, payload, &why);
        }
    }
}

/// Where this test may forge datagrams (see [`Forger::open`]; otherwise it says so and
/// starts nothing), starts a server with `start` and waits for its refusal of `payload`
/// forged from each well-known service port ([`Server::expect_well_known_ports_refused`]).
pub fn expect_service_ports_refused_by(start: impl FnOnce() -> Server, payload: &[u8]) {
    let Some(forger) = Forger::open("the forged service-port test") else {
        return;
    };
    start().expect_well_known_ports_refused(&forger, payload);
}

/// Starts the server binary `program` with `args`, adding `--addr 127.0.0.1:0` unless the
/// args already name an address, and waits for its `listening on udp://...` or `tcp://...`
/// line. Panics (with the server's output) if the line does not come within [`DEADLINE`].
pub fn start_server(program: impl AsRef<OsStr>, args: &[&str]) -> Server {
    let mut command = Command::new(program);
    command.args(args);
    if !args.contains(&"--addr") {
        command.args(["--addr", "127.0.0.1:0"]);
    }
    let process = Running::spawn(command);
    let line = process.expect_line(Stream::Stdout, |line| line.starts_with("listening on "));
    let addr = parse_listening_line(&line)
        .unwrap_or_else(|| panic!("not a `listening on` line: {line:?}"));
    Server { addr, process }
}

/// For a server the test started itself with its stdout piped (to close that pipe later, as
/// a test of a closed log does): reads its first line, the `listening on` line, and hands
/// back the pipe, still open, with the address in that line.
pub fn take_listening_line(child: &mut Child) -> (BufReader<ChildStdout>, SocketAddr) {
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = parse_listening_line(line.trim_end())
        .unwrap_or_else(|| panic!("not a `listening on` line: {line:?}"));
    (stdout, addr)
}

/// `listening on udp://127.0.0.1:8080` -> `127.0.0.1:8080`.
pub fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    let rest = line.strip_prefix("listening on ")?;
    let (_scheme, addr) = rest.split_once("://")?;
    addr.parse().ok()
}

/// A UDP socket on `127.0.0.1:0` whose reads time out after [`DEADLINE`].
pub fn udp_socket() -> UdpSocket {
    udp_socket_at("127.0.0.1:0")
}

/// A UDP socket bound to `addr` (use port 0) whose reads time out after [`DEADLINE`], and
/// which can send datagrams up to UDP's limit on every system (see
/// `common::allow_large_datagrams`: macOS needs it above 9216 bytes).
pub fn udp_socket_at(addr: impl ToSocketAddrs) -> UdpSocket {
    let socket = UdpSocket::bind(addr).unwrap();
    common::allow_large_datagrams(&socket).unwrap();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    socket
}

/// Receives one datagram (up to 65535 bytes) or panics after the socket's timeout.
pub fn recv(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buf = vec![0u8; 65_535];
    match recv_within(socket, &mut buf, socket.read_timeout().unwrap()) {
        Ok((n, from)) => {
            buf.truncate(n);
            (buf, from)
        }
        Err(err) => panic!("no datagram arrived: {err}"),
    }
}

/// `recv_from`, waiting at most `wait` in all (for ever if `None`). A receive with a timeout
/// that a signal interrupts fails with EINTR on Unix, signal handler or not (after a stop and
/// a continue, signal(7)), which says nothing about the datagram: it is tried again for the
/// time left. The socket's timeout is left as it was.
fn recv_within(
    socket: &UdpSocket,
    buf: &mut [u8],
    wait: Option<Duration>,
) -> std::io::Result<(usize, SocketAddr)> {
    let before = socket.read_timeout().unwrap();
    let end = wait.map(|wait| Instant::now() + wait);
    let got = loop {
        let left = end.map(|end| end.saturating_duration_since(Instant::now()));
        if left == Some(Duration::ZERO) {
            break Err(std::io::Error::from(std::io::ErrorKind::TimedOut));
        }
        socket.set_read_timeout(left).unwrap();
        match socket.recv_from(buf) {
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            got => break got,
        }
    };
    socket.set_read_timeout(before).unwrap();
    got
}

/// A TCP server under test ([`start_server`] with `args`) and one client connected to it.
pub fn start_and_connect(program: impl AsRef<OsStr>, args: &[&str]) -> (Server, TcpStream) {
    let server = start_server(program, args);
    let conn = tcp_connect(server.addr);
    (server, conn)
}

/// Sends `payload` to `to` and returns the one datagram that comes back.
pub fn round_trip(socket: &UdpSocket, payload: &[u8], to: SocketAddr) -> Vec<u8> {
    socket.send_to(payload, to).unwrap();
    recv(socket).0
}

/// A client under test and the UDP socket standing in for its server (a [`udp_socket`]): the
/// client `program` started with `--server` pointed at that socket, then `args`. Its stdin
/// stays open until the test closes it.
pub fn client_of_stand_in(program: impl AsRef<OsStr>, args: &[&str]) -> (UdpSocket, Running) {
    let server = udp_socket();
    let mut command = Command::new(program);
    command
        .args(["--server", &server.local_addr().unwrap().to_string()])
        .args(args);
    (server, Running::spawn(command))
}

/// Waits for the note `program` prints when a 1500-byte datagram was cut to its 1024-byte
/// buffer. Linux tells the real length, so there the note must also say how much was lost.
pub fn expect_1500_cut_to_1024_note(program: &Running) {
    let note = program.expect_stdout("cut to 1024 bytes");
    if cfg!(target_os = "linux") {
        assert!(
            note.contains("was 1500 bytes, so 476 bytes are lost"),
            "{note}"
        );
    }
}

/// Stands in for a server: receives one datagram, asserts that it is `expected`, and sends
/// `reply` back to its sender.
pub fn answer(server: &UdpSocket, expected: impl AsRef<[u8]>, reply: impl AsRef<[u8]>) {
    let (got, from) = recv(server);
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(expected.as_ref())
    );
    server.send_to(reply.as_ref(), from).unwrap();
}

/// Asserts that no datagram arrives within [`QUIET`]; restores the socket's timeout.
///
/// Only a receive that runs out of time is silence. Any other error (on Windows, say, the
/// WSAECONNRESET of an ICMP "port unreachable") is something that happened, and fails the
/// assertion with what it was.
pub fn assert_no_datagram(socket: &UdpSocket) {
    let mut buf = [0u8; 65_535];
    let got = recv_within(socket, &mut buf, Some(QUIET));
    match got {
        Ok((n, from)) => panic!(
            "expected silence, but {n} bytes came from {from}: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        // Unix reports a receive timeout as WouldBlock, Windows as TimedOut.
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        Err(err) => panic!(
            "expected silence, but the receive failed: {err} ({:?})",
            err.kind()
        ),
    }
}

/// A loopback UDP address where no socket is bound, and where no test running in parallel
/// will bind one: for tests of what happens to datagrams sent to nobody.
///
/// Binding port 0 and letting it go would hand that port straight back to the next port-0
/// bind of a parallel test. So the port is taken from below every system's ephemeral range,
/// which port-0 binds never use: Linux's `net.ipv4.ip_local_port_range` (read from /proc;
/// by default 32768-60999, ip(7)), and 49152-65535 on macOS (`net.inet.ip.portrange.first`)
/// and Windows (Microsoft's "default dynamic port range" since Vista). A port is chosen at
/// random among 20000-32767 and
/// checked free by binding it once. Only a program that binds that very port on purpose, at
/// that moment, could collide.
pub fn unused_udp_addr() -> SocketAddr {
    use std::hash::{BuildHasher, RandomState};
    let (low, high) = (20_000u16, ephemeral_floor().min(32_768) - 1);
    let span = u64::from(high - low) + 1;
    let seed = RandomState::new();
    for attempt in 0u64..100 {
        let port = low + (seed.hash_one(attempt) % span) as u16;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        if UdpSocket::bind(addr).is_ok() {
            return addr;
        }
    }
    panic!("no free UDP port found between {low} and {high} in 100 tries");
}

/// The lowest port the OS hands to a port-0 bind.
fn ephemeral_floor() -> u16 {
    #[cfg(target_os = "linux")]
    if let Ok(range) = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range") {
        if let Some(Ok(first)) = range.split_whitespace().next().map(str::parse::<u16>) {
            return first.max(20_001);
        }
    }
    if cfg!(target_os = "linux") {
        32_768
    } else {
        49_152
    }
}

/// Writes `data` on a TCP connection and reads back exactly as many bytes (with the
/// stream's timeouts): one exchange with an echo server that answers every byte.
pub fn tcp_round_trip(stream: &mut TcpStream, data: &[u8]) -> Vec<u8> {
    stream.write_all(data).unwrap();
    let mut reply = vec![0u8; data.len()];
    stream.read_exact(&mut reply).unwrap();
    reply
}

/// A TCP connection to `addr` whose connect, reads and writes time out after [`DEADLINE`].
pub fn tcp_connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, DEADLINE).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_listening_line_reads_both_schemes_and_both_families() {
        assert_eq!(
            parse_listening_line("listening on udp://127.0.0.1:8080"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            parse_listening_line("listening on tcp://[::1]:9"),
            Some("[::1]:9".parse().unwrap())
        );
        assert_eq!(parse_listening_line("listening on 127.0.0.1:80"), None);
        assert_eq!(parse_listening_line("from 127.0.0.1:1: b''"), None);
    }

    #[test]
    #[cfg(unix)] // uses sh
    fn running_collects_lines_and_sees_the_exit() {
        let mut command = Command::new("sh");
        command.args(["-c", "read x; echo got $x; echo oops >&2; exit 3"]);
        let mut running = Running::spawn(command);
        running.write_line("hi");
        assert_eq!(running.expect_stdout("got"), "got hi");
        assert_eq!(running.expect_stderr("oops"), "oops");
        assert_eq!(running.expect_exit().code(), Some(3));
    }

    #[test]
    fn assert_no_datagram_passes_on_silence_and_keeps_the_timeout() {
        let socket = udp_socket();
        assert_no_datagram(&socket);
        assert_eq!(socket.read_timeout().unwrap(), Some(DEADLINE));
    }

    #[test]
    fn assert_no_datagram_fails_on_an_error_that_is_not_a_timeout() {
        // A non-blocking socket with nothing to read fails at once with WouldBlock, which a
        // blocking receive also uses for a timeout; so make another error: a receive on a
        // socket connected to a closed port gets the ICMP error (ECONNREFUSED on Linux and
        // macOS, WSAECONNRESET on Windows).
        let socket = udp_socket();
        socket.connect(unused_udp_addr()).unwrap();
        socket.send(b"anyone?").unwrap();
        let outcome = std::panic::catch_unwind(|| assert_no_datagram(&socket));
        if wine_gap(Gap::PortUnreachableNotReported) {
            return;
        }
        let payload = outcome.expect_err("assert_no_datagram passed on an error");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(message.contains("the receive failed"), "{message}");
    }

    #[test]
    fn unused_udp_addr_is_below_the_ephemeral_range_and_free() {
        let addr = unused_udp_addr();
        assert!(addr.ip().is_loopback());
        assert!(addr.port() < ephemeral_floor(), "{addr}");
        // Free: it can be bound (and is let go again at once).
        UdpSocket::bind(addr).unwrap();
        // And a port-0 bind never lands there.
        let any = udp_socket().local_addr().unwrap();
        if !wine_gap(Gap::EphemeralPortsFromLinuxRange) {
            assert!(any.port() >= ephemeral_floor(), "{any}");
        }
    }

    #[test]
    #[should_panic(expected = "expected silence")]
    fn assert_no_datagram_fails_when_something_arrives() {
        let socket = udp_socket();
        socket.send_to(b"x", socket.local_addr().unwrap()).unwrap();
        assert_no_datagram(&socket);
    }
}

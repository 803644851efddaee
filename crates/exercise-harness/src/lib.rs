//! The kit the exercise checks are written with (exercises/checks/), used by each exercise's
//! target and by the course's own tests of the checks; and [`patch`], which makes the starters
//! as shipped and the wrong solutions from their patches (for exercises/build.rs and the
//! runner's `reset`).
//!
//! An exercise's check is a list of named [`Case`]s, each a function `fn() -> Check`, and
//! [`run_cases`] runs every one of them, to the end. A case names each step it takes with
//! [`step`] (a failure lists them all), drives the student's code over loopback sockets (every
//! read with a timeout), and returns a [`Failure`] saying what was expected and what came, as a
//! student would write the values ([`show`], [`expect_text`], [`expect_bytes`]). [`run`] runs a
//! case on its own thread, so a `todo!()` or any other panic in the student's code becomes a
//! friendly failure instead of a crash, and code that never returns is reported after a time
//! limit. [`Rng`] gives the loss cases a seed they print, so a failure can be replayed.

pub mod patch;
pub mod report;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt::Debug;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::Duration;

/// How long a check waits for any one reply before it calls it missing. Loopback answers in
/// microseconds; two seconds leave room for a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// What went wrong: at which step, what the check expected, and what came instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The step the case was on.
    pub step: String,
    /// Every step the case took, in order, up to and including `step`.
    pub steps: Vec<String>,
    pub expected: String,
    pub got: String,
}

/// The result of a case, or of one step of it.
pub type Check = Result<(), Failure>;

/// One named case of an exercise's check: the normal path, a boundary, a bug the lesson warns
/// about, or a bad input. A check is a list of them, and every one is run.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Short and in snake case, as CS144 names its tests: `lines_split_across_writes`.
    pub name: &'static str,
    pub run: fn() -> Check,
}

/// A case, for the lists in the checks: `case("one_line", one_line)`.
pub const fn case(name: &'static str, run: fn() -> Check) -> Case {
    Case { name, run }
}

/// A list of cases, each named after its function: `cases! { one_line, two_lines }` is
/// `&[case("one_line", one_line), case("two_lines", two_lines)]`.
#[macro_export]
macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        &[$($crate::case(stringify!($case), $case)),*]
    };
}

/// Runs every case, each on a thread of its own with its own `limit`, in order; (name, result).
pub fn run_cases(cases: &[Case], limit: Duration) -> Vec<(&'static str, Check)> {
    cases
        .iter()
        .map(|case| (case.name, run(case.run, limit)))
        .collect()
}

thread_local! {
    static STEPS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The same steps, seen by `run` too, so that a check that never returns can say where.
    static SHARED_STEPS: RefCell<Option<Arc<Mutex<Vec<String>>>>> = const { RefCell::new(None) };
    static IN_CHECK: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Names the step the check is on, so that a failure or a panic can say where it happened.
pub fn step(text: impl Into<String>) {
    let text = text.into();
    SHARED_STEPS.with(|shared| {
        if let Some(Ok(mut steps)) = shared.borrow().as_ref().map(|s| s.lock()) {
            steps.push(text.clone());
        }
    });
    STEPS.with(|steps| steps.borrow_mut().push(text));
}

fn current_steps() -> Vec<String> {
    STEPS.with(|steps| steps.borrow().clone())
}

/// A failure at the current step.
pub fn fail(expected: impl Into<String>, got: impl Into<String>) -> Failure {
    let steps = current_steps();
    Failure {
        step: steps.last().cloned().unwrap_or_default(),
        steps,
        expected: expected.into(),
        got: got.into(),
    }
}

/// Passes when `got == expected`, otherwise fails showing both with `{:?}` (numbers, `Ok(3)`,
/// lists of addresses). For text or bytes use [`expect_text`] or [`expect_bytes`], which do
/// not quote twice.
pub fn expect_eq<T: Debug + PartialEq>(got: T, expected: T) -> Check {
    if got == expected {
        Ok(())
    } else {
        Err(fail(format!("{expected:?}"), format!("{got:?}")))
    }
}

/// Passes when two descriptions (already shown as a student writes them, e.g. with [`show`])
/// are the same; shows them as they are.
pub fn expect_text(got: impl Into<String>, expected: impl Into<String>) -> Check {
    let (got, expected) = (got.into(), expected.into());
    if got == expected {
        Ok(())
    } else {
        Err(fail(expected, got))
    }
}

/// Passes when the bytes are equal. Otherwise shows both with [`show`]; where the lengths
/// differ it says so first, and where they do not, it names the first byte that differs.
pub fn expect_bytes(got: &[u8], expected: &[u8]) -> Check {
    if got == expected {
        return Ok(());
    }
    if got.len() != expected.len() {
        return Err(fail(
            format!("{} bytes: {}", expected.len(), show(expected)),
            format!("{} bytes: {}", got.len(), show(got)),
        ));
    }
    let at = got
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    Err(fail(
        format!("{} (byte {at} is {})", show(expected), expected[at]),
        format!("{} (byte {at} is {})", show(got), got[at]),
    ))
}

/// Passes when `ok` holds, otherwise fails with the two descriptions.
pub fn expect(ok: bool, expected: impl Into<String>, got: impl Into<String>) -> Check {
    if ok { Ok(()) } else { Err(fail(expected, got)) }
}

/// Turns an I/O error of the check's own sockets (not the student's) into a failure.
pub fn io<T>(result: std::io::Result<T>) -> Result<T, Failure> {
    result.map_err(|err| fail("the check's own socket to work", format!("error: {err}")))
}

/// A UDP socket on 127.0.0.1, on a port the OS picks, whose reads give up after [`PATIENCE`].
pub fn udp() -> Result<UdpSocket, Failure> {
    let socket = io(UdpSocket::bind("127.0.0.1:0"))?;
    io(socket.set_read_timeout(Some(PATIENCE)))?;
    Ok(socket)
}

/// A TCP listener on 127.0.0.1, on a port the OS picks.
pub fn tcp_listener() -> Result<TcpListener, Failure> {
    io(TcpListener::bind("127.0.0.1:0"))
}

/// A TCP connection to `addr` whose reads give up after [`PATIENCE`].
pub fn tcp_connect(addr: SocketAddr) -> Result<TcpStream, Failure> {
    let stream = io(TcpStream::connect_timeout(&addr, PATIENCE))?;
    io(stream.set_read_timeout(Some(PATIENCE)))?;
    Ok(stream)
}

/// The local address of a socket the check made.
pub fn addr_of(socket: &UdpSocket) -> Result<SocketAddr, Failure> {
    io(socket.local_addr())
}

/// Receives one datagram on a check's socket; a timeout becomes a failure saying what was
/// awaited.
pub fn recv(socket: &UdpSocket, awaited: &str) -> Result<(Vec<u8>, SocketAddr), Failure> {
    let mut buf = vec![0u8; 65_536];
    match socket.recv_from(&mut buf) {
        Ok((n, from)) => {
            buf.truncate(n);
            Ok((buf, from))
        }
        Err(err) if is_timeout(&err) => Err(fail(
            awaited.to_owned(),
            format!("nothing within {} s", PATIENCE.as_secs()),
        )),
        Err(err) => Err(fail(awaited.to_owned(), what(&err))),
    }
}

/// Whether an error is a read timeout: `WouldBlock` on Linux and macOS, `TimedOut` on Windows.
pub fn is_timeout(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// A small seeded random generator (SplitMix64), so a case with random loss loses the same
/// datagrams again when given the same seed: a failure prints its seed, and can be replayed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A seed that differs from run to run (the clock's nanoseconds).
    pub fn fresh_seed() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// Bytes as a student would write them: a string literal when they are UTF-8, else a byte
/// list; long ones cut short, with their length.
pub fn show(bytes: &[u8]) -> String {
    const LONG: usize = 40;
    let cut = bytes.len() > LONG;
    let head = if cut { &bytes[..LONG] } else { bytes };
    let shown = match std::str::from_utf8(head) {
        Ok(text) => format!("{text:?}"),
        Err(_) => format!("{head:?}"),
    };
    if cut {
        format!("{shown}... ({} bytes)", bytes.len())
    } else {
        shown
    }
}

/// An I/O error as a report shows it: a read timeout is called one (its kind differs between
/// systems), anything else is its message and kind.
pub fn what(err: &std::io::Error) -> String {
    if is_timeout(err) {
        format!("a read timeout ({:?}: nothing came)", err.kind())
    } else {
        format!("{err} ({:?})", err.kind())
    }
}

/// The student's code running in the background (a server, say). Its panic, if it panics, is
/// kept so that the check can report it instead of a mere silence.
pub struct Background {
    panic: Arc<Mutex<Option<String>>>,
    done: mpsc::Receiver<()>,
}

impl Background {
    /// The panic message, if the code has panicked by now.
    pub fn panicked(&self) -> Option<String> {
        let _ = self.done.try_recv();
        self.panic.lock().ok().and_then(|panic| panic.clone())
    }

    /// Whether the code has returned (or panicked) within `wait`.
    pub fn returns_within(&self, wait: Duration) -> bool {
        self.done.recv_timeout(wait).is_ok()
    }

    /// A failure for a silence: the student's panic if there was one, else `otherwise`.
    pub fn explain(&self, expected: &str, otherwise: Failure) -> Failure {
        // Give a panic that is on its way a moment to be recorded.
        let _ = self.done.recv_timeout(Duration::from_millis(50));
        match self.panicked() {
            Some(message) => fail(
                expected.to_owned(),
                format!("your code panicked: {message}"),
            ),
            None => otherwise,
        }
    }
}

/// Runs the student's `code` on a thread of its own, which the check never joins (a server
/// loops for ever; the thread ends with the process).
pub fn background(code: impl FnOnce() + Send + 'static) -> Background {
    install_hook();
    let panic = Arc::new(Mutex::new(None));
    let (tx, done) = mpsc::channel();
    let kept = Arc::clone(&panic);
    thread::spawn(move || {
        IN_CHECK.with(|flag| flag.set(true));
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(code)) {
            if let Ok(mut slot) = kept.lock() {
                *slot = Some(panic_text(&*payload));
            }
        }
        let _ = tx.send(());
    });
    Background { panic, done }
}

/// Runs one check on a thread of its own and reports its result. A panic in the student's code
/// becomes a failure naming the step it happened at; a check still running after `limit`
/// becomes a failure too (its thread is left behind; the process ends it).
pub fn run(check: fn() -> Check, limit: Duration) -> Check {
    install_hook();
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&shared);
    let spawned = thread::Builder::new()
        .name("exercise check".into())
        .spawn(move || {
            IN_CHECK.with(|flag| flag.set(true));
            SHARED_STEPS.with(|steps| *steps.borrow_mut() = Some(seen));
            let result = match panic::catch_unwind(check) {
                Ok(result) => result,
                Err(payload) => Err(fail(
                    "your code to return, not to panic",
                    format!("it panicked: {}", panic_text(&*payload)),
                )),
            };
            let _ = tx.send(result);
        });
    if let Err(err) = spawned {
        return Err(Failure {
            step: "start the check".into(),
            steps: vec!["start the check".into()],
            expected: "a thread to run it on".into(),
            got: format!("error: {err}"),
        });
    }
    match rx.recv_timeout(limit) {
        Ok(result) => result,
        Err(_) => {
            let steps = shared.lock().map(|steps| steps.clone()).unwrap_or_default();
            Err(Failure {
                step: steps.last().cloned().unwrap_or_default(),
                steps,
                expected: format!("your code to return within {} s", limit.as_secs()),
                got: "it was still running: a read without a timeout, or a loop that never ends?"
                    .into(),
            })
        }
    }
}

/// The message of a panic, with where it happened when the hook saw it.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let message = if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic without a message)".to_owned()
    };
    match LAST_PANIC.with(|last| last.borrow_mut().take()) {
        Some(location) => format!("{message} (at {location})"),
        None => message,
    }
}

/// Panics on a check's threads are reported by the check, so the hook only notes where they
/// happened and stays quiet; panics anywhere else go to the hook that was there before.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_CHECK.with(Cell::get) {
                let location = info
                    .location()
                    // An exercise's target includes your file as targets/../NN-lesson/NAME.rs.
                    .map(|at| {
                        let file = at.file().replace("targets/../", "");
                        format!("{}:{}", file.replace("targets\\..\\", ""), at.line())
                    })
                    .unwrap_or_default();
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(location));
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panics() -> Check {
        step("call the student's code");
        todo!()
    }

    fn fails() -> Check {
        step("compare");
        expect_eq(1, 2)
    }

    fn passes() -> Check {
        expect_eq("a", "a")
    }

    #[test]
    fn a_todo_in_the_students_code_is_a_failure_naming_the_step_and_the_place() {
        let failure = run(panics, PATIENCE).unwrap_err();
        assert_eq!(failure.step, "call the student's code");
        assert!(failure.got.contains("not yet implemented"), "{failure:?}");
        assert!(failure.got.contains("lib.rs:"), "{failure:?}");
    }

    #[test]
    fn a_mismatch_shows_what_was_expected_and_what_came() {
        let failure = run(fails, PATIENCE).unwrap_err();
        assert_eq!(
            (failure.expected.as_str(), failure.got.as_str()),
            ("2", "1")
        );
        assert_eq!(run(passes, PATIENCE), Ok(()));
    }

    #[test]
    fn code_that_never_returns_is_reported_after_the_limit() {
        fn hangs() -> Check {
            step("wait for a datagram that never comes");
            thread::sleep(Duration::from_secs(60));
            Ok(())
        }
        let failure = run(hangs, Duration::from_millis(100)).unwrap_err();
        assert!(failure.got.contains("still running"), "{failure:?}");
        assert_eq!(failure.step, "wait for a datagram that never comes");
    }
}

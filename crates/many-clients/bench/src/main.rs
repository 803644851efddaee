//! # Lesson 8: the bench for the many-clients servers
//!
//! Starts each design in turn (or talks to a server you started, `--server`), opens `--idle`
//! connections that each say hello once and then stay silent, then `--clients` active
//! connections that each make `--requests` round trips of `--size` bytes, one at a time. It
//! prints per design: requests per second, median (p50) and 99th-percentile round trip, the
//! 99th percentile of the wait from `connect` to the first reply (the unluckiest clients' wait
//! for their turn), the server's peak memory and its memory per idle connection, its threads,
//! and its CPU time per request, as a table or as `--json`. The servers it starts listen with
//! `--backlog 1024` unless told otherwise, so that a thousand clients can connect at once.
//!
//! The server's memory, threads and CPU time come from `/proc/PID/status` and `/proc/PID/stat`
//! on Linux (with `--pid PID` when you started the server yourself); other systems show n/a.
//! The bench's own clients run on one thread (a tokio event loop), so they take at most one
//! core from the server.
//!
//! Run it (build the servers first, in release mode, so the bench finds them beside itself):
//!
//! ```text
//! cargo build --release -p many-clients-iterative -p many-clients-threads -p many-clients-pool -p many-clients-async -p many-clients-bench
//! cargo run --release -p many-clients-bench -- --clients 100 --requests 200
//! ```
//!
//! You will see one row per design, like this one measured for the lesson (2 cores, loaded):
//!
//! ```text
//! design      clients   idle  requests/s    p50 µs    p99 µs   1st p99 ms  failed  peak MiB  KiB/idle  threads  CPU µs/req
//! async           100      0      131675       571      1709          3.3       0       3.4       n/a        3         5.8
//! ```
//!
//! `--clients` and `--idle` take lists (`--clients 1,10,100,1000`): the bench runs each design
//! once for each value, and with `--plot FILE.svg` draws requests/s and the first reply's p99
//! against clients, and memory per idle connection against idle connections, one line per
//! design. On a terminal, a progress bar on stderr counts the connections of each run.
//!
//! The walkthrough is `lessons/08-many-clients.md`.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod proc_stats;
use proc_stats::Sample;

const DESIGNS: [&str; 4] = ["iterative", "threads", "pool", "async"];

/// Lesson 8: how each many-clients design copes with many connections, measured.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/08-many-clients.md\n\
                  Build the servers first: cargo build --release -p many-clients-iterative \
                  -p many-clients-threads -p many-clients-pool -p many-clients-async"
)]
struct Args {
    /// Connections that make round trips (a list, 1,10,100, runs each design once per value)
    #[arg(long, value_name = "N", value_delimiter = ',', default_value = "100")]
    clients: Vec<usize>,

    /// Connections opened first, that say hello once and then stay silent to the end (a
    /// list, like --clients)
    #[arg(long, value_name = "M", value_delimiter = ',', default_value = "0")]
    idle: Vec<usize>,

    /// Round trips per active connection, one at a time
    #[arg(long, value_name = "R", default_value_t = 100)]
    requests: usize,

    /// Bytes per request (lower-case letters; the reply must be them upper-cased)
    #[arg(long, value_name = "BYTES", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    size: u32,

    /// A server you started yourself, instead of starting each design
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr, conflicts_with = "design")]
    server: Option<SocketAddr>,

    /// The process id of that server, to read its memory, threads and CPU time (Linux)
    #[arg(long, value_name = "PID", requires = "server")]
    pid: Option<u32>,

    /// Which designs to start, one after another (their binaries must sit beside the bench's)
    #[arg(long, value_delimiter = ',', default_value = "iterative,threads,pool,async",
          value_parser = clap::builder::PossibleValuesParser::new(DESIGNS))]
    design: Vec<String>,

    /// The backlog of the servers the bench starts: long enough for every client to connect
    /// at once; try 5, the tutorial's, to see connections wait and fail
    #[arg(long, value_name = "N", default_value_t = 1024)]
    backlog: u32,

    /// Seconds to wait for a connection or a reply before counting the client as failed
    #[arg(long, value_name = "SECONDS", value_parser = common::parse_seconds, default_value = "10")]
    timeout: Duration,

    /// Print the results as JSON instead of a table
    #[arg(long)]
    json: bool,

    /// Also draw the results as an SVG chart into this file
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
}

impl Args {
    /// The most connections one run opens: each server and our own open-files limit must
    /// have room for them.
    fn most_connections(&self) -> usize {
        let most = |list: &[usize]| list.iter().copied().max().unwrap_or(0);
        most(&self.clients) + most(&self.idle)
    }
}

/// What one run against one server measured.
#[derive(Debug, Default)]
struct Row {
    design: String,
    clients: usize,
    idle: usize,
    /// Idle connections that said hello and got their answer.
    idle_held: usize,
    requests: u64,
    failed_clients: usize,
    elapsed: Duration,
    p50: Option<Duration>,
    p99: Option<Duration>,
    /// From "connect" to the first reply, 99th percentile over the clients: how long the
    /// unluckiest clients waited for their turn.
    first_p99: Option<Duration>,
    peak_kib: Option<u64>,
    idle_kib_each: Option<f64>,
    threads: Option<u64>,
    cpu_per_request: Option<Duration>,
    first_failure: Option<String>,
}

impl Row {
    fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.requests as f64 / secs
        } else {
            0.0
        }
    }
}

/// A server the bench started: killed when dropped.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    raise_open_files_limit(args.most_connections())?;

    // The clients run on one thread: the bench takes at most one core from the server.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    // Every run: each design (or the one server) at each number of idle and active clients.
    let mut runs = Vec::new();
    let designs = match args.server {
        Some(addr) => vec![format!("server {addr}")],
        None => args.design.clone(),
    };
    for design in &designs {
        for &idle in &args.idle {
            for &clients in &args.clients {
                runs.push(Run {
                    design: design.clone(),
                    clients,
                    idle,
                });
            }
        }
    }

    // On a terminal: one bar for the whole bench, a step per connection. Piped: nothing.
    let steps = runs.iter().map(|run| (run.clients + run.idle) as u64).sum();
    let progress = indicatif::ProgressBar::new(steps);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "[{bar:40}] {pos}/{len} connections, {msg} ({elapsed})",
    ) {
        progress.set_style(style.progress_chars("=> "));
    }

    let mut rows = Vec::new();
    for run in &runs {
        progress.set_message(format!(
            "{}: {} idle, {} active",
            run.design, run.idle, run.clients
        ));
        let row = if let Some(addr) = args.server {
            runtime.block_on(measure(&args, run, addr, args.pid, &progress))
        } else {
            let (server, addr) = spawn(&run.design, &args)?;
            let pid = Some(server.0.id());
            let row = runtime.block_on(measure(&args, run, addr, pid, &progress));
            drop(server);
            row
        };
        rows.push(row);
    }
    progress.finish_and_clear();

    if args.json {
        println!("{}", json(&rows));
    } else {
        print!("{}", table(&rows));
        for row in rows.iter().filter(|row| row.first_failure.is_some()) {
            let failure = row.first_failure.as_deref().unwrap_or_default();
            println!("{}: first failure: {failure}", row.design);
        }
    }
    if let Some(path) = &args.plot {
        plot(path, &rows)?;
    }
    Ok(())
}

/// One run of the bench: a design, its idle and its active connections.
struct Run {
    design: String,
    clients: usize,
    idle: usize,
}

/// A plot line's name: the design, and what sets its rows apart (`count` `what`: "7 idle")
/// where that is not the same on every row.
fn line_name(design: &str, apart: Option<(usize, &str)>) -> String {
    match apart {
        Some((count, what)) => format!("{design}, {count} {what}"),
        None => design.to_owned(),
    }
}

/// The chart of the rows: requests/s and the first reply's p99 against active clients (when
/// more than one number of clients was measured, or no memory), memory per idle connection
/// against idle connections (when measured). One line per design.
fn plot(path: &Path, rows: &[Row]) -> Result<(), common::Error> {
    let several = |values: Vec<usize>| {
        let first = values.first().copied();
        values.iter().any(|v| Some(*v) != first)
    };
    let idle_vary = several(rows.iter().map(|r| r.idle).collect());
    let clients_vary = several(rows.iter().map(|r| r.clients).collect());
    let memory = rows.iter().any(|r| r.idle_kib_each.is_some());

    let mut panels = Vec::new();
    if clients_vary || !memory {
        let mut rate = plots::Panel::new("Requests per second", "active clients", "requests/s");
        let mut first = plots::Panel::new(
            "Wait for the first reply (p99)",
            "active clients",
            "milliseconds",
        );
        rate.x_log = true;
        first.x_log = true;
        first.y_log = true;
        for row in rows {
            let label = line_name(&row.design, idle_vary.then_some((row.idle, "idle")));
            let x = row.clients as f64;
            rate.add(&label, x, row.rate().round());
            if let Some(wait) = row.first_p99 {
                first.add(&label, x, wait.as_secs_f64() * 1e3);
            }
        }
        panels.extend([rate, first]);
    }
    if memory {
        let mut each = plots::Panel::new(
            "Server memory per idle connection",
            "idle connections held",
            "KiB",
        );
        each.x_log = true;
        for row in rows {
            let label = line_name(&row.design, clients_vary.then_some((row.clients, "active")));
            if let Some(kib) = row.idle_kib_each {
                each.add(&label, row.idle_held as f64, kib);
            }
        }
        panels.push(each);
    }
    plots::write_svg(path, &panels, &plots::this_command("many-clients-bench"))
}

/// Each connection is a file descriptor, here and in the server. Linux allows 1024 by default
/// (often more), macOS 256: raise our soft limit to the hard one (the server we start
/// inherits it), or say clearly that the run cannot open that many.
fn raise_open_files_limit(connections: usize) -> Result<(), common::Error> {
    // Room for the process's own files besides the connections.
    let wanted = connections as u64 + 64;
    #[cfg(unix)]
    {
        let got = rlimit::increase_nofile_limit(wanted)?;
        if got < wanted {
            return Err(common::Error::new(format!(
                "{connections} connections need {wanted} open files, but this process may have \
                 only {got} (ulimit -n); raise the hard limit or ask for fewer"
            )));
        }
    }
    // Windows has no per-process limit of this kind: sockets are limited by memory.
    #[cfg(not(unix))]
    let _ = wanted;
    Ok(())
}

/// Starts `many-clients-DESIGN` from the bench's own folder on a free port, reads its
/// `listening on` line, and drains its output so it never blocks on a full pipe.
fn spawn(design: &str, args: &Args) -> Result<(Spawned, SocketAddr), common::Error> {
    let name = format!("many-clients-{design}{}", std::env::consts::EXE_SUFFIX);
    let dir = std::env::current_exe()?
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = dir.join(&name);
    if !path.exists() {
        return Err(common::Error::new(format!(
            "{} is missing: build it first (cargo build --release -p many-clients-{design})",
            path.display()
        )));
    }
    let mut command = Command::new(&path);
    command.args([
        "--addr",
        "127.0.0.1:0",
        "--backlog",
        &args.backlog.to_string(),
    ]);
    if design == "threads" {
        // Enough places for every connection of the run.
        let places = (args.most_connections() + 16).to_string();
        command.args(["--max-clients", &places]);
    }
    let mut child = Spawned(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", path.display()))?,
    );
    let stdout = child.0.stdout.take().ok_or("no stdout")?;
    let stderr = child.0.stderr.take().ok_or("no stderr")?;
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    stdout.read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("listening on tcp://")
        .and_then(|addr| addr.parse().ok())
        .ok_or_else(|| format!("{name} did not say where it listens: {line:?}"))?;
    // The log (a line per client) and the complaints go nowhere, but must be read.
    std::thread::Builder::new().spawn(move || drain(stdout))?;
    std::thread::Builder::new().spawn(move || drain(stderr))?;
    Ok((child, addr))
}

fn drain(mut from: impl Read) {
    let mut sink = [0u8; 8192];
    while matches!(from.read(&mut sink), Ok(1..)) {}
}

/// One run: idle connections first, then the active ones, with the server's numbers taken
/// before, between and after.
async fn measure(
    args: &Args,
    run: &Run,
    addr: SocketAddr,
    pid: Option<u32>,
    progress: &indicatif::ProgressBar,
) -> Row {
    let mut row = Row {
        design: run.design.clone(),
        clients: run.clients,
        idle: run.idle,
        ..Row::default()
    };
    let before = Sample::take(pid);

    // The idle ones, one at a time, each answered once: then the server surely holds it (a
    // connection still in the backlog costs the server nothing yet). A design that cannot
    // hold it (every worker is busy) is found out by the first hello left unanswered.
    let mut idle = Vec::with_capacity(run.idle);
    let patience = args.timeout.min(Duration::from_secs(2));
    for _ in 0..run.idle {
        match round_trip_new(addr, patience).await {
            Ok(stream) => {
                idle.push(stream);
                progress.inc(1);
            }
            Err(err) => {
                row.first_failure = Some(format!("idle connection {}: {err}", idle.len() + 1));
                break;
            }
        }
    }
    row.idle_held = idle.len();
    let with_idle = Sample::take(pid);
    if let (Some(b), Some(w)) = (before.rss_kib, with_idle.rss_kib) {
        if row.idle_held > 0 {
            row.idle_kib_each = Some(w.saturating_sub(b) as f64 / row.idle_held as f64);
        }
    }
    let mut threads = with_idle.threads;

    // The active ones, all at once, each on its own task.
    let payload: Vec<u8> = (0..args.size as usize)
        .map(|i| b"abcdefghijklmnopqrstuvwxyz"[i % 26])
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = (0..run.clients)
        .map(|_| {
            let payload = payload.clone();
            let (requests, timeout) = (args.requests, args.timeout);
            tokio::spawn(async move { active(addr, payload, requests, timeout).await })
        })
        .collect();
    // Sample the server's threads while the clients run.
    let mut latencies = Vec::with_capacity(run.clients * args.requests);
    let mut firsts = Vec::with_capacity(run.clients);
    let mut pending = tasks;
    // When the last client finished (each says when), not when this loop noticed: it looks
    // only every 20 ms, which would dwarf a short run.
    let mut last_done = started;
    while !pending.is_empty() {
        if let Some(now) = Sample::take(pid).threads {
            threads = threads.max(Some(now));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut still = Vec::new();
        for task in pending {
            if task.is_finished() {
                progress.inc(1);
                match task.await {
                    Ok(client) => {
                        last_done = last_done.max(client.done);
                        row.requests += client.latencies.len() as u64;
                        latencies.extend(client.latencies);
                        firsts.extend(client.first);
                        if let Some(err) = client.failure {
                            row.failed_clients += 1;
                            row.first_failure.get_or_insert(err);
                        }
                    }
                    Err(err) => {
                        row.failed_clients += 1;
                        row.first_failure.get_or_insert(err.to_string());
                    }
                }
            } else {
                still.push(task);
            }
        }
        pending = still;
    }
    row.elapsed = last_done - started;
    let after = Sample::take(pid);
    drop(idle);
    // Idle connections never opened (the server held no more) count as done.
    progress.inc((run.idle - row.idle_held) as u64);

    latencies.sort_unstable();
    row.p50 = percentile(&latencies, 50.0);
    row.p99 = percentile(&latencies, 99.0);
    firsts.sort_unstable();
    row.first_p99 = percentile(&firsts, 99.0);
    row.peak_kib = after.peak_kib;
    row.threads = threads;
    if let (Some(b), Some(a)) = (with_idle.cpu, after.cpu) {
        if row.requests > 0 {
            row.cpu_per_request = Some(a.saturating_sub(b) / row.requests as u32);
        }
    }
    row
}

/// Connects, says hello, waits for the answer: the connection is then held by the server.
async fn round_trip_new(addr: SocketAddr, patience: Duration) -> Result<TcpStream, String> {
    let work = async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(b"hello").await?;
        let mut reply = [0u8; 5];
        stream.read_exact(&mut reply).await?;
        Ok::<_, std::io::Error>(stream)
    };
    match tokio::time::timeout(patience, work).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer within {patience:?}")),
    }
}

/// What one active client saw.
struct Client {
    latencies: Vec<Duration>,
    /// From the start of connect to the first reply.
    first: Option<Duration>,
    failure: Option<String>,
    /// When it finished (or gave up).
    done: Instant,
}

/// One active client: connect, then `requests` round trips, each timed.
async fn active(addr: SocketAddr, payload: Vec<u8>, requests: usize, timeout: Duration) -> Client {
    let mut client = Client {
        latencies: Vec::with_capacity(requests),
        first: None,
        failure: None,
        done: Instant::now(),
    };
    let connecting = Instant::now();
    let mut stream = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(err)) => {
            client.failure = Some(format!("connect: {err}"));
            client.done = Instant::now();
            return client;
        }
        Err(_) => {
            client.failure = Some(format!("connect: no answer within {timeout:?}"));
            client.done = Instant::now();
            return client;
        }
    };
    let _ = stream.set_nodelay(true);
    let expected = payload.to_ascii_uppercase();
    let mut reply = vec![0u8; payload.len()];
    for _ in 0..requests {
        let sent = Instant::now();
        let trip = async {
            stream.write_all(&payload).await?;
            stream.read_exact(&mut reply).await?;
            Ok::<_, std::io::Error>(())
        };
        match tokio::time::timeout(timeout, trip).await {
            Ok(Ok(())) if reply == expected => {
                client.latencies.push(sent.elapsed());
                client.first.get_or_insert_with(|| connecting.elapsed());
            }
            Ok(Ok(())) => {
                client.failure = Some("a reply was not the request upper-cased".into());
                break;
            }
            Ok(Err(err)) => {
                client.failure = Some(err.to_string());
                break;
            }
            Err(_) => {
                client.failure = Some(format!("no reply within {timeout:?}"));
                break;
            }
        }
    }
    client.done = Instant::now();
    client
}

/// The smallest sample with at least `p` percent of all samples at or below it.
fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn or_na<T>(value: Option<T>, show: impl Fn(T) -> String) -> String {
    value.map_or_else(|| "n/a".to_owned(), show)
}

fn micros(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e6)
}

fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<10} {:>8} {:>6} {:>11} {:>9} {:>9} {:>12} {:>7} {:>9} {:>9} {:>8} {:>11}\n",
        "design",
        "clients",
        "idle",
        "requests/s",
        "p50 µs",
        "p99 µs",
        "1st p99 ms",
        "failed",
        "peak MiB",
        "KiB/idle",
        "threads",
        "CPU µs/req"
    );
    for row in rows {
        let idle = if row.idle_held == row.idle {
            row.idle.to_string()
        } else {
            format!("{}/{}", row.idle_held, row.idle)
        };
        let _ = writeln!(
            out,
            "{:<10} {:>8} {:>6} {:>11.0} {:>9} {:>9} {:>12} {:>7} {:>9} {:>9} {:>8} {:>11}",
            row.design,
            row.clients,
            idle,
            row.rate(),
            or_na(row.p50, micros),
            or_na(row.p99, micros),
            or_na(row.first_p99, |d| format!("{:.1}", d.as_secs_f64() * 1e3)),
            row.failed_clients,
            or_na(row.peak_kib, |k| format!("{:.1}", k as f64 / 1024.0)),
            or_na(row.idle_kib_each, |k| format!("{k:.1}")),
            or_na(row.threads, |t| t.to_string()),
            or_na(row.cpu_per_request, |d| format!(
                "{:.1}",
                d.as_secs_f64() * 1e6
            )),
        );
    }
    out
}

/// The rows as a JSON array; a number the bench could not measure is `null`.
fn json(rows: &[Row]) -> String {
    fn num<T: ToString>(value: Option<T>) -> String {
        value.map_or_else(|| "null".to_owned(), |v| v.to_string())
    }
    fn us(value: Option<Duration>) -> String {
        num(value.map(|d| (d.as_secs_f64() * 1e7).round() / 10.0))
    }
    let objects: Vec<String> = rows
        .iter()
        .map(|row| {
            format!(
                "{{\"design\":{},\"clients\":{},\"idle\":{},\"idle_held\":{},\"requests\":{},\
                 \"failed_clients\":{},\"seconds\":{:.3},\"requests_per_second\":{:.1},\
                 \"p50_us\":{},\"p99_us\":{},\"first_reply_p99_us\":{},\"peak_rss_kib\":{},\"kib_per_idle_connection\":{},\
                 \"threads\":{},\"cpu_us_per_request\":{},\"first_failure\":{}}}",
                plots::json_string(&row.design),
                row.clients,
                row.idle,
                row.idle_held,
                row.requests,
                row.failed_clients,
                row.elapsed.as_secs_f64(),
                row.rate(),
                us(row.p50),
                us(row.p99),
                us(row.first_p99),
                num(row.peak_kib),
                num(row.idle_kib_each.map(|k| (k * 10.0).round() / 10.0)),
                num(row.threads),
                us(row.cpu_per_request),
                row.first_failure.as_deref().map_or("null".into(), plots::json_string),
            )
        })
        .collect();
    format!("[{}]", objects.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_takes_the_nearest_rank() {
        let ms = |n| Duration::from_millis(n);
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(ms(50)));
        assert_eq!(percentile(&sorted, 99.0), Some(ms(99)));
        assert_eq!(percentile(&[ms(7)], 99.0), Some(ms(7)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn json_writes_null_for_what_was_not_measured_and_escapes_text() {
        let row = Row {
            design: "a \"b\"".into(),
            first_failure: Some("line\nbreak".into()),
            ..Row::default()
        };
        let text = json(&[row]);
        assert!(text.starts_with("[{\"design\":\"a \\\"b\\\"\""), "{text}");
        assert!(text.contains("\"peak_rss_kib\":null"), "{text}");
        assert!(
            text.contains("\"first_failure\":\"line\\u000abreak\""),
            "{text}"
        );
    }
}

//! # Lesson 9: the reliable-UDP bench
//!
//! Measures, in one run, through the lossy link on loopback:
//!
//! 1. the lossy link's CPU time per datagram beside the lesson 1 echo server's (ping-pong
//!    through both; Linux only, from `/proc/PID/task/*/schedstat`);
//! 2. the same file sent by stop-and-wait, the sliding window, QUIC and KCP for every loss
//!    (0, 1, 5, 10, 20 %) and delay (0 and 20 ms each way): goodput, bytes on the wire per
//!    byte of file (retransmissions and headers), time to finish, and stop-and-wait against
//!    its bound of one datagram per round trip;
//! 3. the sliding window's goodput as the window grows, at 20 ms and no loss, under a
//!    `--rate` limit, with the tail drops of the link's queue.
//!
//! It starts the real receivers and senders (from its own folder: build them first) and runs
//! the link inside itself, to read its counters.
//!
//! ```text
//! cargo build -p udp-echo-server -p lossy-link -p stop-and-wait-sender -p stop-and-wait-receiver -p window-sender -p window-receiver -p quic-sender -p quic-receiver -p kcp-sender -p kcp-receiver -p reliable-udp-bench
//! cargo run -p reliable-udp-bench
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use clap::Parser;
use reliable_udp_core::link::{Impairment, parse_duration, parse_rate};
use reliable_udp_core::relay::Relay;
use reliable_udp_core::wire;

/// Lesson 9: stop-and-wait, the sliding window, QUIC and KCP through the lossy link.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Build every lesson 9 program first (cargo build --workspace)."
)]
struct Args {
    /// Bytes in the file each protocol sends
    #[arg(long, default_value_t = 200 * 1024)]
    size: usize,

    /// Loss rates to try (each direction), in percent
    #[arg(long, value_delimiter = ',', default_value = "0,1,5,10,20")]
    loss: Vec<f64>,

    /// Delays to try (each direction)
    #[arg(long, value_delimiter = ',', value_parser = parse_duration, default_value = "0ms,20ms")]
    delay: Vec<Duration>,

    /// The sliding window's size in the grid
    #[arg(long, default_value_t = 64)]
    window: u32,

    /// The rate limit of the window sweep
    #[arg(long, value_parser = parse_rate, default_value = "1MB")]
    rate: u64,

    /// Seed of the link's random choices
    #[arg(long, default_value_t = 7)]
    seed: u64,

    /// Ping-pongs for the CPU measurement
    #[arg(long, default_value_t = 20_000)]
    pings: u32,

    /// Give up on one transfer after this long
    #[arg(long, value_parser = parse_duration, default_value = "300s")]
    limit: Duration,

    /// Print JSON instead of tables
    #[arg(long)]
    json: bool,

    /// Also draw goodput against loss, one line per protocol and one panel per delay, as an
    /// SVG file (lessons/img/09-goodput.svg is one)
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<std::path::PathBuf>,
}

/// A program of the course, started by the bench; killed when dropped.
struct Spawned {
    child: Child,
    lines: Receiver<String>,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn program(name: &str) -> Result<PathBuf, common::Error> {
    let dir = std::env::current_exe()?
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        Ok(path)
    } else {
        Err(common::Error::new(format!(
            "{} is missing: build it first (cargo build -p {name}, with --release for a release bench)",
            path.display()
        )))
    }
}

/// Starts `name` with `args`; its stdout lines come through `lines`, its stderr is drained.
fn spawn(name: &str, args: &[&str]) -> Result<Spawned, common::Error> {
    let mut child = Command::new(program(name)?)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {name}: {err}"))?;
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    if let Some(mut stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut sink = [0u8; 4096];
            while matches!(stderr.read(&mut sink), Ok(1..)) {}
        });
    }
    Ok(Spawned { child, lines })
}

/// Starts a server on a free port and reads the address it announces.
fn spawn_server(name: &str, args: &[&str]) -> Result<(Spawned, SocketAddr), common::Error> {
    let mut all = vec!["--addr", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let server = spawn(name, &all)?;
    let line = server
        .lines
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| format!("{name} did not say where it listens"))?;
    let addr = line
        .strip_prefix("listening on udp://")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("{name}: unexpected first line {line:?}"))?;
    Ok((server, addr))
}

/// A link on a free port with `imp` both ways, run inside the bench.
fn start_link(
    to: SocketAddr,
    imp: Impairment,
    seed: u64,
) -> Result<std::sync::Arc<Relay>, common::Error> {
    let front = common::bind_udp("127.0.0.1:0".parse().map_err(|_| "bad address")?)?;
    let relay = Relay::new(front, to, imp.clone(), imp, seed)?;
    let runner = relay.clone();
    std::thread::spawn(move || runner.run(|_, _| Ok(())));
    Ok(relay)
}

// ----- 1. CPU per datagram -----

/// CPU time of every thread of a process so far (Linux).
#[cfg(target_os = "linux")]
fn cpu_time(pid: u32) -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let path = task.ok()?.path().join("schedstat");
        let text = std::fs::read_to_string(path).ok()?;
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

#[cfg(not(target_os = "linux"))]
fn cpu_time(_pid: u32) -> Option<Duration> {
    None
}

struct CpuResult {
    exchanges: u32,
    lost: u32,
    rtt: Duration,
    echo_per_datagram: Option<Duration>,
    link_per_datagram: Option<Duration>,
}

fn measure_cpu(pings: u32) -> Result<CpuResult, common::Error> {
    let (echo, echo_addr) = spawn_server("udp-echo-server", &["--quiet"])?;
    let to = echo_addr.to_string();
    let (link, link_addr) = spawn_server("lossy-link", &["--to", &to])?;
    let socket = common::client_udp(link_addr)?;
    socket.connect(link_addr)?;
    socket.set_read_timeout(Some(Duration::from_secs(1)))?;
    let mut buffer = [0u8; 64];
    // Warm up: the link opens its socket towards the server on the first datagram.
    for _ in 0..100 {
        socket.send(b"warm up")?;
        let _ = socket.recv(&mut buffer);
    }
    let before = (cpu_time(echo.child.id()), cpu_time(link.child.id()));
    let start = Instant::now();
    let mut lost = 0;
    for _ in 0..pings {
        socket.send(b"ping through the link")?;
        if socket.recv(&mut buffer).is_err() {
            lost += 1;
        }
    }
    let rtt = start.elapsed() / pings.max(1);
    let after = (cpu_time(echo.child.id()), cpu_time(link.child.id()));
    let exchanges = pings - lost;
    let per = |b: Option<Duration>, a: Option<Duration>, datagrams: u32| {
        Some(a?.saturating_sub(b?) / datagrams.max(1))
    };
    Ok(CpuResult {
        exchanges,
        lost,
        rtt,
        // The echo server receives and sends one datagram per exchange; the link two (the
        // ping on its way in, the reply on its way out), each a receive and a send.
        echo_per_datagram: per(before.0, after.0, exchanges),
        link_per_datagram: per(before.1, after.1, 2 * exchanges),
    })
}

// ----- 2. the grid -----

const PROTOCOLS: [&str; 4] = ["stop-and-wait", "window", "quic", "kcp"];

struct Run {
    protocol: String,
    loss: f64,
    delay: Duration,
    window: Option<u32>,
    rate: Option<u64>,
    /// Time to finish, if it did and the file matched.
    time: Option<Duration>,
    /// Bytes the sender put on the link per byte of file.
    wire_ratio: f64,
    queue_drops: u64,
    failure: Option<String>,
}

impl Run {
    fn goodput(&self, size: usize) -> Option<f64> {
        self.time.map(|t| size as f64 / t.as_secs_f64())
    }
}

#[allow(clippy::too_many_arguments)]
fn transfer(
    protocol: &str,
    file: &Path,
    data_sha: &str,
    size: usize,
    imp: Impairment,
    window: u32,
    args: &Args,
) -> Result<Run, common::Error> {
    let cert = std::env::temp_dir().join(format!("reliable-udp-bench-{}.der", std::process::id()));
    let cert = cert.to_string_lossy().into_owned();
    let window_text = window.to_string();
    let (receiver, sender, receiver_args, mut sender_args): (&str, &str, Vec<&str>, Vec<&str>) =
        match protocol {
            "stop-and-wait" => (
                "stop-and-wait-receiver",
                "stop-and-wait-sender",
                vec![],
                vec![],
            ),
            "window" => (
                "window-receiver",
                "window-sender",
                vec![],
                vec!["--window", &window_text],
            ),
            "quic" => (
                "quic-receiver",
                "quic-sender",
                vec!["--cert", &cert],
                vec!["--cert", &cert],
            ),
            _ => ("kcp-receiver", "kcp-sender", vec![], vec![]),
        };
    let (receiver, receiver_addr) = spawn_server(receiver, &receiver_args)?;
    if protocol == "quic" {
        // The certificate is written before the receiver serves: wait for that line.
        let _ = receiver.lines.recv_timeout(Duration::from_secs(10));
    }
    let relay = start_link(receiver_addr, imp.clone(), args.seed)?;
    let server = relay.local_addr()?.to_string();
    let file_text = file.to_string_lossy().into_owned();
    sender_args.extend_from_slice(&["--server", &server, "--file", &file_text]);

    let start = Instant::now();
    let mut sender = spawn(sender, &sender_args)?;
    let mut failure = None;
    loop {
        if let Some(status) = sender.child.try_wait()? {
            if !status.success() {
                failure = Some(format!("the sender failed ({status})"));
            }
            break;
        }
        if start.elapsed() > args.limit {
            failure = Some(format!("not done in {} s", args.limit.as_secs()));
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let time = start.elapsed();
    relay.stop();
    // The receiver must have the very same bytes.
    if failure.is_none() {
        let wanted = format!("received {size} bytes");
        let until = Instant::now() + Duration::from_secs(10);
        let mut got = String::new();
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match receiver.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(&wanted) => {
                    got = line;
                    break;
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        if !got.ends_with(data_sha) {
            failure = Some(format!("the receiver did not get the file: {got:?}"));
        }
    }
    drop(receiver);
    let (up, _) = relay.counters();
    Ok(Run {
        protocol: protocol.to_owned(),
        loss: imp.loss,
        delay: imp.delay,
        window: (protocol == "window").then_some(window),
        rate: imp.rate,
        time: failure.is_none().then_some(time),
        wire_ratio: up.received_bytes as f64 / size.max(1) as f64,
        queue_drops: up.queue_drops,
        failure,
    })
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();

    // The file: bytes that do not compress or repeat.
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let data: Vec<u8> = (0..args.size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let file = std::env::temp_dir().join(format!("reliable-udp-bench-{}.bin", std::process::id()));
    std::fs::write(&file, &data)?;
    let sha = reliable_udp_core::sha256_hex(&data);

    let cpu = measure_cpu(args.pings)?;
    if !args.json {
        print_cpu(&mut io::stdout(), &cpu)?;
    }

    // Minutes of transfers: a bar on a terminal (indicatif draws nothing when stderr is not
    // one, so piped output is the report alone).
    let transfers = args.delay.len() * args.loss.len() * PROTOCOLS.len() + 10;
    let progress = indicatif::ProgressBar::new(transfers as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "[{bar:30}] {pos}/{len} transfers: {msg} ({elapsed})",
    ) {
        progress.set_style(style.progress_chars("=> "));
    }
    let mut runs = Vec::new();
    for &delay in &args.delay {
        for &loss in &args.loss {
            for protocol in PROTOCOLS {
                progress.set_message(format!(
                    "{protocol}, {loss}% loss, {} ms",
                    delay.as_millis()
                ));
                let imp = Impairment {
                    loss: loss / 100.0,
                    delay,
                    ..Impairment::default()
                };
                let run = transfer(protocol, &file, &sha, args.size, imp, args.window, &args)?;
                progress.inc(1);
                runs.push(run);
            }
        }
    }
    progress.set_message("window sweep");
    let mut sweep = Vec::new();
    for window in [1, 2, 4, 8, 16, 32, 64, 128] {
        let imp = Impairment {
            delay: Duration::from_millis(20),
            rate: Some(args.rate),
            queue: 64,
            ..Impairment::default()
        };
        sweep.push(transfer(
            "window", &file, &sha, args.size, imp, window, &args,
        )?);
        progress.inc(1);
    }
    for protocol in ["quic", "kcp"] {
        let imp = Impairment {
            delay: Duration::from_millis(20),
            rate: Some(args.rate),
            queue: 64,
            ..Impairment::default()
        };
        sweep.push(transfer(protocol, &file, &sha, args.size, imp, 0, &args)?);
        progress.inc(1);
    }
    progress.finish_and_clear();
    let _ = std::fs::remove_file(&file);

    if let Some(path) = &args.plot {
        plots::write_svg(
            path,
            &goodput_panels(&args, &runs),
            &plots::this_command("reliable-udp-bench"),
        )?;
    }

    if args.json {
        print_json(&mut io::stdout(), &args, &cpu, &runs, &sweep)?;
    } else {
        let mut out = io::stdout();
        print_grid(&mut out, &args, &cpu, &runs)?;
        print_sweep(&mut out, &args, &sweep)?;
    }
    Ok(())
}

/// Goodput (KiB/s) against loss (%), one line per protocol, one panel per delay; a transfer
/// that did not finish has no point. Logarithmic: stop-and-wait and the window differ 40-fold.
fn goodput_panels(args: &Args, runs: &[Run]) -> Vec<plots::Panel> {
    args.delay
        .iter()
        .map(|&delay| {
            let mut panel = plots::Panel::new(
                &format!("Goodput against loss, {} ms each way", delay.as_millis()),
                "loss each way (%)",
                "goodput (KiB/s)",
            );
            panel.y_log = true;
            for run in runs.iter().filter(|run| run.delay == delay) {
                if let Some(goodput) = run.goodput(args.size) {
                    panel.add(&run.protocol, run.loss * 100.0, goodput / 1024.0);
                }
            }
            panel
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn us(d: Option<Duration>) -> String {
    d.map_or("n/a".to_owned(), |d| {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    })
}

fn print_cpu(out: &mut dyn Write, cpu: &CpuResult) -> io::Result<()> {
    writeln!(
        out,
        "CPU per datagram ({} ping-pongs through the link to udp-echo-server --quiet, {} lost, \
         {:.0} µs per round trip):",
        cpu.exchanges,
        cpu.lost,
        cpu.rtt.as_secs_f64() * 1e6
    )?;
    writeln!(out, "  udp-echo-server: {}", us(cpu.echo_per_datagram))?;
    writeln!(out, "  lossy-link:      {}", us(cpu.link_per_datagram))?;
    if let (Some(e), Some(l)) = (cpu.echo_per_datagram, cpu.link_per_datagram) {
        writeln!(
            out,
            "  ratio: {:.2} (the link against the echo server)",
            l.as_secs_f64() / e.as_secs_f64().max(1e-12)
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// Stop-and-wait's bound: one full datagram per round trip (2 x delay + the loopback's RTT).
fn bound(delay: Duration, base_rtt: Duration) -> f64 {
    wire::MAX_PAYLOAD as f64 / (2 * delay + base_rtt).as_secs_f64()
}

fn print_grid(out: &mut dyn Write, args: &Args, cpu: &CpuResult, runs: &[Run]) -> io::Result<()> {
    writeln!(
        out,
        "{} bytes through the link (each way: the loss and delay shown); window {}",
        args.size, args.window
    )?;
    writeln!(
        out,
        "| delay | loss | protocol | goodput | time | bytes on the wire per byte | of the 1-per-RTT bound |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- | --- | --- |")?;
    for run in runs {
        let goodput = run.goodput(args.size).map_or_else(
            || run.failure.clone().unwrap_or_default(),
            reliable_udp_core::human_rate,
        );
        let time = run
            .time
            .map_or("-".to_owned(), |t| format!("{:.2} s", t.as_secs_f64()));
        let of_bound = match (run.protocol.as_str(), run.goodput(args.size)) {
            ("stop-and-wait", Some(g)) => {
                format!("{:.0} %", 100.0 * g / bound(run.delay, cpu.rtt))
            }
            _ => String::new(),
        };
        writeln!(
            out,
            "| {} ms | {} % | {} | {goodput} | {time} | {:.2} | {of_bound} |",
            run.delay.as_millis(),
            run.loss * 100.0,
            run.protocol,
            run.wire_ratio
        )?;
    }
    writeln!(
        out,
        "(the bound: {} bytes per round trip of 2 x delay + {:.0} µs, the loopback round trip \
         through the link measured above)",
        wire::MAX_PAYLOAD,
        cpu.rtt.as_secs_f64() * 1e6
    )?;
    writeln!(out)?;
    Ok(())
}

fn print_sweep(out: &mut dyn Write, args: &Args, sweep: &[Run]) -> io::Result<()> {
    writeln!(
        out,
        "The window against a link of {} with a 64-datagram queue, 20 ms each way, no loss:",
        reliable_udp_core::human_rate(args.rate as f64)
    )?;
    writeln!(
        out,
        "| protocol | window | goodput | bytes on the wire per byte | tail drops |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for run in sweep {
        let goodput = run.goodput(args.size).map_or_else(
            || run.failure.clone().unwrap_or_default(),
            reliable_udp_core::human_rate,
        );
        writeln!(
            out,
            "| {} | {} | {goodput} | {:.2} | {} |",
            run.protocol,
            run.window.map_or("its own".to_owned(), |w| w.to_string()),
            run.wire_ratio,
            run.queue_drops
        )?;
    }
    Ok(())
}

fn print_json(
    out: &mut dyn Write,
    args: &Args,
    cpu: &CpuResult,
    runs: &[Run],
    sweep: &[Run],
) -> io::Result<()> {
    let opt = |d: Option<Duration>| {
        d.map_or("null".to_owned(), |d| {
            format!("{:.3}", d.as_secs_f64() * 1e6)
        })
    };
    let run_json = |run: &Run| {
        format!(
            "{{\"protocol\":\"{}\",\"loss_percent\":{},\"delay_ms\":{},\"window\":{},\"rate\":{},\
             \"seconds\":{},\"goodput_bytes_per_s\":{},\"wire_bytes_per_file_byte\":{:.4},\
             \"tail_drops\":{},\"failure\":{}}}",
            run.protocol,
            run.loss * 100.0,
            ms(run.delay),
            run.window.map_or("null".to_owned(), |w| w.to_string()),
            run.rate.map_or("null".to_owned(), |r| r.to_string()),
            run.time
                .map_or("null".to_owned(), |t| format!("{:.4}", t.as_secs_f64())),
            run.goodput(args.size)
                .map_or("null".to_owned(), |g| format!("{g:.0}")),
            run.wire_ratio,
            run.queue_drops,
            run.failure
                .as_ref()
                .map_or("null".to_owned(), |f| format!("{f:?}")),
        )
    };
    let grid: Vec<String> = runs.iter().map(run_json).collect();
    let sweep: Vec<String> = sweep.iter().map(run_json).collect();
    writeln!(
        out,
        "{{\"size\":{},\"seed\":{},\"cpu\":{{\"exchanges\":{},\"lost\":{},\"rtt_us\":{:.1},\
         \"echo_us_per_datagram\":{},\"link_us_per_datagram\":{}}},\"grid\":[{}],\"sweep\":[{}]}}",
        args.size,
        args.seed,
        cpu.exchanges,
        cpu.lost,
        cpu.rtt.as_secs_f64() * 1e6,
        opt(cpu.echo_per_datagram),
        opt(cpu.link_per_datagram),
        grid.join(","),
        sweep.join(",")
    )?;
    Ok(())
}

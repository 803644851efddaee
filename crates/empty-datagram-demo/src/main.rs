//! # Lesson 6: nothing, sent three ways
//!
//! Ports the tutorial's first note after its UDP example (section 一, "注意" 1) and the
//! "TCP与UDP对比" list at its end: what happens when you send nothing. An empty UDP datagram
//! is a real packet that the receiver gets as `b''` with the sender's address; an empty TCP
//! write puts nothing on the wire, so the peer's `recv` keeps waiting; and an empty TCP
//! `recv` means something else entirely: the peer has closed.
//!
//! Run it (no server needed: it plays both sides on loopback, on ports the OS picks, and
//! finishes in about two seconds):
//!
//! ```text
//! cargo run -p empty-datagram-demo
//! cargo run -p empty-datagram-demo -- --step     # waits for Enter before each step
//! ```
//!
//! Watch the packets from a second terminal (the port is in the demo's output; the loopback
//! interface is `lo` on Linux, `lo0` on macOS):
//!
//! ```text
//! sudo tcpdump -i lo -X udp
//! ```
//!
//! You will see four steps, each ending in a `meaning:` line, among them:
//!
//! ```text
//!   sendto:     b'' to 127.0.0.1:40001 returned 0
//!   recvfrom:   0 bytes b'' from 127.0.0.1:40002
//!   send:       b'' returned 0
//!   recv:       nothing within 500 ms: it is still waiting
//!   recv:       0 bytes b'' after 0.1 ms: end of stream
//! ```
//!
//! A datagram that another program on this machine sends to the receiver (its address is on
//! the screen, and `--step` gives time) is shown as `not our sender, another program sent it`,
//! never as the demo's own result.
//!
//! The walkthrough is `lessons/06-empty-datagram.md`.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use clap::Parser;

/// How long a read may wait before the demo says "nothing came" and goes on. Every read has
/// a timeout, so the demo can never hang.
const WAIT: Duration = Duration::from_millis(500);

/// Lesson 6: an empty UDP datagram, an empty TCP write and a TCP peer closing, narrated.
#[derive(Parser)]
#[command(
    version,
    about,
    after_help = "Lesson: lessons/06-empty-datagram.md\nWatch the wire: sudo tcpdump -i lo -X udp (macOS: -i lo0)"
)]
struct Args {
    /// Wait for Enter before each step (for class); at end of input it just goes on
    #[arg(long)]
    step: bool,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let mut out = io::stdout().lock();
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));

    // ---- Step 1: UDP, nothing sent yet -------------------------------------------------
    step(
        &mut out,
        args.step,
        1,
        "UDP recvfrom when nobody has sent anything",
    )?;
    // Port 0: the OS picks a free port, so the demo never clashes with a running lesson.
    let receiver = UdpSocket::bind(loopback)?;
    receiver.set_read_timeout(Some(WAIT))?;
    let receiver_addr = receiver.local_addr()?;
    say(&mut out, "receiver", format!("udp://{receiver_addr}"))?;
    let mut buffer = [0u8; common::BUFFER_SIZE];
    // The tutorial says recvfrom "receives an empty message" when its buffer is empty.
    // It does not: it waits. Only our timeout makes it give up.
    let waited = Instant::now();
    match receiver.recv_from(&mut buffer) {
        Err(err) if common::is_timeout(&err) => say(
            &mut out,
            "recvfrom",
            format!(
                "nothing within {}: it waited (only our timeout stopped it)",
                ms(waited.elapsed())
            ),
        )?,
        // Nobody in the demo has sent anything yet: another program did.
        Ok((n, from)) => say(
            &mut out,
            "recvfrom",
            format!("{n} bytes from {from}: another program sent it"),
        )?,
        Err(err) => say(&mut out, "recvfrom", format!("error: {err}"))?,
    }
    meaning(
        &mut out,
        "recvfrom blocks while nothing has arrived; it never makes up an empty message.",
    )?;

    // ---- Step 2: UDP, an empty datagram ------------------------------------------------
    step(&mut out, args.step, 2, "UDP sendto(b'') and recvfrom")?;
    let sender = UdpSocket::bind(loopback)?;
    let sender_addr = sender.local_addr()?;
    say(&mut out, "sender", format!("udp://{sender_addr}"))?;
    // sendto with zero bytes is allowed: the OS still builds a datagram, just an empty one.
    let datagram: &[u8] = b"";
    let sent = sender.send_to(datagram, receiver_addr)?;
    say(
        &mut out,
        "sendto",
        format!(
            "{} to {receiver_addr} returned {sent}",
            common::show_bytes(datagram)
        ),
    )?;
    // The receiver's address was on the screen since step 1, and anyone on this machine may
    // send to it (in --step mode they had time): a datagram is our result only if it came
    // from our sender. Others are shown as what they are, and we receive again.
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        receiver.set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        match receiver.recv_from(&mut buffer) {
            Ok((n, from)) if from != sender_addr => say(
                &mut out,
                "recvfrom",
                format!(
                    "{n} bytes {} from {from}: not our sender, another program sent it (ignored)",
                    common::show_bytes(&buffer[..n])
                ),
            )?,
            Ok((n, from)) => {
                say(
                    &mut out,
                    "recvfrom",
                    format!("{n} bytes {} from {from}", common::show_bytes(&buffer[..n])),
                )?;
                break;
            }
            Err(err) if common::is_timeout(&err) => {
                say(&mut out, "recvfrom", format!("nothing within {}", ms(WAIT)))?;
                break;
            }
            Err(err) => {
                say(&mut out, "recvfrom", format!("error: {err}"))?;
                break;
            }
        }
    }
    meaning(
        &mut out,
        "An empty datagram is a real packet (an 8-byte UDP header, no payload): it wakes the receiver and names its sender.",
    )?;

    // ---- Step 3: TCP, an empty write ---------------------------------------------------
    step(&mut out, args.step, 3, "TCP send(b'') on a connection")?;
    let listener = TcpListener::bind(loopback)?;
    let mut client = TcpStream::connect_timeout(&listener.local_addr()?, WAIT)?;
    // accept() returns at once: the handshake already finished inside the OS.
    let (mut server, _) = listener.accept()?;
    server.set_read_timeout(Some(WAIT))?;
    say(
        &mut out,
        "connection",
        format!("{} -> {}", client.local_addr()?, server.local_addr()?),
    )?;
    // send(b'') is allowed too, but a TCP stream has no messages, only bytes in order:
    // zero bytes are nothing to send, so the OS sends no packet at all.
    let data: &[u8] = b"";
    let written = client.write(data)?;
    say(
        &mut out,
        "send",
        format!("{} returned {written}", common::show_bytes(data)),
    )?;
    let waited = Instant::now();
    match server.read(&mut buffer) {
        Err(err) if common::is_timeout(&err) => say(
            &mut out,
            "recv",
            format!(
                "nothing within {}: it is still waiting",
                ms(waited.elapsed())
            ),
        )?,
        Ok(n) => say(
            &mut out,
            "recv",
            format!("{n} bytes {}?!", common::show_bytes(&buffer[..n])),
        )?,
        Err(err) => say(&mut out, "recv", format!("error: {err}"))?,
    }
    meaning(
        &mut out,
        "TCP carries a stream of bytes; zero bytes add nothing to it, so nothing goes on the wire and the reader keeps waiting.",
    )?;

    // ---- Step 4: TCP, the peer closes --------------------------------------------------
    step(&mut out, args.step, 4, "TCP recv after the peer closes")?;
    // Dropping the stream closes it: the OS sends a FIN, "no more bytes from me".
    drop(client);
    say(
        &mut out,
        "close",
        "the client closed its end of the connection",
    )?;
    // Once the FIN has arrived, recv returns 0 bytes at once, and again on every later call:
    // that 0 is how a TCP program learns that the stream has ended.
    let waited = Instant::now();
    match server.read(&mut buffer) {
        Ok(0) => say(
            &mut out,
            "recv",
            format!("0 bytes b'' after {}: end of stream", ms(waited.elapsed())),
        )?,
        Ok(n) => say(
            &mut out,
            "recv",
            format!("{n} bytes {}?!", common::show_bytes(&buffer[..n])),
        )?,
        Err(err) if common::is_timeout(&err) => {
            say(&mut out, "recv", format!("nothing within {}", ms(WAIT)))?
        }
        Err(err) => say(&mut out, "recv", format!("error: {err}"))?,
    }
    meaning(
        &mut out,
        "In TCP an empty recv means the peer closed, not an empty message: a loop that does not stop on b'' spins forever.",
    )?;
    Ok(())
}

/// In `--step` mode, waits for Enter (the prompt shows only on a terminal). At end of input
/// it simply goes on, so `--step < /dev/null` runs straight through.
fn pause(step: bool) -> Result<(), common::Error> {
    if step {
        common::read_line("press Enter for the next step ")?;
    }
    Ok(())
}

/// Starts step `number` of four: in `--step` mode it first waits for Enter ([`pause`]), then
/// prints the step's title line.
fn step(
    out: &mut impl Write,
    pausing: bool,
    number: u32,
    title: &str,
) -> Result<(), common::Error> {
    pause(pausing)?;
    writeln!(out)?;
    writeln!(out, "Step {number} of 4: {title}")?;
    Ok(())
}

/// One narrated fact: `  key:       value`, the value column aligned.
fn say(out: &mut impl Write, key: &str, value: impl AsRef<str>) -> io::Result<()> {
    writeln!(out, "  {:<12}{}", format!("{key}:"), value.as_ref())
}

/// The sentence that closes each step. It is the last line of the step, so in `--step` mode
/// the program is waiting for Enter right after it.
fn meaning(out: &mut impl Write, sentence: &str) -> io::Result<()> {
    say(out, "meaning", sentence)?;
    out.flush()
}

/// A duration as milliseconds, with one decimal below 10 ms: `500 ms`, `0.1 ms`.
fn ms(duration: Duration) -> String {
    let millis = duration.as_secs_f64() * 1000.0;
    if millis < 10.0 {
        format!("{millis:.1} ms")
    } else {
        format!("{millis:.0} ms")
    }
}

//! What every program of the course shares, and nothing more: the default address of each
//! lesson, the tutorial's buffer size and backlog, and the few helpers that no library gives
//! (binding with an error a student understands, the `listening on ...` line, showing bytes the
//! way Python does).
//!
//! Each lesson's `main.rs` calls these by name, so a student reading it beside the tutorial
//! sees `common::bind_udp(addr)` where the tutorial has `udp_server.bind(ip_port)`.

use std::fmt;
use std::io::{self, BufRead, IsTerminal, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod datagram;
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
pub use datagram::tcp_send_counters;
pub use datagram::{Datagram, TcpSendCounters, recv_datagram};

mod log;
pub use log::Log;

mod accept;
pub use accept::AcceptErrors;

mod log_limit;
pub use log_limit::LogLimit;

mod reply_guard;
pub use reply_guard::{Refusal, ReplyGuard, is_own_address};

/// The tutorial's `buffer_size=1024`: how much one `recv`/`recvfrom` takes at most.
pub const BUFFER_SIZE: usize = 1024;

/// The tutorial's `back_log=5`: how many finished TCP handshakes may wait for `accept`.
pub const BACKLOG: i32 = 5;

/// The largest payload one UDP datagram can carry over IPv4: 65535 (the IP length field)
/// minus 20 bytes of IPv4 header minus 8 bytes of UDP header.
pub const MAX_UDP_PAYLOAD_V4: usize = 65_507;

/// How long a client waits for a UDP reply unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The default address of every lesson. All bind loopback, each on its own port, so every
/// lesson can run at once (the tutorial used 8080 and 8081 for all of them).
pub mod defaults {
    use super::*;

    const fn loopback(port: u16) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
    }

    /// Lesson 1, `udp-echo`: UDP 127.0.0.1:8080.
    pub const UDP_ECHO: SocketAddr = loopback(8080);
    /// Lesson 2, `udp-qq`: UDP 127.0.0.1:8081.
    pub const UDP_QQ: SocketAddr = loopback(8081);
    /// Lesson 3, `ntp-time`: UDP 127.0.0.1:8082.
    pub const NTP_TIME: SocketAddr = loopback(8082);
    /// Lesson 4, `tcp-remote-cmd`: TCP 127.0.0.1:8083.
    pub const TCP_REMOTE_CMD: SocketAddr = loopback(8083);
    /// Lesson 5, `udp-remote-cmd`: UDP 127.0.0.1:8084.
    pub const UDP_REMOTE_CMD: SocketAddr = loopback(8084);
    /// Lesson 8, `many-clients` (every design): TCP 127.0.0.1:8085.
    pub const MANY_CLIENTS: SocketAddr = loopback(8085);
    /// Lesson 9, `lossy-link`: UDP 127.0.0.1:8086 (it relays to the lesson 1 echo by default).
    pub const LOSSY_LINK: SocketAddr = loopback(8086);
    /// Lesson 9, `stop-and-wait-receiver`: UDP 127.0.0.1:8087.
    pub const STOP_AND_WAIT: SocketAddr = loopback(8087);
    /// Lesson 9, `window-receiver`: UDP 127.0.0.1:8088.
    pub const WINDOW: SocketAddr = loopback(8088);
    /// Lesson 9, `quic-receiver`: UDP 127.0.0.1:8089.
    pub const QUIC: SocketAddr = loopback(8089);
    /// Lesson 9, `kcp-receiver`: UDP 127.0.0.1:8090.
    pub const KCP: SocketAddr = loopback(8090);
}

/// A failure to show the user: one clear line, no backtrace.
///
/// `main` returns `Result<(), common::Error>`; when it fails, Rust prints `Error: ` and this
/// message (its `Debug` form, which is why `Debug` prints the plain message) and exits with
/// status 1.
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error(err.to_string())
    }
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error(message.to_owned())
    }
}

/// Parses a server's `--addr`: an IP address and a port, `127.0.0.1:8080` or `[::1]:8080`.
///
/// Host names are not looked up on purpose: `localhost` may mean `::1` on one machine and
/// `127.0.0.1` on another, and a server should say exactly which address it listens on.
/// (Clients take names: [`parse_server_addr`].)
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "'{text}' is not HOST:PORT with an IP address; write it like 127.0.0.1:8080 or [::1]:8080"
        )
    })
}

/// Parses a client's `--server` (or a contact's address): an IP address and a port
/// (`127.0.0.1:8080`, `[::1]:8080`), or a host name and a port (`localhost:8080`), which is
/// looked up.
///
/// A name may stand for several addresses: `localhost` is often both `127.0.0.1` and `::1`.
/// Every server of the course listens on `127.0.0.1` unless told otherwise, so an IPv4
/// address is preferred. A UDP client cannot find out which address answers without sending,
/// so it must say which one it chose: this prints one line on stderr, such as
/// `localhost:8080 is 127.0.0.1:8080 (it is also [::1]:8080: give that to use IPv6)`.
pub fn parse_server_addr(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    let (chosen, others) = resolve_name(text)?;
    let mut note = format!("{text} is {chosen}");
    if let Some(other) = others.first() {
        // Only an IPv4 choice leaves others: they are the name's IPv6 addresses.
        note.push_str(&format!(" (it is also {other}: give that to use IPv6)"));
    }
    eprintln!("{note}");
    Ok(chosen)
}

/// Looks up `NAME:PORT`: the address to use (IPv4 first) and the other-family ones.
fn resolve_name(text: &str) -> Result<(SocketAddr, Vec<SocketAddr>), String> {
    use std::net::ToSocketAddrs;
    let example = "write it like 127.0.0.1:8080 or [::1]:8080, or with a name: localhost:8080";
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!("'{text}' has no port; {example}"));
    };
    let Ok(port) = port.parse::<u16>() else {
        return Err(format!(
            "'{text}' does not end in a port (0 to 65535); {example}"
        ));
    };
    if host.is_empty() || host.contains(':') {
        return Err(format!("'{text}' is not HOST:PORT; {example}"));
    }
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|err| format!("'{text}': cannot look up the name '{host}' ({err}); {example}"))?
        .collect();
    let Some(&chosen) = found.iter().find(|a| a.is_ipv4()).or(found.first()) else {
        return Err(format!(
            "'{text}': the name '{host}' has no address; {example}"
        ));
    };
    let mut others: Vec<SocketAddr> = Vec::new();
    for addr in found {
        if addr.is_ipv4() != chosen.is_ipv4() && !others.contains(&addr) {
            others.push(addr);
        }
    }
    Ok((chosen, others))
}

/// Parses `--timeout`: a positive number of seconds, fractions allowed (`0.5`).
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() && secs <= 86_400.0 => {
            Ok(Duration::from_secs_f64(secs))
        }
        _ => Err(format!(
            "'{text}' is not a number of seconds above 0 and at most 86400 (fractions allowed: 0.5)"
        )),
    }
}

/// Is this address on this machine only? `127.0.0.0/8`, `::1`, and `::ffff:127.x.y.z`.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().to_canonical().is_loopback()
}

/// May a server listen on `addr`? Loopback, yes, quietly (`Ok(None)`). Any other address,
/// such as `0.0.0.0` or `[::]`, only when `allow_remote` (`--allow-remote`) is given: then
/// `Ok(Some(warning))`, a line to print; without it `Err(refusal)`, and the server should exit
/// with status 2. `why` says what a stranger could do with this server.
///
/// The refusal suggests the loopback address of the same family: `[::]:8082` gets
/// `[::1]:8082`, `0.0.0.0:8082` gets `127.0.0.1:8082`.
///
/// Once it has handed out a warning, [`announce_udp`] and [`announce_tcp`] add no note of their
/// own ([`beyond_loopback_note`]): one warning is enough.
pub fn check_exposure(
    addr: SocketAddr,
    allow_remote: bool,
    why: &str,
) -> Result<Option<String>, String> {
    if is_loopback(&addr) {
        return Ok(None);
    }
    if allow_remote {
        // This warning says more than announce's note would: announce need not add its own.
        EXPOSURE_WARNED.store(true, Ordering::Relaxed);
        return Ok(Some(format!(
            "WARNING: listening on {addr}, not loopback (--allow-remote): {why}"
        )));
    }
    let local = SocketAddr::new(loopback_like(addr.ip()), addr.port());
    Err(format!(
        "refusing to listen on {addr} without --allow-remote: {why}. \
         Use a loopback address like {local}, or pass --allow-remote if you really mean it"
    ))
}

/// The same address with port 0 on the same IP family, e.g. to suggest a free port.
fn any_port(addr: &SocketAddr) -> SocketAddr {
    SocketAddr::new(addr.ip(), 0)
}

/// Turns a failed `bind` into one sentence that says what to do.
fn bind_error(addr: SocketAddr, err: io::Error) -> Error {
    let free = any_port(&addr);
    let message = match err.kind() {
        io::ErrorKind::AddrInUse => {
            format!("{addr} is already in use (another server running?): try --addr {free}")
        }
        io::ErrorKind::AddrNotAvailable => format!(
            "{addr} is not an address of this machine: try --addr {}",
            SocketAddr::new(loopback_like(addr.ip()), addr.port())
        ),
        io::ErrorKind::PermissionDenied => format!(
            "not allowed to bind {addr} (ports below 1024 need administrator rights): try --addr {free}"
        ),
        _ => format!("cannot bind {addr}: {err}"),
    };
    Error(message)
}

fn loopback_like(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
    }
}

/// The tutorial's `socket(AF_INET, SOCK_DGRAM)` then `bind(ip_port)`, with a friendly error.
/// The socket can send datagrams up to UDP's limit on every system ([`allow_large_datagrams`]).
pub fn bind_udp(addr: SocketAddr) -> Result<UdpSocket, Error> {
    let socket = UdpSocket::bind(addr).map_err(|err| bind_error(addr, err))?;
    allow_large_datagrams(&socket)?;
    Ok(socket)
}

/// The send buffer [`allow_large_datagrams`] asks for: the largest datagram (65,507 bytes of
/// payload over IPv4, 65,527 over IPv6) fits, with room to spare.
pub const LARGE_DATAGRAM_SEND_BUFFER: usize = 128 * 1024;

/// Lets `socket` send datagrams up to UDP's own limit, on every system.
///
/// macOS refuses a `sendto` longer than the socket's send buffer (SO_SNDBUF) with EMSGSIZE,
/// and a UDP socket's send buffer starts at `net.inet.udp.maxdgram`, 9216 bytes (udp(4)):
/// without this, lesson 5's 65,507-byte replies would fail there. Linux (about 208 KiB) and
/// Windows already send such datagrams; this only ever raises the buffer, never lowers it.
pub fn allow_large_datagrams(socket: &UdpSocket) -> io::Result<()> {
    let socket = socket2::SockRef::from(socket);
    if socket.send_buffer_size()? < LARGE_DATAGRAM_SEND_BUFFER {
        socket.set_send_buffer_size(LARGE_DATAGRAM_SEND_BUFFER)?;
    }
    Ok(())
}

/// `text` as a JSON string, for the benches' `--json` output: quotes and backslashes escaped,
/// control characters as `\u00XX`.
pub fn json_string(text: &str) -> String {
    use std::fmt::Write as _;
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(quoted, "\\u{:04x}", c as u32);
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The tutorial's `socket(AF_INET, SOCK_STREAM)`, `bind(ip_port)`, `listen(back_log)`.
///
/// The standard library's `TcpListener::bind` always listens with a backlog of 128; socket2
/// lets us pass the tutorial's 5 instead.
pub fn bind_tcp(addr: SocketAddr) -> Result<TcpListener, Error> {
    bind_tcp_with(addr, true)
}

/// [`bind_tcp`], with or without SO_REUSEADDR (lesson 4's `--no-reuseaddr`).
///
/// A connection's side that closes first keeps it in TIME_WAIT for a while (60 s on Linux,
/// 30 s on macOS, 2 x the maximum segment lifetime), so that a late segment of the old
/// connection cannot be taken for part of a new one. A server stopped while clients were
/// connected closed first: its old connections still hold the port, and on Linux and macOS
/// a restart's `bind` fails with "Address already in use" (errno 98 / 48) until they expire,
/// unless SO_REUSEADDR is set, which lets a listener bind past them. On Linux it never lets
/// a second listener onto a port in use; on BSD and macOS it does let a second server bind a
/// more specific address (127.0.0.1) on the same port as one bound to the wildcard (UNP
/// 7.5). Python's socketserver sets it too (`allow_reuse_address`); the tutorial's server
/// does not.
///
/// Windows differs: there SO_REUSEADDR lets a second program bind a port another is using
/// (port stealing), so it stays off; Windows checks TIME_WAIT differently, and its own guard,
/// SO_EXCLUSIVEADDRUSE, forbids any other socket on the port (WinError 10048).
pub fn bind_tcp_with(addr: SocketAddr, reuse_address: bool) -> Result<TcpListener, Error> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    #[cfg(unix)]
    socket.set_reuse_address(reuse_address)?;
    #[cfg(windows)]
    let _ = reuse_address;
    socket.bind(&addr.into()).map_err(|err| {
        let mut error = bind_error(addr, err);
        if !reuse_address && error.0.contains("already in use") {
            error.0.push_str(
                " (or the last run's connections are still in TIME_WAIT: see `ss -tan state \
                 time-wait`, wait a minute, or leave out --no-reuseaddr)",
            );
        }
        error
    })?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// Prints `listening on udp://ADDR` with the address the OS really gave (so `--addr
/// 127.0.0.1:0` tells scripts and tests which port to use), and flushes it at once.
pub fn announce_udp(socket: &UdpSocket) -> Result<SocketAddr, Error> {
    announce("udp", socket.local_addr()?)
}

/// Prints `listening on tcp://ADDR`, like [`announce_udp`].
pub fn announce_tcp(listener: &TcpListener) -> Result<SocketAddr, Error> {
    announce("tcp", listener.local_addr()?)
}

fn announce(scheme: &str, addr: SocketAddr) -> Result<SocketAddr, Error> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}", listening_line(scheme, addr))?;
    out.flush()?;
    if let Some(note) = beyond_loopback_note(addr) {
        eprintln!("{note}");
    }
    Ok(addr)
}

/// Set once [`check_exposure`] has handed out its warning, which the server prints: then the
/// `listening on` line adds no second one.
static EXPOSURE_WARNED: AtomicBool = AtomicBool::new(false);

/// The line on stderr that [`announce_udp`] and [`announce_tcp`] add when a server listens
/// beyond loopback (`--addr 0.0.0.0:8080`, a LAN address), so that nobody opens a server to
/// the network without being told; `None` on loopback, or when [`check_exposure`] has already
/// warned.
pub fn beyond_loopback_note(addr: SocketAddr) -> Option<String> {
    note_unless_warned(addr, EXPOSURE_WARNED.load(Ordering::Relaxed))
}

fn note_unless_warned(addr: SocketAddr, warned: bool) -> Option<String> {
    if is_loopback(&addr) || warned {
        return None;
    }
    let local = SocketAddr::new(loopback_like(addr.ip()), addr.port());
    Some(format!(
        "note: listening on {addr}, beyond loopback: other machines that can reach this port \
         can send to this server (--addr {local} keeps it on this machine)"
    ))
}

/// The text of the `listening on` line: `listening on udp://127.0.0.1:8080`.
pub fn listening_line(scheme: &str, addr: SocketAddr) -> String {
    format!("listening on {scheme}://{addr}")
}

/// A client's own socket: any free port, on the same IP family as the server it talks to
/// (an IPv4 socket cannot send to `[::1]`). The tutorial never binds its client: the first
/// `sendto` picks a port; binding port 0 here does the same, explicitly.
/// Like [`bind_udp`], it can send datagrams up to UDP's limit ([`allow_large_datagrams`]).
pub fn client_udp(server: SocketAddr) -> Result<UdpSocket, Error> {
    let any = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(any)?;
    allow_large_datagrams(&socket)?;
    Ok(socket)
}

/// Did a receive give up because its timeout ran out? (Unix says `WouldBlock`, Windows
/// says `TimedOut`.)
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Is this receive error only the echo of an earlier send that could not be delivered?
///
/// On Windows, when a server replies to a client that has already gone, the ICMP "port
/// unreachable" that comes back makes the *next* `recv_from` fail with WSAECONNRESET, even on
/// an unconnected socket. Linux and macOS do not report ICMP errors to unconnected UDP
/// sockets at all. Either way the server should simply receive again.
pub fn is_stale_icmp_error(err: &io::Error) -> bool {
    #[cfg(windows)]
    {
        err.kind() == io::ErrorKind::ConnectionReset
    }
    #[cfg(not(windows))]
    {
        let _ = err;
        false
    }
}

/// Text a peer sent, made safe to print on one line of a terminal: bytes that are not UTF-8
/// become U+FFFD, and every character that would act on the terminal rather than show is
/// written as an escape such as `\n` or `\u{202e}`:
///
/// - control characters: a newline, or an escape (`\u{1b}`) that could recolour the
///   terminal or move its cursor, and the C1 controls (U+0080 to U+009F);
/// - format characters (Unicode category Cf): the bidirectional overrides and isolates
///   (U+202E and friends) that make text display in another order than it is written (the
///   "Trojan Source" trick, CVE-2021-42574), and invisible ones such as the zero-width space
///   U+200B, which make two different texts look the same;
/// - the line and paragraph separators U+2028 and U+2029, which some terminals and editors
///   take for a new line.
pub fn show_text(bytes: &[u8]) -> String {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let mut shown = String::with_capacity(bytes.len());
    for c in String::from_utf8_lossy(bytes).chars() {
        if c.is_control() {
            shown.extend(c.escape_default());
        } else if matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        ) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// Shows bytes the way Python prints them: `b'hello'`, `b''`, `b'caf\xc3\xa9'`, so empty,
/// binary and non-UTF-8 data are all visible in a log line.
pub fn show_bytes(bytes: &[u8]) -> String {
    ShowBytes(bytes).to_string()
}

/// The same as [`show_bytes`], written straight into the output with no `String` in between:
/// `writeln!(log, "{}", common::ShowBytes(data))`. A server logging every datagram uses it so
/// that logging allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct ShowBytes<'a>(pub &'a [u8]);

impl fmt::Display for ShowBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0;
        // Python picks double quotes only when the bytes hold a ' and no ".
        let (quote, quote_text) = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
            (b'"', "\"")
        } else {
            (b'\'', "'")
        };
        f.write_str("b")?;
        f.write_str(quote_text)?;
        let mut rest = bytes;
        while let Some(&byte) = rest.first() {
            // A run of bytes that stand for themselves goes out in one piece.
            let plain = rest
                .iter()
                .position(|&b| !(0x20..=0x7e).contains(&b) || b == b'\\' || b == quote)
                .unwrap_or(rest.len());
            if plain > 0 {
                // Printable ASCII is always valid UTF-8.
                f.write_str(std::str::from_utf8(&rest[..plain]).map_err(|_| fmt::Error)?)?;
                rest = &rest[plain..];
                continue;
            }
            match byte {
                b'\\' => f.write_str("\\\\")?,
                b'\t' => f.write_str("\\t")?,
                b'\n' => f.write_str("\\n")?,
                b'\r' => f.write_str("\\r")?,
                _ if byte == quote => {
                    f.write_str("\\")?;
                    f.write_str(quote_text)?;
                }
                _ => write!(f, "\\x{byte:02x}")?,
            }
            rest = &rest[1..];
        }
        f.write_str(quote_text)
    }
}

/// Prints a prompt such as `>>: `, but only when a person is typing (stdin is a terminal),
/// so a piped or scripted run stays clean.
pub fn prompt(text: &str) {
    if io::stdin().is_terminal() {
        let mut out = io::stdout().lock();
        // A prompt that cannot be shown is no reason to stop the program.
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }
}

/// The tutorial's `input(prompt)`: shows the prompt (on a terminal), reads one line, and gives
/// it without its line ending. `None` at end of input (Ctrl-D, or Ctrl-Z Enter on Windows).
///
/// Bytes that are not UTF-8 become U+FFFD instead of stopping the program.
pub fn read_line(prompt_text: &str) -> io::Result<Option<String>> {
    prompt(prompt_text);
    let mut bytes = Vec::new();
    if io::stdin().lock().read_until(b'\n', &mut bytes)? == 0 {
        // Ctrl-D is not echoed: on a terminal the cursor still sits after the prompt, so end
        // the line, or the shell's prompt (or our goodbye) would continue it.
        if io::stdin().is_terminal() {
            let _ = writeln!(io::stdout());
        }
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&bytes);
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_bytes_matches_python_repr() {
        // Each expectation is what Python 3 prints for repr(bytes).
        assert_eq!(show_bytes(b""), "b''");
        assert_eq!(show_bytes(b"hello"), "b'hello'");
        assert_eq!(show_bytes(b"it's"), "b\"it's\"");
        assert_eq!(show_bytes(b"'\""), "b'\\'\"'");
        assert_eq!(show_bytes(b"a\\b\t\n\r"), "b'a\\\\b\\t\\n\\r'");
        assert_eq!(show_bytes("café".as_bytes()), "b'caf\\xc3\\xa9'");
        assert_eq!(show_bytes(&[0, 0x7f, 0xff]), "b'\\x00\\x7f\\xff'");
    }

    #[test]
    fn show_bytes_writes_what_python_prints_for_every_byte() {
        // Every byte value, alone and in a run, against a direct byte-by-byte rendering.
        fn by_hand(bytes: &[u8]) -> String {
            let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
                '"'
            } else {
                '\''
            };
            let mut text = format!("b{quote}");
            for &byte in bytes {
                match byte {
                    b'\\' => text.push_str("\\\\"),
                    b'\t' => text.push_str("\\t"),
                    b'\n' => text.push_str("\\n"),
                    b'\r' => text.push_str("\\r"),
                    _ if byte == quote as u8 => text.extend(['\\', quote]),
                    0x20..=0x7e => text.push(byte as char),
                    _ => text.push_str(&format!("\\x{byte:02x}")),
                }
            }
            text.push(quote);
            text
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(show_bytes(&all), by_hand(&all));
        for byte in 0..=255u8 {
            let run = [b'a', byte, byte, b'z'];
            assert_eq!(show_bytes(&run), by_hand(&run), "{byte:#x}");
        }
        let mut line = Vec::new();
        writeln!(line, "from x: {}", ShowBytes(b"it's")).unwrap();
        assert_eq!(line, b"from x: b\"it's\"\n");
    }

    #[test]
    fn parse_addr_takes_ipv4_and_ipv6_and_rejects_names() {
        assert_eq!(parse_addr("127.0.0.1:8080"), Ok(defaults::UDP_ECHO));
        assert_eq!(
            parse_addr("[::1]:0").map(|a| a.is_ipv6()),
            Ok(true),
            "IPv6 in brackets"
        );
        let err = parse_addr("localhost:8080").unwrap_err();
        assert!(err.contains("127.0.0.1:8080"), "{err}");
        assert!(parse_addr("127.0.0.1").is_err(), "a port is required");
        assert!(
            parse_addr("127.0.0.1:70000").is_err(),
            "ports stop at 65535"
        );
    }

    #[test]
    fn parse_server_addr_takes_ip_addresses_and_looks_up_names() {
        assert_eq!(parse_server_addr("127.0.0.1:8080"), Ok(defaults::UDP_ECHO));
        assert!(parse_server_addr("[::1]:8080").unwrap().is_ipv6());
        // localhost is loopback on every system; IPv4 is chosen when it has an IPv4 address.
        let local = parse_server_addr("localhost:8080").unwrap();
        assert!(is_loopback(&local), "{local}");
        assert_eq!(local.port(), 8080);
        let (_, others) = resolve_name("localhost:8080").unwrap();
        if !others.is_empty() {
            assert!(local.is_ipv4(), "{local} chosen, though {others:?} exist");
        }
        for bad in [
            "localhost",
            "localhost:",
            "localhost:70000",
            ":8080",
            "a:b:8080",
        ] {
            let err = parse_server_addr(bad).unwrap_err();
            assert!(err.contains("localhost:8080"), "{bad}: {err}");
        }
    }

    #[test]
    fn listening_beyond_loopback_gets_a_note_unless_already_warned() {
        for open in ["0.0.0.0:8080", "[::]:8080", "192.0.2.1:8080"] {
            let note = note_unless_warned(open.parse().unwrap(), false).unwrap();
            assert!(
                note.contains(&format!("listening on {open}, beyond loopback")),
                "{note}"
            );
            assert_eq!(note_unless_warned(open.parse().unwrap(), true), None);
        }
        let note = note_unless_warned("[::]:8080".parse().unwrap(), false).unwrap();
        assert!(
            note.ends_with("(--addr [::1]:8080 keeps it on this machine)"),
            "{note}"
        );
        for local in ["127.0.0.1:8080", "[::1]:8080", "[::ffff:127.0.0.1]:8080"] {
            assert_eq!(note_unless_warned(local.parse().unwrap(), false), None);
        }
    }

    #[test]
    fn check_exposure_allows_loopback_and_suggests_loopback_of_the_same_family() {
        let why = "strangers could ask";
        assert_eq!(check_exposure(defaults::NTP_TIME, false, why), Ok(None));
        assert_eq!(
            check_exposure("[::1]:1".parse().unwrap(), false, why),
            Ok(None)
        );
        let err = check_exposure("0.0.0.0:8082".parse().unwrap(), false, why).unwrap_err();
        assert!(
            err.starts_with(
                "refusing to listen on 0.0.0.0:8082 without --allow-remote: strangers could ask."
            ),
            "{err}"
        );
        assert!(err.contains("like 127.0.0.1:8082,"), "{err}");
        let err = check_exposure("[::]:8082".parse().unwrap(), false, why).unwrap_err();
        assert!(err.contains("like [::1]:8082,"), "{err}");
        let warning = check_exposure("[::]:8082".parse().unwrap(), true, why)
            .unwrap()
            .unwrap();
        assert!(
            warning.starts_with("WARNING: listening on [::]:8082"),
            "{warning}"
        );
    }

    #[test]
    fn parse_seconds_takes_positive_fractions_only() {
        assert_eq!(parse_seconds("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
        for bad in ["0", "-1", "nan", "inf", "soon", ""] {
            assert!(parse_seconds(bad).is_err(), "{bad:?} should be refused");
        }
        // The message must not call 0 acceptable while refusing it.
        assert_eq!(
            parse_seconds("0").unwrap_err(),
            "'0' is not a number of seconds above 0 and at most 86400 (fractions allowed: 0.5)"
        );
    }

    #[test]
    fn is_loopback_knows_v4_v6_and_mapped_addresses() {
        for yes in [
            "127.0.0.1:1",
            "127.1.2.3:1",
            "[::1]:1",
            "[::ffff:127.0.0.1]:1",
        ] {
            assert!(is_loopback(&yes.parse().unwrap()), "{yes}");
        }
        for no in ["0.0.0.0:1", "192.0.2.1:1", "[::]:1", "[2001:db8::1]:1"] {
            assert!(!is_loopback(&no.parse().unwrap()), "{no}");
        }
    }

    #[test]
    fn every_lesson_has_its_own_loopback_port() {
        let all = [
            defaults::UDP_ECHO,
            defaults::UDP_QQ,
            defaults::NTP_TIME,
            defaults::TCP_REMOTE_CMD,
            defaults::UDP_REMOTE_CMD,
            defaults::MANY_CLIENTS,
        ];
        let ports: Vec<u16> = all.iter().map(SocketAddr::port).collect();
        assert_eq!(ports, [8080, 8081, 8082, 8083, 8084, 8085]);
        assert!(all.iter().all(is_loopback));
    }

    #[test]
    fn bind_udp_in_use_names_the_address_and_a_way_out() {
        let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap();
        let err = bind_udp(addr).unwrap_err().to_string();
        assert_eq!(
            err,
            format!("{addr} is already in use (another server running?): try --addr 127.0.0.1:0")
        );
    }

    #[test]
    fn bind_udp_on_a_foreign_address_suggests_loopback() {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        let result = bind_udp("192.0.2.1:9".parse().unwrap());
        if test_support::wine_gap(test_support::Gap::ForeignAddressBindAccepted) {
            return;
        }
        assert_eq!(
            result.unwrap_err().to_string(),
            "192.0.2.1:9 is not an address of this machine: try --addr 127.0.0.1:9"
        );
    }

    #[test]
    fn bind_tcp_listens_and_reports_its_port() {
        let listener = bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        assert_ne!(addr.port(), 0);
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
        let err = bind_tcp(addr).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{addr} is already in use")),
            "{err}"
        );
    }

    #[test]
    fn listening_line_has_scheme_and_real_address() {
        assert_eq!(
            listening_line("udp", defaults::UDP_ECHO),
            "listening on udp://127.0.0.1:8080"
        );
        assert_eq!(
            listening_line("tcp", "[::1]:9".parse().unwrap()),
            "listening on tcp://[::1]:9"
        );
    }

    #[test]
    fn client_udp_matches_the_server_family() {
        let v6 = client_udp("[::1]:9".parse().unwrap()).unwrap();
        assert!(v6.local_addr().unwrap().is_ipv6());
        let v4 = client_udp(defaults::UDP_ECHO).unwrap();
        assert!(v4.local_addr().unwrap().is_ipv4());
    }

    #[test]
    fn server_and_client_sockets_send_the_largest_datagram_whole() {
        // Over 9216 bytes: macOS's default send buffer would refuse it with EMSGSIZE.
        let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let to = receiver.local_addr().unwrap();
        let server = bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
        let client = client_udp(to).unwrap();
        let payload = vec![b'x'; MAX_UDP_PAYLOAD_V4];
        let mut buf = vec![0u8; MAX_UDP_PAYLOAD_V4 + 1];
        for socket in [&server, &client] {
            let sent = socket.send_to(&payload, to).unwrap();
            assert_eq!(sent, MAX_UDP_PAYLOAD_V4);
            let (n, from) = receiver.recv_from(&mut buf).unwrap();
            assert_eq!(n, MAX_UDP_PAYLOAD_V4);
            assert_eq!(from.port(), socket.local_addr().unwrap().port());
        }
    }

    #[test]
    fn allow_large_datagrams_raises_the_send_buffer_and_never_lowers_it() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let sock = socket2::SockRef::from(&socket);
        sock.set_send_buffer_size(4096).unwrap();
        allow_large_datagrams(&socket).unwrap();
        assert!(sock.send_buffer_size().unwrap() >= LARGE_DATAGRAM_SEND_BUFFER);
        sock.set_send_buffer_size(4 * LARGE_DATAGRAM_SEND_BUFFER)
            .unwrap();
        let big = sock.send_buffer_size().unwrap();
        allow_large_datagrams(&socket).unwrap();
        assert_eq!(sock.send_buffer_size().unwrap(), big);
    }

    #[test]
    fn show_text_escapes_controls_bidi_overrides_zero_width_and_separators() {
        assert_eq!(show_text("你好, alex".as_bytes()), "你好, alex");
        assert_eq!(show_text(b"a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(show_text("\u{85}".as_bytes()), "\\u{85}");
        assert_eq!(show_text(b"caf\xe9"), "caf\u{fffd}");
        // Trojan Source: the override would show "txt.exe" as "exe.txt".
        assert_eq!(
            show_text("a\u{202e}txt.exe".as_bytes()),
            "a\\u{202e}txt.exe"
        );
        assert_eq!(show_text("pay\u{200b}pal".as_bytes()), "pay\\u{200b}pal");
        assert_eq!(
            show_text("one\u{2028}two\u{2029}".as_bytes()),
            "one\\u{2028}two\\u{2029}"
        );
        assert_eq!(
            show_text("\u{feff}\u{2066}\u{2069}".as_bytes()),
            "\\u{feff}\\u{2066}\\u{2069}"
        );
        // Letters, marks and symbols of every script pass: é (e + combining accent), emoji.
        assert_eq!(show_text("e\u{301} 👋 ß".as_bytes()), "e\u{301} 👋 ß");
        assert_eq!(show_text(b""), "");
    }

    #[test]
    fn error_debug_is_the_plain_message() {
        // main's `Error: ...` line uses Debug: it must not look like `Error("...")`.
        assert_eq!(format!("{:?}", Error::new("boom")), "boom");
    }
}

//! What every program of the course shares, and nothing more: the default address of each
//! lesson, the tutorial's buffer size and backlog, address parsing, binding with an error a
//! student understands and the `listening on ...` line, showing bytes the way Python does, the
//! error type, and reading a typed line. The servers' defences are in `crates/guard`.

use std::fmt;
use std::io::{self, BufRead, IsTerminal, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The tutorial's `buffer_size=1024`: how much one `recv`/`recvfrom` takes at most.
pub const BUFFER_SIZE: usize = 1024;

/// The tutorial's `back_log=5`: how many finished TCP handshakes may wait for `accept`.
pub const BACKLOG: i32 = 5;

/// The largest payload one UDP datagram can carry over IPv4: 65535 (the IP length field)
/// minus 20 bytes of IPv4 header minus 8 bytes of UDP header.
pub const MAX_UDP_PAYLOAD_V4: usize = 65_507;

/// The default address of every lesson. All bind loopback, each on its own port, so every
/// lesson can run at once (the tutorial used 8080 and 8081 for all of them).
pub mod defaults {
    use super::*;

    const fn loopback(port: u16) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
    }

    pub const UDP_ECHO: SocketAddr = loopback(8080); // Lesson 1, `udp-echo`
    pub const UDP_QQ: SocketAddr = loopback(8081); // Lesson 2, `udp-qq`
    pub const NTP_TIME: SocketAddr = loopback(8082); // Lesson 3, `ntp-time`
    pub const TCP_REMOTE_CMD: SocketAddr = loopback(8083); // Lesson 4, `tcp-remote-cmd`
    pub const UDP_REMOTE_CMD: SocketAddr = loopback(8084); // Lesson 5, `udp-remote-cmd`
    pub const MANY_CLIENTS: SocketAddr = loopback(8085); // Lesson 8, `many-clients` (every design)
    pub const LOSSY_LINK: SocketAddr = loopback(8086); // Lesson 9, `lossy-link`
    pub const STOP_AND_WAIT: SocketAddr = loopback(8087); // Lesson 9, `stop-and-wait-receiver`
    pub const WINDOW: SocketAddr = loopback(8088); // Lesson 9, `window-receiver`
    pub const QUIC: SocketAddr = loopback(8089); // Lesson 9, `quic-receiver`
    pub const KCP: SocketAddr = loopback(8090); // Lesson 9, `kcp-receiver`
}

/// A failure to show the user: `main` returns `Result<(), common::Error>`, and Rust prints
/// `Error: ` and its `Debug` form (hence the plain message) and exits with status 1.
pub struct Error(String);

impl Error {
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
/// No names: `localhost` may be `::1` or `127.0.0.1`, and a server says exactly where it is.
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "'{text}' is not HOST:PORT with an IP address; write it like 127.0.0.1:8080 or [::1]:8080"
        )
    })
}

/// Parses a client's `--server`: `127.0.0.1:8080`, `[::1]:8080`, or a name, `localhost:8080`.
/// A name may be both `127.0.0.1` and `::1`; the servers listen on IPv4 unless told otherwise,
/// so IPv4 is preferred, and a UDP client cannot tell which one answers without sending, so
/// it says on stderr which it chose: `localhost:8080 is 127.0.0.1:8080 (it is also ...)`.
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

/// May a server listen on `addr`? Loopback: `Ok(None)`. Another address (`0.0.0.0`, `[::]`)
/// only with `--allow-remote`: `Ok(Some(warning))` to print (and the `listening on` line adds
/// no second note); without it `Err(refusal)`, which suggests loopback of the same family, and
/// the server exits with status 2. `why` says what a stranger could do with this server.
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

/// Turns a failed `bind` into one sentence that says what to do.
fn bind_error(addr: SocketAddr, err: io::Error) -> Error {
    let free = SocketAddr::new(addr.ip(), 0); // a free port of the same family
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

/// Acts on [`check_exposure`]'s verdict: prints the warning, or the refusal and exits with 2.
pub fn enforce_exposure(verdict: Result<Option<String>, String>) {
    match verdict {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("{warning}"),
        Err(refusal) => {
            eprintln!("Error: {refusal}");
            std::process::exit(2);
        }
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

/// Lets `socket` send datagrams up to UDP's own limit: macOS refuses a `sendto` longer than
/// the send buffer (EMSGSIZE), which starts at 9216 bytes (udp(4)), so lesson 5's 65,507-byte
/// replies would fail there. It only ever raises the buffer, never lowers it.
pub fn allow_large_datagrams(socket: &UdpSocket) -> io::Result<()> {
    let socket = socket2::SockRef::from(socket);
    if socket.send_buffer_size()? < LARGE_DATAGRAM_SEND_BUFFER {
        socket.set_send_buffer_size(LARGE_DATAGRAM_SEND_BUFFER)?;
    }
    Ok(())
}

/// The tutorial's `socket(AF_INET, SOCK_STREAM)`, `bind(ip_port)`, `listen(back_log)`, with
/// the tutorial's backlog of 5 (std's `TcpListener::bind` always asks for 128).
pub fn bind_tcp(addr: SocketAddr) -> Result<TcpListener, Error> {
    bind_tcp_with(addr, true)
}

/// [`bind_tcp`], with or without SO_REUSEADDR (lesson 4's `--no-reuseaddr`).
///
/// A server stopped while clients were connected leaves its old connections in TIME_WAIT
/// (60 s on Linux, 30 s on macOS), and on Unix a restart's `bind` fails with "Address already
/// in use" until they expire, unless SO_REUSEADDR lets it bind past them (lesson 4 tells the
/// rest). On Windows SO_REUSEADDR would let another program steal the port, so it stays off.
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
    if let Some(note) = note_unless_warned(addr, EXPOSURE_WARNED.load(Ordering::Relaxed)) {
        eprintln!("{note}");
    }
    Ok(addr)
}

/// Set once [`check_exposure`] has handed out its warning, which the server prints: then the
/// `listening on` line adds no second one.
static EXPOSURE_WARNED: AtomicBool = AtomicBool::new(false);

/// The note on stderr after the `listening on` line of a server beyond loopback (`--addr
/// 0.0.0.0:8080`), so nobody opens a server to the network unawares; `None` on loopback, or
/// when [`check_exposure`] has already warned.
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
fn listening_line(scheme: &str, addr: SocketAddr) -> String {
    format!("listening on {scheme}://{addr}")
}

/// A client's own socket: any free port (as the tutorial's first `sendto` picks one), on the
/// server's IP family (an IPv4 socket cannot send to `[::1]`), able to send the largest datagram.
pub fn client_udp(server: SocketAddr) -> Result<UdpSocket, Error> {
    let any = match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0)),
    };
    let socket = UdpSocket::bind(any)?;
    allow_large_datagrams(&socket)?;
    Ok(socket)
}

/// Did a receive give up because its timeout ran out? (Unix: `WouldBlock`, Windows: `TimedOut`.)
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Is this receive error only the echo of an earlier send that could not be delivered? On
/// Windows the ICMP "port unreachable" for a reply to a client that had gone makes the *next*
/// `recv_from` fail with WSAECONNRESET, even unconnected; Linux and macOS never report it.
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

/// Text a peer sent, safe to print on one line of a terminal: not UTF-8 becomes U+FFFD, and
/// what would act on the terminal rather than show is escaped (`\n`, `\u{202e}`): control
/// characters (an ESC could recolour it), format characters (Cf: the bidi overrides of
/// "Trojan Source", CVE-2021-42574, and invisible ones like U+200B), and U+2028 and U+2029.
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

/// [`show_bytes`] written straight into the output, so a server logging every datagram
/// allocates nothing: `writeln!(log, "{}", common::ShowBytes(data))`.
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

/// The tutorial's `input(prompt)`: one line without its ending (not UTF-8 becomes U+FFFD);
/// `None` at end of input (Ctrl-D, or Ctrl-Z Enter on Windows). The prompt is shown only to
/// a person (stdin is a terminal), so a piped run stays clean.
pub fn read_line(prompt_text: &str) -> io::Result<Option<String>> {
    if io::stdin().is_terminal() {
        let mut out = io::stdout().lock();
        // A prompt that cannot be shown is no reason to stop the program.
        let _ = write!(out, "{prompt_text}");
        let _ = out.flush();
    }
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
    fn a_name_with_both_families_resolves_to_ipv4_first() {
        let (chosen, others) = resolve_name("localhost:8080").unwrap();
        assert!(is_loopback(&chosen) && chosen.port() == 8080, "{chosen}");
        if !others.is_empty() {
            assert!(chosen.is_ipv4(), "{chosen} chosen, though {others:?} exist");
        }
    }

    #[test]
    fn listening_beyond_loopback_gets_a_note_unless_already_warned() {
        for open in ["0.0.0.0:8080", "[::]:8080", "192.0.2.1:8080"] {
            let note = note_unless_warned(open.parse().unwrap(), false).unwrap();
            assert!(note.contains(&format!("listening on {open}, beyond loopback")));
            assert_eq!(note_unless_warned(open.parse().unwrap(), true), None);
        }
        let note = note_unless_warned("[::]:8080".parse().unwrap(), false).unwrap();
        assert!(note.ends_with("(--addr [::1]:8080 keeps it on this machine)"));
        for local in ["127.0.0.1:8080", "[::1]:8080", "[::ffff:127.0.0.1]:8080"] {
            assert_eq!(note_unless_warned(local.parse().unwrap(), false), None);
        }
    }

    #[test]
    fn listening_line_has_scheme_and_real_address() {
        let v4 = listening_line("udp", defaults::UDP_ECHO);
        assert_eq!(v4, "listening on udp://127.0.0.1:8080");
        let v6 = listening_line("tcp", "[::1]:9".parse().unwrap());
        assert_eq!(v6, "listening on tcp://[::1]:9");
    }
}

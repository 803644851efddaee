//! Whom a UDP server must not answer, so that one forged datagram cannot start an endless
//! exchange (the echo/chargen loop, CVE-1999-0103).
//!
//! UDP has no handshake, so the sender address of a datagram is whatever its sender wrote. Send
//! an echo server one datagram "from" its own address and port, and it answers itself, receives
//! its answer, answers that, and so on for ever; "from" another server that answers everything
//! (a chargen, a daytime, another echo, our time server), and the two answer each other for
//! ever. In 1996 this was how one forged packet took down two machines, and it is why echo
//! and chargen were switched off across the Internet.
//!
//! [`ReplyGuard::check`] is asked before every reply. It refuses three kinds of sender:
//!
//! 1. the server itself: its own address and port (bound to a wildcard address such as
//!    `0.0.0.0`, its own port on any address of this machine);
//! 2. a well-known service port below 1024 (echo 7, daytime 13, chargen 19, time 37, NTP 123
//!    ...): clients send from high ports the OS picks, servers from their fixed low ones, so
//!    a datagram from a low port is most likely a service's answer, or forged to look like
//!    one. A server whose protocol does come from such a port says so:
//!    [`ReplyGuard::allowing_port`];
//! 3. a sender that gets more than its budget of replies per second (a token bucket per
//!    sender, in a table of at most [`ReplyGuard::MAX_PEERS`] senders, the one seen longest
//!    ago forgotten first). Two servers answering each other go as fast as the CPU allows;
//!    a person, or a client that waits for each reply, far slower. A sender over budget is
//!    ignored for [`ReplyGuard::COOL_DOWN`], so a loop dies instead of running on slowly.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Decides, datagram by datagram, whether a UDP server may answer the sender.
#[derive(Debug)]
pub struct ReplyGuard {
    /// The address the server's socket is bound to.
    own: SocketAddr,
    /// Ports below 1024 this server's protocol legitimately answers.
    allowed_ports: Vec<u16>,
    /// Replies each sender may get per second (also the most in a burst); 0: no limit.
    per_second: u32,
    peers: HashMap<SocketAddr, Peer>,
}

/// One sender's budget.
#[derive(Debug, Clone, Copy)]
struct Peer {
    /// Replies it may still get now: refills at `per_second`, up to `per_second`.
    tokens: f64,
    last_seen: Instant,
    /// It went over budget: ignored until then.
    ignored_until: Option<Instant>,
}

/// Why a datagram gets no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It claims to come from the server itself.
    OwnAddress,
    /// It comes from this well-known port below 1024.
    ServicePort(u16),
    /// This sender has just gone over its budget of replies per second; it is ignored for
    /// [`ReplyGuard::COOL_DOWN`].
    OverBudget { per_second: u32 },
    /// This sender went over its budget a moment ago and is still ignored.
    CoolingDown,
}

impl Refusal {
    /// Has a line about this already been printed? A sender's first refusal for going over
    /// budget says "ignored for 1 s"; the refusals during that second need no line each (a
    /// flood would otherwise push every other refusal out of the log's limit).
    pub fn already_said(&self) -> bool {
        *self == Refusal::CoolingDown
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refusal::OwnAddress => f.write_str(
                "it claims to come from this server itself (forged): answering would make the \
                 server answer itself for ever",
            ),
            Refusal::ServicePort(port) => write!(
                f,
                "port {port}{} is a well-known service's port below 1024: answering could \
                 start an endless exchange with that service",
                service_name(port)
                    .map(|name| format!(" ({name})"))
                    .unwrap_or_default()
            ),
            Refusal::OverBudget { per_second } => write!(
                f,
                "more than {per_second} datagrams in a second from this sender (two servers \
                 answering each other?): ignored for {} s",
                ReplyGuard::COOL_DOWN.as_secs()
            ),
            Refusal::CoolingDown => f.write_str("this sender went over its budget: still ignored"),
        }
    }
}

/// The name of a well-known UDP service whose answers could loop with ours.
fn service_name(port: u16) -> Option<&'static str> {
    Some(match port {
        7 => "echo",
        9 => "discard",
        13 => "daytime",
        17 => "qotd",
        19 => "chargen",
        37 => "time",
        53 => "DNS",
        69 => "TFTP",
        123 => "NTP",
        161 => "SNMP",
        _ => return None,
    })
}

impl ReplyGuard {
    /// Replies a sender may get per second unless the server says otherwise. Far above a
    /// person typing, a client that waits for each reply on a debug build, or the course's
    /// tests; far below two servers answering each other (hundreds of thousands a second).
    pub const DEFAULT_PER_SECOND: u32 = 1000;

    /// How long a sender over budget is ignored.
    pub const COOL_DOWN: Duration = Duration::from_secs(1);

    /// The most senders whose budget is remembered: the table never grows past this.
    pub const MAX_PEERS: usize = 256;

    /// A guard for a server bound to `own`, giving each sender at most `per_second` replies a
    /// second (0: no limit, for benchmarks).
    pub fn new(own: SocketAddr, per_second: u32) -> Self {
        ReplyGuard {
            own,
            allowed_ports: Vec::new(),
            per_second,
            peers: HashMap::with_capacity(Self::MAX_PEERS),
        }
    }

    /// A guard for `socket`'s own address, as [`ReplyGuard::new`].
    pub fn for_socket(socket: &UdpSocket, per_second: u32) -> std::io::Result<Self> {
        Ok(Self::new(socket.local_addr()?, per_second))
    }

    /// Lets datagrams from `port`, below 1024, be answered: the server's protocol really
    /// comes from there (NTP clients such as ntpdate send from port 123).
    pub fn allowing_port(mut self, port: u16) -> Self {
        self.allowed_ports.push(port);
        self
    }

    /// May the server answer a datagram from `from`? Call it once per datagram, just before
    /// replying: each `Ok` spends one of the sender's replies.
    pub fn check(&mut self, from: SocketAddr) -> Result<(), Refusal> {
        self.check_at(from, Instant::now())
    }

    /// [`ReplyGuard::check`], at the moment `now`.
    pub fn check_at(&mut self, from: SocketAddr, now: Instant) -> Result<(), Refusal> {
        if self.is_own_address(from) {
            return Err(Refusal::OwnAddress);
        }
        if from.port() < 1024 && !self.allowed_ports.contains(&from.port()) {
            return Err(Refusal::ServicePort(from.port()));
        }
        if self.per_second == 0 {
            return Ok(());
        }
        self.spend(canonical(from), now)
    }

    /// Is `from` this server's own socket?
    fn is_own_address(&self, from: SocketAddr) -> bool {
        is_own_address(self.own, from)
    }

    /// Takes one reply from `from`'s budget.
    fn spend(&mut self, from: SocketAddr, now: Instant) -> Result<(), Refusal> {
        let per_second = self.per_second;
        if !self.peers.contains_key(&from) && self.peers.len() >= Self::MAX_PEERS {
            self.forget_the_oldest();
        }
        let peer = self.peers.entry(from).or_insert(Peer {
            tokens: f64::from(per_second),
            last_seen: now,
            ignored_until: None,
        });
        let elapsed = now.saturating_duration_since(peer.last_seen);
        peer.last_seen = now;
        peer.tokens = (peer.tokens + elapsed.as_secs_f64() * f64::from(per_second))
            .min(f64::from(per_second));
        if let Some(until) = peer.ignored_until {
            if now < until {
                return Err(Refusal::CoolingDown);
            }
            peer.ignored_until = None;
        }
        if peer.tokens >= 1.0 {
            peer.tokens -= 1.0;
            Ok(())
        } else {
            peer.ignored_until = Some(now + Self::COOL_DOWN);
            Err(Refusal::OverBudget { per_second })
        }
    }

    /// Makes room in the table: the sender seen longest ago goes.
    fn forget_the_oldest(&mut self) {
        let oldest = self
            .peers
            .iter()
            .min_by_key(|(_, peer)| peer.last_seen)
            .map(|(addr, _)| *addr);
        if let Some(addr) = oldest {
            self.peers.remove(&addr);
        }
    }
}

/// Is `from` the socket bound to `own`? Bound to a wildcard (`0.0.0.0`, `[::]`), that
/// socket owns its port on every address of this machine, so any of them counts; an
/// IPv4-mapped address (`::ffff:127.0.0.1`, as a `[::]` socket sees an IPv4 sender) is the
/// same as its IPv4 address. What [`ReplyGuard::check`] refuses as [`Refusal::OwnAddress`],
/// for a program that has more than one socket (lesson 9's lossy link asks it of each).
pub fn is_own_address(own: SocketAddr, from: SocketAddr) -> bool {
    if from.port() != own.port() {
        return false;
    }
    let own_ip = own.ip().to_canonical();
    let from_ip = from.ip().to_canonical();
    if own_ip.is_unspecified() {
        // Bound to 0.0.0.0 or [::]: the server owns this port on every address of the
        // machine, so "from us" means from any of them.
        is_this_machine(from_ip, from)
    } else {
        from_ip == own_ip
    }
}

/// The same sender whether it arrived as `::ffff:127.0.0.1` on an IPv6 socket or as
/// `127.0.0.1`.
fn canonical(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(addr.ip().to_canonical(), addr.port())
}

/// Is `ip` one of this machine's addresses? Loopback always is; any other is if a socket can
/// be bound to it (the OS refuses an address that is not its own with "address not
/// available"). Only asked when a datagram comes from the server's own port, so rarely.
fn is_this_machine(ip: IpAddr, from: SocketAddr) -> bool {
    if ip.is_loopback() {
        return true;
    }
    let probe = match (ip, from) {
        // A link-local IPv6 address is only an address together with its interface.
        (IpAddr::V6(v6), SocketAddr::V6(from)) => {
            SocketAddr::V6(std::net::SocketAddrV6::new(v6, 0, 0, from.scope_id()))
        }
        _ => SocketAddr::new(ip, 0),
    };
    UdpSocket::bind(probe).is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_datagram_from_the_servers_own_address_is_refused() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 1000);
        assert_eq!(
            guard.check(addr("127.0.0.1:8080")),
            Err(Refusal::OwnAddress)
        );
        // The same port on another address is another socket; the same address on another
        // port is a client.
        assert_eq!(guard.check(addr("127.0.0.2:8080")), Ok(()));
        assert_eq!(guard.check(addr("127.0.0.1:50000")), Ok(()));
    }

    #[test]
    fn bound_to_a_wildcard_its_own_port_on_any_local_address_is_refused() {
        let mut v4 = ReplyGuard::new(addr("0.0.0.0:8080"), 1000);
        assert_eq!(v4.check(addr("127.0.0.1:8080")), Err(Refusal::OwnAddress));
        assert_eq!(v4.check(addr("127.3.2.1:8080")), Err(Refusal::OwnAddress));
        let mut v6 = ReplyGuard::new(addr("[::]:8080"), 1000);
        assert_eq!(v6.check(addr("[::1]:8080")), Err(Refusal::OwnAddress));
        assert_eq!(
            v6.check(addr("[::ffff:127.0.0.1]:8080")),
            Err(Refusal::OwnAddress)
        );
        // Documentation addresses (RFC 5737, RFC 3849), never this machine's: another host
        // whose server has the same port. (Wine lets a socket bind any address, so there
        // every address looks like this machine's, and these are refused too.)
        if test_support::wine_gap(test_support::Gap::ForeignAddressBindAccepted) {
            return;
        }
        assert_eq!(v4.check(addr("192.0.2.1:8080")), Ok(()));
        assert_eq!(v6.check(addr("[2001:db8::1]:8080")), Ok(()));
    }

    #[test]
    fn is_own_address_answers_for_any_socket_whatever_it_is_bound_to() {
        assert!(is_own_address(addr("[::]:9000"), addr("127.0.0.1:9000")));
        assert!(is_own_address(
            addr("[::]:9000"),
            addr("[::ffff:127.0.0.1]:9000")
        ));
        assert!(is_own_address(addr("0.0.0.0:9000"), addr("[::1]:9000")));
        assert!(is_own_address(
            addr("127.0.0.1:9000"),
            addr("[::ffff:127.0.0.1]:9000")
        ));
        assert!(!is_own_address(addr("[::]:9000"), addr("127.0.0.1:9001")));
        assert!(!is_own_address(
            addr("127.0.0.1:9000"),
            addr("127.0.0.2:9000")
        ));
    }

    #[test]
    fn an_ipv4_mapped_sender_is_the_same_as_its_ipv4_address() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 1000);
        assert_eq!(
            guard.check(addr("[::ffff:127.0.0.1]:8080")),
            Err(Refusal::OwnAddress)
        );
    }

    #[test]
    fn well_known_service_ports_below_1024_are_refused() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 1000);
        for port in [0, 7, 13, 19, 37, 123, 1023] {
            assert_eq!(
                guard.check(SocketAddr::new(addr("127.0.0.1:1").ip(), port)),
                Err(Refusal::ServicePort(port))
            );
        }
        assert_eq!(guard.check(addr("127.0.0.1:1024")), Ok(()));
        let chargen = Refusal::ServicePort(19).to_string();
        assert!(chargen.starts_with("port 19 (chargen) is"), "{chargen}");
    }

    #[test]
    fn a_port_the_protocol_uses_can_be_allowed_and_only_that_one() {
        let mut sntp = ReplyGuard::new(addr("127.0.0.1:8082"), 1000).allowing_port(123);
        assert_eq!(sntp.check(addr("127.0.0.1:123")), Ok(()));
        assert_eq!(
            sntp.check(addr("127.0.0.1:19")),
            Err(Refusal::ServicePort(19))
        );
    }

    #[test]
    fn a_sender_over_budget_is_ignored_for_the_cool_down_then_served_again() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 100);
        let peer = addr("127.0.0.1:50000");
        let start = Instant::now();
        // A burst of 100 at once is within budget; the 101st is not.
        for i in 0..100 {
            assert_eq!(guard.check_at(peer, start), Ok(()), "reply {i}");
        }
        assert_eq!(
            guard.check_at(peer, start),
            Err(Refusal::OverBudget { per_second: 100 })
        );
        // Ignored for the whole cool-down, although its budget refills meanwhile.
        let during = start + ReplyGuard::COOL_DOWN / 2;
        assert_eq!(guard.check_at(peer, during), Err(Refusal::CoolingDown));
        assert!(Refusal::CoolingDown.already_said() && !Refusal::OwnAddress.already_said());
        // Another sender is not affected.
        assert_eq!(guard.check_at(addr("127.0.0.1:50001"), during), Ok(()));
        assert_eq!(guard.check_at(peer, start + ReplyGuard::COOL_DOWN), Ok(()));
    }

    #[test]
    fn a_steady_sender_within_budget_is_always_served() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 100);
        let peer = addr("127.0.0.1:50000");
        let start = Instant::now();
        // 90 a second for a minute.
        for i in 0..5400u64 {
            let now = start + Duration::from_micros(i * 1_000_000 / 90);
            assert_eq!(guard.check_at(peer, now), Ok(()), "datagram {i}");
        }
    }

    #[test]
    fn a_loop_between_two_guarded_servers_stops_within_a_bounded_number_of_exchanges() {
        // Two servers answering each other as fast as they can (a datagram every 5 µs): the
        // first refusal ends the loop, since each reply is what keeps it going.
        let per_second = ReplyGuard::DEFAULT_PER_SECOND;
        let a = addr("127.0.0.1:8080");
        let b = addr("127.0.0.1:8082");
        let mut guard_a = ReplyGuard::new(a, per_second);
        let mut guard_b = ReplyGuard::new(b, per_second);
        let start = Instant::now();
        let mut exchanges = 0u64;
        loop {
            let now = start + Duration::from_micros(5 * exchanges);
            let (guard, from) = if exchanges % 2 == 0 {
                (&mut guard_a, b)
            } else {
                (&mut guard_b, a)
            };
            if guard.check_at(from, now).is_err() {
                break;
            }
            exchanges += 1;
            assert!(exchanges < 10 * u64::from(per_second), "still looping");
        }
        // Each side spends its burst and a few refilled tokens.
        assert!(exchanges <= 2 * u64::from(per_second) + 50, "{exchanges}");
    }

    #[test]
    fn no_limit_means_no_limit_but_the_other_rules_hold() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 0);
        let start = Instant::now();
        for _ in 0..100_000 {
            assert_eq!(guard.check_at(addr("127.0.0.1:50000"), start), Ok(()));
        }
        assert_eq!(
            guard.check(addr("127.0.0.1:8080")),
            Err(Refusal::OwnAddress)
        );
        assert_eq!(
            guard.check(addr("127.0.0.1:7")),
            Err(Refusal::ServicePort(7))
        );
    }

    #[test]
    fn the_table_of_senders_never_grows_past_its_size_and_forgets_the_oldest() {
        let mut guard = ReplyGuard::new(addr("127.0.0.1:8080"), 10);
        let start = Instant::now();
        let first = addr("127.0.0.1:10000");
        for _ in 0..10 {
            guard.check_at(first, start).unwrap();
        }
        assert!(
            guard.check_at(first, start).is_err(),
            "first is over budget"
        );
        for port in 0..(2 * ReplyGuard::MAX_PEERS as u16) {
            let now = start + Duration::from_micros(u64::from(port) + 1);
            guard
                .check_at(SocketAddr::new(first.ip(), 20000 + port), now)
                .unwrap();
            assert!(guard.peers.len() <= ReplyGuard::MAX_PEERS);
        }
        assert!(
            !guard.peers.contains_key(&first),
            "the oldest was forgotten"
        );
    }
}

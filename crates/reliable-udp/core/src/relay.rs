//! The lossy link on real sockets: a UDP relay between clients and one server.
//!
//! Clients send to the relay's front socket. For each client the relay opens a socket of its
//! own towards the server (like a home router's NAT), so the server's replies come back to
//! that socket and the relay knows which client they are for. Each datagram's fate comes from
//! [`Direction::decide`]; a datagram that must wait goes into a timetable that one thread
//! empties when each is due.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use guard::{Refusal, ReplyGuard};

use crate::link::{Counters, Direction, Impairment, RingGuard, reply_seed};
use crate::pcap::Capture;

/// How many clients the relay serves at once: each has a socket and a thread.
pub const MAX_FLOWS: usize = 256;

/// How often the relay's threads look at the stop flag (and the relay for idle clients).
const POLL: Duration = Duration::from_millis(100);

/// With every place taken, a new client takes the place of the one silent longest, if that
/// one has been silent at least this long: a burst of throwaway ports locks others out for a
/// second at most, and a client that is talking keeps its place.
pub const FULL_TABLE_IDLE: Duration = Duration::from_secs(1);

/// The relay's limits, beyond [`MAX_FLOWS`].
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A client (its socket towards the server, and its thread) is forgotten after this long
    /// without a datagram either way, like a home router's NAT forgets a UDP mapping.
    pub idle: Duration,
    /// Bytes of datagrams that may wait in the timetable (delay, jitter, rate, reordering);
    /// one that would take it past this is dropped and counted.
    pub held_bytes: usize,
}

impl Limits {
    pub const DEFAULT_IDLE: Duration = Duration::from_secs(30);
    pub const DEFAULT_HELD_BYTES: usize = 32 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle: Self::DEFAULT_IDLE,
            held_bytes: Self::DEFAULT_HELD_BYTES,
        }
    }
}

/// One client's socket towards the server.
struct Flow {
    socket: UdpSocket,
    /// When a datagram last went through, either way (milliseconds since the relay started).
    last_active: AtomicU64,
    /// Forgotten: its thread ends (within [`POLL`]).
    closed: AtomicBool,
}

impl Flow {
    fn touch(&self, now: Duration) {
        self.last_active
            .store(now.as_millis() as u64, Ordering::Relaxed);
    }

    fn idle_for(&self, now: Duration) -> Duration {
        let last = Duration::from_millis(self.last_active.load(Ordering::Relaxed));
        now.saturating_sub(last)
    }
}

/// Where a waiting datagram goes.
enum Target {
    /// To the server, through this client's own socket.
    Server(Arc<Flow>),
    /// Back to a client, through the front socket.
    Client(SocketAddr),
}

struct Pending {
    due: Duration,
    order: u64,
    target: Target,
    bytes: Vec<u8>,
    /// The capture's number of the datagram (0 without `--pcap`).
    id: u32,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.order) == (other.due, other.order)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due, self.order).cmp(&(other.due, other.order))
    }
}

/// The datagrams waiting to be sent, and their bytes.
#[derive(Default)]
struct Timetable {
    queue: BinaryHeap<Reverse<Pending>>,
    bytes: usize,
}

/// Datagrams the relay refused, by reason.
#[derive(Default)]
struct Refused {
    /// New clients while every place was taken.
    flows: AtomicU64,
    /// "From" one of the relay's own sockets (see [`Relay::is_ourselves`]).
    loops: AtomicU64,
    /// "From" the server itself, to the client side.
    server: AtomicU64,
    /// From a well-known service's port below 1024.
    service_ports: AtomicU64,
    /// The same bytes back from another client: round a ring of links.
    ring: AtomicU64,
    /// The timetable held [`Limits::held_bytes`] already.
    held: AtomicU64,
    /// Clients forgotten after [`Limits::idle`] (or to make room).
    forgotten: AtomicU64,
}

/// A running relay.
pub struct Relay {
    front: Arc<UdpSocket>,
    to: SocketAddr,
    limits: Limits,
    start: Instant,
    /// Client to server, and server to client (shared with the relays made by
    /// [`Relay::sharing_link`]).
    up: Arc<Mutex<Direction>>,
    down: Arc<Mutex<Direction>>,
    flows: Mutex<HashMap<SocketAddr, Arc<Flow>>>,
    /// The course's one check of whom a server must not answer (lesson 3), for the front
    /// socket: its own address (whatever it is bound to) and service ports below 1024. No
    /// budget: a transfer through the link may well send thousands of datagrams a second.
    guard: Mutex<ReplyGuard>,
    ring: Mutex<RingGuard>,
    refused: Refused,
    timetable: Mutex<Timetable>,
    wake: Condvar,
    order: AtomicU64,
    stop: AtomicBool,
    /// `--pcap`: where every datagram received and every copy sent is recorded.
    capture: OnceLock<Arc<Capture>>,
    /// Bytes this relay sent on to its server (its own clients' share of a shared link).
    to_server_bytes: AtomicU64,
}

/// A poisoned lock only means another thread panicked while holding it; the counters inside
/// are still worth reading.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Relay {
    /// A relay from `front` (already bound) to the server at `to`, with one impairment per
    /// direction and the seed of both generators, and the default [`Limits`]. Starts the
    /// timetable's thread.
    pub fn new(
        front: UdpSocket,
        to: SocketAddr,
        up: Impairment,
        down: Impairment,
        seed: u64,
    ) -> io::Result<Arc<Relay>> {
        Self::with_limits(front, to, up, down, seed, Limits::default())
    }

    /// [`Relay::new`] with other [`Limits`].
    pub fn with_limits(
        front: UdpSocket,
        to: SocketAddr,
        up: Impairment,
        down: Impairment,
        seed: u64,
        limits: Limits,
    ) -> io::Result<Arc<Relay>> {
        // The other direction draws from its own sequence, so the traffic one way never
        // changes the fates of the other.
        let up = Arc::new(Mutex::new(Direction::new(up, seed)));
        let down = Direction::new(down, reply_seed(seed));
        Self::build(
            front,
            to,
            up,
            Arc::new(Mutex::new(down)),
            limits,
            Instant::now(),
        )
    }

    /// Another relay in front of another server, through the very same link as `other`: the
    /// same rate limit, queue, generators, counters and clock each way, so the flows of both
    /// share one bottleneck (lesson 10's two flows, whatever their servers).
    pub fn sharing_link(front: UdpSocket, to: SocketAddr, other: &Relay) -> io::Result<Arc<Relay>> {
        let (up, down) = (Arc::clone(&other.up), Arc::clone(&other.down));
        Self::build(front, to, up, down, other.limits, other.start)
    }

    /// Bytes this relay has sent on to its server (with [`Relay::sharing_link`], its share).
    pub fn bytes_to_server(&self) -> u64 {
        self.to_server_bytes.load(Ordering::Relaxed)
    }

    fn build(
        front: UdpSocket,
        to: SocketAddr,
        up: Arc<Mutex<Direction>>,
        down: Arc<Mutex<Direction>>,
        limits: Limits,
        start: Instant,
    ) -> io::Result<Arc<Relay>> {
        // A relay aimed at itself would forward each datagram to itself, for ever. Bound to a
        // wildcard (`[::]:P`), "itself" is port P on any address of this machine.
        let own = front.local_addr()?;
        if guard::is_own_address(own, to) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "--to {to} is the link's own address: it would forward to itself (the link \
                     listens on {own})"
                ),
            ));
        }
        front.set_read_timeout(Some(POLL))?;
        let relay = Arc::new(Relay {
            front: Arc::new(front),
            to,
            limits,
            start,
            up,
            down,
            flows: Mutex::new(HashMap::new()),
            guard: Mutex::new(ReplyGuard::new(own, 0)),
            ring: Mutex::new(RingGuard::default()),
            refused: Refused::default(),
            timetable: Mutex::new(Timetable::default()),
            wake: Condvar::new(),
            order: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            capture: OnceLock::new(),
            to_server_bytes: AtomicU64::new(0),
        });
        let worker = Arc::clone(&relay);
        thread::Builder::new()
            .name("timetable".into())
            .spawn(move || worker.empty_timetable())?;
        Ok(relay)
    }

    /// The client-facing address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.front.local_addr()
    }

    /// What the link did so far: client to server, then server to client.
    pub fn counters(&self) -> (Counters, Counters) {
        (
            lock(&self.up).counters.clone(),
            lock(&self.down).counters.clone(),
        )
    }

    /// Clients served right now (each has a socket and a thread).
    pub fn clients(&self) -> usize {
        lock(&self.flows).len()
    }

    /// The summary printed at the end.
    pub fn report(&self) -> String {
        let (up, down) = self.counters();
        let mut text = format!("client -> server: {up}\nserver -> client: {down}");
        let count = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let r = &self.refused;
        let lines = [
            (
                count(&r.loops),
                "datagrams dropped that claimed to come from the link itself (forged)".to_owned(),
            ),
            (
                count(&r.server),
                format!(
                    "datagrams dropped that came from the server {} to the clients' side (forged, \
                     or a loop)",
                    self.to
                ),
            ),
            (
                count(&r.service_ports),
                "datagrams dropped from a well-known service's port below 1024".to_owned(),
            ),
            (
                count(&r.ring),
                "datagrams dropped that came back from another client a moment after we sent \
                 them on (a ring of links)"
                    .to_owned(),
            ),
            (
                count(&r.flows),
                format!("datagrams from new clients dropped: {MAX_FLOWS} clients at once at most"),
            ),
            (
                count(&r.held),
                format!(
                    "datagrams dropped: {} bytes were waiting already",
                    self.limits.held_bytes
                ),
            ),
            (
                count(&r.forgotten),
                format!(
                    "clients forgotten after {:.1} s of silence (or to make room)",
                    self.limits.idle.as_secs_f64()
                ),
            ),
        ];
        for (n, what) in lines {
            if n > 0 {
                text.push_str(&format!("\n{n} {what}"));
            }
        }
        text
    }

    /// Records every datagram from now on in `capture` (once: a second capture is refused).
    pub fn capture_to(&self, capture: Arc<Capture>) -> Result<(), Arc<Capture>> {
        self.capture.set(capture)
    }

    /// Asks every thread of the relay to end (within [`POLL`]).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.wake.notify_all();
    }

    /// Serves clients until [`Relay::stop`]. `new_client` is told of each new client and the
    /// address of the socket that speaks for it to the server; if it fails (the log cannot be
    /// written), the relay stops with that error.
    pub fn run(
        self: &Arc<Self>,
        mut new_client: impl FnMut(SocketAddr, SocketAddr) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut buffer = vec![0u8; 65_536];
        let mut swept = self.start.elapsed();
        while !self.stop.load(Ordering::Relaxed) {
            if self.start.elapsed().saturating_sub(swept) >= POLL {
                swept = self.start.elapsed();
                self.forget_idle(swept);
            }
            let (len, client) = match self.front.recv_from(&mut buffer) {
                Ok(got) => got,
                // Timeouts let us look at the stop flag; Windows reports a reply we sent to a
                // client that has gone as an error on the next receive. Neither stops us.
                Err(err) if is_transient(&err) => continue,
                Err(err) => return Err(err),
            };
            let id = self.captured(client, &self.front, &buffer[..len]);
            if let Some(counter) = self.refusal(client) {
                counter.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let now = self.start.elapsed();
            if lock(&self.ring).came_back(&buffer[..len], client, now) {
                self.refused.ring.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let flow = match self.flow(client) {
                Ok(Some((flow, true))) => {
                    new_client(client, flow.socket.local_addr()?)?;
                    flow
                }
                Ok(Some((flow, false))) => flow,
                Ok(None) => {
                    self.refused.flows.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                Err(err) => {
                    eprintln!(
                        "cannot open a socket towards {} for {client}: {err}",
                        self.to
                    );
                    continue;
                }
            };
            flow.touch(now);
            let fates = lock(&self.up).decide_and_damage(&mut buffer[..len], now);
            for due in fates {
                self.deliver(due, Target::Server(Arc::clone(&flow)), &buffer[..len], id);
            }
        }
        Ok(())
    }

    /// Why a datagram from `client` must not go on to the server, as the counter of that
    /// reason; `None` if it may.
    ///
    /// UDP lets a sender write any address. A datagram "from" one of our own sockets would make
    /// the relay feed itself; one "from" the server would make the server's reply come back
    /// into the front as another request, for ever (lesson 3's echo loop, with the link in
    /// the middle, too slow for the server's own budget to notice); one from a service port
    /// below 1024 would start a loop with that service.
    fn refusal(&self, client: SocketAddr) -> Option<&AtomicU64> {
        if self.is_ourselves(client) {
            return Some(&self.refused.loops);
        }
        if guard::is_own_address(self.to, client) {
            return Some(&self.refused.server);
        }
        match lock(&self.guard).check(client) {
            Ok(()) => None,
            Err(Refusal::ServicePort(_)) => Some(&self.refused.service_ports),
            Err(_) => Some(&self.refused.loops),
        }
    }

    /// Does `from` name one of the relay's own sockets (its front, whatever it is bound to, or
    /// a socket it opened towards the server for some client) on this machine?
    fn is_ourselves(&self, from: SocketAddr) -> bool {
        if lock(&self.guard).check(from) == Err(Refusal::OwnAddress) {
            return true;
        }
        lock(&self.flows).values().any(|flow| {
            flow.socket
                .local_addr()
                .is_ok_and(|own| guard::is_own_address(own, from))
        })
    }

    /// Forgets the clients silent for [`Limits::idle`]: their sockets close, their threads end.
    fn forget_idle(&self, now: Duration) {
        let mut flows = lock(&self.flows);
        flows.retain(|_, flow| {
            let keep = flow.idle_for(now) < self.limits.idle;
            if !keep {
                flow.closed.store(true, Ordering::Relaxed);
                self.refused.forgotten.fetch_add(1, Ordering::Relaxed);
            }
            keep
        });
    }

    /// This client's socket towards the server, opened (and its reader started) on first use.
    /// `None` when there are too many clients already, none of them silent for
    /// [`FULL_TABLE_IDLE`].
    fn flow(self: &Arc<Self>, client: SocketAddr) -> io::Result<Option<(Arc<Flow>, bool)>> {
        let mut flows = lock(&self.flows);
        if let Some(flow) = flows.get(&client) {
            return Ok(Some((Arc::clone(flow), false)));
        }
        let now = self.start.elapsed();
        if flows.len() >= MAX_FLOWS {
            let quietest = flows
                .iter()
                .max_by_key(|(_, flow)| flow.idle_for(now))
                .filter(|(_, flow)| flow.idle_for(now) >= FULL_TABLE_IDLE)
                .map(|(addr, _)| *addr);
            let Some(quietest) = quietest else {
                return Ok(None);
            };
            if let Some(flow) = flows.remove(&quietest) {
                flow.closed.store(true, Ordering::Relaxed);
                self.refused.forgotten.fetch_add(1, Ordering::Relaxed);
            }
        }
        let any: IpAddr = match self.to {
            SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
            SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
        };
        let socket = UdpSocket::bind(SocketAddr::new(any, 0))?;
        socket.connect(self.to)?;
        socket.set_read_timeout(Some(POLL))?;
        let flow = Arc::new(Flow {
            socket,
            last_active: AtomicU64::new(now.as_millis() as u64),
            closed: AtomicBool::new(false),
        });
        flows.insert(client, Arc::clone(&flow));
        let (relay, reader) = (Arc::clone(self), Arc::clone(&flow));
        thread::Builder::new()
            .name(format!("from server to {client}"))
            .spawn(move || relay.carry_replies(&reader, client))?;
        Ok(Some((flow, true)))
    }

    /// One client's replies: from the server, through the link, back to the client, until the
    /// client is forgotten.
    fn carry_replies(&self, flow: &Flow, client: SocketAddr) {
        let mut buffer = vec![0u8; 65_536];
        while !self.stop.load(Ordering::Relaxed) && !flow.closed.load(Ordering::Relaxed) {
            let len = match flow.socket.recv(&mut buffer) {
                Ok(len) => len,
                // Nothing listens at the server's address (yet): the OS tells us through an
                // ICMP message; the client will find out by its own timeout, as without us.
                Err(err)
                    if is_transient(&err) || err.kind() == io::ErrorKind::ConnectionRefused =>
                {
                    continue;
                }
                Err(err) => {
                    eprintln!("receiving from the server for {client} failed: {err}");
                    return;
                }
            };
            let id = self.captured(self.to, &flow.socket, &buffer[..len]);
            let now = self.start.elapsed();
            flow.touch(now);
            let fates = lock(&self.down).decide_and_damage(&mut buffer[..len], now);
            for due in fates {
                self.deliver(due, Target::Client(client), &buffer[..len], id);
            }
        }
    }

    /// Sends now, or puts the datagram in the timetable (if the timetable has room for it).
    fn deliver(&self, due: Duration, target: Target, bytes: &[u8], id: u32) {
        let mut table = lock(&self.timetable);
        if due <= self.start.elapsed() && table.queue.is_empty() {
            drop(table);
            self.send(&target, bytes, id);
            return;
        }
        if table.bytes + bytes.len() > self.limits.held_bytes {
            self.refused.held.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let order = self.order.fetch_add(1, Ordering::Relaxed);
        table.bytes += bytes.len();
        table.queue.push(Reverse(Pending {
            due,
            order,
            target,
            bytes: bytes.to_vec(),
            id,
        }));
        drop(table);
        self.wake.notify_one();
    }

    fn send(&self, target: &Target, bytes: &[u8], id: u32) {
        // A send can fail when nothing listens (an ICMP message from an earlier datagram):
        // that datagram is lost, like on a real network.
        let sent = match target {
            Target::Server(flow) => {
                let sent = flow.socket.send(bytes);
                if sent.is_ok() {
                    self.to_server_bytes
                        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                }
                sent
            }
            Target::Client(client) => self.front.send_to(bytes, client),
        };
        if let (Ok(_), Some(capture)) = (sent, self.capture.get()) {
            let (from, to) = match target {
                Target::Server(flow) => (flow.socket.local_addr(), self.to),
                Target::Client(client) => (self.front.local_addr(), *client),
            };
            if let Ok(from) = from {
                capture.sent(from, to, id, bytes);
            }
        }
    }

    /// `--pcap`: records a datagram received from `from` on `socket`, and returns its number
    /// (0 without a capture).
    fn captured(&self, from: SocketAddr, socket: &UdpSocket, bytes: &[u8]) -> u32 {
        // Without a capture, not even the system call that asks the socket's address.
        let Some(capture) = self.capture.get() else {
            return 0;
        };
        match socket.local_addr() {
            Ok(own) => capture.received(from, own, bytes),
            Err(_) => 0,
        }
    }

    /// The timetable's thread: sleeps until the earliest datagram is due, sends it.
    fn empty_timetable(&self) {
        let mut table = lock(&self.timetable);
        while !self.stop.load(Ordering::Relaxed) {
            let now = self.start.elapsed();
            let wait = match table.queue.peek() {
                Some(Reverse(first)) if first.due <= now => {
                    if let Some(Reverse(first)) = table.queue.pop() {
                        table.bytes -= first.bytes.len();
                        // Send without holding the lock, so the receiving threads never wait.
                        drop(table);
                        self.send(&first.target, &first.bytes, first.id);
                        table = lock(&self.timetable);
                    }
                    continue;
                }
                Some(Reverse(first)) => first.due - now,
                None => POLL,
            };
            table = self
                .wake
                .wait_timeout(table, wait)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0);
        }
    }
}

fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    ) || common::is_stale_icmp_error(err)
}

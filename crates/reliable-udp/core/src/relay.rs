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
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::link::{Counters, Direction, Impairment};

/// How many clients the relay serves at once: each has a socket and a thread.
pub const MAX_FLOWS: usize = 256;

/// How often the relay's threads look at the stop flag.
const POLL: Duration = Duration::from_millis(100);

/// Where a waiting datagram goes.
enum Target {
    /// To the server, through this client's own socket.
    Server(Arc<UdpSocket>),
    /// Back to a client, through the front socket.
    Client(SocketAddr),
}

struct Pending {
    due: Duration,
    order: u64,
    target: Target,
    bytes: Vec<u8>,
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

/// A running relay.
pub struct Relay {
    front: Arc<UdpSocket>,
    to: SocketAddr,
    start: Instant,
    /// Client to server, and server to client.
    up: Mutex<Direction>,
    down: Mutex<Direction>,
    flows: Mutex<HashMap<SocketAddr, Arc<UdpSocket>>>,
    refused_flows: AtomicU64,
    /// Datagrams that claimed to come from the relay itself (see [`Relay::is_ourselves`]).
    refused_loops: AtomicU64,
    timetable: Mutex<BinaryHeap<Reverse<Pending>>>,
    wake: Condvar,
    order: AtomicU64,
    stop: AtomicBool,
}

/// A poisoned lock only means another thread panicked while holding it; the counters inside
/// are still worth reading.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Relay {
    /// A relay from `front` (already bound) to the server at `to`, with one impairment per
    /// direction and the seed of both generators. Starts the timetable's thread.
    pub fn new(
        front: UdpSocket,
        to: SocketAddr,
        up: Impairment,
        down: Impairment,
        seed: u64,
    ) -> io::Result<Arc<Relay>> {
        // A relay aimed at itself would forward each datagram to itself, for ever.
        if to == front.local_addr()? {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("--to {to} is the link's own address: it would forward to itself"),
            ));
        }
        front.set_read_timeout(Some(POLL))?;
        let relay = Arc::new(Relay {
            front: Arc::new(front),
            to,
            start: Instant::now(),
            up: Mutex::new(Direction::new(up, seed)),
            // The other direction draws from its own sequence, so the traffic one way never
            // changes the fates of the other.
            down: Mutex::new(Direction::new(down, seed ^ 0x5DEE_CE66_D1CE_F00D)),
            flows: Mutex::new(HashMap::new()),
            refused_flows: AtomicU64::new(0),
            refused_loops: AtomicU64::new(0),
            timetable: Mutex::new(BinaryHeap::new()),
            wake: Condvar::new(),
            order: AtomicU64::new(0),
            stop: AtomicBool::new(false),
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

    /// The summary printed at the end.
    pub fn report(&self) -> String {
        let (up, down) = self.counters();
        let mut text = format!("client -> server: {up}\nserver -> client: {down}");
        let loops = self.refused_loops.load(Ordering::Relaxed);
        if loops > 0 {
            text.push_str(&format!(
                "\n{loops} datagrams dropped that claimed to come from the link itself (forged)"
            ));
        }
        let refused = self.refused_flows.load(Ordering::Relaxed);
        if refused > 0 {
            text.push_str(&format!(
                "\n{refused} datagrams from new clients dropped: {MAX_FLOWS} clients at once at most"
            ));
        }
        text
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
        while !self.stop.load(Ordering::Relaxed) {
            let (len, client) = match self.front.recv_from(&mut buffer) {
                Ok(got) => got,
                // Timeouts let us look at the stop flag; Windows reports a reply we sent to a
                // client that has gone as an error on the next receive. Neither stops us.
                Err(err) if is_transient(&err) => continue,
                Err(err) => return Err(err),
            };
            // UDP lets a sender write any address: a datagram "from" one of our own sockets
            // would make the relay feed itself (the echo/chargen loop of lesson 3).
            if self.is_ourselves(client) {
                self.refused_loops.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let flow = match self.flow(client) {
                Ok(Some((flow, true))) => {
                    new_client(client, flow.local_addr()?)?;
                    flow
                }
                Ok(Some((flow, false))) => flow,
                Ok(None) => {
                    self.refused_flows.fetch_add(1, Ordering::Relaxed);
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
            let fates = lock(&self.up).decide(len, self.start.elapsed());
            for due in fates {
                self.deliver(due, Target::Server(Arc::clone(&flow)), &buffer[..len]);
            }
        }
        Ok(())
    }

    /// Does `from` name one of the relay's own sockets (its front, or a socket it opened
    /// towards the server for some client) on this machine?
    fn is_ourselves(&self, from: SocketAddr) -> bool {
        let local = from.ip().is_loopback()
            || from.ip().is_unspecified()
            || self
                .front
                .local_addr()
                .is_ok_and(|front| front.ip() == from.ip());
        if !local {
            return false;
        }
        if self
            .front
            .local_addr()
            .is_ok_and(|front| front.port() == from.port())
        {
            return true;
        }
        lock(&self.flows)
            .values()
            .any(|flow| flow.local_addr().is_ok_and(|own| own.port() == from.port()))
    }

    /// This client's socket towards the server, opened (and its reader started) on first use.
    /// `None` when there are too many clients already.
    fn flow(self: &Arc<Self>, client: SocketAddr) -> io::Result<Option<(Arc<UdpSocket>, bool)>> {
        let mut flows = lock(&self.flows);
        if let Some(flow) = flows.get(&client) {
            return Ok(Some((Arc::clone(flow), false)));
        }
        if flows.len() >= MAX_FLOWS {
            return Ok(None);
        }
        let any: IpAddr = match self.to {
            SocketAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
            SocketAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
        };
        let socket = UdpSocket::bind(SocketAddr::new(any, 0))?;
        socket.connect(self.to)?;
        socket.set_read_timeout(Some(POLL))?;
        let socket = Arc::new(socket);
        flows.insert(client, Arc::clone(&socket));
        let (relay, reader) = (Arc::clone(self), Arc::clone(&socket));
        thread::Builder::new()
            .name(format!("from server to {client}"))
            .spawn(move || relay.carry_replies(&reader, client))?;
        Ok(Some((socket, true)))
    }

    /// One client's replies: from the server, through the link, back to the client.
    fn carry_replies(&self, socket: &UdpSocket, client: SocketAddr) {
        let mut buffer = vec![0u8; 65_536];
        while !self.stop.load(Ordering::Relaxed) {
            let len = match socket.recv(&mut buffer) {
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
            let fates = lock(&self.down).decide(len, self.start.elapsed());
            for due in fates {
                self.deliver(due, Target::Client(client), &buffer[..len]);
            }
        }
    }

    /// Sends now, or puts the datagram in the timetable.
    fn deliver(&self, due: Duration, target: Target, bytes: &[u8]) {
        if due <= self.start.elapsed() && lock(&self.timetable).is_empty() {
            self.send(&target, bytes);
            return;
        }
        let order = self.order.fetch_add(1, Ordering::Relaxed);
        lock(&self.timetable).push(Reverse(Pending {
            due,
            order,
            target,
            bytes: bytes.to_vec(),
        }));
        self.wake.notify_one();
    }

    fn send(&self, target: &Target, bytes: &[u8]) {
        // A send can fail when nothing listens (an ICMP message from an earlier datagram):
        // that datagram is lost, like on a real network.
        let _ = match target {
            Target::Server(socket) => socket.send(bytes),
            Target::Client(client) => self.front.send_to(bytes, client),
        };
    }

    /// The timetable's thread: sleeps until the earliest datagram is due, sends it.
    fn empty_timetable(&self) {
        let mut table = lock(&self.timetable);
        while !self.stop.load(Ordering::Relaxed) {
            let now = self.start.elapsed();
            let wait = match table.peek() {
                Some(Reverse(first)) if first.due <= now => {
                    if let Some(Reverse(first)) = table.pop() {
                        // Send without holding the lock, so the receiving threads never wait.
                        drop(table);
                        self.send(&first.target, &first.bytes);
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

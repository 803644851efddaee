//! The lossy link's capture (`lossy-link --pcap FILE`): every datagram the link receives and
//! every copy it sends, on both legs, in a pcap file that tcpdump and Wireshark open.
//!
//! Capturing loopback traffic with tcpdump needs root; the link sees every datagram of a run
//! anyway, so it writes them itself. Each one gets real IP and UDP headers (built by
//! `etherparse`, lengths and checksums right), with the addresses and ports as seen on its leg:
//!
//! ```text
//!  client ──(1)──▶ link front ┄┄ link's socket for that client ──(2)──▶ server
//!  client ◀──(4)── link front ┄┄ link's socket for that client ◀──(3)── server
//! ```
//!
//! A datagram the link lost appears once, as received (1 or 3), with no copy sent on (2 or 4):
//! it is left out of the delivered leg. A duplicated one is sent on twice.
//!
//! The link numbers each datagram it receives, and writes that number in the IPv4
//! identification field (IPv6: the flow label) of the datagram as received and of every copy
//! it sends on: in Wireshark, `ip.id == 7` shows one datagram on both legs.
//!
//! The link is an attack surface (lesson 9's attack table), so the capture is bounded: the file
//! stops growing at its size limit (the report says so, and how many were left out), and a
//! relaying thread never waits for the disk: it hands the datagram to the writer's thread
//! through a bounded queue, and when that is full the datagram is left out of the file (and
//! counted), not held up.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use etherparse::{IpNumber, Ipv4Header, Ipv6FlowLabel, Ipv6Header, NetHeaders, PacketHeaders};
use etherparse::{PayloadSlice, TransportHeader, UdpHeader};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

/// The file's size limit unless `--pcap-limit` says otherwise.
pub const DEFAULT_LIMIT: u64 = 64_000_000;

/// Datagrams waiting for the writer's thread, at most, and their bytes at most.
const QUEUE: usize = 4096;
const QUEUED_BYTES: usize = 8 << 20;

/// One datagram of a capture, as written or read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// When, since the Unix epoch (microseconds in the file).
    pub at: Duration,
    pub from: SocketAddr,
    pub to: SocketAddr,
    /// The link's number of the datagram (16 bits over IPv4, 20 over IPv6).
    pub id: u32,
    pub payload: Vec<u8>,
}

enum Message {
    Packet(Packet),
    /// Flush the file, and say so.
    Flush(mpsc::Sender<io::Result<()>>),
}

/// The capture of a running link: cheap to call from every relaying thread.
pub struct Capture {
    queue: Mutex<SyncSender<Message>>,
    /// The wall clock at `start`, so that timestamps are real dates and never go back.
    epoch: Duration,
    start: Instant,
    next_id: AtomicU32,
    queued_bytes: Arc<AtomicUsize>,
    limit: u64,
    written: Arc<AtomicU64>,
    /// Left out: the queue was full, or the file reached its limit.
    missed_busy: AtomicU64,
    missed_limit: Arc<AtomicU64>,
    /// The writer failed (disk full...): its error, once.
    failed: Arc<Mutex<Option<String>>>,
    finished: AtomicBool,
}

/// The capture's counts, for the link's final report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub written: u64,
    pub missed_busy: u64,
    pub missed_limit: u64,
    pub limit: u64,
    pub failed: Option<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "capture: {} datagrams written", self.written)?;
        if self.missed_limit > 0 {
            write!(
                f,
                "; the file reached its limit of {} bytes, {} more left out",
                self.limit, self.missed_limit
            )?;
        }
        if self.missed_busy > 0 {
            write!(
                f,
                "; {} left out because the disk fell behind (the relay never waits for it)",
                self.missed_busy
            )?;
        }
        if let Some(err) = &self.failed {
            write!(f, "; writing stopped: {err}")?;
        }
        Ok(())
    }
}

impl Capture {
    /// Creates `path` (a pcap of raw IP packets, microsecond timestamps) and starts the thread
    /// that writes it, until the file holds `limit` bytes.
    pub fn create(path: &Path, limit: u64) -> io::Result<Arc<Capture>> {
        let file = File::create(path)
            .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", path.display())))?;
        let header = PcapHeader {
            datalink: DataLink::RAW,
            ts_resolution: TsResolution::MicroSecond,
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let writer =
            PcapWriter::with_header(BufWriter::new(file), header).map_err(io::Error::other)?;
        let (sender, receiver) = mpsc::sync_channel(QUEUE);
        let capture = Arc::new(Capture {
            queue: Mutex::new(sender),
            epoch: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
            start: Instant::now(),
            next_id: AtomicU32::new(1),
            queued_bytes: Arc::new(AtomicUsize::new(0)),
            limit,
            written: Arc::new(AtomicU64::new(0)),
            missed_busy: AtomicU64::new(0),
            missed_limit: Arc::new(AtomicU64::new(0)),
            failed: Arc::new(Mutex::new(None)),
            finished: AtomicBool::new(false),
        });
        let job = Writer {
            writer: Some(writer),
            bytes: 24,
            limit,
            queued_bytes: Arc::clone(&capture.queued_bytes),
            written: Arc::clone(&capture.written),
            missed_limit: Arc::clone(&capture.missed_limit),
            failed: Arc::clone(&capture.failed),
        };
        thread::Builder::new()
            .name("pcap writer".into())
            .spawn(move || job.run(receiver))?;
        Ok(capture)
    }

    /// A datagram the link received: records it and returns the number its copies carry.
    pub fn received(&self, from: SocketAddr, to: SocketAddr, payload: &[u8]) -> u32 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.record(from, to, id, payload);
        id
    }

    /// A copy the link sent on, with the number of the datagram it is a copy of.
    pub fn sent(&self, from: SocketAddr, to: SocketAddr, id: u32, payload: &[u8]) {
        self.record(from, to, id, payload);
    }

    fn record(&self, from: SocketAddr, to: SocketAddr, id: u32, payload: &[u8]) {
        if self.finished.load(Ordering::Relaxed) {
            return;
        }
        if self.missed_limit.load(Ordering::Relaxed) > 0 {
            // Full already: not even a copy of the bytes.
            self.missed_limit.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let queued = self
            .queued_bytes
            .fetch_add(payload.len(), Ordering::Relaxed);
        let sent = if queued + payload.len() > QUEUED_BYTES {
            Err(())
        } else {
            let mut packet = Packet {
                at: Duration::ZERO,
                from: seen_as(from, to),
                to: seen_as(to, from),
                id,
                payload: payload.to_vec(),
            };
            // The timestamp is taken under the lock, so the file's times never go back; the
            // lock is held for that and a queue operation that never waits.
            let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            packet.at = self.epoch + self.start.elapsed();
            match queue.try_send(Message::Packet(packet)) {
                Ok(()) => Ok(()),
                Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(()),
            }
        };
        if sent.is_err() {
            self.queued_bytes
                .fetch_sub(payload.len(), Ordering::Relaxed);
            self.missed_busy.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Writes out what is queued and stops recording: the file is complete when this returns
    /// (or after `wait`, if the disk is that slow).
    pub fn finish(&self, wait: Duration) -> io::Result<()> {
        let (done, told) = mpsc::channel();
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        self.finished.store(true, Ordering::Relaxed);
        // Blocking here is fine: the relay has stopped, or is about to.
        let handed = queue.send(Message::Flush(done));
        drop(queue);
        if handed.is_err() {
            return Err(io::Error::other("the capture's writer has stopped"));
        }
        told.recv_timeout(wait)
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the capture's writer is late"))?
    }

    /// What was written and what was left out.
    pub fn summary(&self) -> Summary {
        Summary {
            written: self.written.load(Ordering::Relaxed),
            missed_busy: self.missed_busy.load(Ordering::Relaxed),
            missed_limit: self.missed_limit.load(Ordering::Relaxed),
            limit: self.limit,
            failed: self
                .failed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

/// A socket bound to the wildcard (`0.0.0.0:P`) sends from the address the OS picks for the
/// destination; on loopback that is the destination's own address. Elsewhere the wildcard
/// stays: the link cannot know which of the machine's addresses the OS picked.
fn seen_as(addr: SocketAddr, peer: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() && peer.ip().is_loopback() {
        SocketAddr::new(peer.ip(), addr.port())
    } else {
        addr
    }
}

/// The writer's thread and its file.
struct Writer {
    /// `None` once finished.
    writer: Option<PcapWriter<BufWriter<File>>>,
    bytes: u64,
    limit: u64,
    queued_bytes: Arc<AtomicUsize>,
    written: Arc<AtomicU64>,
    missed_limit: Arc<AtomicU64>,
    failed: Arc<Mutex<Option<String>>>,
}

impl Writer {
    fn run(mut self, queue: Receiver<Message>) {
        let mut broken = false;
        for message in queue {
            match message {
                Message::Packet(packet) => {
                    self.queued_bytes
                        .fetch_sub(packet.payload.len(), Ordering::Relaxed);
                    if !broken {
                        broken = self.write(&packet).is_err();
                    }
                }
                Message::Flush(done) => {
                    // The last message: nothing is recorded after `finish`.
                    let flushed = match self.writer.take() {
                        Some(writer) => writer.into_writer().flush(),
                        None => Ok(()),
                    };
                    let _ = done.send(flushed);
                }
            }
        }
    }

    fn write(&mut self, packet: &Packet) -> Result<(), ()> {
        // A datagram that IP cannot carry (never one the link received) is left out.
        let Some(ip) = ip_packet(packet.from, packet.to, packet.id, &packet.payload) else {
            return Ok(());
        };
        // 16 bytes of record header, then the packet.
        let size = 16 + ip.len() as u64;
        if self.bytes + size > self.limit {
            self.missed_limit.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let record = PcapPacket::new(packet.at, ip.len() as u32, &ip);
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        match writer.write_packet(&record) {
            Ok(_) => {
                self.bytes += size;
                self.written.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(err) => {
                *self.failed.lock().unwrap_or_else(PoisonError::into_inner) = Some(err.to_string());
                Err(())
            }
        }
    }
}

/// `payload` in a UDP datagram from `from` to `to`, in an IPv4 or IPv6 packet (IPv6 when either
/// address is: an IPv4 one then written as `::ffff:a.b.c.d`) whose identification field (IPv6:
/// flow label) holds `id`. `None` if IP cannot carry that much.
pub fn ip_packet(from: SocketAddr, to: SocketAddr, id: u32, payload: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(48 + payload.len());
    let udp_len = u16::try_from(UdpHeader::LEN + payload.len()).ok()?;
    match (from.ip(), to.ip()) {
        (IpAddr::V4(source), IpAddr::V4(destination)) => {
            let mut ip = Ipv4Header::new(
                udp_len,
                64,
                IpNumber::UDP,
                source.octets(),
                destination.octets(),
            )
            .ok()?;
            ip.identification = id as u16;
            ip.header_checksum = ip.calc_header_checksum();
            let udp = UdpHeader::with_ipv4_checksum(from.port(), to.port(), &ip, payload).ok()?;
            ip.write(&mut out).ok()?;
            udp.write(&mut out).ok()?;
        }
        (source, destination) => {
            let v6 = |ip: IpAddr| match ip {
                IpAddr::V4(v4) => v4.to_ipv6_mapped(),
                IpAddr::V6(v6) => v6,
            };
            let ip = Ipv6Header {
                traffic_class: 0,
                flow_label: Ipv6FlowLabel::try_new(id & 0xF_FFFF).ok()?,
                payload_length: udp_len,
                next_header: IpNumber::UDP,
                hop_limit: 64,
                source: v6(source).octets(),
                destination: v6(destination).octets(),
            };
            let udp = UdpHeader::with_ipv6_checksum(from.port(), to.port(), &ip, payload).ok()?;
            ip.write(&mut out).ok()?;
            udp.write(&mut out).ok()?;
        }
    }
    out.extend_from_slice(payload);
    Some(out)
}

/// The UDP datagrams of a pcap file (raw IP, IPv4, IPv6 or Ethernet records), in file order;
/// records that are not UDP are skipped. An error says what is wrong with the file.
pub fn read(file: &[u8]) -> Result<Vec<Packet>, String> {
    let mut reader = PcapReader::new(file).map_err(|err| format!("not a pcap file: {err}"))?;
    let link = reader.header().datalink;
    let mut packets = Vec::new();
    while let Some(record) = reader.next_packet() {
        let record = record.map_err(|err| format!("record {}: {err}", packets.len() + 1))?;
        let parsed = match link {
            DataLink::ETHERNET => PacketHeaders::from_ethernet_slice(&record.data).ok(),
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => {
                PacketHeaders::from_ip_slice(&record.data).ok()
            }
            other => return Err(format!("link type {other:?}: not IP packets")),
        };
        let Some(headers) = parsed else { continue };
        let (Some(net), Some(TransportHeader::Udp(udp)), PayloadSlice::Udp(payload)) =
            (&headers.net, &headers.transport, &headers.payload)
        else {
            continue;
        };
        let (from, to, id) = match net {
            NetHeaders::Ipv4(ip, _) => (
                IpAddr::from(ip.source),
                IpAddr::from(ip.destination),
                u32::from(ip.identification),
            ),
            NetHeaders::Ipv6(ip, _) => (
                IpAddr::from(ip.source),
                IpAddr::from(ip.destination),
                ip.flow_label.value(),
            ),
            NetHeaders::Arp(_) => continue,
        };
        packets.push(Packet {
            at: record.timestamp,
            from: SocketAddr::new(from, udp.source_port),
            to: SocketAddr::new(to, udp.destination_port),
            id,
            payload: payload.to_vec(),
        });
    }
    Ok(packets)
}

/// One datagram's journey through the link, as a capture tells it.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// Client to server (`true`) or back.
    pub up: bool,
    /// When the link received it, and when it sent each copy on (none: lost), since the
    /// capture's first datagram.
    pub received: Duration,
    pub sent: Vec<Duration>,
    pub payload: Vec<u8>,
}

/// The journeys in a capture the link wrote, in the order the link received them: each
/// datagram received is paired with the copies it sent on (the same number, on the other leg).
/// `server` is the link's `--to`: a datagram received from it goes down, one received from
/// anyone else goes up.
pub fn journeys(packets: &[Packet], server: SocketAddr) -> Vec<Journey> {
    let first = packets.first().map_or(Duration::ZERO, |p| p.at);
    let mut journeys: Vec<Journey> = Vec::new();
    // The newest journey of each number (numbers wrap after 65536 over IPv4).
    let mut newest: HashMap<u32, usize> = HashMap::new();
    for packet in packets {
        let at = packet.at.saturating_sub(first);
        // A copy sent on carries the number of a datagram received before it and goes the same
        // way: to the server, or back from the link to a client. (Not always the same bytes: a
        // link that corrupts flips a bit of the copy.)
        let copy_of = newest.get(&packet.id).copied().filter(|&i| {
            if journeys[i].up {
                packet.to == server
            } else {
                packet.from != server
            }
        });
        match copy_of {
            Some(i) => journeys[i].sent.push(at),
            None => {
                newest.insert(packet.id, journeys.len());
                journeys.push(Journey {
                    up: packet.from != server,
                    received: at,
                    sent: Vec::new(),
                    payload: packet.payload.clone(),
                });
            }
        }
    }
    journeys
}

/// Parses a size in bytes: `64MB`, `500KB`, `1000000` (1 KB = 1000 bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    crate::link::parse_rate(text)
        .map_err(|_| format!("'{text}' is not a size like 64MB, 500KB or 100000 (bytes)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn what_is_written_reads_back_with_its_addresses_number_and_payload() {
        let dir = std::env::temp_dir().join(format!("pcap-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.pcap");
        let capture = Capture::create(&path, DEFAULT_LIMIT).unwrap();
        let (client, front) = (addr("127.0.0.1:5000"), addr("127.0.0.1:8086"));
        let (via, server) = (addr("0.0.0.0:40001"), addr("127.0.0.1:8080"));
        let id = capture.received(client, front, b"hello");
        capture.sent(via, server, id, b"hello");
        let lost = capture.received(addr("[::1]:6000"), addr("[::1]:8086"), b"");
        capture.finish(Duration::from_secs(5)).unwrap();
        let packets = read(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(packets.len(), 3);
        assert_eq!((packets[0].from, packets[0].to), (client, front));
        // The wildcard the socket is bound to, as the server sees it: loopback.
        assert_eq!(packets[1].from, addr("127.0.0.1:40001"));
        assert_eq!(
            (packets[1].id, &packets[1].payload[..]),
            (id, &b"hello"[..])
        );
        assert_eq!((packets[2].id, packets[2].payload.len()), (lost, 0));
        assert!(packets[0].at <= packets[1].at && packets[1].at <= packets[2].at);
        let journeys = journeys(&packets, server);
        assert_eq!(journeys.len(), 2);
        assert_eq!(journeys[0].sent.len(), 1);
        assert!(
            journeys[1].sent.is_empty(),
            "the lost one has no copy sent on"
        );
        assert_eq!(capture.summary().written, 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_file_stops_at_its_limit_and_says_how_many_it_left_out() {
        let dir = std::env::temp_dir().join(format!("pcap-limit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("b.pcap");
        // The 24-byte file header and two records of 16 + 28 + 100 bytes fit in 320 bytes.
        let capture = Capture::create(&path, 320).unwrap();
        let (a, b) = (addr("127.0.0.1:5000"), addr("127.0.0.1:8086"));
        for _ in 0..10 {
            capture.received(a, b, &[7; 100]);
        }
        capture.finish(Duration::from_secs(5)).unwrap();
        let summary = capture.summary();
        assert_eq!((summary.written, summary.missed_limit), (2, 8), "{summary}");
        assert!(
            summary.to_string().contains("limit of 320 bytes"),
            "{summary}"
        );
        assert!(std::fs::metadata(&path).unwrap().len() <= 320);
        assert_eq!(read(&std::fs::read(&path).unwrap()).unwrap().len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn any_bytes_are_refused_or_read_never_a_panic() {
        let valid = {
            let mut file = Vec::new();
            let header = PcapHeader {
                datalink: DataLink::RAW,
                ..PcapHeader::default()
            };
            let mut writer = PcapWriter::with_header(&mut file, header).unwrap();
            let ip = ip_packet(addr("127.0.0.1:1"), addr("127.0.0.1:2"), 9, b"xyz").unwrap();
            writer
                .write_packet(&PcapPacket::new(Duration::ZERO, ip.len() as u32, &ip))
                .unwrap();
            file
        };
        assert_eq!(read(&valid).unwrap()[0].payload, b"xyz");
        assert!(read(b"").is_err() && read(b"hello, not a pcap").is_err());
        // Every prefix, and every byte flipped: an error or packets, never a panic.
        for cut in 0..valid.len() {
            let _ = read(&valid[..cut]);
        }
        for at in 0..valid.len() {
            let mut bad = valid.clone();
            bad[at] ^= 0xff;
            let _ = read(&bad);
        }
        assert_eq!(
            ip_packet(addr("127.0.0.1:1"), addr("127.0.0.1:2"), 0, &[0; 70_000]),
            None
        );
    }
}

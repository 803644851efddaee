//! Reliable delivery over datagrams (ARQ, "automatic repeat request"), as state machines that
//! never touch a socket or a clock: the caller hands them datagrams and the time, and sends what
//! they hand back. That is why the tests can run them on virtual time, and why the same code is
//! stop-and-wait (a window of 1, rdt 3.0 of Kurose and Ross), Go-Back-N and Selective Repeat.
//!
//! The sender numbers the file's pieces 0, 1, 2, ... and ends with a FIN numbered after the last
//! one. The receiver answers every packet with an ACK naming the packet (`seq`) and the first
//! one it still lacks (`ack`, cumulative). The sender keeps at most `window` packets in flight
//! and sends a packet again when its timer runs out (RFC 6298's RTO, doubled at each expiry).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use crate::cc::{Algorithm, NewReno};
use crate::rto::RttEstimator;
use crate::wire::{self, Header, Kind, Malformed};

/// What the sender does about a loss, and what the receiver keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The receiver keeps only the next packet in order; the sender, on a timeout, sends the
    /// whole window again.
    GoBackN,
    /// The receiver keeps packets that arrive early (up to the window); the sender sends again
    /// only the ones whose timer ran out, or that three later packets overtook.
    SelectiveRepeat,
}

/// How a sender behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Packets in flight at most: 1 is stop-and-wait.
    pub window: u32,
    pub mode: Mode,
    /// The RTO's floor and ceiling.
    pub min_rto: Duration,
    pub max_rto: Duration,
    /// How many timeouts in a row, with nothing acknowledged, before the sender gives up.
    pub max_retries: u32,
    /// File bytes per packet (at most [`wire::MAX_PAYLOAD`]).
    pub payload: usize,
    /// Congestion control: with NewReno, new packets also wait for room in the congestion
    /// window (lesson 10); `window` stays the ceiling.
    pub cc: Algorithm,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            window: 1,
            mode: Mode::SelectiveRepeat,
            min_rto: Duration::from_millis(200),
            max_rto: Duration::from_secs(4),
            max_retries: 8,
            payload: wire::MAX_PAYLOAD,
            cc: Algorithm::None,
        }
    }
}

/// What a sender has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SenderStats {
    /// Datagrams sent, first copies and retransmissions.
    pub datagrams: u64,
    /// Of those, retransmissions.
    pub retransmissions: u64,
    /// Bytes handed to the socket (headers included).
    pub wire_bytes: u64,
    /// Times the retransmission timer ran out.
    pub timeouts: u64,
    /// Retransmissions because three later packets were acknowledged first (Selective Repeat).
    pub fast_retransmits: u64,
    /// RTT samples taken: one per ACK at most, from the highest packet it newly acknowledges,
    /// if that packet was sent once (RFC 9002 5.1; Karn's rule).
    pub rtt_samples: u64,
    /// ACKs received, and datagrams that were not ACKs of this transfer.
    pub acks: u64,
    pub ignored: u64,
    /// ACKs for packets never sent (beyond the highest sent): forged, or from a confused
    /// receiver. Refused, so no one can end a transfer that never arrived (the CRC-32 of
    /// each header catches damage, not forgery).
    pub impossible_acks: u64,
}

/// A packet sent and not yet acknowledged.
#[derive(Clone, Debug)]
struct InFlight {
    sent_at: Duration,
    /// How many times it has been sent: more than 1 means no RTT sample (Karn).
    transmissions: u32,
    /// Waiting in the retransmission queue.
    queued: bool,
    /// When it was last sent, counted in transmissions: 0 for the sender's first, 1 for the
    /// next... An ACK for a packet sent later than this one overtakes it.
    order: u64,
    /// Packets sent after it and acknowledged before it (for fast retransmit).
    overtaken: u32,
}

/// The sending side of one transfer.
pub struct Sender {
    config: Config,
    transfer: u32,
    data: Vec<u8>,
    /// Sequence number of the FIN (= number of DATA packets).
    fin: u32,
    /// What the FIN carries: the file's length and SHA-256.
    fin_payload: Vec<u8>,
    /// The next packet never sent yet.
    next: u32,
    in_flight: BTreeMap<u32, InFlight>,
    retransmit: VecDeque<u32>,
    /// Transmissions so far (the next one's `order`).
    transmissions: u64,
    rtt: RttEstimator,
    /// Timeouts since the last ACK that acknowledged something new.
    silent_timeouts: u32,
    stats: SenderStats,
    failure: Option<String>,
    /// The congestion controller, with `--cc newreno`.
    cc: Option<NewReno>,
}

impl Sender {
    /// A sender for `data`, under the transfer id `transfer` (any number; the receiver uses it
    /// to tell this transfer from an earlier one).
    pub fn new(transfer: u32, data: Vec<u8>, mut config: Config) -> Sender {
        config.payload = config.payload.clamp(1, wire::MAX_PAYLOAD);
        config.window = config.window.max(1);
        let fin = data.len().div_ceil(config.payload) as u32;
        let rtt = RttEstimator::new(config.min_rto, config.max_rto);
        let fin_payload = wire::fin_payload(&data);
        let cc = (config.cc == Algorithm::NewReno).then(|| NewReno::new(config.payload as u64));
        Sender {
            config,
            transfer,
            data,
            fin,
            fin_payload,
            next: 0,
            in_flight: BTreeMap::new(),
            retransmit: VecDeque::new(),
            transmissions: 0,
            rtt,
            silent_timeouts: 0,
            stats: SenderStats::default(),
            failure: None,
            cc,
        }
    }

    /// The oldest packet not yet acknowledged (everything below it is).
    fn base(&self) -> u32 {
        self.in_flight.keys().next().copied().unwrap_or(self.next)
    }

    /// Every packet, the FIN included, has been acknowledged.
    pub fn is_done(&self) -> bool {
        self.next > self.fin && self.in_flight.is_empty()
    }

    /// Why the sender gave up, if it did.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    pub fn stats(&self) -> &SenderStats {
        &self.stats
    }

    pub fn rtt(&self) -> &RttEstimator {
        &self.rtt
    }

    /// The congestion controller, if the sender runs one.
    pub fn congestion(&self) -> Option<&NewReno> {
        self.cc.as_ref()
    }

    /// Room for a new packet under the congestion window: packets in flight (not waiting to
    /// be sent again) fewer than its segments. Always, without congestion control.
    fn congestion_allows(&self) -> bool {
        self.cc.as_ref().is_none_or(|cc| {
            let in_flight = self.in_flight.values().filter(|s| !s.queued).count();
            (in_flight as u64) < cc.window_segments()
        })
    }

    /// The next datagram to send now, if any: a retransmission first, then a new packet if the
    /// window has room. Call it until it returns `None`.
    pub fn poll_transmit(&mut self, now: Duration) -> Option<Vec<u8>> {
        if self.failure.is_some() {
            return None;
        }
        while let Some(seq) = self.retransmit.pop_front() {
            let Some(slot) = self.in_flight.get_mut(&seq) else {
                continue; // acknowledged while it waited in the queue
            };
            slot.queued = false;
            slot.sent_at = now;
            slot.transmissions += 1;
            slot.order = self.transmissions;
            slot.overtaken = 0;
            self.transmissions += 1;
            self.stats.retransmissions += 1;
            return Some(self.packet(seq));
        }
        if self.next <= self.fin
            && self.next < self.base().saturating_add(self.config.window)
            && self.congestion_allows()
        {
            let seq = self.next;
            self.next += 1;
            self.in_flight.insert(
                seq,
                InFlight {
                    sent_at: now,
                    transmissions: 1,
                    queued: false,
                    order: self.transmissions,
                    overtaken: 0,
                },
            );
            self.transmissions += 1;
            return Some(self.packet(seq));
        }
        None
    }

    fn packet(&mut self, seq: u32) -> Vec<u8> {
        let (kind, payload) = if seq == self.fin {
            (Kind::Fin, &self.fin_payload[..])
        } else {
            let start = seq as usize * self.config.payload;
            let end = (start + self.config.payload).min(self.data.len());
            (Kind::Data, &self.data[start..end])
        };
        let header = Header {
            kind,
            transfer: self.transfer,
            seq,
            ack: 0,
        };
        let packet = wire::encode(header, payload);
        self.stats.datagrams += 1;
        self.stats.wire_bytes += packet.len() as u64;
        packet
    }

    /// When the oldest timer runs out, if anything is in flight.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.in_flight
            .values()
            .filter(|slot| !slot.queued)
            .map(|slot| slot.sent_at + self.rtt.rto())
            .min()
    }

    /// Checks the timers: packets whose RTO has passed are queued to be sent again (all the
    /// window's with Go-Back-N), and the RTO doubles. After `max_retries` timeouts in a row
    /// with nothing acknowledged, the sender gives up instead.
    pub fn on_timeout(&mut self, now: Duration) {
        let rto = self.rtt.rto();
        let expired: Vec<u32> = self
            .in_flight
            .iter()
            .filter(|(_, slot)| !slot.queued && slot.sent_at + rto <= now)
            .map(|(&seq, _)| seq)
            .collect();
        let Some(&first) = expired.first() else {
            return;
        };
        self.stats.timeouts += 1;
        // Like TCP, give up after so many timeouts in a row with nothing acknowledged between
        // them: the receiver (or the path to it) is gone. Any progress starts the count again.
        if self.silent_timeouts >= self.config.max_retries {
            self.failure = Some(format!(
                "gave up after {} timeouts in a row with no acknowledgement (packet {first} \
                 unanswered): is the receiver running?",
                self.config.max_retries + 1
            ));
            return;
        }
        self.silent_timeouts += 1;
        self.rtt.back_off();
        if let Some(cc) = &mut self.cc {
            cc.on_timeout(now);
        }
        let again: Vec<u32> = match self.config.mode {
            Mode::GoBackN => self.in_flight.keys().copied().collect(),
            Mode::SelectiveRepeat => expired,
        };
        for seq in again {
            self.queue_again(seq);
        }
    }

    fn queue_again(&mut self, seq: u32) {
        if let Some(slot) = self.in_flight.get_mut(&seq) {
            if !slot.queued {
                slot.queued = true;
                self.retransmit.push_back(seq);
            }
        }
    }

    /// Takes a datagram from the receiver.
    pub fn on_datagram(&mut self, datagram: &[u8], now: Duration) {
        let header = match wire::decode(datagram) {
            Ok((header, _)) if header.kind == Kind::Ack && header.transfer == self.transfer => {
                header
            }
            _ => {
                self.stats.ignored += 1;
                return;
            }
        };
        // `ack` says "everything below this has arrived" and `seq` "this one has": neither can
        // name a packet we never sent. Anyone can write a header and its CRC-32 (it is not a
        // keyed MAC), so such an ACK is refused and counted, not believed.
        let seq_unsent = self.config.mode == Mode::SelectiveRepeat && header.seq >= self.next;
        if header.ack > self.next || seq_unsent {
            self.stats.impossible_acks += 1;
            return;
        }
        self.stats.acks += 1;
        // Everything below `ack` has arrived (cumulative), and so has `seq` itself (with
        // Selective Repeat, possibly out of order).
        let below: Vec<u32> = self
            .in_flight
            .range(..header.ack)
            .map(|(&s, _)| s)
            .collect();
        let mut newest = None;
        for seq in below {
            newest = self.acknowledge(seq).or(newest);
        }
        let selective = self.config.mode == Mode::SelectiveRepeat;
        let acked = if selective {
            self.acknowledge(header.seq)
        } else {
            None
        };
        if let Some(slot) = acked.as_ref().or(newest.as_ref()) {
            self.sample_rtt(slot, now);
        }
        if let Some(acked) = acked {
            // Fast retransmit: a packet that three packets sent after it have overtaken is
            // lost, most likely; do not wait for its timer. ("After": a packet sent again is
            // only overtaken by packets sent after its new copy.)
            let mut lost = Vec::new();
            for (&seq, slot) in self.in_flight.range_mut(..header.seq) {
                if slot.order > acked.order {
                    continue;
                }
                slot.overtaken += 1;
                if slot.overtaken == 3 && !slot.queued {
                    lost.push(seq);
                    if let Some(cc) = &mut self.cc {
                        cc.on_loss(slot.sent_at, now);
                    }
                }
            }
            for seq in lost {
                self.stats.fast_retransmits += 1;
                self.queue_again(seq);
            }
        }
    }

    /// Marks `seq` acknowledged; what we knew of it, if it was in flight.
    fn acknowledge(&mut self, seq: u32) -> Option<InFlight> {
        let slot = self.in_flight.remove(&seq)?;
        self.silent_timeouts = 0;
        if let Some(cc) = &mut self.cc {
            cc.on_ack(slot.sent_at, self.config.payload as u64);
        }
        Some(slot)
    }

    /// One RTT sample per ACK at most, from `slot`: the highest packet the ACK newly
    /// acknowledges (RFC 9002 5.1). The packets a cumulative ACK clears below it were
    /// answered earlier, by ACKs that were lost or came late: their time would measure that
    /// wait, not the round trip.
    fn sample_rtt(&mut self, slot: &InFlight, now: Duration) {
        // Karn's rule: an ACK for a packet sent twice may answer either copy, so its time says
        // nothing about the round trip. Only packets sent once give an RTT sample.
        if slot.transmissions == 1 {
            self.rtt.sample(now.saturating_sub(slot.sent_at));
            self.stats.rtt_samples += 1;
        }
    }
}

/// What a receiver has seen, over all transfers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceiverStats {
    pub datagrams: u64,
    /// Packets taken into a file.
    pub accepted: u64,
    /// Packets that had arrived already (their ACK was lost, or the link copied them).
    pub duplicates: u64,
    /// Packets beyond the receive window (with Go-Back-N: any packet out of order).
    pub out_of_window: u64,
    pub garbage: u64,
    pub truncated: u64,
    pub corrupt: u64,
    /// Packets of a new transfer while every place was taken, or of one dropped as too big.
    pub other_transfer: u64,
    /// Transfers dropped because they grew past the receiver's largest file.
    pub too_big: u64,
}

impl ReceiverStats {
    /// Datagrams dropped as not ours or damaged.
    pub fn malformed(&self) -> u64 {
        self.garbage + self.truncated + self.corrupt
    }
}

/// A file that arrived whole.
#[derive(Debug)]
pub struct Delivered {
    pub transfer: u32,
    pub data: Vec<u8>,
    /// What the FIN announced, if the file put together is not that: its length and SHA-256
    /// (in hex). A sender's bug, or a forged FIN: each packet passed its CRC-32, the whole
    /// file did not.
    pub mismatch: Option<(u64, String)>,
}

/// What the receiver makes of one datagram.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The ACK to send back to the datagram's sender, if any.
    pub reply: Option<Vec<u8>>,
    /// A file completed by this datagram.
    pub delivered: Option<Delivered>,
    /// Why the datagram was dropped, if it was not ours at all.
    pub malformed: Option<Malformed>,
}

struct Transfer {
    id: u32,
    /// The first packet not yet received: everything below it is in `data`.
    expected: u32,
    /// Packets that came early (Selective Repeat only). The FIN is stored as `None`.
    early: BTreeMap<u32, Option<Vec<u8>>>,
    /// The length and SHA-256 the FIN announced, once it came.
    fin: Option<(u64, String)>,
    data: Vec<u8>,
    /// Bytes it holds: `data` and the early pieces.
    held: usize,
    /// When it last brought a packet we did not have: a transfer that only repeats itself
    /// (or is silent) for [`Receiver::ABANDONED_AFTER`] may lose its place to a new one.
    last_progress: Duration,
}

/// The receiving side: up to [`Receiver::MAX_TRANSFERS`] transfers at once, each told apart
/// by its transfer id, so that one sender (or someone forging its packets) cannot keep every
/// other sender out.
pub struct Receiver {
    mode: Mode,
    window: u32,
    /// The most bytes all the transfers in progress may hold together (so also one file).
    max_file: usize,
    transfers: HashMap<u32, Transfer>,
    /// Bytes held by all of them.
    held: usize,
    /// The transfer of the last datagram taken.
    last: Option<u32>,
    /// Recently finished transfers and their FIN's number, to answer a FIN sent again because
    /// our ACK of it was lost.
    finished: VecDeque<(u32, u32)>,
    /// Recent transfers dropped as too big: the rest of their packets are ignored.
    too_big: VecDeque<u32>,
    stats: ReceiverStats,
}

impl Receiver {
    /// A transfer that has brought nothing new for this long may lose its place to a new one.
    pub const ABANDONED_AFTER: Duration = Duration::from_secs(10);

    /// Transfers served at once.
    pub const MAX_TRANSFERS: usize = 8;

    /// The most bytes the transfers in progress hold together unless told: a transfer that
    /// would take them past it is dropped, so an endless one cannot take all the memory.
    pub const MAX_FILE: usize = 1 << 30;

    pub fn new(mode: Mode, window: u32) -> Receiver {
        Self::with_max_file(mode, window, Self::MAX_FILE)
    }

    /// A receiver whose transfers hold at most `max_file` bytes together.
    pub fn with_max_file(mode: Mode, window: u32, max_file: usize) -> Receiver {
        // Go-Back-N's receiver keeps nothing out of order: its window is 1.
        let window = match mode {
            Mode::GoBackN => 1,
            Mode::SelectiveRepeat => window.max(1),
        };
        Receiver {
            mode,
            window,
            max_file,
            transfers: HashMap::new(),
            held: 0,
            last: None,
            finished: VecDeque::new(),
            too_big: VecDeque::new(),
            stats: ReceiverStats::default(),
        }
    }

    pub fn stats(&self) -> &ReceiverStats {
        &self.stats
    }

    /// The transfer of the last datagram taken, if still in progress, and its bytes received
    /// in order so far.
    pub fn in_progress(&self) -> Option<(u32, usize)> {
        let t = self.transfers.get(&self.last?)?;
        Some((t.id, t.data.len()))
    }

    /// Remembers `id` in a short list (of [`Receiver::MAX_TRANSFERS`]), the oldest forgotten.
    fn remember<T>(list: &mut VecDeque<T>, item: T) {
        if list.len() >= Self::MAX_TRANSFERS {
            list.pop_front();
        }
        list.push_back(item);
    }

    /// Ends transfer `id`, giving back what it held.
    fn end(&mut self, id: u32) -> Option<Transfer> {
        let t = self.transfers.remove(&id)?;
        self.held -= t.held;
        Some(t)
    }

    /// Takes one datagram that arrived at time `now`.
    pub fn on_datagram(&mut self, datagram: &[u8], now: Duration) -> Outcome {
        self.stats.datagrams += 1;
        let (header, payload) = match wire::decode(datagram) {
            Ok(ok) => ok,
            Err(why) => {
                match why {
                    Malformed::Garbage => self.stats.garbage += 1,
                    Malformed::Truncated => self.stats.truncated += 1,
                    Malformed::Corrupt => self.stats.corrupt += 1,
                }
                return Outcome {
                    malformed: Some(why),
                    ..Outcome::default()
                };
            }
        };
        // An ACK, or a FIN without a length and hash, is not something a sender sends.
        let fin = match header.kind {
            Kind::Fin => wire::read_fin_payload(payload),
            _ => None,
        };
        if header.kind == Kind::Ack || (header.kind == Kind::Fin && fin.is_none()) {
            self.stats.garbage += 1;
            return Outcome {
                malformed: Some(Malformed::Garbage),
                ..Outcome::default()
            };
        }
        // The FIN (or a late packet) of the transfer just finished: our last ACK was lost, or
        // the link delayed a copy. Answer it again, so the sender can end too.
        let id = header.transfer;
        if let Some(&(_, fin)) = self.finished.iter().find(|(done, _)| *done == id) {
            self.stats.duplicates += 1;
            return self.ack(id, header.seq, fin + 1);
        }
        if self.too_big.contains(&id) {
            self.stats.other_transfer += 1;
            return Outcome::default();
        }
        if !self.transfers.contains_key(&id) {
            if self.transfers.len() >= Self::MAX_TRANSFERS {
                // Every place is taken: the transfer stuck longest gives its place, if it has
                // brought nothing new for ABANDONED_AFTER.
                let stuck = self
                    .transfers
                    .values()
                    .filter(|t| now.saturating_sub(t.last_progress) > Self::ABANDONED_AFTER)
                    .min_by_key(|t| t.last_progress)
                    .map(|t| t.id);
                match stuck {
                    Some(stuck) => {
                        self.end(stuck);
                    }
                    None => {
                        self.stats.other_transfer += 1;
                        return Outcome::default();
                    }
                }
            }
            self.transfers.insert(
                id,
                Transfer {
                    id,
                    expected: 0,
                    early: BTreeMap::new(),
                    fin: None,
                    data: Vec::new(),
                    held: 0,
                    last_progress: now,
                },
            );
        }
        self.last = Some(id);
        let (window, mode, max_file, held) = (self.window, self.mode, self.max_file, self.held);
        let Some(t) = self.transfers.get_mut(&id) else {
            return Outcome::default();
        };
        let seq = header.seq;
        if seq < t.expected {
            self.stats.duplicates += 1;
            let expected = t.expected;
            return self.ack(id, seq, expected);
        }
        if seq >= t.expected.saturating_add(window) {
            self.stats.out_of_window += 1;
            // Go-Back-N answers with its cumulative ACK (the sender learns what is missing);
            // Selective Repeat never sent that far, so this came from elsewhere: no answer.
            return match mode {
                Mode::GoBackN => {
                    let expected = t.expected;
                    self.ack(id, expected.wrapping_sub(1), expected)
                }
                Mode::SelectiveRepeat => Outcome::default(),
            };
        }
        if t.early.contains_key(&seq) {
            self.stats.duplicates += 1;
            let expected = t.expected;
            return self.ack(id, seq, expected);
        }
        // What all the transfers hold, and this piece: past the most we take, this transfer is
        // dropped (and another may start at once).
        if held + payload.len() > max_file {
            self.stats.too_big += 1;
            Self::remember(&mut self.too_big, id);
            self.end(id);
            return Outcome::default();
        }
        let piece = match header.kind {
            Kind::Fin => {
                t.fin = fin;
                None
            }
            _ => Some(payload.to_vec()),
        };
        t.early.insert(seq, piece);
        t.held += payload.len();
        t.last_progress = now;
        self.held += payload.len();
        self.stats.accepted += 1;
        // Deliver what is now in order.
        let mut fin_reached = false;
        while let Some(piece) = t.early.remove(&t.expected) {
            t.expected += 1;
            match piece {
                Some(bytes) => t.data.extend_from_slice(&bytes),
                None => {
                    fin_reached = true;
                    break;
                }
            }
        }
        let expected = t.expected;
        let mut outcome = self.ack(id, seq, expected);
        if fin_reached {
            if let Some(done) = self.end(id) {
                Self::remember(&mut self.finished, (done.id, done.expected - 1));
                // The FIN's length and hash against what we put together.
                let announced = done.fin.unwrap_or_default();
                let ours = (done.data.len() as u64, crate::sha256_hex(&done.data));
                outcome.delivered = Some(Delivered {
                    transfer: done.id,
                    data: done.data,
                    mismatch: (announced != ours).then_some(announced),
                });
            }
        }
        outcome
    }

    fn ack(&mut self, transfer: u32, seq: u32, ack: u32) -> Outcome {
        let header = Header {
            kind: Kind::Ack,
            transfer,
            seq,
            ack,
        };
        Outcome {
            reply: Some(wire::encode(header, &[])),
            ..Outcome::default()
        }
    }
}

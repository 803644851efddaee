// The cases of `retransmissions` (lesson 9), a list of their own: captures made here, record
// by record, as the lossy link writes them (the link's number of each datagram in the IPv4
// identification field, the same on the copy it sends on).

use exercise_harness::{Check, case, expect_text, step};

use super::super::retransmissions::{Why, retransmissions};

/// The cases of `retransmissions`.
pub const CASES: &[exercise_harness::Case] = &[
    case("a_clean_run_has_none", a_clean_run_has_none),
    case("a_lost_data_packet", a_lost_data_packet),
    case("a_lost_ack", a_lost_ack),
    case("the_lessons_run", the_lessons_run),
    case(
        "a_duplicate_from_the_link_is_not_a_retransmission",
        a_duplicate_from_the_link,
    ),
    case("other_datagrams_are_skipped", other_datagrams_are_skipped),
    case("ip_options_are_skipped", ip_options_are_skipped),
    case("a_big_endian_file", a_big_endian_file),
    case("not_a_pcap_is_an_error", not_a_pcap_is_an_error),
    case("a_cut_file_is_an_error", a_cut_file_is_an_error),
];

const DATA: u8 = 1;
const FIN: u8 = 2;
const ACK: u8 = 3;
const CLIENT: ([u8; 4], u16) = ([127, 0, 0, 1], 40000);
const LINK_FRONT: ([u8; 4], u16) = ([127, 0, 0, 1], 8086);
const LINK_BACK: ([u8; 4], u16) = ([127, 0, 0, 1], 50000);
const RECEIVER: ([u8; 4], u16) = ([127, 0, 0, 1], 8087);

/// A capture, record by record.
struct Capture {
    big_endian: bool,
    /// 4-byte words of IPv4 options in every header.
    options: usize,
    records: Vec<Vec<u8>>,
    /// What the records are, for the steps.
    told: Vec<String>,
}

impl Capture {
    fn new() -> Capture {
        Capture {
            big_endian: false,
            options: 0,
            records: Vec::new(),
            told: Vec::new(),
        }
    }

    /// One datagram: `id` in the identification field, from one address to another.
    fn datagram(&mut self, id: u16, from: ([u8; 4], u16), to: ([u8; 4], u16), udp: &[u8]) {
        let header = 20 + 4 * self.options;
        let total = (header + 8 + udp.len()) as u16;
        let mut ip = vec![0x40 | (header / 4) as u8, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&id.to_be_bytes());
        ip.extend_from_slice(&[0x40, 0, 64, 17, 0, 0]);
        ip.extend_from_slice(&from.0);
        ip.extend_from_slice(&to.0);
        // Options: no-operation bytes (type 1).
        ip.extend(std::iter::repeat_n(1u8, 4 * self.options));
        ip.extend_from_slice(&from.1.to_be_bytes());
        ip.extend_from_slice(&to.1.to_be_bytes());
        ip.extend_from_slice(&((8 + udp.len()) as u16).to_be_bytes());
        ip.extend_from_slice(&[0, 0]);
        ip.extend_from_slice(udp);
        self.records.push(ip);
    }

    /// A packet of the sender's (DATA or FIN) with the link's number `id`: received from
    /// the client and, if `copies` > 0, sent on to the receiver that many times.
    fn send(&mut self, id: u16, kind: u8, seq: u32, copies: usize) {
        let bytes = packet(kind, seq, 0);
        self.datagram(id, CLIENT, LINK_FRONT, &bytes);
        for _ in 0..copies {
            self.datagram(id, LINK_BACK, RECEIVER, &bytes);
        }
        let what = if kind == FIN { "FIN" } else { "DATA" };
        self.told.push(match copies {
            0 => format!("{what} {seq} (id {id}) lost"),
            1 => format!("{what} {seq} (id {id}) delivered"),
            n => format!("{what} {seq} (id {id}) delivered {n} times"),
        });
    }

    /// The receiver's ACK of `seq` with the link's number `id`, delivered or lost.
    fn ack(&mut self, id: u16, seq: u32, delivered: bool) {
        let bytes = packet(ACK, seq, seq + 1);
        self.datagram(id, RECEIVER, LINK_BACK, &bytes);
        if delivered {
            self.datagram(id, LINK_FRONT, CLIENT, &bytes);
        }
        let fate = if delivered { "delivered" } else { "lost" };
        self.told.push(format!("ACK {seq} (id {id}) {fate}"));
    }

    /// The file: the header, then each record (times a millisecond apart).
    fn bytes(&self) -> Vec<u8> {
        let big = self.big_endian;
        let mut file = Vec::new();
        // Magic, version 2.4, then time zone, accuracy, snap length and link type (raw IP).
        put(&mut file, big, 0xa1b2_c3d4, 4);
        put(&mut file, big, 2, 2);
        put(&mut file, big, 4, 2);
        for n in [0, 0, 65535, 101] {
            put(&mut file, big, n, 4);
        }
        for (i, record) in self.records.iter().enumerate() {
            let len = record.len() as u32;
            for n in [1_765_000_000, 1000 * i as u32, len, len] {
                put(&mut file, big, n, 4);
            }
            file.extend_from_slice(record);
        }
        file
    }
}

/// `n` as `width` bytes (2 or 4), big- or little-endian.
fn put(file: &mut Vec<u8>, big: bool, n: u32, width: usize) {
    if big {
        file.extend_from_slice(&n.to_be_bytes()[4 - width..]);
    } else {
        file.extend_from_slice(&n.to_le_bytes()[..width]);
    }
}

/// A packet of lesson 9's wire format (its CRC left at zero: not checked here).
fn packet(kind: u8, seq: u32, ack: u32) -> Vec<u8> {
    let payload: &[u8] = if kind == DATA {
        b"some file bytes"
    } else {
        b""
    };
    let mut bytes = vec![1, kind];
    bytes.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    bytes.extend_from_slice(&7u32.to_be_bytes());
    bytes.extend_from_slice(&seq.to_be_bytes());
    bytes.extend_from_slice(&ack.to_be_bytes());
    bytes.extend_from_slice(&[0; 4]);
    bytes.extend_from_slice(payload);
    bytes
}

fn shown(result: &Result<Vec<(u32, Why)>, String>) -> String {
    match result {
        Ok(found) => format!("Ok({found:?})"),
        Err(_) => "Err(..)".to_owned(),
    }
}

/// The capture's story as steps, then `retransmissions` of its bytes against `want`.
fn finds(capture: &Capture, want: &[(u32, Why)]) -> Check {
    for line in &capture.told {
        step(line.clone());
    }
    step(format!(
        "retransmissions(the {} bytes of that capture)",
        capture.bytes().len()
    ));
    expect_text(
        shown(&retransmissions(&capture.bytes())),
        shown(&Ok(want.to_vec())),
    )
}

/// A transfer of `data` DATA packets and a FIN, nothing lost.
fn clean(capture: &mut Capture, data: u32) {
    let mut id = 1;
    for seq in 0..=data {
        capture.send(id, if seq == data { FIN } else { DATA }, seq, 1);
        capture.ack(id + 1, seq, true);
        id += 2;
    }
}

fn a_clean_run_has_none() -> Check {
    let mut capture = Capture::new();
    clean(&mut capture, 3);
    finds(&capture, &[])
}

fn a_lost_data_packet() -> Check {
    let mut capture = Capture::new();
    capture.send(1, DATA, 0, 0);
    capture.send(2, DATA, 0, 1);
    capture.ack(3, 0, true);
    finds(&capture, &[(0, Why::DataLost)])
}

fn a_lost_ack() -> Check {
    let mut capture = Capture::new();
    capture.send(1, DATA, 0, 1);
    capture.ack(2, 0, false);
    capture.send(3, DATA, 0, 1);
    capture.ack(4, 0, true);
    finds(&capture, &[(0, Why::AckLost)])
}

/// Lesson 9's figure: DATA 2 lost, then the ACK of the FIN lost.
fn the_lessons_run() -> Check {
    let mut capture = Capture::new();
    capture.send(1, DATA, 0, 1);
    capture.ack(2, 0, true);
    capture.send(3, DATA, 1, 1);
    capture.ack(4, 1, true);
    capture.send(5, DATA, 2, 0);
    capture.send(6, DATA, 2, 1);
    capture.ack(7, 2, true);
    capture.send(8, DATA, 3, 1);
    capture.ack(9, 3, true);
    capture.send(10, DATA, 4, 1);
    capture.ack(11, 4, true);
    capture.send(12, FIN, 5, 1);
    capture.ack(13, 5, false);
    capture.send(14, FIN, 5, 1);
    capture.ack(15, 5, true);
    finds(&capture, &[(2, Why::DataLost), (5, Why::AckLost)])
}

fn a_duplicate_from_the_link() -> Check {
    let mut capture = Capture::new();
    capture.send(1, DATA, 0, 2);
    capture.ack(2, 0, true);
    capture.ack(3, 0, true);
    capture.send(4, FIN, 1, 1);
    capture.ack(5, 1, true);
    finds(&capture, &[])
}

fn other_datagrams_are_skipped() -> Check {
    let mut capture = Capture::new();
    capture.datagram(1, CLIENT, LINK_FRONT, b"hello, not a packet of ours");
    capture.datagram(2, CLIENT, LINK_FRONT, &[]);
    capture
        .told
        .push("\"hello, not a packet...\" and an empty datagram".into());
    // A DATA packet of another version: not ours either.
    let mut other = packet(DATA, 0, 0);
    other[0] = 2;
    capture.datagram(3, CLIENT, LINK_FRONT, &other);
    capture.datagram(4, CLIENT, LINK_FRONT, &other);
    capture
        .told
        .push("twice a DATA 0 of version 2 (not ours)".into());
    capture.send(5, DATA, 0, 0);
    capture.send(6, DATA, 0, 1);
    finds(&capture, &[(0, Why::DataLost)])
}

fn ip_options_are_skipped() -> Check {
    let mut capture = Capture::new();
    capture.options = 2;
    capture
        .told
        .push("every IPv4 header with 8 bytes of options (28 bytes long)".into());
    capture.send(1, DATA, 7, 0);
    capture.send(2, DATA, 7, 1);
    capture.ack(3, 7, true);
    finds(&capture, &[(7, Why::DataLost)])
}

fn a_big_endian_file() -> Check {
    let mut capture = Capture::new();
    capture.big_endian = true;
    capture
        .told
        .push("a big-endian file (magic a1 b2 c3 d4 on disk)".into());
    capture.send(1, DATA, 0, 1);
    capture.ack(2, 0, false);
    capture.send(3, DATA, 0, 1);
    finds(&capture, &[(0, Why::AckLost)])
}

fn not_a_pcap_is_an_error() -> Check {
    for bytes in [&b""[..], &b"hello"[..], &[0u8; 24][..]] {
        step(format!("retransmissions({bytes:?})"));
        expect_text(shown(&retransmissions(bytes)), "Err(..)")?;
    }
    Ok(())
}

fn a_cut_file_is_an_error() -> Check {
    let mut capture = Capture::new();
    capture.send(1, DATA, 0, 1);
    let bytes = capture.bytes();
    // Cut inside the last record, then inside its 16-byte header.
    for cut in [bytes.len() - 5, bytes.len() - 70] {
        step(format!(
            "retransmissions(a {}-byte capture of DATA 0 delivered, cut to {cut} bytes)",
            bytes.len()
        ));
        expect_text(shown(&retransmissions(&bytes[..cut])), "Err(..)")?;
    }
    Ok(())
}

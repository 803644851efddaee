//! The wire format of the course's own reliable protocol: a 20-byte header in front of at most
//! [`MAX_PAYLOAD`] bytes of the file.
//!
//! ```text
//!  0         1         2                   4                   8
//! +---------+---------+-------------------+-------------------+
//! | version |  kind   |  payload length   |    transfer id    |
//! +---------+---------+-------------------+-------------------+
//! |   seq (DATA/FIN: this packet; ACK: the one it answers)    |
//! +-----------------------------------------------------------+
//! |   ack (ACK only: every packet below this number arrived)  |
//! +-----------------------------------------------------------+
//! |   CRC-32 of the header's first 16 bytes and the payload   |
//! +-----------------------------------------------------------+
//! ```
//!
//! Why a checksum of our own when UDP has one? UDP's is a 16-bit sum: it lets one randomly
//! damaged datagram in 65,536 through, and real damage is not random (Stone and Partridge,
//! 2000: errors such as swapped 16-bit words, which a sum cannot see). It is optional over
//! IPv4 (a sender may put 0 there, meaning "not checked"), and a lossy relay or a buggy
//! middlebox may rewrite the payload and the checksum together. CRC-32 catches every burst of
//! errors up to 32 bits long. The FIN adds a check of the whole file: its length and SHA-256.

/// Bytes in front of every payload.
pub const HEADER_LEN: usize = 20;

/// The most file bytes one DATA packet carries: the tutorial's buffer size.
pub const MAX_PAYLOAD: usize = 1024;

/// The only version this course speaks.
pub const VERSION: u8 = 1;

/// What a packet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A piece of the file: `seq` numbers it (0, 1, 2, ...).
    Data,
    /// The end of the file: `seq` is the number of DATA packets, the payload is the file's
    /// length and SHA-256 ([`fin_payload`]), so the receiver can check the whole file.
    Fin,
    /// The receiver's answer: `seq` is the packet it answers, `ack` the first one it lacks.
    Ack,
}

impl Kind {
    fn byte(self) -> u8 {
        match self {
            Kind::Data => 1,
            Kind::Fin => 2,
            Kind::Ack => 3,
        }
    }
}

/// The header's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    pub transfer: u32,
    pub seq: u32,
    pub ack: u32,
}

/// Why a datagram is not a packet of ours. Each is dropped and counted, never a panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// Shorter than a header, another version, or an unknown kind: not ours at all.
    Garbage,
    /// The header promises more payload than arrived (cut short on the way).
    Truncated,
    /// The CRC-32 does not match: bits changed on the way.
    Corrupt,
}

impl Malformed {
    /// A few words for the log.
    pub fn describe(self) -> &'static str {
        match self {
            Malformed::Garbage => "not a packet of ours (garbage)",
            Malformed::Truncated => "shorter than its header says (truncated)",
            Malformed::Corrupt => "its checksum does not match (corrupt)",
        }
    }
}

/// Bytes of a FIN's payload: the file's length (8 bytes, big-endian), then its SHA-256.
pub const FIN_PAYLOAD_LEN: usize = 8 + 32;

/// What a FIN carries for `file`: its length and its SHA-256, so that the receiver can tell
/// whether what it put together is what was sent (a check of the whole file, beside each
/// packet's CRC-32).
pub fn fin_payload(file: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(FIN_PAYLOAD_LEN);
    payload.extend_from_slice(&(file.len() as u64).to_be_bytes());
    payload.extend_from_slice(&crate::sha256(file));
    payload
}

/// The length and SHA-256 (in hex) a FIN's payload announces; `None` if it is not
/// [`FIN_PAYLOAD_LEN`] bytes.
pub fn read_fin_payload(payload: &[u8]) -> Option<(u64, String)> {
    let (len, hash) = payload.split_first_chunk::<8>()?;
    if hash.len() != 32 {
        return None;
    }
    let hex = hash.iter().map(|b| format!("{b:02x}")).collect();
    Some((u64::from_be_bytes(*len), hex))
}

/// Builds one packet: header, then payload.
pub fn encode(header: Header, payload: &[u8]) -> Vec<u8> {
    let len = payload.len().min(u16::MAX as usize);
    let mut packet = Vec::with_capacity(HEADER_LEN + len);
    packet.push(VERSION);
    packet.push(header.kind.byte());
    packet.extend_from_slice(&(len as u16).to_be_bytes());
    packet.extend_from_slice(&header.transfer.to_be_bytes());
    packet.extend_from_slice(&header.seq.to_be_bytes());
    packet.extend_from_slice(&header.ack.to_be_bytes());
    let crc = crc32(&[&packet[..16], &payload[..len]]);
    packet.extend_from_slice(&crc.to_be_bytes());
    packet.extend_from_slice(&payload[..len]);
    packet
}

/// Reads one packet, or says why it is not one. Extra bytes after the payload count as
/// garbage too: a packet of ours is exactly as long as its header says.
pub fn decode(datagram: &[u8]) -> Result<(Header, &[u8]), Malformed> {
    if datagram.len() < HEADER_LEN || datagram[0] != VERSION {
        return Err(Malformed::Garbage);
    }
    let kind = match datagram[1] {
        1 => Kind::Data,
        2 => Kind::Fin,
        3 => Kind::Ack,
        _ => return Err(Malformed::Garbage),
    };
    let word = |at: usize| u32::from_be_bytes([0, 1, 2, 3].map(|i| datagram[at + i]));
    let len = u16::from_be_bytes([datagram[2], datagram[3]]) as usize;
    let payload = &datagram[HEADER_LEN..];
    if payload.len() < len {
        return Err(Malformed::Truncated);
    }
    if payload.len() > len {
        return Err(Malformed::Garbage);
    }
    if crc32(&[&datagram[..16], payload]) != word(16) {
        return Err(Malformed::Corrupt);
    }
    let header = Header {
        kind,
        transfer: word(4),
        seq: word(8),
        ack: word(12),
    };
    Ok((header, payload))
}

/// CRC-32 (the one of Ethernet, zip and PNG: polynomial 0xEDB88320, reflected) over several
/// slices in a row.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = !0u32;
    for part in parts {
        for &byte in *part {
            crc = CRC_TABLE[((crc ^ byte as u32) & 0xff) as usize] ^ (crc >> 8);
        }
    }
    !crc
}

/// The CRC of every byte value, worked out once by the compiler.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The check value every CRC-32 implementation publishes for "123456789".
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
        assert_eq!(crc32(&[b"1234", b"56789"]), 0xCBF4_3926);
    }

    fn data(transfer: u32, seq: u32) -> Header {
        Header {
            kind: Kind::Data,
            transfer,
            seq,
            ack: 0,
        }
    }

    #[test]
    fn a_packet_decodes_to_what_was_encoded() {
        let header = data(7, 42);
        let packet = encode(header, b"hello");
        assert_eq!(packet.len(), HEADER_LEN + 5);
        assert_eq!(decode(&packet), Ok((header, &b"hello"[..])));
    }

    #[test]
    fn a_fin_payload_reads_back_as_the_files_length_and_hash() {
        let payload = fin_payload(b"hello");
        assert_eq!(payload.len(), FIN_PAYLOAD_LEN);
        let read = read_fin_payload(&payload);
        assert_eq!(read, Some((5, crate::sha256_hex(b"hello"))));
        assert_eq!(read_fin_payload(&payload[1..]), None);
        assert_eq!(read_fin_payload(&[]), None);
    }

    #[test]
    fn garbage_truncated_and_corrupt_datagrams_are_told_apart() {
        let packet = encode(data(1, 0), b"payload");
        assert_eq!(decode(b"echo hello"), Err(Malformed::Garbage));
        assert_eq!(decode(&[]), Err(Malformed::Garbage));
        assert_eq!(
            decode(&packet[..packet.len() - 1]),
            Err(Malformed::Truncated)
        );
        let mut flipped = packet.clone();
        flipped[HEADER_LEN] ^= 0x01;
        assert_eq!(decode(&flipped), Err(Malformed::Corrupt));
        let mut unknown = packet;
        unknown[1] = 9;
        assert_eq!(decode(&unknown), Err(Malformed::Garbage));
    }
}

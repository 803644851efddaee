//! Solution to `retransmissions` (lesson 9, hard).

/// Why the sender sent a packet again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The link lost the packet's last copy: it never reached the receiver.
    DataLost,
    /// The packet reached the receiver, but its acknowledgement did not come back in time (the
    /// link lost it, or it was late).
    AckLost,
}

/// The retransmissions in a capture that the lossy link wrote with `--pcap` of a stop-and-wait
/// (or window) transfer: for each DATA or FIN packet the sender sent again, its sequence number
/// and why, in the order the link received the retransmissions. An error, never a panic, for a
/// file that is not a pcap of IP packets or is cut short.
pub fn retransmissions(pcap: &[u8]) -> Result<Vec<(u32, Why)>, String> {
    // Each time the sender sent a packet: its sequence number, the link's number of it, and
    // whether the link sent a copy on to the receiver.
    struct Sent {
        seq: u32,
        id: u32,
        delivered: bool,
    }
    let mut sent: Vec<Sent> = Vec::new();
    for (id, payload) in udp_payloads(pcap)? {
        // Our wire format: version 1, kind (1 DATA, 2 FIN, 3 ACK), ..., seq at bytes 8 to 11.
        if payload.len() < 20 || payload[0] != 1 || !matches!(payload[1], 1 | 2) {
            continue;
        }
        let seq = u32::from_be_bytes([payload[8], payload[9], payload[10], payload[11]]);
        // The link's copy carries the number of the packet it copies; a new number is a new
        // packet from the sender.
        match sent.iter_mut().rev().find(|s| s.seq == seq && s.id == id) {
            Some(earlier) => earlier.delivered = true,
            None => sent.push(Sent {
                seq,
                id,
                delivered: false,
            }),
        }
    }
    let mut found = Vec::new();
    for (i, again) in sent.iter().enumerate() {
        if let Some(before) = sent[..i].iter().rev().find(|s| s.seq == again.seq) {
            let why = if before.delivered {
                Why::AckLost
            } else {
                Why::DataLost
            };
            found.push((again.seq, why));
        }
    }
    Ok(found)
}

/// The (link's number, UDP payload) of each record of a pcap file of raw IP packets.
fn udp_payloads(pcap: &[u8]) -> Result<Vec<(u32, &[u8])>, String> {
    let magic = pcap.get(..4).ok_or("shorter than a pcap header")?;
    let big = match magic {
        [0xa1, 0xb2, 0xc3, 0xd4] => true,
        [0xd4, 0xc3, 0xb2, 0xa1] => false,
        _ => return Err("not a pcap file (its magic number is wrong)".to_owned()),
    };
    let word = |at: usize| -> Result<usize, String> {
        let bytes: [u8; 4] = pcap
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .ok_or("the file is cut short")?;
        Ok(if big {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        } as usize)
    };
    if pcap.len() < 24 {
        return Err("shorter than a pcap header".to_owned());
    }
    let mut payloads = Vec::new();
    let mut at = 24;
    while at < pcap.len() {
        let len = word(at + 8)?;
        let packet = pcap
            .get(at + 16..at + 16 + len)
            .ok_or("a record is cut short")?;
        at += 16 + len;
        // IPv4: the header's length in 4-byte words in the low nibble of byte 0, the
        // identification at bytes 4 and 5. IPv6: 40 bytes, the flow label in bytes 1 to 3.
        let (id, protocol, header) = match packet.first().map(|b| b >> 4) {
            Some(4) if packet.len() >= 20 => (
                u32::from(u16::from_be_bytes([packet[4], packet[5]])),
                packet[9],
                usize::from(packet[0] & 0x0f) * 4,
            ),
            Some(6) if packet.len() >= 40 => (
                u32::from_be_bytes([0, packet[1] & 0x0f, packet[2], packet[3]]),
                packet[6],
                40,
            ),
            _ => continue,
        };
        // UDP only: 8 bytes of header, then the payload.
        if protocol != 17 {
            continue;
        }
        if let Some(payload) = packet.get(header + 8..) {
            payloads.push((id, payload));
        }
    }
    Ok(payloads)
}

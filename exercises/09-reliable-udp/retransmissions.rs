//! Exercise `retransmissions` (lesson 9, hard): read the capture of your own stop-and-wait run
//! and say, with code, how many packets the sender sent again, and why.
//!
//! Record a run as lesson 9 does ("See the run"): the lossy link's `--pcap` file holds every
//! datagram it received and every copy it sent on. Write `retransmissions`: given the file's
//! bytes, the sequence number of each DATA or FIN packet the sender sent again, in order, and
//! why: its last copy was lost on the way (`DataLost`), or it arrived and its ACK did not come
//! back in time (`AckLost`).
//!
//! The file (pcap, as tcpdump writes it): a 24-byte file header whose first 4 bytes are the
//! magic number 0xa1b2c3d4, written in the byte order of every number in the file (so
//! `d4 c3 b2 a1` on disk means little-endian); then one record per datagram: 16 bytes (seconds,
//! microseconds, bytes kept, bytes it had) and the bytes kept, an IP packet. IPv4: the low 4 bits
//! of byte 0 are the header's length in 4-byte words (usually 5: 20 bytes, but options make it
//! longer), bytes 4 and 5 the identification, byte 9 the protocol (17: UDP). Then the UDP header,
//! 8 bytes, then the payload: a packet of ours (lesson 9's `wire.rs`): version 1, kind (1 DATA,
//! 2 FIN, 3 ACK), and the sequence number in bytes 8 to 11, big-endian.
//!
//! The link numbers each datagram it receives and writes that number in the identification
//! field of the datagram as received and of each copy it sends on. So a new number on a DATA
//! packet means the sender sent it (once more); the same number again is the link's copy (two
//! copies: the link duplicated it, not a retransmission).
//!
//! Anything else in the file (other kinds, other protocols, datagrams that are not ours) is
//! skipped; a file that is not a pcap, or is cut short, is an error, never a panic.
//!
//! Check your work:  cargo exercises check retransmissions

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
    // TODO: walk the file's records (keep the UDP payloads and each one's identification),
    // keep the DATA and FIN packets, tell the sender's packets from the link's copies by the
    // identification, and for each packet sent again say whether its last copy was delivered.
    todo!("the retransmissions in a capture of {} bytes", pcap.len())
}

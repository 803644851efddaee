//! `--diagram FILE.svg`: the run the link captured (`--pcap`), drawn as a time-sequence
//! diagram by the course's plots (`plots::sequence`): one arrow per datagram (per copy, if the
//! link duplicated it), a cross where the link lost one, each labelled from its payload.

use std::net::SocketAddr;

use plots::sequence::{Arrow, Diagram};
use reliable_udp_core::pcap::{self, Packet};
use reliable_udp_core::wire::{self, Kind};

/// The diagram of the datagrams in a capture the link wrote with `--to server`.
pub fn diagram(packets: &[Packet], server: SocketAddr, title: Option<&str>) -> Diagram {
    // Milliseconds to the microsecond, as the pcap holds them.
    let ms = |t: std::time::Duration| t.as_micros() as f64 / 1000.0;
    let mut arrows = Vec::new();
    let mut lost = 0;
    for journey in pcap::journeys(packets, server) {
        let (label, seq) = label(&journey.payload);
        let arrow = |arrived| Arrow {
            up: journey.up,
            left: ms(journey.received),
            arrived,
            seq,
            label: label.clone(),
        };
        if journey.sent.is_empty() {
            lost += 1;
            arrows.push(arrow(None));
        }
        for sent in &journey.sent {
            arrows.push(arrow(Some(ms(*sent))));
        }
    }
    let title = match title {
        Some(title) => title.to_owned(),
        None => format!(
            "{} datagrams through the link: {} sent on, {lost} lost",
            arrows.len(),
            arrows.len() - lost
        ),
    };
    Diagram { title, arrows }
}

/// A few words for a datagram, and its sequence number if it has one: lesson 9's packets by
/// their kind and number (an ACK's number is the next one it asks for), an SNTP packet by its
/// mode, text as itself (shortened), anything else by its size.
pub fn label(payload: &[u8]) -> (String, Option<f64>) {
    if let Ok((header, _)) = wire::decode(payload) {
        return match header.kind {
            Kind::Data => (format!("DATA {}", header.seq), Some(header.seq.into())),
            Kind::Fin => (format!("FIN {}", header.seq), Some(header.seq.into())),
            Kind::Ack => (
                format!("ACK {} (next {})", header.seq, header.ack),
                Some(header.ack.into()),
            ),
        };
    }
    if payload.is_empty() {
        return ("(empty)".to_owned(), None);
    }
    // SNTP (lesson 3): 48 bytes, the mode in the first byte's low 3 bits.
    if payload.len() == 48 {
        match payload[0] & 7 {
            3 => return ("SNTP request".to_owned(), None),
            4 => return ("SNTP reply".to_owned(), None),
            _ => {}
        }
    }
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(|c| c.is_control() && c != '\n') => {
            let flat: String = text.trim_end().replace('\n', " ");
            let short: String = flat.chars().take(18).collect();
            let more = if short.len() < flat.len() { "…" } else { "" };
            (format!("\"{short}{more}\""), None)
        }
        _ => (format!("{} bytes", payload.len()), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_what_a_datagram_is() {
        let header = wire::Header {
            kind: Kind::Ack,
            transfer: 1,
            seq: 4,
            ack: 5,
        };
        assert_eq!(
            label(&wire::encode(header, b"")),
            ("ACK 4 (next 5)".to_owned(), Some(5.0))
        );
        assert_eq!(label(b"hello").0, "\"hello\"");
        assert_eq!(label(b"").0, "(empty)");
        assert_eq!(
            label(b"a rather long line of text\n").0,
            "\"a rather long line…\""
        );
        assert_eq!(label(&[0x23; 48]).0, "SNTP request");
        assert_eq!(label(&[0xff, 0, 1]).0, "3 bytes");
    }
}

//! Forged UDP datagrams: a sender port of the test's choosing, to prove that a server will not
//! answer what it must not (its own address, a well-known service's port, another server).
//!
//! A normal UDP socket always sends from its own port; only a raw socket lets the program
//! write the 8-byte UDP header itself, source port included. The OS still writes the IP header,
//! so the source address is the one it would use anyway (127.0.0.1 towards 127.0.0.1). Opening
//! a raw socket needs administrator rights (root, or CAP_NET_RAW on Linux): without them
//! [`Forger::open`] prints a NOTICE and the test skips. CI runs the suite as root, so there
//! these tests run. Windows is not tried: it allows raw UDP only to administrators, and Wine
//! not at all, so there too the NOTICE says the test did not run.

use std::net::SocketAddr;

/// A raw IPv4 socket that sends UDP datagrams with any source port.
pub struct Forger {
    #[cfg(unix)]
    raw: socket2::Socket,
}

impl Forger {
    /// The raw socket, or `None` after a NOTICE saying that `what` did not run and why.
    pub fn open(what: &str) -> Option<Forger> {
        #[cfg(unix)]
        {
            use socket2::{Domain, Protocol, Socket, Type};
            match Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP)) {
                Ok(raw) => Some(Forger { raw }),
                Err(err) => {
                    eprintln!(
                        "NOTICE: no raw socket ({err}; forging a sender needs root), so {what} did not run"
                    );
                    None
                }
            }
        }
        #[cfg(not(unix))]
        {
            eprintln!(
                "NOTICE: raw UDP sockets are not tried on Windows (administrators only, not under Wine), so {what} did not run"
            );
            None
        }
    }

    /// Sends `payload` to `to` (an IPv4 address) as if from port `from_port` of the address
    /// the OS sends from.
    pub fn send(&self, from_port: u16, to: SocketAddr, payload: &[u8]) {
        let SocketAddr::V4(to) = to else {
            panic!("forging is IPv4 only: {to}");
        };
        let datagram = udp_datagram(from_port, to.port(), payload);
        #[cfg(unix)]
        {
            // A raw socket has no ports: the destination port is the one in our header.
            let dest = SocketAddr::V4(std::net::SocketAddrV4::new(*to.ip(), 0));
            let sent = self.raw.send_to(&datagram, &dest.into()).unwrap();
            assert_eq!(sent, datagram.len());
        }
        #[cfg(not(unix))]
        let _ = datagram;
    }
}

/// The UDP header (RFC 768: source port, destination port, length, checksum, each 16 bits,
/// in network byte order) and the payload. A checksum of 0 means "none", allowed over IPv4.
fn udp_datagram(from_port: u16, to_port: u16, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(8 + payload.len()).expect("payload too long for one datagram");
    let mut datagram = Vec::with_capacity(8 + payload.len());
    datagram.extend_from_slice(&from_port.to_be_bytes());
    datagram.extend_from_slice(&to_port.to_be_bytes());
    datagram.extend_from_slice(&length.to_be_bytes());
    datagram.extend_from_slice(&0u16.to_be_bytes());
    datagram.extend_from_slice(payload);
    datagram
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_ports_length_and_no_checksum_in_network_order() {
        assert_eq!(
            udp_datagram(8082, 8080, b"hi"),
            [0x1f, 0x92, 0x1f, 0x90, 0, 10, 0, 0, b'h', b'i']
        );
    }

    #[test]
    fn a_forged_datagram_arrives_from_the_chosen_port() {
        let Some(forger) = Forger::open("the forging self-test") else {
            return;
        };
        let receiver = crate::udp_socket();
        forger.send(4242, receiver.local_addr().unwrap(), b"forged");
        let (data, from) = crate::recv(&receiver);
        assert_eq!(data, b"forged");
        assert_eq!(from, "127.0.0.1:4242".parse().unwrap());
    }
}

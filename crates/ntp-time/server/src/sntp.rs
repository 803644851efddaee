//! `--sntp`: what real time servers speak instead of the tutorial's text, SNTP (RFC 4330):
//! a 48-byte request in, a 48-byte reply out, with the four timestamps a client needs to work
//! out the round-trip delay and how far its clock is off. The packet is `ntp-time-sntp`'s.

use std::net::UdpSocket;

use guard::{Datagram, Guard};
use ntp_time_sntp::{Packet, Rejected, Timestamp};

/// The SNTP loop: like the text loop in main.rs, with the clock read around the reply.
pub fn serve(server: &UdpSocket, mut guard: Guard) -> Result<(), common::Error> {
    // The precision field: how finely this machine's clock can tell two moments apart.
    let precision = ntp_time_sntp::clock_precision();
    guard.log(format_args!(
        "answering SNTP: stratum 1, reference LOCL (this machine's clock), precision 2^{precision} s"
    ))?;
    guard.flush()?;

    let mut buffer = [0u8; common::BUFFER_SIZE];
    let mut dropped: u64 = 0;
    loop {
        let Some(datagram) = guard.recv_from(server, &mut buffer)? else {
            continue;
        };
        if !guard.admit(datagram.from) {
            continue;
        }
        // T2: read the clock the moment the request is in, before anything else.
        let receive_time = Timestamp::now();
        let from = datagram.from;
        let request = match parse(&datagram, &buffer) {
            Ok(request) => request,
            Err(reason) => {
                dropped += 1;
                let why = format!("{reason} ({dropped} dropped so far)");
                guard.log(format_args!(
                    "from {from}: dropped, not an SNTP request: {why}"
                ))?;
                continue;
            }
        };
        let (version, transmit) = (request.version, request.transmit);
        guard.log(format_args!(
            "from {from}: SNTP version {version} request, transmit {transmit}"
        ))?;
        // T3: read the clock again as late as possible, right before the reply leaves.
        let reply = Packet::reply_to(&request, receive_time, Timestamp::now(), precision);
        guard.sent(server.send_to(&reply.encode(), from), from);
    }
}

/// The request in `datagram`, if it is one this server answers (`Packet::parse_request`).
/// Anything else is dropped, never answered: the sender may be confused, probing, or
/// spoofing a victim's address to bounce our replies at it.
fn parse(datagram: &Datagram, buffer: &[u8]) -> Result<Packet, Rejected> {
    if datagram.truncated {
        return Err(Rejected::WrongLength(
            datagram.full_len.unwrap_or(datagram.len),
        ));
    }
    Packet::parse_request(&buffer[..datagram.len])
}

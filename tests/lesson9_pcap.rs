//! Issue 29: the lossy link records a run (`--pcap`) in a file that tools nobody here wrote
//! read with the run's datagram count, ports and payloads (tcpdump), and draws it
//! (`--diagram`) with one arrow per datagram and the lost ones marked.
//!
//! The run: 20 numbered datagrams from a client through the link (30 % loss each way, a seed)
//! to a stand-in server that sends each one back; the test knows every datagram that went
//! each way, and compares the file with that. The link is stopped with SIGINT (as Ctrl-C
//! would), so these run on Unix.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::Command;

use reliable_udp_core::pcap::{self, Packet};
use test_support::{DEADLINE, QUIET, cargo_bin, start_server, udp_socket};

/// What went through the link, as the test saw it from both ends, and the link's files.
struct Run {
    client: SocketAddr,
    link: SocketAddr,
    server: SocketAddr,
    /// Sent by the client; arrived at the server; sent back by the server; back at the client.
    sent: Vec<Vec<u8>>,
    at_server: Vec<Vec<u8>>,
    at_client: Vec<Vec<u8>>,
    /// Where the server saw the link's datagrams come from.
    link_for_client: Option<SocketAddr>,
    stdout: Vec<String>,
    pcap: PathBuf,
    svg: PathBuf,
}

/// Every datagram that comes to `socket` until none has for [`QUIET`] (the first within
/// [`DEADLINE`]), with its sender.
fn drain(socket: &UdpSocket) -> Vec<(Vec<u8>, SocketAddr)> {
    let mut got = Vec::new();
    let mut buffer = [0u8; 2048];
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    while let Ok((len, from)) = socket.recv_from(&mut buffer) {
        got.push((buffer[..len].to_vec(), from));
        socket.set_read_timeout(Some(QUIET)).unwrap();
    }
    got
}

fn run(name: &str) -> Run {
    let dir =
        std::env::temp_dir().join(format!("socket-lessons-pcap-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pcap, svg) = (dir.join("run.pcap"), dir.join("run.svg"));
    let server = udp_socket();
    let server_addr = server.local_addr().unwrap();
    let args = format!(
        "--to {server_addr} --loss 30% --seed 5 --pcap {} --diagram {}",
        pcap.display(),
        svg.display()
    );
    let args: Vec<&str> = args.split(' ').collect();
    let mut link = start_server(cargo_bin("lossy-link"), &args);
    let client = udp_socket();
    let sent: Vec<Vec<u8>> = (0..20)
        .map(|n| format!("datagram {n}").into_bytes())
        .collect();
    for datagram in &sent {
        client.send_to(datagram, link.addr).unwrap();
    }
    // With 30 % loss, 20 datagrams all lost has a chance of 0.3^20: the seed decides anyway.
    let at_server = drain(&server);
    assert!(!at_server.is_empty(), "nothing came through the link");
    for (datagram, from) in &at_server {
        server.send_to(datagram, from).unwrap();
    }
    let at_client = drain(&client);
    interrupt(&mut link);
    link.expect_stdout("diagram drawn to");
    Run {
        client: client.local_addr().unwrap(),
        link: link.addr,
        server: server_addr,
        sent,
        link_for_client: at_server.first().map(|(_, from)| *from),
        at_server: at_server.into_iter().map(|(d, _)| d).collect(),
        at_client: at_client.into_iter().map(|(d, _)| d).collect(),
        stdout: link.seen(test_support::Stream::Stdout),
        pcap,
        svg,
    }
}

/// Ctrl-C, as a student stops the link: it completes the file (and draws the run) and ends.
fn interrupt(link: &mut test_support::Running) {
    let pid = link.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status();
    assert!(kill.unwrap().success());
    assert!(link.expect_exit().success(), "{}", link.transcript());
}

/// The payloads of the packets from `from` to `to`, in file order.
fn leg(packets: &[Packet], from: SocketAddr, to: SocketAddr) -> Vec<Vec<u8>> {
    packets
        .iter()
        .filter(|p| p.from == from && p.to == to)
        .map(|p| p.payload.clone())
        .collect()
}

#[test]
fn the_links_pcap_holds_every_datagram_of_the_run_with_its_ports_and_payload() {
    let run = run("read");
    let packets = pcap::read(&std::fs::read(&run.pcap).unwrap()).unwrap();
    let via = run.link_for_client.unwrap();
    // Both legs, both ways, exactly what each end sent and got.
    assert_eq!(leg(&packets, run.client, run.link), run.sent);
    assert_eq!(leg(&packets, via, run.server), run.at_server);
    assert_eq!(leg(&packets, run.server, via), run.at_server);
    assert_eq!(leg(&packets, run.link, run.client), run.at_client);
    let total = run.sent.len() + 2 * run.at_server.len() + run.at_client.len();
    assert_eq!(packets.len(), total, "{packets:?}");
    assert!(
        run.stdout
            .iter()
            .any(|line| line.starts_with(&format!("capture: {total} datagrams written"))),
        "{:?}",
        run.stdout
    );
    // Times never go back, and a copy carries the number of the datagram it copies.
    assert!(packets.windows(2).all(|w| w[0].at <= w[1].at));
    for copy in packets.iter().filter(|p| p.to == run.server) {
        let original = packets
            .iter()
            .find(|p| p.to == run.link && p.id == copy.id)
            .unwrap();
        assert_eq!(original.payload, copy.payload);
    }
    tcpdump_reads_the_same(&run, &packets);
}

/// tcpdump (Debian's; installed by .ci/run) reads the file: the same count, addresses, ports,
/// lengths, microsecond times and bytes.
fn tcpdump_reads_the_same(run: &Run, packets: &[Packet]) {
    let found = Command::new("tcpdump").arg("--version").output();
    if found.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tcpdump is missing on CI, so the link's pcap was not read by it: .ci/run should \
             install it"
        );
        eprintln!(
            "NOTICE: tcpdump is not installed, so the link's pcap was read only by the course's \
             own code; install it (apt install tcpdump) to check it with a reader nobody here wrote"
        );
        return;
    }
    let out = Command::new("tcpdump")
        .args(["-n", "-tt", "-x", "-r"])
        .arg(&run.pcap)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Each packet: `1765000000.123456 IP 127.0.0.1.5000 > 127.0.0.1.6000: UDP, length 11`,
    // then its bytes in hex, eight 16-bit words a line.
    let mut seen: Vec<(String, Vec<u8>)> = Vec::new();
    for line in text.lines() {
        if let Some(hex) = line.trim_start().strip_prefix("0x") {
            let words = hex.split_once(':').unwrap().1;
            let digits: String = words.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = (0..digits.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap());
            seen.last_mut().unwrap().1.extend(bytes);
        } else {
            seen.push((line.to_owned(), Vec::new()));
        }
    }
    assert_eq!(seen.len(), packets.len(), "{text}");
    for (packet, (line, bytes)) in packets.iter().zip(&seen) {
        let at = format!("{}.{:06}", packet.at.as_secs(), packet.at.subsec_micros());
        let dot = |a: SocketAddr| format!("{}.{}", a.ip(), a.port());
        let expected = format!(
            "{at} IP {} > {}: UDP, length {}",
            dot(packet.from),
            dot(packet.to),
            packet.payload.len()
        );
        assert_eq!(line, &expected);
        assert!(bytes.ends_with(&packet.payload), "{line}: {bytes:?}");
        assert_eq!(bytes.len(), 28 + packet.payload.len(), "{line}");
    }
    // Verbose, tcpdump checks the IP header's checksum and each UDP checksum, and shows the
    // identification field: the link's number of each datagram, as our reader saw it.
    let out = Command::new("tcpdump")
        .args(["-n", "-vv", "-r"])
        .arg(&run.pcap)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.matches("[udp sum ok]").count(),
        packets.len(),
        "{text}"
    );
    assert!(
        !text.contains("bad cksum") && !text.contains("bad udp"),
        "{text}"
    );
    let ids: Vec<String> = packets.iter().map(|p| format!(", id {},", p.id)).collect();
    let headers: Vec<&str> = text.lines().filter(|l| l.contains(" IP (")).collect();
    assert_eq!(headers.len(), ids.len(), "{text}");
    for (header, id) in headers.iter().zip(&ids) {
        assert!(header.contains(id.as_str()), "{header}: not {id}");
    }
}

#[test]
fn the_diagram_has_an_arrow_per_datagram_and_a_cross_per_lost_one_as_its_pcap_says() {
    let run = run("draw");
    let packets = pcap::read(&std::fs::read(&run.pcap).unwrap()).unwrap();
    let text = std::fs::read_to_string(&run.svg).unwrap();
    let (command, diagram) = plots::sequence::parse(&text).unwrap();
    assert!(
        command.starts_with("cargo run -p lossy-link -- --to"),
        "{command}"
    );
    // The test's own count of what was lost: sent but not arrived, each way.
    let lost_up = run.sent.len() - run.at_server.len();
    let lost_down = run.at_server.len() - run.at_client.len();
    let arrows = |up: bool, kept: bool| {
        diagram
            .arrows
            .iter()
            .filter(|a| a.up == up && a.arrived.is_some() == kept)
            .count()
    };
    assert_eq!(arrows(true, true), run.at_server.len());
    assert_eq!(arrows(true, false), lost_up);
    assert_eq!(arrows(false, true), run.at_client.len());
    assert_eq!(arrows(false, false), lost_down);
    assert!(
        lost_up + lost_down > 0,
        "the seed lost nothing: pick another"
    );
    // One arrowhead per datagram that arrived, one cross (two red lines) per lost one.
    assert_eq!(
        text.matches("<polygon").count(),
        run.at_server.len() + run.at_client.len()
    );
    assert_eq!(
        text.matches("stroke=\"#D62728\"").count(),
        2 * (lost_up + lost_down)
    );
    // Each arrow is a datagram of the pcap: its label is the text it carried, in order.
    let received: Vec<&Packet> = packets
        .iter()
        .filter(|p| p.to == run.link || p.from == run.server)
        .collect();
    assert_eq!(received.len(), diagram.arrows.len());
    for (packet, arrow) in received.iter().zip(&diagram.arrows) {
        let said = format!("\"{}\"", String::from_utf8_lossy(&packet.payload));
        assert_eq!(arrow.label, said);
    }
    // The figure draws again from its own data: byte for byte.
    assert_eq!(plots::sequence::svg(&diagram, &command).unwrap(), text);
}

#[test]
fn a_full_capture_stops_growing_and_the_link_relays_on() {
    let dir = std::env::temp_dir().join(format!("socket-lessons-pcap-full-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pcap = dir.join("full.pcap");
    let server = udp_socket();
    let args = format!(
        "--to {} --pcap {} --pcap-limit 2000",
        server.local_addr().unwrap(),
        pcap.display()
    );
    let args: Vec<&str> = args.split(' ').collect();
    let mut link = start_server(cargo_bin("lossy-link"), &args);
    let client = udp_socket();
    // 100 datagrams of 100 bytes, 144 bytes a record: the file has room for 13 of 200 records.
    for n in 0..100u8 {
        client.send_to(&[n; 100], link.addr).unwrap();
    }
    let through = drain(&server);
    assert_eq!(through.len(), 100, "the link stopped relaying");
    interrupt(&mut link);
    let said = link.expect_stdout("capture: ");
    assert!(
        said.starts_with("capture: 13 datagrams written; the file reached its limit of 2000 bytes, 187 more left out"),
        "{said}"
    );
    let bytes = std::fs::read(&pcap).unwrap();
    assert!(bytes.len() <= 2000, "{} bytes", bytes.len());
    assert_eq!(pcap::read(&bytes).unwrap().len(), 13);
}

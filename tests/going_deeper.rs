//! The "Going deeper" sections of lessons 1 and 7, proved: what IPv6 dual stack does with an
//! IPv4 client, and what IP fragmentation does to a big datagram on an Ethernet-sized link.
//!
//! Run them with `cargo test -p socket-lessons --test going_deeper`.
//!
//! The dual-stack test stays on loopback. The fragmentation test needs a link whose MTU is
//! 1500 bytes, as Ethernet's is; loopback's is 64 KiB, which hides fragmentation. It builds one
//! from three Linux network namespaces of its own (sender, router, receiver, joined by veth
//! pairs), which needs root and `ip` from iproute2: without them it prints a NOTICE and checks
//! nothing. Its traffic never leaves those namespaces, which it deletes when it ends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, UdpSocket};

use socket2::{Domain, Protocol, Socket, Type};
use test_support::{DEADLINE, assert_no_datagram, recv, udp_socket};

/// An IPv6 UDP socket on `[::]` and a port the OS picks, with IPV6_V6ONLY as `v6only` says
/// (or the system's default when `None`); returns the socket and the default it had.
fn ipv6_wildcard(v6only: Option<bool>) -> (UdpSocket, bool) {
    let socket = Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDP)).unwrap();
    let default = socket.only_v6().unwrap();
    if let Some(v6only) = v6only {
        socket.set_only_v6(v6only).unwrap();
    }
    let any: SocketAddr = "[::]:0".parse().unwrap();
    socket.bind(&any.into()).unwrap();
    let socket: UdpSocket = socket.into();
    socket.set_read_timeout(Some(DEADLINE)).unwrap();
    (socket, default)
}

/// Lesson 1, going deeper: one IPv6 socket on `[::]` can serve IPv4 clients too.
///
/// Why: with IPV6_V6ONLY off, an IPv6 socket bound to the wildcard `[::]` also receives IPv4
/// datagrams for its port, and sees their senders as IPv4-mapped IPv6 addresses
/// (`[::ffff:127.0.0.1]:port`, RFC 4291 2.5.5.2). Linux and macOS leave the option off by
/// default (Linux: unless the sysctl `net.ipv6.bindv6only` is 1); Windows turns it on, so there
/// a server on `[::]:8080` hears IPv6 clients only until it clears the option. Here an IPv4
/// client on 127.0.0.1 sends to the port of each socket; only the dual-stack one hears it.
#[test]
fn ipv6_wildcard_socket_hears_ipv4_clients_as_mapped_addresses_unless_v6only_is_set() {
    if UdpSocket::bind("[::1]:0").is_err() {
        eprintln!("NOTICE: no IPv6 here, so dual stack was not checked");
        return;
    }
    let client = udp_socket();
    let v4 = client.local_addr().unwrap();
    let to_v4 = |socket: &UdpSocket| -> SocketAddr {
        format!("127.0.0.1:{}", socket.local_addr().unwrap().port())
            .parse()
            .unwrap()
    };

    // The system's default.
    let (_, default) = ipv6_wildcard(None);
    #[cfg(target_os = "linux")]
    {
        let bindv6only = std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only").unwrap();
        assert_eq!(default, bindv6only.trim() == "1");
    }
    #[cfg(target_os = "macos")]
    assert!(!default, "macOS leaves IPV6_V6ONLY off");
    #[cfg(windows)]
    if !test_support::under_wine() {
        assert!(default, "Windows turns IPV6_V6ONLY on");
    }
    println!("IPV6_V6ONLY is {default} by default here");

    // Dual stack: the IPv4 datagram arrives, from an IPv4-mapped address.
    let (dual, _) = ipv6_wildcard(Some(false));
    client.send_to(b"from IPv4", to_v4(&dual)).unwrap();
    let (got, from) = recv(&dual);
    assert_eq!(got, b"from IPv4");
    let SocketAddr::V6(from) = from else {
        panic!("an IPv6 socket reported {from}")
    };
    assert_eq!(from.ip().to_ipv4_mapped(), Some([127, 0, 0, 1].into()));
    assert_eq!(from.port(), v4.port());
    // The reply goes back to the mapped address, and so over IPv4.
    dual.send_to(b"hello, IPv4", SocketAddr::V6(from)).unwrap();
    assert_eq!(recv(&client).0, b"hello, IPv4");

    // IPv6 only: the IPv4 datagram finds no socket on that port.
    let (v6only, _) = ipv6_wildcard(Some(true));
    client.send_to(b"from IPv4", to_v4(&v6only)).unwrap();
    assert_no_datagram(&v6only);
}

#[cfg(target_os = "linux")]
mod fragmentation {
    use std::collections::HashMap;
    use std::process::{Command, Output};
    use std::thread;
    use std::time::{Duration, Instant};

    use test_support::{DEADLINE, Running, Stream, cargo_bin, start_server};

    /// Runs `ip ARGS`; the output, or the reason it failed.
    fn ip(args: &[&str]) -> Result<Output, String> {
        let out = Command::new("ip")
            .args(args)
            .output()
            .map_err(|err| format!("ip: {err}"))?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(format!(
                "ip {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// Runs a command inside namespace `ns`; panics if it fails (the namespaces exist by then).
    fn inside(ns: &str, command: &[&str]) -> String {
        let mut args = vec!["netns", "exec", ns];
        args.extend(command);
        String::from_utf8(ip(&args).unwrap().stdout).unwrap()
    }

    /// The `Ip:` counters of /proc/net/snmp as namespace `ns` sees them (each namespace has
    /// its own), e.g. FragCreates, ReasmOKs.
    fn ip_counters(ns: &str) -> HashMap<String, u64> {
        let snmp = inside(ns, &["cat", "/proc/net/snmp"]);
        let mut lines = snmp.lines().filter(|line| line.starts_with("Ip: "));
        let names = lines.next().unwrap().split_whitespace().skip(1);
        let values = lines.next().unwrap().split_whitespace().skip(1);
        names
            .zip(values)
            .map(|(name, value)| (name.to_owned(), value.parse().unwrap()))
            .collect()
    }

    /// How much each counter grew.
    fn grew(before: &HashMap<String, u64>, after: &HashMap<String, u64>, name: &str) -> u64 {
        after[name] - before[name]
    }

    /// The three namespaces, deleted (with their links) when the test ends.
    struct Namespaces(Vec<String>);

    impl Drop for Namespaces {
        fn drop(&mut self) {
            for ns in &self.0 {
                let _ = ip(&["netns", "del", ns]);
            }
        }
    }

    /// Why this machine cannot build the namespaces, if it cannot.
    fn cannot_build() -> Option<String> {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let root = status
            .lines()
            .any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(2) == Some("0"));
        if !root {
            return Some("it needs root".into());
        }
        if Command::new("ip").arg("-V").output().is_err() {
            return Some("`ip` (iproute2) is not installed".into());
        }
        None
    }

    /// Sender A (192.0.2.1) -- router R -- receiver B (198.51.100.2), every link a veth pair
    /// with Ethernet's MTU of 1500 bytes. Addresses from the documentation ranges (RFC 5737),
    /// which exist only inside these namespaces.
    fn build(names: &Namespaces) -> Result<(), String> {
        let [a, r, b] = [&names.0[0], &names.0[1], &names.0[2]].map(String::as_str);
        for ns in [a, r, b] {
            ip(&["netns", "add", ns])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
        }
        ip(&[
            "-n", a, "link", "add", "va", "type", "veth", "peer", "name", "ra", "netns", r,
        ])?;
        ip(&[
            "-n", r, "link", "add", "rb", "type", "veth", "peer", "name", "vb", "netns", b,
        ])?;
        for (ns, dev, addr) in [
            (a, "va", "192.0.2.1/24"),
            (r, "ra", "192.0.2.254/24"),
            (r, "rb", "198.51.100.254/24"),
            (b, "vb", "198.51.100.2/24"),
        ] {
            ip(&["-n", ns, "addr", "add", addr, "dev", dev])?;
            ip(&["-n", ns, "link", "set", dev, "mtu", "1500", "up"])?;
        }
        ip(&["-n", a, "route", "add", "default", "via", "192.0.2.254"])?;
        ip(&["-n", b, "route", "add", "default", "via", "198.51.100.254"])?;
        let sysctl = |ns: &str, key: &str, value: &str| {
            let script = format!("echo {value} > /proc/sys/net/ipv4/{key}");
            ip(&["netns", "exec", ns, "sh", "-c", &script]).map(drop)
        };
        sysctl(r, "ip_forward", "1")?;
        // A datagram missing a fragment is given up after ipfrag_time seconds (30 by default).
        sysctl(b, "ipfrag_time", "1")?;
        Ok(())
    }

    /// The router loses exactly one fragment of each datagram: the second, the one at offset
    /// 1480 bytes (IP counts fragment offsets in 8-byte units: 185). A u32 filter sends it to
    /// a token bucket whose bucket (200 bytes) is smaller than the packet, which drops it.
    fn lose_second_fragments(router: &str) -> Result<(), String> {
        let tc = |args: &str| {
            let mut command = vec!["netns", "exec", router, "tc"];
            command.extend(args.split_whitespace());
            ip(&command).map(drop)
        };
        tc("qdisc add dev rb root handle 1: htb default 20")?;
        tc("class add dev rb parent 1: classid 1:10 htb rate 1mbit")?;
        tc("class add dev rb parent 1: classid 1:20 htb rate 10gbit")?;
        tc("qdisc add dev rb parent 1:10 handle 10: tbf rate 1mbit burst 200 limit 200")?;
        tc("filter add dev rb parent 1: protocol ip u32 match u16 185 0x1fff at 6 flowid 1:10")
    }

    /// lesson 1's client, inside the sender's namespace, sending one line of `len` bytes.
    fn send_one_line(sender: &str, server: &str, len: usize) -> Running {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", sender])
            .arg(cargo_bin("udp-echo-client"))
            .args(["--server", server, "--timeout", "3"]);
        let mut client = Running::spawn(command);
        client.write_line(&"x".repeat(len));
        client.close_stdin();
        client
    }

    /// Lesson 7, going deeper: a 65,507-byte datagram crosses an Ethernet-sized link as 45
    /// fragments, and losing one of them loses the whole datagram.
    ///
    /// Why: a link carries packets of at most its MTU (1500 bytes on Ethernet), so IPv4 cuts a
    /// bigger datagram into fragments of 1480 bytes of payload each: 65,507 + 8 bytes of UDP
    /// header need 45. Only the receiver puts them back together, and only when every one
    /// has come: here the router loses one fragment (the second), and the receiver, after
    /// waiting `ipfrag_time`, throws the other 44 away (ReasmFails). UDP never learns of it
    /// and nothing is sent again. The counters are Linux's own, from /proc/net/snmp in each
    /// namespace (what `nstat` shows): FragCreates at the sender, ForwDatagrams at the
    /// router, ReasmReqds, ReasmOKs and ReasmFails at the receiver.
    #[test]
    fn a_65507_byte_datagram_crosses_a_1500_byte_mtu_as_45_fragments_and_one_lost_loses_it_all() {
        if let Some(why) = cannot_build() {
            eprintln!(
                "NOTICE: fragmentation was not measured: {why} (network namespaces; see lesson 7)"
            );
            return;
        }
        let id = std::process::id();
        let names = Namespaces(
            ["send", "route", "recv"]
                .iter()
                .map(|role| format!("sl{id}{role}"))
                .collect(),
        );
        if let Err(why) = build(&names) {
            eprintln!("NOTICE: fragmentation was not measured: {why}");
            return;
        }
        let [a, r, b] = [&names.0[0], &names.0[1], &names.0[2]].map(String::as_str);

        // Lesson 1's server, in the receiver's namespace.
        let server_path = cargo_bin("udp-echo-server");
        let server_path = server_path.to_str().unwrap();
        let server = start_server(
            "ip",
            &["netns", "exec", b, server_path, "--addr", "198.51.100.2:0"],
        );
        let to = server.addr.to_string();

        // 1. Nothing lost: 45 fragments out, 45 forwarded, 45 in, one datagram back together.
        let before = [a, r, b].map(ip_counters);
        let mut client = send_one_line(a, &to, common::MAX_UDP_PAYLOAD_V4);
        server.expect_stdout("the datagram was 65507 bytes");
        client.expect_exit();
        let after = [a, r, b].map(ip_counters);
        let fragments = grew(&before[0], &after[0], "FragCreates");
        println!(
            "one datagram of 65,507 bytes: FragCreates {fragments} (sender), ForwDatagrams {} \
             (router, the reply included), ReasmReqds {}, ReasmOKs {} (receiver)",
            grew(&before[1], &after[1], "ForwDatagrams"),
            grew(&before[2], &after[2], "ReasmReqds"),
            grew(&before[2], &after[2], "ReasmOKs"),
        );
        assert_eq!(fragments, 45);
        // The 45 fragments one way, and the server's reply (1,024 bytes, one packet) back.
        assert_eq!(grew(&before[1], &after[1], "ForwDatagrams"), 46);
        assert_eq!(grew(&before[2], &after[2], "ReasmReqds"), 45);
        assert_eq!(grew(&before[2], &after[2], "ReasmOKs"), 1);

        // 2. The router loses the second fragment: the other 44 arrive, and are thrown away.
        if let Err(why) = lose_second_fragments(r) {
            eprintln!("NOTICE: the lost-fragment half was not measured: {why}");
            return;
        }
        let before = ip_counters(b);
        let mut client = send_one_line(a, &to, common::MAX_UDP_PAYLOAD_V4);
        client.expect_stdout("no reply within 3s");
        client.expect_exit();
        let until = Instant::now() + DEADLINE;
        let after = loop {
            let now = ip_counters(b);
            if grew(&before, &now, "ReasmFails") > 0 {
                break now;
            }
            assert!(
                Instant::now() < until,
                "the receiver never gave up: {now:?}"
            );
            thread::sleep(Duration::from_millis(50));
        };
        println!(
            "with one fragment lost: ReasmReqds {}, ReasmOKs {}, ReasmFails {}",
            grew(&before, &after, "ReasmReqds"),
            grew(&before, &after, "ReasmOKs"),
            grew(&before, &after, "ReasmFails"),
        );
        assert_eq!(grew(&before, &after, "ReasmReqds"), 44);
        assert_eq!(grew(&before, &after, "ReasmOKs"), 0);
        // The server never saw a second datagram.
        let seen = server.seen(Stream::Stdout);
        assert_eq!(
            seen.iter().filter(|line| line.starts_with("from ")).count(),
            1,
            "{seen:#?}"
        );
    }
}

//! Lesson 1, the tutorial's UDP echo server as it wrote it: print each datagram, send it back
//! upper-cased. `cargo run --example udp-echo-server [ADDR]` (the hardened one: `-p`).
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    // ip_port = ('127.0.0.1', 8080), unless an address is given (port 0: any free one).
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8080".into());
    let buffer_size = 1024;

    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port), in one call. No listen, no accept.
    let udp_server = UdpSocket::bind(ip_port)?;
    println!("listening on udp://{}", udp_server.local_addr()?);

    let mut data = vec![0u8; buffer_size];
    loop {
        // recvfrom(buffer_size): one datagram, and the address of whoever sent it.
        let (n, addr) = udp_server.recv_from(&mut data)?;
        // print(data): shown as Python shows bytes, so an empty datagram is b''.
        println!("b'{}'", data[..n].escape_ascii());

        // sendto(data.upper(), addr): no connection, so every reply names its receiver.
        udp_server.send_to(&data[..n].to_ascii_uppercase(), addr)?;
    }
}

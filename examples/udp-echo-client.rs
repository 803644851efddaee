//! Lesson 1, the tutorial's UDP echo client as it wrote it: send each line typed, print the
//! reply. `cargo run --example udp-echo-client [SERVER]` (the hardened one: `-p`).
use std::io::Write;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8080".into());
    let buffer_size = 1024;

    // socket(AF_INET, SOCK_DGRAM): Python binds it to a free port on the first sendto; Rust
    // binds it now (port 0: the OS picks one).
    let udp_client = UdpSocket::bind("0.0.0.0:0")?;

    let mut data = vec![0u8; buffer_size];
    loop {
        // msg = input('>>: ').strip(); end of input (Ctrl-D) ends the program.
        print!(">>: ");
        std::io::stdout().flush()?;
        let mut msg = String::new();
        if std::io::stdin().read_line(&mut msg)? == 0 {
            return Ok(());
        }

        // sendto(msg.encode('utf-8'), ip_port): every send names the server. An empty line
        // is sent too, as an empty datagram.
        udp_client.send_to(msg.trim().as_bytes(), &ip_port)?;

        // recvfrom(buffer_size), then print(data). It waits for ever, as the tutorial's does.
        let (n, _addr) = udp_client.recv_from(&mut data)?;
        println!("b'{}'", data[..n].escape_ascii());
    }
}

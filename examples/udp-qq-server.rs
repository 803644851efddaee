//! Lesson 2, the tutorial's QQ chat server as it wrote it: show each message, then send back
//! what you type. `cargo run --example udp-qq-server [ADDR]` (the hardened one: `-p`).
use std::io::Write;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8081".into());
    // socket(AF_INET, SOCK_DGRAM) and bind(ip_port): the tutorial's "buying a phone".
    let udp_server_sock = UdpSocket::bind(ip_port)?;
    println!("listening on udp://{}", udp_server_sock.local_addr()?);

    let mut qq_msg = [0u8; 1024];
    loop {
        // recvfrom(1024): the next message, from whichever client sent it.
        let (n, addr) = udp_server_sock.recv_from(&mut qq_msg)?;
        // decode('utf-8'), shown bold on blue (\033[1;44m ... \033[0m).
        let text = String::from_utf8_lossy(&qq_msg[..n]);
        let (ip, port) = (addr.ip(), addr.port());
        println!("来自[{ip}:{port}]的一条消息:\x1b[1;44m{text}\x1b[0m");

        // back_msg = input('回复消息: ').strip(); end of input (Ctrl-D) stops the server.
        print!("回复消息: ");
        std::io::stdout().flush()?;
        let mut back_msg = String::new();
        if std::io::stdin().read_line(&mut back_msg)? == 0 {
            return Ok(());
        }
        // sendto(back_msg, addr): the reply goes to the address the message came from.
        udp_server_sock.send_to(back_msg.trim().as_bytes(), addr)?;
    }
}

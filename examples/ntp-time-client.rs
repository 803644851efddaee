//! Lesson 3: the tutorial gives only the time server; this is the client it implies, its echo
//! client printing the reply as text. `cargo run --example ntp-time-client [SERVER]`.
use std::io::Write;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8082".into());
    let buffer_size = 1024;
    let udp_client = UdpSocket::bind("0.0.0.0:0")?;

    let mut data = vec![0u8; buffer_size];
    loop {
        // A strftime format such as %d/%m/%Y, or just Enter for the server's default.
        print!(">>: ");
        std::io::stdout().flush()?;
        let mut fmt = String::new();
        if std::io::stdin().read_line(&mut fmt)? == 0 {
            return Ok(());
        }
        udp_client.send_to(fmt.trim().as_bytes(), &ip_port)?;

        // print(data.decode('utf-8')): the time, as text.
        let (n, _addr) = udp_client.recv_from(&mut data)?;
        println!("{}", String::from_utf8_lossy(&data[..n]));
    }
}

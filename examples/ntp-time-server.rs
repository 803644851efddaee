//! Lesson 3, the tutorial's time server as it wrote it: each datagram is a strftime format
//! (empty: the default), the reply is the local time in it. `cargo run --example ntp-time-server`.
use std::fmt::Write;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8082".into());
    let buffer_size = 1024;

    let udp_server = UdpSocket::bind(ip_port)?;
    println!("listening on udp://{}", udp_server.local_addr()?);

    let mut data = vec![0u8; buffer_size];
    loop {
        let (n, addr) = udp_server.recv_from(&mut data)?;
        println!("b'{}'", data[..n].escape_ascii());

        // An empty datagram asks for the default format, year-month-day hours:minutes:seconds;
        // any other datagram is the format, decoded from UTF-8.
        let fmt = match n {
            0 => "%Y-%m-%d %X".into(),
            _ => String::from_utf8_lossy(&data[..n]),
        };
        // back_time = time.strftime(fmt), with chrono; a format it cannot use gets an error.
        let mut back_time = String::new();
        if write!(back_time, "{}", chrono::Local::now().format(&fmt)).is_err() {
            back_time = format!("error: bad format {fmt:?}");
        }
        // sendto(back_time.encode('utf-8'), addr)
        udp_server.send_to(back_time.as_bytes(), addr)?;
    }
}

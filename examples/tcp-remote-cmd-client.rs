//! Lesson 4, the tutorial's remote-command client over TCP as it wrote it: send each command,
//! print the reply decoded from GBK. `cargo run --example tcp-remote-cmd-client [SERVER]`.
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8083".into());
    let buffer_size = 1024;
    // socket(AF_INET, SOCK_STREAM) and connect(ip_port): the handshake happens here.
    let mut tcp_client = TcpStream::connect(ip_port)?;

    let mut cmd_res = vec![0u8; buffer_size];
    loop {
        print!(">>: ");
        std::io::stdout().flush()?;
        let mut cmd = String::new();
        // End of input (Ctrl-D) ends the client as `quit` does.
        if std::io::stdin().read_line(&mut cmd)? == 0 || cmd.trim() == "quit" {
            return Ok(());
        }
        // Sending nothing puts nothing on the wire, and recv would wait for ever: skip it.
        if cmd.trim().is_empty() {
            continue;
        }
        tcp_client.write_all(cmd.trim().as_bytes())?;
        // recv(1024): at most 1024 bytes of the reply; any rest comes with the next one.
        let n = tcp_client.read(&mut cmd_res)?;
        let (text, _, _) = encoding_rs::GBK.decode(&cmd_res[..n]);
        println!("命令的执行结果是  {text}");
    }
}

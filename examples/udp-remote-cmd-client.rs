//! Lesson 5, the tutorial's remote-command client over UDP as it wrote it: send each command
//! as a datagram, print the reply decoded from GBK. `cargo run --example udp-remote-cmd-client`.
use std::io::Write;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8084".into());
    let buffer_size = 1024;
    let udp_client = UdpSocket::bind("0.0.0.0:0")?;

    let mut cmd_res = vec![0u8; buffer_size];
    loop {
        print!(">>: ");
        std::io::stdout().flush()?;
        let mut cmd = String::new();
        // End of input (Ctrl-D) ends the client as `quit` does.
        if std::io::stdin().read_line(&mut cmd)? == 0 || cmd.trim() == "quit" {
            return Ok(());
        }
        if cmd.trim().is_empty() {
            continue;
        }
        // sendto(cmd, ip_port): every send names the server.
        udp_client.send_to(cmd.trim().as_bytes(), &ip_port)?;
        // recvfrom(1024): one datagram; whatever of it does not fit is lost.
        let (n, _addr) = udp_client.recv_from(&mut cmd_res)?;
        let (text, _, _) = encoding_rs::GBK.decode(&cmd_res[..n]);
        println!("命令的执行结果是  {text}");
    }
}

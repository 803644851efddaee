//! Lesson 5, the tutorial's remote-command server over UDP as it wrote it: run the command in
//! each datagram, send its output back. `cargo run --example udp-remote-cmd-server [ADDR]`.
use std::net::UdpSocket;
#[cfg(windows)]
use std::os::windows::process::CommandExt; // raw_arg
use std::process::Command;
const SUCCESS_GBK: &[u8] = b"\xd6\xb4\xd0\xd0\xb3\xc9\xb9\xa6"; // '执行成功'.encode('gbk')

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8084".into());
    let buffer_size = 1024;
    // Loopback only: this runs any command for anyone (a sender can be forged), for as long and
    // with as much output as it likes; the full server (`-p udp-remote-cmd-server`) bounds it.
    if !(ip_port.starts_with("127.") || ip_port.starts_with("[::1]:")) {
        return Err(std::io::Error::other("loopback only"));
    }
    let udp_server = UdpSocket::bind(ip_port)?;
    println!("listening on udp://{}", udp_server.local_addr()?);

    let mut cmd = vec![0u8; buffer_size];
    loop {
        let (n, addr) = udp_server.recv_from(&mut cmd)?;
        let line = String::from_utf8_lossy(&cmd[..n]);
        // shell=True: `sh -c LINE` on Unix, `cmd /S /C "LINE"` on Windows (raw, as Python does).
        #[cfg(unix)]
        let res = Command::new("sh").arg("-c").arg(&*line).output()?;
        #[cfg(windows)]
        let res = Command::new("cmd")
            .raw_arg(format!("/S /C \"{line}\""))
            .output()?;
        // stderr if any, else stdout, else 执行成功 in GBK (the tutorial's Windows console).
        let cmd_res = [res.stderr, res.stdout].into_iter().find(|o| !o.is_empty());
        // sendto(cmd_res, addr). An output too big for one datagram (65507 bytes) cannot go.
        if let Err(err) = udp_server.send_to(cmd_res.as_deref().unwrap_or(SUCCESS_GBK), addr) {
            println!("{err}");
        }
    }
}

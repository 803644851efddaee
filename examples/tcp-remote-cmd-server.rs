//! Lesson 4, the tutorial's remote-command server over TCP as it wrote it: run each command a
//! client sends, send back its output. `cargo run --example tcp-remote-cmd-server [ADDR]`.
use std::io::{Read, Write};
use std::net::TcpListener;
#[cfg(windows)]
use std::os::windows::process::CommandExt; // raw_arg
use std::process::Command;
const SUCCESS_GBK: &[u8] = b"\xd6\xb4\xd0\xd0\xb3\xc9\xb9\xa6"; // '执行成功'.encode('gbk')

fn main() -> std::io::Result<()> {
    let ip_port = std::env::args().nth(1).unwrap_or("127.0.0.1:8083".into());
    // Loopback only: this runs any command for anyone, for as long and with as much output as
    // it likes; the full server (`cargo run -p tcp-remote-cmd-server`) bounds all of that.
    if !(ip_port.starts_with("127.") || ip_port.starts_with("[::1]:")) {
        return Err(std::io::Error::other("loopback only"));
    }
    let tcp_server = TcpListener::bind(ip_port)?; // socket, bind and listen in one call
    println!("listening on tcp://{}", tcp_server.local_addr()?);
    loop {
        let (mut conn, addr) = tcp_server.accept()?;
        println!("新的客户端链接 {addr}");
        let mut cmd = [0u8; 1024];
        // recv(1024) until the client closes (0 bytes) or vanishes (an error): `break`.
        while let Ok(n @ 1..) = conn.read(&mut cmd) {
            println!("收到客户端的命令 b'{}'", cmd[..n].escape_ascii());
            let line = String::from_utf8_lossy(&cmd[..n]);
            // shell=True: `sh -c LINE` on Unix, `cmd /S /C "LINE"` on Windows (raw, as Python does).
            #[cfg(unix)]
            let res = Command::new("sh").arg("-c").arg(&*line).output()?;
            #[cfg(windows)]
            let res = Command::new("cmd")
                .raw_arg(format!("/S /C \"{line}\""))
                .output()?;
            // stderr if any, else stdout, else 执行成功 in GBK. A failed send (the client is
            // gone) ends the loop at the next recv.
            let cmd_res = [res.stderr, res.stdout].into_iter().find(|o| !o.is_empty());
            let _ = conn.write_all(cmd_res.as_deref().unwrap_or(SUCCESS_GBK));
        }
    }
}

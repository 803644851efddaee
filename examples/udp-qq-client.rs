//! Lesson 2, the tutorial's QQ chat client as it wrote it: choose a contact, then send it each
//! line typed and show the reply. `cargo run --example udp-qq-client [SERVER]`.
use std::collections::HashMap;
use std::io::Write;
use std::net::UdpSocket;

/// input(prompt).strip(), or None at end of input (Ctrl-D), which ends the program.
fn input(prompt: &str) -> std::io::Result<Option<String>> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    let n = std::io::stdin().read_line(&mut line)?;
    Ok((n > 0).then(|| line.trim().to_owned()))
}

fn main() -> std::io::Result<()> {
    let server = std::env::args().nth(1).unwrap_or("127.0.0.1:8081".into());
    let udp_client_socket = UdpSocket::bind("0.0.0.0:0")?;
    // qq_name_dic, the contact book: four names, all at the one chat server.
    let names = ["狗哥alex", "瞎驴", "一棵树", "武大郎"];
    let qq_name_dic: HashMap<&str, &str> = names.map(|name| (name, server.as_str())).into();
    let mut back_msg = [0u8; 1024];
    while let Some(qq_name) = input("请选择聊天对象: ")? {
        while let Some(msg) = input("请输入消息,回车发送: ")? {
            if msg == "quit" {
                break; // back to choosing a contact
            }
            // Nothing is sent for an empty message, or to a name not in the book.
            if msg.is_empty() || !qq_name_dic.contains_key(qq_name.as_str()) {
                continue;
            }
            udp_client_socket.send_to(msg.as_bytes(), qq_name_dic[qq_name.as_str()])?;
            let (n, addr) = udp_client_socket.recv_from(&mut back_msg)?;
            let text = String::from_utf8_lossy(&back_msg[..n]);
            let (ip, port) = (addr.ip(), addr.port());
            println!("来自[{ip}:{port}]的一条消息:\x1b[1;44m{text}\x1b[0m");
        }
    }
    Ok(())
}

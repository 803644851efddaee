//! Solution to `async-server` (lesson 8, hard).

use std::io;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Serves clients on `listener` for ever, one task per client: each line a client sends
/// comes back in upper case. A thousand idle clients cost a thousand small tasks, not threads.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        // spawn, not await: awaiting here would serve one client at a time.
        tokio::spawn(async move {
            if let Err(err) = upper_lines(stream).await {
                eprintln!("client: {err}");
            }
        });
    }
}

async fn upper_lines(stream: TcpStream) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        line.make_ascii_uppercase();
        write.write_all(&line).await?;
    }
}

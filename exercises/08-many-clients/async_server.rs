//! Exercise `async-server` (lesson 8, hard): the same server on an event loop.
//!
//! Write `serve` with tokio: accept clients on `listener` for ever, and answer each line a
//! client sends (ending in `\n`) with its upper-case copy, every client at once. The check
//! runs your server on a single-threaded runtime and connects 50 clients that all stay
//! connected: only tasks, not threads or a loop that awaits one client after another, can
//! serve them side by side.
//!
//! Lesson 8's `many-clients-async` does the same; read it after you have tried.
//!
//! Check your work:  cargo exercises check async-server

use std::io;
use tokio::net::TcpListener;

/// Serves clients on `listener` for ever, one task per client.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    // TODO: loop { accept().await?, then tokio::spawn a task that serves that client }.
    // In the task: stream.into_split(), tokio::io::BufReader on the read half,
    // read_until(b'\n', ..).await (0 = the client has gone), write_all(..).await.
    // (tokio::io::{AsyncBufReadExt, AsyncWriteExt} bring those methods into scope.)
    todo!("serve clients on {}", listener.local_addr()?)
}

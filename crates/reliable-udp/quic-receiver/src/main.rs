//! # Lesson 9: a file over QUIC, the receiver
//!
//! QUIC (RFC 9000) is what the Internet now runs over UDP: HTTP/3 rides on it. It brings what
//! our stop-and-wait and sliding window lack: encryption (TLS 1.3), congestion control (it
//! slows down when the path loses packets, RFC 9002), flow control and many streams in one
//! connection. This receiver uses the `quinn` crate: it makes a self-signed certificate for
//! the name `localhost` at start, writes it to `--cert` so the sender can trust it, and for
//! each connection reads one stream to its end, shows the size and SHA-256, and closes the
//! connection (the sender's sign that everything arrived).
//!
//! Run it, the lossy link in front of it, then the sender:
//!
//! ```text
//! cargo run -p quic-receiver
//! cargo run -p lossy-link -- --to 127.0.0.1:8089 --loss 5% --delay 20ms
//! cargo run -p quic-sender -- --server 127.0.0.1:8086 --file Cargo.lock
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use clap::Parser;
use reliable_udp_core::cli::{Listen, Quic, QuicCert};

/// Lesson 9: receives files over QUIC (quinn), with a self-signed certificate made at start.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Sender: cargo run -p quic-sender -- --file PATH"
)]
struct Args {
    #[command(flatten)]
    listen: Listen<Quic>,

    #[command(flatten)]
    cert: QuicCert,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let cert = args.cert.path();
    // tokio's multi-threaded runtime, with its I/O and timers (what `#[tokio::main]` makes).
    tokio::runtime::Runtime::new()?.block_on(quic::serve(args, cert))
}

mod quic {
    use std::io::Write;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use quinn::rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};

    use super::Args;

    /// Senders served at once: each holds up to `MAX_FILE` in memory until its file is whole.
    const MAX_CONNECTIONS: usize = 4;
    /// The most a sender may send in one file: with `MAX_CONNECTIONS`, at most 1 GiB in all.
    const MAX_FILE: usize = 256 << 20;

    pub async fn serve(args: Args, cert_path: PathBuf) -> Result<(), common::Error> {
        // Bind and announce like every server of the course, then hand the socket to quinn.
        let socket = args.listen.bind()?;

        // A certificate for "localhost", signed by itself: nobody vouches for it, so the
        // sender must be given it (the file) to trust it. A real server gets one from a CA.
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .map_err(|err| format!("cannot make a certificate: {err}"))?;
        let cert = CertificateDer::from(made.cert);
        let key = PrivatePkcs8KeyDer::from(made.signing_key.serialize_der());
        std::fs::write(&cert_path, &cert).map_err(|err| {
            format!(
                "cannot write the certificate to {}: {err}",
                cert_path.display()
            )
        })?;
        writeln!(
            std::io::stdout(),
            "certificate for localhost written to {}",
            cert_path.display()
        )?;
        std::io::stdout().flush()?;

        let mut config = quinn::ServerConfig::with_single_cert(vec![cert], key.into())
            .map_err(|err| format!("cannot use the certificate: {err}"))?;
        let mut transport = quinn::TransportConfig::default();
        transport.max_idle_timeout(Some(idle_timeout()?));
        config.transport_config(Arc::new(transport));
        let endpoint = quinn::Endpoint::new(
            quinn::EndpointConfig::default(),
            Some(config),
            socket,
            Arc::new(quinn::TokioRuntime),
        )?;

        // One task per connection, so a slow sender never holds up the next one; but no more
        // than MAX_CONNECTIONS at once, so that senders (or a stranger's handshakes) cannot
        // make it hold more than MAX_CONNECTIONS files in memory. The next one is refused at
        // its first packet (QUIC's CONNECTION_REFUSED), and its sender says so.
        let places = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
        let mut refusals = guard::LogLimit::new(guard::LogLimit::LINES_PER_SECOND, "refusals");
        while let Some(incoming) = endpoint.accept().await {
            let from = incoming.remote_address();
            let Ok(place) = Arc::clone(&places).try_acquire_owned() else {
                incoming.refuse();
                if refusals.allow(&mut std::io::stderr())? {
                    eprintln!("{from}: refused, {MAX_CONNECTIONS} senders are being served");
                }
                continue;
            };
            let output = args.listen.output.clone();
            tokio::spawn(async move {
                if let Err(err) = receive(incoming, output).await {
                    eprintln!("transfer from {from} failed: {err}");
                }
                drop(place);
            });
        }
        Ok(())
    }

    pub fn idle_timeout() -> Result<quinn::IdleTimeout, common::Error> {
        quinn::IdleTimeout::try_from(Duration::from_secs(10))
            .map_err(|err| common::Error::new(err.to_string()))
    }

    async fn receive(incoming: quinn::Incoming, output: Option<PathBuf>) -> Result<(), String> {
        let start = Instant::now();
        let connection = incoming.await.map_err(|err| err.to_string())?;
        let from = connection.remote_address();
        // The sender opens one unidirectional stream and writes the file into it.
        let mut stream = connection
            .accept_uni()
            .await
            .map_err(|err| err.to_string())?;
        let data = stream
            .read_to_end(MAX_FILE)
            .await
            .map_err(|err| err.to_string())?;
        // Closing says "I have it all": the sender waits for this before it ends.
        connection.close(0u32.into(), b"received");
        let line = format!(
            "received {} bytes from {from} in {:.3} s, sha256 {}",
            data.len(),
            start.elapsed().as_secs_f64(),
            reliable_udp_core::sha256_hex(&data)
        );
        // The file first, then the line that says it came: whoever reads that line may open
        // the file at once.
        if let Some(path) = output {
            std::fs::write(&path, &data)
                .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        }
        let mut stdout = std::io::stdout().lock();
        if let Err(err) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
            eprintln!("Error: cannot write the log: {err}");
            std::process::exit(1);
        }
        Ok(())
    }
}

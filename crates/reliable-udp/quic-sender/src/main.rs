//! # Lesson 9: a file over QUIC, the sender
//!
//! Sends a file (or stdin) to `quic-receiver` over one QUIC stream, with the `quinn` crate:
//! it trusts the receiver's self-signed certificate (read from `--cert`), connects to the name
//! `localhost`, writes the file into a unidirectional stream, finishes it, and waits until the
//! receiver closes the connection, which it does once it has read everything. QUIC resends
//! what is lost and, unlike our sliding window, slows down when packets are lost (its
//! congestion control, RFC 9002), to leave room for everybody else on the path.
//!
//! ```text
//! cargo run -p quic-receiver
//! cargo run -p quic-sender -- --file Cargo.lock
//! ```
//!
//! The walkthrough is `lessons/09-reliable-udp.md`.

use std::path::PathBuf;

use clap::Parser;
use reliable_udp_core::cli::{Quic, QuicCert, Target};

/// Lesson 9: sends a file over QUIC (quinn), one stream.
#[derive(Parser)]
#[command(
    version,
    after_help = "Lesson: lessons/09-reliable-udp.md\n\
                  Receiver: cargo run -p quic-receiver"
)]
struct Args {
    #[command(flatten)]
    target: Target<Quic>,

    #[command(flatten)]
    cert: QuicCert,

    /// Write quinn's congestion window every 5 ms here, one line each: milliseconds since the
    /// transfer began, then the window in bytes (lesson 10's figure)
    #[arg(long, value_name = "PATH")]
    cwnd_trace: Option<PathBuf>,
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    let data = args.target.read()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(quic::send(
        args.target.server,
        args.cert.path(),
        data,
        args.cwnd_trace,
    ))
}

mod quic {
    use std::io::Write;
    use std::net::SocketAddr;
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use quinn::rustls::RootCertStore;
    use quinn::rustls::pki_types::CertificateDer;

    pub async fn send(
        server: SocketAddr,
        cert_path: PathBuf,
        data: Vec<u8>,
        cwnd_trace: Option<PathBuf>,
    ) -> Result<(), common::Error> {
        // Trust exactly the receiver's certificate, nothing else.
        let cert = std::fs::read(&cert_path).map_err(|err| {
            format!(
                "cannot read the receiver's certificate {} ({err}): start quic-receiver first, \
                 it writes it there",
                cert_path.display()
            )
        })?;
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from(cert))
            .map_err(|err| format!("{} is not a certificate: {err}", cert_path.display()))?;
        let mut config = quinn::ClientConfig::with_root_certificates(Arc::new(roots))
            .map_err(|err| format!("cannot use the certificate: {err}"))?;
        // Give up after 10 s without a word from the receiver (it vanished, or never was).
        let mut transport = quinn::TransportConfig::default();
        transport.max_idle_timeout(Some(
            quinn::IdleTimeout::try_from(Duration::from_secs(10))
                .map_err(|err| common::Error::new(err.to_string()))?,
        ));
        config.transport_config(Arc::new(transport));

        let socket = common::client_udp(server)?;
        let mut endpoint = quinn::Endpoint::new(
            quinn::EndpointConfig::default(),
            None,
            socket,
            Arc::new(quinn::TokioRuntime),
        )?;
        endpoint.set_default_client_config(config);

        let start = Instant::now();
        let failed = |what: &str, err: &dyn std::fmt::Display| {
            common::Error::new(format!("{what} {server} failed: {err}"))
        };
        // The handshake: TLS 1.3 inside QUIC's first packets, one round trip.
        let connection = endpoint
            .connect(server, "localhost")
            .map_err(|err| failed("connecting to", &err))?
            .await
            .map_err(|err| failed("connecting to", &err))?;
        // The transfer is timed like the other senders': from its first byte to the receiver
        // saying it has them all. The handshake is reported apart; the closing wait after it
        // (`wait_idle` below) is not counted at all.
        let handshake = start.elapsed();
        let start = Instant::now();
        let tracer =
            cwnd_trace.map(|path| tokio::spawn(trace_cwnd(connection.clone(), path, start)));
        let mut stream = connection
            .open_uni()
            .await
            .map_err(|err| failed("opening a stream to", &err))?;
        stream
            .write_all(&data)
            .await
            .map_err(|err| failed("sending to", &err))?;
        stream
            .finish()
            .map_err(|err| failed("finishing the stream to", &err))?;
        // The receiver closes the connection once it has read the whole stream.
        match connection.closed().await {
            quinn::ConnectionError::ApplicationClosed(_) => {}
            err => return Err(failed("waiting for", &err)),
        }
        let elapsed = start.elapsed();
        if let Some(tracer) = tracer {
            tracer.abort();
        }
        let stats = connection.stats();
        writeln!(
            std::io::stdout(),
            "sent {} bytes in {:.3} s ({}): {} datagrams, {} packets lost and sent again, {:.2} \
             bytes on the wire per byte of file; rtt {:.1} ms, congestion window {} bytes; \
             handshake {:.1} ms before",
            data.len(),
            elapsed.as_secs_f64(),
            reliable_udp_core::human_rate(data.len() as f64 / elapsed.as_secs_f64()),
            stats.udp_tx.datagrams,
            stats.path.lost_packets,
            stats.udp_tx.bytes as f64 / data.len().max(1) as f64,
            stats.path.rtt.as_secs_f64() * 1000.0,
            stats.path.cwnd,
            handshake.as_secs_f64() * 1000.0,
        )?;
        endpoint.wait_idle().await;
        Ok(())
    }

    /// Writes the connection's congestion window every 5 ms until aborted.
    async fn trace_cwnd(
        connection: quinn::Connection,
        path: PathBuf,
        start: Instant,
    ) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        let mut last = None;
        loop {
            tick.tick().await;
            let cwnd = connection.stats().path.cwnd;
            if last != Some(cwnd) {
                last = Some(cwnd);
                writeln!(out, "{:.3} {cwnd}", start.elapsed().as_secs_f64() * 1000.0)?;
                out.flush()?;
            }
        }
    }
}

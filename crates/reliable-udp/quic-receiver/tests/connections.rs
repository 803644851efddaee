//! quic-receiver serves at most 4 senders at once, so that senders, or a stranger's
//! handshakes, cannot make it hold more than 4 files (of at most 256 MiB each) in memory: the
//! tester's three connections of 300 MB took 1.52 GB before (issue 27). Driven by QUIC clients
//! of the test's own, which complete their handshakes and then hold their connections open.

use std::sync::Arc;
use std::time::{Duration, Instant};

use quinn::rustls::RootCertStore;
use quinn::rustls::pki_types::CertificateDer;
use test_support::{DEADLINE, start_server};

#[test]
fn the_receiver_serves_four_senders_at_once_and_refuses_a_fifth_until_one_leaves() {
    if test_support::under_wine() {
        // quinn sets socket options at start that Windows has and Wine lacks: its endpoint
        // fails with os error 10045 (WSAEOPNOTSUPP). Checked on Linux and on real Windows.
        eprintln!(
            "NOTICE: QUIC connection cap not checked under Wine: quinn's socket options are \
             not implemented there (os error 10045)"
        );
        return;
    }
    let cert = std::env::temp_dir().join(format!(
        "socket-lessons-quic-connections-{}.der",
        std::process::id()
    ));
    let receiver = start_server(
        env!("CARGO_BIN_EXE_quic-receiver"),
        &["--cert", cert.to_str().unwrap()],
    );
    receiver.expect_stdout("certificate for localhost written to");
    let addr = receiver.addr;

    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(std::fs::read(&cert).unwrap()))
        .unwrap();
    let config = quinn::ClientConfig::with_root_certificates(Arc::new(roots)).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut endpoint = quinn::Endpoint::client("127.0.0.1:0".parse().unwrap()).unwrap();
        endpoint.set_default_client_config(config);
        let connect = || async {
            let connecting = endpoint.connect(addr, "localhost").unwrap();
            tokio::time::timeout(DEADLINE, connecting)
                .await
                .expect("no answer to the handshake")
        };
        let mut held = Vec::new();
        for i in 0..4 {
            held.push(
                connect()
                    .await
                    .unwrap_or_else(|err| panic!("sender {i}: {err}")),
            );
        }
        let fifth = connect().await;
        let said = match &fifth {
            Ok(_) => "connected".to_owned(),
            Err(err) => err.to_string(),
        };
        assert!(
            matches!(fifth, Err(quinn::ConnectionError::ConnectionClosed(_))),
            "the fifth sender at once must be refused, but: {said}"
        );
        receiver.expect_stderr("refused, 4 senders are being served");

        // One leaves: its place is free again once the receiver has seen it go.
        let leaving = held.pop().unwrap();
        leaving.close(0u32.into(), b"bye");
        let end = Instant::now() + DEADLINE;
        loop {
            match connect().await {
                Ok(connection) => {
                    held.push(connection);
                    break;
                }
                Err(err) => assert!(Instant::now() < end, "no place came free: {err}"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for connection in held {
            connection.close(0u32.into(), b"done");
        }
        endpoint.wait_idle().await;
    });
    let _ = std::fs::remove_file(cert);
}

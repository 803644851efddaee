//! The bench, run against a real many-clients server as a student would run it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use test_support::{cargo_bin, start_server};

fn field<'a>(json: &'a str, name: &str) -> &'a str {
    let key = format!("\"{name}\":");
    let at = json
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {json}"))
        + key.len();
    let rest = &json[at..];
    let end = rest.find([',', '}']).unwrap();
    &rest[..end]
}

#[test]
fn the_bench_counts_every_round_trip_and_every_idle_connection_of_a_server_it_is_pointed_at() {
    let server = start_server(cargo_bin("many-clients-async"), &["--backlog", "64"]);
    let output = Command::new(env!("CARGO_BIN_EXE_many-clients-bench"))
        .args(["--server", &server.addr.to_string()])
        .args(["--pid", &server.id().to_string()])
        .args([
            "--clients",
            "5",
            "--idle",
            "7",
            "--requests",
            "20",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = stdout.trim();
    assert!(json.starts_with("[{") && json.ends_with("}]"), "{json}");
    assert_eq!(field(json, "requests"), "100", "5 clients x 20 round trips");
    assert_eq!(field(json, "failed_clients"), "0");
    assert_eq!(field(json, "idle_held"), "7");
    assert_ne!(field(json, "p99_us"), "null");
    // Memory, threads and CPU time come from /proc on Linux only; elsewhere they are null.
    #[cfg(target_os = "linux")]
    for name in ["peak_rss_kib", "threads", "cpu_us_per_request"] {
        assert_ne!(field(json, name), "null", "{name} in {json}");
    }
    #[cfg(not(target_os = "linux"))]
    assert_eq!(field(json, "threads"), "null");
}

#[test]
fn the_bench_says_which_server_binary_is_missing_and_how_to_build_it() {
    // A copy of the bench alone in a folder: no server binary sits beside it.
    let dir = std::env::temp_dir().join(format!("many-clients-bench-alone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bench = dir.join(format!(
        "many-clients-bench{}",
        std::env::consts::EXE_SUFFIX
    ));
    std::fs::copy(env!("CARGO_BIN_EXE_many-clients-bench"), &bench).unwrap();
    let output = Command::new(&bench)
        .args(["--design", "iterative", "--clients", "1", "--requests", "1"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("many-clients-iterative")
            && stderr.contains(
                "is missing: build it first (cargo build --release -p many-clients-iterative)"
            ),
        "{stderr}"
    );
}

//! The bench, run against a real many-clients server as a student would run it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use test_support::{cargo_bin, json_field as field, start_server};

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

/// Every value of a field in the bench's JSON array, in order.
fn fields<'a>(json: &'a str, name: &str) -> Vec<&'a str> {
    json.split("},{")
        .map(|object| field(object, name))
        .collect()
}

#[test]
fn the_plot_has_one_point_per_run_with_the_numbers_of_the_json_and_piped_no_progress() {
    let server = start_server(cargo_bin("many-clients-async"), &["--backlog", "64"]);
    let svg = std::env::temp_dir().join(format!("many-clients-bench-{}.svg", std::process::id()));
    let svg_arg = svg.to_str().unwrap().to_owned();
    let (addr, pid) = (server.addr.to_string(), server.id().to_string());
    let args = [
        "--server",
        &addr,
        "--pid",
        &pid,
        "--clients",
        "2,4",
        "--idle",
        "3,6",
        "--requests",
        "5",
        "--json",
        "--plot",
        &svg_arg,
    ];
    let output = Command::new(env!("CARGO_BIN_EXE_many-clients-bench"))
        .args(args)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&svg);
    let _ = std::fs::remove_file(&svg);
    assert!(output.status.success(), "{output:?}");
    // Piped, the progress bar draws nothing: stderr stays empty, stdout is the JSON alone.
    assert_eq!(output.stderr, b"");
    let json = String::from_utf8(output.stdout).unwrap();
    let json = json.trim();
    assert!(json.starts_with("[{") && json.ends_with("}]"), "{json}");

    let (command, panels) = plots::parse(&text.unwrap()).unwrap();
    assert_eq!(
        command,
        format!("cargo run -p many-clients-bench -- {}", args.join(" "))
    );
    // Four runs (idle 3 and 6, each with 2 and 4 clients): requests/s against clients, one
    // line per number of idle connections, each point the run's rate (rounded).
    // The JSON has the rate to a tenth and the plot to a whole request: 2432.46 is "2432.5"
    // in one and 2432 in the other, so a point may differ from the JSON's rate by up to 0.55.
    let rates: Vec<f64> = fields(json, "requests_per_second")
        .iter()
        .map(|r| r.parse::<f64>().unwrap())
        .collect();
    assert_eq!(rates.len(), 4, "{json}");
    let label = format!("server {addr}");
    let rate = &panels[0];
    assert_eq!(rate.title, "Requests per second");
    let lines: Vec<&str> = rate.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        lines,
        [format!("{label}, 3 idle"), format!("{label}, 6 idle")]
    );
    let drawn: Vec<(f64, f64)> = rate.series.iter().flat_map(|s| s.points.clone()).collect();
    let measured = [
        (2.0, rates[0]),
        (4.0, rates[1]),
        (2.0, rates[2]),
        (4.0, rates[3]),
    ];
    assert_eq!(drawn.len(), measured.len(), "{drawn:?}");
    for (got, want) in drawn.iter().zip(measured) {
        assert_eq!(got.0, want.0, "{drawn:?}");
        assert!((got.1 - want.1).abs() <= 0.55, "{got:?} drawn for {want:?}");
    }
    assert_eq!(
        panels[1]
            .series
            .iter()
            .map(|s| s.points.len())
            .sum::<usize>(),
        4
    );
    // Memory per idle connection comes from /proc: a third panel on Linux only, one point per
    // run at the idle connections held.
    #[cfg(target_os = "linux")]
    {
        let memory = &panels[2];
        for series in &memory.series {
            let xs: Vec<f64> = series.points.iter().map(|p| p.0).collect();
            assert_eq!(xs, [3.0, 6.0], "{memory:?}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    assert_eq!(panels.len(), 2);
}

//! Lesson 10: the bench's two-flow runs, small and quick. This proves the shape of what it
//! reports (each run, each flow, Jain's index from the shares it prints), never how fast a
//! protocol is: the targets are the bench's to check when it runs, on a machine at rest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

/// The number after `"name":` in `json`, or `None` for `null`.
fn field(json: &str, name: &str) -> Option<f64> {
    let key = format!("\"{name}\":");
    let rest = &json[json.find(&key)? + key.len()..];
    rest[..rest.find([',', '}'])?].parse().ok()
}

#[test]
fn the_bench_runs_two_flows_through_one_link_and_reports_each_share_and_jains_index() {
    if test_support::under_wine() {
        // QUIC cannot start under Wine (see lesson 9's QUIC test).
        return;
    }
    // The bench runs the programs next to it: build them first.
    for program in [
        "window-sender",
        "window-receiver",
        "quic-sender",
        "quic-receiver",
    ] {
        test_support::cargo_bin(program);
    }
    let plot = std::env::temp_dir().join(format!("lesson10-cwnd-{}.svg", std::process::id()));
    let output = Command::new(test_support::cargo_bin("reliable-udp-bench"))
        .args([
            "--skip-grid",
            "--flows",
            "--flow-size",
            "100000",
            "--json",
            "--limit",
            "60s",
        ])
        .arg("--cwnd-plot")
        .arg(&plot)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = String::from_utf8(output.stdout).unwrap();
    let flows = &json[json.find("\"flows\":{").unwrap()..];
    assert_eq!(field(flows, "size"), Some(100_000.0));
    let runs: Vec<&str> = flows.split("{\"overlap_seconds\"").skip(1).collect();
    let protocols = |run: &str| -> Vec<String> {
        run.split("\"protocol\":\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
            .collect()
    };
    let expected: [&[&str]; 7] = [
        &["none"],
        &["newreno"],
        &["quic"],
        &["none", "none"],
        &["newreno", "newreno"],
        &["none", "newreno"],
        &["newreno", "quic"],
    ];
    assert_eq!(runs.len(), expected.len(), "{json}");
    for (run, names) in runs.iter().zip(expected) {
        assert_eq!(protocols(run), names, "{run}");
        // Every flow finished with the file whole, and took some of the link.
        let shares: Vec<f64> = run
            .split("\"share_bytes_per_s\":")
            .skip(1)
            .map(|rest| rest[..rest.find([',', '}']).unwrap()].parse().unwrap())
            .collect();
        assert_eq!(shares.len(), names.len(), "{run}");
        assert!(!run.contains("\"seconds\":null"), "{run}");
        assert!(
            run.matches("\"failure\":null").count() == names.len(),
            "{run}"
        );
        assert!(shares.iter().all(|&s| s > 0.0), "{run}");
        // The index it prints is Jain's formula of the shares it prints.
        let sum: f64 = shares.iter().sum();
        let squares: f64 = shares.iter().map(|s| s * s).sum();
        let jain = sum * sum / (shares.len() as f64 * squares);
        let printed = field(run, "jain").unwrap();
        assert!((printed - jain).abs() < 1e-3, "{printed} against {jain}");
        assert!((1.0 / names.len() as f64..=1.0).contains(&printed));
    }
    // The figure: one panel per pair with a moving window, the window of each flow in it.
    let (command, panels) = plots::parse(&std::fs::read_to_string(&plot).unwrap()).unwrap();
    std::fs::remove_file(&plot).unwrap();
    assert!(command.contains("--flows"), "{command}");
    let titles: Vec<&str> = panels.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Congestion window, newreno + newreno sharing one link",
            "Congestion window, none + newreno sharing one link",
            "Congestion window, newreno + quic sharing one link",
        ]
    );
    for panel in &panels {
        assert_eq!(panel.series.len(), 2, "{}", panel.title);
        assert!(panel.series.iter().all(|s| s.points.len() >= 2));
    }
}

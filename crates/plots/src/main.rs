//! # Plots of measurements made by scripts
//!
//! Most of the course's benches draw their own figure (`--plot FILE.svg`). Lesson 1's
//! comparison is a shell script (`crates/udp-echo/bench/compare.sh`, Linux only) that runs
//! `udp-echo-bench` against five servers, round after round; it keeps every run's `--json`
//! line in a file, and this program draws that file, on any system:
//!
//! ```text
//! bash crates/udp-echo/bench/compare.sh
//! cargo run -p plots -- udp-echo target/udp-echo-compare.jsonl --out lessons/img/01-compare.svg
//! ```
//!
//! Without the script (Windows, macOS), make the file by hand: start each server, and run
//! `cargo run --release -p udp-echo-bench -- --server ADDR --window 16 --json --label NAME >> results.jsonl`
//! for each, at each window. Each line of the chart is one `--label`; each point the median
//! replies per second of that label's runs at one window.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Draws the course's measurements that a script collected, as an SVG chart.
#[derive(Parser)]
#[command(version, about, after_help = "Lesson: lessons/01-udp-echo.md")]
struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Lesson 1: replies/s and round trip against window, one line per server, from the
    /// JSON lines of `udp-echo-bench --json --label NAME`
    UdpEcho {
        /// The file of JSON lines (compare.sh writes target/udp-echo-compare.jsonl)
        results: PathBuf,

        /// The SVG file to write
        #[arg(long, value_name = "FILE.svg")]
        out: PathBuf,
    },
}

fn main() -> Result<(), common::Error> {
    let args = Args::parse();
    match args.what {
        What::UdpEcho { results, out } => {
            let text = std::fs::read_to_string(&results).map_err(|err| {
                common::Error::new(format!("cannot read {}: {err}", results.display()))
            })?;
            let panels = udp_echo(&text)?;
            plots::write_svg(&out, &panels, &plots::this_command("plots"))?;
            println!("plot written to {}", out.display());
        }
    }
    Ok(())
}

/// The runs of one server at one window: replies/s and median round trip of each.
#[derive(Default)]
struct Runs {
    rates: Vec<f64>,
    round_trips: Vec<f64>,
}

fn udp_echo(text: &str) -> Result<Vec<plots::Panel>, common::Error> {
    // Labels in the order they first appear (the order compare.sh starts the servers).
    let mut labels: Vec<String> = Vec::new();
    let mut runs: BTreeMap<(usize, u64), Runs> = BTreeMap::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |what: &str| common::Error::new(format!("line {}: {what}: {line}", n + 1));
        let label = text_field(line, "label")
            .or_else(|| text_field(line, "server"))
            .ok_or_else(|| bad("no label or server"))?;
        let window = number(line, "window").ok_or_else(|| bad("no window"))? as u64;
        let rate = number(line, "replies_per_s").ok_or_else(|| bad("no replies_per_s"))?;
        let index = match labels.iter().position(|l| *l == label) {
            Some(index) => index,
            None => {
                labels.push(label);
                labels.len() - 1
            }
        };
        let cell = runs.entry((index, window)).or_default();
        cell.rates.push(rate);
        if let Some(us) = number(line, "rtt_median_us") {
            cell.round_trips.push(us);
        }
    }
    if runs.is_empty() {
        return Err("no runs in the file: is it the output of udp-echo-bench --json?".into());
    }
    let rounds = runs.values().map(|r| r.rates.len()).max().unwrap_or(0);
    let mut rate = plots::Panel::new(
        &format!("Replies per second (median of {rounds} runs)"),
        "requests in flight (--window)",
        "replies/s",
    );
    let mut trip = plots::Panel::new(
        "Round trip, median (median of runs)",
        "requests in flight (--window)",
        "µs",
    );
    rate.x_log = true;
    trip.x_log = true;
    for ((index, window), cell) in runs {
        let label = &labels[index];
        rate.add(label, window as f64, median(cell.rates));
        if !cell.round_trips.is_empty() {
            trip.add(label, window as f64, median(cell.round_trips));
        }
    }
    Ok(vec![rate, trip])
}

/// The median; the lower middle one for an even count, as compare.sh takes it.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    // Every cell has at least one run; NaN (not drawn) only if that ever changes.
    let middle = values.len().div_ceil(2).saturating_sub(1);
    values.get(middle).copied().unwrap_or(f64::NAN)
}

/// A number field of a flat JSON object: `"name":123.4`.
fn number(line: &str, name: &str) -> Option<f64> {
    let key = format!("\"{name}\":");
    let rest = &line[line.find(&key)? + key.len()..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

/// A string field of a flat JSON object: `"name":"text"`, with `\"`, `\\` and `\u00XX`.
fn text_field(line: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\":\"");
    let rest = &line[line.find(&key)? + key.len()..];
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_the_benches_write_is_read_back_as_it_was() {
        for text in ["ours \"quiet\"", "a\\b", "tab\there\nnew line", "你好"] {
            let line = format!("{{\"label\":{}}}", plots::json_string(text));
            assert_eq!(text_field(&line, "label").as_deref(), Some(text), "{line}");
        }
    }

    #[test]
    fn each_label_is_a_line_and_each_window_the_median_of_its_runs() {
        let lines = [
            r#"{"server":"127.0.0.1:1","window":1,"replies_per_s":10,"rtt_median_us":50.0,"label":"ours \"quiet\""}"#,
            r#"{"server":"127.0.0.1:1","window":1,"replies_per_s":30,"rtt_median_us":70.0,"label":"ours \"quiet\""}"#,
            r#"{"server":"127.0.0.1:1","window":1,"replies_per_s":20,"rtt_median_us":60.0,"label":"ours \"quiet\""}"#,
            r#"{"server":"127.0.0.1:2","window":16,"replies_per_s":5,"rtt_median_us":null}"#,
            r#"{"server":"127.0.0.1:1","window":16,"replies_per_s":100,"rtt_median_us":80.0,"label":"ours \"quiet\""}"#,
        ];
        let panels = udp_echo(&lines.join("\n")).unwrap();
        let rate = &panels[0];
        assert_eq!(rate.title, "Replies per second (median of 3 runs)");
        assert_eq!(rate.series[0].label, "ours \"quiet\"");
        assert_eq!(rate.series[0].points, [(1.0, 20.0), (16.0, 100.0)]);
        // Without --label, the server's address names the line.
        assert_eq!(rate.series[1].label, "127.0.0.1:2");
        assert_eq!(rate.series[1].points, [(16.0, 5.0)]);
        assert_eq!(panels[1].series[0].points, [(1.0, 60.0), (16.0, 80.0)]);
        assert_eq!(panels[1].series.len(), 1, "no round trip measured for :2");
    }

    #[test]
    fn a_file_that_is_not_the_benchs_json_is_refused_with_its_line() {
        let err = udp_echo("hello\n").unwrap_err().to_string();
        assert!(err.starts_with("line 1: no label or server"), "{err}");
        assert!(udp_echo("\n").is_err());
    }
}

//! Round-trip times and the summary of a run.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

/// The value below which `p` percent of the sorted samples lie (nearest-rank method: the
/// smallest sample with at least `p` percent of all samples at or below it). `None` when
/// there are no samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub server: SocketAddr,
    /// What the run measured, in the bench's own words (`--label`), for a plot's legend.
    pub label: Option<String>,
    pub window: usize,
    pub size: usize,
    /// How long the measurement ran.
    pub elapsed: Duration,
    /// Requests sent.
    pub sent: u64,
    /// Right replies received within `elapsed`.
    pub replies: u64,
    /// Median and 99th percentile round trip of the right replies.
    pub median: Option<Duration>,
    pub p99: Option<Duration>,
    /// Requests not answered within the loss timeout.
    pub lost: u64,
    /// Replies that were not their request upper-cased.
    pub wrong: u64,
    /// Right replies that came after their request had been counted as lost.
    pub late: u64,
}

impl Summary {
    /// Right replies per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.replies as f64 / secs
        } else {
            0.0
        }
    }

    /// The one line for people:
    /// `41234 replies/s, round trip median 350 µs, p99 900 µs, lost 0, wrong 0 (...)`.
    pub fn line(&self) -> String {
        let mut line = format!("{:.0} replies/s, round trip ", self.rate());
        match (self.median, self.p99) {
            (Some(median), Some(p99)) => {
                let _ = write!(
                    line,
                    "median {:.0} µs, p99 {:.0} µs",
                    micros(median),
                    micros(p99)
                );
            }
            _ => line.push_str("median -, p99 -"),
        }
        let _ = write!(
            line,
            ", lost {}, wrong {} ({} replies to {} requests to {}, window {}, {} bytes, {:.1} s)",
            self.lost,
            self.wrong,
            self.replies,
            self.sent,
            self.server,
            self.window,
            self.size,
            self.elapsed.as_secs_f64()
        );
        if self.late > 0 {
            let _ = write!(line, ", {} late", self.late);
        }
        line
    }

    /// The same as one JSON object, for scripts. Times in microseconds; `null` when there
    /// was no reply to time.
    pub fn json(&self) -> String {
        let us = |d: Option<Duration>| d.map_or("null".to_owned(), |d| format!("{:.1}", micros(d)));
        format!(
            concat!(
                "{{\"server\":\"{}\",\"window\":{},\"size\":{},\"seconds\":{:.3},",
                "\"sent\":{},\"replies\":{},\"replies_per_s\":{:.0},",
                "\"rtt_median_us\":{},\"rtt_p99_us\":{},\"lost\":{},\"wrong\":{},\"late\":{}{}}}"
            ),
            self.server,
            self.window,
            self.size,
            self.elapsed.as_secs_f64(),
            self.sent,
            self.replies,
            self.rate(),
            us(self.median),
            us(self.p99),
            self.lost,
            self.wrong,
            self.late,
            self.label.as_deref().map_or(String::new(), |label| format!(
                ",\"label\":{}",
                plots::json_string(label)
            ))
        )
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_micros(v)).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples = us(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&samples, 50.0), Some(Duration::from_micros(50)));
        assert_eq!(percentile(&samples, 99.0), Some(Duration::from_micros(99)));
        assert_eq!(
            percentile(&samples, 100.0),
            Some(Duration::from_micros(100))
        );
        // 1000 samples: the 99th percentile is the 990th, so the 10 slowest lie above it.
        let mut many = us(&vec![10; 990]);
        many.extend(us(&[5000; 10]));
        assert_eq!(percentile(&many, 99.0), Some(Duration::from_micros(10)));
        many.push(Duration::from_micros(5000));
        assert_eq!(percentile(&many, 99.0), Some(Duration::from_micros(5000)));
    }

    #[test]
    fn percentiles_of_few_or_no_samples() {
        assert_eq!(percentile(&[], 50.0), None);
        let one = us(&[7]);
        assert_eq!(percentile(&one, 50.0), Some(Duration::from_micros(7)));
        assert_eq!(percentile(&one, 99.0), Some(Duration::from_micros(7)));
        let two = us(&[1, 2]);
        assert_eq!(percentile(&two, 50.0), Some(Duration::from_micros(1)));
        assert_eq!(percentile(&two, 0.0), Some(Duration::from_micros(1)));
    }

    fn summary() -> Summary {
        Summary {
            server: "127.0.0.1:8080".parse().unwrap(),
            label: None,
            window: 16,
            size: 64,
            elapsed: Duration::from_secs(2),
            sent: 1003,
            replies: 1000,
            median: Some(Duration::from_micros(35)),
            p99: Some(Duration::from_micros(120)),
            lost: 2,
            wrong: 1,
            late: 0,
        }
    }

    #[test]
    fn the_summary_line_gives_rate_round_trips_lost_and_wrong() {
        assert_eq!(
            summary().line(),
            "500 replies/s, round trip median 35 µs, p99 120 µs, lost 2, wrong 1 \
             (1000 replies to 1003 requests to 127.0.0.1:8080, window 16, 64 bytes, 2.0 s)"
        );
    }

    #[test]
    fn the_json_summary_has_every_number() {
        assert_eq!(
            summary().json(),
            "{\"server\":\"127.0.0.1:8080\",\"window\":16,\"size\":64,\"seconds\":2.000,\
             \"sent\":1003,\"replies\":1000,\"replies_per_s\":500,\"rtt_median_us\":35.0,\
             \"rtt_p99_us\":120.0,\"lost\":2,\"wrong\":1,\"late\":0}"
        );
        let labelled = Summary {
            label: Some("C \"loop\"".into()),
            ..summary()
        };
        assert!(
            labelled
                .json()
                .ends_with(",\"late\":0,\"label\":\"C \\\"loop\\\"\"}")
        );
        let none = Summary {
            replies: 0,
            median: None,
            p99: None,
            ..summary()
        };
        assert!(
            none.json()
                .contains("\"rtt_median_us\":null,\"rtt_p99_us\":null")
        );
        assert!(
            none.line()
                .starts_with("0 replies/s, round trip median -, p99 -,")
        );
    }
}

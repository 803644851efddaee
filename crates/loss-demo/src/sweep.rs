//! `buffer-sweep`: the flood of `flood`, once for each receive buffer size, doubling from
//! `--from` to `--to`, to see how many datagrams each size keeps (lesson 7's figure).
//!
//! The x axis is what the OS *set* (Linux doubles the request, and never goes below its own
//! minimum), because that is what holds the datagrams. macOS refuses a request above
//! `kern.ipc.maxsockbuf` with an error: the sweep then stops there and keeps what it measured.

use std::io::Write;
use std::path::PathBuf;

use crate::flood::{self, Run};
use crate::{heading, meaning, say};

/// The flags of `loss-demo buffer-sweep`.
#[derive(clap::Args)]
pub struct Options {
    /// How many datagrams the sender blasts at each buffer size
    #[arg(long, default_value_t = 2000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub count: u32,

    /// Payload bytes in each datagram (0 to 65507)
    #[arg(long, default_value_t = 1400,
          value_parser = clap::value_parser!(u32).range(0..=common::MAX_UDP_PAYLOAD_V4 as i64))]
    pub size: u32,

    /// The first SO_RCVBUF to ask for; each next one is twice as large
    #[arg(long, value_name = "BYTES", default_value_t = 4096,
          value_parser = clap::value_parser!(u32).range(1..=1_073_741_824))]
    pub from: u32,

    /// The last SO_RCVBUF to ask for (at most)
    #[arg(long, value_name = "BYTES", default_value_t = 4 * 1024 * 1024,
          value_parser = clap::value_parser!(u32).range(1..=1_073_741_824))]
    pub to: u32,

    /// Also draw the table as an SVG chart into this file
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

pub fn run(out: &mut impl Write, options: &Options) -> Result<(), common::Error> {
    heading(
        out,
        "buffer-sweep",
        &format!(
            "{} datagrams of {} bytes at a receiver that does not read, for each SO_RCVBUF from {} to {}",
            options.count, options.size, options.from, options.to
        ),
    )?;
    let flood = flood::Options {
        count: options.count,
        size: options.size,
        small_rcvbuf: None,
        rcvbuf: options.from,
    };

    // The sizes to ask for: from, 2 x from, 4 x from, ... up to `to`.
    let mut sizes = Vec::new();
    let mut asked = u64::from(options.from);
    while asked <= u64::from(options.to) {
        sizes.push(asked as u32);
        asked *= 2;
    }

    let progress = crate::progress(sizes.len() as u64, "buffer sizes");
    let mut runs: Vec<Run> = Vec::new();
    let mut refused = None;
    for &asked in &sizes {
        match flood::one_run(&flood, Some(asked)) {
            Ok(run) => runs.push(run),
            // macOS: a request above kern.ipc.maxsockbuf is an error; keep what we have.
            Err(err) if !runs.is_empty() => {
                refused = Some(err);
                break;
            }
            Err(err) => return Err(err),
        }
        progress.inc(1);
    }
    progress.finish_and_clear();

    flood::write_table(out, &runs)?;
    if let Some(err) = refused {
        say(out, "stopped", format!("{err}"))?;
    }
    if let Some(path) = &options.plot {
        plots::write_svg(
            path,
            &[panel(options, &runs)],
            &plots::this_command("loss-demo"),
        )?;
        say(out, "plot", format!("written to {}", path.display()))?;
    }
    meaning(
        out,
        "Each doubling of the receive buffer keeps about twice as many datagrams of a flood, until all of them fit; the rest are dropped unread.",
    )?;
    Ok(())
}

/// The chart: datagrams kept against the buffer the OS set, and the number sent as a line
/// above them.
fn panel(options: &Options, runs: &[Run]) -> plots::Panel {
    let mut panel = plots::Panel::new(
        &format!(
            "A flood of {} datagrams of {} bytes",
            options.count, options.size
        ),
        "SO_RCVBUF the OS set (KiB)",
        "datagrams",
    );
    panel.x_log = true;
    for run in runs {
        let kib = run.set as f64 / 1024.0;
        panel.add("kept by the receiver", kib, run.received as f64);
        panel.add("sent", kib, run.sent as f64);
    }
    panel
}

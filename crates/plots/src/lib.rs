//! # The course's plots: a measurement as an SVG line chart
//!
//! Every bench of the course prints a table; with `--plot FILE.svg` it also draws it, with the
//! one function here: [`svg`] takes panels of labelled series of (x, y) points and returns an
//! SVG document (a line per series, a dot per measured point, a legend). Lessons embed the
//! files under `lessons/img/`.
//!
//! Each file says how it was made: it opens with a `<metadata>` element naming the command
//! that drew it and holding the numbers it drew, so that anyone (and the course's tests) can read the data
//! back with [`parse`] and draw it again with [`svg`]: the result is byte for byte the file.
//!
//! ```text
//! <metadata>drawn by: cargo run -p loss-demo -- buffer-sweep --plot lessons/img/07-buffer.svg
//! panel    A flood of 2000 datagrams of 1400 bytes    SO_RCVBUF the OS set (KiB)    datagrams    log    linear
//! series   kept by the receiver
//! point    8    3
//! ...
//! </metadata>
//! ```
//!
//! (The fields are separated by tabs.)
//!
//! [`sequence`] draws the other kind of figure: a run through lesson 9's lossy link as a
//! time-sequence diagram, one arrow per datagram, with its data kept the same way.

use std::fmt::Write as _;
use std::path::Path;

pub mod sequence;

use plotters::coord::CoordTranslate;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

/// One line of a chart: what it is (the legend's text) and its measured points.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// One chart: its title, its axes and its lines. An SVG holds one or more, side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// A logarithmic x axis (1, 10, 100, 1000 clients spread evenly).
    pub x_log: bool,
    /// A logarithmic y axis (milliseconds next to seconds).
    pub y_log: bool,
    pub series: Vec<Series>,
}

impl Panel {
    /// A panel with linear axes and no series yet.
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Panel {
        Panel {
            title: title.to_owned(),
            x_label: x_label.to_owned(),
            y_label: y_label.to_owned(),
            x_log: false,
            y_log: false,
            series: Vec::new(),
        }
    }

    /// Adds `(x, y)` to the series called `label` (made on first use, in order of first use).
    pub fn add(&mut self, label: &str, x: f64, y: f64) {
        match self.series.iter_mut().find(|s| s.label == label) {
            Some(series) => series.points.push((x, y)),
            None => self.series.push(Series {
                label: label.to_owned(),
                points: vec![(x, y)],
            }),
        }
    }
}

/// How wide each panel is, and how tall the picture, in SVG pixels.
const PANEL_WIDTH: u32 = 560;
const HEIGHT: u32 = 400;

/// The lines' colours, dark enough to read on white, the same order in every figure.
const COLOURS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// The first line of every file: what to run to draw it again.
const DRAWN_BY: &str = "<metadata>drawn by: ";
const END: &str = "</metadata>";

/// The command line of this process as a student types it from the workspace root:
/// `cargo run -p PACKAGE -- ARGS` (the package is the binary's name in this course).
pub fn this_command(package: &str) -> String {
    let mut command = format!("cargo run -p {package} --");
    for arg in std::env::args().skip(1) {
        command.push(' ');
        command.push_str(&arg);
    }
    command
}

/// `text` as a JSON string, for the benches' `--json` lines that the `plots` program reads
/// back (udp-echo-bench's label, many-clients-bench's design and failure): quotes and
/// backslashes escaped, control characters as `\u00XX`.
pub fn json_string(text: &str) -> String {
    use std::fmt::Write as _;
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(quoted, "\\u{:04x}", c as u32);
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The SVG document for `panels`, side by side, with `command` and the data in a comment.
pub fn svg(panels: &[Panel], command: &str) -> Result<String, common::Error> {
    let width = PANEL_WIDTH * (panels.len().max(1) as u32);
    let mut body = String::new();
    {
        let root = SVGBackend::with_string(&mut body, (width, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let areas = root.split_evenly((1, panels.len().max(1)));
        for (panel, area) in panels.iter().zip(areas.iter()) {
            let (x_range, y_range) = ranges(panel);
            match (panel.x_log, panel.y_log) {
                (false, false) => draw(area, panel, x_range, y_range)?,
                (true, false) => draw(area, panel, x_range.log_scale(), y_range)?,
                (false, true) => draw(area, panel, x_range, y_range.log_scale())?,
                (true, true) => draw(area, panel, x_range.log_scale(), y_range.log_scale())?,
            }
        }
        root.present().map_err(draw_error)?;
    }
    with_metadata(&body, &data_comment(panels, command))
}

/// `body` (an SVG document) with `comment` (the metadata) right after its `<svg ...>` opening
/// tag.
fn with_metadata(body: &str, comment: &str) -> Result<String, common::Error> {
    match body.find('>') {
        Some(end) => Ok(format!("{}\n{comment}{}", &body[..=end], &body[end + 1..])),
        None => Err(common::Error::new("the SVG backend wrote no <svg> element")),
    }
}

/// Writes [`svg`] to `path`, creating nothing but the file (its folder must exist).
pub fn write_svg(path: &Path, panels: &[Panel], command: &str) -> Result<(), common::Error> {
    write_file(path, &svg(panels, command)?)
}

fn write_file(path: &Path, text: &str) -> Result<(), common::Error> {
    std::fs::write(path, text)
        .map_err(|err| common::Error::new(format!("cannot write {}: {err}", path.display())))
}

/// The command a file drawn here names, and the lines of data that follow it.
fn metadata(svg: &str) -> Result<(String, std::str::Lines<'_>), common::Error> {
    let start = svg
        .find(DRAWN_BY)
        .ok_or("no `drawn by` metadata: not a file the course's plots drew")?;
    let rest = &svg[start + DRAWN_BY.len()..];
    let end = rest
        .find(END)
        .ok_or("the `drawn by` metadata is not closed")?;
    let mut lines = rest[..end].lines();
    let command = unescape(lines.next().unwrap_or_default());
    Ok((command, lines))
}

/// The command and the panels that a file made by [`svg`] says it drew.
pub fn parse(svg: &str) -> Result<(String, Vec<Panel>), common::Error> {
    let (command, lines) = metadata(svg)?;
    let mut panels: Vec<Panel> = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let bad = || {
            common::Error::new(format!(
                "a line of the data comment makes no sense: {line:?}"
            ))
        };
        match fields.as_slice() {
            ["panel", title, x_label, y_label, x_scale, y_scale] => {
                let mut panel =
                    Panel::new(&unescape(title), &unescape(x_label), &unescape(y_label));
                panel.x_log = *x_scale == "log";
                panel.y_log = *y_scale == "log";
                panels.push(panel);
            }
            ["series", label] => panels.last_mut().ok_or_else(bad)?.series.push(Series {
                label: unescape(label),
                points: Vec::new(),
            }),
            ["point", x, y] => {
                let x: f64 = x.parse().map_err(|_| bad())?;
                let y: f64 = y.parse().map_err(|_| bad())?;
                panels
                    .last_mut()
                    .and_then(|p| p.series.last_mut())
                    .ok_or_else(bad)?
                    .points
                    .push((x, y));
            }
            [""] => {}
            _ => return Err(bad()),
        }
    }
    Ok((command, panels))
}

/// The metadata: the command on the first line, then one line per panel, series and point,
/// tab-separated. Text is escaped for XML, and tabs and line breaks become spaces.
fn data_comment(panels: &[Panel], command: &str) -> String {
    let mut out = format!("{DRAWN_BY}{}\n", clean(command));
    let scale = |log: bool| if log { "log" } else { "linear" };
    for panel in panels {
        let _ = writeln!(
            out,
            "panel\t{}\t{}\t{}\t{}\t{}",
            clean(&panel.title),
            clean(&panel.x_label),
            clean(&panel.y_label),
            scale(panel.x_log),
            scale(panel.y_log)
        );
        for series in &panel.series {
            let _ = writeln!(out, "series\t{}", clean(&series.label));
            for (x, y) in &series.points {
                let _ = writeln!(out, "point\t{x}\t{y}");
            }
        }
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// Text as it can sit in the metadata: no tabs or line breaks, `&`, `<` and `>` escaped.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The axes' ranges: from the smallest to the largest point, with some room around them
/// (a linear y axis starts at zero, so heights compare honestly).
fn ranges(panel: &Panel) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let points = || panel.series.iter().flat_map(|s| s.points.iter());
    let finite = |v: &f64, log: bool| v.is_finite() && (!log || *v > 0.0);
    let span = |values: Vec<f64>, log: bool, from_zero: bool| {
        let (mut low, mut high) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(*v), h.max(*v))
            });
        if low > high {
            (low, high) = if log { (1.0, 10.0) } else { (0.0, 1.0) };
        }
        // The y axis (from_zero) gets more room above, for the legend in its upper left; on a
        // log axis a third of its height.
        let above = if from_zero { 0.3 } else { 0.08 };
        if log {
            let above = if from_zero { 0.5 } else { above };
            (low / 1.5)..(high * (high / low).powf(above).max(1.5))
        } else {
            if from_zero {
                low = low.min(0.0);
            }
            let span = if high > low {
                high - low
            } else {
                high.abs().max(1.0)
            };
            let low = if from_zero && low >= 0.0 {
                low
            } else {
                low - span * 0.08
            };
            low..(high + span * above)
        }
    };
    let xs = points()
        .map(|p| p.0)
        .filter(|v| finite(v, panel.x_log))
        .collect();
    let ys = points()
        .map(|p| p.1)
        .filter(|v| finite(v, panel.y_log))
        .collect();
    (span(xs, panel.x_log, false), span(ys, panel.y_log, true))
}

/// One panel with the axes' kinds chosen by the caller (linear or logarithmic).
fn draw<X, Y>(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    panel: &Panel,
    x: X,
    y: Y,
) -> Result<(), common::Error>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 13))
        // Only the lines at the labelled ticks: a log axis's minor lines crowd into a smear.
        .light_line_style(TRANSPARENT)
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&|v| number(*v))
        .y_label_formatter(&|v| number(*v))
        .draw()
        .map_err(draw_error)?;
    for (index, series) in panel.series.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()].to_rgba();
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(draw_error)?
            .label(series.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 4, colour.filled())))
            .map_err(draw_error)?;
    }
    legend(&mut chart)
}

/// The legend of a chart's series, in its upper left corner.
fn legend<'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
) -> Result<(), common::Error> {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(draw_error)?;
    Ok(())
}

/// A tick's number, short: 1200000 is 1.2M, 0.5 stays 0.5.
fn number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

fn draw_error<E: std::error::Error + Send + Sync>(err: DrawingAreaErrorKind<E>) -> common::Error {
    common::Error::new(format!("cannot draw the plot: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Panel> {
        let mut a = Panel::new("Requests/s", "clients", "requests/s");
        a.x_log = true;
        a.add("async", 1.0, 17628.0);
        a.add("async", 100.0, 131675.5);
        a.add("threads <&> many", 1.0, 17007.0);
        let mut b = Panel::new("First reply p99", "clients", "ms");
        b.y_log = true;
        b.add("iterative", 10.0, 0.25);
        (vec![a, b]).into_iter().collect()
    }

    #[test]
    fn a_drawn_file_gives_back_its_command_and_points_and_draws_again_identically() {
        let panels = sample();
        let text = svg(&panels, "cargo run -p x -- --plot a.svg").unwrap();
        let (command, back) = parse(&text).unwrap();
        assert_eq!(command, "cargo run -p x -- --plot a.svg");
        assert_eq!(back[0].series[0].points, panels[0].series[0].points);
        assert_eq!(back[0].series[1].label, "threads <&> many");
        assert_eq!(back[1].series[0].points, vec![(10.0, 0.25)]);
        assert_eq!(svg(&back, &command).unwrap(), text);
    }

    #[test]
    fn every_point_is_a_dot_and_every_series_a_line_and_a_legend_entry() {
        let text = svg(&sample(), "c").unwrap();
        // 4 points, one <circle> each; 3 series, one <polyline> each plus one in its legend.
        assert_eq!(text.matches("<circle").count(), 4, "{text}");
        assert_eq!(
            text.matches("stroke-width=\"2\" points=").count(),
            3 * 2,
            "{text}"
        );
        assert!(text.contains(">\nasync\n</text>"), "{text}");
        assert!(text.starts_with("<svg"), "{text}");
    }
}

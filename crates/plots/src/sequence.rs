//! Time-sequence diagrams of a run through the lossy link, the way Kurose-Ross and Stevens draw
//! them: the client and the server as two vertical lines with the link between, time going
//! down, each datagram an arrow from the side that sent it to the side it reached, sloped by
//! the time the link held it; a datagram the link lost stops at the link, with a cross.
//!
//! A long run (more than [`MAX_ARROWS`] datagrams) would be a smear of arrows: it is drawn as
//! tcptrace draws a TCP connection instead, the sequence number against time, a dot for each
//! datagram sent on and a cross for each lost.
//!
//! Like the line charts ([`crate::svg`]), the file says what drew it and holds its data in a
//! `<metadata>` element, tab-separated, so that [`parse`] reads it back and [`svg`] draws the
//! very same file again:
//!
//! ```text
//! <metadata>drawn by: cargo run -p lossy-link -- --pcap run.pcap --diagram lessons/img/x.svg
//! sequence    Stop-and-wait through the link: 9 datagrams, 2 lost
//! arrow    up    0.113    20.4    0    DATA 0
//! arrow    up    1020.9    -    1    DATA 1
//! ...
//! </metadata>
//! ```
//!
//! An arrow's fields: its direction (`up`: client to server), when the link received it and
//! when it sent it on (ms from the first datagram; `-`: lost), its sequence number (`-`:
//! none), and its label.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{DRAWN_BY, END, clean, draw_error, number, unescape};

/// The most arrows drawn as arrows; more are drawn as sequence numbers against time.
pub const MAX_ARROWS: usize = 60;

/// One datagram through the link.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Client to server (`true`), or back.
    pub up: bool,
    /// When the link received it, in ms from the run's first datagram.
    pub left: f64,
    /// When the link sent it on (`None`: the link lost it).
    pub arrived: Option<f64>,
    /// Its sequence number, if it has one (lesson 9's packets; an ACK's is the one it asks
    /// for next).
    pub seq: Option<f64>,
    pub label: String,
}

/// A run: a title and its datagrams, in the order the link received them.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    pub title: String,
    pub arrows: Vec<Arrow>,
}

const WIDTH: u32 = 640;
const CLIENT_X: i32 = 150;
const LINK_X: i32 = 375;
const SERVER_X: i32 = 600;
const TOP: i32 = 80;
const BOTTOM: i32 = 30;

const UP: RGBColor = RGBColor(31, 119, 180);
const DOWN: RGBColor = RGBColor(255, 127, 14);
const LOST: RGBColor = RGBColor(214, 39, 40);

/// Is this a file [`svg`] drew (rather than a line chart)?
pub fn is_sequence(svg: &str) -> bool {
    svg.contains("\nsequence\t")
}

/// The SVG document of `diagram`, with `command` and the data in its metadata.
pub fn svg(diagram: &Diagram, command: &str) -> Result<String, common::Error> {
    let mut body = String::new();
    if diagram.arrows.len() > MAX_ARROWS {
        tcptrace(diagram, &mut body)?;
    } else {
        arrows(diagram, &mut body)?;
    }
    crate::with_metadata(&body, &data_comment(diagram, command))
}

/// Writes [`svg`] to `path`.
pub fn write_svg(
    path: &std::path::Path,
    diagram: &Diagram,
    command: &str,
) -> Result<(), common::Error> {
    crate::write_file(path, &svg(diagram, command)?)
}

/// The command and the diagram that a file made by [`svg`] says it drew.
pub fn parse(svg: &str) -> Result<(String, Diagram), common::Error> {
    let (command, lines) = crate::metadata(svg)?;
    let mut diagram: Option<Diagram> = None;
    for line in lines {
        let bad = || common::Error::new(format!("a line of the diagram makes no sense: {line:?}"));
        let fields: Vec<&str> = line.split('\t').collect();
        let time = |text: &str| -> Result<Option<f64>, common::Error> {
            match text {
                "-" => Ok(None),
                text => text.parse().map(Some).map_err(|_| bad()),
            }
        };
        match fields.as_slice() {
            ["sequence", title] => {
                diagram = Some(Diagram {
                    title: unescape(title),
                    arrows: Vec::new(),
                });
            }
            ["arrow", way, left, arrived, seq, label] => {
                let arrow = Arrow {
                    up: match *way {
                        "up" => true,
                        "down" => false,
                        _ => return Err(bad()),
                    },
                    left: time(left)?.ok_or_else(bad)?,
                    arrived: time(arrived)?,
                    seq: time(seq)?,
                    label: unescape(label),
                };
                diagram.as_mut().ok_or_else(bad)?.arrows.push(arrow);
            }
            [""] => {}
            _ => return Err(bad()),
        }
    }
    let diagram = diagram.ok_or("no `sequence` line: not a time-sequence diagram")?;
    Ok((command, diagram))
}

fn data_comment(diagram: &Diagram, command: &str) -> String {
    let mut out = format!(
        "{DRAWN_BY}{}\nsequence\t{}\n",
        clean(command),
        clean(&diagram.title)
    );
    let time = |t: Option<f64>| t.map_or("-".to_owned(), |t| t.to_string());
    for arrow in &diagram.arrows {
        let _ = writeln!(
            out,
            "arrow\t{}\t{}\t{}\t{}\t{}",
            if arrow.up { "up" } else { "down" },
            arrow.left,
            time(arrow.arrived),
            time(arrow.seq),
            clean(&arrow.label)
        );
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// How long the link held the datagrams of one direction, the median: a lost one is drawn
/// with that slope, as far as the link.
fn median_hold(diagram: &Diagram, up: bool) -> f64 {
    let mut holds: Vec<f64> = diagram
        .arrows
        .iter()
        .filter(|a| a.up == up)
        .filter_map(|a| a.arrived.map(|t| t - a.left))
        .collect();
    holds.sort_by(f64::total_cmp);
    holds.get(holds.len() / 2).copied().unwrap_or(0.0)
}

/// The arrows, one per datagram (each copy of a duplicated one).
fn arrows(diagram: &Diagram, body: &mut String) -> Result<(), common::Error> {
    let end = diagram
        .arrows
        .iter()
        .map(|a| a.arrived.unwrap_or(a.left))
        .fold(0.0_f64, f64::max);
    let height = (TOP + BOTTOM + 32 * diagram.arrows.len() as i32).clamp(320, 1100);
    let span = (height - TOP - BOTTOM) as f64;
    let scale = if end > 0.0 { span / end } else { 0.0 };
    let y = |ms: f64| TOP + (ms * scale).round() as i32;
    let root = SVGBackend::with_string(body, (WIDTH, height as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let centre = |size| {
        ("sans-serif", size)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Bottom))
    };
    root.draw(&Text::new(
        diagram.title.as_str(),
        ((WIDTH / 2) as i32, 26),
        centre(18),
    ))
    .map_err(draw_error)?;
    for (x, name) in [
        (CLIENT_X, "client"),
        (LINK_X, "lossy link"),
        (SERVER_X, "server"),
    ] {
        root.draw(&Text::new(name, (x, TOP - 14), centre(15)))
            .map_err(draw_error)?;
        let style = if x == LINK_X {
            RGBColor(150, 150, 150).stroke_width(1)
        } else {
            BLACK.stroke_width(2)
        };
        root.draw(&PathElement::new(
            vec![(x, TOP - 8), (x, height - 8)],
            style,
        ))
        .map_err(draw_error)?;
    }
    // The time axis, at the left: five ticks.
    let left_label = ("sans-serif", 12)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for tick in 0..=4 {
        let ms = end * tick as f64 / 4.0;
        root.draw(&Text::new(
            format!("{} ms", number(ms)),
            (70, y(ms)),
            left_label.clone(),
        ))
        .map_err(draw_error)?;
        root.draw(&PathElement::new(
            vec![(76, y(ms)), (84, y(ms))],
            BLACK.stroke_width(1),
        ))
        .map_err(draw_error)?;
    }
    let holds = [median_hold(diagram, true), median_hold(diagram, false)];
    // Labels closer than this to the last one on the same side are left out.
    let mut last_label: [Option<i32>; 2] = [None, None];
    for arrow in &diagram.arrows {
        let (from_x, to_x) = if arrow.up {
            (CLIENT_X, SERVER_X)
        } else {
            (SERVER_X, CLIENT_X)
        };
        let colour = if arrow.up { UP } else { DOWN };
        let start = (from_x, y(arrow.left));
        let stop = match arrow.arrived {
            Some(t) => (to_x, y(t)),
            None => {
                let hold = holds[usize::from(!arrow.up)] / 2.0;
                (LINK_X, y(arrow.left + hold))
            }
        };
        root.draw(&PathElement::new(vec![start, stop], colour.stroke_width(2)))
            .map_err(draw_error)?;
        if arrow.arrived.is_some() {
            root.draw(&Polygon::new(head(start, stop), colour.filled()))
                .map_err(draw_error)?;
        } else {
            root.draw(&Cross::new(stop, 7, LOST.stroke_width(3)))
                .map_err(draw_error)?;
        }
        // The label above the arrow, halfway between its start and the link.
        let side = usize::from(!arrow.up);
        let share = f64::from(LINK_X - from_x) / f64::from(stop.0 - from_x);
        let at_y = start.1 + (f64::from(stop.1 - start.1) * share).round() as i32;
        if last_label[side].is_none_or(|last| (at_y - last).abs() >= 14) {
            last_label[side] = Some(at_y);
            let label_x = (from_x + LINK_X) / 2;
            let label_y = (start.1 + at_y) / 2 - 6;
            root.draw(&Text::new(
                arrow.label.as_str(),
                (label_x, label_y),
                centre(12),
            ))
            .map_err(draw_error)?;
        }
    }
    root.present().map_err(draw_error)?;
    Ok(())
}

/// An arrowhead at `stop`, pointing away from `start`.
fn head(start: (i32, i32), stop: (i32, i32)) -> Vec<(i32, i32)> {
    let (dx, dy) = ((stop.0 - start.0) as f64, (stop.1 - start.1) as f64);
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / length, dy / length);
    let back = |along: f64, across: f64| {
        (
            (stop.0 as f64 - ux * along - uy * across).round() as i32,
            (stop.1 as f64 - uy * along + ux * across).round() as i32,
        )
    };
    vec![stop, back(11.0, 5.0), back(11.0, -5.0)]
}

/// A long run: each datagram's sequence number (or its place in its direction) against the
/// time the link received it: dots for the ones sent on, crosses for the lost.
fn tcptrace(diagram: &Diagram, body: &mut String) -> Result<(), common::Error> {
    let mut count = [0.0, 0.0];
    let points: Vec<(bool, bool, f64, f64)> = diagram
        .arrows
        .iter()
        .map(|a| {
            let side = usize::from(!a.up);
            count[side] += 1.0;
            (
                a.up,
                a.arrived.is_some(),
                a.left,
                a.seq.unwrap_or(count[side]),
            )
        })
        .collect();
    let (t_end, y_end) = points
        .iter()
        .fold((1.0_f64, 1.0_f64), |(t, y), p| (t.max(p.2), y.max(p.3)));
    let root = SVGBackend::with_string(body, (WIDTH + 160, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&diagram.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..t_end * 1.02, 0.0..y_end * 1.25)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", 13))
        .light_line_style(TRANSPARENT)
        .x_desc("ms since the first datagram (when the link received it)")
        .y_desc(if diagram.arrows.iter().any(|a| a.seq.is_some()) {
            "sequence number"
        } else {
            "datagram number (each way)"
        })
        .x_label_formatter(&|v| number(*v))
        .y_label_formatter(&|v| number(*v))
        .draw()
        .map_err(draw_error)?;
    let kinds: [(&str, bool, bool, RGBColor); 4] = [
        ("client → server, sent on", true, true, UP),
        ("client → server, lost", true, false, LOST),
        ("server → client, sent on", false, true, DOWN),
        ("server → client, lost", false, false, RGBColor(120, 0, 0)),
    ];
    for (name, up, kept, colour) in kinds {
        let mine: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.0 == up && p.1 == kept)
            .map(|p| (p.2, p.3))
            .collect();
        if mine.is_empty() {
            continue;
        }
        if kept {
            chart
                .draw_series(mine.iter().map(|p| Circle::new(*p, 2, colour.filled())))
                .map_err(draw_error)?
                .label(name)
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, colour.filled()));
        } else {
            chart
                .draw_series(
                    mine.iter()
                        .map(|p| Cross::new(*p, 4, colour.stroke_width(2))),
                )
                .map_err(draw_error)?
                .label(name)
                .legend(move |(x, y)| Cross::new((x + 10, y), 4, colour.stroke_width(2)));
        }
    }
    crate::legend(&mut chart)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Diagram {
        let arrow = |up, left, arrived, label: &str| Arrow {
            up,
            left,
            arrived,
            seq: None,
            label: label.to_owned(),
        };
        Diagram {
            title: "An echo <through> the link".to_owned(),
            arrows: vec![
                arrow(true, 0.0, Some(20.0), "\"hello\""),
                arrow(false, 20.5, None, "\"hello\""),
                arrow(true, 1000.0, Some(1020.0), "(empty)"),
                arrow(false, 1020.2, Some(1040.2), "(empty)"),
            ],
        }
    }

    #[test]
    fn a_diagram_gives_back_its_command_and_arrows_and_draws_again_identically() {
        let text = svg(&small(), "cargo run -p lossy-link -- --diagram a.svg").unwrap();
        assert!(is_sequence(&text) && text.starts_with("<svg"));
        let (command, back) = parse(&text).unwrap();
        assert_eq!(command, "cargo run -p lossy-link -- --diagram a.svg");
        assert_eq!(back, small());
        assert_eq!(svg(&back, &command).unwrap(), text);
        // A line chart is not a diagram, and a diagram is not a line chart.
        assert!(crate::parse(&text).is_err());
    }

    #[test]
    fn each_datagram_is_an_arrow_and_each_lost_one_a_cross() {
        let text = svg(&small(), "c").unwrap();
        // Three arrowheads (one <polygon> each); the lost one ends in a cross (two lines of
        // the lost colour).
        assert_eq!(text.matches("<polygon").count(), 3, "{text}");
        assert_eq!(text.matches("stroke=\"#D62728\"").count(), 2, "{text}");
        assert!(text.contains("(empty)"), "{text}");
    }

    #[test]
    fn a_long_run_is_drawn_as_sequence_numbers_against_time() {
        let arrows = (0..200)
            .map(|i| Arrow {
                up: true,
                left: f64::from(i),
                arrived: (i % 10 != 0).then_some(f64::from(i) + 5.0),
                seq: Some(f64::from(i)),
                label: format!("DATA {i}"),
            })
            .collect();
        let diagram = Diagram {
            title: "long".to_owned(),
            arrows,
        };
        let text = svg(&diagram, "c").unwrap();
        assert_eq!(text.matches("<polygon").count(), 0);
        // 180 dots and 20 crosses (each two lines), plus one of each in the legend.
        assert_eq!(text.matches("<circle").count(), 181, "{text}");
        assert_eq!(parse(&text).unwrap().1, diagram);
    }
}

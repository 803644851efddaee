//! Every figure under lessons/img/ is one the course's programs drew, and its lesson says
//! how to draw it again.
//!
//! Each SVG names the command that drew it and holds the numbers it drew (see `plots::parse`).
//! Here: the file is exactly what the plotting code draws from those numbers (so it was not
//! drawn by hand or edited afterwards), both editions of a lesson embed it, and both show
//! the command that draws it. That the commands really measure what they draw is proved by
//! each program's own tests (a tiny run, its table against its plot).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn figures() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join("lessons/img"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "svg"))
        .collect();
    found.sort();
    found
}

/// Pages and their text.
type Pages = Vec<(PathBuf, String)>;

/// The lessons (English, then Chinese) that embed `img/NAME`.
fn lessons_embedding(name: &str) -> (Pages, Pages) {
    let pages = |dir: PathBuf, link: String| {
        let mut pages: Pages = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap();
                (path, text)
            })
            .filter(|(_, text)| text.contains(&link))
            .collect();
        pages.sort();
        pages
    };
    (
        pages(root().join("lessons"), format!("](img/{name})")),
        pages(root().join("lessons/zh"), format!("](../img/{name})")),
    )
}

#[test]
fn every_figure_is_what_the_plotting_code_draws_from_the_numbers_it_holds() {
    let figures = figures();
    assert!(!figures.is_empty(), "no SVG under lessons/img");
    for path in figures {
        let text = std::fs::read_to_string(&path).unwrap();
        if plots::sequence::is_sequence(&text) {
            // A run through the lossy link, drawn as a time-sequence diagram.
            let (command, diagram) = plots::sequence::parse(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            assert!(
                !diagram.arrows.is_empty(),
                "{}: no datagram",
                path.display()
            );
            let again = plots::sequence::svg(&diagram, &command).unwrap();
            assert!(
                again == text,
                "{}: not the file `plots::sequence::svg` draws from its own data: run the \
                 lesson's commands again (`{command}`)",
                path.display()
            );
            continue;
        }
        let (command, panels) =
            plots::parse(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(
            panels
                .iter()
                .any(|p| p.series.iter().any(|s| !s.points.is_empty())),
            "{}: no measured point",
            path.display()
        );
        let again = plots::svg(&panels, &command).unwrap();
        assert!(
            again == text,
            "{}: not the file `plots::svg` draws from its own numbers (drawn by hand, edited, \
             or drawn by an older version of the plotting code: run `{command}` again)",
            path.display()
        );
    }
}

#[test]
fn both_editions_of_a_lesson_embed_each_figure_and_show_the_command_that_draws_it() {
    for path in figures() {
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let command = if plots::sequence::is_sequence(&text) {
            plots::sequence::parse(&text).unwrap().0
        } else {
            plots::parse(&text).unwrap().0
        };
        // The file names its own path, so the command regenerates this very file.
        assert!(
            command.contains(&format!("lessons/img/{name}")),
            "{name}: drawn by `{command}`, which writes another file"
        );
        // `cargo run -p PACKAGE -- ARGS`; a lesson may add `--release` after `run`.
        let shown = command.strip_prefix("cargo run ").unwrap();
        let (english, chinese) = lessons_embedding(name);
        assert!(!english.is_empty(), "no lesson embeds img/{name}");
        assert_eq!(
            english.len(),
            chinese.len(),
            "{name}: embedded in {english:?} but {chinese:?}"
        );
        for (page, markdown) in english.iter().chain(&chinese) {
            assert!(
                markdown.lines().any(|line| line.contains(shown)),
                "{} embeds {name} but does not show the command that draws it: {shown}",
                page.display()
            );
        }
    }
}

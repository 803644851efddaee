//! The lessons never drift from the code. Over README.md and every lessons/*.md:
//!
//! 1. A fenced code block whose info string has `file=PATH` (e.g. ```` ```rust
//!    file=crates/udp-echo/server/src/main.rs ````) must appear, line for line, as a
//!    contiguous run of that file: lessons show real code or none.
//! 2. A link whose text is a backticked name and whose target is a `.rs` file names a test:
//!    ``[`empty_datagram_is_answered_with_an_empty_datagram`](../crates/udp-echo/server/tests/server.rs)``.
//!    That file must define `fn <name>(`.
//! 3. Every relative link points at a file that exists.
//! 4. Every `cargo run -p NAME` / `cargo test -p NAME` names a package of the workspace, and
//!    every `cargo run --example NAME` an example of the root package (`examples/NAME.rs`),
//!    which its lesson shows whole before any other Rust code.
//! 5. Every lesson file is listed in README.md, in lessons/README.md and in the crate docs of
//!    the root package (src/lib.rs), so the course index and the table stay complete.
//! 6. The Chinese edition (README.zh-CN.md, lessons/zh/) keeps step with the English one:
//!    the same files, the same headings in the same order, the same code blocks byte for
//!    byte (a ```` ```mermaid ```` diagram may translate its labels but must keep its
//!    shape), the same links to the same tests and files, and prose that is mostly Chinese.
//!    Checks 1 to 4 run over both editions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A page's path from the workspace root, with `/` on every system: `lessons/zh/01-udp-echo.md`.
fn page_name(page: &Path) -> String {
    page.strip_prefix(root())
        .unwrap()
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// README.md and lessons/*.md, sorted, then the same in Chinese (README.zh-CN.md and
/// lessons/zh/*.md), those that exist.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    files.extend(lesson_files());
    files.push(root().join("lessons/README.md"));
    let chinese: Vec<PathBuf> = files.iter().map(|english| chinese_twin(english)).collect();
    files.extend(chinese.into_iter().filter(|path| path.exists()));
    files
}

/// Where the Chinese edition of an English page lives: README.md → README.zh-CN.md,
/// lessons/X.md → lessons/zh/X.md.
fn chinese_twin(english: &Path) -> PathBuf {
    let name = english.file_name().unwrap();
    if english.parent() == Some(root().as_path()) {
        root().join("README.zh-CN.md")
    } else {
        root().join("lessons/zh").join(name)
    }
}

/// lessons/NN-*.md, sorted.
fn lesson_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("lessons"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.ends_with(".md") && name.as_bytes()[0].is_ascii_digit()
        })
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// A fenced code block: its info string, its lines, and the line it starts on.
struct Block {
    info: String,
    lines: Vec<String>,
    line_no: usize,
}

/// Splits markdown into fenced code blocks and the prose outside them.
fn parse(markdown: &str) -> (Vec<Block>, String) {
    let mut blocks = Vec::new();
    let mut prose = String::new();
    let mut open: Option<(String, Block)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None if trimmed.starts_with("```") || trimmed.starts_with("~~~") => {
                let fence: String = trimmed
                    .chars()
                    .take_while(|&c| c == '`' || c == '~')
                    .collect();
                let info = trimmed[fence.len()..].trim().to_owned();
                open = Some((
                    fence,
                    Block {
                        info,
                        lines: Vec::new(),
                        line_no: i + 1,
                    },
                ));
            }
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
            Some((fence, _)) if trimmed.starts_with(fence.as_str()) && trimmed.trim() == fence => {
                blocks.push(open.take().unwrap().1);
            }
            Some((_, block)) => block.lines.push(line.to_owned()),
        }
    }
    assert!(open.is_none(), "a code block is never closed");
    (blocks, prose)
}

/// `[text](target)` pairs in prose.
fn links(prose: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = prose;
    while let Some(at) = rest.find("](") {
        let before = &rest[..at];
        let after = &rest[at + 2..];
        if let (Some(open), Some(close)) = (before.rfind('['), after.find(')')) {
            found.push((before[open + 1..].to_owned(), after[..close].to_owned()));
        }
        rest = after;
    }
    found
}

/// `name = "..."` of every package: the root and everything under crates/.
fn workspace_packages() -> Vec<String> {
    fn walk(dir: &Path, depth: usize, names: &mut Vec<String>) {
        let manifest = dir.join("Cargo.toml");
        if manifest.exists() {
            let text = read(&manifest);
            if let Some(package) = text.split("[package]").nth(1) {
                for line in package.lines() {
                    if let Some(value) = line.trim().strip_prefix("name = ") {
                        names.push(value.trim_matches('"').to_owned());
                        break;
                    }
                }
            }
        }
        if depth == 0 {
            return;
        }
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("target") && !path.ends_with("src") {
                walk(&path, depth - 1, names);
            }
        }
    }
    let mut names = Vec::new();
    walk(&root(), 0, &mut names);
    walk(&root().join("crates"), 2, &mut names);
    walk(&root().join("book"), 0, &mut names);
    names
}

/// The examples of the root package, `examples/NAME.rs` (the tutorial's programs as it wrote
/// them, run with `cargo run --example NAME`): their names, sorted.
fn example_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn code_shown_in_lessons_is_a_verbatim_excerpt_of_its_crate() {
    let mut checked = 0;
    for md in markdown_files() {
        let (blocks, _) = parse(&read(&md));
        for block in blocks {
            let Some(file) = block
                .info
                .split_whitespace()
                .find_map(|word| word.strip_prefix("file="))
            else {
                continue;
            };
            let source = read(&root().join(file));
            let source_lines: Vec<&str> = source.lines().map(str::trim_end).collect();
            let shown: Vec<&str> = block.lines.iter().map(|l| l.trim_end()).collect();
            assert!(
                !shown.is_empty(),
                "{}:{} shows nothing",
                md.display(),
                block.line_no
            );
            assert!(
                source_lines
                    .windows(shown.len())
                    .any(|window| window == shown),
                "{}:{}: this block is not (or no longer) in {file}; copy it again from the \
                 source:\n{}",
                md.display(),
                block.line_no,
                shown.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no lesson shows any code with file=");
}

/// Each tutorial program (`examples/<lesson>-server.rs`, `examples/<lesson>-client.rs`) is
/// shown whole in its lesson, `lessons/NN-<lesson>.md`, in both editions, and no other Rust
/// code comes before it there: the lesson's main walk starts from the tutorial's program.
#[test]
fn every_tutorial_program_is_shown_whole_in_its_lesson_before_any_other_rust() {
    let examples = example_names();
    assert_eq!(examples.len(), 10, "{examples:?}");
    for name in examples {
        let file = format!("examples/{name}.rs");
        let lesson = name
            .strip_suffix("-server")
            .or_else(|| name.strip_suffix("-client"))
            .unwrap_or_else(|| panic!("{file}: an example is named <lesson>-server or -client"));
        let page = lesson_files()
            .into_iter()
            .find(|path| path.to_string_lossy().ends_with(&format!("-{lesson}.md")))
            .unwrap_or_else(|| panic!("{file}: no lessons/NN-{lesson}.md"));
        let source: Vec<String> = read(&root().join(&file))
            .lines()
            .map(|line| line.trim_end().to_owned())
            .collect();
        for md in [chinese_twin(&page), page] {
            let (blocks, _) = parse(&read(&md));
            let is_example = |b: &Block| {
                b.info
                    .split_whitespace()
                    .any(|w| w.starts_with("file=examples/"))
            };
            let at = blocks
                .iter()
                .position(|b| {
                    b.info
                        .split_whitespace()
                        .any(|w| w == format!("file={file}"))
                })
                .unwrap_or_else(|| panic!("{} does not show {file}", md.display()));
            let shown: Vec<String> = blocks[at]
                .lines
                .iter()
                .map(|line| line.trim_end().to_owned())
                .collect();
            assert!(
                shown == source,
                "{}:{}: {file} is shown in part or out of date; show it whole: copy it again",
                md.display(),
                blocks[at].line_no
            );
            if let Some(before) = blocks[..at]
                .iter()
                .find(|b| b.info.starts_with("rust") && !is_example(b))
            {
                panic!(
                    "{}:{}: Rust code comes before the tutorial's program {file}",
                    md.display(),
                    before.line_no
                );
            }
        }
    }
}

#[test]
fn tests_named_in_lessons_exist() {
    let mut checked = 0;
    for md in markdown_files() {
        let (_, prose) = parse(&read(&md));
        for (text, target) in links(&prose) {
            // A test name is a backticked identifier; ``[`tests/claims.rs`](...)`` is a file.
            let name = text.trim_matches('`');
            let is_test = text.starts_with('`')
                && text.ends_with('`')
                && target.ends_with(".rs")
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !is_test {
                continue;
            }
            let file = md.parent().unwrap().join(&target);
            let source = read(&file);
            assert!(
                source.contains(&format!("fn {name}(")),
                "{} names the test `{name}`, but {target} has no `fn {name}(`",
                md.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no lesson names a test");
}

#[test]
fn relative_links_point_at_existing_files() {
    for md in markdown_files() {
        let (_, prose) = parse(&read(&md));
        for (_, target) in links(&prose) {
            let target = target.split('#').next().unwrap();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let path = md.parent().unwrap().join(target);
            assert!(
                path.exists(),
                "{} links to {target}, which does not exist",
                md.display()
            );
        }
    }
}

#[test]
fn cargo_commands_in_lessons_name_real_packages() {
    let packages = workspace_packages();
    assert!(
        packages.contains(&"udp-echo-server".to_owned()),
        "{packages:?}"
    );
    let examples = example_names();
    for md in markdown_files() {
        let text = read(&md);
        for (at, _) in text.match_indices("cargo run --example ") {
            let name: String = text[at + "cargo run --example ".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            assert!(
                name.is_empty() || examples.contains(&name),
                "{} runs `--example {name}`, but examples/ has no {name}.rs ({examples:?})",
                md.display()
            );
        }
        for (at, _) in text.match_indices(" -p ") {
            let before = &text[..at];
            if !(before.ends_with("cargo run")
                || before.ends_with("cargo test")
                || before.ends_with("cargo build"))
            {
                continue;
            }
            let name: String = text[at + 4..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if name.is_empty() {
                continue; // a placeholder such as `cargo test -p <package>`
            }
            assert!(
                packages.contains(&name),
                "{} runs `-p {name}`, but the workspace has no such package ({packages:?})",
                md.display()
            );
        }
    }
}

#[test]
fn every_lesson_is_in_the_readme_the_course_index_and_the_crate_docs() {
    let readme = read(&root().join("README.md"));
    let index = read(&root().join("lessons/README.md"));
    let docs = read(&root().join("src/lib.rs"));
    let lessons = lesson_files();
    assert!(!lessons.is_empty());
    for lesson in lessons {
        let name = lesson.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            readme.contains(&format!("(lessons/{name})")),
            "README.md lacks {name}"
        );
        assert!(
            index.contains(&format!("({name})")),
            "lessons/README.md lacks {name}"
        );
        assert!(
            docs.contains(&format!("lessons/{name}")),
            "src/lib.rs lacks {name}"
        );
    }
}

#[test]
fn parse_finds_blocks_links_and_prose() {
    let (blocks, prose) = parse("a [x](y.md)\n```rust file=z.rs\nfn f() {}\n```\nb\n");
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].info, "rust file=z.rs");
    assert_eq!(blocks[0].lines, ["fn f() {}"]);
    assert_eq!(prose, "a [x](y.md)\nb\n");
    assert_eq!(links(&prose), [("x".to_owned(), "y.md".to_owned())]);
}

/// The pages of the course in both editions: (English, Chinese).
fn editions() -> Vec<(PathBuf, PathBuf)> {
    let mut english = vec![root().join("README.md"), root().join("lessons/README.md")];
    english.extend(lesson_files());
    english
        .into_iter()
        .map(|page| {
            let twin = chinese_twin(&page);
            (page, twin)
        })
        .collect()
}

/// `#`, `##`, ... of every heading, in order (outside code blocks).
fn heading_levels(prose: &str) -> Vec<usize> {
    prose
        .lines()
        .filter(|line| line.starts_with('#'))
        .map(|line| line.chars().take_while(|&c| c == '#').count())
        .collect()
}

/// The local targets a page links to (resolved from its folder, anchors dropped), with the
/// test name for a test link, sorted: a translation may reorder a sentence's links. A page of
/// either edition counts as its English page, so that the Chinese README linking to
/// lessons/zh/01-udp-echo.md matches the English one linking to lessons/01-udp-echo.md.
fn local_links(page: &Path, prose: &str) -> Vec<String> {
    let root = root().canonicalize().unwrap();
    let mut found: Vec<String> = links(prose)
        .into_iter()
        .filter(|(_, target)| !target.contains("://") && !target.starts_with('#'))
        .map(|(text, target)| {
            let file = target.split('#').next().unwrap();
            let resolved = page.parent().unwrap().join(file);
            // ../crates/x and ../../crates/x are the same file: compare canonical paths.
            let resolved = resolved.canonicalize().unwrap_or(resolved);
            // Shown with `/` on every system, as the pages write it (Windows joins with `\`).
            let shown = resolved
                .strip_prefix(&root)
                .unwrap_or(&resolved)
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
                .replace("lessons/zh/", "lessons/")
                .replace("README.zh-CN.md", "README.md");
            let name = text.trim_matches('`');
            if text.starts_with('`') && text.ends_with('`') && file.ends_with(".rs") {
                format!("{shown} -> {name}")
            } else {
                shown
            }
        })
        .collect();
    found.sort();
    found
}

/// A line of a Mermaid diagram without the words a translator changes, so that the two
/// editions must draw the same diagram (its type, node and participant ids, edges, in order)
/// with labels in their own language: every `"quoted label"` becomes `""`, and in a sequence
/// diagram the text after `participant X as` and after the `:` of a message or note goes.
fn diagram_structure(line: &str) -> String {
    let mut out = without_spans_between(line, '"', true);
    let trimmed = out.trim_start();
    if trimmed.starts_with("participant ") || trimmed.starts_with("actor ") {
        if let Some(at) = out.find(" as ") {
            out.truncate(at + 4);
        }
    } else if let Some(at) = out.find(':') {
        // A message (`A->>B: text`) or a note (`Note over A: text`). A flowchart has no `:`
        // outside its quoted labels.
        out.truncate(at + 1);
    }
    out
}

/// The first place two lists differ, for a message a translator can act on.
fn first_difference<T: std::fmt::Debug + PartialEq>(english: &[T], chinese: &[T]) -> String {
    let at = english
        .iter()
        .zip(chinese)
        .position(|(a, b)| a != b)
        .unwrap_or(english.len().min(chinese.len()));
    format!(
        "item {} of {} (English) / {} (Chinese): English has {:?}, Chinese has {:?}",
        at + 1,
        english.len(),
        chinese.len(),
        english.get(at),
        chinese.get(at)
    )
}

/// Chinese characters against ASCII words in the prose, outside code: each CJK character
/// counts as one, each run of ASCII letters (TCP, recvfrom) as one.
fn chinese_share(prose: &str) -> f64 {
    // Inline code is not prose.
    let text = without_inline_code(prose);
    let cjk = text
        .chars()
        .filter(|c| matches!(*c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF))
        .count();
    let words = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .count();
    cjk as f64 / (cjk + words).max(1) as f64
}

#[test]
fn the_chinese_edition_keeps_step_with_the_english_one() {
    // Every page is checked and every problem listed, so that one failure names them all.
    let mut problems = Vec::new();
    for (english, chinese) in editions() {
        let name = chinese.strip_prefix(root()).unwrap().display().to_string();
        let english_name = english.strip_prefix(root()).unwrap().display().to_string();
        if !chinese.exists() {
            problems.push(format!(
                "{name} is missing: every page of the course has a Chinese twin ({english_name})"
            ));
            continue;
        }
        let (en_blocks, en_prose) = parse(&read(&english));
        let (zh_blocks, zh_prose) = parse(&read(&chinese));

        let (en_headings, zh_headings) = (heading_levels(&en_prose), heading_levels(&zh_prose));
        if en_headings != zh_headings {
            problems.push(format!(
                "{name}: its headings are not those of {english_name}: {}",
                first_difference(&en_headings, &zh_headings)
            ));
        }

        let block = |b: &Block| {
            let lines: Vec<String> = if b.info == "mermaid" {
                b.lines.iter().map(|line| diagram_structure(line)).collect()
            } else {
                b.lines.clone()
            };
            format!("```{}\n{}", b.info, lines.join("\n"))
        };
        let en_code: Vec<String> = en_blocks.iter().map(block).collect();
        let zh_code: Vec<String> = zh_blocks.iter().map(block).collect();
        if en_code != zh_code {
            problems.push(format!(
                "{name}: its code blocks are not byte for byte those of {english_name}: {}",
                first_difference(&en_code, &zh_code)
            ));
        }

        let en_links = local_links(&english, &en_prose);
        let zh_links = local_links(&chinese, &zh_prose);
        if en_links != zh_links {
            problems.push(format!(
                "{name}: it links to other tests or files than {english_name}: {}",
                first_difference(&en_links, &zh_links)
            ));
        }

        let share = chinese_share(&zh_prose);
        if share <= 0.5 {
            problems.push(format!(
                "{name}: its prose is only {:.0}% Chinese (characters against English words)",
                share * 100.0
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the Chinese edition has fallen behind:\n- {}",
        problems.join("\n- ")
    );
}

#[test]
fn the_readmes_link_to_each_other_at_the_top() {
    let english = read(&root().join("README.md"));
    let chinese = read(&root().join("README.zh-CN.md"));
    let top = |text: &str| text.lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(
        top(&english).contains("(README.zh-CN.md)"),
        "README.md: no link to README.zh-CN.md near its top"
    );
    assert!(
        top(&chinese).contains("(README.md)"),
        "README.zh-CN.md: no link to README.md near its top"
    );
}

#[test]
fn the_parity_check_names_the_first_difference() {
    assert_eq!(
        first_difference(&[1, 2, 3], &[1, 5, 3]),
        "item 2 of 3 (English) / 3 (Chinese): English has Some(2), Chinese has Some(5)"
    );
    assert_eq!(
        first_difference(&[1, 2], &[1]),
        "item 2 of 2 (English) / 1 (Chinese): English has Some(2), Chinese has None"
    );
    assert!(chinese_share("这是一个关于 `recvfrom` 的句子，讲的是 UDP。") > 0.5);
    assert!(chinese_share("This is English about UDP 套接字.") < 0.5);
    assert_eq!(heading_levels("# a\ntext\n## b\n### c\n"), [1, 2, 3]);
}

#[test]
fn diagrams_may_differ_in_their_labels_but_not_in_their_shape() {
    // Translated labels compare equal...
    assert_eq!(
        diagram_structure(r#"    a["Sender"] -->|"ack"| b{"full?"}"#),
        diagram_structure(r#"    a["发送方"] -->|"确认"| b{"满了吗？"}"#)
    );
    assert_eq!(
        diagram_structure("    participant C as client"),
        diagram_structure("    participant C as 客户端")
    );
    assert_eq!(
        diagram_structure("    C->>K: SYN"),
        diagram_structure("    C->>K: 同步")
    );
    // ...but another node id, edge, arrow or diagram type does not.
    assert_ne!(
        diagram_structure(r#"    a["x"] --> b["y"]"#),
        diagram_structure(r#"    a["x"] --> c["y"]"#)
    );
    assert_ne!(
        diagram_structure(r#"    a["x"] --> b["y"]"#),
        diagram_structure(r#"    a["x"] -.-> b["y"]"#)
    );
    assert_ne!(
        diagram_structure("    C->>K: SYN"),
        diagram_structure("    K->>C: SYN")
    );
    assert_ne!(
        diagram_structure("flowchart LR"),
        diagram_structure("flowchart TB")
    );
}

/// The programs a lesson's `$ ` command line runs: one per part of a pipeline or list
/// (`a | b`, `a; b`, `a && b`), after any `NAME=value` settings and `sudo`.
fn programs_of(command: &str) -> Vec<String> {
    command
        .split(['|', ';'])
        .flat_map(|part| part.split("&&"))
        .filter_map(|part| {
            part.split_whitespace()
                // `NAME=value` sets a variable for the command; `--flag=value` is an argument.
                .find(|word| {
                    let setting = word.contains('=') && !word.starts_with('-');
                    !setting && *word != "sudo"
                })
                .map(str::to_owned)
        })
        .collect()
}

/// The tools the README's Prerequisites section names in backticks (`nc`, `tcpdump`, ...):
/// the only programs, besides the course's own, that a lesson may tell a student to run.
fn standard_tools() -> Vec<String> {
    let readme = read(&root().join("README.md"));
    let section = readme
        .split("\n## Prerequisites")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a `## Prerequisites` section");
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|quoted| quoted.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Why one `$ ` command line cannot run as typed from the workspace root, if it cannot.
fn cannot_run(command: &str, packages: &[String], tools: &[String]) -> Option<String> {
    for program in programs_of(command) {
        if program == "cargo" {
            let words: Vec<&str> = command.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "--example") {
                let name = words.get(at + 1).copied().unwrap_or("");
                if !root().join("examples").join(format!("{name}.rs")).is_file() {
                    return Some(format!("no example {name:?} in examples/"));
                }
            } else if words.get(1) == Some(&"exercises") {
                // `cargo exercises check NAME`: the exercise runner, by its alias.
                let config = fs::read_to_string(root().join(".cargo/config.toml"));
                if !config.is_ok_and(|c| {
                    c.contains("exercises = \"run --quiet --package exercise-runner --\"")
                }) {
                    return Some("no `cargo exercises` alias in .cargo/config.toml".into());
                }
            } else if words.contains(&"run") {
                let Some(at) = words.iter().position(|w| *w == "-p") else {
                    return Some("`cargo run` without `-p PACKAGE`".into());
                };
                let name = words.get(at + 1).copied().unwrap_or("");
                if !packages.iter().any(|p| p == name) {
                    return Some(format!("no package {name:?}"));
                }
            }
        } else if program == "bash" || program == "sh" {
            let script = command
                .split_whitespace()
                .skip_while(|w| *w != program)
                .nth(1)
                .unwrap_or("");
            if !root().join(script).is_file() {
                return Some(format!("no script {script:?}"));
            }
        } else if program.contains('/') {
            if !root().join(&program).exists() {
                return Some(format!("no file {program:?} in the repository"));
            }
        } else if !tools.contains(&program) {
            return Some(format!(
                "`{program}` is neither a package run with `cargo run -p` nor a tool the \
                 README's Prerequisites section lists"
            ));
        }
    }
    None
}

/// `$ ` lines in the lessons of others that do not run as typed yet, each with the reason;
/// they are listed so that this check can guard every other page meanwhile. Each line here
/// must still be an offender (so the list cannot outlive the fix); empty it as they are fixed.
const NOT_YET_RUNNABLE: &[&str] = &[];

#[test]
fn every_command_in_the_lessons_runs_a_program_that_exists() {
    let packages = workspace_packages();
    let tools = standard_tools();
    assert!(tools.contains(&"nc".to_owned()), "{tools:?}");
    let mut offenders = Vec::new();
    let mut checked = 0;
    for md in markdown_files() {
        let name = page_name(&md);
        let (blocks, _) = parse(&read(&md));
        for block in blocks {
            for line in &block.lines {
                let Some(command) = line.trim_start().strip_prefix("$ ") else {
                    continue;
                };
                checked += 1;
                if let Some(why) = cannot_run(command, &packages, &tools) {
                    offenders.push((format!("{name}: $ {command}"), why));
                }
            }
        }
    }
    assert!(checked > 0, "no lesson shows a `$ ` command");
    let unexpected: Vec<String> = offenders
        .iter()
        .filter(|(line, _)| !NOT_YET_RUNNABLE.contains(&line.as_str()))
        .map(|(line, why)| format!("{line}\n  {why}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "these commands cannot run as typed from the workspace root:\n- {}",
        unexpected.join("\n- ")
    );
    let fixed: Vec<&&str> = NOT_YET_RUNNABLE
        .iter()
        .filter(|listed| !offenders.iter().any(|(line, _)| line == *listed))
        .collect();
    assert!(
        fixed.is_empty(),
        "NOT_YET_RUNNABLE lists lines that are fixed or gone: remove them\n{fixed:#?}"
    );
}

#[test]
fn the_command_check_splits_pipelines_and_skips_settings_and_sudo() {
    assert_eq!(
        programs_of("NO_COLOR=1 sudo tcpdump -i lo | head -c 5; echo $? && ls"),
        ["tcpdump", "head", "echo", "ls"]
    );
    let packages = vec!["loss-demo".to_owned()];
    let tools = vec!["nstat".to_owned()];
    assert_eq!(
        cannot_run("nstat -n; cargo run -p loss-demo", &packages, &tools),
        None
    );
    assert!(cannot_run("loss-demo flood", &packages, &tools).is_some());
    assert!(cannot_run("cargo run -p nope", &packages, &tools).is_some());
    assert_eq!(
        cannot_run("cargo exercises check echo-once", &packages, &tools),
        None
    );
    assert_eq!(
        cannot_run("cargo run --example udp-echo-server", &packages, &tools),
        None
    );
    assert!(cannot_run("cargo run --example nope", &packages, &tools).is_some());
    assert!(cannot_run("bash no/such/script.sh", &packages, &tools).is_some());
}

/// The glossary of the Chinese edition, from the table under `## 术语表` in lessons/zh/README.md
/// (columns: English, 中文, 不用): for each row, the preferred terms and the variants not to
/// use. A variant's note in full-width parentheses, `载荷（单用）`, is dropped; a cell that is
/// only a note, `（教程原文的“链接”只在引用时保留）`, names no variant.
fn glossary() -> Vec<(Vec<String>, Vec<String>)> {
    let index = read(&root().join("lessons/zh/README.md"));
    let section = index
        .split("\n## 术语表")
        .nth(1)
        .expect("lessons/zh/README.md has a `## 术语表` section");
    let words = |cell: &str| -> Vec<String> {
        cell.split('、')
            .map(|word| word.split('（').next().unwrap_or("").trim().to_owned())
            .filter(|word| !word.is_empty())
            .collect()
    };
    section
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("| ---"))
        .skip(1) // the header row
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (preferred, avoided) = (cells.get(2)?, cells.get(3)?);
            let avoided = words(avoided);
            (!avoided.is_empty()).then(|| (words(preferred), avoided))
        })
        .collect()
}

/// `prose` without its inline code (what stands between backquotes).
fn without_inline_code(prose: &str) -> String {
    without_spans_between(prose, '`', false)
}

/// `text` without what stands between each pair of `mark`s; the marks themselves stay if
/// `keep_marks` (so `a "b" c` becomes `a "" c`) or go too (`a  c`).
fn without_spans_between(text: &str, mark: char, keep_marks: bool) -> String {
    let mut kept = String::new();
    let mut inside = false;
    for c in text.chars() {
        if c == mark {
            inside = !inside;
            if keep_marks {
                kept.push(c);
            }
        } else if !inside {
            kept.push(c);
        }
    }
    kept
}

/// Prose as a reader sees it, without inline code and link targets: where the glossary applies.
fn prose_without_code(prose: &str) -> String {
    let text = without_inline_code(prose);
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 1]);
        rest = &rest[at + 2..];
        rest = rest.split_once(')').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

/// Variants the glossary rules out that pages of other lessons still use: (page, variant).
/// They are listed so that the check guards every other page meanwhile; each must still occur
/// (so the list cannot outlive the fix). Empty it as the pages are fixed.
const GLOSSARY_NOT_YET: &[(&str, &str)] = &[];

#[test]
fn the_chinese_pages_use_the_glossarys_terms() {
    let glossary = glossary();
    assert!(
        glossary
            .iter()
            .any(|(preferred, avoided)| preferred == &["首部"] && avoided == &["头部"]),
        "{glossary:?}"
    );
    let mut found = Vec::new();
    for (_, chinese) in editions() {
        let name = page_name(&chinese);
        let (_, prose) = parse(&read(&chinese));
        let mut text = prose_without_code(&prose);
        // The glossary itself names the variants.
        if let Some(at) = text.find("## 术语表") {
            text.truncate(at);
        }
        for (preferred, avoided) in &glossary {
            // `有效载荷` contains `载荷`: only the variant standing alone counts.
            let mut rest = text.clone();
            for word in preferred {
                rest = rest.replace(word.as_str(), "□");
            }
            for variant in avoided {
                if rest.contains(variant.as_str()) {
                    found.push((name.clone(), variant.clone(), preferred.join("、")));
                }
            }
        }
    }
    let unexpected: Vec<String> = found
        .iter()
        .filter(|(page, variant, _)| !GLOSSARY_NOT_YET.contains(&(page.as_str(), variant.as_str())))
        .map(|(page, variant, preferred)| {
            format!("{page}: {variant} (the glossary says {preferred})")
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "Chinese pages use terms the glossary (lessons/zh/README.md, 术语表) rules out:\n- {}",
        unexpected.join("\n- ")
    );
    let fixed: Vec<_> = GLOSSARY_NOT_YET
        .iter()
        .filter(|(page, variant)| !found.iter().any(|(p, v, _)| p == page && v == variant))
        .collect();
    assert!(
        fixed.is_empty(),
        "GLOSSARY_NOT_YET lists variants that are gone: remove them\n{fixed:#?}"
    );
}

/// No page carries a merge's conflict markers: a half-resolved merge once left both sides of
/// a section in two pages, and every other check here still passed.
#[test]
fn no_page_carries_merge_conflict_markers() {
    let mut found = Vec::new();
    for page in markdown_files() {
        for (number, line) in read(&page).lines().enumerate() {
            if line.starts_with("<<<<<<< ") || line == "=======" || line.starts_with(">>>>>>> ") {
                found.push(format!("{}:{}: {line}", page.display(), number + 1));
            }
        }
    }
    assert!(found.is_empty(), "conflict markers:\n{}", found.join("\n"));
}

/// A lesson's main walk (everything before "## Going deeper": the tutorial's section, its
/// program, running it, what the tutorial says and what really happens, the checkpoint) is
/// for one sitting: at most 2,500 words, counted as whitespace-separated words, code included.
/// The Chinese edition keeps step through the parity test above (the same sections and code).
#[test]
fn every_lessons_main_walk_is_at_most_2500_words() {
    const MOST: usize = 2_500;
    let mut long = Vec::new();
    for lesson in lesson_files() {
        let text = read(&lesson);
        let walk = text.split("\n## Going deeper").next().unwrap_or_default();
        let words = walk.split_whitespace().count();
        if words > MOST {
            long.push(format!("{}: {words} words", lesson.display()));
        }
    }
    assert!(
        long.is_empty(),
        "main walks over {MOST} words (move detail into Going deeper):\n{}",
        long.join("\n")
    );
}

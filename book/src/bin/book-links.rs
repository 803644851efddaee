//! An mdBook preprocessor (book/book.toml runs it): a lesson links to the code it explains
//! with relative links such as `../crates/udp-echo/server/src/main.rs`, which work on GitHub
//! and in an editor but leave the book's source folder, so the book has no page for them.
//! This points each such link at the same file in the repository on GitHub (the
//! `git-repository-url` of book.toml), and leaves links between chapters alone.
//!
//! mdBook first asks `book-links supports <renderer>` (yes, exit 0), then passes
//! `[context, book]` as JSON on stdin and reads the book back on stdout.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("book-links: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|err| format!("cannot read the book from stdin: {err}"))?;
    let parsed: Value =
        serde_json::from_str(&input).map_err(|err| format!("the book is not JSON: {err}"))?;
    let [context, mut book] = <[Value; 2]>::try_from(
        parsed
            .as_array()
            .cloned()
            .ok_or("expected [context, book] on stdin")?,
    )
    .map_err(|_| "expected [context, book] on stdin")?;

    let root = PathBuf::from(context["root"].as_str().ok_or("the context has no root")?);
    let src = root.join(context["config"]["book"]["src"].as_str().unwrap_or("src"));
    let repository = context["config"]["output"]["html"]["git-repository-url"]
        .as_str()
        .ok_or("book.toml sets no output.html.git-repository-url")?
        .trim_end_matches('/')
        .to_owned();
    let links = Links {
        src: normalise(&src),
        // The repository is the folder that holds the book's folder.
        repo_root: normalise(&root.join("..")),
        repository,
        chapters: {
            let mut found = Vec::new();
            chapter_paths(&book, &mut found);
            found
        },
    };
    rewrite_chapters(&mut book, &links);

    let output = serde_json::to_string(&book).map_err(|err| err.to_string())?;
    std::io::stdout()
        .write_all(output.as_bytes())
        .map_err(|err| format!("cannot write the book to stdout: {err}"))
}

struct Links {
    src: PathBuf,
    repo_root: PathBuf,
    repository: String,
    /// Every chapter's `source_path`, relative to `src`.
    chapters: Vec<PathBuf>,
}

/// The `source_path` of every chapter, wherever it nests.
fn chapter_paths(value: &Value, found: &mut Vec<PathBuf>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(_)), Some(Value::String(path))) =
                (map.get("content"), map.get("source_path"))
            {
                found.push(PathBuf::from(path));
            }
            map.values().for_each(|child| chapter_paths(child, found));
        }
        Value::Array(items) => items.iter().for_each(|child| chapter_paths(child, found)),
        _ => {}
    }
}

fn rewrite_chapters(value: &mut Value, links: &Links) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(path)) = map.get("source_path").cloned()
                && let Some(Value::String(content)) = map.get_mut("content")
            {
                *content = rewrite(content, Path::new(&path), links);
            }
            map.values_mut()
                .for_each(|child| rewrite_chapters(child, links));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| rewrite_chapters(child, links)),
        _ => {}
    }
}

/// `content` with every `](target)` that leaves the book pointed at GitHub.
fn rewrite(content: &str, chapter: &Path, links: &Links) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let Some(close) = rest.find(')') else { break };
        let target = &rest[..close];
        out.push_str(&retarget(target, chapter, links).unwrap_or_else(|| target.to_owned()));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Where a link should point in the book, or None to leave it as it is.
fn retarget(target: &str, chapter: &Path, links: &Links) -> Option<String> {
    if target.is_empty()
        || target.contains("://")
        || target.starts_with('#')
        || target.starts_with("mailto:")
        || target.contains(' ')
    {
        return None;
    }
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, format!("#{anchor}")),
        None => (target, String::new()),
    };
    let folder = links.src.join(chapter.parent().unwrap_or(Path::new("")));
    let resolved = normalise(&folder.join(file));
    if let Ok(inside) = resolved.strip_prefix(&links.src) {
        // A chapter, or a picture or other file that mdBook copies: the book has it.
        let is_md = inside.extension().is_some_and(|ext| ext == "md");
        if !is_md || links.chapters.iter().any(|chapter| chapter == inside) {
            return None;
        }
    }
    let in_repo = resolved.strip_prefix(&links.repo_root).ok()?;
    let shown: Vec<String> = in_repo
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    let kind = if resolved.is_dir() { "tree" } else { "blob" };
    Some(format!(
        "{}/{kind}/main/{}{anchor}",
        links.repository,
        shown.join("/")
    ))
}

/// `a/b/../c` → `a/c`, without asking the file system (a link may name a file that moved).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            src: PathBuf::from("/repo/lessons"),
            repo_root: PathBuf::from("/repo"),
            repository: "https://github.com/o/r".to_owned(),
            chapters: vec![PathBuf::from("01-a.md"), PathBuf::from("README.md")],
        }
    }

    #[test]
    fn links_leaving_the_book_point_at_the_repository_and_chapter_links_stay() {
        let page = "see [main](../crates/x/src/main.rs#L3), [next](README.md), \
                    [zh](zh/01-a.md) and [web](https://example.com/a.md).";
        assert_eq!(
            rewrite(page, Path::new("01-a.md"), &links()),
            "see [main](https://github.com/o/r/blob/main/crates/x/src/main.rs#L3), \
             [next](README.md), [zh](https://github.com/o/r/blob/main/lessons/zh/01-a.md) \
             and [web](https://example.com/a.md)."
        );
    }

    #[test]
    fn chinese_pages_one_folder_deeper_resolve_from_their_own_folder() {
        let zh = Links {
            src: PathBuf::from("/repo/lessons/zh"),
            ..links()
        };
        assert_eq!(
            rewrite("[t](../../tests/claims.rs)", Path::new("01-a.md"), &zh),
            "[t](https://github.com/o/r/blob/main/tests/claims.rs)"
        );
    }
}

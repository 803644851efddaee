//! `cargo run -p book -- check`: the built book, looked at in a real browser.
//!
//! Every page of both editions is loaded by headless Chromium (its `--dump-dom` prints the
//! page after its scripts ran, so Mermaid has drawn or failed by then), and:
//! - the page loaded: it has the book's `<main>`;
//! - every Mermaid block became an SVG, and no Mermaid error text ("Syntax error") shows;
//! - every link resolves: a local one to a file of the built book (the language switch too),
//!   one into the repository on GitHub to a file of this checkout.
//!
//! A few pages are also saved as screenshots under target/book-screenshots/.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Pages worth a screenshot: a diagram of each kind, in both editions.
const SCREENSHOTS: &[&str] = &[
    "01-udp-echo.html",
    "08-many-clients.html",
    "zh-CN/06-empty-datagram.html",
    "zh-CN/index.html",
];

pub fn check(book: &Path, addr: &str, repository: &str) -> Result<(), String> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok())
        .ok_or("no Chromium found (chromium, chromium-browser or google-chrome)")?;
    let target = book.parent().unwrap_or(book);
    let repo_root = target.parent().unwrap_or(target);
    let profile = std::env::temp_dir().join(format!("book-check-{}", std::process::id()));
    let mut pages = Vec::new();
    html_pages(book, book, &mut pages).map_err(|err| format!("cannot list the book: {err}"))?;
    pages.sort();

    let mut problems = Vec::new();
    let mut diagrams = 0;
    for page in &pages {
        let url = format!("http://{addr}/{page}");
        let dom = browse(chromium, &profile, &["--dump-dom"], &url)?;
        // toc.html is the table of contents alone, for browsers without JavaScript.
        if !dom.contains("<main") && !dom.contains("class=\"chapter") {
            problems.push(format!("{page}: did not load (no <main> in the page)"));
            continue;
        }
        for (n, block) in dom.split("<pre class=\"mermaid").skip(1).enumerate() {
            diagrams += 1;
            let body = block.split("</pre>").next().unwrap_or("");
            if !body.contains("<svg") {
                problems.push(format!("{page}: diagram {} was not drawn", n + 1));
            }
        }
        if dom.contains("Syntax error") {
            problems.push(format!("{page}: Mermaid shows \"Syntax error\""));
        }
        for href in attribute_values(&dom, "href") {
            if let Some(problem) = broken(&href, page, book, repo_root, repository) {
                problems.push(format!("{page}: {problem}"));
            }
        }
    }

    let shots = book.parent().unwrap_or(book).join("book-screenshots");
    std::fs::create_dir_all(&shots).map_err(|err| format!("{}: {err}", shots.display()))?;
    for page in SCREENSHOTS {
        let file = shots.join(page.replace('/', "-").replace(".html", ".png"));
        let flag = format!("--screenshot={}", file.display());
        let url = format!("http://{addr}/{page}");
        browse(
            chromium,
            &profile,
            &[&flag, "--window-size=1280,2400"],
            &url,
        )?;
        if !file.exists() {
            problems.push(format!("{page}: Chromium saved no screenshot"));
        }
    }
    // The profile is Chromium's scratch folder; a leftover one harms nothing.
    let _ = std::fs::remove_dir_all(&profile);

    println!(
        "book: checked {} pages and {diagrams} diagrams in Chromium; screenshots in {}",
        pages.len(),
        shots.display()
    );
    if diagrams == 0 {
        problems.push("no Mermaid diagram at all: is mdbook-mermaid running?".to_owned());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the book has {} problem(s):\n- {}",
            problems.len(),
            problems.join("\n- ")
        ))
    }
}

/// One headless Chromium run on `url` (flags as the machines of CI need them: no sandbox as
/// root, no GPU, and no background connections, which a closed network refuses).
fn browse(chromium: &str, profile: &Path, extra: &[&str], url: &str) -> Result<String, String> {
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            // Let the page's scripts (Mermaid draws asynchronously) finish before the dump.
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .map_err(|err| format!("cannot run {chromium}: {err}"))?;
    if !output.status.success() {
        return Err(format!("{chromium} failed on {url} ({})", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every `.html` file under `dir`, as a path relative to `book` with `/`.
fn html_pages(book: &Path, dir: &Path, pages: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            html_pages(book, &path, pages)?;
        } else if path.extension().is_some_and(|ext| ext == "html") {
            let relative = path.strip_prefix(book).unwrap_or(&path);
            let shown: Vec<String> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            pages.push(shown.join("/"));
        }
    }
    Ok(())
}

/// The values of `name="..."` attributes in `html`, entities for `&` decoded.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let pattern = format!(" {name}=\"");
    html.split(pattern.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|value| value.replace("&amp;", "&"))
        .collect()
}

/// Why a link from `page` is broken, or None if it resolves.
fn broken(
    href: &str,
    page: &str,
    book: &Path,
    repo_root: &Path,
    repository: &str,
) -> Option<String> {
    let target = href.split('#').next().unwrap_or("");
    if target.is_empty() || href.starts_with("mailto:") || href.starts_with("javascript:") {
        return None;
    }
    if let Some(path) = target.strip_prefix(repository) {
        // https://github.com/OWNER/REPO/blob/main/PATH or .../tree/main/PATH
        let path = path
            .trim_start_matches('/')
            .splitn(3, '/')
            .nth(2)
            .unwrap_or("");
        let file = path.split('/').fold(repo_root.to_owned(), |f, p| f.join(p));
        return (!file.exists()).then(|| format!("{href} names {path}, not in the repository"));
    }
    if target.contains("://") {
        // Another site (mdBook's own links): not checked offline.
        return None;
    }
    let mut file: PathBuf = book.to_owned();
    let folder = page.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(format!("{href} leaves the book"));
                }
            }
            other => parts.push(other),
        }
    }
    for part in &parts {
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    (!file.exists()).then(|| format!("{href} is broken (no {})", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_links_resolve_from_the_page_folder_and_may_not_leave_the_book() {
        let book = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let repo = book.join("..");
        let url = "https://github.com/o/r";
        // book/ holds book.toml and src/main.rs: use them as a stand-in for a built book.
        assert_eq!(broken("book.toml#x", "index.html", &book, &repo, url), None);
        assert_eq!(
            broken("../book.toml", "src/main.rs", &book, &repo, url),
            None
        );
        assert!(broken("nope.html", "index.html", &book, &repo, url).is_some());
        assert!(broken("../x.html", "index.html", &book, &repo, url).is_some());
        assert_eq!(
            broken(
                "https://github.com/o/r/blob/main/Cargo.toml",
                "a.html",
                &book,
                &repo,
                url
            ),
            None
        );
        assert!(
            broken(
                "https://github.com/o/r/blob/main/nope.rs",
                "a.html",
                &book,
                &repo,
                url
            )
            .is_some()
        );
        assert_eq!(
            broken("https://example.com/", "a.html", &book, &repo, url),
            None
        );
    }

    #[test]
    fn attributes_are_read_with_their_ampersands_decoded() {
        assert_eq!(
            attribute_values(
                r##"<a href="a.html?x=1&amp;y=2">a</a> <a class="b" href="#c">"##,
                "href"
            ),
            ["a.html?x=1&y=2", "#c"]
        );
    }
}

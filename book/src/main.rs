//! The course as a book, in English and Chinese, in one command:
//!
//!     cargo run -p book             build both editions, serve them on http://127.0.0.1:3000
//!     cargo run -p book -- build    build them into target/book (English) and
//!                                   target/book/zh-CN (Chinese), and stop
//!     cargo run -p book -- check    build them, then check every page in headless
//!                                   Chromium (see check.rs); CI runs this
//!
//! mdBook builds one book per run, so this runs it twice over the lessons' own Markdown:
//! lessons/ for English, lessons/zh for Chinese (chosen with mdBook's MDBOOK_BOOK__SRC
//! setting, so nothing is copied and no symlink is needed on Windows). English is built
//! first because mdBook empties its output folder, and target/book/zh-CN lies inside it.
//! Then a small HTTP server (std's TcpListener, one thread per connection) serves both.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod check;

const USAGE: &str = "usage: cargo run -p book [-- serve [--addr 127.0.0.1:3000] | build | check]";

enum Mode {
    Serve,
    Build,
    Check,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("book: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (mode, addr) = match args.as_slice() {
        [] | ["serve"] => (Mode::Serve, "127.0.0.1:3000"),
        ["serve", "--addr", addr] => (Mode::Serve, *addr),
        ["build"] => (Mode::Build, ""),
        ["check"] => (Mode::Check, ""),
        _ => return Err(USAGE.to_owned()),
    };
    let book = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // The workspace's target folder, as book.toml's build-dir says.
    let workspace = book.parent().unwrap_or(&book).to_owned();
    let out = workspace.join("target").join("book");
    build(&book, &out)?;
    match mode {
        Mode::Build => Ok(()),
        Mode::Serve => {
            let listener =
                TcpListener::bind(addr).map_err(|err| format!("cannot listen on {addr}: {err}"))?;
            println!(
                "book: serving on http://{addr}/ (English) and http://{addr}/zh-CN/ (Chinese); \
                 Ctrl+C stops"
            );
            serve_folder(listener, &out);
            Ok(())
        }
        Mode::Check => {
            // Our own server on a port the OS picks, in the background, for the browser.
            let listener = TcpListener::bind("127.0.0.1:0")
                .map_err(|err| format!("cannot listen on 127.0.0.1: {err}"))?;
            let addr = listener
                .local_addr()
                .map_err(|err| format!("no local address: {err}"))?;
            let served = out.clone();
            std::thread::spawn(move || serve_folder(listener, &served));
            check::check(&out, &addr.to_string(), &repository(&book)?)
        }
    }
}

/// The `git-repository-url` of book.toml, which the links out of the book point into.
fn repository(book: &Path) -> Result<String, String> {
    let toml = std::fs::read_to_string(book.join("book.toml"))
        .map_err(|err| format!("cannot read book.toml: {err}"))?;
    toml.lines()
        .find_map(|line| line.strip_prefix("git-repository-url = "))
        .map(|url| url.trim_matches('"').trim_end_matches('/').to_owned())
        .ok_or_else(|| "book.toml sets no git-repository-url".to_owned())
}

/// Both editions, with mdbook and mdbook-mermaid (installed from crates.io).
fn build(book: &Path, out: &Path) -> Result<(), String> {
    for tool in ["mdbook", "mdbook-mermaid"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return Err(format!(
                "{tool} is not installed; install it with \
                 `cargo install mdbook --version 0.5.4 --locked` and \
                 `cargo install mdbook-mermaid --version 0.17.1 --locked`"
            ));
        }
    }
    // Mermaid itself (mermaid.min.js, 2.6 MB) is not kept in git: the plugin copies in the
    // release it was built for, so the two always match.
    let mermaid = Command::new("mdbook-mermaid")
        .arg("install")
        .arg(book)
        .output()
        .map(|output| output.status);
    check("mdbook-mermaid install", mermaid)?;
    let english = Command::new("mdbook").arg("build").arg(book).status();
    check("mdbook build (English)", english)?;
    let chinese = Command::new("mdbook")
        .arg("build")
        .arg(book)
        .env("MDBOOK_BOOK__SRC", "../lessons/zh")
        .env("MDBOOK_BOOK__LANGUAGE", "zh-CN")
        .env("MDBOOK_BOOK__TITLE", "用 Rust 学套接字编程")
        .env("MDBOOK_BUILD__BUILD_DIR", "../target/book/zh-CN")
        .status();
    check("mdbook build (Chinese)", chinese)?;
    println!(
        "book: built {} (English) and {} (Chinese)",
        out.display(),
        out.join("zh-CN").display()
    );
    Ok(())
}

fn check(what: &str, status: std::io::Result<std::process::ExitStatus>) -> Result<(), String> {
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} failed ({status})")),
        Err(err) => Err(format!("{what} could not start: {err}")),
    }
}

fn serve_folder(listener: TcpListener, root: &Path) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let root = root.to_owned();
                std::thread::spawn(move || {
                    if let Err(err) = answer(stream, &root) {
                        eprintln!("book: {err}");
                    }
                });
            }
            Err(err) => eprintln!("book: accept failed: {err}"),
        }
    }
}

/// One request: `GET /path` → the file under `root` (a folder → its index.html), or 404.
fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut file = root.to_owned();
    // Only plain names: no `..`, so nothing outside the book is served.
    for part in path.split('/').filter(|part| !part.is_empty()) {
        if part == ".." || part.contains('\\') {
            return respond(&mut stream, "404 Not Found", "text/plain", b"not found");
        }
        file.push(percent_decode(part));
    }
    if file.is_dir() {
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => respond(&mut stream, "200 OK", content_type(&file), &body),
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found"),
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        _ => "application/octet-stream",
    }
}

/// `%20` → space: file names in the book are ASCII, but a browser may escape them.
fn percent_decode(part: &str) -> String {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

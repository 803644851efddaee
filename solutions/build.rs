//! Writes, from patches to the reference solutions, the sources the crate compiles but does
//! not keep whole:
//!
//! - each wrong solution, OUT_DIR/mutants/NAME.rs, from NN-lesson/mutants/NAME.patch: a header
//!   comment that names the bug and the case meant to catch it, then a unified diff (`diff -u`)
//!   of the reference solution beside mutants/. Its `//!` doc line is swapped for the header
//!   comment (an `include!`d file may not hold inner doc comments);
//! - each starter as shipped, OUT_DIR/starters/NN-lesson/NAME.rs, from NN-lesson/NAME.starter.patch
//!   (`diff -u` of the reference solution and the starter), and OUT_DIR/shipped.rs, which
//!   declares them as modules and lists them with their text (`shipped::STARTERS`, which the
//!   runner's `reset` puts back and `verify-starters` compares with exercises/).
//!
//! Every hunk applies exactly (at the line it names, its context and removed lines as they
//! stand, no fuzz); one that does not fails the build, naming the patch and the line.
//!
//! To see one as a file: `patch -o /tmp/m.rs solutions/01-udp-echo/echo_once.rs
//! solutions/01-udp-echo/mutants/echo_once_small_buffer.patch`. To write a new mutant: copy the
//! reference solution, break it, `diff -u --label echo_once.rs --label mutants/NAME.rs` and put
//! the header on top. After editing a starter in exercises/: `diff -u --label NAME.rs --label
//! NAME.starter.rs solutions/NN-lesson/NAME.rs exercises/NN-lesson/NAME.rs >
//! solutions/NN-lesson/NAME.starter.patch` (`cargo run -p exercises -- verify-starters` says so).

use std::fs;
use std::path::{Path, PathBuf};

/// A patch that does not apply fails the build with its message.
fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest =
        std::env::var("CARGO_MANIFEST_DIR").map_err(|e| format!("CARGO_MANIFEST_DIR: {e}"))?;
    let out = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    let out = Path::new(&out);
    println!("cargo:rerun-if-changed=build.rs");
    let mut lessons = read_dir(Path::new(&manifest))?;
    // The lessons' folders: 01-udp-echo, …
    lessons.retain(|path| {
        path.is_dir()
            && path.file_name().is_some_and(|name| {
                name.to_string_lossy()
                    .starts_with(|c: char| c.is_ascii_digit())
            })
    });
    let mut shipped = String::new();
    let mut starters = String::new();
    for lesson in lessons {
        // A patch added or removed: the folder changes.
        println!("cargo:rerun-if-changed={}", lesson.display());
        let lesson_name = lesson
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mutants = lesson.join("mutants");
        if mutants.is_dir() {
            println!("cargo:rerun-if-changed={}", mutants.display());
            for patch in read_dir(&mutants)? {
                if patch.extension().is_some_and(|ext| ext == "patch") {
                    let (header, patched) = apply_file(&lesson, &patch)?;
                    if header.is_empty() || !header.lines().all(|line| line.starts_with("//")) {
                        return Err(format!(
                            "{}: must begin with `//` lines naming the bug and the case that catches it",
                            patch.display()
                        ));
                    }
                    let body = patched
                        .split_inclusive('\n')
                        .skip_while(|line| line.starts_with("//!"));
                    let name = patch.with_extension("rs");
                    let name = name.file_name().unwrap_or_default();
                    write(
                        &out.join("mutants").join(name),
                        &(header + &body.collect::<String>()),
                    )?;
                }
            }
        }
        for patch in read_dir(&lesson)? {
            let file_name = patch
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let Some(module) = file_name.strip_suffix(".starter.patch") else {
                continue;
            };
            let (_, starter) = apply_file(&lesson, &patch)?;
            let target = out
                .join("starters")
                .join(&lesson_name)
                .join(format!("{module}.rs"));
            write(&target, &starter)?;
            let target = target.to_string_lossy();
            shipped.push_str(&format!("#[path = {target:?}]\npub mod {module};\n"));
            starters.push_str(&format!(
                "    (\"exercises/{lesson_name}/{module}.rs\", include_str!({target:?})),\n"
            ));
        }
    }
    shipped.push_str(&format!(
        "/// Every starter as shipped: its file from the workspace root, and its text.\n\
         pub const STARTERS: &[(&str, &str)] = &[\n{starters}];\n"
    ));
    write(&out.join("shipped.rs"), &shipped)
}

/// Writes `text` to `path` only when it changed, so that what did not change is not compiled
/// again.
fn write(path: &Path, text: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    paths.sort();
    Ok(paths)
}

/// What `patch` makes of the reference solution in `lesson` it names, and the lines before
/// its diff (a mutant's header comment).
fn apply_file(lesson: &Path, patch: &Path) -> Result<(String, String), String> {
    println!("cargo:rerun-if-changed={}", patch.display());
    let text = fs::read_to_string(patch).map_err(|e| format!("{}: {e}", patch.display()))?;
    let fail = |what: String| format!("{}: {what}", patch.display());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("--- "))
        .ok_or_else(|| fail("no `--- ` line: not a unified diff".into()))?;
    let header: String = lines[..start].concat();
    // `--- echo_once.rs`: the reference solution, in the lesson's folder.
    let old_name = lines[start]["--- ".len()..]
        .split('\t')
        .next()
        .unwrap_or_default()
        .trim();
    let reference = lesson.join(old_name);
    println!("cargo:rerun-if-changed={}", reference.display());
    let original = fs::read_to_string(&reference).map_err(|e| {
        fail(format!(
            "its reference solution {}: {e}",
            reference.display()
        ))
    })?;
    if !lines
        .get(start + 1)
        .is_some_and(|line| line.starts_with("+++ "))
    {
        return Err(fail("no `+++ ` line after the `--- ` line".into()));
    }
    let patched =
        apply(&original, &lines[start + 2..]).map_err(|e| fail(format!("{e} (in {old_name})")))?;
    Ok((header, patched))
}

/// `original` with every hunk applied exactly where it says.
fn apply(original: &str, hunks: &[&str]) -> Result<String, String> {
    let old: Vec<&str> = original.split_inclusive('\n').collect();
    let mut result = String::new();
    // The next line of `old` not yet copied (0-based).
    let mut next = 0;
    let mut i = 0;
    let mut number = 0;
    while i < hunks.len() {
        let head = hunks[i];
        number += 1;
        let (old_start, old_count, new_count) = parse_head(head)
            .ok_or_else(|| format!("hunk {number}: not a hunk header: {:?}", head.trim_end()))?;
        i += 1;
        let mut removed: Vec<String> = Vec::new();
        let mut added: Vec<String> = Vec::new();
        while removed.len() < old_count || added.len() < new_count {
            let line = hunks
                .get(i)
                .ok_or_else(|| format!("hunk {number} ({}) ends early", head.trim_end()))?;
            i += 1;
            let (kind, rest) = line.split_at(line.len().min(1));
            // A context line that is only a line end (some tools drop the space).
            let (kind, rest) = if *line == "\n" {
                (" ", "\n")
            } else {
                (kind, rest)
            };
            match kind {
                " " => {
                    removed.push(rest.to_owned());
                    added.push(rest.to_owned());
                }
                "-" => removed.push(rest.to_owned()),
                "+" => added.push(rest.to_owned()),
                _ => {
                    return Err(format!(
                        "hunk {number} ({}): unexpected line {:?}",
                        head.trim_end(),
                        line.trim_end()
                    ));
                }
            }
            // `\ No newline at end of file`: the line before it has no line end.
            if hunks.get(i).is_some_and(|next| next.starts_with('\\')) {
                i += 1;
                for (side, touched) in [(&mut removed, kind != "+"), (&mut added, kind != "-")] {
                    if let (true, Some(last)) = (touched, side.last_mut()) {
                        last.pop();
                    }
                }
            }
        }
        if removed.len() != old_count || added.len() != new_count {
            return Err(format!(
                "hunk {number} ({}): its counts do not match its lines",
                head.trim_end()
            ));
        }
        // `-0,0` (an empty old side) inserts after line 0; otherwise the hunk starts at line `old_start`.
        let at = if old_count == 0 {
            old_start
        } else {
            old_start.saturating_sub(1)
        };
        if at < next || at + old_count > old.len() {
            return Err(format!(
                "hunk {number} ({}) does not apply: the file has {} lines",
                head.trim_end(),
                old.len()
            ));
        }
        for (k, expected) in removed.iter().enumerate() {
            if old[at + k] != expected.as_str() {
                return Err(format!(
                    "hunk {number} ({}) does not apply: line {} is {:?}, the patch expects {:?}",
                    head.trim_end(),
                    at + k + 1,
                    old[at + k].trim_end(),
                    expected.trim_end()
                ));
            }
        }
        result.extend(old[next..at].iter().copied());
        for line in &added {
            result.push_str(line);
        }
        next = at + old_count;
    }
    if number == 0 {
        return Err("no hunks".into());
    }
    result.extend(old[next..].iter().copied());
    Ok(result)
}

/// `@@ -17,7 +20,7 @@` → (17, 7, 7); a missing count is 1.
fn parse_head(head: &str) -> Option<(usize, usize, usize)> {
    let rest = head.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(usize, usize)> {
        match r.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (old_start, old_count) = range(old)?;
    let (_, new_count) = range(new)?;
    Some((old_start, old_count, new_count))
}

//! With the `honesty` feature (the course's own tests, never a student's `check`): writes,
//! from patches to the reference solutions in solutions/, the sources the library compiles but
//! does not keep whole:
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
//! Every hunk applies exactly (exercise_harness::patch); one that does not fails the build,
//! naming the patch and the line.
//!
//! To see one as a file: `patch -o /tmp/m.rs exercises/solutions/01-udp-echo/echo_once.rs
//! exercises/solutions/01-udp-echo/mutants/echo_once_small_buffer.patch`. To write a new mutant: copy the
//! reference solution, break it, `diff -u --label echo_once.rs --label mutants/NAME.rs` and put
//! the header on top. After editing a starter: `exercises/new-patches NAME` (exercises/README.md,
//! "For contributors"; `cargo exercises verify-starters` says so).

use std::fs;
use std::path::{Path, PathBuf};

use exercise_harness::patch::apply_file;

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
    // A student's `check` builds without the feature: a patch is never in its way.
    if std::env::var_os("CARGO_FEATURE_HONESTY").is_none() {
        return Ok(());
    }
    let solutions = Path::new(&manifest).join("solutions");
    // A lesson's folder added (lesson 10's was, and its mutants were not made until build.rs
    // was touched): cargo scans a folder named here for any change below it.
    println!("cargo:rerun-if-changed={}", solutions.display());
    let mut lessons = read_dir(&solutions)?;
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
                    let applied = applied(&lesson, &patch)?;
                    let (header, patched) = (applied.header, applied.text);
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
            let starter = applied(&lesson, &patch)?.text;
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

/// A patch applied, and Cargo told to run this again when it or its reference solution changes.
fn applied(lesson: &Path, patch: &Path) -> Result<exercise_harness::patch::Applied, String> {
    println!("cargo:rerun-if-changed={}", patch.display());
    let applied = apply_file(lesson, patch)?;
    println!("cargo:rerun-if-changed={}", applied.reference.display());
    Ok(applied)
}

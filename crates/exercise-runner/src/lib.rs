//! The exercise runner's library: the list of exercises (name, lesson, file, task, three hints),
//! building and running one exercise's target with cargo (so only that file is compiled, and
//! its compiler errors are the only ones shown), `reset` and `verify-starters` (the starters
//! as shipped, made from their patches without compiling anything), and the progress `watch`
//! shows. `src/main.rs` is the command line around it.
//!
//! The runner never links your code: each exercise is a target of its own in the `exercises`
//! package (exercises/targets/NAME.rs), which `check` builds with `cargo build --bin NAME`
//! and runs, so one file that does not compile stops only its own check, and `reset` works
//! whatever state your files are in.

use std::fs;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

mod list;

pub use list::EXERCISES;

/// One exercise: what the runner shows about it.
#[derive(Debug)]
pub struct Exercise {
    /// What you type: `cargo exercises check NAME`; also its target's name.
    pub name: &'static str,
    pub lesson: u8,
    /// warm-up, medium or hard.
    pub level: &'static str,
    /// The file you edit, from the workspace root.
    pub file: &'static str,
    /// The task in one line.
    pub task: &'static str,
    /// Three hints, from a nudge to the shape of the code: `hint NAME 1` (also shown when the
    /// check fails), `hint NAME 2` the idea behind it, `hint NAME 3` the shape of the code.
    pub hints: [&'static str; 3],
}

/// The command a student types, before its words: `cargo exercises check NAME`.
pub const COMMAND: &str = "cargo exercises";

/// The workspace root, where the runner was built (exercises/ and target/ are under it), or
/// `EXERCISES_ROOT` when set (the runner's own tests use a scratch copy, never your work).
pub fn root() -> PathBuf {
    std::env::var_os("EXERCISES_ROOT").map_or_else(
        || {
            let runner = Path::new(env!("CARGO_MANIFEST_DIR"));
            runner.ancestors().nth(2).unwrap_or(runner).to_path_buf()
        },
        PathBuf::from,
    )
}

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every case passed.
    Passed,
    /// It compiled and ran; some case failed. The target's report (a line per case, the
    /// first failure, "k of n cases pass").
    Failed(String),
    /// The exercise's file (or another its target needs) does not compile: the compiler's
    /// errors.
    DoesNotCompile(String),
    /// Cargo or the target could not be started at all.
    NotRun(String),
}

/// Builds exercise `name`'s target (`cargo build --bin NAME` in the `exercises` package) and
/// says where its executable is, or the compiler's errors. `EXERCISE_TARGETS` names a folder of
/// targets built beforehand, used as they are (where cargo cannot be run: the tests under
/// Wine).
pub fn build(name: &str) -> Result<PathBuf, Outcome> {
    if let Some(dir) = std::env::var_os("EXERCISE_TARGETS") {
        return Ok(Path::new(&dir).join(format!("{name}{}", std::env::consts::EXE_SUFFIX)));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let color = if io::stdout().is_terminal() {
        "always"
    } else {
        "never"
    };
    let output = Command::new(cargo)
        .args(["build", "--quiet", "--package", "exercises", "--bin", name])
        .args(["--message-format=json-render-diagnostics", "--color", color])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .map_err(|err| Outcome::NotRun(format!("could not run cargo: {err}")))?;
    let errors = without_targets(&String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        return Err(Outcome::DoesNotCompile(errors));
    }
    // Warnings about your file: worth seeing even when it compiles.
    if !errors.trim().is_empty() {
        eprint!("{errors}");
    }
    executable(&String::from_utf8_lossy(&output.stdout))
        .ok_or_else(|| Outcome::NotRun(format!("cargo built {name} but did not say where")))
}

/// The compiler's messages with your file's path as you know it: a target includes it as
/// `exercises/targets/../NN-lesson/NAME.rs`.
pub fn without_targets(text: &str) -> String {
    text.replace("targets/../", "").replace("targets\\..\\", "")
}

/// The `"executable"` of the last artifact cargo's JSON messages name.
fn executable(json: &str) -> Option<PathBuf> {
    let key = "\"executable\":\"";
    let start = json.rfind(key)? + key.len();
    let mut path = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(PathBuf::from(path)),
            '\\' => path.push(chars.next()?),
            c => path.push(c),
        }
    }
    None
}

/// Builds and runs exercise `name`'s target. With `show`, its report is printed as it comes;
/// otherwise it is kept in the outcome.
pub fn check(name: &str, show: bool) -> Outcome {
    let program = match build(name) {
        Ok(program) => program,
        Err(outcome) => return outcome,
    };
    let mut command = Command::new(&program);
    command.current_dir(root()).stdin(Stdio::null());
    let result = if show {
        command.status().map(|status| (status, String::new()))
    } else {
        command.output().map(|output| {
            let report = String::from_utf8_lossy(&output.stdout).into_owned();
            (output.status, report)
        })
    };
    match result {
        Ok((status, _)) if status.success() => Outcome::Passed,
        Ok((_, report)) => Outcome::Failed(report),
        Err(err) => Outcome::NotRun(format!("could not run {}: {err}", program.display())),
    }
}

/// "4 of 7 cases pass" and the first failing case, from a target's report.
pub fn summary(report: &str) -> String {
    let tally = report
        .lines()
        .find(|line| line.ends_with("cases pass."))
        .unwrap_or("")
        .trim_end_matches('.');
    let first = report
        .lines()
        .find_map(|line| line.strip_prefix("✗ "))
        .and_then(|line| line.split(',').next())
        .unwrap_or("");
    if first.is_empty() {
        tally.to_owned()
    } else {
        format!("{tally}; first failing: {first}")
    }
}

/// What follows a failing check: hint 1, where the others are, and what to do next.
pub fn after_failure(exercise: &Exercise) -> String {
    let mut out = String::from("\nhint 1 of 3:\n");
    for line in exercise.hints[0].lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(&format!(
        "  (more: `{COMMAND} hint {} 2` for the idea, `... 3` for the shape of the code)\n",
        exercise.name
    ));
    out.push_str(&format!(
        "\nEdit {} and run `{COMMAND} check {}` again.\n",
        exercise.file, exercise.name
    ));
    out
}

/// `check NAME`: builds and runs the exercise's target, prints its report (or the compiler's
/// errors as a failed "compiles" step), notes the result for `watch`'s progress bar, and names
/// the next exercise or gives the first hint.
pub fn check_and_report(exercise: &Exercise) -> Outcome {
    println!("checking {} ({})...", exercise.name, exercise.file);
    let outcome = check(exercise.name, true);
    mark(exercise.name, outcome == Outcome::Passed);
    match &outcome {
        Outcome::Passed => {
            println!("✓ {} passes. Well done!", exercise.name);
            match next_unsolved(Some(exercise.name)) {
                Some(next) => println!(
                    "Next: {} (lesson {}): {}\n      {COMMAND} check {}",
                    next.name, next.lesson, next.task, next.name
                ),
                None => println!("That was the last one still open. Every exercise passes."),
            }
        }
        Outcome::Failed(_) => print!("{}", after_failure(exercise)),
        Outcome::DoesNotCompile(errors) => {
            println!("  ✗ compiles\n");
            println!("{}", errors.trim_end());
            println!(
                "\n{} does not compile yet, so its cases did not run: fix the first error above \
                 (in {}) and check again. Every other exercise still checks on its own.",
                exercise.name, exercise.file
            );
        }
        Outcome::NotRun(why) => eprintln!("{why}"),
    }
    outcome
}

/// The exit status of a check: 0 when it passed, 1 when it failed (or did not compile), 2
/// when it could not be run.
pub fn status(outcome: &Outcome) -> ExitCode {
    match outcome {
        Outcome::Passed => ExitCode::SUCCESS,
        Outcome::Failed(_) | Outcome::DoesNotCompile(_) => ExitCode::FAILURE,
        Outcome::NotRun(_) => ExitCode::from(2),
    }
}

/// The starter of `exercise` as shipped: its patch (exercises/solutions/NN-lesson/
/// NAME.starter.patch) applied to its reference solution. Needs no compiler, so `reset` works
/// whatever state the working copy is in.
pub fn shipped_source(exercise: &Exercise) -> Result<String, String> {
    exercise_harness::patch::shipped_starter(&root(), exercise.file)
}

/// The starters in exercises/ that differ from their shipped text (or are missing, or whose
/// patch does not apply): what `verify-starters` reports, empty when every one is as shipped.
pub fn starters_not_as_shipped() -> Vec<&'static Exercise> {
    EXERCISES
        .iter()
        .filter(|exercise| {
            let current = fs::read_to_string(root().join(exercise.file)).ok();
            current.is_none() || current != shipped_source(exercise).ok()
        })
        .collect()
}

/// Puts the starter of `exercise` back as shipped. A working copy that differs is kept first
/// in target/exercise-backups/; returns where, if it was.
pub fn reset(exercise: &Exercise) -> io::Result<Option<PathBuf>> {
    let shipped = shipped_source(exercise).map_err(io::Error::other)?;
    let file = root().join(exercise.file);
    let current = fs::read_to_string(&file).unwrap_or_default();
    let mut kept = None;
    if current != shipped && !current.is_empty() {
        let dir = root().join("target/exercise-backups");
        fs::create_dir_all(&dir)?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup = dir.join(format!("{}-{stamp}.rs", exercise.name));
        fs::write(&backup, &current)?;
        kept = Some(backup);
    }
    fs::write(&file, shipped)?;
    mark(exercise.name, false);
    Ok(kept)
}

/// Where `check` notes which exercises pass, for `list` and `watch`'s progress bar: one name a
/// line, in target/ (never committed; `check-all` notes them all again).
fn progress_file() -> PathBuf {
    root().join("target/exercises-progress.txt")
}

/// The exercises noted as passing.
pub fn solved() -> Vec<String> {
    fs::read_to_string(progress_file())
        .unwrap_or_default()
        .lines()
        .filter(|name| find(name).is_some())
        .map(str::to_owned)
        .collect()
}

/// Notes whether `name` passes (best effort: a read-only target/ only loses the bar).
pub fn mark(name: &str, passes: bool) {
    let mut names = solved();
    names.retain(|n| n != name);
    if passes {
        names.push(name.to_owned());
    }
    let _ = fs::create_dir_all(root().join("target"));
    let _ = fs::write(progress_file(), names.join("\n") + "\n");
}

/// The exercise called `name`; `echo_once`, as its file is called, names `echo-once` too.
pub fn find(name: &str) -> Option<&'static Exercise> {
    let name = name.trim().to_ascii_lowercase().replace('_', "-");
    EXERCISES.iter().find(|exercise| exercise.name == name)
}

/// Names that look like `typo`, for "did you mean".
pub fn similar(typo: &str) -> Vec<&'static str> {
    let typo = typo.to_ascii_lowercase().replace('_', "-");
    EXERCISES
        .iter()
        .filter(|e| {
            e.name.contains(&typo)
                || typo.contains(e.name)
                || e.name
                    .split('-')
                    .any(|part| typo.contains(part) && part.len() > 3)
        })
        .map(|e| e.name)
        .collect()
}

/// The first exercise after `after` (in course order, wrapping round) not noted as passing
/// (`check`, `check-all` and `watch` note the ones they check).
pub fn next_unsolved(after: Option<&str>) -> Option<&'static Exercise> {
    let start = after
        .and_then(|name| EXERCISES.iter().position(|e| e.name == name))
        .map_or(0, |i| i + 1);
    let done = solved();
    (0..EXERCISES.len())
        .map(|k| &EXERCISES[(start + k) % EXERCISES.len()])
        .filter(|e| Some(e.name) != after)
        .find(|e| !done.iter().any(|d| d == e.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_failure_the_runner_names_the_file_the_hint_and_the_command() {
        let exercise = find("echo-once").unwrap();
        let text = after_failure(exercise);
        let parts = [
            "exercises/01-udp-echo/echo_once.rs",
            "hint 1 of 3:\n  What does recv_from do",
            "hint echo-once 2",
            "cargo exercises check echo-once",
        ];
        let missing: Vec<_> = parts.iter().filter(|part| !text.contains(*part)).collect();
        assert!(missing.is_empty(), "{missing:?} missing from:\n{text}");
    }

    #[test]
    fn a_misspelt_name_suggests_the_right_one() {
        assert_eq!(find("echo_retry").map(|e| e.name), Some("echo-retry"));
        assert!(similar("retry").contains(&"echo-retry"));
        assert!(similar("stop").contains(&"stop-and-wait"));
    }

    #[test]
    fn the_summary_of_a_report_is_its_tally_and_first_failing_case() {
        let report =
            "  ✓ a\n  ✗ b\n\n✗ b, the first case that fails (x):\n  1. s\n\n1 of 2 cases pass.\n";
        assert_eq!(summary(report), "1 of 2 cases pass; first failing: b");
    }

    #[test]
    fn the_executable_is_read_from_cargos_messages() {
        let json = "{\"reason\":\"compiler-artifact\",\"executable\":\"C:\\\\t\\\\echo-once.exe\",\"fresh\":true}\n{\"reason\":\"build-finished\",\"success\":true}\n";
        assert_eq!(
            executable(json),
            Some(PathBuf::from("C:\\t\\echo-once.exe"))
        );
    }
}

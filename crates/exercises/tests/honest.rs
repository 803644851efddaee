//! The exercises are honest: every starter, as shipped, fails its check (so the check can
//! fail), and every reference solution passes it (so the exercise can be solved). Both
//! editions are compiled once, as libraries; the checks run side by side, in this process.
//!
//! "As shipped" means as committed: a starter you have edited (git says it differs from the
//! commit) is not held to failing, so your solved exercises keep `cargo test --workspace`
//! green. Without git (a downloaded archive) every starter is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use exercises::{EXERCISES, Edition, check};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs every exercise's check against `edition`, all at once; (name, passed, report).
fn run_all(edition: Edition) -> Vec<(&'static str, bool, String)> {
    let runs: Vec<_> = EXERCISES
        .iter()
        .map(|exercise| {
            thread::spawn(move || {
                let result = check(edition, exercise.name).expect("a check for every exercise");
                let report = match &result {
                    Ok(()) => "passed".to_owned(),
                    Err(failure) => format!(
                        "at step {:?}: expected {}, got {}",
                        failure.step, failure.expected, failure.got
                    ),
                };
                (exercise.name, result.is_ok(), report)
            })
        })
        .collect();
    runs.into_iter().map(|run| run.join().unwrap()).collect()
}

#[test]
fn every_starter_fails_its_check_as_shipped() {
    let results = run_all(Edition::Starter);
    // A starter must fail because of the student's part, not because the check's own sockets
    // did not work (that would prove nothing about the check).
    for (name, _, report) in &results {
        assert!(
            !report.contains("the check's own socket"),
            "{name}'s check failed on its own: {report}"
        );
    }
    let passing: Vec<String> = results
        .into_iter()
        .filter(|(name, passed, _)| *passed && !edited_since_commit(name))
        .map(|(name, _, _)| name.to_owned())
        .collect();
    assert!(
        passing.is_empty(),
        "these starters pass their checks as committed: {passing:?}. A starter must fail as \
         shipped (else its check cannot fail). If you solved them yourself, commit nothing \
         here or check with `cargo run -p exercises -- list`."
    );
}

/// Has the student edited this exercise's starter? Asks git whether the file differs from
/// the last commit; `false` when git cannot tell (no git, not a clone), so CI and archives
/// check every starter.
fn edited_since_commit(name: &str) -> bool {
    let Some(exercise) = EXERCISES.iter().find(|e| e.name == name) else {
        return false;
    };
    Command::new("git")
        .args(["diff", "--quiet", "HEAD", "--", exercise.file])
        .current_dir(root())
        .status()
        .is_ok_and(|status| status.code() == Some(1))
}

/// The excuse above holds only for an edited file: an untouched starter is never excused.
#[test]
fn an_unedited_starter_is_never_excused() {
    for exercise in EXERCISES {
        let untouched = Command::new("git")
            .args(["diff", "--quiet", "HEAD", "--", exercise.file])
            .current_dir(root())
            .status()
            .is_ok_and(|status| status.success());
        if untouched {
            assert!(!edited_since_commit(exercise.name), "{}", exercise.name);
        }
    }
}

#[test]
fn every_reference_solution_passes_its_check() {
    let failing: Vec<String> = run_all(Edition::Solution)
        .into_iter()
        .filter(|(_, passed, _)| !passed)
        .map(|(name, _, report)| format!("{name}: {report}"))
        .collect();
    assert!(failing.is_empty(), "{}", failing.join("\n"));
}

#[test]
fn every_exercise_has_a_check_a_starter_a_solution_and_a_task_on_its_lesson_page() {
    let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
    let starter_checks: Vec<&str> = exercises_starters::checks::CHECKS
        .iter()
        .map(|c| c.0)
        .collect();
    let solution_checks: Vec<&str> = exercises_solutions::checks::CHECKS
        .iter()
        .map(|c| c.0)
        .collect();
    assert_eq!(starter_checks, names);
    assert_eq!(solution_checks, names);
    for lesson in 1..=9u8 {
        let count = EXERCISES.iter().filter(|e| e.lesson == lesson).count();
        assert!(
            count >= 2,
            "lesson {lesson} has {count} exercises, fewer than two"
        );
    }
    for exercise in EXERCISES {
        let starter = root().join(exercise.file);
        let solution = root().join(exercise.file.replacen("exercises/", "solutions/", 1));
        assert!(starter.is_file(), "{} is missing", starter.display());
        assert!(solution.is_file(), "{} is missing", solution.display());
        assert!(
            !exercise.hint.trim().is_empty(),
            "{} has no hint",
            exercise.name
        );
        let source = fs::read_to_string(&starter).unwrap();
        // (A starter the student has worked on may have lost its TODO: that is the point.)
        assert!(
            edited_since_commit(exercise.name)
                || source.contains("TODO") && source.contains(&format!("check {}", exercise.name)),
            "{} must mark the student's part with TODO and say how to check it",
            exercise.file
        );
        // The task is on its lesson page, in both editions.
        let prefix = format!("{:02}-", exercise.lesson);
        let page_in = |dir: &str| {
            fs::read_dir(root().join(dir))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .find(|path| {
                    path.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&prefix)
                })
                .unwrap_or_else(|| panic!("no page for lesson {} in {dir}", exercise.lesson))
        };
        let pages = [page_in("lessons"), page_in("lessons/zh")];
        for page in pages {
            let text = fs::read_to_string(&page).unwrap();
            assert!(
                text.contains(&format!(
                    "cargo run -p exercises -- check {}",
                    exercise.name
                )),
                "{} does not give the command that checks {}",
                page.display(),
                exercise.name
            );
        }
    }
}

fn runner(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_exercises"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_runner_lists_every_exercise_shows_hints_and_names_a_misspelt_one() {
    let (code, out, _) = runner(&["list"]);
    assert_eq!(code, 0, "{out}");
    for exercise in EXERCISES {
        assert!(
            out.contains(exercise.name) && out.contains(exercise.file),
            "{out}"
        );
    }
    assert!(
        out.contains(&format!("of {} solved", EXERCISES.len())),
        "{out}"
    );

    let (code, out, _) = runner(&["hint", "read-frame"]);
    assert_eq!(code, 0);
    assert!(out.contains("read_exact"), "{out}");

    let (code, _, err) = runner(&["check", "retry"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean echo-retry?"), "{err}");
}

#[test]
fn the_instructor_command_passes_on_a_reference_solution() {
    let (code, out, _) = runner(&["solutions", "sntp-offset"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("✓ the solution to sntp-offset passes"),
        "{out}"
    );
}

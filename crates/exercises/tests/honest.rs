//! The exercises are honest: every starter as shipped fails a case of its check (so the check
//! can fail), every reference solution passes every case (so the exercise can be solved), and
//! every wrong solution kept in solutions/NN-lesson/mutants/ fails the case named for its bug
//! (so the check catches the bugs it claims to). All three editions are compiled once, in the
//! exercises-solutions crate; the cases run side by side, in this process.
//!
//! "As shipped" means the pristine copies in crates/exercises/starters/, not your working copy
//! in exercises/: solving exercises and committing them keeps `cargo test --workspace` green.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Instant;

use exercises::{EXERCISES, Edition, MUTANTS, Results, cases, check};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shipped copy of a starter: crates/exercises/starters/ instead of exercises/.
fn shipped_file(file: &str) -> PathBuf {
    root().join(file.replacen("exercises/", "crates/exercises/starters/", 1))
}

/// Runs every exercise's cases against `edition`, all exercises at once.
fn run_all(edition: Edition) -> Vec<(&'static str, Results)> {
    let runs: Vec<_> = EXERCISES
        .iter()
        .map(|exercise| {
            thread::spawn(move || {
                let results = check(edition, exercise.name).expect("a check for every exercise");
                (exercise.name, results)
            })
        })
        .collect();
    runs.into_iter().map(|run| run.join().unwrap()).collect()
}

fn describe(results: &Results) -> String {
    match results.first_failure() {
        None => "every case passes".to_owned(),
        Some((case, failure)) => format!(
            "case {case} at step {:?}: expected {}, got {}",
            failure.step, failure.expected, failure.got
        ),
    }
}

#[test]
fn every_starter_as_shipped_fails_its_check() {
    let started = Instant::now();
    let results = run_all(Edition::Shipped);
    for (name, results) in &results {
        // A starter must fail because of the student's part, not because the check's own
        // sockets did not work (that would prove nothing about the check).
        for (case, result) in &results.0 {
            if let Err(failure) = result {
                assert!(
                    !failure.expected.contains("the check's own socket"),
                    "{name}/{case} failed on its own: {failure:?}"
                );
            }
        }
        assert!(
            !results.all_pass(),
            "the shipped starter of {name} passes every case: its check cannot fail"
        );
    }
    eprintln!("starters as shipped: {:?}", started.elapsed());
}

#[test]
fn every_reference_solution_passes_every_case() {
    let started = Instant::now();
    let failing: Vec<String> = run_all(Edition::Solution)
        .into_iter()
        .filter(|(_, results)| !results.all_pass())
        .map(|(name, results)| format!("{name}: {}", describe(&results)))
        .collect();
    assert!(failing.is_empty(), "{}", failing.join("\n"));
    eprintln!("reference solutions: {:?}", started.elapsed());
}

/// Every wrong solution fails the case named for its bug. Run with `--nocapture` to see, for
/// each, every case that rejects it.
#[test]
fn every_wrong_solution_is_rejected_by_the_case_named_for_its_bug() {
    let started = Instant::now();
    let runs: Vec<_> = MUTANTS
        .iter()
        .map(|mutant| thread::spawn(move || (mutant, exercises::run(mutant.cases))))
        .collect();
    let mut problems = Vec::new();
    for run in runs {
        let (mutant, results) = run.join().unwrap();
        let failed: Vec<&str> = results
            .0
            .iter()
            .filter(|(_, result)| result.is_err())
            .map(|(case, _)| *case)
            .collect();
        eprintln!(
            "{:<17} {:<36} rejected by {}",
            mutant.exercise,
            mutant.name,
            failed.join(", ")
        );
        if !failed.contains(&mutant.caught_by) {
            problems.push(format!(
                "{}/{} ({}): case {} does not reject it; failing cases: {:?}",
                mutant.exercise, mutant.name, mutant.bug, mutant.caught_by, failed
            ));
        }
    }
    eprintln!("{} wrong solutions: {:?}", MUTANTS.len(), started.elapsed());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_exercise_has_two_wrong_solutions_or_more() {
    for exercise in EXERCISES {
        let count = MUTANTS
            .iter()
            .filter(|m| m.exercise == exercise.name)
            .count();
        assert!(count >= 2, "{} has {count} wrong solutions", exercise.name);
        for mutant in MUTANTS.iter().filter(|m| m.exercise == exercise.name) {
            let names: Vec<&str> = cases(Edition::Solution, exercise.name)
                .unwrap()
                .iter()
                .map(|c| c.name)
                .collect();
            assert!(
                names.contains(&mutant.caught_by),
                "{}/{} names a case that does not exist: {}",
                exercise.name,
                mutant.name,
                mutant.caught_by
            );
        }
    }
}

#[test]
fn every_exercise_has_a_check_a_starter_a_solution_and_a_task_on_its_lesson_page() {
    let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
    for checks in [
        exercises_starters::checks::CHECKS,
        exercises_solutions::checks::CHECKS,
        exercises_solutions::shipped::checks::CHECKS,
    ] {
        let listed: Vec<&str> = checks.iter().map(|c| c.0).collect();
        assert_eq!(listed, names);
    }
    for lesson in 1..=9u8 {
        let count = EXERCISES.iter().filter(|e| e.lesson == lesson).count();
        assert!(
            count >= 2,
            "lesson {lesson} has {count} exercises, fewer than two"
        );
    }
    for exercise in EXERCISES {
        let starter = root().join(exercise.file);
        let shipped = shipped_file(exercise.file);
        let solution = root().join(exercise.file.replacen("exercises/", "solutions/", 1));
        for file in [&starter, &shipped, &solution] {
            assert!(file.is_file(), "{} is missing", file.display());
        }
        assert!(
            !exercise.hint.trim().is_empty(),
            "{} has no hint",
            exercise.name
        );
        // The shipped copy, not the working copy: a student's solved file may have lost its
        // TODO, and that is the point.
        let source = fs::read_to_string(&shipped).unwrap();
        assert!(
            source.contains("TODO") && source.contains(&format!("check {}", exercise.name)),
            "{} must mark the student's part with TODO and say how to check it",
            shipped.display()
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
fn the_instructor_command_prints_a_line_per_case_and_the_tally() {
    let (code, out, _) = runner(&["solutions", "sntp-offset"]);
    assert_eq!(code, 0, "{out}");
    for line in [
        "  ✓ server_ahead\n",
        "  ✓ server_behind\n",
        "3 of 3 cases pass",
        "✓ the solution to sntp-offset passes",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
}

//! The exercises are honest: every starter as shipped fails a case of its check (so the check
//! can fail), every reference solution passes every case (so the exercise can be solved), and
//! every wrong solution kept in solutions/NN-lesson/mutants/ (patches) fails the case named for its bug
//! (so the check catches the bugs it claims to). All three editions are compiled once, in the
//! exercises-solutions crate; the cases run side by side, in this process.
//!
//! "As shipped" means the starters generated from their patches to the reference solutions
//! (solutions/NN-lesson/NAME.starter.patch), not your working copy in exercises/: solving
//! exercises and committing them keeps `cargo test --workspace` green.
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
        // Rust reports a socket's read timeout as WouldBlock on Unix and as TimedOut on
        // Windows (UdpSocket::set_read_timeout): handing the socket's own error on is a bug
        // only on Unix, and this wrong solution is right on Windows.
        if cfg!(windows)
            && (mutant.exercise, mutant.name) == ("echo-retry", "socket_error_passed_on")
        {
            continue;
        }
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

/// Each wrong solution is kept as a patch (solutions/NN-lesson/mutants/FILE_NAME.patch) whose
/// header names the same bug and case as its `Mutant` entry, and every patch there has an entry
/// (a patch without one would be built but never checked).
#[test]
fn every_mutant_patch_has_its_entry_and_names_the_same_bug_and_case() {
    let mut expected = Vec::new();
    for mutant in MUTANTS {
        let exercise = EXERCISES
            .iter()
            .find(|e| e.name == mutant.exercise)
            .unwrap_or_else(|| panic!("{} is no exercise", mutant.exercise));
        let file = Path::new(exercise.file);
        let lesson = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let module = file.file_stem().unwrap().to_str().unwrap();
        let patch = root()
            .join("solutions")
            .join(lesson)
            .join("mutants")
            .join(format!("{module}_{}.patch", mutant.name));
        let text =
            fs::read_to_string(&patch).unwrap_or_else(|e| panic!("{}: {e}", patch.display()));
        let header: String = text
            .lines()
            .take_while(|line| !line.starts_with("--- "))
            .collect();
        assert!(
            header.contains(&format!("The bug: {}", mutant.bug))
                && header.contains(&format!("The case that catches it: `{}`", mutant.caught_by)),
            "{}: its header does not name the bug and case of its entry ({:?}, {})",
            patch.display(),
            mutant.bug,
            mutant.caught_by
        );
        expected.push(patch);
    }
    let mut found: Vec<PathBuf> = fs::read_dir(root().join("solutions"))
        .unwrap()
        .map(|entry| entry.unwrap().path().join("mutants"))
        .filter(|dir| dir.is_dir())
        .flat_map(|dir| {
            fs::read_dir(dir)
                .unwrap()
                .map(|entry| entry.unwrap().path())
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "patch"))
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(
        found, expected,
        "a patch without a Mutant entry, or the other way round"
    );
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
            count >= 3,
            "lesson {lesson} has {count} exercises, fewer than three"
        );
    }
    for exercise in EXERCISES {
        let starter = root().join(exercise.file);
        let solution = root().join(exercise.file.replacen("exercises/", "solutions/", 1));
        for file in [&starter, &solution] {
            assert!(file.is_file(), "{} is missing", file.display());
        }
        assert!(
            exercise.hints.iter().all(|hint| !hint.trim().is_empty()),
            "{} lacks a hint",
            exercise.name
        );
        // The shipped copy, not the working copy: a student's solved file may have lost its
        // TODO, and that is the point.
        let source = exercises::shipped_source(exercise.name)
            .unwrap_or_else(|| panic!("{} has no starter as shipped", exercise.name));
        assert!(
            source.contains("TODO") && source.contains(&format!("check {}", exercise.name)),
            "the starter of {} as shipped must mark the student's part with TODO and say how \
             to check it",
            exercise.name
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

    let (code, out, _) = runner(&["hint", "read-frame", "3"]);
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

/// A scratch workspace for the runner (EXERCISES_ROOT): an exercises/ folder holding one
/// starter, edited; never the student's own files.
fn scratch(name: &str) -> (PathBuf, PathBuf) {
    let exercise = EXERCISES.iter().find(|e| e.name == name).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "exercise-runner-{}-{name}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let file = dir.join(exercise.file);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, "// my attempt, half done\n").unwrap();
    (dir, file)
}

#[test]
fn reset_puts_the_shipped_starter_back_and_keeps_the_students_version() {
    let (dir, file) = scratch("heartbeat");
    let output = Command::new(env!("CARGO_BIN_EXE_exercises"))
        .args(["reset", "heartbeat"])
        .env("EXERCISES_ROOT", &dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{out}");
    let shipped = exercises::shipped_source("heartbeat").unwrap();
    assert_eq!(fs::read_to_string(&file).unwrap(), shipped);
    let backups: Vec<_> = fs::read_dir(dir.join("target/exercise-backups"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{out}");
    assert_eq!(
        fs::read_to_string(&backups[0]).unwrap(),
        "// my attempt, half done\n"
    );
    assert!(out.contains("is back as shipped"), "{out}");
    let _ = fs::remove_dir_all(&dir);
}

/// `verify-starters` (which .ci/run runs) passes on the starters as shipped and names one
/// that differs.
#[test]
fn verify_starters_names_a_starter_that_is_not_as_shipped() {
    let (dir, file) = scratch("heartbeat");
    for exercise in EXERCISES {
        let path = dir.join(exercise.file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, exercises::shipped_source(exercise.name).unwrap()).unwrap();
    }
    let verify = || {
        let output = Command::new(env!("CARGO_BIN_EXE_exercises"))
            .arg("verify-starters")
            .env("EXERCISES_ROOT", &dir)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, err) = verify();
    assert!(ok, "{err}");
    fs::write(&file, "// my attempt, half done\n").unwrap();
    let (ok, err) = verify();
    assert!(!ok);
    assert!(
        err.contains("exercises/06-empty-datagram/heartbeat.rs is not the starter as shipped")
            && err.contains("solutions/06-empty-datagram/heartbeat.starter.patch"),
        "{err}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn hints_come_in_three_tiers() {
    let mut seen = Vec::new();
    for tier in ["1", "2", "3"] {
        let (code, out, _) = runner(&["hint", "stop-and-wait", tier]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("hint {tier} of 3")), "{out}");
        seen.push(out);
    }
    assert_eq!(runner(&["hint", "stop-and-wait"]).1, seen[0]);
    assert!(seen[0].contains("hint stop-and-wait 2"), "{}", seen[0]);
    assert!(seen[2].contains("max_tries"), "{}", seen[2]);
    assert_ne!(seen[0], seen[1]);
    let (code, _, err) = runner(&["hint", "stop-and-wait", "4"]);
    assert_eq!(code, 2, "{err}");
}

/// The child process, killed when the test ends however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_checks_again_on_save_and_on_enter_shows_hints_and_quits() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    use std::time::Duration;

    let (dir, file) = scratch("sntp-offset");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_exercises"))
            .args(["watch", "sntp-offset"])
            .env("EXERCISES_ROOT", &dir)
            .env("EXERCISES_CHECK_BIN", env!("CARGO_BIN_EXE_exercises-check"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                return;
            }
        }
    });
    let mut log = String::new();
    // Waits for a line containing `text`; false if the watch ended first or a minute passed.
    let wait_for = |text: &str, log: &mut String| loop {
        match lines.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                log.push_str(&line);
                log.push('\n');
                if line.contains(text) || line.contains("Every exercise passes") {
                    return true;
                }
            }
            Err(_) => return false,
        }
    };
    assert!(wait_for("watching ", &mut log), "{log}");
    if log.contains("Every exercise passes") {
        // Your working copy passes this exercise and every one after it: watch has nothing
        // left to watch (the check above still ran it).
        return;
    }
    // A save under exercises/: checked again without a key pressed.
    if !test_support::wine_gap(test_support::Gap::FileEventsNotDelivered) {
        fs::write(&file, "// my attempt, saved again\n").unwrap();
        assert!(
            wait_for("checking ", &mut log),
            "no check after a save:\n{log}"
        );
        assert!(wait_for("watching ", &mut log), "{log}");
    }
    // Enter: checked again (the fallback where file events do not arrive).
    let mut stdin = child.0.stdin.take().unwrap();
    stdin.write_all(b"\n").unwrap();
    assert!(
        wait_for("checking ", &mut log),
        "no check after Enter:\n{log}"
    );
    assert!(wait_for("watching ", &mut log), "{log}");
    stdin.write_all(b"h\n").unwrap();
    assert!(wait_for("hint 1 of 3", &mut log), "{log}");
    assert!(log.contains("progress"), "no progress line:\n{log}");
    // The first key after a hint is awaited as a save or Enter would be; q then quits.
    stdin.write_all(b"q\n").unwrap();
    drop(stdin);
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{log}");
    let _ = fs::remove_dir_all(&dir);
}

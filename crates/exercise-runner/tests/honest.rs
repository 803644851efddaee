//! The exercises are honest: every starter as shipped fails a case of its check (so the check
//! can fail), every reference solution passes every case (so the exercise can be solved), and
//! every wrong solution kept in exercises/solutions/NN-lesson/mutants/ (patches) fails the case
//! named for its bug (so the check catches the bugs it claims to). All three editions are
//! compiled once, in the `exercises` library with its `honesty` feature; the cases run side by
//! side, in this process. And the runner works as a student uses it: in a scratch copy of the
//! workspace, one exercise that does not compile stops only its own check.
//!
//! "As shipped" means the starters made from their patches to the reference solutions
//! (exercises/solutions/NN-lesson/NAME.starter.patch), not your working copy in exercises/:
//! nothing here compiles or checks it, so solving exercises and committing them keeps `cargo
//! test --workspace` green.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::Instant;

use exercise_harness::Case;
use exercise_harness::report::{Results, check};
use exercise_runner::EXERCISES;
use exercises::solutions::mutants::MUTANTS;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The editions the course compiles: the starters as shipped and the reference solutions.
#[derive(Debug, Clone, Copy)]
enum Edition {
    Shipped,
    Solution,
}

/// The cases of exercise `name`, compiled against `edition`.
fn cases(edition: Edition, name: &str) -> &'static [Case] {
    let checks = match edition {
        Edition::Shipped => exercises::solutions::shipped::checks::CHECKS,
        Edition::Solution => exercises::solutions::checks::CHECKS,
    };
    checks
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, cases)| *cases)
        .unwrap_or_else(|| panic!("no check for {name}"))
}

/// Runs every exercise's cases against `edition`, all exercises at once.
fn run_all(edition: Edition) -> Vec<(&'static str, Results)> {
    let runs: Vec<_> = EXERCISES
        .iter()
        .map(|exercise| {
            thread::spawn(move || (exercise.name, check(cases(edition, exercise.name))))
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
        .map(|mutant| thread::spawn(move || (mutant, check(mutant.cases))))
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

/// Each wrong solution is kept as a patch (exercises/solutions/NN-lesson/mutants/FILE_NAME.patch) whose
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
            .join("exercises/solutions")
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
    let mut found: Vec<PathBuf> = fs::read_dir(root().join("exercises/solutions"))
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
fn every_exercise_has_a_check_a_target_a_starter_a_solution_and_a_task_on_its_lesson_page() {
    let names: Vec<&str> = EXERCISES.iter().map(|e| e.name).collect();
    for checks in [
        exercises::solutions::checks::CHECKS,
        exercises::solutions::shipped::checks::CHECKS,
    ] {
        let listed: Vec<&str> = checks.iter().map(|c| c.0).collect();
        assert_eq!(listed, names);
    }
    // Its own target, which `check NAME` builds: exercises/targets/FILE.rs, named in
    // exercises/Cargo.toml, never built by `cargo test`.
    let manifest = fs::read_to_string(root().join("exercises/Cargo.toml")).unwrap();
    for exercise in EXERCISES {
        let module = Path::new(exercise.file)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap();
        let target = format!(
            "[[bin]]\nname = \"{}\"\npath = \"targets/{module}.rs\"\ntest = false\n",
            exercise.name
        );
        assert!(
            manifest.contains(&target),
            "exercises/Cargo.toml lacks:\n{target}"
        );
        let source = fs::read_to_string(root().join(format!("exercises/targets/{module}.rs")))
            .unwrap_or_else(|e| panic!("the target of {}: {e}", exercise.name));
        let lesson_dir = Path::new(exercise.file).parent().unwrap();
        let lesson_dir = lesson_dir.file_name().unwrap().to_str().unwrap();
        assert!(
            source.contains(&format!("#[path = \"../{lesson_dir}/{module}.rs\"]"))
                && source.contains(&format!("exercises::target! {{ \"{}\",", exercise.name)),
            "exercises/targets/{module}.rs does not build {}",
            exercise.file
        );
    }
    assert_eq!(manifest.matches("[[bin]]").count(), EXERCISES.len() + 1);
    let last_lesson = EXERCISES.iter().map(|e| e.lesson).max().unwrap_or(0);
    for lesson in 1..=last_lesson {
        let count = EXERCISES.iter().filter(|e| e.lesson == lesson).count();
        assert!(
            count >= 3,
            "lesson {lesson} has {count} exercises, fewer than three"
        );
    }
    for exercise in EXERCISES {
        let starter = root().join(exercise.file);
        let solution = root().join(
            exercise
                .file
                .replacen("exercises/", "exercises/solutions/", 1),
        );
        for file in [&starter, &solution] {
            assert!(file.is_file(), "{} is missing", file.display());
        }
        assert!(
            exercise.hints.iter().all(|hint| !hint.trim().is_empty()),
            "{} lacks a hint",
            exercise.name
        );
        // The shipped copy, not the working copy: a student's solved file may have lost its
        // TODO, and that is the point. `reset` makes it from its patch with no compiler; the
        // course's tests compile what build.rs makes from the same patch.
        let source = exercise_runner::shipped_source(exercise)
            .unwrap_or_else(|e| panic!("{} has no starter as shipped: {e}", exercise.name));
        let compiled = exercises::solutions::shipped::STARTERS
            .iter()
            .find(|(file, _)| *file == exercise.file)
            .map(|(_, text)| *text);
        assert_eq!(compiled, Some(source.as_str()), "{}", exercise.name);
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
                text.contains(&format!("cargo exercises check {}", exercise.name)),
                "{} does not give the command that checks {}",
                page.display(),
                exercise.name
            );
        }
    }
}

fn runner(args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_exercise-runner"));
    prebuilt_under_wine(&mut command);
    let output = command.args(args).output().unwrap();
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
    let lines = [
        "  ✓ server_ahead\n",
        "  ✓ server_behind\n",
        "3 of 3 cases pass",
    ];
    let missing: Vec<_> = lines.iter().filter(|line| !out.contains(*line)).collect();
    assert!(missing.is_empty(), "{missing:?} missing from:\n{out}");
    assert!(
        out.contains("✓ the solution to sntp-offset passes"),
        "{out}"
    );
}

/// Under Wine cargo (a Linux program) cannot be started: the runner runs the targets that
/// .ci/wine-tests built beforehand (SOCKET_LESSONS_BIN_DIR) instead of building them.
fn prebuilt_under_wine(command: &mut Command) {
    if test_support::under_wine() {
        if let Some(dir) = std::env::var_os("SOCKET_LESSONS_BIN_DIR") {
            command.env("EXERCISE_TARGETS", dir);
        }
    }
}

/// The scratch copy of the workspace the runner's tests edit and build (EXERCISES_ROOT),
/// never your work: target/exercise-runner-tests/tree, built into .../target. It is copied
/// once per run (files that did not change keep their time, so cargo does not build them
/// again), and every test that uses it takes its turn (the guard) and finds every starter as
/// shipped.
fn scratch() -> (MutexGuard<'static, ()>, PathBuf) {
    static TURN: Mutex<()> = Mutex::new(());
    static TREE: OnceLock<PathBuf> = OnceLock::new();
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let tree = TREE.get_or_init(|| {
        let tree = root().join("target/exercise-runner-tests/tree");
        copy_tree(&root(), &tree);
        tree
    });
    for exercise in EXERCISES {
        let shipped = exercise_runner::shipped_source(exercise).unwrap();
        let file = tree.join(exercise.file);
        if fs::read_to_string(&file).ok().as_deref() != Some(shipped.as_str()) {
            fs::write(&file, shipped).unwrap();
        }
    }
    let _ = fs::remove_file(tree.join("target/exercises-progress.txt"));
    (turn, tree.clone())
}

/// Copies the workspace at `from` (without target/ and .git) to `to`, keeping each file's
/// modification time.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, copy) = (entry.path(), to.join(&name));
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            copy_tree(&source, &copy);
        } else if meta.is_file() {
            let same = fs::metadata(&copy)
                .is_ok_and(|m| m.len() == meta.len() && m.modified().ok() == meta.modified().ok());
            if !same {
                fs::copy(&source, &copy).unwrap();
                let file = fs::File::options().write(true).open(&copy).unwrap();
                file.set_modified(meta.modified().unwrap()).unwrap();
            }
        }
    }
}

/// The runner, run in the scratch copy `tree`: (exit status, stdout, stderr).
fn runner_in(tree: &Path, args: &[&str]) -> (i32, String, String) {
    let output = runner_command(tree).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn runner_command(tree: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_exercise-runner"));
    command
        .env("EXERCISES_ROOT", tree)
        .env(
            "CARGO_TARGET_DIR",
            root().join("target/exercise-runner-tests/target"),
        )
        .env("CARGO_NET_OFFLINE", "true");
    prebuilt_under_wine(&mut command);
    command
}

fn exercise(name: &str) -> &'static exercise_runner::Exercise {
    EXERCISES.iter().find(|e| e.name == name).unwrap()
}

#[test]
fn reset_puts_the_shipped_starter_back_and_keeps_the_students_version() {
    let (_turn, tree) = scratch();
    let file = tree.join(exercise("heartbeat").file);
    fs::write(&file, "// my attempt, half done\n").unwrap();
    let _ = fs::remove_dir_all(tree.join("target/exercise-backups"));
    let (code, out, err) = runner_in(&tree, &["reset", "heartbeat"]);
    assert_eq!(code, 0, "{out}{err}");
    let shipped = exercise_runner::shipped_source(exercise("heartbeat")).unwrap();
    assert_eq!(fs::read_to_string(&file).unwrap(), shipped);
    let backups: Vec<_> = fs::read_dir(tree.join("target/exercise-backups"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{out}");
    assert_eq!(
        fs::read_to_string(&backups[0]).unwrap(),
        "// my attempt, half done\n"
    );
    assert!(out.contains("is back as shipped"), "{out}");
}

/// `verify-starters` (which .ci/run runs) passes on the starters as shipped and names one
/// that differs.
#[test]
fn verify_starters_names_a_starter_that_is_not_as_shipped() {
    let (_turn, tree) = scratch();
    let (code, _, err) = runner_in(&tree, &["verify-starters"]);
    assert_eq!(code, 0, "{err}");
    fs::write(
        tree.join(exercise("heartbeat").file),
        "// my attempt, half done\n",
    )
    .unwrap();
    let (code, _, err) = runner_in(&tree, &["verify-starters"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("exercises/06-empty-datagram/heartbeat.rs is not the starter as shipped")
            && err.contains("exercises/solutions/06-empty-datagram/heartbeat.starter.patch"),
        "{err}"
    );
}

/// Each exercise is compiled on its own: a file that does not compile fails its own check,
/// with the compiler's error naming it, and stops no other; `reset` mends it without a
/// compiler.
#[test]
fn one_exercise_that_does_not_compile_stops_only_its_own_check_and_reset_mends_it() {
    if test_support::under_wine() {
        eprintln!(
            "NOTICE: cargo cannot be started inside Wine; the runner's builds are tried on Linux"
        );
        return;
    }
    let (_turn, tree) = scratch();
    // ntp-seconds solved (its reference solution), chat-line broken.
    let solved = exercise("ntp-seconds").file;
    let solution =
        fs::read_to_string(root().join(solved.replacen("exercises/", "exercises/solutions/", 1)))
            .unwrap();
    fs::write(tree.join(solved), solution).unwrap();
    let broken = tree.join(exercise("chat-line").file);
    let mut text = fs::read_to_string(&broken).unwrap();
    text.push_str("fn half_written( {\n");
    fs::write(&broken, text).unwrap();

    let (code, out, err) = runner_in(&tree, &["check", "ntp-seconds"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("3 of 3 cases pass") && out.contains("ntp-seconds passes"),
        "{out}"
    );

    let (code, out, err) = runner_in(&tree, &["check", "chat-line"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("  ✗ compiles")
            && out.contains("exercises/02-udp-qq/chat_line.rs:")
            && out.contains("chat-line does not compile yet"),
        "{out}"
    );

    let (code, out, err) = runner_in(&tree, &["reset", "chat-line"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = runner_in(&tree, &["check", "chat-line"]);
    // The starter compiles again, and fails its cases, as shipped.
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        !out.contains("✗ compiles") && out.contains(" cases pass."),
        "{out}"
    );
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

#[test]
fn watch_checks_again_on_save_and_on_enter_shows_hints_and_quits() {
    use std::time::Duration;
    use test_support::{Running, Stream};

    let (_turn, tree) = scratch();
    let file = tree.join(exercise("sntp-offset").file);
    fs::write(&file, "// my attempt, half done\n").unwrap();
    let mut command = runner_command(&tree);
    command.args(["watch", "sntp-offset"]);
    let mut watch = Running::spawn(command);
    // Waits for a line containing `text`; false if the watch ended first or three minutes
    // passed (the first check may build the scratch copy's exercises library).
    let wait_for = |watch: &Running, text: &str| {
        while let Some(line) = watch.next_line(Stream::Stdout, Duration::from_secs(180)) {
            if line.contains(text) {
                return true;
            }
        }
        false
    };
    assert!(wait_for(&watch, "watching "), "{}", watch.transcript());
    // A save under exercises/: checked again without a key pressed.
    if !test_support::wine_gap(test_support::Gap::FileEventsNotDelivered) {
        fs::write(&file, "// my attempt, saved again\n").unwrap();
        let checked = wait_for(&watch, "checking ") && wait_for(&watch, "watching ");
        assert!(checked, "no check after a save:\n{}", watch.transcript());
    }
    // Enter: checked again (the fallback where file events do not arrive).
    watch.write_line("");
    let checked = wait_for(&watch, "checking ") && wait_for(&watch, "watching ");
    assert!(checked, "no check after Enter:\n{}", watch.transcript());
    watch.write_line("h");
    assert!(wait_for(&watch, "hint 1 of 3"), "{}", watch.transcript());
    let seen = watch.seen(Stream::Stdout).join("\n");
    assert!(seen.contains("progress"), "no progress line:\n{seen}");
    // The first key after a hint is awaited as a save or Enter would be; q then quits.
    watch.write_line("q");
    watch.close_stdin();
    let status = watch.exit_within(Duration::from_secs(30));
    assert!(
        status.is_some_and(|s| s.success()),
        "{}",
        watch.transcript()
    );
}

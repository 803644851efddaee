//! The exercise runner, in the style of rustlings. From anywhere in the workspace (`cargo
//! exercises` is an alias in .cargo/config.toml for `cargo run -q -p exercise-runner --`):
//!
//! ```text
//! cargo exercises list            every exercise, and which passed when last checked
//! cargo exercises check NAME      check one: a line per case, the first failure
//! cargo exercises check-all       check them all
//! cargo exercises watch [NAME]    re-check each time you save; on to the next
//! cargo exercises hint NAME [1-3] a nudge, the idea, the shape of the code
//! cargo exercises reset NAME      put the starter back as shipped
//! cargo exercises solutions       (instructors) check every reference solution
//! cargo exercises verify-starters (instructors, CI) exercises/ holds the starters as shipped
//! ```
//!
//! The exercises are the files exercises/NN-lesson/NAME.rs (the lessons say which is which);
//! their reference solutions are under exercises/solutions/. Each check builds that one
//! exercise's target with cargo, so a compile error in your file shows up in its check, with
//! the file and line, and in no other.

use std::io::BufRead;
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use exercise_runner::{
    COMMAND, EXERCISES, Exercise, Outcome, build, check, check_and_report, find, mark, reset, root,
    similar, solved, starters_not_as_shipped, summary,
};

const USAGE: &str = "\
usage: cargo exercises <command>   (the same as cargo run -q -p exercise-runner -- <command>)

  list            every exercise, with ✓ for those that passed when last checked
  check NAME      check one exercise: a line per case, then the first failure: the steps
                  that led to it, what was expected, what came, and a first hint
  check-all       check every exercise, in course order
  watch [NAME]    check NAME (or the first one not yet done) each time you save a file
                  under exercises/, and move on to the next when it passes; Enter checks
                  again, h shows the next hint, q quits
  hint NAME [N]   hint N of 3: 1 a nudge (the default), 2 the idea, 3 the shape of the code
  reset NAME      put the starter back as shipped (your version is kept in
                  target/exercise-backups/)
  solutions [NAME]
                  (instructors) check the reference solutions in exercises/solutions/
  verify-starters (instructors, CI) check that every file in exercises/ is its starter as
                  shipped (made from exercises/solutions/NN-lesson/NAME.starter.patch)

Each lesson's last section, \"Exercises in code\", gives its tasks (the first is in
lessons/01-udp-echo.md); the files to edit are under exercises/, explained in
exercises/README.md. Start with: cargo exercises watch";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        ["list"] => list(),
        ["check", name] => match named(name) {
            Some(exercise) => check_one(exercise),
            None => ExitCode::from(2),
        },
        ["check-all"] | ["check"] => check_all(),
        ["hint", name] => with(name, |e| hint(e, "1")),
        ["hint", name, tier] => with(name, |e| hint(e, tier)),
        ["reset", name] => with(name, reset_one),
        ["watch"] => watch(None),
        ["watch", name] => with(name, |e| watch(Some(e))),
        ["solutions"] => solutions(None),
        ["solutions", name] => with(name, |exercise| solutions(Some(exercise.name))),
        ["verify-starters"] => verify_starters(),
        _ => {
            eprintln!("unknown command: {}\n\n{USAGE}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

/// Runs `then` on the exercise called `name`, or says which names exist (exit status 2).
fn with(name: &str, then: impl FnOnce(&'static Exercise) -> ExitCode) -> ExitCode {
    named(name).map_or(ExitCode::from(2), then)
}

/// The exercise called `name`, or a message on stderr saying which names exist.
fn named(name: &str) -> Option<&'static Exercise> {
    let found = find(name);
    if found.is_none() {
        let close = similar(name);
        if close.is_empty() {
            eprintln!("there is no exercise called {name:?}: `{COMMAND} list` shows them all");
        } else {
            eprintln!(
                "there is no exercise called {name:?}; did you mean {}?",
                close.join(" or ")
            );
        }
    }
    found
}

/// `solutions [NAME]`: builds and runs the instructor's target, which checks the reference
/// solutions with the same cases.
fn solutions(name: Option<&str>) -> ExitCode {
    let program = match build("solutions") {
        Ok(program) => program,
        Err(Outcome::DoesNotCompile(errors)) => {
            eprintln!("{errors}\nthe reference solutions do not compile");
            return ExitCode::FAILURE;
        }
        Err(outcome) => {
            eprintln!("{outcome:?}");
            return ExitCode::from(2);
        }
    };
    match Command::new(program).args(name).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("could not run the solutions' target: {err}");
            ExitCode::from(2)
        }
    }
}

fn hint(exercise: &Exercise, tier: &str) -> ExitCode {
    let Some(index) = tier
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=3).contains(n))
        .map(|n| n - 1)
    else {
        eprintln!(
            "hint {tier:?}: the hints are 1 (a nudge), 2 (the idea) and 3 (the shape of the code)"
        );
        return ExitCode::from(2);
    };
    println!(
        "{} (lesson {}, {}): {}",
        exercise.name, exercise.lesson, exercise.level, exercise.task
    );
    let what = ["a nudge", "the idea", "the shape of the code"];
    println!(
        "file: {}\n\nhint {} of 3, {}:",
        exercise.file,
        index + 1,
        what[index]
    );
    for line in exercise.hints[index].lines() {
        println!("  {line}");
    }
    if index < 2 {
        println!(
            "\nStill stuck? {COMMAND} hint {} {}",
            exercise.name,
            index + 2
        );
    }
    ExitCode::SUCCESS
}

fn reset_one(exercise: &Exercise) -> ExitCode {
    // No compiler here: a file that does not compile is put back all the same.
    match reset(exercise) {
        Ok(kept) => {
            println!("{} is back as shipped.", exercise.file);
            if let Some(kept) = kept {
                println!("Your version is kept in {}.", kept.display());
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("could not reset {}: {err}", exercise.file);
            ExitCode::FAILURE
        }
    }
}

/// Whether every starter in exercises/ is as shipped; for each that is not, the command that
/// makes its patch from it, when it is the starter that changed on purpose.
fn verify_starters() -> ExitCode {
    let differ = starters_not_as_shipped();
    for exercise in &differ {
        let (lesson, file) = exercise
            .file
            .trim_start_matches("exercises/")
            .split_once('/')
            .unwrap_or_default();
        let module = file.trim_end_matches(".rs");
        eprintln!(
            "{} is not the starter as shipped. If the starter changed on purpose, write its \
             patch again:\n  diff -u --label {file} --label {module}.starter.rs \
             exercises/solutions/{lesson}/{file} {} > \
             exercises/solutions/{lesson}/{module}.starter.patch\n\
             otherwise put it back: {COMMAND} reset {}",
            exercise.file, exercise.file, exercise.name
        );
    }
    if differ.is_empty() {
        println!(
            "✓ every starter in exercises/ ({}) is as shipped",
            EXERCISES.len()
        );
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn check_one(exercise: &Exercise) -> ExitCode {
    exercise_runner::status(&check_and_report(exercise))
}

/// Every exercise, with ✓ for those noted as passing when last checked (`check-all` checks
/// them all again); nothing is compiled.
fn list() -> ExitCode {
    println!(
        "     {:<17} {:>6}  {:<8}  file",
        "exercise", "lesson", "level"
    );
    let done = solved();
    for exercise in EXERCISES {
        let passes = done.iter().any(|d| d == exercise.name);
        println!(
            "  {}  {:<17} {:>6}  {:<8}  {}",
            if passes { "✓" } else { "·" },
            exercise.name,
            exercise.lesson,
            exercise.level,
            exercise.file
        );
    }
    println!(
        "\n{} of {} solved (✓: passed when last checked; `{COMMAND} check-all` checks them all).",
        done.len(),
        EXERCISES.len()
    );
    if let Some(next) = exercise_runner::next_unsolved(None) {
        println!(
            "Next: {}: {}\n      {COMMAND} check {}",
            next.name, next.task, next.name
        );
    }
    ExitCode::SUCCESS
}

/// Checks every exercise, in course order, each on its own: one that does not compile is
/// reported as such, and the others still run.
fn check_all() -> ExitCode {
    // Compile every target at once first (on every core; one that fails does not stop the
    // others); each check below then finds its target built, or shows why it is not.
    if std::env::var_os("EXERCISE_TARGETS").is_none() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let _ = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "--package",
                "exercises",
                "--bins",
                "--keep-going",
            ])
            .current_dir(root())
            .output();
    }
    let mut failed = Vec::new();
    for exercise in EXERCISES {
        let outcome = check(exercise.name, false);
        mark(exercise.name, outcome == Outcome::Passed);
        let what = match &outcome {
            Outcome::Passed => "every case passes".to_owned(),
            Outcome::Failed(report) => shorten(&summary(report), 70),
            Outcome::DoesNotCompile(_) => format!(
                "does not compile (`{COMMAND} check {}` shows the errors)",
                exercise.name
            ),
            Outcome::NotRun(why) => shorten(why, 70),
        };
        let mark = if outcome == Outcome::Passed {
            "✓"
        } else {
            failed.push(exercise.name);
            "✗"
        };
        println!(
            "{mark} {:<17} lesson {}  {what}",
            exercise.name, exercise.lesson
        );
    }
    let passed = EXERCISES.len() - failed.len();
    println!("\n{passed} of {} exercises pass.", EXERCISES.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!(
            "For the full report and a hint: {COMMAND} check {}",
            failed[0]
        );
        ExitCode::FAILURE
    }
}

/// The first `max` characters of `text`, with "..." when there was more.
fn shorten(text: &str, max: usize) -> String {
    let mut short: String = text.chars().take(max).collect();
    if short.len() < text.len() {
        short.push_str("...");
    }
    short
}

/// What `watch` waits for.
enum Event {
    /// A file under exercises/ was saved.
    Saved,
    /// The student pressed Enter: check again now.
    Again,
    /// `h`: the next hint.
    Hint,
    /// `q`, or the end of the input.
    Quit,
}

/// Checks `start` (or the first exercise not yet noted as passing) each time a file under
/// exercises/ is saved, and moves on to the next when it passes. Each check builds the
/// exercise's target again, so it sees (and compiles) what was just saved; a compile error is
/// shown, and the watch goes on.
fn watch(start: Option<&'static Exercise>) -> ExitCode {
    let (tx, events) = mpsc::channel();
    // File events from the operating system, as rustlings does. Where they do not arrive
    // (some network and container file systems), Enter checks again.
    let saved = tx.clone();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let source = event
                .paths
                .iter()
                .any(|path| path.extension().is_some_and(|ext| ext == "rs"));
            if source && (event.kind.is_modify() || event.kind.is_create()) {
                let _ = saved.send(Event::Saved);
            }
        }
    });
    let folder = root().join("exercises");
    let _watcher = match watcher {
        Ok(mut watcher) => {
            use notify::Watcher;
            match watcher.watch(&folder, notify::RecursiveMode::Recursive) {
                Ok(()) => Some(watcher),
                Err(err) => {
                    eprintln!(
                        "no file events for {} ({err}): press Enter to check again",
                        folder.display()
                    );
                    None
                }
            }
        }
        Err(err) => {
            eprintln!("no file events here ({err}): press Enter to check again");
            None
        }
    };
    thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let event = match line.as_deref().map(str::trim) {
                Ok("q" | "quit") | Err(_) => Event::Quit,
                Ok("h" | "hint") => Event::Hint,
                Ok(_) => Event::Again,
            };
            let quit = matches!(event, Event::Quit);
            if tx.send(event).is_err() || quit {
                return;
            }
        }
        let _ = tx.send(Event::Quit);
    });

    // The first exercise after `after` (in course order, wrapping round) not noted as passing.
    let open_after = |after: usize| {
        let done = solved();
        (0..EXERCISES.len())
            .map(|k| &EXERCISES[(after + k) % EXERCISES.len()])
            .find(|e| !done.iter().any(|d| d == e.name))
    };
    let Some(mut current) = start.or_else(|| open_after(0)) else {
        println!(
            "Every exercise is noted as passing. `{COMMAND} check-all` checks them all again."
        );
        return ExitCode::SUCCESS;
    };
    let mut tier = 1;
    loop {
        println!();
        let passed = check_and_report(current) == Outcome::Passed;
        progress_bar();
        if passed {
            let here = EXERCISES
                .iter()
                .position(|e| e.name == current.name)
                .unwrap_or(0);
            match open_after(here + 1) {
                // The check has named it ("Next: ..."): on to it.
                Some(next) => {
                    current = next;
                    tier = 1;
                    continue;
                }
                None => {
                    println!("\nEvery exercise passes. Well done!");
                    return ExitCode::SUCCESS;
                }
            }
        }
        println!(
            "\nwatching {}: save it to check again (Enter: check now, h: hint {tier}, q: quit)",
            current.file
        );
        let event = match events.recv() {
            Ok(event) => event,
            Err(_) => return ExitCode::SUCCESS,
        };
        match event {
            Event::Quit => return ExitCode::SUCCESS,
            Event::Hint => {
                hint(current, &tier.to_string());
                tier = (tier % 3) + 1;
                // Wait for the next save or Enter before checking again.
                if matches!(events.recv(), Ok(Event::Quit) | Err(_)) {
                    return ExitCode::SUCCESS;
                }
            }
            Event::Saved | Event::Again => {}
        }
        // An editor often writes a file in several steps: let them settle.
        while events.recv_timeout(Duration::from_millis(300)).is_ok() {}
    }
}

/// "n of N exercises" as a bar on a terminal, and as a line otherwise.
fn progress_bar() {
    let done = solved().len() as u64;
    let total = EXERCISES.len() as u64;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stdout(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("progress: [{bar:36}] {pos} of {len} exercises")
    {
        bar.set_style(style.progress_chars("#>-"));
    }
    bar.set_position(done);
    if bar.is_hidden() {
        println!("progress: {done} of {total} exercises");
    }
    bar.abandon();
}

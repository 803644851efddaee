//! The exercise runner, in the style of rustlings. From the workspace root:
//!
//! ```text
//! cargo run -p exercises -- list            every exercise, and which pass
//! cargo run -p exercises -- check NAME      check one: what was expected, what came, a hint
//! cargo run -p exercises -- check-all       check them all
//! cargo run -p exercises -- hint NAME       the hint, without running anything
//! cargo run -p exercises -- solutions       (instructors) check every reference solution
//! ```
//!
//! The exercises are the files under exercises/ (the lessons say which is which); their
//! reference solutions are under solutions/. Cargo rebuilds your code before each run, so
//! a compile error shows up here first, with the file and line.

use std::process::ExitCode;

use exercises::{EXERCISES, Edition, Exercise, check, find, report, similar, tally};

const USAGE: &str = "\
usage: cargo run -p exercises -- <command>

  list            every exercise, with ✓ for those that pass
  check NAME      check one exercise: what was expected, what came, and a hint
  check-all       check every exercise, in course order
  hint NAME       show an exercise's hint
  solutions [NAME]
                  (instructors) check the reference solutions in solutions/

Each lesson's last section, \"Exercises in code\", gives its tasks (the first is in
lessons/01-udp-echo.md); the files to edit are under exercises/, explained in
exercises/README.md. Start with: cargo run -p exercises -- check echo-once";

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
        ["check-all"] | ["check"] => check_all(Edition::Starter),
        ["hint", name] => match named(name) {
            Some(exercise) => {
                println!(
                    "{} (lesson {}, {}): {}",
                    exercise.name, exercise.lesson, exercise.level, exercise.task
                );
                println!("file: {}\n\nhint:", exercise.file);
                for line in exercise.hint.lines() {
                    println!("  {line}");
                }
                ExitCode::SUCCESS
            }
            None => ExitCode::from(2),
        },
        ["solutions"] => check_all(Edition::Solution),
        ["solutions", name] => match named(name) {
            Some(exercise) => match check(Edition::Solution, exercise.name) {
                Some(results) => {
                    print!("{}", report(exercise, &results));
                    if results.all_pass() {
                        println!("✓ the solution to {} passes", exercise.name);
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                None => missing_check(exercise),
            },
            None => ExitCode::from(2),
        },
        _ => {
            eprintln!("unknown command: {}\n\n{USAGE}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

/// The exercise called `name`, or a message on stderr saying which names exist.
fn named(name: &str) -> Option<&'static Exercise> {
    let found = find(name);
    if found.is_none() {
        let close = similar(name);
        if close.is_empty() {
            eprintln!(
                "there is no exercise called {name:?}: `cargo run -p exercises -- list` shows them all"
            );
        } else {
            eprintln!(
                "there is no exercise called {name:?}; did you mean {}?",
                close.join(" or ")
            );
        }
    }
    found
}

fn missing_check(exercise: &Exercise) -> ExitCode {
    eprintln!(
        "{} has no check (the exercises crate is out of step)",
        exercise.name
    );
    ExitCode::from(2)
}

fn check_one(exercise: &Exercise) -> ExitCode {
    println!("checking {} ({})...", exercise.name, exercise.file);
    match check(Edition::Starter, exercise.name) {
        Some(results) if results.all_pass() => {
            print!("{}", report(exercise, &results));
            println!("✓ {} passes. Well done!", exercise.name);
            match next_unsolved(Some(exercise.name)) {
                Some(next) => println!(
                    "Next: {} (lesson {}): {}\n      cargo run -p exercises -- check {}",
                    next.name, next.lesson, next.task, next.name
                ),
                None => println!("That was the last one still open. Every exercise passes."),
            }
            ExitCode::SUCCESS
        }
        Some(results) => {
            print!("{}", report(exercise, &results));
            ExitCode::FAILURE
        }
        None => missing_check(exercise),
    }
}

/// The first exercise after `after` (in course order, wrapping round) whose check fails.
fn next_unsolved(after: Option<&str>) -> Option<&'static Exercise> {
    let start = after
        .and_then(|name| EXERCISES.iter().position(|e| e.name == name))
        .map_or(0, |i| i + 1);
    (0..EXERCISES.len())
        .map(|k| &EXERCISES[(start + k) % EXERCISES.len()])
        .filter(|e| Some(e.name) != after)
        .find(|e| !check(Edition::Starter, e.name).is_some_and(|r| r.all_pass()))
}

fn list() -> ExitCode {
    println!("checking every exercise...\n");
    println!(
        "     {:<17} {:>6}  {:<8}  file",
        "exercise", "lesson", "level"
    );
    let mut done = 0;
    let mut first_open = None;
    for exercise in EXERCISES {
        let passes = check(Edition::Starter, exercise.name).is_some_and(|r| r.all_pass());
        if passes {
            done += 1;
        } else if first_open.is_none() {
            first_open = Some(exercise);
        }
        println!(
            "  {}  {:<17} {:>6}  {:<8}  {}",
            if passes { "✓" } else { "·" },
            exercise.name,
            exercise.lesson,
            exercise.level,
            exercise.file
        );
    }
    println!("\n{done} of {} solved.", EXERCISES.len());
    if let Some(next) = first_open {
        println!(
            "Next: {}: {}\n      cargo run -p exercises -- check {}",
            next.name, next.task, next.name
        );
    }
    ExitCode::SUCCESS
}

fn check_all(edition: Edition) -> ExitCode {
    let whose = match edition {
        Edition::Starter => "exercise",
        Edition::Shipped => "shipped starter",
        Edition::Solution => "reference solution",
    };
    let mut failed = Vec::new();
    for exercise in EXERCISES {
        match check(edition, exercise.name) {
            Some(results) if results.all_pass() => println!(
                "✓ {:<17} lesson {}  {}",
                exercise.name,
                exercise.lesson,
                tally(&results)
            ),
            Some(results) => {
                let first = results
                    .first_failure()
                    .map(|(case, failure)| format!("{case}: got {}", shorten(&failure.got, 50)))
                    .unwrap_or_default();
                println!(
                    "✗ {:<17} lesson {}  {}; {first}",
                    exercise.name,
                    exercise.lesson,
                    tally(&results)
                );
                failed.push(exercise.name);
            }
            None => return missing_check(exercise),
        }
    }
    let passed = EXERCISES.len() - failed.len();
    println!("\n{passed} of {} {whose}s pass.", EXERCISES.len());
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        if edition == Edition::Starter {
            println!(
                "For the full report and a hint: cargo run -p exercises -- check {}",
                failed[0]
            );
        }
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

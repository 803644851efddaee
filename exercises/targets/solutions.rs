//! The instructor's target: `cargo exercises solutions [NAME]` checks the reference solutions
//! (exercises/solutions/) with the same cases as yours, one exercise or all of them.

use std::process::ExitCode;

use exercise_harness::report::{check, report, tally};

fn main() -> ExitCode {
    let only = std::env::args().nth(1);
    let chosen: Vec<_> = exercises::solutions::checks::CHECKS
        .iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|only| only == *name))
        .collect();
    if chosen.is_empty() {
        eprintln!("there is no exercise called {only:?}");
        return ExitCode::from(2);
    }
    let mut failed = 0;
    for (name, cases) in &chosen {
        let results = check(cases);
        if only.is_some() {
            print!("{}", report(name, &results));
        }
        if results.all_pass() {
            println!("✓ the solution to {name} passes ({})", tally(&results));
        } else {
            failed += 1;
            println!("✗ the solution to {name} fails ({})", tally(&results));
        }
    }
    println!(
        "\n{} of {} reference solutions pass.",
        chosen.len() - failed,
        chosen.len()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

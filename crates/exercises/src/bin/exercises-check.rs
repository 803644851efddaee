//! `watch`'s helper: checks one exercise, as `cargo run -p exercises -- check NAME` does.
//! `watch` rebuilds and runs this binary after each save, not the one it is running itself
//! (which Windows would not let cargo overwrite while it runs).

use std::process::ExitCode;

fn main() -> ExitCode {
    let name = std::env::args().nth(1).unwrap_or_default();
    match exercises::find(&name) {
        Some(exercise) => exercises::check_and_report(exercise),
        None => {
            eprintln!("there is no exercise called {name:?}");
            ExitCode::from(2)
        }
    }
}

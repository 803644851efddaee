//! What a check prints: a line per case (✓ or ✗ and its name), then for the first failing case
//! the steps that led to it, what was expected and what came, then "k of n cases pass". Each
//! exercise's target (exercises/targets/) prints it through [`target_main`]; the runner adds the
//! hint and what to do next.

use std::process::ExitCode;
use std::time::Duration;

use crate::{Case, Check, Failure};

/// How long one case may run before it is called stuck. The slowest case needs about one
/// second, and every wait in a case is a few seconds at most; code that waits for ever on a
/// read is reported after this.
pub const LIMIT: Duration = Duration::from_secs(10);

/// The results of one check: every case, by name, in order.
#[derive(Debug, Clone)]
pub struct Results(pub Vec<(&'static str, Check)>);

impl Results {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.0.iter().filter(|(_, result)| result.is_ok()).count()
    }

    /// Whether every case passed.
    pub fn all_pass(&self) -> bool {
        self.passed() == self.0.len()
    }

    /// The first failing case, and how it failed.
    pub fn first_failure(&self) -> Option<(&'static str, &Failure)> {
        self.0
            .iter()
            .find_map(|(name, result)| result.as_ref().err().map(|failure| (*name, failure)))
    }
}

/// Runs every case of a list, to the end, each within [`LIMIT`].
pub fn check(cases: &[Case]) -> Results {
    Results(crate::run_cases(cases, LIMIT))
}

/// One line per case: ✓ or ✗ and its name.
pub fn case_lines(results: &Results) -> String {
    let mut out = String::new();
    for (name, result) in &results.0 {
        let mark = if result.is_ok() { "✓" } else { "✗" };
        out.push_str(&format!("  {mark} {name}\n"));
    }
    out
}

/// "4 of 7 cases pass".
pub fn tally(results: &Results) -> String {
    format!("{} of {} cases pass", results.passed(), results.0.len())
}

/// How case `case` of exercise `exercise` failed: the steps that led there, what was
/// expected, what came.
pub fn failure_lines(exercise: &str, case: &str, failure: &Failure) -> String {
    let mut out = format!("✗ {case}, the first case that fails ({exercise}):\n");
    let steps = if failure.steps.is_empty() {
        std::slice::from_ref(&failure.step)
    } else {
        failure.steps.as_slice()
    };
    for (i, step) in steps.iter().enumerate() {
        out.push_str(&format!("  {}. {step}\n", i + 1));
    }
    out.push_str(&format!("  expected: {}\n", failure.expected));
    out.push_str(&format!("  got:      {}\n", failure.got));
    out
}

/// The whole report of a check of `exercise`: a line per case, the first failure, the tally.
pub fn report(exercise: &str, results: &Results) -> String {
    let mut out = case_lines(results);
    if let Some((case, failure)) = results.first_failure() {
        out.push('\n');
        out.push_str(&failure_lines(exercise, case, failure));
    }
    out.push_str(&format!("\n{}.\n", tally(results)));
    out
}

/// The `main` of an exercise's target: runs its cases, prints the report; exit status 0 when
/// every case passes, 1 when one fails.
pub fn target_main(exercise: &str, cases: &[Case]) -> ExitCode {
    let results = check(cases);
    print!("{}", report(exercise, &results));
    if results.all_pass() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_lists_every_case_then_the_first_failure_its_steps_and_the_tally() {
        let failure = Failure {
            step: "call echo_once".into(),
            steps: vec!["start a server".into(), "call echo_once".into()],
            expected: "Ok(\"HELLO\")".into(),
            got: "it panicked: not yet implemented".into(),
        };
        let results = Results(vec![
            ("first", Ok(())),
            ("second", Err(failure)),
            ("third", Ok(())),
        ]);
        let report = report("echo-once", &results);
        for part in [
            "  ✓ first\n  ✗ second\n  ✓ third\n",
            "✗ second, the first case that fails (echo-once)",
            "  1. start a server\n  2. call echo_once\n",
            "2 of 3 cases pass",
            "expected: Ok(\"HELLO\")",
            "got:      it panicked: not yet implemented",
        ] {
            assert!(report.contains(part), "{part:?} missing from:\n{report}");
        }
    }
}

//! The course's side of the exercises: the reference solutions with the checks compiled against
//! them ([`solutions`]), and [`target!`], which makes each exercise's own target
//! (targets/NAME.rs): your file, its lesson's checks, and the other files of the lesson as
//! solved, so that one unfinished file never stops another exercise's check.
//!
//! Nothing to edit here. Your files are NN-lesson/NAME.rs; `cargo exercises check NAME` builds
//! and runs that one exercise's target (exercises/README.md says more).

pub mod solutions;

/// The whole of an exercise's target, after its `#[path = "../NN-lesson/NAME.rs"] pub mod
/// NAME;` (your file; `pub`, so that what a starter's `todo!()` leaves unused is not called
/// dead): the rest of the lesson as solved, the checks file with its cases compiled against
/// your file, and a `main` that runs them:
///
/// `exercises::target! { "echo-once", "01-udp-echo.rs", lesson1::ECHO_ONCE }`
#[macro_export]
macro_rules! target {
    ($name:literal, $checks:literal, $lesson:ident :: $cases:ident) => {
        // The other files of the lesson, solved; your module above shadows its own.
        #[allow(unused_imports)]
        use $crate::solutions::*;

        /// The checks file (the lesson's, or the exercise's own), reaching your code as
        /// `super::super::NAME`.
        #[allow(dead_code)]
        mod checks {
            pub mod $lesson {
                include!(concat!(env!("CARGO_MANIFEST_DIR"), "/checks/", $checks));
            }
        }

        fn main() -> std::process::ExitCode {
            $crate::run($name, checks::$lesson::$cases)
        }
    };
}

/// Runs an exercise's cases and prints its report (exercise_harness::report).
pub fn run(exercise: &str, cases: &[exercise_harness::Case]) -> std::process::ExitCode {
    exercise_harness::report::target_main(exercise, cases)
}

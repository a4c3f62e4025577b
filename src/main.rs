//! The `insforge-integrate` binary: parse the command line, run it, print an error once and
//! exit with its documented code.

use std::process::ExitCode;

fn main() -> ExitCode {
    insforge_integrate::run::run_cli(insforge_integrate::run::args())
}

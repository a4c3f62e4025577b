//! A small builder for running the tool on a throwaway copy of a fixture app:
//! `Test::fixture("clerk").args(["--yes"]).run()` then assertions on the output and files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use insforge_integrate::provider::Provider;

/// Fixed time for every run: migrations are named `20261128121826_…`.
pub const EPOCH: &str = "1795868306";
pub const VERSION: &str = "20261128121826";

pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    /// A run still going after this long is killed and fails the test (a hang guard).
    timeout: std::time::Duration,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for searches that don't care which.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(self, needle: &str) -> Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn lacks(self, needle: &str) -> Self {
        assert!(
            !self.all().contains(needle),
            "output contains {needle:?}\n{}",
            self.all()
        );
        self
    }
}

impl Test {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let test = Self::empty();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&source, test.dir.path());
        test
    }

    /// A copy of the greenfield app `provider`'s tests start from: its fixture, or one made
    /// from its definition ([`every_provider::greenfield`](crate::every_provider::greenfield)).
    pub fn greenfield(provider: &Provider) -> Self {
        let test = Self::empty();
        crate::every_provider::greenfield(provider, test.dir.path());
        test
    }

    /// An empty folder.
    pub fn empty() -> Self {
        use crate::preflight::{require, Needs};
        require(&[Needs::Strace, Needs::Groff, Needs::Node, Needs::NpmProjects]);
        Self {
            dir: tempfile::tempdir().unwrap(),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            timeout: std::time::Duration::from_secs(60),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, path: &str, content: &str) -> Self {
        let full = self.dir.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, content).unwrap();
        self
    }

    pub fn remove(self, path: &str) -> Self {
        let full = self.dir.path().join(path);
        if full.is_dir() {
            fs::remove_dir_all(full).unwrap();
        } else {
            fs::remove_file(full).unwrap();
        }
        self
    }

    /// Arguments after `init <dir>`.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.into());
        self
    }

    /// Run `insforge-integrate init <dir> <args>`; may be called again on the same folder.
    pub fn run(&self) -> Run {
        self.run_with(&self.args)
    }

    pub fn run_with(&self, args: &[String]) -> Run {
        self.command("init", args)
    }

    /// Run `insforge-integrate <command> <dir> <args>` (`check`, `update`).
    pub fn command<S: AsRef<str>>(&self, command: &str, args: &[S]) -> Run {
        self.command_in("", command, args)
    }

    /// `init` with the test's arguments in `sub`, a folder of the test's (a monorepo
    /// member).
    pub fn run_in(&self, sub: &str) -> Run {
        self.command_in(sub, "init", &self.args)
    }

    pub fn command_in<S: AsRef<str>>(&self, sub: &str, command: &str, args: &[S]) -> Run {
        let dir = match sub {
            "" => self.dir.path().to_path_buf(),
            sub => self.dir.path().join(sub),
        };
        let mut cmd = Command::cargo_bin("insforge-integrate").unwrap();
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH)
            // Hermetic: a Clerk key in a fixture never reaches Clerk (the tests that want its
            // API point this at the stand-in).
            .env("CLERK_API_URL", "http://127.0.0.1:9")
            .arg(command)
            .arg(dir)
            .args(args.iter().map(AsRef::as_ref));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.write_stdin(self.stdin.clone().unwrap_or_default())
            .timeout(self.timeout);
        let Output {
            status,
            stdout,
            stderr,
        } = cmd.output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    /// Every file, by relative path, with its bytes, skipping links.
    pub fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = self.tree();
        out.retain(|p, _| {
            !fs::symlink_metadata(self.dir.path().join(p)).is_ok_and(|m| m.file_type().is_symlink())
        });
        out
    }

    /// Temp files the tool left anywhere in the app.
    pub fn leftovers(&self) -> Vec<PathBuf> {
        self.tree()
            .into_keys()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".insforge-integrate-"))
            })
            .collect()
    }

    /// Output with the app's temp folder shown as `<app>`, for snapshots.
    pub fn normalize(&self, text: &str) -> String {
        text.replace(&self.dir.path().display().to_string(), "<app>")
    }

    /// Pretend an earlier release of the tool wrote `path`: in the base store (and, with
    /// `in_file`, in the file too) `from` becomes `to`, as if the template had said that.
    pub fn older_release_wrote(&self, path: &str, from: &str, to: &str, in_file: bool) {
        use insforge_integrate::store::base::{Base, FILE};
        let mut base = Base::parse(&self.read(FILE)).unwrap();
        let text = base
            .files
            .get_mut(path)
            .unwrap_or_else(|| panic!("{path} is not recorded"));
        assert!(text.contains(from), "{path} lacks {from:?}");
        *text = text.replacen(from, to, 1);
        fs::write(self.dir.path().join(FILE), base.render()).unwrap();
        if in_file {
            let now = self.read(path);
            assert!(now.contains(from), "{path} lacks {from:?}");
            fs::write(self.dir.path().join(path), now.replacen(from, to, 1)).unwrap();
        }
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.dir.path().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.dir.path().join(path).exists()
    }

    /// Every file, by relative path, with its bytes.
    pub fn tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        walk(self.dir.path(), self.dir.path(), &mut out);
        out
    }
}

/// The files that differ between two trees (added, removed or changed), as a snapshot text.
pub fn changed_files(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> String {
    let mut out = String::new();
    for (path, bytes) in after {
        if before.get(path) != Some(bytes) {
            let verb = if before.contains_key(path) {
                "changed"
            } else {
                "created"
            };
            out.push_str(&format!("=== {verb}: {} ===\n", path.display()));
            out.push_str(&String::from_utf8_lossy(bytes).replace('\r', "\\r"));
            out.push('\n');
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        out.push_str(&format!("=== removed: {} ===\n", path.display()));
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            walk(root, &path, out);
        } else if fs::metadata(&path).is_err() {
            // A dangling link: recorded by its target's name.
            let link = fs::read_link(&path).unwrap_or_default();
            out.insert(
                path.strip_prefix(root).unwrap().to_path_buf(),
                format!("-> {}", link.display()).into_bytes(),
            );
        } else {
            out.insert(
                path.strip_prefix(root).unwrap().to_path_buf(),
                fs::read(&path).unwrap(),
            );
        }
    }
}

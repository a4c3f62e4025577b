//! `kill -9` at every step of a run. `strace` fault injection kills the tool exactly at its
//! N-th system call of each kind that matters (opening, writing a file, fsync, chmod, mkdir,
//! rename, the lock), for every N the run makes, on several providers' apps. After each kill,
//! every file must be either what it was or what a clean run writes (never torn), temp files
//! must be private, and the next run must complete, leave no temp file and end in exactly the
//! clean run's files.
//!
//! Needs `strace` (`apt-get install strace`); without it the test fails and says so.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Test, EPOCH};

/// System calls a kill point may land on (besides writes to files, counted separately).
const CALLS: &str = "openat,fsync,fdatasync,fchmod,fchmodat,chmod,rename,renameat,renameat2,link,linkat,unlink,unlinkat,mkdir,mkdirat,flock";

const ARGS: [&str; 4] = ["--yes", "--table", "todos", "--anon-key=anon_kill"];

fn strace() -> Command {
    let found = Command::new("strace").arg("-V").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the kill suite needs strace: apt-get install strace"
    );
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq"]);
    cmd
}

/// The tool's run, under strace.
fn tool(cmd: &mut Command, test: &Test) {
    cmd.arg(env!("CARGO_BIN_EXE_insforge-integrate"));
    tool_args(cmd, test);
}

/// How many times a clean run makes each call of `CALLS`, and which of its `write`s (counted
/// among all writes, as strace counts them) go to files rather than the terminal.
fn count(fixture: &str) -> (BTreeMap<String, usize>, Vec<usize>) {
    let t = Test::fixture(fixture);
    let trace = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = strace();
    cmd.arg("-o").arg(trace.path());
    cmd.arg("-e").arg(format!("trace={CALLS},write"));
    tool(&mut cmd, &t);
    assert!(cmd.status().unwrap().success());
    let text = fs::read_to_string(trace.path()).unwrap();
    let mut calls: BTreeMap<String, usize> = BTreeMap::new();
    let mut writes = 0;
    let mut file_writes = Vec::new();
    for line in text.lines() {
        let call = line.split_whitespace().nth(1).unwrap_or("");
        let Some((name, args)) = call.split_once('(') else {
            continue;
        };
        if name == "write" {
            writes += 1;
            let fd: u32 = args.split(',').next().unwrap().parse().unwrap();
            if fd > 2 {
                file_writes.push(writes);
            }
        } else {
            *calls.entry(name.to_string()).or_default() += 1;
        }
    }
    (calls, file_writes)
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The mode a file has after a clean run.
fn want_mode(fixture: &str, path: &std::path::Path) -> u32 {
    use std::sync::{Mutex, OnceLock};
    static MODES: OnceLock<Mutex<BTreeMap<String, BTreeMap<PathBuf, u32>>>> = OnceLock::new();
    let modes = MODES.get_or_init(Default::default);
    let mut modes = modes.lock().unwrap();
    let of = modes.entry(fixture.to_string()).or_insert_with(|| {
        let t = Test::fixture(fixture);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
        tool_args(&mut cmd, &t);
        assert!(cmd.status().unwrap().success());
        t.tree()
            .into_keys()
            .map(|p| {
                let m = mode(&t.path().join(&p));
                (p, m)
            })
            .collect()
    });
    of[path]
}

fn tool_args(cmd: &mut Command, test: &Test) {
    cmd.arg("init")
        .arg(test.path())
        .args(ARGS)
        .env_clear()
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("INSFORGE_JWT_SECRET", "kill-suite-secret-value");
}

/// The files of a clean run's result.
fn clean_result(fixture: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    let t = Test::fixture(fixture);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    tool_args(&mut cmd, &t);
    assert!(cmd.status().unwrap().success());
    t.tree()
}

/// Kill at the `n`-th call of `calls`; check the state, then run again and check that too.
fn kill_at(fixture: &str, calls: &str, n: usize, want: &BTreeMap<PathBuf, Vec<u8>>) -> bool {
    let t = Test::fixture(fixture);
    let before = t.tree();
    let mut cmd = strace();
    cmd.args(["-o", "/dev/null", "-e"])
        .arg(format!("trace={calls}"))
        .arg("-e")
        .arg(format!("inject={calls}:signal=KILL:when={n}"));
    tool(&mut cmd, &t);
    let status = cmd.status().unwrap();
    let killed = status.code() != Some(0);
    let point = format!("{fixture}, {calls} #{n}");

    for (path, bytes) in t.tree() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(".insforge-integrate-") {
            // Private, or (killed between its last chmod and its rename) exactly as open as
            // the file it was about to become.
            let mode = mode(&t.path().join(&path));
            let becoming = want.iter().any(|(p, b)| {
                *b == bytes && p.parent() == path.parent() && mode == want_mode(fixture, p)
            });
            assert!(
                mode & 0o077 == 0 || becoming,
                "{point}: temp file {path:?} has mode {mode:o}"
            );
            continue;
        }
        let was = before.get(&path);
        let will = want.get(&path);
        assert!(
            was == Some(&bytes) || will == Some(&bytes),
            "{point}: {path:?} is torn: {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }

    let mut again = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    tool_args(&mut again, &t);
    let rerun = again.output().unwrap();
    assert!(
        rerun.status.success(),
        "{point}: the run after the kill failed: {}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert!(t.leftovers().is_empty(), "{point}: {:?}", t.leftovers());
    let got = t.tree();
    assert!(
        &got == want,
        "{point}: the re-run ends elsewhere than a clean run:
{}",
        crate::harness::changed_files(want, &got)
    );
    killed
}

#[test]
fn kill_at_every_step_loses_nothing_and_leaves_no_temp_file() {
    let mut points = 0;
    let mut killed = 0;
    for fixture in ["clerk", "workos", "better-auth"] {
        let want = clean_result(fixture);
        let (calls, file_writes) = count(fixture);
        // strace counts each call on its own: the n-th openat, the n-th rename, ...
        for (call, times) in calls {
            for n in 1..=times {
                points += 1;
                killed += usize::from(kill_at(fixture, &call, n, &want));
            }
        }
        for n in file_writes {
            points += 1;
            killed += usize::from(kill_at(fixture, "write", n, &want));
        }
    }
    eprintln!(
        "kill suite: {points} kill points, {killed} runs killed, 0 torn files, 0 temp files left"
    );
    assert!(points >= 200, "only {points} kill points");
    assert_eq!(killed, points, "every kill point must land in a run");
}

/// A run killed while `.env.local` is a link into a folder of the app leaves its temp file
/// beside the link's target; the next run removes it there too.
#[test]
fn leftovers_beside_a_linked_target_are_swept() {
    let t = Test::fixture("workos");
    std::fs::create_dir(t.path().join("config")).unwrap();
    std::fs::rename(
        t.path().join(".env.local"),
        t.path().join("config/env.local"),
    )
    .unwrap();
    std::os::unix::fs::symlink("config/env.local", t.path().join(".env.local")).unwrap();
    let mut cmd = strace();
    cmd.args(["-o", "/dev/null", "-e", "trace=rename,renameat,renameat2"])
        .args(["-e", "inject=rename,renameat,renameat2:signal=KILL:when=1"]);
    tool(&mut cmd, &t);
    assert!(cmd.status().unwrap().code() != Some(0));
    assert!(!t.leftovers().is_empty(), "the kill left nothing to sweep");
    let mut again = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    tool_args(&mut again, &t);
    assert!(again.status().unwrap().success());
    assert!(t.leftovers().is_empty(), "{:?}", t.leftovers());
}

/// An edit that lands while the new texts are being staged (here: while the first fsync is
/// held up for a second) stops the run with nothing written.
#[test]
fn an_edit_during_staging_is_never_overwritten() {
    let t = Test::fixture("workos");
    let mut cmd = strace();
    cmd.args(["-o", "/dev/null", "-e", "trace=fsync"])
        .args(["-e", "inject=fsync:delay_enter=1000000:when=1"]);
    tool(&mut cmd, &t);
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let mut env = t.read(".env.local");
    env.push_str("MY_EDIT=1\n");
    std::fs::write(t.path().join(".env.local"), &env).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("changed after the plan was made"));
    assert_eq!(t.read(".env.local"), env);
    assert!(!t.exists("lib/insforge.ts") && t.leftovers().is_empty());
}

/// One reader: detection reads each of the app's files once, and planning takes the texts from
/// the project model, so a dry run (and `check`) opens each file to read it once. (A real run
/// then re-reads the files it writes, as the transaction's check that nothing changed under
/// it; the locks and link checks open folders, not files.)
#[test]
fn every_app_file_is_read_once() {
    let fixtures = [
        "clerk",
        "brownfield/clerk-intl",
        "brownfield/better-auth-drizzle",
    ];
    for (fixture, command) in fixtures.iter().flat_map(|f| [(f, "init"), (f, "check")]) {
        let t = Test::fixture(fixture);
        if command == "check" {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
            tool_args(&mut cmd, &t);
            assert!(cmd.status().unwrap().success());
        }
        let trace = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = strace();
        cmd.arg("-o").arg(trace.path()).args(["-e", "trace=openat"]);
        cmd.arg(env!("CARGO_BIN_EXE_insforge-integrate"))
            .arg(command)
            .arg(t.path())
            .env_clear()
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH);
        if command == "init" {
            cmd.args(ARGS).arg("--dry-run");
        }
        assert!(cmd.status().unwrap().success(), "{fixture} {command}");
        let root = t.path().display().to_string();
        let mut opened: BTreeMap<String, usize> = BTreeMap::new();
        for line in fs::read_to_string(trace.path()).unwrap().lines() {
            // 123 openat(AT_FDCWD, "/tmp/.../package.json", O_RDONLY|O_CLOEXEC) = 3
            let Some(path) = line.split('"').nth(1) else {
                continue;
            };
            let reads = line.contains("O_RDONLY") && !line.contains("O_DIRECTORY");
            if reads && path.starts_with(&root) && !line.contains("= -1") {
                let rel = path[root.len()..].trim_start_matches('/').to_string();
                if !rel.starts_with("node_modules/") && !rel.is_empty() {
                    *opened.entry(rel).or_default() += 1;
                }
            }
        }
        assert!(
            opened.contains_key("package.json") && opened.len() > 3,
            "{fixture} {command}: {opened:?}"
        );
        let twice: Vec<_> = opened.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            twice.is_empty(),
            "{fixture} {command}: files read more than once: {twice:?}"
        );
    }
}

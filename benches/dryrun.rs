//! How long `init --dry-run` takes: `cargo bench --bench dryrun`.
//!
//! Runs the release binary (built by this bench) on the example app shipped in the repo, and
//! on a copy of it grown to 5,000 source files (pages, components and helpers of a few
//! hundred bytes to a few kilobytes, some importing the auth provider), and reports the
//! median wall time of 31 runs each. Exits 1 if the example app's median reaches 10 ms or the
//! large app's 50 ms.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn median(app: &Path) -> Duration {
    let bin = env!("CARGO_BIN_EXE_insforge-integrate");
    let mut times: Vec<Duration> = (0..31)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(bin)
                .args(["init", "--dry-run", "--yes", "--table", "todos"])
                .arg(app)
                .env("NO_COLOR", "1")
                .env("SOURCE_DATE_EPOCH", "1795868306")
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run the tool");
            assert!(status.success());
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn main() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/next-clerk-app");
    let small = median(&example);

    let big = tempfile::tempdir().unwrap();
    copy(&example, big.path());
    let body = "export function Widget({ label }: { label: string }) {\n  return <div className=\"widget\">{label}</div>;\n}\n".repeat(12);
    for n in 0..5000 {
        let (dir, text) = match n % 5 {
            0 => (format!("app/section{}/page{n}", n % 50), format!("export default function Page() {{\n  return <main>{n}</main>;\n}}\n{body}")),
            1 => (format!("components/group{}/c{n}", n % 40), body.clone()),
            2 => (format!("lib/util{}/u{n}", n % 20), format!("export const value{n} = {n};\n").repeat(40)),
            3 => (format!("components/auth{}/a{n}", n % 30), format!("'use client';\nimport {{ useAuth }} from '@clerk/nextjs';\nexport function A{n}() {{\n  const {{ isSignedIn }} = useAuth();\n  return <span>{{String(isSignedIn)}}</span>;\n}}\n")),
            _ => (format!("src/hooks{}/h{n}", n % 25), format!("import {{ useState }} from 'react';\nexport function useH{n}() {{ return useState({n}); }}\n")),
        };
        let path = big.path().join(format!("{dir}.tsx"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let large = median(big.path());

    println!("| app | files | init --dry-run (median of 31) |");
    println!("|---|---|---|");
    println!("| examples/next-clerk-app | 6 | {small:.1?} |");
    println!("| the same with 5,000 source files (1,000 importing @clerk/nextjs) | 5,006 | {large:.1?} |");
    if small >= Duration::from_millis(10) || large >= Duration::from_millis(50) {
        eprintln!("a target was missed (10 ms, 50 ms)");
        std::process::exit(1);
    }
}

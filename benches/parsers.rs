//! The readers on pathological inputs: `cargo bench --bench parsers`.
//!
//! Times (medians of several runs, release build) for the dotenv reader (`parse`, then
//! `load` with expansion, `merge` and `mask` as a run does them) on 10 MB of ordinary lines,
//! 10 MB of unterminated quotes, and 10 MB of blank lines ending in a line that is not an
//! assignment; and the `.gitignore` matcher on a line of 40 `*` and an `x`. Exits 1 if 10 MB
//! of dotenv takes a second or more, or the star line a millisecond or more.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use insforge_integrate::{dotenv, gitignore};

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ten_mb(line: &str) -> String {
    line.repeat((10 << 20) / line.len())
}

fn main() {
    let mut failed = false;
    let env = HashMap::new();
    let entries = [dotenv::Entry {
        key: "INSFORGE_JWT_SECRET".into(),
        value: "s3cret".into(),
        comment: Some("added".into()),
        fill_empty: true,
    }];
    println!("| input (10 MB) | parse | load (expand) | merge | mask |");
    println!("|---|---|---|---|---|");
    for (label, text) in [
        (
            "ordinary lines",
            ten_mb("NEXT_PUBLIC_KEY_12=\"value with $HOME and spaces\" # c\n"),
        ),
        ("unterminated quotes", ten_mb("A=\"unterminated value\n")),
        (
            "blank lines, then junk",
            format!("{}junk\n", "\n".repeat(10 << 20)),
        ),
    ] {
        let parse = median(5, || drop(black_box(dotenv::parse(&text))));
        let load = median(3, || drop(black_box(dotenv::load(&[&text], &env, false))));
        let merge = median(3, || drop(black_box(dotenv::merge(&text, &entries, None))));
        let mask = median(3, || drop(black_box(dotenv::mask(&text, |_| true))));
        println!("| {label} | {parse:.0?} | {load:.0?} | {merge:.0?} | {mask:.0?} |");
        failed |= [parse, load, merge, mask]
            .iter()
            .any(|t| *t >= Duration::from_secs(1));
    }
    let stars = format!("{}x\n", "*".repeat(40));
    let star = median(101, || {
        black_box(gitignore::ignored(black_box(&stars), ".env.local"));
    });
    println!("\n`.gitignore` line of 40 `*` and `x`, matched against `.env.local`: {star:.1?}");
    failed |= star >= Duration::from_millis(1);
    if failed {
        eprintln!("a target was missed");
        std::process::exit(1);
    }
}

//! Two runs on the same app at once, 100 times: the app's lock makes them take turns, so each
//! completes or fails saying another run holds the app, and nothing either wrote is lost.

use std::process::{Command, Output, Stdio};

use crate::harness::{Test, EPOCH};

fn start(test: &Test, table: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .arg("init")
        .arg(test.path())
        .args(["--yes", "--table", table])
        .env_clear()
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finished(output: &Output) -> bool {
    match output.status.code() {
        Some(0) => true,
        Some(1) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("another insforge-integrate run is changing"),
                "a run failed for another reason: {stderr}"
            );
            false
        }
        other => panic!(
            "exit {other:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

#[test]
fn two_runs_at_once_lose_nothing() {
    let mut both = 0;
    for round in 0..100 {
        let t = Test::fixture("clerk");
        let (a, b) = (start(&t, "todos"), start(&t, "notes"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let (a_done, b_done) = (finished(&a), finished(&b));
        assert!(a_done || b_done, "round {round}: neither run finished");
        both += usize::from(a_done && b_done);

        // Every migration written is whole and present: one per finished run.
        let migrations: Vec<String> = std::fs::read_dir(t.path().join("migrations"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        for (done, table) in [(a_done, "public.todos"), (b_done, "public.notes")] {
            if done {
                assert!(
                    migrations
                        .iter()
                        .any(|m| m.contains(table) && m.trim_end().ends_with("'reload schema';")),
                    "round {round}: the migration for {table} is missing or cut short"
                );
            }
        }
        assert_eq!(
            migrations.len(),
            usize::from(a_done) + usize::from(b_done),
            "round {round}"
        );
        assert!(t.leftovers().is_empty(), "round {round}");
        // The answers file and the newest migration agree: a bare check finds nothing to do.
        t.run_with(&["--check".into()]).success();
    }
    eprintln!("concurrency: 100 rounds, both runs finished in {both}, nothing lost");
}

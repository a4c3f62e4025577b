//! The interactive flow, driven in a real pseudo-terminal: questions, the conflict prompt and
//! the confirmation.
#![cfg(unix)]

use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

use crate::harness::{Test, EPOCH};

const DOWN: &str = "\x1b[B";

fn spawn(test: &Test) -> PtySession {
    spawn_a("init", test)
}

fn spawn_a(command: &str, test: &Test) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    cmd.env_clear()
        .env("HOME", test.path())
        .env("TERM", "xterm-256color")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg(command)
        .arg(test.path());
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// Enter on the tables question (default `todos`) and leave both InsForge values empty.
fn accept_defaults(p: &mut PtySession) {
    for question in [
        "Tables to create",
        "InsForge project URL",
        "InsForge anon key",
    ] {
        p.exp_string(question).unwrap();
        p.send_line("").unwrap();
    }
}

fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("{other:?}"),
    }
}

#[test]
fn asks_what_it_cannot_detect_then_confirms() {
    // Placeholders in .env.example are no answers: the questions are still asked.
    let t = Test::fixture("clerk").file(
        ".env.example",
        "NEXT_PUBLIC_INSFORGE_URL=https://your-app.region.insforge.app\nNEXT_PUBLIC_INSFORGE_ANON_KEY=your-key\n",
    );
    let mut p = spawn(&t);
    p.exp_string("Tables to create with row-level security")
        .unwrap();
    p.send_line("todos, notes").unwrap();
    p.exp_string("InsForge project URL").unwrap();
    p.send_line("https://pty.us-east.insforge.app").unwrap();
    p.exp_string("InsForge anon key").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Plan:").unwrap();
    p.exp_string("lib/insforge.ts").unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(t
        .read(".env.local")
        .contains("NEXT_PUBLIC_INSFORGE_URL=https://pty.us-east.insforge.app\n"));
    let sql = t.read("migrations/20261128121826_clerk-insforge-rls.sql");
    assert!(sql.contains("public.todos") && sql.contains("public.notes"));
}

#[test]
fn conflict_prompt_shows_the_diff_then_keeps_the_users_file() {
    let t = Test::fixture("clerk").args(["--yes", "--table", "todos"]);
    t.run().success();
    // Without the base store, the file counts as one the tool never wrote: a conflict.
    let t = t
        .remove("insforge-integrate.base.toml")
        .file("lib/insforge.ts", "// my own client\n")
        .remove(".env.example");
    let mut p = spawn(&t);
    // Tables come from the saved answers; the empty .env.local values are asked again.
    p.exp_string("InsForge project URL").unwrap();
    p.send_line("").unwrap();
    p.exp_string("InsForge anon key").unwrap();
    p.send_line("").unwrap();
    p.exp_string("lib/insforge.ts exists and differs").unwrap();
    // Default is "skip"; two down is "show the diff".
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("-// my own client").unwrap();
    p.exp_string("lib/insforge.ts exists and differs").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("skipped lib/insforge.ts").unwrap();
    assert_eq!(
        exit_code(&mut p),
        0,
        "a skip the user chose is not an unfinished run"
    );
    assert_eq!(t.read("lib/insforge.ts"), "// my own client\n");
    assert!(t.exists(".env.example"));
}

#[test]
fn keeping_a_file_at_the_prompt_redraws_the_plan_before_the_confirmation() {
    let t = Test::fixture("better-auth").file(
        "src/lib/insforge.server.ts",
        "// my own server helpers\nexport const mine = 1;\n",
    );
    let mut p = spawn(&t);
    for question in [
        "Tables to create",
        "InsForge anon key",
        "InsForge JWT secret",
    ] {
        p.exp_string(question).unwrap();
        p.send_line("").unwrap();
    }
    p.exp_string("src/lib/insforge.server.ts exists and differs")
        .unwrap();
    // Enter keeps the user's file (the default).
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("After your choices:").unwrap();
    // The bridge route imports signInsforgeToken from the kept file: it is not written, and
    // the redrawn plan says so before anything is confirmed.
    p.exp_string("src/app/api/insforge-token/route.ts was not written")
        .unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Wrote").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(!t.exists("src/app/api/insforge-token/route.ts"));
}

#[test]
fn abort_writes_nothing() {
    let t = Test::fixture("clerk");
    let before = t.tree();
    let mut p = spawn(&t);
    accept_defaults(&mut p);
    p.exp_string("Write these changes?").unwrap();
    p.send_line("n").unwrap();
    p.exp_string("aborted: nothing was written").unwrap();
    assert_eq!(exit_code(&mut p), 1);
    assert_eq!(t.tree(), before);
}

#[test]
fn several_providers_are_offered_as_a_choice() {
    let t = Test::fixture("clerk").file(
        "package.json",
        r#"{"dependencies":{"next":"16.0.0","@clerk/nextjs":"7.9.0","better-auth":"1.7.0"}}"#,
    );
    let mut p = spawn(&t);
    p.exp_string("Which auth provider does this app use?")
        .unwrap();
    // Candidates in id order: Better Auth, Clerk.
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    accept_defaults(&mut p);
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(t
        .read("insforge-integrate.toml")
        .contains("provider = \"clerk\""));
    assert!(
        t.read("migrations/20261128121826_clerk-insforge-rls.sql")
            .contains("public.todos"),
        "the default table"
    );
}

#[test]
fn ci_set_means_no_prompts_even_on_a_terminal() {
    let t = Test::fixture("clerk");
    let before = t.tree();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    cmd.env_clear()
        .env("TERM", "xterm-256color")
        .env("CI", "true")
        .arg("init")
        .arg(t.path());
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("pass --table NAME").unwrap();
    assert_eq!(exit_code(&mut p), 2);
    assert_eq!(t.tree(), before);
}

#[test]
fn an_edit_while_the_confirmation_waits_is_never_overwritten() {
    for edit in [
        |t: &Test| {
            let mut env = t.read(".env.local");
            env.push_str("MY_LATE_EDIT=1\n");
            std::fs::write(t.path().join(".env.local"), env).unwrap();
        },
        |t: &Test| {
            std::fs::create_dir_all(t.path().join("lib")).unwrap();
            std::fs::write(t.path().join("lib/insforge.ts"), "// mine\n").unwrap();
        },
    ] {
        let t = Test::fixture("clerk").file(".env.local", "CLERK_SECRET_KEY=sk_test_1\n");
        let mut p = spawn(&t);
        accept_defaults(&mut p);
        p.exp_string("Write these changes?").unwrap();
        edit(&t);
        let before = t.tree();
        p.send_line("y").unwrap();
        p.exp_string("changed after the plan was made, so nothing was written")
            .unwrap();
        assert_eq!(exit_code(&mut p), 1);
        assert_eq!(
            t.tree(),
            before,
            "the user's edit and every other file are kept"
        );
    }
}

#[test]
fn a_typo_at_a_prompt_is_asked_again() {
    let t = Test::fixture("clerk");
    let mut p = spawn(&t);
    p.exp_string("Tables to create").unwrap();
    p.send_line("to dos").unwrap();
    p.exp_string("invalid table name").unwrap();
    p.send_line("\u{15}todos").unwrap();
    p.exp_string("InsForge project URL").unwrap();
    p.send_line("https:///").unwrap();
    p.exp_string("has no host name").unwrap();
    p.send_line("\u{15}https://x.us-east.insforge.app").unwrap();
    p.exp_string("InsForge anon key").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Write these changes?").unwrap();
    p.send_line("y").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert!(t
        .read(".env.local")
        .contains("https://x.us-east.insforge.app"));
}

#[test]
fn term_dumb_means_no_colour() {
    let t = Test::fixture("clerk");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    cmd.env_clear()
        .env("TERM", "dumb")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["init", "--dry-run", "--yes"])
        .arg(t.path());
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    let before = p.exp_string("Dry run:").unwrap();
    assert!(before.contains("Plan:"), "{before}");
    assert!(!before.contains('\u{1b}'), "{before:?}");
    assert_eq!(exit_code(&mut p), 0);
}

/// `update` at a terminal asks about a colliding merge: here "keep mine", after looking at the
/// diff; the file stays the user's and the run is done.
#[test]
fn update_asks_about_a_collision_and_keeps_the_users_file() {
    let t = Test::fixture("clerk").args(["--yes", "--table", "todos"]);
    t.run().success();
    t.older_release_wrote("lib/insforge.ts", "50_000", "40_000", true);
    let mine = t.read("lib/insforge.ts").replace("40_000", "30_000");
    let t = t.file("lib/insforge.ts", &mine);
    let mut p = spawn_a("update", &t);
    p.exp_string("the same lines. What now?").unwrap();
    // Markers, keep mine, take the new version, show the diff, abort: show the diff first.
    for _ in 0..3 {
        p.send(DOWN).unwrap();
    }
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("+>>>>>>> insforge-integrate").unwrap();
    p.exp_string("the same lines. What now?").unwrap();
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("After your choices:").unwrap();
    p.exp_string("Nothing written.").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(t.read("lib/insforge.ts"), mine);
    // Declined this time, not kept for good: check still says the template moved on.
    assert!(!t.read("insforge-integrate.toml").contains("kept"));
    t.command::<&str>("check", &[])
        .code(1)
        .stdout_has("outdated   lib/insforge.ts");
}

/// A linked app: no question about the values the project holds, and after the write the
/// setup is offered (default yes) and done.
#[test]
fn a_linked_app_is_offered_the_setup_after_the_write() {
    let standin = crate::standin::StandIn::start();
    let stubs = crate::setup::Stubs::new();
    let t = Test::fixture("kinde").file(".insforge/project.json", &standin.link());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"));
    cmd.env_clear()
        .env("HOME", t.path())
        .env("TERM", "xterm-256color")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .envs(stubs.vars())
        .arg("init")
        .arg(t.path());
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("Tables to create").unwrap();
    p.send_line("").unwrap();
    let before = p.exp_string("Write these changes?").unwrap();
    assert!(!before.contains("InsForge anon key"), "{before}");
    assert!(!before.contains("InsForge JWT secret"), "{before}");
    p.send_line("y").unwrap();
    p.exp_string("Finish the setup with the linked InsForge project")
        .unwrap();
    p.send_line("").unwrap();
    p.exp_string("applied").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let env = t.read(".env.local");
    assert!(
        env.contains(&format!(
            "INSFORGE_JWT_SECRET={}\n",
            crate::standin::JWT_SECRET
        )),
        "{env}"
    );
    assert_eq!(standin.state.lock().unwrap().applied.len(), 1);
    assert_eq!(stubs.ran().len(), 1, "{:?}", stubs.ran());
}

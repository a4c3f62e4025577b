//! The second run and every one after: `check` compares the app with what the tool writes
//! now, `update` brings the tool's files up to date and merges the user's edits three ways
//! from the base store. A template change is staged the way an upgrade meets it: the base
//! store and the file hold what an older release wrote ([`Test::older_release_wrote`]).

use insforge_integrate::store::base::{Base, FILE as BASE};

use crate::every_provider;
use crate::harness::{Test, VERSION};
use crate::providers::SECRET;

fn installed(fixture: &str) -> Test {
    let t = Test::fixture(fixture)
        .args(["--yes", "--table", "todos"])
        .env("INSFORGE_JWT_SECRET", SECRET);
    t.run().success();
    t
}

/// `provider`'s greenfield app after `init` (as that provider, whatever else claims its
/// packages).
fn installed_as(provider: &insforge_integrate::provider::Provider) -> Test {
    let t = Test::greenfield(provider)
        .args(["--yes", "--table", "todos", "--provider", &provider.id])
        .env("INSFORGE_JWT_SECRET", SECRET);
    t.run().success();
    t
}

/// Every brownfield app the tool writes to.
fn brownfield() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brownfield");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| format!("brownfield/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n != "brownfield/stytch-b2b")
        .collect();
    names.sort();
    names
}

/// The files the base store records.
fn recorded(t: &Test) -> Base {
    Base::parse(&t.read(BASE)).unwrap()
}

/// A file the tool owns that is not a migration, when it wrote one.
fn owned_source(t: &Test) -> Option<String> {
    recorded(t)
        .files
        .into_keys()
        .find(|p| !p.starts_with("migrations/"))
}

fn lib_file(t: &Test) -> String {
    ["lib/insforge.ts", "src/lib/insforge.ts"]
        .into_iter()
        .find(|p| t.exists(p))
        .expect("the client utility")
        .to_string()
}

#[test]
fn after_init_check_passes_and_an_edit_fails_only_strict() {
    every_provider::each(|p| check_passes_and_an_edit_fails_only_strict(installed_as(p), &p.id));
}

#[test]
fn after_init_on_a_brownfield_app_check_passes_and_an_edit_fails_only_strict() {
    for fixture in brownfield() {
        check_passes_and_an_edit_fails_only_strict(installed(&fixture), &fixture);
    }
}

/// `check` passes on what `init` just wrote, and every owned file is recorded as written; an
/// edit of one is reported, fails only `--strict`, and a later `init` leaves it alone.
fn check_passes_and_an_edit_fails_only_strict(t: Test, fixture: &str) {
    t.command::<&str>("check", &[])
        .success()
        .stdout_has("Check passed");
    // Every owned file is recorded with what was written.
    let base = recorded(&t);
    assert!(!base.files.is_empty(), "{fixture}: nothing recorded");
    for (path, content) in &base.files {
        assert_eq!(&t.read(path), content, "{fixture}: {path}");
    }
    let path = owned_source(&t)
        .or_else(|| base.files.keys().next().cloned())
        .unwrap();
    let edited = format!("{}\n// my note\n", t.read(&path).trim_end());
    let t = t.file(&path, &edited);
    t.command::<&str>("check", &[])
        .success()
        .stdout_has(&format!("edited     {path}"));
    t.command("check", &["--strict"])
        .code(1)
        .stdout_has(&format!("edited     {path}"))
        .stdout_has("+// my note")
        .stderr_has("differ from what insforge-integrate writes");
    // A later init leaves the edit alone: the tool has nothing new for that file.
    t.run()
        .success()
        .stdout_has("(edited by you; left as it is)");
    assert_eq!(t.read(&path), edited, "{fixture}");
}

#[test]
fn update_brings_an_untouched_file_up_to_date() {
    let t = installed("clerk");
    let now = t.read("lib/insforge.ts");
    t.older_release_wrote("lib/insforge.ts", "50_000", "40_000", true);
    let run = t.command::<&str>("check", &[]).code(1);
    assert!(
        run.stdout.contains("outdated   lib/insforge.ts")
            && run.stdout.contains("-const REFRESH_INTERVAL_MS = 40_000;")
            && run.stdout.contains("+const REFRESH_INTERVAL_MS = 50_000;"),
        "{}",
        run.stdout
    );
    t.command("update", &["--yes"])
        .success()
        .stdout_has("update     lib/insforge.ts");
    assert_eq!(t.read("lib/insforge.ts"), now);
    assert_eq!(recorded(&t).get("lib/insforge.ts"), Some(now.as_str()));
    t.command::<&str>("check", &[]).success();
}

#[test]
fn update_merges_a_user_edit_and_a_template_change_in_one_file_and_loses_neither() {
    every_provider::each(|p| {
        let fixture = &p.id;
        let t = installed_as(p);
        let lib = lib_file(&t);
        let render = t.read(&lib);
        // An older release wrote an extra line at the top; the user then added one at the end.
        let first = render.lines().next().unwrap().to_string();
        let older = format!("// written by an older release\n{first}");
        t.older_release_wrote(&lib, &first, &older, true);
        let edited = format!("{}\n// the user's own line\n", t.read(&lib).trim_end());
        let t = t.file(&lib, &edited);
        t.command::<&str>("check", &[])
            .code(1)
            .stdout_has("`insforge-integrate update` merges the two");
        t.command("update", &["--yes"])
            .success()
            .stdout_has("(your edits merged with the new version)");
        let merged = t.read(&lib);
        assert!(
            merged.contains("// the user's own line"),
            "{fixture}: the edit was lost"
        );
        assert!(
            !merged.contains("older release"),
            "{fixture}: the template change was lost"
        );
        assert_eq!(
            merged,
            format!("{}\n// the user's own line\n", render.trim_end())
        );
        // The new render is the next merge's base; the edit is the user's.
        assert_eq!(recorded(&t).get(&lib), Some(render.as_str()));
        t.command::<&str>("check", &[])
            .success()
            .stdout_has(&format!("edited     {lib}"));
    });
}

#[test]
fn colliding_edits_get_markers_and_exit_one_and_check_sees_them() {
    let t = installed("clerk");
    t.older_release_wrote("lib/insforge.ts", "50_000", "40_000", true);
    let mine = t.read("lib/insforge.ts").replace("40_000", "30_000");
    let t = t.file("lib/insforge.ts", &mine);
    let before = t.tree();
    // The dry run says what would collide and writes nothing.
    t.command("update", &["--dry-run"])
        .code(1)
        .stderr_has("would be written with conflict markers");
    assert_eq!(t.tree(), before);
    let run = t.command("update", &["--yes"]).code(1);
    assert!(
        run.stderr.contains("were written with conflict markers")
            && run.stderr.contains("lib/insforge.ts"),
        "{}",
        run.stderr
    );
    let marked = t.read("lib/insforge.ts");
    assert!(
        marked.contains(
            "<<<<<<< yours\nconst REFRESH_INTERVAL_MS = 30_000;\n=======\nconst REFRESH_INTERVAL_MS = 50_000;\n>>>>>>> insforge-integrate\n"
        ),
        "{marked}"
    );
    t.command::<&str>("check", &[])
        .code(1)
        .stdout_has("unresolved lib/insforge.ts");
    // Resolved by hand (the user's value kept): an edit, no longer drift.
    let resolved = mine.replace("30_000", "35_000");
    let t = t.file("lib/insforge.ts", &resolved);
    t.command::<&str>("check", &[])
        .success()
        .stdout_has("edited     lib/insforge.ts");
}

#[test]
fn a_collision_follows_an_explicit_policy() {
    let staged = || {
        let t = installed("clerk");
        t.older_release_wrote("lib/insforge.ts", "50_000", "40_000", true);
        let mine = t.read("lib/insforge.ts").replace("40_000", "30_000");
        (t.file("lib/insforge.ts", &mine), mine)
    };
    let (t, mine) = staged();
    let before = t.tree();
    t.command("update", &["--on-conflict", "fail"])
        .code(1)
        .stderr_has("nothing was written");
    assert_eq!(t.tree(), before);
    t.command("update", &["--on-conflict", "skip"]).success();
    assert_eq!(t.read("lib/insforge.ts"), mine);
    let (t, _) = staged();
    t.command("update", &["--on-conflict", "overwrite"])
        .success();
    assert!(t.read("lib/insforge.ts").contains("= 50_000;"));
    t.command::<&str>("check", &[]).success();
}

#[test]
fn a_changed_migration_becomes_a_new_later_one_and_the_old_is_never_edited() {
    let t = installed("clerk");
    let old_path = format!("migrations/{VERSION}_clerk-insforge-rls.sql");
    let render = t.read(&old_path);
    t.older_release_wrote(
        &old_path,
        "enable row level security;",
        "enable row level security; -- older",
        true,
    );
    let applied = t.read(&old_path);
    t.command::<&str>("check", &[])
        .code(1)
        .stdout_has("adds it as a new, later migration");
    t.command("update", &["--yes"]).success();
    assert_eq!(
        t.read(&old_path),
        applied,
        "an applied migration was edited"
    );
    let newer = "migrations/20261128121827_clerk-insforge-rls.sql";
    assert_eq!(t.read(newer), render);
    t.command::<&str>("check", &[]).success();

    // A hand edit of a migration whose SQL did not change is the user's: no new migration.
    let t = t.file(newer, &format!("{render}-- my comment\n"));
    let files = t.tree().len();
    t.command("update", &["--yes"]).success();
    assert_eq!(t.tree().len(), files);
    t.command::<&str>("check", &[])
        .success()
        .stdout_has(&format!("edited     {newer}"));
}

#[test]
fn check_needs_the_answers_and_a_readable_base_store_and_errors_exit_two() {
    let t = Test::fixture("clerk");
    t.command::<&str>("check", &[])
        .code(2)
        .stderr_has("run `insforge-integrate init` first");
    t.command::<&str>("update", &[])
        .code(2)
        .stderr_has("run `insforge-integrate init` first");
    let t = installed("clerk");
    // A hand edit of a recorded text is used as what the tool wrote, and named.
    let edited = t.read(BASE).replacen("50_000", "40_000", 1);
    let t = t.file(BASE, &edited);
    // (The file is as the tool writes it, so the store is what is stale.)
    t.command::<&str>("check", &[])
        .code(1)
        .stdout_has("lib/insforge.ts does not match its sha256")
        .stdout_has("outdated   insforge-integrate.base.toml");
    t.command("update", &["--yes"]).success();
    t.command::<&str>("check", &[]).success();
    let t = t.file(BASE, "version = 1\nfile = 3\n");
    t.command::<&str>("check", &[])
        .code(2)
        .stderr_has("insforge-integrate.base.toml:");
    let t = t.file(BASE, "version = 7\n");
    t.command::<&str>("check", &[])
        .code(2)
        .stderr_has("upgrade insforge-integrate");
}

#[test]
fn check_in_ci_skips_the_local_env_file_and_reports_for_github() {
    let t = installed("workos").remove(".env.local");
    t.command::<&str>("check", &[])
        .success()
        .stdout_has("local      .env.local");
    let t = t.file("lib/insforge.ts", "// replaced\n");
    let run = t
        .command("check", &["--strict", "--format", "github"])
        .code(1);
    assert!(
        run.stdout.lines().any(|l| l
            == "::error file=lib/insforge.ts,title=insforge-integrate check::edited since insforge-integrate wrote it (fails only --strict)"),
        "{}",
        run.stdout
    );
    let run = t.command("check", &["--format", "github"]).success();
    assert!(
        run.stdout.contains("::notice file=lib/insforge.ts,"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_masks_secrets_in_its_diff() {
    let t = installed("workos");
    let env = t.read(".env.local");
    assert!(env.contains(SECRET));
    // A variable the integration needs is gone from .env.local: drift, shown masked.
    let without: String = env
        .lines()
        .filter(|l| !l.starts_with("NEXT_PUBLIC_INSFORGE_ANON_KEY"))
        .map(|l| format!("{l}\n"))
        .collect();
    let t = t.file(".env.local", &without);
    let run = t.command::<&str>("check", &[]).code(1).lacks(SECRET);
    assert!(
        run.stdout.contains("incomplete .env.local"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_kept_file_is_reported_and_fails_only_strict() {
    let t = installed("clerk")
        .remove(BASE)
        .file("lib/insforge.ts", "// my own client\n");
    t.run_with(&["--yes".into(), "--on-conflict".into(), "skip".into()])
        .success();
    t.command::<&str>("check", &[])
        .success()
        .stdout_has("kept       lib/insforge.ts");
    t.command("check", &["--strict"])
        .code(1)
        .stdout_has("kept       lib/insforge.ts");
    // update leaves it alone.
    t.command("update", &["--yes"]).success();
    assert_eq!(t.read("lib/insforge.ts"), "// my own client\n");
}

#[test]
fn a_deleted_file_is_missing_and_update_writes_it_back() {
    let t = installed("kinde");
    let route = "app/api/auth/[kindeAuth]/route.ts";
    let text = t.read(route);
    let t = t.remove(route);
    t.command::<&str>("check", &[])
        .code(1)
        .stdout_has(&format!("missing    {route}"));
    t.command("update", &["--yes"]).success();
    assert_eq!(t.read(route), text);
}

#[test]
fn markers_left_by_an_update_are_resolved_by_the_policy_it_names() {
    let staged = || {
        let t = installed("clerk");
        t.older_release_wrote("lib/insforge.ts", "50_000", "40_000", true);
        // One colliding edit, and one that merges cleanly.
        let mine = t
            .read("lib/insforge.ts")
            .replace("40_000", "30_000")
            .replace(
                "export type InsforgeClient",
                "// mine\nexport type InsforgeClient",
            );
        let t = t.file("lib/insforge.ts", &mine);
        t.command("update", &["--yes"])
            .code(1)
            .stderr_has("update --on-conflict skip");
        (t, mine)
    };
    let (t, mine) = staged();
    // A bare update leaves them, and says so with exit 1.
    t.command("update", &["--yes"])
        .code(1)
        .stderr_has("still hold conflict markers");
    t.command("update", &["--yes", "--on-conflict", "skip"])
        .success()
        .stdout_has("(conflict markers resolved by policy)");
    assert_eq!(
        t.read("lib/insforge.ts"),
        mine,
        "skip keeps the user's side"
    );
    let (t, _) = staged();
    t.command("update", &["--yes", "--on-conflict", "overwrite"])
        .success();
    let taken = t.read("lib/insforge.ts");
    assert!(
        taken.contains("= 50_000;") && taken.contains("// mine\n"),
        "{taken}"
    );
    assert!(!insforge_integrate::merge::has_markers(&taken));
    t.command::<&str>("check", &[])
        .success()
        .stdout_has("edited     lib/insforge.ts");
}

#[test]
fn a_deleted_migration_is_missing_and_written_back_where_it_was() {
    let t = installed("clerk");
    let path = format!("migrations/{VERSION}_clerk-insforge-rls.sql");
    let sql = t.read(&path);
    let t = t.remove(&path);
    t.command::<&str>("check", &[])
        .code(1)
        .stdout_has(&format!("missing    {path}  deleted since"));
    t.command("update", &["--yes"]).success();
    assert_eq!(t.read(&path), sql);
    assert_eq!(
        std::fs::read_dir(t.path().join("migrations"))
            .unwrap()
            .count(),
        1
    );
    t.command::<&str>("check", &[]).success();
}

#[test]
fn comments_in_the_answers_file_are_not_drift() {
    let t = installed("clerk");
    let answers = format!(
        "# why we protect todos: see the wiki\n{}",
        t.read("insforge-integrate.toml")
    );
    let t = t.file("insforge-integrate.toml", &answers);
    t.command::<&str>("check", &[]).success();
}

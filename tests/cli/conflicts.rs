//! Existing files: user edits are never overwritten silently, merged files keep the user's
//! content, and re-runs add nothing twice.

use crate::harness::{Test, VERSION};

fn installed(fixture: &str) -> Test {
    let t = Test::fixture(fixture).args(["--yes", "--table", "todos"]);
    t.run().success();
    t
}

/// The app after `init`, without the base store: its files count as never written by the
/// tool (an app set up before the store existed, or a file the user put there).
fn installed_without_base(fixture: &str) -> Test {
    installed(fixture).remove("insforge-integrate.base.toml")
}

#[test]
fn a_differing_file_the_tool_never_wrote_is_skipped_by_default_and_reported() {
    let t = installed_without_base("clerk")
        .file("lib/insforge.ts", "// mine\n")
        .remove(".env.example");
    let run = t.run().code(1);
    assert!(
        run.stdout.contains("conflict   lib/insforge.ts"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("skipped lib/insforge.ts"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("--on-conflict overwrite"),
        "{}",
        run.stderr
    );
    assert_eq!(t.read("lib/insforge.ts"), "// mine\n");
    assert!(
        t.exists(".env.example"),
        "the rest of the plan is still written"
    );
}

#[test]
fn explicit_skip_exits_zero() {
    let t = installed_without_base("clerk").file("lib/insforge.ts", "// mine\n");
    t.run_with(&["--yes".into(), "--on-conflict".into(), "skip".into()])
        .success();
    assert_eq!(t.read("lib/insforge.ts"), "// mine\n");
}

#[test]
fn fail_writes_nothing() {
    let t = installed_without_base("clerk")
        .file("lib/insforge.ts", "// mine\n")
        .remove(".env.example");
    let before = t.tree();
    let run = t
        .run_with(&["--yes".into(), "--on-conflict".into(), "fail".into()])
        .code(1);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(t.tree(), before);
}

#[test]
fn overwrite_replaces() {
    let t = installed("clerk").file("lib/insforge.ts", "// mine\n");
    t.run_with(&["--yes".into(), "--on-conflict".into(), "overwrite".into()])
        .success();
    assert!(t.read("lib/insforge.ts").contains("useInsforge"));
}

#[test]
fn user_env_values_survive() {
    let t = installed("workos");
    let env = t.read(".env.local");
    assert!(env.starts_with("# local values\nWORKOS_API_KEY=sk_test_workos_user_value\nWORKOS_CLIENT_ID=\"client_01USER\"\n"), "{env}");
    assert_eq!(env.matches("WORKOS_API_KEY=").count(), 1, "{env}");
    assert!(env.contains("WORKOS_COOKIE_PASSWORD="));
    assert!(env.contains("INSFORGE_JWT_SECRET="));
}

#[test]
fn flags_fill_empty_values_but_never_replace_set_ones() {
    let t = installed("clerk");
    t.run_with(&[
        "--yes".into(),
        "--insforge-url".into(),
        "https://one.insforge.app".into(),
    ])
    .success();
    assert!(t
        .read(".env.local")
        .contains("NEXT_PUBLIC_INSFORGE_URL=https://one.insforge.app\n"));
    t.run_with(&[
        "--yes".into(),
        "--insforge-url".into(),
        "https://two.insforge.app".into(),
    ])
    .success();
    assert!(t
        .read(".env.local")
        .contains("NEXT_PUBLIC_INSFORGE_URL=https://one.insforge.app\n"));
}

#[test]
fn saved_answers_make_a_bare_rerun_identical() {
    let t = installed("clerk");
    assert!(t
        .read("insforge-integrate.toml")
        .contains("tables = [\"todos\"]"));
    let after = t.tree();
    t.run_with(&["--yes".into()])
        .success()
        .stdout_has("Nothing to do");
    assert_eq!(t.tree(), after);
}

#[test]
fn changed_tables_add_a_new_later_migration_and_keep_the_old() {
    let t = installed("clerk");
    let first = format!("migrations/{VERSION}_clerk-insforge-rls.sql");
    let old = t.read(&first);
    t.run_with(&["--yes".into(), "--table".into(), "notes".into()])
        .success();
    assert_eq!(t.read(&first), old, "an applied migration is never edited");
    let next = "migrations/20261128121827_clerk-insforge-rls.sql";
    assert!(t.read(next).contains("public.notes"));
    t.run_with(&["--yes".into(), "--table".into(), "notes".into()])
        .success()
        .stdout_has("Nothing to do");
}

#[test]
fn check_reports_pending_changes() {
    let t = Test::fixture("clerk");
    let before = t.tree();
    t.run_with(&[
        "--yes".into(),
        "--check".into(),
        "--table".into(),
        "todos".into(),
    ])
    .code(1)
    .stderr_has("would change (--check)");
    assert_eq!(t.tree(), before);
}

#[test]
fn package_json_keeps_user_versions_and_format() {
    let t = installed("clerk");
    let pj = t.read("package.json");
    assert!(pj.contains("\"@clerk/nextjs\": \"^7.9.0\""));
    assert!(pj.contains("\"@insforge/sdk\": \"^1.4.4\""));
    assert!(pj.ends_with("}\n"));
    let keys: Vec<&str> = pj.lines().filter(|l| l.starts_with("    \"")).collect();
    let at = |name: &str| {
        keys.iter()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{pj}"))
    };
    assert!(
        at("@clerk") < at("@insforge") && at("@insforge") < at("\"next\""),
        "sorted in:\n{pj}"
    );
}

#[test]
fn untouched_files_keep_their_mtime() {
    let t = installed("clerk");
    let mtime = |p: &str| {
        std::fs::metadata(t.path().join(p))
            .unwrap()
            .modified()
            .unwrap()
    };
    let files = [
        "lib/insforge.ts",
        "package.json",
        ".env.local",
        ".gitignore",
    ];
    let before = files.map(mtime);
    std::thread::sleep(std::time::Duration::from_millis(20));
    t.run().success();
    let after = files.map(mtime);
    assert_eq!(before, after);
}

#[test]
fn package_json_with_bom_crlf_and_tabs_keeps_its_shape() {
    let original = "\u{feff}{\r\n\t\"name\": \"app\",\r\n\t\"dependencies\": {\r\n\t\t\"@clerk/nextjs\": \"^7.9.0\",\r\n\t\t\"next\": \"16.0.10\"\r\n\t}\r\n}\r\n";
    let t = Test::fixture("clerk")
        .file("package.json", original)
        .args(["--yes"]);
    t.run().success();
    assert_eq!(
        t.read("package.json"),
        "\u{feff}{\r\n\t\"name\": \"app\",\r\n\t\"dependencies\": {\r\n\t\t\"@clerk/nextjs\": \"^7.9.0\",\r\n\t\t\"@insforge/sdk\": \"^1.4.4\",\r\n\t\t\"next\": \"16.0.10\"\r\n\t}\r\n}\r\n"
    );
}

#[test]
fn a_file_the_user_keeps_stays_theirs_on_later_runs() {
    let t = installed_without_base("clerk").file("lib/insforge.ts", "// my own client\n");
    // The default policy in a script skips, says so, exits 1, and remembers nothing.
    t.run().code(1);
    assert!(!t.read("insforge-integrate.toml").contains("kept"));
    // An explicit skip is a decision: recorded, and the run is done.
    t.run_with(&["--yes".into(), "--on-conflict".into(), "skip".into()])
        .success();
    assert!(t
        .read("insforge-integrate.toml")
        .contains("kept = [\"lib/insforge.ts\"]"));
    // Later runs treat it as the user's: no conflict, exit 0.
    t.run_with(&["--yes".into()])
        .success()
        .stdout_has("kept (yours): lib/insforge.ts");
    assert_eq!(t.read("lib/insforge.ts"), "// my own client\n");
    // Overwrite brings the tool's version back and forgets the decision.
    t.run_with(&["--yes".into(), "--on-conflict".into(), "overwrite".into()])
        .success();
    assert_ne!(t.read("lib/insforge.ts"), "// my own client\n");
    assert!(!t.read("insforge-integrate.toml").contains("kept"));
}

#[test]
fn a_kept_file_never_leaves_a_file_that_imports_from_it_broken() {
    let t = Test::fixture("better-auth")
        .file(
            "src/lib/insforge.server.ts",
            "// my own server helpers\nexport const mine = 1;\n",
        )
        .args(["--yes", "--table", "todos", "--on-conflict", "skip"]);
    let run = t.run().success();
    assert!(
        run.stdout.contains("src/app/api/insforge-token/route.ts was not written: it imports signInsforgeToken from src/lib/insforge.server, which you keep"),
        "{}",
        run.stdout
    );
    assert!(!t.exists("src/app/api/insforge-token/route.ts"));
    assert_eq!(
        t.read("src/lib/insforge.server.ts"),
        "// my own server helpers\nexport const mine = 1;\n"
    );
    // Only the files that are not written needed jsonwebtoken: it is not added.
    let pj = t.read("package.json");
    assert!(!pj.contains("\"jsonwebtoken\""), "{pj}");
    assert!(run
        .stdout
        .contains("jsonwebtoken was not added to package.json"));
    // The user's file is theirs from now on; the route follows it on every run.
    t.run_with(&["--yes".into()]).success();
    assert!(!t.exists("src/app/api/insforge-token/route.ts"));
}

#[cfg(unix)]
#[test]
fn dropping_a_dependency_never_turns_a_read_only_package_json_into_a_write() {
    use std::os::unix::fs::PermissionsExt;
    let t = Test::fixture("better-auth")
        .file("src/lib/insforge.server.ts", "export const mine = 1;\n")
        .args(["--yes", "--table", "todos", "--on-conflict", "skip"]);
    let path = t.path().join("package.json");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = t.read("package.json");
    t.run()
        .success()
        .stdout_has("skipped package.json: it is read-only");
    assert_eq!(t.read("package.json"), before);
}

/// A saved provider that detection contradicts is never followed, nor replaced, silently.
#[test]
fn a_saved_provider_the_app_no_longer_uses_is_an_error_naming_the_flag() {
    let t = Test::fixture("clerk")
        .file(
            "insforge-integrate.toml",
            "provider = \"auth0\"\ntables = [\"todos\"]\n",
        )
        .args(["--yes"]);
    let before = t.tree();
    let run = t.run();
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("insforge-integrate.toml says provider = \"auth0\", but the app uses Clerk")
            && run.stderr.contains("--provider clerk")
            && run.stderr.contains("--provider auth0"),
        "{}",
        run.stderr
    );
    assert_eq!(t.tree(), before, "nothing written");
    // The flag settles it, and the answers file follows.
    t.run_with(&["--yes".into(), "--provider".into(), "clerk".into()])
        .success();
    assert!(t
        .read("insforge-integrate.toml")
        .contains("provider = \"clerk\""));
    // From then on the answers file and the app agree.
    t.run_with(&["--yes".into()]).success();
}

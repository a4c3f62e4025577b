//! Every provider end to end (each in `provider::all()`, on its greenfield app): dry run
//! writes nothing and previews exactly what the real run shows, `--yes` writes the expected
//! files (snapshots), a second run has nothing to do, `check` and `update` after an upgrade.
//! Then what is particular to each provider's fixture.

use insforge_integrate::provider::Provider;

use crate::every_provider;
use crate::harness::{changed_files, Test, VERSION};

pub const SECRET: &str = "test-jwt-secret-0123456789abcdef-do-not-print";

/// What every run here is given.
const ARGS: [&str; 5] = [
    "--yes",
    "--table",
    "todos",
    "--insforge-url",
    "https://demo.us-east.insforge.app",
];

#[test]
fn every_provider_end_to_end() {
    every_provider::each(full_cycle);
}

/// Runs the full cycle on `provider`'s greenfield app, as that provider (whatever else claims
/// its packages; the flag changes no output).
fn full_cycle(provider: &Provider) {
    let fixture = &provider.id;
    let args: Vec<String> = ARGS
        .iter()
        .copied()
        .chain(["--provider", fixture])
        .map(String::from)
        .collect();
    let test = Test::greenfield(provider)
        .args(args.clone())
        .env("INSFORGE_JWT_SECRET", SECRET);
    let before = test.tree();

    let mut dry_args = args;
    dry_args.push("--dry-run".into());
    let dry = test
        .run_with(&dry_args)
        .success()
        .lacks(SECRET)
        .stdout_has("Dry run: nothing was written.");
    assert_eq!(test.tree(), before, "--dry-run changed files");

    let run = test.run().success().lacks(SECRET);
    let preview = dry.stdout.split("\nDry run:").next().unwrap();
    assert!(
        run.stdout.starts_with(preview),
        "the dry run's preview differs from what the real run showed\n--- dry\n{preview}\n--- real\n{}",
        run.stdout
    );
    let after = test.tree();
    // The base store repeats the owned files (tests/cli/update.rs checks it records them).
    let mut files = after.clone();
    files.remove(std::path::Path::new(insforge_integrate::store::base::FILE));
    insta::assert_snapshot!(format!("{fixture}_files"), changed_files(&before, &files));
    // The whole output: detection block, plan, diff, next steps, and stderr.
    insta::assert_snapshot!(format!("{fixture}_run"), whole(&test, &run));

    test.run()
        .success()
        .stdout_has("Nothing to do: every file is up to date.");
    assert_eq!(test.tree(), after, "a second identical run changed files");
    dry_args.pop();
    dry_args.push("--check".into());
    test.run_with(&dry_args).success();

    // `check` after an upgrade whose template changed one line of the client utility: the
    // whole report and its error, then `update`'s, then a clean check.
    let lib = ["lib/insforge.ts", "src/lib/insforge.ts"]
        .into_iter()
        .find(|p| test.exists(p))
        .unwrap();
    let text = test.read(lib);
    let line = text.lines().find(|l| l.starts_with("// ")).unwrap();
    test.older_release_wrote(lib, line, "// (an older release's comment)", true);
    let check = test.command::<&str>("check", &[]).code(1).lacks(SECRET);
    insta::assert_snapshot!(format!("{fixture}_check_drift"), whole(&test, &check));
    let update = test.command("update", &["--yes"]).success().lacks(SECRET);
    insta::assert_snapshot!(format!("{fixture}_update"), whole(&test, &update));
    assert_eq!(test.read(lib), text);
    test.command::<&str>("check", &[]).success();
    assert_eq!(test.tree(), after, "update did not restore what init wrote");
}

/// `fixture` after one `init` with [`ARGS`].
fn written(fixture: &str) -> Test {
    let t = Test::fixture(fixture)
        .args(ARGS)
        .env("INSFORGE_JWT_SECRET", SECRET);
    t.run().success();
    t
}

/// A run's stdout and stderr, the app's folder shown as `<app>`.
fn whole(t: &Test, run: &crate::harness::Run) -> String {
    t.normalize(&format!(
        "{}\n--- stderr (exit {})\n{}",
        run.stdout, run.code, run.stderr
    ))
}

#[test]
fn clerk() {
    let t = written("clerk");
    assert!(
        t.exists("proxy.ts") && !t.exists("middleware.ts"),
        "Next 16 gets proxy.ts"
    );
    assert!(t.read("lib/insforge.ts").starts_with("'use client'"));
    assert!(t
        .read("lib/insforge.ts")
        .contains("AuthChangeEvent.TOKEN_REFRESHED"));
    assert!(
        !t.read(".env.local").contains("INSFORGE_JWT_SECRET"),
        "Clerk signs in its dashboard"
    );
    assert!(t.exists(&format!("migrations/{VERSION}_clerk-insforge-rls.sql")));
}

#[test]
fn auth0_next15_src_layout() {
    let t = written("auth0");
    assert!(
        t.exists("src/middleware.ts") && !t.exists("src/proxy.ts"),
        "Next 15 gets middleware.ts"
    );
    assert!(t.read("src/middleware.ts").contains("function middleware("));
    assert!(t.exists("src/lib/auth0.ts") && t.exists("src/lib/insforge.ts"));
    // Signed on the server by default: no Action, no hook.
    assert!(!t.exists("auth0/insforge-post-login-action.js"));
    assert!(!t.read("src/lib/auth0.ts").contains("beforeSessionSaved"));
    assert!(t.read("src/lib/insforge.ts").contains("jwt.sign("));
    // With --auth0-token action, the Action (at the root) and the hook.
    let t = Test::fixture("auth0").args(["--yes", "--table", "todos", "--auth0-token", "action"]);
    t.run().success();
    assert!(
        t.exists("auth0/insforge-post-login-action.js"),
        "the Action lives at the root"
    );
    assert!(t.read("src/lib/auth0.ts").contains("beforeSessionSaved"));
    assert!(t
        .read("insforge-integrate.toml")
        .contains("token = \"action\""));
    // A later run without the flag keeps the Action (the answers file says so), and so does
    // an app whose files use it (no answers file).
    let run = t.run_with(&["--yes".into()]).success();
    assert!(run.stdout.contains("Nothing to do"), "{}", run.stdout);
    std::fs::remove_file(t.path().join("insforge-integrate.toml")).unwrap();
    let run = t
        .run_with(&[
            "--yes".into(),
            "--table".into(),
            "todos".into(),
            "--dry-run".into(),
        ])
        .success();
    assert!(
        run.stdout.contains("the app's files use Auth0's Post Login Action for the InsForge token already, so it stays (--auth0-token server changes that)"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("-  beforeSessionSaved"),
        "{}",
        run.stdout
    );
    // The flag is Auth0's only.
    Test::fixture("clerk")
        .args(["--yes", "--auth0-token", "action"])
        .run()
        .code(2)
        .stderr_has("--auth0-token action is for another provider");
}

#[test]
fn workos_keeps_existing_middleware() {
    let t = Test::fixture("workos")
        .args(["--yes", "--table", "todos"])
        .env("INSFORGE_JWT_SECRET", SECRET);
    let middleware = t.read("middleware.ts");
    let run = t
        .run()
        .success()
        .stdout_has("your app already has middleware.ts, which insforge-integrate never replaces")
        .stdout_has("    export default authkitProxy();")
        .stdout_has("Merge the interceptor code printed above (under --json: manual[].content) into your middleware.ts.");
    assert_eq!(t.read("middleware.ts"), middleware);
    assert!(!t.exists("proxy.ts"));
    assert!(run.stdout.contains("manual"));
}

#[test]
fn kinde_old_sdk_relative_imports() {
    let t = written("kinde");
    let utility = t.read("lib/insforge.ts");
    assert!(
        utility.contains("edgeFunctionToken"),
        "@insforge/sdk 1.2.5 has no accessToken option"
    );
    assert!(!utility.contains("accessToken:"));
    let route = t.read("app/api/auth/[kindeAuth]/route.ts");
    assert!(
        !route.contains("@/"),
        "no alias: relative imports only\n{route}"
    );
}

#[test]
fn stytch_sdk_1_4_3() {
    let t = written("stytch");
    let utility = t.read("lib/insforge.ts");
    assert!(
        utility.contains("accessToken: token") && !utility.contains("edgeFunctionToken"),
        "{utility}"
    );
    assert!(t.read("lib/insforge.ts").contains("user_id"));
    assert!(t.exists("app/authenticate/page.tsx") && !t.exists("app/authenticate/route.ts"));
}

#[test]
fn better_auth_src_layout_base_url_name() {
    let t = written("better-auth");
    for file in ["src/lib/insforge.ts", "src/lib/insforge.server.ts"] {
        let text = t.read(file);
        assert!(
            text.contains("NEXT_PUBLIC_INSFORGE_BASE_URL"),
            "{file} uses the project's existing name"
        );
        assert!(!text.contains("NEXT_PUBLIC_INSFORGE_URL"), "{file}");
    }
    let env = t.read(".env.local");
    assert!(
        env.starts_with(
            "# mine\r\nNEXT_PUBLIC_INSFORGE_BASE_URL=https://mine.us-east.insforge.app\r\n"
        ),
        "{env:?}"
    );
    assert!(!env.contains("NEXT_PUBLIC_INSFORGE_URL"));
    assert!(env.contains("DATABASE_URL=\"postgres://u:p4ss@db:5432/app\"\r\n"));
    let migrations: Vec<String> = std::fs::read_dir(t.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(migrations.len(), 2, "bootstrap, then RLS: {migrations:?}");
    assert!(migrations[0].ends_with("_better-auth-schema.sql"));
    assert!(migrations[1].ends_with("_better-auth-insforge-rls.sql"));
    assert!(t
        .read(&format!("migrations/{}", migrations[1]))
        .contains("references better_auth.\"user\"(id) on delete cascade"));
}

/// What InsForge checks is said where tokens are made: every file a provider's `init` writes
/// that signs one (`jwt.sign(`) states the rules (sub required, role absent or authenticated,
/// aud unchecked), a provider whose app signs them writes one, and every run says the JWT
/// secret can sign admin tokens. Where the secret leaves the app (Clerk's JWT template, Auth0's
/// Action) the steps say to treat it like a database password.
#[test]
fn token_rules_and_the_secret_are_stated_where_they_matter() {
    every_provider::each(|p| {
        let fixture = &p.id;
        let t = Test::greenfield(p).args(["--yes", "--table", "todos", "--provider", fixture]);
        let before = t.tree();
        let run = t.run().success();
        let signers: Vec<(String, String)> = t
            .tree()
            .into_iter()
            .filter(|(path, bytes)| before.get(path) != Some(bytes))
            .filter_map(|(path, bytes)| {
                let code = String::from_utf8(bytes).ok()?;
                code.contains("jwt.sign(")
                    .then(|| (path.display().to_string(), code))
            })
            .collect();
        assert!(
            !p.signs_jwt || !signers.is_empty(),
            "{fixture}: the app signs the tokens, but no file written signs one"
        );
        for (signer, code) in &signers {
            assert!(
                code.contains("requires `sub`") && code.contains("`aud` is not"),
                "{fixture}: {signer}\n{code}"
            );
            assert!(
                code.contains("must be absent or 'authenticated'"),
                "{fixture}: {signer}"
            );
        }
        assert!(
            run.stdout.contains("admin tokens"),
            "{fixture}: {}",
            run.stdout
        );
    });
    let t = Test::fixture("auth0").args(["--yes", "--table", "todos", "--auth0-token", "action"]);
    let run = t.run().success();
    assert!(t
        .read("auth0/insforge-post-login-action.js")
        .contains("jwt.sign("));
    assert!(
        run.stdout.contains("treat it like a database password"),
        "{}",
        run.stdout
    );
    let t = Test::fixture("clerk").args(["--yes", "--table", "todos"]);
    let run = t.run().success();
    assert!(run.stdout.contains("does not check aud"), "{}", run.stdout);
    assert!(run.stdout.contains("treat it like a database password"));
}

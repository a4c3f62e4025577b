//! `init --setup` against the stand-in for InsForge's admin API (tests/common/standin.rs): the
//! JWT secret and the anon key fetched into `.env.local`, the migrations applied as
//! `db migrations up` would, a second run that sends nothing, faults that leave the local files
//! as written and a re-run that finishes, and no key or secret in any output.

use crate::harness::Test;
use crate::standin::{Fault, StandIn, ANON_KEY, JWT_SECRET, KEY};

/// Package managers on PATH that record their arguments and folder, one line per run, in
/// the file `STUB_LOG` names, and exit with `STUB_EXIT` (0 unless set).
pub struct Stubs {
    dir: tempfile::TempDir,
}

impl Stubs {
    pub fn new() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for pm in ["npm", "pnpm", "yarn", "bun"] {
            let path = dir.path().join(pm);
            std::fs::write(
                &path,
                format!(
                    "#!/bin/sh\necho \"{pm} $* @ $(pwd)\" >> \"$STUB_LOG\"\nexit \"${{STUB_EXIT:-0}}\"\n"
                ),
            )
            .unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Self { dir }
    }

    /// PATH with the stubs first, and STUB_LOG.
    pub fn vars(&self) -> [(String, String); 2] {
        [
            (
                "PATH".into(),
                format!(
                    "{}:{}",
                    self.dir.path().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            ),
            ("STUB_LOG".into(), self.log().display().to_string()),
        ]
    }

    fn log(&self) -> std::path::PathBuf {
        self.dir.path().join("log")
    }

    /// What ran, one line each.
    pub fn ran(&self) -> Vec<String> {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn on(&self, t: Test) -> Test {
        let [(path_key, path), (log_key, log)] = self.vars();
        t.env(&path_key, &path).env(&log_key, &log)
    }
}

fn linked(fixture: &str, standin: &StandIn) -> Test {
    // The install runs a stub: the package managers' own runs are not this suite's.
    let stubs = Box::leak(Box::new(Stubs::new()));
    stubs.on(Test::fixture(fixture).file(".insforge/project.json", &standin.link()))
}

fn setup() -> Vec<String> {
    ["--yes", "--table", "todos", "--setup"]
        .map(String::from)
        .to_vec()
}

fn value(env: &str, key: &str) -> Option<String> {
    env.lines()
        .rev()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .map(str::to_string)
}

#[track_caller]
fn nothing_secret_in(text: &str) {
    for secret in [KEY, JWT_SECRET, ANON_KEY] {
        assert!(!text.contains(secret), "a secret is shown:\n{text}");
    }
}

#[test]
fn setup_fills_the_env_and_applies_the_migrations_for_every_provider() {
    let mut generated = 0;
    for provider in insforge_integrate::provider::all() {
        let standin = StandIn::start();
        // Greenfield: the WorkOS fixture's own middleware (kept for the tests that it is never
        // replaced) would leave a merge by hand.
        let mut t = linked(&provider.id, &standin);
        if t.exists("middleware.ts") {
            t = t.remove("middleware.ts");
        }
        let had = t
            .files()
            .get(std::path::Path::new(".env.local"))
            .map(|b| String::from_utf8_lossy(b).to_string());
        // What a run without --setup leaves (a dry run: nothing written, nothing contacted).
        let plain: Vec<String> = ["--yes", "--table", "todos", "--dry-run", "--json"]
            .map(String::from)
            .to_vec();
        let before: serde_json::Value =
            serde_json::from_str(&t.run_with(&plain).success().stdout).unwrap();
        let undone_before = before["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["done"] == false)
            .count();
        let run = t.run_with(&setup()).success();
        nothing_secret_in(&run.all());
        let env = t.read(".env.local");
        // The URL: the app's own where it set one, else the linked project's.
        let own = had.as_deref().and_then(|h| {
            ["NEXT_PUBLIC_INSFORGE_URL", "NEXT_PUBLIC_INSFORGE_BASE_URL"]
                .iter()
                .find_map(|k| value(h, k).filter(|v| !v.is_empty()).map(|v| (*k, v)))
        });
        let (key, url) = own.unwrap_or(("NEXT_PUBLIC_INSFORGE_URL", standin.url.clone()));
        assert_eq!(value(&env, key), Some(url), "{}: {env}", provider.id);
        assert_eq!(
            value(&env, "NEXT_PUBLIC_INSFORGE_ANON_KEY").as_deref(),
            Some(ANON_KEY),
            "{}",
            provider.id
        );
        let jwt = value(&env, "INSFORGE_JWT_SECRET");
        if provider.signs_jwt {
            assert_eq!(jwt.as_deref(), Some(JWT_SECRET), "{}", provider.id);
        } else {
            // The app never holds the secret: it is signed in the provider's dashboard.
            assert!(jwt.is_none_or(|v| v.is_empty()), "{}: {env}", provider.id);
            assert!(!standin.calls().iter().any(|c| c.contains("/api/secrets")));
        }
        // The providers' own random secrets, generated where empty (never over a value).
        for key in [
            "AUTH0_SECRET",
            "BETTER_AUTH_SECRET",
            "WORKOS_COOKIE_PASSWORD",
        ] {
            let before = had
                .as_deref()
                .and_then(|h| value(h, key))
                .filter(|v| !v.is_empty());
            match (value(&env, key), before) {
                (None, _) => {}
                (Some(now), Some(before)) => assert_eq!(now, before, "{}", provider.id),
                (Some(now), None) => {
                    assert!(
                        now.len() == 64 && now.chars().all(|c| c.is_ascii_hexdigit()),
                        "{}: {key}={now}",
                        provider.id
                    );
                    generated += 1;
                }
            }
            assert!(!run
                .all()
                .contains(&value(&env, key).unwrap_or("-".repeat(64))));
        }
        // Every migration the run wrote, applied in order, each after a dry run.
        let written: Vec<String> = t
            .files()
            .keys()
            .filter_map(|p| {
                let p = p.to_string_lossy().to_string();
                (p.starts_with("migrations/") && p.ends_with(".sql")).then_some(p)
            })
            .collect();
        let applied = standin.state.lock().unwrap().applied.clone();
        assert_eq!(applied.len(), written.len(), "{}: {written:?}", provider.id);
        for ((version, name, sql), file) in applied.iter().zip(&written) {
            assert_eq!(file, &format!("migrations/{version}_{name}.sql"));
            assert_eq!(sql, &t.read(file));
        }
        assert!(run.stdout.contains("applied"), "{}", run.stdout);
        // The steps no longer ask for what was done: they are marked done.
        let steps = left(&run.stdout);
        for asked in [
            "db migrations up",
            "NEXT_PUBLIC_INSFORGE_ANON_KEY",
            "INSFORGE_JWT_SECRET",
            "Install the added dependencies",
        ] {
            assert!(!steps.contains(asked), "{}: {asked}: {steps}", provider.id);
        }

        // A second run sends nothing and changes nothing, and what is left is only for a
        // person at the provider's dashboard.
        let before = t.tree();
        let posts = standin.posts();
        let mut args = setup();
        args.push("--json".into());
        let again = t.run_with(&args).success();
        assert_eq!(
            standin.posts(),
            posts,
            "{}: {:?}",
            provider.id,
            standin.calls()
        );
        assert_eq!(t.tree(), before, "{}", provider.id);
        let doc: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
        let undone: Vec<(String, String, String)> = doc["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["done"] == false)
            .map(|s| {
                let field = |k: &str| s[k].as_str().unwrap().to_string();
                (field("id"), field("who"), field("kind"))
            })
            .collect();
        // Nothing a program could do is left, Better Auth's tables included (its fixture has
        // a DATABASE_URL; the stand-in has no database to ask, so the migration that needs
        // them is applied, and the step is done once it is).
        let by_machine: Vec<&(String, String, String)> = undone
            .iter()
            .filter(|(_, who, _)| who != "person")
            .collect();
        assert!(by_machine.is_empty(), "{}: {by_machine:?}", provider.id);
        for (id, _, kind) in &undone {
            assert_eq!(kind, "dashboard", "{}: {id}", provider.id);
        }
        eprintln!(
            "{}: {undone_before} step(s) undone without --setup; after it {} at a dashboard",
            provider.id,
            undone.len()
        );
    }
    // Auth0's, Better Auth's and WorkOS's greenfield apps need one each.
    assert_eq!(generated, 3);
}

#[test]
fn a_dry_run_lists_the_steps_and_contacts_nothing() {
    let standin = StandIn::start();
    let t = linked("workos", &standin);
    let mut args = setup();
    args.push("--dry-run".into());
    let run = t.run_with(&args).success();
    assert!(standin.calls().is_empty(), "{:?}", standin.calls());
    run.stdout_has("Setup steps with")
        .stdout_has("INSFORGE_JWT_SECRET from the project's secrets")
        .stdout_has("GET /api/secrets/JWT_SECRET");
    args.push("--json".into());
    let json = t.run_with(&args).success();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let ids: Vec<&str> = doc["remote"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids[..3],
        [
            "insforge.jwt-secret",
            "insforge.anon-key",
            "env.generate.WORKOS_COOKIE_PASSWORD"
        ]
    );
    assert!(ids[3].starts_with("insforge.migration."), "{ids:?}");
    assert!(doc["remote"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["done"] == false));
    assert!(standin.calls().is_empty());
    nothing_secret_in(&json.all());
}

#[test]
fn each_fault_leaves_the_files_as_written_and_a_rerun_finishes() {
    let steps = [
        "GET /api/secrets/JWT_SECRET",
        "POST /api/auth/tokens/anon",
        "GET /api/database/migrations",
        "POST /api/database/migrations/dry-run",
        "POST /api/database/migrations",
    ];
    for call in steps {
        for fault in [
            Fault::Status(401),
            Fault::Status(429),
            Fault::Status(500),
            Fault::Close,
            Fault::Hang(3000),
        ] {
            let standin = StandIn::start();
            let t = linked("kinde", &standin).env("INSFORGE_INTEGRATE_HTTP_TIMEOUT", "0.5");
            // A read whose connection breaks is tried twice: the fault holds for both tries.
            let retried = matches!(fault, Fault::Close | Fault::Hang(_));
            let times = if call.starts_with("GET") && retried {
                2
            } else {
                1
            };
            standin.state.lock().unwrap().fault = Some((call.into(), fault.clone(), times));
            let run = t.run_with(&setup());
            assert_eq!(run.code, 1, "{call} {fault:?}\n{}", run.all());
            nothing_secret_in(&run.all());
            let shown = call.split_once(' ').unwrap();
            assert!(
                run.stderr
                    .contains(&format!("{} {}{}", shown.0, standin.url, shown.1))
                    && run.stderr.contains("run the same command again"),
                "{call} {fault:?}: {}",
                run.stderr
            );
            if let Fault::Hang(_) = fault {
                assert!(
                    run.stderr.contains("no answer within 0.5 s"),
                    "{}",
                    run.stderr
                );
            }
            if let Fault::Status(code) = fault {
                assert!(
                    run.stderr.contains(&format!("HTTP {code}")),
                    "{}",
                    run.stderr
                );
            }
            // The local files are written; the re-run does what is left.
            assert!(t.read("lib/insforge.ts").contains("getInsforgeClient"));
            t.run_with(&setup()).success();
            let env = t.read(".env.local");
            assert_eq!(
                value(&env, "INSFORGE_JWT_SECRET").as_deref(),
                Some(JWT_SECRET)
            );
            assert_eq!(
                value(&env, "NEXT_PUBLIC_INSFORGE_ANON_KEY").as_deref(),
                Some(ANON_KEY)
            );
            let applied = standin.state.lock().unwrap().applied.len();
            assert_eq!(applied, 1, "{call} {fault:?}: {:?}", standin.calls());
        }
    }
}

#[test]
fn a_migration_the_dry_run_rejects_is_not_applied() {
    let standin = StandIn::start();
    standin.state.lock().unwrap().rejects = Some("relation \"todos\" already exists".into());
    let t = linked("stytch", &standin);
    let run = t.run_with(&setup()).code(1);
    assert!(
        run.stderr
            .contains("the backend's dry run rejects it: relation \"todos\" already exists"),
        "{}",
        run.stderr
    );
    assert!(standin.state.lock().unwrap().applied.is_empty());
    // A backend without a dry run (older than 2.3.0) gets the migration directly.
    let standin = StandIn::start();
    standin.state.lock().unwrap().no_dry_run = true;
    let t = linked("stytch", &standin);
    t.run_with(&setup()).success();
    assert_eq!(standin.state.lock().unwrap().applied.len(), 1);
}

#[test]
fn a_value_the_user_set_is_never_replaced() {
    let standin = StandIn::start();
    let t = linked("workos", &standin).file(
        ".env.local",
        "INSFORGE_JWT_SECRET=mine-own-secret-value-000000000000\n",
    );
    t.run_with(&setup()).success();
    let env = t.read(".env.local");
    assert_eq!(
        value(&env, "INSFORGE_JWT_SECRET").as_deref(),
        Some("mine-own-secret-value-000000000000")
    );
    assert!(!standin.calls().iter().any(|c| c.contains("/api/secrets")));
}

#[test]
fn setup_without_a_link_says_how_to_link_and_writes_nothing() {
    let t = Test::fixture("clerk");
    let before = t.tree();
    let run = t.run_with(&setup()).code(2);
    assert!(
        run.stderr.contains("npx @insforge/cli link") && run.stderr.contains("nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(t.tree(), before);
}

#[test]
fn setup_installs_with_the_apps_package_manager_and_no_install_leaves_it() {
    let standin = StandIn::start();
    let stubs = Stubs::new();
    let t = stubs.on(Test::fixture("auth0").file(".insforge/project.json", &standin.link()));
    let run = t.run_with(&setup()).success();
    let ran = stubs.ran();
    assert_eq!(ran.len(), 1, "{ran:?}");
    assert!(ran[0].starts_with("pnpm install @ "), "{ran:?}");
    let folder = std::fs::canonicalize(t.path()).unwrap();
    assert!(ran[0].ends_with(&folder.display().to_string()), "{ran:?}");
    assert!(
        run.stdout.contains("installed pnpm install"),
        "{}",
        run.stdout
    );
    let steps = left(&run.stdout);
    assert!(!steps.contains("Install the added dependencies"), "{steps}");

    // A failed install exits 1 naming the command; the files stay written.
    let t = stubs
        .on(Test::fixture("auth0").file(".insforge/project.json", &standin.link()))
        .env("STUB_EXIT", "3");
    let run = t.run_with(&setup()).code(1);
    assert!(
        run.stderr
            .contains("installing the added dependencies failed (`pnpm install`)"),
        "{}",
        run.stderr
    );
    assert!(t.read("package.json").contains("@insforge/sdk"));

    // --no-install: nothing runs, and the step stays in the list.
    let stubs = Stubs::new();
    let t = stubs.on(Test::fixture("auth0").file(".insforge/project.json", &standin.link()));
    let mut args = setup();
    args.push("--no-install".into());
    let run = t.run_with(&args).success();
    assert!(stubs.ran().is_empty(), "{:?}", stubs.ran());
    run.stdout_has("Install the added dependencies");
}

#[test]
fn check_of_a_linked_app_knows_which_migrations_the_backend_has() {
    let standin = StandIn::start();
    let t = linked("kinde", &standin);
    // Written, not applied: pending, and check fails.
    t.run_with(&["--yes".into(), "--table".into(), "todos".into()])
        .success();
    let migration = t
        .files()
        .keys()
        .map(|p| p.to_string_lossy().to_string())
        .find(|p| p.starts_with("migrations/"))
        .unwrap();
    let run = t.command("check", &[] as &[&str]).code(1);
    assert!(
        run.stdout.contains(&format!("pending    {migration}")),
        "{}",
        run.stdout
    );
    assert_eq!(standin.posts(), 0, "check only reads");
    // Applied by --setup: check passes.
    t.run_with(&setup()).success();
    t.command("check", &[] as &[&str]).success();
    // Edited here after it was applied: outdated (the edit never reaches the backend).
    let edited = format!("{}\n-- a later thought\n", t.read(&migration));
    std::fs::write(t.path().join(&migration), edited).unwrap();
    let run = t.command("check", &[] as &[&str]).code(1);
    assert!(
        run.stdout.contains(&format!("outdated   {migration}")),
        "{}",
        run.stdout
    );
    // A backend that cannot be asked is said, and the local check goes on.
    let t = Test::fixture("kinde").file(
        ".insforge/project.json",
        &standin.link().replace(&standin.url, "http://127.0.0.1:9"),
    );
    t.run_with(&["--yes".into(), "--table".into(), "todos".into()])
        .success();
    let run = t.command("check", &["--json"]).success();
    assert!(
        run.stdout
            .contains("could not be asked which migrations it has applied"),
        "{}",
        run.stdout
    );
    nothing_secret_in(&run.all());
}

#[test]
fn a_migration_written_earlier_is_applied_as_the_file_is_now() {
    let standin = StandIn::start();
    let t = linked("kinde", &standin);
    t.run_with(&["--yes".into(), "--table".into(), "todos".into()])
        .success();
    let migration = t
        .files()
        .keys()
        .map(|p| p.to_string_lossy().to_string())
        .find(|p| p.starts_with("migrations/"))
        .unwrap();
    let edited = format!(
        "{}\n-- reviewed before it was applied\n",
        t.read(&migration)
    );
    std::fs::write(t.path().join(&migration), &edited).unwrap();
    t.run_with(&setup()).success();
    let applied = standin.state.lock().unwrap().applied.clone();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].2, edited);
}

/// The steps of the human "Next steps" list that are not marked done, with their lines.
fn left(stdout: &str) -> String {
    let section = stdout
        .split("\nNext steps\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default();
    let mut keep = false;
    let mut out = String::new();
    for line in section.lines() {
        let numbered = line
            .trim_start()
            .split_once(". ")
            .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty());
        if numbered {
            keep = !line.contains(". done: ");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn verify_needs_the_link_and_says_when_the_backend_cannot_be_asked() {
    let none: &[&str] = &[];
    // Before init: the saved answers are missing.
    let t = Test::fixture("clerk");
    t.command("verify", none).code(2).stderr_has("init");
    // No link: exit 2, naming the file and what to run; JSON says so as an error document.
    t.run_with(&["--yes".into(), "--table".into(), "todos".into()])
        .success();
    t.command("verify", none)
        .code(2)
        .stderr_has(".insforge/project.json")
        .stderr_has("npx @insforge/cli link");
    let json = t.command("verify", &["--json"]).code(2);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["error"]["kind"], "invalid_argument", "{}", json.stdout);
    // A backend that answers with an error: exit 2 (an error, not a failed check), the step
    // and status named, the key never shown.
    let standin = StandIn::start();
    let t = t.file(".insforge/project.json", &standin.link());
    standin.state.lock().unwrap().fault =
        Some(("GET /api/database/migrations".into(), Fault::Status(500), 9));
    let run = t.command("verify", none).code(2);
    nothing_secret_in(&run.all());
    run.stderr_has("listing the applied migrations")
        .stderr_has("500");
    // The stand-in without a database cannot answer the admin SQL: an error too, not a pass.
    standin.state.lock().unwrap().fault = None;
    let run = t.command("verify", none).code(2);
    nothing_secret_in(&run.all());
    run.stderr_has("reading requesting_user_id()");
}

#[test]
fn a_rerun_keeps_the_install_and_the_migration_until_they_are_done() {
    let t = Test::fixture("kinde").args(["--yes", "--table", "todos"]);
    t.run().success();
    // Nothing to write the second time; what was not done is still listed.
    let again = t.run().success();
    again
        .stdout_has("Nothing to do")
        .stdout_has("Still to do")
        .stdout_has("Install the dependencies not in node_modules yet")
        .stdout_has("db migrations up");
    let mut args = t_args();
    args.push("--json".into());
    let doc: serde_json::Value = serde_json::from_str(&t.run_with(&args).success().stdout).unwrap();
    let step = |id: &str| {
        doc["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"].as_str().is_some_and(|i| i.starts_with(id)))
            .cloned()
            .unwrap_or_else(|| panic!("no {id} step: {}", doc["next_steps"]))
    };
    let install = step("install");
    assert_eq!(install["done"], false);
    assert_eq!(install["who"], "agent");
    assert_eq!(install["kind"], "install");
    assert_eq!(install["command"], serde_json::json!(["npm", "install"]));
    let migration = step("insforge.migration.");
    assert_eq!(migration["done"], false);
    assert_eq!(migration["kind"], "migration");
    assert_eq!(migration["command"][0], "npx");
    // Installed (a package.json in node_modules for each): the step is gone.
    for dep in [
        "@insforge/sdk",
        "@kinde-oss/kinde-auth-nextjs",
        "jsonwebtoken",
        "server-only",
        "@types/jsonwebtoken",
    ] {
        std::fs::create_dir_all(t.path().join("node_modules").join(dep)).unwrap();
        std::fs::write(
            t.path().join("node_modules").join(dep).join("package.json"),
            "{}",
        )
        .unwrap();
    }
    let doc: serde_json::Value = serde_json::from_str(&t.run_with(&args).success().stdout).unwrap();
    assert!(
        !doc["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "install"),
        "{}",
        doc["next_steps"]
    );
}

fn t_args() -> Vec<String> {
    ["--yes", "--table", "todos"].map(String::from).to_vec()
}

/// The install with the real npm, offline: the app's lockfile is the typecheck suite's (its
/// packages are in npm's cache once `npm ci --prefix tests/typecheck/node` has run, as CI
/// does), so every package, the added ones included, comes from the cache and nothing from
/// the network (`npm_config_offline`: a package missing there is an error, not a download).
#[test]
fn setup_installs_with_the_real_npm_offline_from_its_cache() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lock = std::fs::read_to_string(root.join("tests/typecheck/node/package-lock.json"))
        .expect("tests/typecheck/node/package-lock.json");
    let cache = std::process::Command::new("npm")
        .args(["config", "get", "cache"])
        .output()
        .expect("npm is installed");
    let cache = String::from_utf8_lossy(&cache.stdout).trim().to_string();
    assert!(
        std::path::Path::new(&cache).join("_cacache").is_dir(),
        "npm's cache {cache} is empty: run npm ci --prefix tests/typecheck/node"
    );
    let standin = StandIn::start();
    let t = Test::empty()
        .file(
            "package.json",
            r#"{
  "name": "kinde-shop",
  "private": true,
  "scripts": { "dev": "next dev", "build": "next build" },
  "dependencies": {
    "@kinde-oss/kinde-auth-nextjs": "^2.13.1",
    "next": "^16.4.6",
    "react": "^19.3.1",
    "react-dom": "^19.3.1"
  }
}
"#,
        )
        .file("package-lock.json", &lock)
        .file(
            "app/layout.tsx",
            "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n",
        )
        .file(
            "tsconfig.json",
            "{\n  \"compilerOptions\": { \"strict\": true, \"jsx\": \"preserve\", \"paths\": { \"@/*\": [\"./*\"] } }\n}\n",
        )
        .file(".insforge/project.json", &standin.link())
        .env("PATH", &std::env::var("PATH").unwrap_or_default())
        .env("npm_config_cache", &cache)
        .env("npm_config_offline", "true")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_update_notifier", "false");
    let run = t.run_with(&setup()).success();
    nothing_secret_in(&run.all());
    assert!(
        run.stdout.contains("installed npm install"),
        "{}",
        run.all()
    );
    for added in [
        "@insforge/sdk",
        "jsonwebtoken",
        "server-only",
        "@types/jsonwebtoken",
    ] {
        assert!(
            t.exists(&format!("node_modules/{added}/package.json")),
            "{added} not installed:\n{}",
            run.all()
        );
        assert!(t
            .read("package-lock.json")
            .contains(&format!("\"node_modules/{added}\"")));
    }
    // Done, and seen done by the next run.
    let mut args = setup();
    args.push("--json".into());
    let doc: serde_json::Value = serde_json::from_str(&t.run_with(&args).success().stdout).unwrap();
    assert!(
        !doc["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "install" && s["done"] == false),
        "{}",
        doc["next_steps"]
    );
}

/// With the provider's keys in `.env.local` (a person pasted them) and Clerk's API at hand,
/// `--setup` leaves for a person only what has no API here: the dashboards' redirect URLs.
#[test]
fn with_the_providers_keys_only_dashboards_without_an_api_are_left() {
    let mut report = Vec::new();
    for provider in insforge_integrate::provider::all() {
        let standin = StandIn::start();
        let clerk = crate::clerk_standin::ClerkStandIn::start();
        let mut env = String::new();
        for var in provider
            .env
            .iter()
            .filter(|e| !e.generate && e.default.is_empty())
        {
            let value = match var.name.as_str() {
                "CLERK_SECRET_KEY" => crate::clerk_standin::SECRET_KEY.to_string(),
                "DATABASE_URL" => {
                    "postgresql://postgres:pw@db.acme-internal.dev:5432/insforge".into()
                }
                name => format!("{}-value-5f3a9c1e7b2d", name.to_lowercase()),
            };
            env.push_str(&format!("{}={value}\n", var.name));
        }
        let mut t = linked(&provider.id, &standin)
            .file(".env.local", &env)
            .env("CLERK_API_URL", &clerk.url);
        if t.exists("middleware.ts") {
            t = t.remove("middleware.ts");
        }
        t.run_with(&setup()).success();
        let mut args = setup();
        args.push("--json".into());
        let again = t.run_with(&args).success();
        nothing_secret_in(&again.all());
        let doc: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
        let undone: Vec<(String, String)> = doc["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["done"] == false)
            .map(|s| {
                (
                    s["id"].as_str().unwrap().to_string(),
                    s["who"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let person: Vec<&String> = undone
            .iter()
            .filter(|(_, who)| who == "person")
            .map(|(id, _)| id)
            .collect();
        // The most a person is left with: the redirect settings of dashboards without an API
        // the tool calls (Stytch has two pages of them).
        let most = match provider.id.as_str() {
            "clerk" | "auth0" | "better-auth" => 0,
            "stytch" => 2,
            _ => 1,
        };
        assert!(person.len() <= most, "{}: {person:?}", provider.id);
        report.push(format!("{}: {} {person:?}", provider.id, person.len()));
    }
    eprintln!(
        "left for a person with the keys at hand: {}",
        report.join("; ")
    );
}

#[test]
fn the_apps_example_keys_are_asked_for_one_by_one_and_a_url_of_another_project_is_said() {
    // A starter whose README says to copy .env.example to .env.local.
    let t = Test::fixture("clerk")
        .file(
            ".env.example",
            "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\nCLERK_SECRET_KEY=\nNEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in\n",
        )
        .args(["--yes", "--table", "todos", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&t.run().success().stdout).unwrap();
    let step = doc["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "env.template")
        .cloned()
        .unwrap_or_else(|| panic!("{}", doc["next_steps"]));
    assert_eq!(
        step["env"],
        serde_json::json!(["NEXT_PUBLIC_CLERK_SIGN_IN_URL"])
    );
    assert!(step["text"]
        .as_str()
        .unwrap()
        .contains("copying .env.example over .env.local would drop"));
    // Once .env.local has it, the step is gone.
    let env = t.read(".env.local") + "NEXT_PUBLIC_CLERK_SIGN_IN_URL=/sign-in\n";
    let t = t.file(".env.local", &env);
    let doc: serde_json::Value = serde_json::from_str(&t.run().success().stdout).unwrap();
    assert!(!doc["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "env.template"));

    // The app's URL is another project's than the link's: said, and left alone.
    let standin = StandIn::start();
    let t = Test::fixture("kinde")
        .file(".insforge/project.json", &standin.link())
        .file(
            ".env.local",
            "NEXT_PUBLIC_INSFORGE_URL=https://other.us-east.insforge.app\n",
        )
        .args(["--yes", "--table", "todos", "--dry-run"]);
    t.run()
        .success()
        .stdout_has("NEXT_PUBLIC_INSFORGE_URL in .env.local is https://other.us-east.insforge.app, but the app is linked to");
}

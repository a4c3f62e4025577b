//! `init --setup` then `verify`, for every provider, against the stand-in for InsForge's API
//! (`tests/common/standin.rs`) backed by this suite's PostgreSQL shaped like a project's
//! database (`insforge.rs`): the migrations are applied there as the backend applies them,
//! the admin SQL reads its catalog, and the data path runs each request as `authenticated` or
//! `anon` with the claims set, so `verify` proves real policies. Then each thing `verify`
//! proves is broken once, and it must fail naming the check.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;

use crate::insforge::{create_roles, literal, Backend, Db};
use crate::pg::{Cluster, Psql, SUPERUSER};
use crate::standin::{Database, StandIn, JWT_SECRET, KEY};

/// The stand-in's database: the project's, through `psql`.
struct Project {
    psql: Psql,
    db: String,
}

impl Project {
    fn migration(&self, sql: &str, end: &str) -> Result<(), String> {
        let file = tempfile::Builder::new().suffix(".sql").tempfile().unwrap();
        std::fs::write(file.path(), sql).unwrap();
        crate::guard::check(file.path())?;
        let out = self.psql.commands(
            &self.db,
            SUPERUSER,
            &[
                "begin",
                "select from pg_advisory_xact_lock(hashtext('system.custom_migrations'))",
                "set local search_path to public",
                "set local role project_admin",
                sql,
                end,
            ],
        );
        if out.ok {
            Ok(())
        } else {
            Err(out.stderr.trim().to_string())
        }
    }

    fn json(out: crate::pg::Out) -> Result<Value, String> {
        if !out.ok {
            return Err(out.stderr.trim().to_string());
        }
        let last = out.stdout.lines().last().unwrap_or("null");
        serde_json::from_str(last).map_err(|e| format!("{e}: {}", out.stdout))
    }
}

impl Database for Project {
    fn apply(&self, sql: &str) -> Result<(), String> {
        self.migration(sql, "commit")
    }
    fn dry_run(&self, sql: &str) -> Result<(), String> {
        self.migration(sql, "rollback")
    }
    fn query(&self, sql: &str) -> Result<Value, String> {
        let q = format!("select coalesce(json_agg(q), '[]'::json) from ({sql}) q");
        Self::json(self.psql.commands(&self.db, SUPERUSER, &[&q]))
    }
    fn request(&self, role: &str, claims: &str, sql: &str) -> Result<Value, String> {
        Self::json(self.psql.commands(
            &self.db,
            SUPERUSER,
            &[
                "begin",
                &format!("set local role {role}"),
                &format!(
                    "select set_config('request.jwt.claims', {}, true)",
                    literal(claims)
                ),
                sql,
                "commit",
            ],
        ))
    }
}

/// A fixture app, linked to `standin`.
fn app(fixture: &str, standin: &StandIn) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    copy(&source, dir.path());
    std::fs::create_dir_all(dir.path().join(".insforge")).unwrap();
    std::fs::write(dir.path().join(".insforge/project.json"), standin.link()).unwrap();
    dir
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

/// The tool in `dir`: exit code, stdout, stderr.
fn tool(dir: &Path, args: &[&str]) -> (i32, String, String) {
    tool_with(dir, args, "http://127.0.0.1:9", None)
}

/// The same, with `first` ahead of PATH (stand-ins for programs the tool runs).
fn tool_in(dir: &Path, args: &[&str], first: Option<&Path>) -> (i32, String, String) {
    tool_with(dir, args, "http://127.0.0.1:9", first)
}

/// The same, with Clerk's API at `clerk` (a closed port unless a test has a stand-in).
fn tool_with(
    dir: &Path,
    args: &[&str],
    clerk: &str,
    first: Option<&Path>,
) -> (i32, String, String) {
    let mut path = std::ffi::OsString::new();
    if let Some(first) = first {
        path.push(first);
        path.push(":");
    }
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let out = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .args(args)
        .arg(dir)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .env("CLERK_API_URL", clerk)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    for secret in [KEY, JWT_SECRET, crate::clerk_standin::SECRET_KEY] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "a secret is shown:\n{stdout}\n{stderr}"
        );
    }
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// `verify --json`'s checks: id → passed.
fn checks(stdout: &str) -> Vec<(String, bool)> {
    let doc: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    doc["verify"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["passed"] == true))
        .collect()
}

fn failed(stdout: &str) -> Vec<String> {
    checks(stdout)
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn verify_holds_after_setup_for_every_provider_and_leaves_nothing() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    for provider in insforge_integrate::provider::all() {
        let name = format!("verify_{}", provider.id.replace('-', "_"));
        let db = Db::create(&cluster, &name, Backend::Current);
        let standin = StandIn::with_database(Arc::new(Project {
            psql: cluster.client(),
            db: name.clone(),
        }));
        let dir = app(&provider.id, &standin);
        // Better Auth's tables come from its migrate between the two migrations: the app's
        // DATABASE_URL is this database, and its CLI a stand-in (below).
        let stub = (provider.id == "better-auth")
            .then(|| better_auth_database(dir.path(), &cluster.client(), &name));
        let (code, out, err) = tool_in(
            dir.path(),
            &[
                "init",
                "--yes",
                "--table",
                "todos",
                "--setup",
                "--no-install",
            ],
            stub.as_ref().map(|(bin, _)| bin.as_path()),
        );
        assert_eq!(code, 0, "{}: {out}\n{err}", provider.id);
        if let Some((_, url)) = &stub {
            assert!(!out.contains("waiting"), "{out}");
            assert!(out.contains("made "), "{out}");
            assert!(
                !out.contains(url.as_str()) && !err.contains(url.as_str()),
                "{out}\n{err}"
            );
            let calls = std::fs::read_to_string(dir.path().join(".npx-calls")).unwrap();
            assert_eq!(
                calls.trim(),
                "auth@1.7 migrate --config ./src/lib/auth.ts --yes",
                "{out}"
            );
            // Owned by DATABASE_URL's user, referenced by project_admin's migration.
            assert_eq!(
                db.admin("select has_table_privilege('project_admin', 'better_auth.\"user\"', 'references')"),
                "t"
            );
            // Done, and not run again.
            let (code, out, err) = tool_in(
                dir.path(),
                &[
                    "init",
                    "--yes",
                    "--table",
                    "todos",
                    "--setup",
                    "--no-install",
                    "--json",
                ],
                stub.as_ref().map(|(bin, _)| bin.as_path()),
            );
            assert_eq!(code, 0, "{out}\n{err}");
            let doc: Value = serde_json::from_str(&out).unwrap();
            let step = doc["next_steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["id"] == "better-auth.tables")
                .unwrap();
            assert_eq!(
                (&step["who"], &step["done"]),
                (&Value::from("tool"), &Value::from(true)),
                "{step}"
            );
            let again = std::fs::read_to_string(dir.path().join(".npx-calls")).unwrap();
            assert_eq!(again, calls);
        }
        // Another user's row: a new user and anon must not see it.
        db.admin("insert into public.todos (user_id) values ('someone-else')");

        let (code, out, err) = tool(dir.path(), &["verify"]);
        assert_eq!(code, 0, "{}: {out}\n{err}", provider.id);
        assert!(out.contains("Verified:"), "{out}");
        assert!(
            out.contains("a new user sees none of the 1 row(s) of todos"),
            "{out}"
        );

        let (code, out, err) = tool(dir.path(), &["verify", "--write", "--json"]);
        assert_eq!(code, 0, "{}: {out}\n{err}", provider.id);
        let ids: Vec<String> = checks(&out).into_iter().map(|(id, _)| id).collect();
        let mut want = vec![
            "migrations",
            "function",
            "policies.public.todos",
            "token",
            "isolation.public.todos",
            "anon.public.todos",
        ];
        if provider.id != "better-auth" {
            want.push("write.public.todos");
        }
        assert_eq!(ids, want, "{}", provider.id);
        // Only the other user's row is there: the test row is gone.
        assert_eq!(
            db.admin("select user_id from public.todos"),
            "someone-else",
            "{}",
            provider.id
        );
    }
}

/// Without the app's DATABASE_URL, Better Auth's second migration waits for its tables (the
/// step is left to the app), and the next run applies it once they exist.
#[test]
fn without_a_database_url_better_auths_second_migration_waits() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let db = Db::create(&cluster, "verify_waits", Backend::Current);
    let standin = StandIn::with_database(Arc::new(Project {
        psql: cluster.client(),
        db: "verify_waits".into(),
    }));
    let dir = app("better-auth", &standin);
    let env = dir.path().join(".env.local");
    let text = std::fs::read_to_string(&env).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("DATABASE_URL="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&env, without).unwrap();
    let setup = [
        "init",
        "--yes",
        "--table",
        "todos",
        "--setup",
        "--no-install",
    ];
    let (code, out, err) = tool(dir.path(), &setup);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("waiting"), "{out}");
    assert!(
        out.contains("better_auth.\"user\" does not exist yet"),
        "{out}"
    );
    let (code, out, _) = tool(dir.path(), &["verify"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL migrations"), "{out}");
    // What Better Auth's migrate and the grant do between the two, then setup again.
    db.admin(
        "create table better_auth.\"user\" (id text primary key);
         grant references on better_auth.\"user\" to project_admin;",
    );
    let (code, out, err) = tool(dir.path(), &setup);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains("waiting"), "{out}");
    let (code, out, err) = tool(dir.path(), &["verify"]);
    assert_eq!(code, 0, "{out}\n{err}");
}

/// The app's DATABASE_URL (in its .env.local) is the test database, its `pg` the real one,
/// and `npx` a stand-in for Better Auth's CLI: `migrate` creates `better_auth."user"` (with
/// another user's row) as DATABASE_URL's user, as the real one does over that URL. (The
/// real CLI, auth 1.7, needs Node 22.12 and the registry; neither is here.) Returns the
/// folder to put first on PATH and the URL.
fn better_auth_database(app: &Path, psql: &Psql, db: &str) -> (std::path::PathBuf, String) {
    let url = psql.url(db, SUPERUSER);
    let env = app.join(".env.local");
    let text = std::fs::read_to_string(&env).unwrap_or_default();
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("DATABASE_URL="))
        .map(String::from)
        .collect();
    lines.push(format!("DATABASE_URL=\"{url}\""));
    std::fs::write(&env, lines.join("\n") + "\n").unwrap();
    let bin = app.join(".stub-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"$PWD/.npx-calls\"\ncase \" $* \" in\n  *\" migrate \"*) exec '{}' -X -q -v ON_ERROR_STOP=1 -d \"$DATABASE_URL\" -c 'create table better_auth.\"user\" (id text primary key)' -c \"insert into better_auth.\\\"user\\\" values ('someone-else')\" ;;\nesac\nexit 1\n",
        psql.bin().display()
    );
    let npx = bin.join("npx");
    std::fs::write(&npx, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&npx, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The app's pg, as installed: the typecheck suite's (npm ci --prefix tests/typecheck/node).
    let pg = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/typecheck/node/node_modules/pg");
    assert!(
        pg.join("package.json").is_file(),
        "pg is not installed: run npm ci --prefix tests/typecheck/node"
    );
    std::fs::create_dir_all(app.join("node_modules")).unwrap();
    std::os::unix::fs::symlink(&pg, app.join("node_modules/pg")).unwrap();
    (bin, url)
}

#[test]
fn verify_fails_naming_the_check_that_does_not_hold() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let db = Db::create(&cluster, "verify_breaks", Backend::Current);
    let standin = StandIn::with_database(Arc::new(Project {
        psql: cluster.client(),
        db: "verify_breaks".into(),
    }));
    // Kinde: the app signs its tokens with its own INSFORGE_JWT_SECRET.
    let dir = app("kinde", &standin);
    let (code, out, err) = tool(
        dir.path(),
        &[
            "init",
            "--yes",
            "--table",
            "todos",
            "--setup",
            "--no-install",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    db.admin("insert into public.todos (user_id) values ('someone-else')");
    let verify = || tool(dir.path(), &["verify", "--json"]);
    assert_eq!(verify().0, 0);

    // A secret in .env.local that is not the project's: the backend refuses the app's tokens.
    let env = dir.path().join(".env.local");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(
        &env,
        text.replace(
            JWT_SECRET,
            "another-secret-of-the-same-length-0123456789abcdef",
        ),
    )
    .unwrap();
    let (code, out, _) = verify();
    assert_eq!(
        (code, failed(&out)),
        (1, vec!["token".to_string()]),
        "{out}"
    );
    std::fs::write(&env, &text).unwrap();

    // A policy that lets every signed-in user read every row, then one for anon.
    db.admin("create policy leak on public.todos for select to authenticated using (true)");
    let (code, out, _) = verify();
    assert_eq!(code, 1, "{out}");
    assert_eq!(failed(&out), ["isolation.public.todos"], "{out}");
    db.admin("drop policy leak on public.todos; create policy leak on public.todos for select to anon using (true)");
    let (code, out, _) = verify();
    assert_eq!(
        (code, failed(&out)),
        (1, vec!["anon.public.todos".to_string()]),
        "{out}"
    );
    db.admin("drop policy leak on public.todos");
    assert_eq!(verify().0, 0);

    // A dropped policy.
    db.admin("drop policy todos_delete_own on public.todos");
    let (code, out, _) = verify();
    assert_eq!(code, 1, "{out}");
    assert_eq!(failed(&out), ["policies.public.todos"], "{out}");
    let (_, human, _) = tool(dir.path(), &["verify"]);
    assert!(
        human.contains("FAIL policies.public.todos")
            && human.contains("no delete polic(ies) keyed on requesting_user_id()"),
        "{human}"
    );

    // The function gone (and with it what uses it).
    db.admin("drop function public.requesting_user_id() cascade");
    let (code, out, _) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(failed(&out).contains(&"function".to_string()), "{out}");
}

#[test]
fn verify_checks_clerks_template_when_the_key_is_there() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let _db = Db::create(&cluster, "verify_clerk", Backend::Current);
    let standin = StandIn::with_database(Arc::new(Project {
        psql: cluster.client(),
        db: "verify_clerk".into(),
    }));
    let clerk = crate::clerk_standin::ClerkStandIn::start();
    let dir = app("clerk", &standin);
    std::fs::write(
        dir.path().join(".env.local"),
        format!(
            "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY={}\n",
            crate::clerk_standin::SECRET_KEY
        ),
    )
    .unwrap();
    let args = [
        "init",
        "--yes",
        "--table",
        "todos",
        "--setup",
        "--no-install",
    ];
    let (code, out, err) = tool_with(dir.path(), &args, &clerk.url, None);
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, _) = tool_with(dir.path(), &["verify", "--json"], &clerk.url, None);
    assert_eq!(code, 0, "{out}");
    assert!(
        checks(&out).contains(&("clerk.template".to_string(), true)),
        "{out}"
    );
    // Someone changes the template's lifetime in the dashboard: verify names it.
    clerk.state.lock().unwrap().templates[0]["lifetime"] = serde_json::json!(3600);
    let (code, out, _) = tool_with(dir.path(), &["verify", "--json"], &clerk.url, None);
    assert_eq!(
        (code, failed(&out)),
        (1, vec!["clerk.template".to_string()]),
        "{out}"
    );
    clerk.state.lock().unwrap().templates.clear();
    let (code, out, _) = tool_with(dir.path(), &["verify"], &clerk.url, None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Clerk has no JWT template \"insforge\""),
        "{out}"
    );
}

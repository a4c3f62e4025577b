//! InsForge's database auth surface, reproduced on a throwaway cluster, and the migrations the
//! real `insforge-integrate` binary writes for a fixture app.
//!
//! Restated from InsForge's backend (its init script, migrations 045/047 and its migration
//! runner), since the backend itself does not run here:
//! - Roles: `anon` and `authenticated` (no login), and `project_admin` (not a superuser,
//!   BYPASSRLS, all rights on `public` and, by default privileges, on every table the
//!   database owner creates there: migration 045).
//! - Grants: `anon` and `authenticated` have select/insert/update/delete on every table in
//!   `public`, and default privileges give them the same on every table `project_admin`
//!   creates (modelled in every schema, the widest reading), and on the tables the database
//!   owner (DATABASE_URL's user) creates in `public`. So row-level security alone
//!   stands between users, and between `anon` and anyone's rows.
//! - `auth.jwt()` (jsonb of `request.jwt.claims`) and `auth.uid()`, which casts `sub` to uuid
//!   and so raises on a provider's string id.
//! - A migration is applied as the backend applies it: the guard rules first (with the
//!   `libpg-query` parser InsForge uses, through Node: `guard.cjs`), then one transaction on
//!   a superuser connection, under the advisory lock, with `SET LOCAL search_path TO public`
//!   and `SET LOCAL ROLE project_admin`, the whole file sent as one query.
//! - Each simulated request is one transaction that does `SET LOCAL ROLE authenticated` (or
//!   `anon`) and `set_config('request.jwt.claims', '<json>', true)`, as PostgREST does with
//!   the claims the backend forwards (`sub`, `role`, `email`, `iat`, `exp` only).
//!
//! Two backends: the current one ships `auth.jwt()`; the older one has no `auth.jwt()`.

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::pg::{Cluster, Out, Session, SUPERUSER};

/// The role migrations run as.
pub const ADMIN: &str = "project_admin";

/// Fixed time for the migration names: `20261128121826_…`.
const EPOCH: &str = "1795868306";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Ships `auth.jwt()` reading `request.jwt.claims`.
    Current,
    /// An older backend: no `auth.jwt()`.
    Legacy,
}

/// Who a simulated request runs as.
#[derive(Clone, Copy, Debug)]
pub enum As<'a> {
    /// A signed-in user: role `authenticated`, claims with this `sub`.
    User(&'a str),
    /// No token: role `anon`.
    Anon,
    /// Role `authenticated` with exactly these claims (JSON), e.g. without `sub`.
    Claims(&'a str),
}

/// Cluster-wide roles; once per cluster.
pub fn create_roles(cluster: &Cluster) {
    cluster.admin(
        "postgres",
        "create role anon nologin;
         create role authenticated nologin;
         create role project_admin login nosuperuser nocreatedb nocreaterole bypassrls;",
    );
}

/// A database shaped like an InsForge project's.
pub struct Db<'a> {
    pub cluster: &'a Cluster,
    pub name: String,
    pub backend: Backend,
    /// The superuser's connection: admin scripts, and requests (which set their role).
    superuser: RefCell<Session>,
    project_admin: RefCell<Session>,
}

impl<'a> Db<'a> {
    pub fn create(cluster: &'a Cluster, name: &str, backend: Backend) -> Self {
        cluster.admin("postgres", &format!("create database {name}"));
        let auth = match backend {
            Backend::Current => {
                "create function auth.jwt() returns jsonb language sql stable as $$
                   select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
                 $$;
                 create function auth.uid() returns uuid language sql stable as $$
                   select nullif(auth.jwt() ->> 'sub', '')::uuid
                 $$;
                 grant execute on function auth.jwt(), auth.uid() to anon, authenticated;"
            }
            // Before auth.jwt(): helpers read the dotted per-claim settings.
            Backend::Legacy => {
                "create function auth.uid() returns uuid language sql stable as $$
                   select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
                 $$;
                 grant execute on function auth.uid() to anon, authenticated;"
            }
        };
        cluster.admin(
            name,
            &format!(
                "grant create on database {name} to project_admin;
                 grant all on schema public to project_admin;
                 grant usage on schema public to anon, authenticated;
                 grant select, insert, update, delete on all tables in schema public
                   to anon, authenticated;
                 grant usage, select on all sequences in schema public to anon, authenticated;
                 alter default privileges in schema public
                   grant select, insert, update, delete on tables to anon, authenticated;
                 grant all privileges on all tables in schema public to project_admin;
                 alter default privileges in schema public
                   grant all privileges on tables to project_admin;
                 alter default privileges in schema public
                   grant all privileges on sequences to project_admin;
                 alter default privileges for role project_admin
                   grant select, insert, update, delete on tables to anon, authenticated;
                 alter default privileges for role project_admin
                   grant usage, select on sequences to anon, authenticated;
                 create schema auth;
                 grant usage on schema auth to anon, authenticated;
                 {auth}"
            ),
        );
        Db {
            cluster,
            name: name.to_string(),
            backend,
            superuser: RefCell::new(cluster.session(name, SUPERUSER)),
            project_admin: RefCell::new(cluster.session(name, ADMIN)),
        }
    }

    /// Run a script on the superuser's connection.
    pub fn raw(&self, script: &str) -> Out {
        self.superuser.borrow_mut().run(script)
    }

    /// Run as the superuser (sees every row); panic on error.
    #[track_caller]
    pub fn admin(&self, script: &str) -> String {
        self.raw(script).rows()
    }

    /// Run as `project_admin`.
    pub fn as_project_admin(&self, script: &str) -> Out {
        self.project_admin.borrow_mut().run(script)
    }

    /// Apply a migration file as InsForge's `db migrations up` does: the guard rules with
    /// `libpg-query` (a refusal is an error, and nothing runs), then the whole file as one
    /// query in one transaction on a superuser connection, under the runner's advisory lock,
    /// with `search_path` public and role `project_admin`.
    pub fn apply(&self, file: &Path) -> Out {
        let sql = fs::read_to_string(file).expect("read the migration");
        if let Err(refused) = crate::guard::check(file) {
            return Out::refused(refused);
        }
        self.cluster.psql_commands(
            &self.name,
            SUPERUSER,
            &[
                "begin",
                "select from pg_advisory_xact_lock(hashtext('system.custom_migrations'))",
                "set local search_path to public",
                "set local role project_admin",
                &sql,
                "commit",
            ],
        )
    }

    /// One simulated InsForge request: a transaction with the role and claims set.
    pub fn request(&self, who: As, body: &str) -> Out {
        self.raw(&request_script(who, body))
    }

    /// A request that must succeed: its output.
    #[track_caller]
    pub fn ok(&self, who: As, body: &str) -> String {
        self.request(who, body).rows()
    }

    /// A request that must fail: its error.
    #[track_caller]
    pub fn err(&self, who: As, body: &str) -> String {
        self.request(who, body).error()
    }
}

/// The claims InsForge forwards to PostgREST for this user, which PostgREST puts in
/// `request.jwt.claims`: the backend re-signs a short token holding only `sub`, `role` (and
/// `email` when the provider's token had one), with its own `iat` and `exp`.
pub fn claims_for(sub: &str) -> String {
    serde_json::json!({
        "sub": sub,
        "role": "authenticated",
        "iat": 4_102_444_500_u64,
        "exp": 4_102_444_800_u64,
    })
    .to_string()
}

/// `BEGIN; SET LOCAL ROLE …; set_config('request.jwt.claims', …, true); <body> COMMIT;`
pub fn request_script(who: As, body: &str) -> String {
    let (role, claims) = match who {
        As::User(sub) => ("authenticated", claims_for(sub)),
        As::Anon => ("anon", r#"{"role":"anon"}"#.to_string()),
        As::Claims(json) => ("authenticated", json.to_string()),
    };
    format!(
        "begin;\nset local role {role};\nselect set_config('request.jwt.claims', {}, true) \\g /dev/null\n{body}\ncommit;\n",
        literal(&claims)
    )
}

/// An SQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A fixture app after `insforge-integrate init --yes <args>`: its migrations, oldest first.
pub struct App {
    /// The app folder; removed on drop.
    pub dir: tempfile::TempDir,
    pub migrations: Vec<PathBuf>,
    /// What the run printed (the next steps among it).
    pub stdout: String,
}

impl App {
    /// `tests/fixtures/<fixture>` after `init --yes <args>`.
    pub fn init(fixture: &str, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        copy_dir(&source, dir.path());
        Self::init_in(dir, fixture, args)
    }

    /// The app in `dir` (`fixture` in messages) after `init --yes <args>`.
    pub fn init_in(dir: tempfile::TempDir, fixture: &str, args: &[&str]) -> Self {
        let out = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
            .env_clear()
            .env("HOME", dir.path())
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .arg("init")
            .arg(dir.path())
            .arg("--yes")
            .args(args)
            .output()
            .expect("run insforge-integrate");
        assert!(
            out.status.success(),
            "insforge-integrate init {fixture} {args:?} failed\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut migrations: Vec<PathBuf> = fs::read_dir(dir.path().join("migrations"))
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        migrations.sort();
        App {
            dir,
            migrations,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        }
    }

    /// The one migration whose name ends with `suffix`.
    #[track_caller]
    pub fn migration(&self, suffix: &str) -> &Path {
        let found: Vec<&PathBuf> = self
            .migrations
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one migration ending in {suffix:?}, got {:?}",
            self.migrations
        );
        found[0]
    }

    /// The `…-insforge-rls.sql` migration.
    #[track_caller]
    pub fn rls(&self) -> &Path {
        self.migration("-insforge-rls.sql")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

//! Better Auth keeps its users in the InsForge database, in schema `better_auth`. On a fresh
//! database: the bootstrap migration (the schema), then Better Auth's own migrate (its tables),
//! then the RLS migration, whose owner columns reference `better_auth."user"(id)` with
//! ON DELETE CASCADE.

use crate::insforge::{create_roles, literal, App, As, Backend, Db};
use crate::pg::Cluster;
use crate::proof::{apply_again, apply_twice, check_shape, fingerprint, prove_isolation, TODOS};

/// Better Auth's ids: 32 random letters and digits.
const A: &str = "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";
const B: &str = "OL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ";
/// Signed in with a still-valid token, but no longer (or never) in better_auth."user".
const GONE: &str = "TeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vU";

/// What `npx auth migrate` creates (Better Auth's core tables), run with DATABASE_URL's
/// user: the `postgres` login of the InsForge database, not `project_admin`.
const BETTER_AUTH_MIGRATE: &str = r#"
set search_path to better_auth, public;
create table "user" (
  "id" text not null primary key, "name" text not null, "email" text not null unique,
  "emailVerified" boolean not null, "image" text,
  "createdAt" timestamptz default current_timestamp not null,
  "updatedAt" timestamptz default current_timestamp not null
);
create table "session" (
  "id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique,
  "createdAt" timestamptz default current_timestamp not null, "updatedAt" timestamptz not null,
  "ipAddress" text, "userAgent" text,
  "userId" text not null references "user" ("id") on delete cascade
);
create table "account" (
  "id" text not null primary key, "accountId" text not null, "providerId" text not null,
  "userId" text not null references "user" ("id") on delete cascade,
  "accessToken" text, "refreshToken" text, "idToken" text,
  "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text,
  "password" text, "createdAt" timestamptz default current_timestamp not null,
  "updatedAt" timestamptz not null
);
create table "verification" (
  "id" text not null primary key, "identifier" text not null, "value" text not null,
  "expiresAt" timestamptz not null, "createdAt" timestamptz default current_timestamp not null,
  "updatedAt" timestamptz default current_timestamp not null
);
"#;

#[test]
fn better_auth_schema_fk_cascade_and_isolation() {
    for id in [A, B, GONE] {
        assert_eq!(id.len(), 32);
    }
    let cluster = Cluster::start();
    create_roles(&cluster);
    let app = App::init("better-auth", &["--table", "todos"]);
    assert_eq!(app.migrations.len(), 2, "{:?}", app.migrations);
    let bootstrap = app.migration("_better-auth-schema.sql");
    let rls = app.migration("_better-auth-insforge-rls.sql");
    assert!(
        bootstrap < rls,
        "the bootstrap must sort first: {:?}",
        app.migrations
    );

    for (name, backend) in [("current", Backend::Current), ("legacy", Backend::Legacy)] {
        let db = Db::create(&cluster, name, backend);

        // Out of order, the RLS migration fails and changes nothing: before the bootstrap...
        let empty = fingerprint(&db);
        let error = db.apply(rls).error();
        assert!(
            error.contains(r#"schema "better_auth" does not exist"#),
            "{error}"
        );
        assert_eq!(fingerprint(&db), empty);

        apply_twice(&db, bootstrap);
        assert_eq!(
            db.admin("select nspowner::regrole from pg_namespace where nspname = 'better_auth'"),
            "project_admin"
        );

        // ...and between the bootstrap and Better Auth's migrate.
        let bootstrapped = fingerprint(&db);
        let error = db.apply(rls).error();
        assert!(
            error.contains(r#"relation "better_auth.user" does not exist"#),
            "{error}"
        );
        assert_eq!(fingerprint(&db), bootstrapped);

        db.admin(BETTER_AUTH_MIGRATE);
        // Before the grant Better Auth's next steps print, project_admin (which applies
        // migrations) cannot reference a table DATABASE_URL's user owns.
        let error = db.apply(rls).error();
        assert!(
            error.contains("permission denied for table user"),
            "{error}"
        );
        let steps = &app.stdout;
        let grant = r#"grant references on better_auth."user" to project_admin"#;
        // The grant cannot live in a migration: run as project_admin, which does not own
        // the table, it is refused, and grants nothing.
        let in_a_migration = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(in_a_migration.path(), format!("{grant};\n")).unwrap();
        assert!(db
            .apply(in_a_migration.path())
            .error()
            .contains("permission denied for table user"));
        assert_eq!(
            db.admin(
                r#"select has_table_privilege('project_admin', 'better_auth."user"', 'references')"#
            ),
            "f"
        );
        assert!(
            steps.contains(grant),
            "the next steps must name the grant:\n{steps}"
        );
        db.admin(grant);
        db.admin(&format!(
            r#"insert into better_auth."user" (id, name, email, "emailVerified") values
                 ({}, 'A', 'a@example.com', true), ({}, 'B', 'b@example.com', true)"#,
            literal(A),
            literal(B)
        ));

        let applied = db.apply(rls);
        assert!(
            applied.ok,
            "{}",
            if applied.stderr.contains("permission denied for table user") {
                format!(
                    "project_admin, which applies migrations, cannot create the foreign key to \
                     better_auth.\"user\": Better Auth's migrate created that table as DATABASE_URL's \
                     user (postgres), and project_admin lacks REFERENCES on it. After `auth migrate`, \
                     run `grant references on better_auth.\"user\" to project_admin;` with \
                     DATABASE_URL (or run Better Auth's migrate as project_admin).\n{}",
                    applied.stderr
                )
            } else {
                applied.stderr
            }
        );
        apply_again(&db, rls);
        check_shape(&db, &TODOS);
        assert_eq!(
            db.admin(
                "select format('%s %s %s', confrelid::regclass, confdeltype, pg_get_constraintdef(oid))
                 from pg_constraint where conrelid = 'public.todos'::regclass and contype = 'f'"
            ),
            r#"better_auth."user" c FOREIGN KEY (user_id) REFERENCES better_auth."user"(id) ON DELETE CASCADE"#
        );
        // The data API serves better_auth, but neither anon nor a signed-in user can read
        // or write any of Better Auth's tables: no USAGE on the schema, whatever grants
        // InsForge gives.
        better_auth_is_out_of_reach(&db);

        prove_isolation(&db, &TODOS, A, B, 0, 0);
        // The chain: the bridge route's tokens, as InsForge forwards them.
        let root = app.dir.path();
        for (user, rows) in [(A, "3"), (B, "2")] {
            let claims =
                crate::chain::forwarded_claims(root, &root.join("src"), "better-auth", user)
                    .unwrap();
            let who = As::Claims(&claims);
            assert_eq!(db.ok(who, "select public.requesting_user_id();"), user);
            assert_eq!(db.ok(who, "select count(*) from public.todos;"), rows);
        }

        // A token for a user Better Auth does not know cannot own rows.
        assert!(db
            .err(As::User(GONE), &TODOS.insert())
            .contains(r#"violates foreign key constraint "todos_user_id_fkey""#));

        // Deleting a Better Auth user deletes their rows, and only theirs.
        db.admin(&format!(
            r#"delete from better_auth."user" where id = {}"#,
            literal(B)
        ));
        assert_eq!(
            db.admin(&format!(
                "select count(*) filter (where user_id = {}) || ' ' || count(*) from public.todos",
                literal(A)
            )),
            "3 3"
        );
        assert_eq!(
            db.ok(As::User(B), "select count(*) from public.todos;"),
            "0"
        );
        assert_eq!(
            db.ok(As::User(A), "select count(*) from public.todos;"),
            "3"
        );
    }
}

/// The app's own Better Auth on Prisma: the owned table references the `User` model's table
/// where the Prisma schema puts it (`public."user"`), once project_admin may reference it.
#[test]
fn better_auth_on_prisma_references_its_user_table() {
    // What `prisma migrate` creates for Better Auth's schema, as DATABASE_URL's user.
    rows_go_with_their_user(
        "brownfield/better-auth-prisma",
        r#"create table public."user" (id text primary key, name text not null, email text not null unique,
             "emailVerified" boolean not null, image text, "createdAt" timestamp(3) not null default now(),
             "updatedAt" timestamp(3) not null default now())"#,
        r#"public."user""#,
        r#""emailVerified""#,
    );
}

/// On Drizzle with `usePlural`, the table its schema exports as `users`.
#[test]
fn better_auth_on_drizzle_references_its_user_table() {
    // What `drizzle-kit push` creates from the fixture's src/db/schema.ts.
    rows_go_with_their_user(
        "brownfield/better-auth-drizzle",
        r#"create table public.users (id text primary key, name text not null, email text not null unique,
             email_verified boolean default false not null, image text,
             created_at timestamp default now() not null, updated_at timestamp default now() not null)"#,
        "public.users",
        "email_verified",
    );
}

/// On a pg Pool (Better Auth's Kysely adapter), the `"user"` table its migrate creates.
#[test]
fn better_auth_on_a_pg_pool_references_its_user_table() {
    // What `auth migrate` creates for the core schema in public.
    rows_go_with_their_user(
        "brownfield/better-auth-nested",
        r#"create table public."user" (id text primary key, name text not null, email text not null unique,
             "emailVerified" boolean not null, image text, "createdAt" timestamptz not null default now(),
             "updatedAt" timestamptz not null default now())"#,
        r#"public."user""#,
        r#""emailVerified""#,
    );
}

/// The app's own user table in public, created as DATABASE_URL's user: the migration's
/// foreign key applies (InsForge lets project_admin reference the owner's public tables),
/// and owned rows go with their user.
fn rows_go_with_their_user(fixture: &str, create_users: &str, users: &str, verified: &str) {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let app = App::init(fixture, &["--table", "todos"]);
    assert_eq!(
        app.migrations.len(),
        1,
        "no bootstrap: {:?}",
        app.migrations
    );
    let rls = app.rls();
    let sql = std::fs::read_to_string(rls).unwrap();
    assert!(
        sql.contains(&format!("references {users}(id) on delete cascade")),
        "{sql}"
    );
    let db = Db::create(&cluster, "own_users", Backend::Current);
    db.admin(create_users);
    // In public, Better Auth's tables are served to anon like any public table, until the
    // revoke the steps print.
    assert_eq!(
        db.ok(As::Anon, &format!("select count(*) from {users};")),
        "0"
    );
    let revoke = app
        .stdout
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("psql \"$DATABASE_URL\" -c 'revoke all on ")
        })
        .unwrap_or_else(|| panic!("no revoke in the steps:\n{}", app.stdout))
        .trim_end_matches('\'')
        .to_string();
    let (tables, _) = revoke.split_once(" from ").unwrap();
    for table in tables.split(", ").filter(|t| *t != users) {
        db.admin(&format!("create table {table} (id text primary key)"));
    }
    db.admin(&format!("revoke all on {revoke}"));
    for table in tables.split(", ") {
        for who in [As::Anon, As::User(A)] {
            assert!(db
                .err(who, &format!("select count(*) from {table};"))
                .contains("permission denied for table"));
        }
    }
    // In public, InsForge's default privileges (its migration 045) already let project_admin
    // reference the database owner's tables: no grant is needed, and none is printed.
    assert!(users.starts_with("public."), "{users}");
    assert!(!app.stdout.contains("grant references"), "{}", app.stdout);
    db.admin(&format!(
        "insert into {users} (id, name, email, {verified}) values ({}, 'A', 'a@example.com', true)",
        literal(A)
    ));
    apply_twice(&db, rls);
    db.ok(As::User(A), "insert into public.todos default values;");
    assert_eq!(db.admin("select count(*) from public.todos"), "1");
    db.admin(&format!("delete from {users} where id = {}", literal(A)));
    assert_eq!(
        db.admin("select count(*) from public.todos"),
        "0",
        "rows go with their user"
    );
}

/// A better_auth schema someone already opened to the data API (as InsForge's docs show for
/// a schema of one's own: USAGE and table rights for anon and authenticated) is closed again
/// by the bootstrap migration.
#[test]
fn better_auth_schema_opened_before_is_closed_by_the_bootstrap() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let app = App::init("better-auth", &["--table", "todos"]);
    let db = Db::create(&cluster, "opened", Backend::Current);
    let opened = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        opened.path(),
        "create schema better_auth;\ngrant usage on schema better_auth to anon, authenticated;\n",
    )
    .unwrap();
    db.apply(opened.path()).rows();
    apply_twice(&db, app.migration("_better-auth-schema.sql"));
    db.admin(BETTER_AUTH_MIGRATE);
    db.admin("grant select, insert, update, delete on all tables in schema better_auth to anon, authenticated");
    better_auth_is_out_of_reach_by_request(&db);
}

/// Better Auth's tables, after its migrate, are out of reach of `anon` and `authenticated`:
/// every read and write is refused, and neither role holds any right on them.
fn better_auth_is_out_of_reach(db: &Db) {
    for table in ["user", "session", "account", "verification"] {
        let q = format!("better_auth.\"{table}\"");
        for role in ["anon", "authenticated"] {
            assert_eq!(
                db.admin(&format!(
                    "select has_schema_privilege('{role}', 'better_auth', 'usage') or has_any_column_privilege('{role}', '{q}', 'select, insert, update, references')"
                )),
                "f",
                "{role} on {q}"
            );
        }
    }
    better_auth_is_out_of_reach_by_request(db);
}

/// Every read and write of Better Auth's tables, as `anon` or a signed-in user, is refused.
fn better_auth_is_out_of_reach_by_request(db: &Db) {
    for table in ["user", "session", "account", "verification"] {
        let q = format!("better_auth.\"{table}\"");
        for statement in [
            format!("select count(*) from {q};"),
            format!("insert into {q} (id) values ('x');"),
            format!("update {q} set id = id;"),
            format!("delete from {q};"),
        ] {
            for who in [As::Anon, As::User(A)] {
                let error = db.err(who, &statement);
                assert!(
                    error.contains("permission denied for schema better_auth"),
                    "{who:?}: {statement}\n{error}"
                );
            }
        }
    }
}

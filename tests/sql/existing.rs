//! `--existing`: the tables are there, with rows. The migration only adds the function, the
//! owner default, an index, the policies and the grants; it never creates a table, and it
//! refuses an owner column that is not text before changing anything.

use crate::insforge::{create_roles, literal, App, Backend, Db};
use crate::pg::Cluster;
use crate::proof::{apply_twice, check_shape, fingerprint, prove_isolation, Owned};

const A: &str = "user_2xPnG8KxVQrLmN3oP4qR5sT6uV7";
const B: &str = "user_2yQoH9LyWRsMnO4pQ5rS6tU7vW8";
const C: &str = "user_2zRpI0MzXStNoP5qR6sT7uV8wX9";

/// The project's tables before the integration, created the way its migrations created them
/// (as project_admin): a serial id, an identity id, and rows from three users.
fn existing_tables(db: &Db) {
    db.as_project_admin(
        "create table public.todos (
           id bigserial primary key,
           owner text not null,
           title text not null,
           created_at timestamptz not null default now()
         );
         create table public.notes (
           id bigint generated always as identity primary key,
           owner text,
           body text not null default ''
         );",
    )
    .rows();
    db.admin(&format!(
        "insert into public.todos (owner, title) values
           ({a}, 'a1'), ({a}, 'a2'), ({a}, 'a3'), ({b}, 'b1'), ({b}, 'b2'), ({c}, 'c1');
         insert into public.notes (owner, body) values ({a}, 'a'), ({b}, 'b');",
        a = literal(A),
        b = literal(B),
        c = literal(C)
    ));
}

#[test]
fn existing_tables_keep_their_rows_and_get_isolated() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let app = App::init(
        "workos",
        &[
            "--table",
            "todos",
            "--table",
            "notes",
            "--existing",
            "--owner-column",
            "owner",
        ],
    );
    let sql = std::fs::read_to_string(app.rls()).unwrap();
    assert!(
        !sql.to_lowercase().contains("create table"),
        "--existing must not create tables:\n{sql}"
    );
    assert!(sql.contains(
        "alter table public.todos alter column owner set default public.requesting_user_id();"
    ));

    let db = Db::create(&cluster, "current", Backend::Current);
    existing_tables(&db);
    let rows_before = db.admin("select count(*) from public.todos");
    apply_twice(&db, app.rls());
    assert_eq!(db.admin("select count(*) from public.todos"), rows_before);

    let todos = Owned {
        qualified: "public.todos",
        relname: "todos",
        owner: "owner",
        cols: "title",
        vals: "'t'",
    };
    let notes = Owned {
        qualified: "public.notes",
        relname: "notes",
        owner: "owner",
        cols: "body",
        vals: "'n'",
    };
    for t in [&todos, &notes] {
        check_shape(&db, t);
    }
    prove_isolation(&db, &todos, A, B, 3, 2);
    prove_isolation(&db, &notes, A, B, 1, 1);
    // C, who has not signed in, still has the one row, which nobody else saw.
    assert_eq!(
        db.admin(&format!(
            "select count(*) from public.todos where owner = {}",
            literal(C)
        )),
        "1"
    );
}

#[test]
fn existing_owner_column_must_be_text() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let db = Db::create(&cluster, "current", Backend::Current);
    db.as_project_admin(
        "create table public.todos (id uuid primary key default gen_random_uuid(), user_id uuid not null);
         create table public.notes (id uuid primary key default gen_random_uuid(), author text);
         insert into public.todos (user_id) values (gen_random_uuid());",
    )
    .rows();
    let before = fingerprint(&db);

    // A uuid owner column: refused, and the whole migration rolls back.
    let app = App::init("kinde", &["--table", "todos", "--existing"]);
    let error = db.apply(app.rls()).error();
    assert!(
        error.contains("todos.user_id must exist and be of type text"),
        "{error}"
    );
    assert_eq!(fingerprint(&db), before);

    // A missing owner column: refused the same way.
    let app = App::init("kinde", &["--table", "notes", "--existing"]);
    let error = db.apply(app.rls()).error();
    assert!(
        error.contains("notes.user_id must exist and be of type text"),
        "{error}"
    );
    assert_eq!(fingerprint(&db), before);
}

/// A table whose owner column leads an index already (a profile keyed by the user id, its
/// primary key) gets no second index on it; one whose owner column has none gets one.
#[test]
fn an_owner_column_that_leads_an_index_gets_no_second_one() {
    let cluster = Cluster::start();
    create_roles(&cluster);
    let app = App::init(
        "clerk",
        &[
            "--table",
            "profiles",
            "--table",
            "notes",
            "--existing",
            "--owner-column",
            "id",
        ],
    );
    let db = Db::create(&cluster, "indexed", Backend::Current);
    db.as_project_admin(
        "create table public.profiles (id text primary key, bio text not null default '');
         create table public.notes (note_id bigserial primary key, id text, body text);",
    )
    .rows();
    apply_twice(&db, app.rls());
    let indexes = |table: &str| {
        db.admin(&format!(
            "select string_agg(indexname, ',' order by indexname) from pg_indexes where schemaname = 'public' and tablename = '{table}'"
        ))
    };
    assert_eq!(indexes("profiles"), "profiles_pkey");
    assert_eq!(indexes("notes"), "notes_id_idx,notes_pkey");
}

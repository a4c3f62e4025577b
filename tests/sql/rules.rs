//! InsForge's migration rules, as `guard.cjs` restates them with `libpg-query`.

use crate::guard::check;

/// The guard refuses what InsForge refuses, and passes the shapes migrations need.
#[test]
fn guard_refuses_what_insforge_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let run = |sql: &str| {
        let file = dir.path().join("m.sql");
        std::fs::write(&file, sql).unwrap();
        check(&file)
    };
    for sql in [
        "-- uses set_config('request.jwt.claims', …)\nselect 1;",
        "begin;\ncreate table t (id int);\ncommit;",
        "set local role project_admin;",
        "set search_path to x;",
        "set statement_timeout = 0;",
        "reset all;",
        "create role r;",
        "grant project_admin to anon;",
        "alter database postgres set search_path = x;",
        "create tabel t ();",
    ] {
        assert!(run(sql).is_err(), "{sql:?} passed");
    }
    for sql in [
        "create table public.t (id int);\ngrant select on public.t to authenticated;",
        "do $$ begin perform 1; end $$;",
        "create policy p on public.t for select to authenticated using (true);",
    ] {
        assert_eq!(run(sql), Ok(()), "{sql:?}");
    }
}

/// The tool's own guard (`src/guard.rs`, run on every migration it renders) refuses all that
/// InsForge's parser-based rules refuse, on inputs built to slip past a lexer, and both accept
/// what migrations need.
#[test]
fn the_tools_guard_refuses_what_insforges_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.sql");
    let refused = [
        "-- set_config in a comment\nselect 1;",
        "begin;\nselect 1;\ncommit;",
        "start transaction;",
        "set local role project_admin;",
        "set local session authorization anon;",
        "SET SESSION SESSION AUTHORIZATION postgres;",
        "set \"role\" to 'anon';",
        "set local \"search_path\" = x;",
        "reset \"role\";",
        "set statement_timeout = 0;",
        "reset all;",
        "create table a$x$ (id int); set role postgres; create table b$x$ (id int);",
        "select name'\\'; set role anon; select '\\';",
        "select 1 /* unterminated",
        "create role r;",
        "alter role anon set search_path = x;",
        "grant project_admin to anon;",
        "alter database postgres set search_path = x;",
    ];
    for sql in refused {
        std::fs::write(&file, sql).unwrap();
        assert!(check(&file).is_err(), "InsForge's rules accept {sql:?}");
        assert!(
            insforge_integrate::guard::check(sql).is_err(),
            "the tool's guard accepts {sql:?}, which InsForge refuses"
        );
    }
    for sql in [
        "create or replace function public.f() returns text language sql stable as $$ select 'begin; set role x' $$;",
        "do $body$ begin perform 1; end $body$;",
        "grant select, insert on public.t to authenticated;",
        "revoke all on schema better_auth from public, anon, authenticated;",
        "comment on table public.t is 'commit; set role x';",
        "create table public.\"Notes\" (id int);",
    ] {
        std::fs::write(&file, sql).unwrap();
        assert_eq!(check(&file), Ok(()), "InsForge's rules refuse {sql:?}");
        assert_eq!(insforge_integrate::guard::check(sql).map_err(|r| r.to_string()), Ok(()), "{sql:?}");
    }
}

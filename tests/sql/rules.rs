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

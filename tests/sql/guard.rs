//! InsForge's migration rules, checked with the parser its backend uses (`guard.cjs`, run by
//! Node with `libpg-query` from `tests/typecheck/node`).

use std::path::Path;
use std::process::Command;

/// `Ok` when InsForge's runner would accept the file, else why not.
pub fn check(file: &Path) -> Result<(), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql/guard.cjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node (tests/sql needs Node and `npm ci` in tests/typecheck/node): {e}"
            )
        });
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(said),
        _ => panic!(
            "guard.cjs failed (run `npm ci` in tests/typecheck/node):\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

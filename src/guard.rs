//! The rules InsForge's backend applies to a migration before it runs it
//! (`db migrations up`): the SQL must not mention `set_config` anywhere (comments included),
//! and no statement may manage the transaction (BEGIN, COMMIT…), change the role, the
//! `search_path` or `statement_timeout`, `RESET ALL`, manage roles, or alter the database.
//! The backend runs the whole file in its own transaction as `project_admin` with
//! `search_path` public; these statements would break out of that.
//!
//! Every migration the tool renders is checked here before it is planned, so a template edit
//! can never produce a file InsForge refuses. The check reads statements the way Postgres
//! splits them: comments, quoted strings, quoted identifiers and dollar-quoted bodies are
//! never taken for statement starts. It is stricter than the backend where that costs
//! nothing (`RESET ROLE`, `SET SESSION AUTHORIZATION`, `SET SCHEMA`).

use std::fmt;

/// A rule a migration breaks: which, and the statement's first words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub rule: &'static str,
    pub statement: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.rule, self.statement)
    }
}

/// Whether InsForge's migration runner would accept `sql`.
pub fn check(sql: &str) -> Result<(), Refused> {
    if sql.to_ascii_lowercase().contains("set_config") {
        return Err(Refused {
            rule: "set_config is refused anywhere in a migration, comments included",
            statement: "set_config".into(),
        });
    }
    for words in statements(sql).map_err(|rule| Refused {
        rule,
        statement: String::new(),
    })? {
        if let Some(rule) = refused(&words) {
            return Err(Refused {
                rule,
                statement: words.iter().take(4).cloned().collect::<Vec<_>>().join(" "),
            });
        }
    }
    Ok(())
}

/// Whether `name` is a file name the InsForge CLI applies: `^\d{1,64}_[a-z0-9-]+\.sql$`.
pub fn file_name_ok(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".sql") else {
        return false;
    };
    let Some((version, rest)) = stem.split_once('_') else {
        return false;
    };
    (1..=64).contains(&version.len())
        && version.bytes().all(|b| b.is_ascii_digit())
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn refused(words: &[String]) -> Option<&'static str> {
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    // `SET [SESSION | LOCAL]… name …` (`SET LOCAL SESSION AUTHORIZATION` too), `RESET name`.
    let setting = |from: usize| {
        let mut i = from;
        while matches!(w(i), "session" | "local") {
            i += 1;
        }
        w(i)
    };
    match w(0) {
        "begin" | "start" | "commit" | "end" | "rollback" | "abort" | "savepoint" | "release" => {
            Some("a migration cannot manage its own transaction")
        }
        "prepare" if w(1) == "transaction" => Some("a migration cannot manage its own transaction"),
        "set" => match setting(1) {
            "role" | "authorization" => Some("a migration cannot change its role"),
            "search_path" | "schema" => Some("a migration cannot change search_path"),
            "statement_timeout" => Some("a migration cannot change statement_timeout"),
            "transaction" | "characteristics" => {
                Some("a migration cannot manage its own transaction")
            }
            _ => None,
        },
        "reset" => match setting(1) {
            "all" => Some("a migration cannot RESET ALL"),
            "role" | "authorization" => Some("a migration cannot change its role"),
            "search_path" => Some("a migration cannot change search_path"),
            "statement_timeout" => Some("a migration cannot change statement_timeout"),
            _ => None,
        },
        "create" | "alter" | "drop" if matches!(w(1), "role" | "user" | "group") => {
            // `create user mapping` is not a role.
            (w(2) != "mapping").then_some("a migration cannot manage roles")
        }
        "alter" | "create" | "drop" if w(1) == "database" => {
            Some("a migration cannot alter, create or drop a database")
        }
        // `grant <role> to …` / `revoke <role> from …`: no `on` before `to`/`from`.
        "grant" | "revoke" => {
            let mut role_grant = false;
            for word in &words[1..] {
                match word.as_str() {
                    "on" => break,
                    "to" | "from" => {
                        role_grant = true;
                        break;
                    }
                    _ => {}
                }
            }
            role_grant.then_some("a migration cannot manage roles")
        }
        _ => None,
    }
}

/// The statements of `sql`, each as its words, lower-cased. A quoted identifier is the word
/// it quotes (`"role"` is `role`: setting names ignore case and quotes); strings and bodies
/// are words of their own and never split a statement. SQL that ends inside a comment,
/// string, quoted identifier or body does not parse, and is refused as the backend does.
fn statements(sql: &str) -> Result<Vec<Vec<String>>, &'static str> {
    const UNTERMINATED: &str =
        "the migration does not parse (it ends inside a comment, string or body)";
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Comments nest in Postgres.
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                if depth > 0 {
                    return Err(UNTERMINATED);
                }
            }
            b'\'' => {
                // E'…' strings take backslash escapes; '' is a quote in both. The E is a word
                // of its own (`name'…'` is not an E-string).
                let escapes =
                    i > 0 && matches!(bytes[i - 1], b'e' | b'E') && (i < 2 || !ident(bytes[i - 2]));
                i = closing(bytes, i + 1, b'\'', escapes).ok_or(UNTERMINATED)? + 1;
                current.push("'…'".into());
            }
            b'"' => {
                let start = i + 1;
                i = closing(bytes, start, b'"', false).ok_or(UNTERMINATED)?;
                current.push(sql[start..i].replace("\"\"", "\"").to_ascii_lowercase());
                i += 1;
            }
            // `$tag$ … $tag$` (not a `$` inside a name like `a$x`, nor a parameter `$1`).
            b'$' if i == 0 || !ident(bytes[i - 1]) => {
                let tag_end = bytes[i + 1..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                    .map(|p| i + 1 + p);
                match tag_end {
                    Some(end)
                        if bytes[end] == b'$'
                            && bytes.get(i + 1).is_some_and(|b| !b.is_ascii_digit()) =>
                    {
                        let tag = &sql[i..=end];
                        let body = end + 1;
                        let Some(p) = sql[body..].find(tag) else {
                            return Err(UNTERMINATED);
                        };
                        i = body + p + tag.len();
                        current.push("$…$".into());
                    }
                    _ => i += 1,
                }
            }
            b';' => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && ident(bytes[i]) {
                    i += 1;
                }
                // `E'…'`: the prefix belongs to the string that follows.
                if !(i - start == 1 && bytes.get(i) == Some(&b'\'')) {
                    current.push(sql[start..i].to_ascii_lowercase());
                }
            }
            _ => i += 1,
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    Ok(out)
}

/// Where the quote that closes a quoted run starting at `from` is (a doubled quote is one
/// quote character; with `backslash`, a backslash escapes the next byte), if it is closed.
fn closing(bytes: &[u8], from: usize, quote: u8, backslash: bool) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if backslash && bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i] == quote {
            if bytes.get(i + 1) != Some(&quote) {
                return Some(i);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_insforge_refuses_is_refused() {
        for sql in [
            "-- set_config('request.jwt.claims', …) is how InsForge passes claims\nselect 1;",
            "select SET_CONFIG('a', 'b', true);",
            "begin; create table t (id int); commit;",
            "create table t (id int);\nCOMMIT;",
            "start transaction;",
            "rollback;",
            "savepoint a;",
            "set role project_admin;",
            "SET LOCAL ROLE authenticated;",
            "set session authorization postgres;",
            "set search_path to better_auth, public;",
            "set local search_path = public;",
            "set schema 'x';",
            "set statement_timeout = 0;",
            "reset all;",
            "reset role;",
            "create role app login;",
            "alter role anon set search_path = x;",
            "drop user x;",
            "grant project_admin to anon;",
            "revoke authenticated from anon;",
            "alter database app set search_path = x;",
            // Found by review: a second SESSION, quoted names, `$` in a name taken for a
            // body, a name ending in e taken for an E-string, SQL that does not parse.
            "set local session authorization anon;",
            "SET SESSION SESSION AUTHORIZATION x;",
            "set \"role\" to 'anon';",
            "set local \"Search_Path\" = x;",
            "reset \"role\";",
            "create table a$x$ (id int); set role postgres; create table b$x$ (id int);",
            "select name'\\'; set role anon; select '\\';",
            "select 1 /* unterminated",
            "select 'unterminated;",
            "create function f() returns int language sql as $$ select 1;",
            "create database other;",
        ] {
            assert!(check(sql).is_err(), "{sql:?} passed");
        }
    }

    #[test]
    fn what_migrations_need_passes() {
        for sql in [
            "create or replace function public.requesting_user_id() returns text language sql stable as $$\n  select nullif(current_setting('request.jwt.claims', true)::jsonb ->> 'sub', '')\n$$;",
            "grant select, insert, update, delete on public.todos to authenticated;",
            "grant usage on schema public to authenticated;",
            "revoke all on all tables in schema better_auth from anon, authenticated;",
            "grant references on better_auth.\"user\" to project_admin;",
            "create policy \"begin\" on public.t for select to authenticated using (true);",
            "comment on table public.t is 'set role; begin; commit';",
            "create function f() returns void language plpgsql as $body$ begin perform 1; end $body$;",
            "create user mapping for current_user server s;",
            "alter table public.t enable row level security;",
            "notify pgrst, 'reload schema';",
            "select E'it''s \\' ; commit';",
            "/* a /* nested */ begin; */ select 1;",
        ] {
            assert_eq!(check(sql), Ok(()), "{sql:?}");
        }
    }

    #[test]
    fn file_names_as_the_cli_applies_them() {
        assert!(file_name_ok("20261201120000_clerk-insforge-rls.sql"));
        assert!(file_name_ok("1_a.sql"));
        for bad in [
            "20261201120000_Clerk.sql",
            "x_clerk.sql",
            "20261201120000-clerk.sql",
            "20261201120000_.sql",
            "20261201120000_clerk_rls.sql",
            &format!("{}_a.sql", "1".repeat(65)),
        ] {
            assert!(!file_name_ok(bad), "{bad}");
        }
    }
}

//! `verify`: prove the integration against the linked InsForge project, as a checklist. The
//! migrations the tool wrote are applied there; `requesting_user_id()` and each table's
//! policies are there (read through the admin SQL endpoint, read-only); a token signed as the
//! app signs it (the app's own secret, or for Clerk and Auth0 the project's, which their
//! dashboards hold) is accepted by the data API; a new user sees none of the table's rows and
//! `anon` none either; with `--write`, a row inserted as a test user gets that user as its
//! owner, is seen by nobody else, and is deleted again. Nothing is left behind and no secret
//! is printed. Exit 0 only when every check holds.

use std::io::Write;

use anyhow::Result;
use serde_json::{json, Value};

use crate::change::{Detail, Kind};
use crate::commands::pipeline::{self, Environment, Prepared};
use crate::error::Error;
use crate::prompt::Silent;
use crate::remote::insforge::{encode, Client};
use crate::remote::token;
use crate::report::human;
use crate::report::json::{self as document, Verification, VerifyCheck};
use crate::request::{Command, Request};
use crate::resolve::ANON_KEY_VAR;
use crate::table::Table;

/// How long the test tokens live: long enough for the checks, no longer.
const LIFETIME: u64 = 300;

pub fn verify(request: &Request, env: Environment, out: &mut dyn Write) -> Result<()> {
    let Environment {
        paint,
        now,
        mut json,
        ..
    } = env;
    let Command::Verify { write } = request.command else {
        unreachable!("run sends verify requests here")
    };
    pipeline::app_folder(&request.root)?;
    let mut silent = Silent;
    let Prepared {
        project,
        answers,
        rendered,
        plan,
        ..
    } = pipeline::prepare(request, &mut silent, now, paint, out)?;
    let Some(link) = &project.link else {
        return Err(Error::InvalidArgument(format!(
            "verify works with the app's linked InsForge project, and this app has no {}: run `npx @insforge/cli link` in the app first (then init's setup applies the migrations)",
            crate::detect::link::FILE
        ))
        .into());
    };
    let client = Client::new(link)?;
    let mut checks = Checks::default();

    // The migrations the tool wrote, applied there.
    let migrations: Vec<(&str, String)> = plan
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Migration)
        .filter_map(|c| match &c.detail {
            Detail::Migration { version } => Some((version.as_str(), c.display_path())),
            _ => None,
        })
        .collect();
    let applied = client.migrations("listing the applied migrations")?;
    let pending: Vec<&(&str, String)> = migrations
        .iter()
        .filter(|(v, _)| !applied.iter().any(|a| a.version == *v))
        .collect();
    match (migrations.is_empty(), pending.is_empty()) {
        (true, _) => checks.fail("migrations", "the app has no migration the tool wrote: run `insforge-integrate init`".into()),
        (false, true) => checks.pass("migrations", format!("{} applied ({})", migrations.len(), migrations.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join(", "))),
        (false, false) => checks.fail("migrations", format!(
            "not applied on the project: {} (run `insforge-integrate init --setup`, or `npx -y @insforge/cli db migrations up <version>` for each)",
            pending.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }

    // The function, as the migration creates it.
    let function = client.query(
        "reading requesting_user_id()",
        "select pg_get_function_result(p.oid) as result from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname = 'requesting_user_id' and p.pronargs = 0",
    )?;
    match function.first().and_then(|r| r["result"].as_str()) {
        Some("text") => checks.pass("function", "public.requesting_user_id() returns text".into()),
        Some(other) => checks.fail("function", format!("public.requesting_user_id() returns {other}, not text: provider user ids are text")),
        None => checks.fail("function", "public.requesting_user_id() is missing: apply the migration (`insforge-integrate init --setup`)".into()),
    }

    let tables = &rendered.tables;
    for t in tables {
        policies(&client, t, &mut checks)?;
    }

    // The provider's JWT template (Clerk's), when the app's key is at hand.
    if let (Some(t), Some((api_url, key))) = (
        answers.provider.jwt_template.as_ref(),
        crate::remote::clerk::credentials(&project),
    ) {
        if let Some(wanted) = crate::remote::clerk::wanted(t) {
            let clerk = crate::remote::clerk::Clerk::new(api_url.as_deref(), key)?;
            match clerk.find(&wanted.name)? {
                None => checks.fail("clerk.template", format!("Clerk has no JWT template {:?}, which lib/insforge.ts asks for: run `insforge-integrate init --setup` (with CLERK_SECRET_KEY), or make it in Clerk's dashboard", wanted.name)),
                Some(found) => {
                    let diff = crate::remote::clerk::differences(&found, &wanted);
                    if diff.is_empty() {
                        checks.pass("clerk.template", format!("Clerk's JWT template {:?}: HS256 with a custom signing key, claims {}, lifetime {} s (the signing key cannot be read back)", wanted.name, wanted.claims, wanted.lifetime));
                    } else {
                        checks.fail("clerk.template", format!("Clerk's JWT template {:?} differs from what lib/insforge.ts expects: {} (`insforge-integrate init --setup --on-conflict overwrite` updates it)", wanted.name, diff.join("; ")));
                    }
                }
            }
        }
    }

    // The data path: a token for a new user, signed as the app signs it.
    let secret = signing_secret(&project, &answers, &client)?;
    let (secret, whose) = match secret {
        Ok(found) => found,
        Err(why) => {
            checks.fail("token", why);
            return finish(
                out,
                json.as_mut(),
                (&project, &answers, &plan),
                client.host(),
                (checks, write),
                paint,
            );
        }
    };
    // The tokens' clock is the real one (SOURCE_DATE_EPOCH pins migration versions only).
    let now_s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let user = token::test_user()?;
    let bearer = token::mint(&secret, &user, now_s, LIFETIME);
    let anon = match project
        .env
        .get(ANON_KEY_VAR)
        .filter(|(file, v)| !v.is_empty() && !crate::detect::is_example_env(file))
    {
        Some((_, key)) => key.clone(),
        None => client.anon_key("fetching the anon key")?,
    };
    let secrets = [secret.as_str(), bearer.as_str(), anon.as_str()];
    if let Some(first) = tables.first() {
        let (status, body) = client.records(
            "reading as a test user",
            "GET",
            &bearer,
            (&first.schema, &first.name),
            "select=*&limit=10",
            None,
        )?;
        if (200..300).contains(&status) {
            checks.pass(
                "token",
                format!("the data API accepts a token signed with {whose} for a new user ({user})"),
            );
        } else {
            checks.fail("token", redact(&format!(
                "the data API refuses a token signed with {whose} ({status}: {}): {}",
                Client::said(&body),
                if whose.starts_with("the project's") { "the backend does not take its own secret's tokens: is the link's project the app's?".to_string() } else { format!("it is not the project's JWT secret; put that in .env.local as {} (`npx -y @insforge/cli secrets get JWT_SECRET`)", answers.env_names.jwt_secret) }
            ), &secrets));
        }
        for t in tables {
            if !checks.passed("token") {
                break;
            }
            isolation(&client, t, &bearer, &anon, &mut checks, &secrets)?;
            if write && !references(&client, t, &mut checks)? {
                insert_and_delete(&client, t, (&secret, now_s), &anon, &mut checks, &secrets)?;
            }
        }
    } else {
        checks.notes.push(
            "no table is protected (no --table was given to init): the data checks need one".into(),
        );
    }
    finish(
        out,
        json.as_mut(),
        (&project, &answers, &plan),
        client.host(),
        (checks, write),
        paint,
    )
}

/// The checklist, as it fills.
#[derive(Default)]
struct Checks {
    list: Vec<VerifyCheck>,
    notes: Vec<String>,
}

impl Checks {
    fn pass(&mut self, id: &str, text: String) {
        self.list.push(VerifyCheck {
            id: id.into(),
            passed: true,
            text,
        });
    }
    fn fail(&mut self, id: &str, text: String) {
        self.list.push(VerifyCheck {
            id: id.into(),
            passed: false,
            text,
        });
    }
    fn passed(&self, id: &str) -> bool {
        self.list.iter().any(|c| c.id == id && c.passed)
    }
}

fn finish(
    out: &mut dyn Write,
    json: Option<&mut &mut dyn Write>,
    (project, answers, plan): (
        &crate::detect::Project,
        &crate::resolve::Answers,
        &crate::change::Plan,
    ),
    host: &str,
    (checks, write): (Checks, bool),
    paint: human::Paint,
) -> Result<()> {
    let failed = checks.list.iter().filter(|c| !c.passed).count();
    human::verify(out, host, &checks.list, &checks.notes, paint)?;
    if let Some(json) = json {
        let mut doc = document::document(
            document::Command::Verify,
            project,
            Some(answers.provider),
            plan,
            false,
            None,
        );
        doc.notes = checks.notes.clone();
        doc.verify = Some(Verification {
            passed: failed == 0,
            write,
            host: host.to_string(),
            checks: checks.list,
        });
        crate::report::json::print(*json, &doc)?;
    }
    if failed > 0 {
        return Err(Error::VerifyFailed(failed).into());
    }
    Ok(())
}

/// The secret the app's tokens are signed with: the app's own (`.env.local` and the other
/// env files Next.js loads) for the providers whose app signs, else the project's (what
/// Clerk's template and Auth0's Action hold). `Err` is the check's failure text.
fn signing_secret(
    project: &crate::detect::Project,
    answers: &crate::resolve::Answers,
    client: &Client,
) -> Result<std::result::Result<(String, String), String>> {
    let key = &answers.env_names.jwt_secret;
    if answers.provider.signs_jwt {
        return Ok(match project.env.get(key) {
            Some((file, value)) if !value.is_empty() && !crate::detect::is_example_env(file) => {
                Ok((value.clone(), format!("the app's {key} ({file})")))
            }
            _ => Err(format!(
                "the app has no {key} (in .env.local or another env file Next.js loads), so it cannot sign its tokens: run `insforge-integrate init --setup`"
            )),
        });
    }
    let secret = client.secret("fetching the JWT secret", "JWT_SECRET")?;
    Ok(Ok((
        secret,
        format!(
            "the project's JWT secret (as {}'s dashboard must hold it)",
            answers.provider.name
        ),
    )))
}

/// Row-level security on, and a policy keyed on `requesting_user_id()` for each of select,
/// insert, update and delete, for `authenticated`.
fn policies(client: &Client, t: &Table, checks: &mut Checks) -> Result<()> {
    let id = format!("policies.{}.{}", t.schema, t.name);
    let sql = format!(
        "select c.relrowsecurity as rls, coalesce((select json_agg(json_build_object('cmd', p.cmd, 'roles', p.roles::text[], 'permissive', p.permissive, 'qual', p.qual, 'check', p.with_check)) from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname), '[]'::json) as policies from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = {} and c.relname = {} and c.relkind in ('r', 'p')",
        literal(&t.schema),
        literal(&t.name)
    );
    let rows = client.query(&format!("reading the policies of {t}"), &sql)?;
    let Some(row) = rows.first() else {
        checks.fail(
            &id,
            format!("{t} does not exist on the project: apply the migration"),
        );
        return Ok(());
    };
    if row["rls"] != Value::Bool(true) {
        checks.fail(&id, format!("row-level security is off on {t}: every signed-in user (and anon) reaches every row; apply the migration"));
        return Ok(());
    }
    let policies = match &row["policies"] {
        Value::Array(list) => list.clone(),
        // A json column some backends send as text.
        Value::String(text) => serde_json::from_str::<Vec<Value>>(text).unwrap_or_default(),
        _ => Vec::new(),
    };
    let keyed = |p: &Value| {
        ["qual", "check"].iter().any(|k| {
            p[*k]
                .as_str()
                .is_some_and(|s| s.contains("requesting_user_id"))
        })
    };
    let for_users = |p: &Value| {
        p["roles"]
            .as_array()
            .is_some_and(|roles| roles.iter().any(|r| r == "authenticated" || r == "public"))
    };
    let missing: Vec<&str> = ["SELECT", "INSERT", "UPDATE", "DELETE"]
        .into_iter()
        .filter(|cmd| {
            !policies.iter().any(|p| {
                (p["cmd"] == *cmd || p["cmd"] == "ALL")
                    && p["permissive"] != "RESTRICTIVE"
                    && for_users(p)
                    && keyed(p)
            })
        })
        .collect();
    if missing.is_empty() {
        checks.pass(&id, format!("row-level security on, with select, insert, update and delete policies keyed on requesting_user_id() ({} polic(ies))", policies.len()));
    } else {
        checks.fail(&id, format!(
            "no {} polic(ies) keyed on requesting_user_id() for authenticated on {t}: apply the migration (or re-create what was dropped)",
            missing.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(())
}

/// A new user sees none of the table's rows, and `anon` none either.
fn isolation(
    client: &Client,
    t: &Table,
    bearer: &str,
    anon: &str,
    checks: &mut Checks,
    secrets: &[&str],
) -> Result<()> {
    let total = client
        .query(
            &format!("counting the rows of {t}"),
            &format!("select count(*)::int as n from {}", t.sql().qualified),
        )?
        .first()
        .and_then(|r| r["n"].as_i64())
        .unwrap_or(0);
    let seen = |who: &str, key: &str| -> Result<std::result::Result<usize, String>> {
        let (status, body) = client.records(
            &format!("reading {t} as {who}"),
            "GET",
            key,
            (&t.schema, &t.name),
            "select=*&limit=100",
            None,
        )?;
        Ok(match (status, &body) {
            (200..=299, Value::Array(rows)) => Ok(rows.len()),
            (401 | 403, _) => Ok(0),
            _ => Err(redact(
                &format!("{status}: {}", Client::said(&body)),
                secrets,
            )),
        })
    };
    let id = format!("isolation.{}.{}", t.schema, t.name);
    match seen("a test user", bearer)? {
        Ok(0) => checks.pass(&id, format!("a new user sees none of the {total} row(s) of {t}")),
        Ok(n) => checks.fail(&id, format!("a new user, who owns nothing, sees {n} row(s) of {t}: a policy lets other users' rows through (drop it, or key it on requesting_user_id())")),
        Err(e) => checks.fail(&id, format!("reading {t} as a new user failed ({e})")),
    }
    let id = format!("anon.{}.{}", t.schema, t.name);
    match seen("anon", anon)? {
        Ok(0) => checks.pass(&id, format!("anon sees none of the {total} row(s) of {t}")),
        Ok(n) => checks.fail(&id, format!("anon (no sign-in) sees {n} row(s) of {t}: a policy for anon or public lets them through")),
        Err(e) => checks.fail(&id, format!("reading {t} as anon failed ({e})")),
    }
    Ok(())
}

/// `--write`: a row inserted as a test user has that user as its owner, another user and
/// anon do not see it, and it is deleted again (as its owner, through the data API).
fn insert_and_delete(
    client: &Client,
    t: &Table,
    (secret, now): (&str, u64),
    anon: &str,
    checks: &mut Checks,
    secrets: &[&str],
) -> Result<()> {
    let id = format!("write.{}.{}", t.schema, t.name);
    let owner = token::test_user()?;
    let other = token::test_user()?;
    let as_owner = token::mint(secret, &owner, now, LIFETIME);
    let as_other = token::mint(secret, &other, now, LIFETIME);
    let mut secrets = secrets.to_vec();
    secrets.extend([as_owner.as_str(), as_other.as_str()]);
    // Columns the insert must fill: not null, no default, not the owner.
    let required = client.query(
        &format!("reading the columns of {t}"),
        &format!(
            "select column_name as name, data_type as type from information_schema.columns where table_schema = {} and table_name = {} and is_nullable = 'NO' and column_default is null and is_identity = 'NO' and is_generated = 'NEVER' and column_name <> {}",
            literal(&t.schema),
            literal(&t.name),
            literal(&t.owner)
        ),
    )?;
    let mut row = serde_json::Map::new();
    for column in &required {
        let (Some(name), Some(ty)) = (column["name"].as_str(), column["type"].as_str()) else {
            continue;
        };
        let Some(value) = sample(ty) else {
            checks.fail(&id, format!("{t}.{name} is required and of type {ty}, which the check cannot fill: insert a row as a user by hand to check writes"));
            return Ok(());
        };
        row.insert(name.to_string(), value);
    }
    let filter = format!("{}=eq.{}", encode(&t.owner), encode(&owner));
    let (status, body) = client.records(
        &format!("inserting into {t} as a test user"),
        "POST",
        &as_owner,
        (&t.schema, &t.name),
        "select=*",
        Some(json!([Value::Object(row)])),
    )?;
    let inserted = match (status, &body) {
        (200..=299, Value::Array(rows)) => rows.first().cloned(),
        _ => {
            checks.fail(
                &id,
                redact(
                    &format!(
                        "the insert as a test user was refused ({status}: {})",
                        Client::said(&body)
                    ),
                    &secrets,
                ),
            );
            return Ok(());
        }
    };
    let mut problems = Vec::new();
    match inserted.as_ref().map(|r| &r[&t.owner]) {
        Some(Value::String(o)) if *o == owner => {}
        Some(v) => problems.push(format!("the row's {} is {v}, not the test user's id: the owner column's default must be requesting_user_id()", t.owner)),
        None => problems.push("the insert returned no row".into()),
    }
    for (who, key) in [("another user", as_other.as_str()), ("anon", anon)] {
        let (status, body) = client.records(
            &format!("reading {t} as {who}"),
            "GET",
            key,
            (&t.schema, &t.name),
            &format!("select=*&{filter}"),
            None,
        )?;
        if let (200..=299, Value::Array(rows)) = (status, &body) {
            if !rows.is_empty() {
                problems.push(format!("{who} sees the test user's row"));
            }
        }
    }
    // Deleted again, whatever was found.
    let (status, body) = client.records(
        &format!("deleting the test row from {t}"),
        "DELETE",
        &as_owner,
        (&t.schema, &t.name),
        &filter,
        None,
    )?;
    if !(200..300).contains(&status) {
        problems.push(format!(
            "the test row could not be deleted as its owner ({status}: {})",
            Client::said(&body)
        ));
    }
    let left = client
        .query(
            &format!("checking that {t} holds no test row"),
            &format!(
                "select count(*)::int as n from {} where {} = {}",
                t.sql().qualified,
                crate::table::ident(&t.owner),
                literal(&owner)
            ),
        )?
        .first()
        .and_then(|r| r["n"].as_i64())
        .unwrap_or(0);
    if left > 0 {
        problems.push(format!(
            "{left} test row(s) are left in {t}: delete them (delete from {} where {} = '{owner}')",
            t.sql().qualified,
            crate::table::ident(&t.owner)
        ));
    }
    if problems.is_empty() {
        checks.pass(&id, format!("a row inserted as a test user gets its id as {}, is seen by no other user nor anon, and is deleted again", t.owner));
    } else {
        checks.fail(&id, redact(&problems.join("; "), &secrets));
    }
    Ok(())
}

/// Whether the owner column references another table (Better Auth's users): a test user has
/// no row there, so nothing can be inserted as one; said in a note.
fn references(client: &Client, t: &Table, checks: &mut Checks) -> Result<bool> {
    let q = literal(&t.sql().qualified);
    let rows = client.query(
        &format!("reading the foreign keys of {t}"),
        &format!(
            "select c.confrelid::regclass::text as target from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey) where c.conrelid = {q}::regclass and c.contype = 'f' and a.attname = {}",
            literal(&t.owner)
        ),
    )?;
    let Some(target) = rows.first().and_then(|r| r["target"].as_str()) else {
        return Ok(false);
    };
    checks.notes.push(format!(
        "{t}.{} references {target}: a test user has no row there, so --write cannot insert as one (the read checks above ran)",
        t.owner
    ));
    Ok(true)
}

/// A value of a required column's type for the test row.
fn sample(ty: &str) -> Option<Value> {
    Some(match ty {
        "text" | "character varying" | "character" | "citext" => json!("insforge-integrate verify"),
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" => json!(0),
        "boolean" => json!(false),
        "json" | "jsonb" => json!({}),
        "uuid" => json!(uuid()),
        "date" => json!("2026-01-01"),
        "timestamp with time zone" | "timestamp without time zone" => {
            json!("2026-01-01T00:00:00Z")
        }
        _ => return None,
    })
}

/// A random (version 4) UUID.
fn uuid() -> String {
    let mut b = [0u8; 16];
    let _ = getrandom::fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// An SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A text with the secrets (the JWT secret, the tokens, the anon key) taken out.
fn redact(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|s| s.len() >= 8)
        .fold(text.to_string(), |t, s| t.replace(s, "***"))
}

//! The checks every generated migration must pass: it applies twice and the second time
//! changes nothing; it leaves the table in the shape InsForge needs; and it isolates users.

use crate::insforge::{literal, As, Db};

/// A table the migration made owned, and how to insert a row into it.
pub struct Owned<'a> {
    /// As SQL spells it: `public.todos`, `app."Notes"`.
    pub qualified: &'a str,
    /// Its name as PostgreSQL's messages print it: `todos`, `Notes`.
    pub relname: &'a str,
    /// The owner column as SQL spells it: `user_id`, `"OwnerId"`.
    pub owner: &'a str,
    /// Other columns an insert must fill, and their values (SQL), or "" for none.
    pub cols: &'a str,
    pub vals: &'a str,
}

/// The generated `todos` table.
pub const TODOS: Owned<'static> = Owned {
    qualified: "public.todos",
    relname: "todos",
    owner: "user_id",
    cols: "",
    vals: "",
};

impl Owned<'_> {
    /// An insert that leaves the owner to the column default.
    pub fn insert(&self) -> String {
        if self.cols.is_empty() {
            format!("insert into {} default values;", self.qualified)
        } else {
            format!(
                "insert into {} ({}) values ({});",
                self.qualified, self.cols, self.vals
            )
        }
    }

    /// An insert naming the owner explicitly.
    pub fn insert_owned_by(&self, owner: &str) -> String {
        let (cols, vals) = if self.cols.is_empty() {
            (String::new(), String::new())
        } else {
            (format!(", {}", self.cols), format!(", {}", self.vals))
        };
        format!(
            "insert into {} ({}{cols}) values ({}{vals});",
            self.qualified,
            self.owner,
            literal(owner)
        )
    }

    /// `select count(*) from (<statement> returning 1)`: the rows a statement touched.
    fn touched(&self, statement: &str) -> String {
        format!("with t as ({statement} returning 1) select count(*) from t;")
    }

    fn rls_error(&self) -> String {
        format!(
            "new row violates row-level security policy for table \"{}\"",
            self.relname
        )
    }
}

/// Everything a migration can change, as text (read by the superuser): schemas, tables,
/// columns and defaults, constraints, indexes, RLS flags, policies, grants, functions, and the
/// rows themselves (a count and a digest per table).
pub fn fingerprint(db: &Db) -> String {
    db.admin(
        r#"
with ns as (
  select oid, nspname from pg_namespace
  where nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    and nspname not like 'pg_temp%' and nspname not like 'pg_toast_temp%'
), rel as (
  select c.oid, c.relkind from pg_class c join ns on ns.oid = c.relnamespace
)
select string_agg(line, E'\n' order by line) from (
  select format('schema %s owner=%s acl=%s', n.nspname, n.nspowner::regrole, n.nspacl)
    from pg_namespace n join ns on ns.oid = n.oid
  union all
  select format('relation %s kind=%s owner=%s rls=%s force=%s acl=%s', c.oid::regclass,
      c.relkind, c.relowner::regrole, c.relrowsecurity, c.relforcerowsecurity, c.relacl)
    from pg_class c join rel on rel.oid = c.oid
  union all
  select format('column %s.%I %s notnull=%s default=%s acl=%s', a.attrelid::regclass, a.attname,
      format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attacl)
    from pg_attribute a join rel r on r.oid = a.attrelid and r.relkind in ('r', 'p', 'v')
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attnum > 0 and not a.attisdropped
  union all
  select format('constraint %s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
    from pg_constraint c join ns on ns.oid = c.connamespace
  union all
  select format('index %s', pg_get_indexdef(i.indexrelid))
    from pg_index i join rel r on r.oid = i.indrelid
  union all
  select format('policy %s.%s %s %s %s %s using=%s check=%s', schemaname, tablename, policyname,
      permissive, cmd, roles, qual, with_check)
    from pg_policies
  union all
  select format('function %s %s owner=%s acl=%s', p.oid::regprocedure, md5(pg_get_functiondef(p.oid)),
      p.proowner::regrole, p.proacl)
    from pg_proc p join ns on ns.oid = p.pronamespace
  union all
  select format('rows %s %s', c.oid::regclass, (xpath('/row/x/text()', query_to_xml(
      format('select count(*) || '' '' || coalesce(md5(string_agg(t::text, '','' order by t::text)), '''') as x from %s t', c.oid::regclass),
      false, true, '')))[1])
    from pg_class c join rel on rel.oid = c.oid where c.relkind in ('r', 'p')
) lines(line);
"#,
    )
}

/// Apply the migration, then apply it again: the second run succeeds and changes nothing.
#[track_caller]
pub fn apply_twice(db: &Db, file: &std::path::Path) {
    let first = db.apply(file);
    assert!(
        first.ok,
        "{} does not apply on {:?}:\n{}",
        file.display(),
        db.backend,
        first.stderr
    );
    apply_again(db, file);
}

/// Apply an applied migration once more: it succeeds and changes nothing.
#[track_caller]
pub fn apply_again(db: &Db, file: &std::path::Path) {
    let before = fingerprint(db);
    let second = db.apply(file);
    assert!(
        second.ok,
        "{} applies once but not twice on {:?}:\n{}",
        file.display(),
        db.backend,
        second.stderr
    );
    let after = fingerprint(db);
    assert_eq!(
        before,
        after,
        "applying {} a second time changed the database",
        file.display()
    );
}

/// The table as InsForge needs it: RLS on, four policies for `authenticated` comparing the
/// owner with the once-per-statement sub-select, an index led by the owner column, DML granted
/// to `authenticated` only, the owner column text with the user id as its default, and the
/// function stable, returning text.
#[track_caller]
pub fn check_shape(db: &Db, t: &Owned) {
    let q = literal(t.qualified);
    assert_eq!(
        db.admin(&format!(
            "select relrowsecurity, relforcerowsecurity from pg_class where oid = {q}::regclass"
        )),
        "t|f",
        "{}: row-level security",
        t.qualified
    );
    let owned = format!(
        "({} = ( SELECT requesting_user_id() AS requesting_user_id))",
        t.owner
    );
    let expected = [
        ("delete_own", "DELETE", owned.as_str(), ""),
        ("insert_own", "INSERT", "", owned.as_str()),
        ("select_own", "SELECT", owned.as_str(), ""),
        ("update_own", "UPDATE", owned.as_str(), owned.as_str()),
    ]
    .iter()
    .map(|(name, cmd, using, check)| {
        format!(
            "{}_{name}|PERMISSIVE|{cmd}|{{authenticated}}|{using}|{check}",
            t.relname
        )
    })
    .collect::<Vec<_>>()
    .join("\n");
    assert_eq!(
        db.admin(&format!(
            "set search_path = public;
             select policyname, permissive, cmd, roles, coalesce(qual, ''), coalesce(with_check, '')
             from pg_policies where format('%I.%I', schemaname, tablename)::regclass = {q}::regclass
             order by policyname"
        )),
        expected,
        "{}: policies",
        t.qualified
    );
    // The owner column: text, defaulting to the signed-in user, first in some index.
    let column = db.admin(&format!(
        "set search_path = public;
         select format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid),
                exists (select 1 from pg_index i where i.indrelid = a.attrelid and i.indkey[0] = a.attnum)
         from pg_attribute a join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
         where a.attrelid = {q}::regclass and quote_ident(a.attname) = {}",
        literal(t.owner)
    ));
    assert_eq!(
        column, "text|requesting_user_id()|t",
        "{}: owner column",
        t.qualified
    );
    assert_eq!(
        db.admin(&format!(
            "select coalesce(string_agg(grantee || ':' || privilege_type, ',' order by grantee, privilege_type), '')
             from information_schema.role_table_grants
             where format('%I.%I', table_schema, table_name)::regclass = {q}::regclass
               and grantee = 'authenticated'"
        )),
        "authenticated:DELETE,authenticated:INSERT,authenticated:SELECT,authenticated:UPDATE",
        "{}: grants",
        t.qualified
    );
    assert_eq!(
        db.admin(
            "select provolatile, prorettype::regtype from pg_proc
             where oid = 'public.requesting_user_id()'::regprocedure"
        ),
        "s|text",
        "requesting_user_id() is stable and returns text"
    );
}

/// Users `a` and `b` (who already own `pre_a` and `pre_b` rows) each add rows, then every way
/// one user could reach another's rows, or a request without a user could reach any, fails.
#[track_caller]
pub fn prove_isolation(db: &Db, t: &Owned, a: &str, b: &str, pre_a: u32, pre_b: u32) {
    let q = t.qualified;
    let o = t.owner;
    let count = format!("select count(*) from {q};");
    let owners = || {
        db.admin(&format!(
            "select count(*) filter (where {o} = {}) || ' ' || count(*) filter (where {o} = {}) from {q}",
            literal(a),
            literal(b)
        ))
    };
    let digest = |who: &str| {
        db.admin(&format!(
            "select coalesce(md5(string_agg(t::text, ',' order by t::text)), '') from {q} t where {o} = {}",
            literal(who)
        ))
    };

    // The function returns the `sub` claim as is.
    assert_eq!(db.ok(As::User(a), "select public.requesting_user_id();"), a);
    if db.backend == crate::insforge::Backend::Current {
        assert_eq!(
            db.ok(
                As::User(a),
                "select public.requesting_user_id() = auth.jwt() ->> 'sub';"
            ),
            "t"
        );
        // The reason for requesting_user_id(): InsForge's auth.uid() is a uuid and these ids
        // are not.
        assert!(db
            .err(As::User(a), "select auth.uid();")
            .contains("invalid input syntax for type uuid"));
    }

    // A and B insert; the owner comes from the column default.
    let insert = t.insert();
    db.ok(As::User(a), &format!("{insert}\n{insert}\n{insert}"));
    db.ok(As::User(b), &format!("{insert}\n{insert}"));
    let (a_rows, b_rows) = (pre_a + 3, pre_b + 2);
    assert_eq!(
        owners(),
        format!("{a_rows} {b_rows}"),
        "owners filled by the default"
    );

    // Each sees exactly their own rows.
    assert_eq!(db.ok(As::User(a), &count), a_rows.to_string());
    assert_eq!(db.ok(As::User(b), &count), b_rows.to_string());
    assert_eq!(
        db.ok(
            As::User(a),
            &format!("select count(*) from {q} where {o} <> {};", literal(a))
        ),
        "0"
    );
    assert_eq!(
        db.ok(
            As::User(a),
            &format!("select count(distinct {o}) from {q};")
        ),
        "1"
    );

    // A's update and delete of B's rows touch nothing.
    let b_before = digest(b);
    let where_b = format!("where {o} = {}", literal(b));
    assert_eq!(
        db.ok(
            As::User(a),
            &t.touched(&format!("update {q} set {o} = {o} {where_b}"))
        ),
        "0",
        "A updated B's rows"
    );
    assert_eq!(
        db.ok(
            As::User(a),
            &t.touched(&format!("delete from {q} {where_b}"))
        ),
        "0",
        "A deleted B's rows"
    );
    // An unfiltered update reaches only A's own rows.
    assert_eq!(
        db.ok(
            As::User(a),
            &t.touched(&format!("update {q} set {o} = {o}"))
        ),
        a_rows.to_string()
    );
    assert_eq!(digest(b), b_before, "B's rows changed");
    assert_eq!(owners(), format!("{a_rows} {b_rows}"));

    // A cannot insert a row owned by B, nor hand its own row to B.
    assert!(db
        .err(As::User(a), &t.insert_owned_by(b))
        .contains(&t.rls_error()));
    assert!(db
        .err(
            As::User(a),
            &format!(
                "update {q} set {o} = {} where {o} = {};",
                literal(b),
                literal(a)
            )
        )
        .contains(&t.rls_error()));
    assert_eq!(owners(), format!("{a_rows} {b_rows}"));

    // anon: InsForge gives it every right on public tables, and on the tables migrations
    // create: row-level security alone keeps it out. (Outside public it also lacks USAGE on
    // the schema; it gets it here so that RLS is what is proved.)
    let schema = q.split_once('.').expect("schema-qualified").0;
    if schema != "public" {
        db.admin(&format!(
            "grant usage on schema {schema} to anon;
             grant select, insert, update, delete on {q} to anon;
             grant usage on all sequences in schema {schema} to anon;"
        ));
    }
    assert_eq!(
        db.admin(&format!(
            "select bool_and(has_table_privilege('anon', {}, p)) from unnest(array['select', 'insert', 'update', 'delete']) p",
            literal(q)
        )),
        "t",
        "{q}: anon has InsForge's table rights"
    );
    assert_eq!(db.ok(As::Anon, &count), "0");
    assert_eq!(
        db.ok(As::Anon, &t.touched(&format!("delete from {q}"))),
        "0"
    );
    assert_eq!(
        db.ok(As::Anon, &t.touched(&format!("update {q} set {o} = {o}"))),
        "0"
    );
    assert!(db
        .err(As::Anon, &t.insert_owned_by(a))
        .contains(&t.rls_error()));
    assert!(db.err(As::Anon, &t.insert()).contains(&t.rls_error()));
    if schema != "public" {
        db.admin(&format!(
            "revoke select, insert, update, delete on {q} from anon;
             revoke usage on all sequences in schema {schema} from anon;
             revoke usage on schema {schema} from anon;"
        ));
    }

    // authenticated with claims lacking a usable `sub`: nothing visible, nothing insertable.
    for claims in [
        r#"{"role":"authenticated","aud":"insforge-api"}"#,
        r#"{"sub":"","role":"authenticated"}"#,
        r#"{"sub":null,"role":"authenticated"}"#,
        "",
    ] {
        assert_eq!(db.ok(As::Claims(claims), &count), "0", "claims {claims:?}");
        assert!(
            db.err(As::Claims(claims), &t.insert())
                .contains(&t.rls_error()),
            "claims {claims:?}"
        );
        assert_eq!(
            db.ok(
                As::Claims(claims),
                "select public.requesting_user_id() is null;"
            ),
            "t"
        );
    }
    // The claims of an earlier request on the same connection are gone afterwards (the
    // setting then reads '' rather than NULL), and a session that never set them sees nothing.
    let script = format!(
        "{}begin;\nset local role authenticated;\n{count}\ncommit;\n",
        crate::insforge::request_script(As::User(a), &count)
    );
    assert_eq!(db.raw(&script).rows(), format!("{a_rows}\n0"));

    // Nothing above changed anyone's rows.
    assert_eq!(owners(), format!("{a_rows} {b_rows}"));
    assert_eq!(digest(b), b_before);
}

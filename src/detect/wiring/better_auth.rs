//! Better Auth: the app's instance (`betterAuth(…)`, or one built in a workspace package),
//! its `database` option and user table, its client (`createAuthClient(…)`) and auth route
//! (`toNextJsHandler(…)`), and the Drizzle tables its Drizzle adapter reads.

use std::path::Path;

use super::found::{Adapter, AppBinding, BetterAuthUsers, DrizzleTable, Wiring};
use super::scan::Scan;
use crate::detect::layouts;
use crate::detect::source::{self, Call, Imported, Leaf, ObjectArg};

impl Wiring {
    /// The kind of the app's Better Auth `database` option, when it has its own config.
    pub fn better_auth_adapter(&self) -> Option<Adapter> {
        let (db, provider, _) = self.better_auth_database.as_ref()?;
        let postgres = provider
            .as_deref()
            .is_none_or(|p| matches!(p, "pg" | "postgres" | "postgresql" | "cockroachdb"));
        Some(match db.as_str() {
            _ if !postgres => Adapter::OtherDatabase,
            "prismaAdapter" => Adapter::Prisma,
            "drizzleAdapter" => Adapter::Drizzle,
            "new Pool" | "new Kysely" => Adapter::Kysely,
            d if d.contains("PostgresDialect") => Adapter::Kysely,
            "new Database" | "createPool" | "new MongoClient" => Adapter::OtherDatabase,
            _ => Adapter::Unknown,
        })
    }
}

/// Better Auth in this module: the instance, the client, the route, Drizzle tables.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    from_workspace(w, s);
    instance(w, s);
    client(w, s);
    s.file_role(w, "better-auth/next-js", "toNextJsHandler", "auth-route");
    drizzle_tables(w, s);
}

/// Better Auth built in a workspace package (`initAuth()` from `@acme/auth`, whose module
/// calls `betterAuth(…)`): the app's instance is what it binds the call to.
fn from_workspace(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let texts = s.texts;
    let (aliases, packages) = (s.aliases, s.packages);
    for i in &m.imports {
        let Imported::Name(imported) = &i.imported else {
            continue;
        };
        let Some(package) = packages.iter().find(|p| p.entry(&i.source).is_some()) else {
            continue;
        };
        let exists = |p: &Path| texts(p).is_some();
        let Some(file) = layouts::resolve(&m.path, &i.source, aliases, packages, &exists) else {
            continue;
        };
        // The package's entry, or a module it re-exports (a few hops), that exports the
        // name and calls betterAuth(…).
        let mut queue = vec![file];
        let mut found = None;
        let mut hops = 0;
        while let (Some(file), true) = (queue.pop(), hops < 8) {
            hops += 1;
            let Some(text) = texts(&file) else {
                continue;
            };
            let module = source::parse(&file, &text);
            let builds = module
                .local_of("better-auth", "betterAuth")
                .is_some_and(|b| module.calls_of(b).next().is_some())
                && module.export_of(imported).is_some();
            if builds {
                found = Some(file);
                break;
            }
            queue.extend(
                module
                    .reexports
                    .iter()
                    .filter_map(|spec| layouts::resolve(&file, spec, aliases, packages, &exists)),
            );
        }
        let Some(file) = found else {
            continue;
        };
        if let Some(call) = m.calls_of(&i.local).next() {
            s.bind(
                w,
                "auth",
                call,
                &format!(
                    "{imported}(…) from {}, which calls betterAuth(…) ({})",
                    package.name,
                    crate::paths::slash(&file)
                ),
            );
        }
    }
}

/// `betterAuth(…)`: the `auth` role, its `database` option and the user table it names.
fn instance(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let texts = s.texts;
    if let Some(local) = m.local_of("better-auth", "betterAuth") {
        if let Some(call) = m.calls_of(local).next() {
            s.bind(w, "auth", call, "betterAuth(…)");
            let options = call.object.as_ref();
            // `database: adapter(…)`, `database: new Pool(…)`, or `database: pool` bound
            // to one of those in the same module.
            let db = options.and_then(|o| {
                o.values
                    .iter()
                    .find(|(k, _)| k == "database")
                    .map(|(_, v)| v.clone())
                    .or_else(|| match leaf_of(o, "database")? {
                        Leaf::Ident(name) => m
                            .calls
                            .iter()
                            .find(|c| c.bound_to.as_deref() == Some(name))
                            .map(callee_text),
                        _ => None,
                    })
            });
            if let Some(db) = db {
                let adapter = m
                    .calls_of(&db)
                    .find_map(|c| c.object.as_ref())
                    .or(options.filter(|_| db.starts_with('{')));
                let provider = adapter
                    .and_then(|o| o.strings.iter().find(|(k, _)| k == "provider"))
                    .map(|(_, v)| v.clone());
                let model = options
                    .and_then(|o| match leaf_of(o, "user.modelName") {
                        Some(Leaf::Str(name)) => Some(name.clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| {
                        let plural = adapter.and_then(|a| leaf_of(a, "usePlural"))
                            == Some(&Leaf::Bool(true));
                        if plural { "users" } else { "user" }.to_string()
                    });
                let export = adapter
                    .and_then(|a| match leaf_of(a, &format!("schema.{model}")) {
                        Some(Leaf::Ident(name)) => name.rsplit('.').next().map(String::from),
                        _ => None,
                    })
                    .unwrap_or_else(|| model.clone());
                let renamed = ["session", "account", "verification"]
                    .iter()
                    .filter_map(|model| {
                        match options.and_then(|o| leaf_of(o, &format!("{model}.modelName"))) {
                            Some(Leaf::Str(name)) => Some((model.to_string(), name.clone())),
                            _ => None,
                        }
                    })
                    .collect();
                w.better_auth_users = Some(BetterAuthUsers {
                    model,
                    export,
                    search_path: texts(&m.path).is_some_and(|t| t.contains("search_path")),
                    renamed,
                });
                w.better_auth_database = Some((db, provider, s.at(call.line)));
            }
        }
    }
}

/// `createAuthClient(…)`: the `authClient` role, or the `useSession` it is destructured into.
fn client(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    for package in ["better-auth/react", "better-auth/client"] {
        if let Some(local) = m.local_of(package, "createAuthClient") {
            if let Some(call) = m.calls_of(local).next() {
                s.bind(w, "authClient", call, "createAuthClient(…)");
                // `export const { signIn, useSession } = createAuthClient()`: the
                // exported `useSession` (all the generated code calls) stands in for
                // the client.
                let members: Vec<(String, String)> = call
                    .destructured
                    .iter()
                    .filter(|(key, _)| key == "useSession")
                    .filter_map(|(key, local)| Some((key.clone(), m.export_of(local)??)))
                    .collect();
                if call.bound_to.is_none() && !members.is_empty() {
                    w.roles.entry("authClient".into()).or_insert(AppBinding {
                        at: s.at(call.line),
                        export: None,
                        what: "createAuthClient(…), destructured".into(),
                        members,
                    });
                }
                if package == "better-auth/client"
                    && w.roles
                        .get("authClient")
                        .is_some_and(|b| b.at.file == m.path)
                {
                    w.better_auth_client_store = true;
                }
            }
        }
    }
}

/// Drizzle tables: `pgTable("user", {…})` and `authSchema.table("user", {…})` with
/// `const authSchema = pgSchema("auth")`.
fn drizzle_tables(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let pg_table = m.local_of("drizzle-orm/pg-core", "pgTable");
    let pg_schema = m.local_of("drizzle-orm/pg-core", "pgSchema");
    for c in &m.calls {
        let schema = if Some(c.callee.as_str()) == pg_table {
            Some("public".to_string())
        } else if let Some((var, "table")) = c.callee.split_once('.') {
            m.calls
                .iter()
                .find(|s| {
                    Some(s.callee.as_str()) == pg_schema && s.bound_to.as_deref() == Some(var)
                })
                .and_then(|s| s.first_string.clone())
        } else {
            None
        };
        let (Some(schema), Some(table), Some(export)) =
            (schema, &c.first_string, c.bound_to.as_deref())
        else {
            continue;
        };
        // The adapter looks tables up by the schema's keys: the export names.
        let Some(Some(export)) = m.export_of(export) else {
            continue;
        };
        let id_column = c.object.as_ref().and_then(|o| match leaf_of(o, "id") {
            Some(Leaf::Call { name, .. }) => Some(name.clone().unwrap_or_else(|| "id".into())),
            _ => None,
        });
        let columns = c
            .object
            .as_ref()
            .map(|o| {
                o.leaves
                    .iter()
                    .filter_map(|(key, leaf)| match leaf {
                        Leaf::Call { callee, name } => Some((
                            key.clone(),
                            name.clone().unwrap_or_else(|| key.clone()),
                            callee.clone(),
                        )),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        w.drizzle_tables.push(DrizzleTable {
            export,
            schema,
            table: table.clone(),
            id_column,
            columns,
            at: s.at(c.line),
        });
    }
}

fn leaf_of<'o>(o: &'o ObjectArg, key: &str) -> Option<&'o Leaf> {
    o.leaves.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A call as the `database` option names it: `new Pool`, `prismaAdapter`.
fn callee_text(c: &Call) -> String {
    if c.new {
        format!("new {}", c.callee)
    } else {
        c.callee.clone()
    }
}

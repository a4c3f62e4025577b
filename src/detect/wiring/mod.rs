//! The app's existing auth wiring, recognised in the [`source`](super::source) model: which
//! module creates the provider's instance (and under which export), which routes, clients,
//! provider components and interceptor it already has, and whether it already hands a
//! provider token to an InsForge client. Each finding carries `file:line` evidence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use super::layouts::{Layout, PartialProvider, PROVIDER_COMPONENTS};
pub use super::source::Located;
use super::source::{Call, Leaf, Module, ObjectArg};

/// A role the app fills itself (see `provides` in `provider.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AppBinding {
    pub at: Located,
    /// How the module exports it: `Some(name)`, or None for the default export. Roles that
    /// are files (a route), not bindings, have None too and are never imported.
    pub export: Option<String>,
    /// What was seen: `new Auth0Client(…)`.
    pub what: String,
    /// Destructured members the module exports in place of the binding
    /// (`export const { signIn, useSession } = createAuthClient()`), with their export
    /// names; empty when the binding itself is exported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<(String, String)>,
}

/// The app's `new Auth0Client(…)`, with what an edit of it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Auth0Instance {
    pub at: Located,
    /// The module's text, as the edit is computed from it.
    #[serde(skip)]
    pub text: String,
    #[serde(skip)]
    pub call: Call,
    /// `beforeSessionSaved` is set already (its line).
    pub hook: Option<u32>,
    /// The hook already keeps the InsForge token (it is, or calls, `copyInsforgeToken`).
    pub keeps_token: bool,
}

/// The interceptor (`middleware.ts` / `proxy.ts`) and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Interceptor {
    pub file: PathBuf,
    /// The provider middleware it calls, with its line: `clerkMiddleware`.
    pub provider_call: Option<(String, u32)>,
    /// Other middleware it calls (`createMiddleware` of next-intl…).
    pub chains: Vec<String>,
    pub matcher: Vec<String>,
    /// What composing the provider's middleware with it needs: its default export (None when
    /// it has none, or Next.js would run a named `middleware`/`proxy` export instead).
    #[serde(skip)]
    pub compose: Option<Compose>,
}

/// An interceptor's text and default export, for an edit that composes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compose {
    pub default: super::source::DefaultExport,
    pub text: String,
    /// The names its imports bind.
    pub locals: Vec<String>,
}

/// How the app's Better Auth finds its user table: the model key (`user`, `users` with
/// `usePlural`, or `user.modelName`) and, for Drizzle, the schema export it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BetterAuthUsers {
    pub model: String,
    /// The Drizzle table export the adapter's `schema` maps the model to (the model key
    /// itself when the adapter has no mapping).
    pub export: String,
    /// The config's text sets a `search_path`, so unqualified tables are not in `public`.
    pub search_path: bool,
    /// The other core models the config renames (`verification: { modelName:
    /// "VerificationToken" }`): (model, name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<(String, String)>,
}

/// What the app's Better Auth `database` option is, as far as its user table goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    Prisma,
    Drizzle,
    /// Better Auth's built-in Kysely: a pg `Pool`, a `PostgresDialect`, a Kysely instance.
    Kysely,
    /// SQLite, MySQL, MongoDB…: not InsForge's Postgres.
    OtherDatabase,
    /// Something the tool does not recognise.
    Unknown,
}

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

/// A Drizzle Postgres table the app exports: `export const user = pgTable("user", {…})`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DrizzleTable {
    pub export: String,
    pub schema: String,
    pub table: String,
    /// The column of the `id` key (`text("id")`), when it has one.
    pub id_column: Option<String>,
    pub at: Located,
}

/// A module that creates an InsForge client with a provider token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct InsforgeClient {
    pub at: Located,
    /// How the token is handed over: `accessToken`, `edgeFunctionToken`, `setAccessToken`.
    pub token: String,
    /// It signs a JWT whose claims object has no `sub` (InsForge answers 401 to that).
    pub signs_without_sub: bool,
    /// It hands a new token over later (`setAccessToken`, or a timer).
    pub refreshes: bool,
    /// It runs in the browser (a React hook), where one token must be refreshed; a server
    /// utility makes a fresh one per request.
    pub client_side: bool,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Wiring {
    /// The root layouts (`app/layout.tsx`, or one per route group that renders `<html>`),
    /// those that parse.
    pub layouts: Vec<Layout>,
    /// Provider components rendered where they cover only part of the app.
    pub partial_providers: Vec<PartialProvider>,
    /// Roles the app fills, by role name.
    pub roles: BTreeMap<String, AppBinding>,
    pub auth0: Option<Auth0Instance>,
    /// The Better Auth `database` option: what it is (`new Pool`, `prismaAdapter`…), the
    /// adapter's `provider` option when it has one (`postgresql`, `sqlite`…), and where.
    pub better_auth_database: Option<(String, Option<String>, Located)>,
    pub better_auth_users: Option<BetterAuthUsers>,
    /// Drizzle Postgres tables the app exports (the schema Better Auth's Drizzle adapter
    /// reads).
    pub drizzle_tables: Vec<DrizzleTable>,
    /// A Stytch B2B client or provider.
    pub stytch_b2b: Option<Located>,
    /// Stytch's consumer API in use (`@stytch/nextjs` outside `/b2b`, the `stytch` `Client`):
    /// with a B2B part too, the consumer part is integrated and the B2B part left alone.
    pub stytch_consumer: Option<Located>,
    /// Provider components around every root layout's pages (`ClerkProvider`), with where
    /// the first is rendered.
    pub layout_providers: Vec<(String, Located)>,
    /// Where the app already renders the provider's sign-in UI (`<SignInButton>`,
    /// `<UserButton>`, `<SignedIn>`, `<Show>` of `@clerk/nextjs`).
    pub sign_in_ui: Option<(String, Located)>,
    /// Other sign-in and sign-out UI of the provider's the app has: Kinde's `<LoginLink>`,
    /// `<LogoutLink>`, WorkOS's `signOut()`.
    pub ui: BTreeMap<String, Located>,
    pub interceptor: Option<Interceptor>,
    pub insforge: Vec<InsforgeClient>,
    /// Files that matter but do not parse: nothing in them is trusted or edited.
    pub unparsable: Vec<(PathBuf, String)>,
    /// How many files the scan read (it parses fewer).
    pub files_read: usize,
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

/// Clerk's sign-in UI components.
const SIGN_IN_UI: [&str; 7] = [
    "SignInButton",
    "SignUpButton",
    "UserButton",
    "SignedIn",
    "SignedOut",
    "Show",
    "SignIn",
];

/// Provider middleware an interceptor may call, by the package it comes from.
const PROVIDER_MIDDLEWARE: [(&str, &str); 6] = [
    ("@clerk/nextjs", "clerkMiddleware"),
    ("@workos-inc/authkit-nextjs", "authkitMiddleware"),
    ("@workos-inc/authkit-nextjs", "authkitProxy"),
    ("@workos-inc/authkit-nextjs", "authkit"),
    ("@kinde-oss/kinde-auth-nextjs", "withAuth"),
    ("@kinde-oss/kinde-auth-nextjs", "authMiddleware"),
];

/// Recognise the wiring in `modules` (`texts` gives a module's source by path).
pub fn recognise(
    modules: &[Module],
    texts: &dyn Fn(&Path) -> Option<String>,
    aliases: &[super::tsconfig::Alias],
    packages: &[super::workspace::Package],
    files_read: usize,
) -> Wiring {
    let mut w = Wiring {
        files_read,
        ..Wiring::default()
    };
    for m in modules {
        if let Some(error) = &m.parse_error {
            w.unparsable.push((m.path.clone(), error.clone()));
            continue;
        }
        // The tool's own files are planned as its own, never taken for the app's wiring.
        if m.generated {
            continue;
        }
        let at = |line: u32| Located {
            file: m.path.clone(),
            line,
        };
        let bind = |w: &mut Wiring, role: &str, call: &Call, what: &str| {
            let Some(local) = call.bound_to.as_deref() else {
                return;
            };
            let Some(export) = m.export_of(local) else {
                return;
            };
            w.roles.entry(role.to_string()).or_insert(AppBinding {
                at: at(call.line),
                export,
                what: what.to_string(),
                members: Vec::new(),
            });
        };

        // Auth0: `new Auth0Client(…)`.
        if let Some(local) = m.local_of("@auth0/nextjs-auth0", "Auth0Client") {
            if let Some(call) = m.calls_of(local).find(|c| c.new) {
                bind(&mut w, "auth0", call, "new Auth0Client(…)");
                if w.auth0.is_none()
                    && call
                        .bound_to
                        .as_deref()
                        .is_some_and(|b| m.export_of(b).is_some())
                {
                    let hook = call
                        .object
                        .as_ref()
                        .and_then(|o| key_line(o, "beforeSessionSaved", texts(&m.path).as_deref()));
                    let keeps_token = m.imports.iter().any(|i| {
                        i.source.ends_with("insforge-auth0") && i.local == "copyInsforgeToken"
                    });
                    if let Some(text) = texts(&m.path) {
                        w.auth0 = Some(Auth0Instance {
                            at: at(call.line),
                            text,
                            call: call.clone(),
                            hook,
                            keeps_token,
                        });
                    }
                }
            }
        }

        // Better Auth built in a workspace package (`initAuth()` from `@acme/auth`, whose
        // module calls `betterAuth(…)`): the app's instance is what it binds the call to.
        for i in &m.imports {
            let super::source::Imported::Name(imported) = &i.imported else {
                continue;
            };
            let Some(package) = packages.iter().find(|p| p.entry(&i.source).is_some()) else {
                continue;
            };
            let exists = |p: &Path| texts(p).is_some();
            let Some(file) =
                super::layouts::resolve(&m.path, &i.source, aliases, packages, &exists)
            else {
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
                let module = super::source::parse(&file, &text);
                let builds = module
                    .local_of("better-auth", "betterAuth")
                    .is_some_and(|b| module.calls_of(b).next().is_some())
                    && module.export_of(imported).is_some();
                if builds {
                    found = Some(file);
                    break;
                }
                queue.extend(module.reexports.iter().filter_map(|spec| {
                    super::layouts::resolve(&file, spec, aliases, packages, &exists)
                }));
            }
            let Some(file) = found else {
                continue;
            };
            if let Some(call) = m.calls_of(&i.local).next() {
                bind(
                    &mut w,
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

        // Better Auth: `betterAuth(…)`, `createAuthClient(…)`, `toNextJsHandler(…)`.
        if let Some(local) = m.local_of("better-auth", "betterAuth") {
            if let Some(call) = m.calls_of(local).next() {
                bind(&mut w, "auth", call, "betterAuth(…)");
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
                    w.better_auth_database = Some((db, provider, at(call.line)));
                }
            }
        }
        for package in ["better-auth/react", "better-auth/client"] {
            if let Some(local) = m.local_of(package, "createAuthClient") {
                if let Some(call) = m.calls_of(local).next() {
                    bind(&mut w, "authClient", call, "createAuthClient(…)");
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
                            at: at(call.line),
                            export: None,
                            what: "createAuthClient(…), destructured".into(),
                            members,
                        });
                    }
                }
            }
        }
        file_role(
            &mut w,
            m,
            "better-auth/next-js",
            "toNextJsHandler",
            "auth-route",
        );

        // Kinde, WorkOS: their auth routes.
        file_role(
            &mut w,
            m,
            "@kinde-oss/kinde-auth-nextjs",
            "handleAuth",
            "kinde-route",
        );
        file_role(
            &mut w,
            m,
            "@workos-inc/authkit-nextjs",
            "handleAuth",
            "workos-callback",
        );
        if is_route(&m.path) {
            file_role(
                &mut w,
                m,
                "@workos-inc/authkit-nextjs",
                "getSignInUrl",
                "workos-login",
            );
        }

        // Drizzle tables: `pgTable("user", {…})` and `authSchema.table("user", {…})` with
        // `const authSchema = pgSchema("auth")`.
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
            w.drizzle_tables.push(DrizzleTable {
                export,
                schema,
                table: table.clone(),
                id_column,
                at: at(c.line),
            });
        }

        // Stytch: B2B, or the consumer provider, login and authenticate pages.
        let b2b = m.imports.iter().any(|i| {
            i.source == "@stytch/nextjs/b2b"
                || i.source.starts_with("@stytch/nextjs/b2b/")
                || i.source.starts_with("@stytch/vanilla-js/b2b")
                || (i.source == "stytch"
                    && i.imported == super::source::Imported::Name("B2BClient".into()))
        });
        // Named by the file that renders its provider, when one does.
        let renders = |name: &str| {
            m.jsx.iter().any(|j| j.name == name)
                || super::layouts::rendered_providers(m)
                    .iter()
                    .any(|(c, _)| c == name)
        };
        if b2b && (w.stytch_b2b.is_none() || renders("StytchB2BProvider")) {
            w.stytch_b2b = Some(at(1));
        }
        let consumer = m.imports.iter().any(|i| {
            i.source == "@stytch/nextjs"
                || (i.source == "stytch"
                    && i.imported == super::source::Imported::Name("Client".into()))
        });
        if consumer && (w.stytch_consumer.is_none() || renders("StytchProvider")) {
            w.stytch_consumer = Some(at(1));
        }
        if !b2b {
            for create in [
                "createStytchClient",
                "createStytchUIClient",
                "createStytchHeadlessClient",
            ] {
                if let Some(local) = m.local_of("@stytch/nextjs", create) {
                    if let Some(call) = m.calls_of(local).next() {
                        let provider = m
                            .local_of("@stytch/nextjs", "StytchProvider")
                            .unwrap_or("StytchProvider");
                        if m.jsx.iter().any(|j| j.name == provider) {
                            w.roles
                                .entry("stytch-provider".into())
                                .or_insert(AppBinding {
                                    at: at(call.line),
                                    export: None,
                                    what: format!("{create}(…) in a <StytchProvider>"),
                                    members: Vec::new(),
                                });
                        }
                    }
                }
            }
            if let Some(j) = m.jsx.iter().find(|j| j.name == "StytchLogin") {
                w.roles.entry("stytch-login".into()).or_insert(AppBinding {
                    at: at(j.line),
                    export: None,
                    what: "<StytchLogin>".into(),
                    members: Vec::new(),
                });
            }
            if let Some(c) = m.calls.iter().find(|c| {
                c.callee.ends_with("magicLinks.authenticate")
                    || c.callee.ends_with("oauth.authenticate")
                    || c.callee.ends_with("authenticateByUrl")
            }) {
                if m.imports_from("@stytch/nextjs") {
                    w.roles
                        .entry("stytch-authenticate".into())
                        .or_insert(AppBinding {
                            at: at(c.line),
                            export: None,
                            what: format!("{}(…)", c.callee),
                            members: Vec::new(),
                        });
                }
            }
        }

        // Sign-in and sign-out UI the app has already: Kinde's links, WorkOS's signOut().
        for j in &m.jsx {
            if ["LoginLink", "LogoutLink", "RegisterLink"].contains(&j.name.as_str())
                && m.imports.iter().any(|i| {
                    i.local == j.name && i.source.starts_with("@kinde-oss/kinde-auth-nextjs")
                })
            {
                w.ui.entry(j.name.clone()).or_insert_with(|| at(j.line));
            }
        }
        // WorkOS's sign-out, and the sign-in and sign-up links an app builds itself.
        for name in ["signOut", "getSignInUrl", "getSignUpUrl"] {
            if let Some(local) = m.local_of("@workos-inc/authkit-nextjs", name) {
                if let Some(call) = m.calls_of(local).next() {
                    w.ui.entry(name.into()).or_insert_with(|| at(call.line));
                }
            }
        }
        // Sign-out the app has already, by any provider's way: Clerk's <SignOutButton>, a
        // Better Auth client's `authClient.signOut()` (or its imported `signOut`), Stytch's
        // `session.revoke()`, a link to Auth0's `/auth/logout`.
        if !w.ui.contains_key("signOut") {
            let imported = |name: &str| m.imports.iter().any(|i| i.local == name);
            let call = m.calls.iter().find(|c| {
                let head = c.callee.split('.').next().unwrap_or_default();
                (c.callee.ends_with(".signOut") && imported(head))
                    || (c.callee == "signOut" && imported("signOut"))
                    || c.callee.ends_with("session.revoke")
            });
            let button = m.jsx.iter().find(|j| {
                j.name == "SignOutButton"
                    && m.imports
                        .iter()
                        .any(|i| i.local == j.name && i.source.starts_with("@clerk/"))
            });
            let line = call.map(|c| c.line).or(button.map(|j| j.line)).or_else(|| {
                let text = texts(&m.path)?;
                let at = text
                    .find("\"/auth/logout\"")
                    .or_else(|| text.find("'/auth/logout'"))?;
                Some(text[..at].matches('\n').count() as u32 + 1)
            });
            if let Some(line) = line {
                w.ui.insert("signOut".into(), at(line));
            }
        }
        // Sign-in UI the app renders already.
        if w.sign_in_ui.is_none() {
            w.sign_in_ui = m
                .jsx
                .iter()
                .find(|j| {
                    SIGN_IN_UI.contains(&j.name.as_str())
                        && m.imports.iter().any(|i| {
                            i.local == j.name
                                && (i.source == "@clerk/nextjs"
                                    || i.source.starts_with("@clerk/nextjs/"))
                        })
                })
                .map(|j| (j.name.clone(), at(j.line)));
        }

        // The interceptor.
        if is_interceptor(&m.path) && w.interceptor.is_none() {
            let mut provider_call = None;
            for (package, name) in PROVIDER_MIDDLEWARE {
                if let Some(local) = m.local_of(package, name) {
                    if let Some(call) = m.calls_of(local).next() {
                        provider_call.get_or_insert((name.to_string(), call.line));
                    }
                }
            }
            // Auth0: `<instance>.middleware(request)` on an instance imported from the app.
            if let Some(call) = m.calls.iter().find(|c| {
                c.callee.ends_with(".middleware")
                    && m.imports
                        .iter()
                        .any(|i| c.callee.starts_with(&format!("{}.", i.local)))
            }) {
                provider_call.get_or_insert((call.callee.clone(), call.line));
            }
            let chains = m
                .calls
                .iter()
                .filter(|c| {
                    let name = c.callee.rsplit('.').next().unwrap_or("");
                    (name.ends_with("Middleware") || name == "createMiddleware" || name == "chain")
                        && Some(&c.callee) != provider_call.as_ref().map(|(n, _)| n)
                })
                .map(|c| c.callee.clone())
                .collect();
            let named = m
                .exports
                .iter()
                .any(|e| matches!(e.name.as_deref(), Some("middleware" | "proxy")));
            w.interceptor = Some(Interceptor {
                file: m.path.clone(),
                provider_call,
                chains,
                matcher: m.matcher.clone(),
                compose: match (&m.default_export, named, texts(&m.path)) {
                    (Some(default), false, Some(text)) => Some(Compose {
                        default: default.clone(),
                        text,
                        locals: m.imports.iter().map(|i| i.local.clone()).collect(),
                    }),
                    _ => None,
                },
            });
        }

        // An InsForge client created with a token.
        if let Some(local) = m.local_of("@insforge/sdk", "createClient") {
            for call in m.calls_of(local) {
                let token = call.object.as_ref().and_then(|o| {
                    o.keys
                        .iter()
                        .find(|(k, _)| k == "accessToken" || k == "edgeFunctionToken")
                        .map(|(k, _)| k.clone())
                });
                let token = token.or_else(|| {
                    m.calls
                        .iter()
                        .any(|c| c.callee.ends_with(".setAccessToken"))
                        .then(|| "setAccessToken".to_string())
                });
                if let Some(token) = token {
                    let signs_without_sub = m.calls.iter().any(|c| {
                        (c.callee == "sign" || c.callee.ends_with(".sign"))
                            && c.object
                                .as_ref()
                                .is_some_and(|o| !o.keys.iter().any(|(k, _)| k == "sub"))
                    });
                    let refreshes = m.calls.iter().any(|c| {
                        c.callee.ends_with(".setAccessToken") || c.callee == "setInterval"
                    });
                    w.insforge.push(InsforgeClient {
                        at: at(call.line),
                        token,
                        signs_without_sub,
                        refreshes,
                        client_side: m.imports_from("react"),
                    });
                }
            }
        }
    }
    // The root layouts and the provider components around them.
    let (layouts, partial) = super::layouts::find(modules, texts, aliases, packages);
    for component in PROVIDER_COMPONENTS {
        let mut at = None;
        let covers_all = !layouts.is_empty()
            && layouts.iter().all(|l| {
                l.providers
                    .iter()
                    .find(|(n, _)| n == component)
                    .is_some_and(|(_, a)| {
                        at.get_or_insert_with(|| a.clone());
                        true
                    })
            });
        if let (true, Some(at)) = (covers_all, at) {
            w.layout_providers.push((component.to_string(), at));
        }
    }
    w.layouts = layouts;
    // A sign-in route of the app's own that builds WorkOS's URL through a helper of its own
    // (`getOrganisationSignInUrl()` from `@/lib/auth`, which calls `getSignInUrl`): it is
    // the app's sign-in, and no second `/login` goes around it.
    if !w.roles.contains_key("workos-login") {
        let exists = |p: &Path| texts(p).is_some();
        let signs_in: Vec<&Path> = modules
            .iter()
            .filter(|m| {
                m.local_of("@workos-inc/authkit-nextjs", "getSignInUrl")
                    .is_some_and(|l| m.calls_of(l).next().is_some())
            })
            .map(|m| m.path.as_path())
            .collect();
        let route = modules.iter().find(|m| {
            is_route(&m.path)
                && m.parse_error.is_none()
                && !m.generated
                && m.imports.iter().any(|i| {
                    m.calls_of(&i.local).next().is_some()
                        && super::layouts::resolve(&m.path, &i.source, aliases, packages, &exists)
                            .is_some_and(|p| signs_in.contains(&p.as_path()))
                })
        });
        if let Some(m) = route {
            w.roles.insert(
                "workos-login".into(),
                AppBinding {
                    at: Located {
                        file: m.path.clone(),
                        line: 1,
                    },
                    export: None,
                    what: "a sign-in route of its own (through getSignInUrl)".into(),
                    members: Vec::new(),
                },
            );
        }
    }
    w.partial_providers = partial;
    // An InsForge client the app wrote itself stands in for the tool's utility.
    if let Some(client) = w.insforge.first() {
        w.roles
            .entry("insforge-client".into())
            .or_insert(AppBinding {
                at: client.at.clone(),
                export: None,
                what: format!("createClient with {}", client.token),
                members: Vec::new(),
            });
    }
    w
}

/// A role that is a whole file: the module calls `name` imported from `package`.
fn file_role(w: &mut Wiring, m: &Module, package: &str, name: &str, role: &str) {
    if let Some(local) = m.local_of(package, name) {
        if let Some(call) = m.calls_of(local).next() {
            w.roles.entry(role.to_string()).or_insert(AppBinding {
                at: Located {
                    file: m.path.clone(),
                    line: call.line,
                },
                export: None,
                what: format!("{name}(…)"),
                members: Vec::new(),
            });
        }
    }
}

/// The line of property `key` in an object literal.
fn key_line(object: &ObjectArg, key: &str, text: Option<&str>) -> Option<u32> {
    let (_, span) = object.keys.iter().find(|(k, _)| k == key)?;
    let text = text?;
    Some(text[..span.start as usize].matches('\n').count() as u32 + 1)
}

fn is_route(path: &Path) -> bool {
    path.file_stem().is_some_and(|s| s == "route")
        || path.starts_with("pages/api")
        || path.starts_with("src/pages/api")
}

fn is_interceptor(path: &Path) -> bool {
    let parent_ok = path
        .parent()
        .is_none_or(|p| p.as_os_str().is_empty() || p == Path::new("src"));
    parent_ok
        && path
            .file_stem()
            .is_some_and(|s| s == "middleware" || s == "proxy")
}

#[cfg(test)]
mod tests {
    use super::super::source;
    use super::*;

    fn wiring(files: &[(&str, &str)]) -> Wiring {
        let modules: Vec<Module> = files
            .iter()
            .map(|(p, t)| source::parse(Path::new(p), t))
            .collect();
        let texts = |p: &Path| {
            files
                .iter()
                .find(|(f, _)| Path::new(f) == p)
                .map(|(_, t)| t.to_string())
        };
        let aliases = [super::super::tsconfig::Alias {
            prefix: "@/".into(),
            dir: PathBuf::new(),
        }];
        recognise(&modules, &texts, &aliases, &[], files.len())
    }

    #[test]
    fn auth0_instance_with_and_without_its_hook() {
        let w = wiring(&[(
            "src/lib/auth/client.ts",
            "import { Auth0Client } from '@auth0/nextjs-auth0/server';\n\nexport const authClient = new Auth0Client({\n  signInReturnToPath: '/dashboard',\n});\n",
        )]);
        let role = &w.roles["auth0"];
        assert_eq!(role.at.to_string(), "src/lib/auth/client.ts:3");
        assert_eq!(role.export.as_deref(), Some("authClient"));
        let a = w.auth0.unwrap();
        assert_eq!((a.hook, a.keeps_token), (None, false));

        let w = wiring(&[(
            "lib/auth0.ts",
            "import { Auth0Client } from '@auth0/nextjs-auth0/server';\nconst auth0 = new Auth0Client({\n  async beforeSessionSaved(session) { return session; },\n});\nexport default auth0;\n",
        )]);
        assert_eq!(w.roles["auth0"].export, None);
        assert_eq!(w.auth0.unwrap().hook, Some(3));
    }

    #[test]
    fn better_auth_users_follow_the_adapter_options_and_the_drizzle_schema() {
        let schema = "import { pgSchema, pgTable, text } from 'drizzle-orm/pg-core';\nconst auth = pgSchema('auth');\nexport const member = auth.table('members', {\n  id: text('member_id').primaryKey(),\n});\nexport const users = pgTable('users', { id: text().primaryKey() });\nconst hidden = pgTable('hidden', { id: text('id') });\nexport { member as person };\n";
        // `schema: { user: member }` maps the model to an export of another name.
        let w = wiring(&[
            ("src/db/schema.ts", schema),
            ("src/lib/auth.ts", "import { betterAuth } from 'better-auth';\nimport { drizzleAdapter } from 'better-auth/adapters/drizzle';\nimport * as s from '@/db/schema';\nexport const auth = betterAuth({\n  database: drizzleAdapter(db, { provider: 'pg', schema: { ...s, user: s.member } }),\n});\n"),
        ]);
        let users = w.better_auth_users.clone().unwrap();
        assert_eq!(
            (users.model.as_str(), users.export.as_str()),
            ("user", "member")
        );
        let tables: Vec<_> = w
            .drizzle_tables
            .iter()
            .map(|t| {
                (
                    t.export.as_str(),
                    t.schema.as_str(),
                    t.table.as_str(),
                    t.id_column.as_deref(),
                )
            })
            .collect();
        // `member` is exported as itself; the unexported table is not the schema's.
        assert_eq!(
            tables,
            [
                ("member", "auth", "members", Some("member_id")),
                ("users", "public", "users", Some("id")),
            ]
        );
        // `user: { modelName }` wins over the default key, a `database: pool` binding is
        // followed to its `new Pool`, and a search_path in the config is seen.
        let w = wiring(&[(
            "lib/auth.ts",
            "import { betterAuth } from 'better-auth';\nimport { Pool } from 'pg';\nconst pool = new Pool({ options: '-c search_path=auth' });\nexport const auth = betterAuth({ database: pool, user: { modelName: 'accounts_user' } });\n",
        )]);
        let users = w.better_auth_users.unwrap();
        assert_eq!(users.model, "accounts_user");
        assert!(users.search_path);
        assert_eq!(w.better_auth_database.unwrap().0, "new Pool");
        // `usePlural` makes the key `users`.
        let w = wiring(&[(
            "lib/auth.ts",
            "import { betterAuth } from 'better-auth';\nimport { drizzleAdapter } from 'better-auth/adapters/drizzle';\nexport const auth = betterAuth({ database: drizzleAdapter(db, { provider: 'pg', usePlural: true }) });\n",
        )]);
        assert_eq!(w.better_auth_users.unwrap().export, "users");
    }

    #[test]
    fn better_auth_kinde_workos_and_stytch_wiring() {
        let w = wiring(&[
            ("src/lib/auth/auth.ts", "import { betterAuth } from 'better-auth';\nimport { prismaAdapter } from 'better-auth/adapters/prisma';\nexport const auth = betterAuth({ database: prismaAdapter(prisma, { provider: 'postgresql' }) });\n"),
            ("src/lib/auth/client.ts", "import { createAuthClient } from 'better-auth/react';\nexport const authClient = createAuthClient();\n"),
            ("src/app/api/auth/[...all]/route.ts", "import { toNextJsHandler } from 'better-auth/next-js';\nimport { auth } from '@/lib/auth/auth';\nexport const { GET, POST } = toNextJsHandler(auth);\n"),
            ("app/api/auth/[...kindeAuth]/route.ts", "import { handleAuth } from '@kinde-oss/kinde-auth-nextjs/server';\nexport const GET = handleAuth();\n"),
            ("app/b2b.tsx", "'use client';\nimport { StytchB2BProvider } from '@stytch/nextjs/b2b';\n"),
            ("app/sign-in.tsx", "import { getSignInUrl, signOut } from '@workos-inc/authkit-nextjs';\nexport async function SignIn() {\n  const url = await getSignInUrl();\n  return <a href={url}>Sign in</a>;\n}\n"),
        ]);
        assert_eq!(w.ui["getSignInUrl"].to_string(), "app/sign-in.tsx:3");
        assert!(!w.ui.contains_key("signOut"), "imported, never called");
        for role in ["auth", "authClient", "auth-route", "kinde-route"] {
            assert!(w.roles.contains_key(role), "{role}: {:?}", w.roles);
        }
        assert_eq!(w.roles["auth"].at.to_string(), "src/lib/auth/auth.ts:3");
        let (db, provider, _) = w.better_auth_database.unwrap();
        assert_eq!(
            (db.as_str(), provider.as_deref()),
            ("prismaAdapter", Some("postgresql"))
        );
        assert!(w.stytch_b2b.is_some());
    }

    #[test]
    fn layout_providers_interceptor_and_an_existing_insforge_client() {
        let w = wiring(&[
            ("app/layout.tsx", "import { ClerkProvider } from '@clerk/nextjs';\nexport default function RootLayout({ children }) {\n  return (\n    <ClerkProvider>\n      <html><body>{children}</body></html>\n    </ClerkProvider>\n  );\n}\n"),
            ("middleware.ts", "import { clerkMiddleware } from '@clerk/nextjs/server';\nimport createMiddleware from 'next-intl/middleware';\nconst intl = createMiddleware(routing);\nexport default clerkMiddleware((auth, req) => intl(req));\nexport const config = { matcher: ['/((?!_next).*)'] };\n"),
            ("lib/insforge.ts", "import { createClient } from '@insforge/sdk';\nexport const client = (t: string) => createClient({ baseUrl: '', edgeFunctionToken: t });\n"),
        ]);
        assert_eq!(w.layout_providers[0].0, "ClerkProvider");
        assert_eq!(w.layout_providers[0].1.to_string(), "app/layout.tsx:4");
        let i = w.interceptor.unwrap();
        assert_eq!(i.provider_call, Some(("clerkMiddleware".into(), 4)));
        assert_eq!(i.chains, ["createMiddleware"]);
        assert_eq!(i.matcher, ["/((?!_next).*)"]);
        assert_eq!(w.insforge[0].token, "edgeFunctionToken");
    }
}

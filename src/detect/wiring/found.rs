//! What recognition finds: the [`Wiring`] record and its parts (roles the app fills, its
//! Auth0 instance, its Better Auth database and user table, its interceptor, its InsForge
//! clients). Plain data, shown in `detect --json` and read by render and plan.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::detect::layouts::{Layout, PartialProvider};
use crate::detect::source::{Call, DefaultExport, Located};

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
    pub default: DefaultExport,
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

/// A Drizzle Postgres table the app exports: `export const user = pgTable("user", {…})`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DrizzleTable {
    pub export: String,
    pub schema: String,
    pub table: String,
    /// The column of the `id` key (`text("id")`), when it has one.
    pub id_column: Option<String>,
    /// Every column it declares: the TypeScript key, the column's name, and the builder that
    /// types it (`text`, `uuid`, `integer`…).
    #[serde(skip)]
    pub columns: Vec<(String, String, String)>,
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
    /// More exported `new Auth0Client(…)`s than the one taken (an app with an onboarding
    /// client and an app client): detection takes the one most files use.
    #[serde(skip)]
    pub auth0_others: Vec<(AppBinding, Auth0Instance)>,
    /// The Better Auth `database` option: what it is (`new Pool`, `prismaAdapter`…), the
    /// adapter's `provider` option when it has one (`postgresql`, `sqlite`…), and where.
    pub better_auth_database: Option<(String, Option<String>, Located)>,
    pub better_auth_users: Option<BetterAuthUsers>,
    /// The app's Better Auth client is the framework-free one (`better-auth/client`): its
    /// `useSession` is a store, not a React hook.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub better_auth_client_store: bool,
    /// Drizzle Postgres tables the app exports (the schema Better Auth's Drizzle adapter
    /// reads).
    pub drizzle_tables: Vec<DrizzleTable>,
    /// A Stytch B2B client or provider.
    pub stytch_b2b: Option<Located>,
    /// Stytch's consumer API in use (`@stytch/nextjs` outside `/b2b`, the `stytch` `Client`):
    /// with a B2B part too, the consumer part is integrated and the B2B part left alone.
    pub stytch_consumer: Option<Located>,
    /// The cookie the app's Stytch client keeps the session token in, when it names one
    /// (`cookieOptions: { opaqueTokenCookieName }`; Stytch's default is `stytch_session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stytch_session_cookie: Option<String>,
    /// The constant the app names it by (`Constants.STYTCH_SESSION_COOKIE`), resolved by
    /// detection over every file it read.
    #[serde(skip)]
    pub stytch_session_cookie_const: Option<String>,
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

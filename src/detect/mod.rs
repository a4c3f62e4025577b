//! Detection: read a few files of the user's app and record what they say, each fact with the
//! evidence that shows where it came from. Nothing here prompts or writes.

pub mod children;
pub mod formatter;
pub mod layouts;
pub mod link;
pub mod lockfile;
pub mod migrations;
pub mod package_json;
pub mod source;
pub mod tsconfig;
pub mod wiring;
pub mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use semver::Version;

pub use crate::app::{read_config, read_regular, Reader};
use crate::dotenv;
use crate::error::Error;
use crate::provider::{self, Provider};
use lockfile::{Lockfile, PackageManager};
use package_json::PackageJson;
use tsconfig::Alias;

/// A detected value and the evidence for it, e.g. `package.json: "next": "^16.0.1"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact<T> {
    pub value: T,
    pub evidence: String,
}

/// Everything detection learned about the app.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub package_json: PackageJson,
    /// Providers with evidence, strongest first: package evidence beats env-var evidence.
    pub providers: Vec<Fact<&'static Provider>>,
    pub next: Fact<Version>,
    /// `app` or `src/app`.
    pub app_dir: PathBuf,
    pub src_dir: bool,
    /// The app's folder for shared modules (`lib`, `libs`, `utils`, `util`, under `src/` in a
    /// src/ layout): where generated `lib/` modules go.
    pub lib_dir: PathBuf,
    /// The `.gitignore` files above the app (a monorepo root's), up to the repository root.
    pub gitignore_above: crate::gitignore::Above,
    pub typescript: Fact<bool>,
    pub aliases: Vec<Alias>,
    pub package_manager: Fact<PackageManager>,
    /// Versions of the packages templates branch on (`@insforge/sdk`, provider SDKs, `next`).
    pub versions: BTreeMap<String, Fact<Version>>,
    /// Keys defined in the app's `.env*` files, with the file and value Next.js would load
    /// (example files last: they document names, their values are placeholders).
    pub env: BTreeMap<String, (String, String)>,
    /// Existing `middleware.*` / `proxy.*` files, relative to the root.
    pub interceptors: Vec<PathBuf>,
    /// The name the app already uses for the InsForge URL variable, if any.
    pub url_var: Option<Fact<&'static str>>,
    /// The text of every file detection read in the app, by relative path (None: not there,
    /// or not text): the plan's view of those files ([`crate::plan::Snapshot`]).
    pub texts: BTreeMap<PathBuf, Option<String>>,
    /// The answers saved by an earlier run (`insforge-integrate.toml`).
    pub saved: Option<crate::store::answers::Saved>,
    /// What the tool last wrote to the files it owns (`insforge-integrate.base.toml`), with
    /// the store's text.
    pub base: (crate::store::base::Base, Option<String>),
    /// What is odd about the base store (hand-edited entries), told to the user.
    pub base_notes: Vec<String>,
    /// The app's existing auth wiring, from its parsed source.
    pub wiring: wiring::Wiring,
    /// The `.env*` files at the root.
    pub env_files: Vec<String>,
    /// The app has a `.env` that no `.gitignore` rule ignores: committed, so its template.
    pub env_committed: bool,
    /// Tables (`schema.table`, lower case) that the app's own SQL gives policies, with the
    /// file.
    pub existing_policies: BTreeMap<String, String>,
    /// Tables the app's own SQL creates, wherever its `.sql` files are.
    pub app_tables: BTreeMap<String, migrations::AppTable>,
    /// The models of the app's Prisma schema, as tables.
    pub prisma_tables: Vec<SchemaTable>,
    /// The app's formatter (its Prettier or Biome, or the style its config sets).
    pub formatter: Option<formatter::Formatter>,
    /// The app's own sign-in page: its route (`/auth/sign-in`) and file.
    pub sign_in: Option<(String, PathBuf)>,
    /// The app's own migration systems (Drizzle, Prisma, …) and the folders they own.
    pub migration_systems: Vec<migrations::System>,
    /// Where the app's own Better Auth keeps its users, when its adapter's schema says and
    /// it is on Postgres: Prisma's `model User`, the Drizzle table, or Kysely's `"user"`.
    pub auth_users: Option<UserTable>,
    /// The app's link to its InsForge project (`.insforge/project.json`), when it has one.
    pub link: Option<link::Link>,
}

/// The table and column user ids live in, from the app's own schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct UserTable {
    pub schema: String,
    pub table: String,
    pub column: String,
    /// The file it was read from.
    pub file: String,
}

/// Where the app's own Better Auth config keeps its user table, from what its adapter reads:
/// the Prisma schema's model, the Drizzle schema's table, or (Kysely, a pg `Pool`) the
/// model's table in `public`, unless the config or `DATABASE_URL` sets a `search_path`.
fn auth_users(
    reader: &Reader,
    wiring: &wiring::Wiring,
    database_url: Option<&str>,
) -> Option<UserTable> {
    let (_, _, at) = wiring.better_auth_database.as_ref()?;
    let users = wiring.better_auth_users.as_ref()?;
    match wiring.better_auth_adapter()? {
        wiring::Adapter::Prisma => ["prisma/schema.prisma", "schema.prisma"]
            .iter()
            .find_map(|f| prisma_user_table(&reader.text(Path::new(f))?, f, &users.model)),
        wiring::Adapter::Drizzle => {
            let mut found = wiring
                .drizzle_tables
                .iter()
                .filter(|t| t.export == users.export);
            let table = found.next()?;
            if found.next().is_some() {
                return None;
            }
            Some(UserTable {
                schema: table.schema.clone(),
                table: table.table.clone(),
                column: table.id_column.clone()?,
                file: table.at.to_string(),
            })
        }
        wiring::Adapter::Kysely => kysely_users(users, database_url, at),
        wiring::Adapter::OtherDatabase | wiring::Adapter::Unknown => None,
    }
}

fn kysely_users(
    users: &wiring::BetterAuthUsers,
    database_url: Option<&str>,
    at: &wiring::Located,
) -> Option<UserTable> {
    if users.search_path || database_url.is_some_and(|u| u.contains("search_path")) {
        return None;
    }
    Some(UserTable {
        schema: "public".into(),
        table: users.model.clone(),
        column: "id".into(),
        file: at.to_string(),
    })
}

/// A table an ORM schema of the app declares, with its columns: the field's name in code,
/// the column's, and whether it holds text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaTable {
    pub schema: String,
    pub table: String,
    pub columns: Vec<(String, String, bool)>,
    /// Where: `prisma/schema.prisma`, `db/schema.ts:3`.
    pub at: String,
}

/// Every `model` of a Prisma schema as a table: `@@map` and `@@schema` for its name, `@map`
/// for a field's column, `String` for text. Relation fields (a model's type) are no columns.
pub fn prisma_tables(text: &str, file: &str) -> Vec<SchemaTable> {
    let models: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("model "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let quoted = |line: &str, attribute: &str| -> Option<String> {
        let at = line.find(attribute)? + attribute.len();
        let rest = line[at..].trim_start().strip_prefix('(')?.trim_start();
        let rest = rest.strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_string())
    };
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("model ") {
        let after = &rest[at + 6..];
        let Some(name) = after.split_whitespace().next() else {
            break;
        };
        let (Some(open), Some(close)) = (after.find('{'), after.find('}')) else {
            break;
        };
        if close < open {
            rest = &after[close + 1..];
            continue;
        }
        let body = &after[open + 1..close];
        let mut table = name.to_string();
        let mut schema = "public".to_string();
        let mut columns = Vec::new();
        for line in body.lines().map(str::trim) {
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            if let Some(t) = quoted(line, "@@map") {
                table = t;
            } else if let Some(s) = quoted(line, "@@schema") {
                schema = s;
            } else if !line.starts_with("@@") {
                let mut words = line.split_whitespace();
                let (Some(field), Some(ty)) = (words.next(), words.next()) else {
                    continue;
                };
                let base = ty.trim_end_matches(['?', '!']).trim_end_matches("[]");
                if models.contains(&base) || ty.ends_with("[]") {
                    continue;
                }
                let column = quoted(line, "@map").unwrap_or_else(|| field.to_string());
                let text = base == "String" && !line.contains("@db.Uuid");
                columns.push((field.to_string(), column, text));
            }
        }
        out.push(SchemaTable {
            schema,
            table,
            columns,
            at: file.to_string(),
        });
        rest = &after[close + 1..];
    }
    out
}

/// `model User { id String @id @map("…") … @@map("…") @@schema("…") }` in a Prisma schema:
/// the model Better Auth's `model` key (`user`) is the client property of.
pub fn prisma_user_table(text: &str, file: &str, model: &str) -> Option<UserTable> {
    let mut first = model.chars();
    let name: String = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect())
        .unwrap_or_default();
    let start = text
        .find(&format!("model {name} "))
        .or_else(|| text.find(&format!("model {model} ")))?;
    let body = &text[start..];
    let body = &body[body.find('{')? + 1..body.find('}')?];
    let quoted = |line: &str, attribute: &str| -> Option<String> {
        let at = line.find(attribute)? + attribute.len();
        let rest = line[at..].trim_start().strip_prefix('(')?.trim_start();
        let rest = rest.strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_string())
    };
    let mut table = text[start + 6..]
        .split_whitespace()
        .next()
        .unwrap_or(&name)
        .to_string();
    let mut schema = "public".to_string();
    let mut column = None;
    for line in body.lines().map(str::trim) {
        if let Some(t) = quoted(line, "@@map") {
            table = t;
        } else if let Some(s) = quoted(line, "@@schema") {
            schema = s;
        } else if line.contains("@id") && !line.starts_with("@@") {
            let field = line.split_whitespace().next()?;
            column = Some(quoted(line, "@map").unwrap_or_else(|| field.to_string()));
        }
    }
    Some(UserTable {
        schema,
        table,
        column: column?,
        file: file.to_string(),
    })
}

/// The two names public guides use for the InsForge URL; the first is the default.
pub const URL_VARS: [&str; 2] = ["NEXT_PUBLIC_INSFORGE_URL", "NEXT_PUBLIC_INSFORGE_BASE_URL"];

impl Project {
    /// Why `init` would refuse this app before writing anything (for `detect` too, which says
    /// so): a JavaScript-only app, or a provider SDK older than the templates serve.
    pub fn refusal(&self, provider: Option<&crate::provider::Provider>) -> Option<String> {
        let project = self;
        let pm = project.package_manager.value;
        if !project.typescript.value {
            return Some(format!(
                "this is a JavaScript app (no tsconfig.json): insforge-integrate writes TypeScript for now. Add TypeScript: `{add} -D typescript @types/react @types/node`, then `echo '{{}}' > tsconfig.json` (an empty config, which `next dev` or `next build` fills in on its next run), then run insforge-integrate again",
                add = pm.add()
            ));
        }
        let provider = provider?;
        for r in &provider.requires {
            let minimum = semver::Version::parse(&r.at_least).expect("checked when providers load");
            if let Some(v) = project
                .versions
                .get(&r.package)
                .filter(|v| v.value < minimum)
            {
                // The upgrade in the app's own package manager.
                let message = r
                    .message
                    .replace("`npm install ", &format!("`{} ", pm.add()));
                return Some(format!(
                    "{} {} ({}): {message}; nothing was written",
                    r.package, v.value, v.evidence
                ));
            }
        }
        None
    }

    /// The value the app runs with for `key`, when a loaded env file (not an example) sets one.
    /// (`next dev` loads `.env.development.local`, `.env.local`, `.env.development`, `.env`.)
    pub fn env_value(&self, key: &str) -> Option<(&str, &str)> {
        self.env
            .get(key)
            .filter(|(file, value)| ENV_ORDER[..4].contains(&file.as_str()) && !value.is_empty())
            .map(|(file, value)| (file.as_str(), value.as_str()))
    }

    /// The app's example env file (`.env.example`, or its own `.env.local.example`,
    /// `.env.template`…): example keys go there, never into a second one.
    pub fn example_env(&self) -> &str {
        let mut examples: Vec<&str> = self
            .env_files
            .iter()
            .map(String::as_str)
            .filter(|n| is_example_env(n))
            .collect();
        examples.sort_by_key(|n| (*n != ".env.example", n.len(), n.to_string()));
        match examples.first() {
            Some(example) => example,
            // The app commits its `.env` as the template (no rule ignores it).
            None if self.env_committed => ".env",
            None => ".env.example",
        }
    }

    /// The folder generated app code goes in: `src` in a src/ layout, else the root.
    pub fn source_root(&self) -> PathBuf {
        if self.src_dir {
            PathBuf::from("src")
        } else {
            PathBuf::new()
        }
    }

    /// The folder InsForge's migrations go in: `migrations/`, unless another migration
    /// system owns it (Drizzle's `out`, a journal or JavaScript there): then
    /// `insforge/migrations/`, apart from that system's files.
    pub fn migrations_dir(&self) -> PathBuf {
        let taken = self
            .migration_systems
            .iter()
            .find(|s| s.dir == Path::new(crate::change::MIGRATIONS_DIR));
        match taken {
            Some(_) => Path::new("insforge").join(crate::change::MIGRATIONS_DIR),
            None => PathBuf::from(crate::change::MIGRATIONS_DIR),
        }
    }

    /// Where a generated module named `lib/...` in the templates goes: in the app's own
    /// folder for shared modules. Other paths are under the source root as they are.
    pub fn module(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.modules().path(rel)
    }

    pub fn modules(&self) -> Modules {
        Modules {
            source_root: self.source_root(),
            lib_dir: self.lib_dir.clone(),
        }
    }

    /// The lines shown to the user, `label: value (evidence)`.
    pub fn facts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match self.providers.as_slice() {
            [] => out.push(("provider".into(), "none detected".into())),
            [one] => out.push((
                "provider".into(),
                format!("{} ({})", one.value.name, one.evidence),
            )),
            many => out.push((
                "provider".into(),
                format!(
                    "several candidates: {}",
                    many.iter()
                        .map(|p| format!("{} ({})", p.value.name, p.evidence))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )),
        }
        out.push((
            "framework".into(),
            format!(
                "Next.js {} App Router ({}; {}/)",
                self.next.value,
                self.next.evidence,
                self.app_dir.display()
            ),
        ));
        out.push((
            "layout".into(),
            if self.src_dir {
                "src/ (src/app exists)"
            } else {
                "root (app/ at the root)"
            }
            .into(),
        ));
        out.push((
            "language".into(),
            format!(
                "{} ({})",
                if self.typescript.value {
                    "TypeScript"
                } else {
                    "JavaScript"
                },
                self.typescript.evidence
            ),
        ));
        out.push((
            "import alias".into(),
            match self.aliases.first() {
                Some(a) => format!(
                    "{}* -> ./{}* (tsconfig.json compilerOptions.paths)",
                    a.prefix,
                    display_dir(&a.dir)
                ),
                None => "none (relative imports)".into(),
            },
        ));
        if let Some(var) = &self.url_var {
            out.push((
                "InsForge URL var".into(),
                format!("{} ({})", var.value, var.evidence),
            ));
        }
        let w = &self.wiring;
        for (role, binding) in &w.roles {
            let export = match &binding.export {
                Some(name) => format!(", export {name}"),
                None => String::new(),
            };
            out.push((
                format!("app has {role}"),
                format!("{} at {}{export}", binding.what, binding.at),
            ));
        }
        if let Some(a) = &w.auth0 {
            out.push((
                "Auth0 hook".into(),
                match (a.hook, a.keeps_token) {
                    (_, true) => format!("beforeSessionSaved keeps the InsForge token ({})", a.at),
                    (Some(line), false) => format!(
                        "beforeSessionSaved at {}:{line} (does not keep the InsForge token)",
                        crate::paths::slash(&a.at.file)
                    ),
                    (None, false) => format!("no beforeSessionSaved in {}", a.at),
                },
            ));
        }
        for (name, at) in &w.layout_providers {
            out.push(("app renders".into(), format!("<{name}> at {at}")));
        }
        if let Some(i) = &w.interceptor {
            let mut text = match &i.provider_call {
                Some((call, line)) => {
                    format!("{}:{line} calls {call}", crate::paths::slash(&i.file))
                }
                None => format!(
                    "{} calls no provider middleware",
                    crate::paths::slash(&i.file)
                ),
            };
            if !i.chains.is_empty() {
                text.push_str(&format!("; also {}", i.chains.join(", ")));
            }
            out.push(("interceptor".into(), text));
        }
        if let Some(at) = &w.stytch_b2b {
            let consumer = w.stytch_consumer.as_ref().map_or(String::new(), |c| {
                format!(
                    "; consumer ({}) integrated, B2B left alone",
                    crate::paths::slash(&c.file)
                )
            });
            out.push((
                "Stytch".into(),
                format!("B2B ({}){consumer}", crate::paths::slash(&at.file)),
            ));
        }
        for (file, error) in &w.unparsable {
            out.push((
                "does not parse".into(),
                format!("{} ({error}): left alone", crate::paths::slash(file)),
            ));
        }
        out.push((
            "package manager".into(),
            format!(
                "{} ({})",
                self.package_manager.value.name(),
                self.package_manager.evidence
            ),
        ));
        if let Some(f) = &self.formatter {
            let what = match f {
                formatter::Formatter::Prettier { .. } => {
                    "Prettier (installed; generated files go through it)"
                }
                formatter::Formatter::Biome { .. } => {
                    "Biome (installed; generated files go through it)"
                }
                formatter::Formatter::Style { .. } => {
                    "its configured style (not installed; generated files written in it)"
                }
                formatter::Formatter::Code { .. } => {
                    "none configured; generated files take the quotes and semicolons of its code"
                }
            };
            out.push(("formatter".into(), format!("{what} ({})", f.evidence())));
        }
        out.push((
            "@insforge/sdk".into(),
            match self.versions.get(INSFORGE_SDK) {
                Some(v) => format!("{} ({})", v.value, v.evidence),
                None => "not installed (will be added)".into(),
            },
        ));
        out
    }
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        String::new()
    } else {
        format!("{}/", dir.display())
    }
}

pub const INSFORGE_SDK: &str = "@insforge/sdk";

/// Whether every secret-named variable of an env file (`…SECRET…`, `…KEY`, `…PASSWORD…`,
/// `…TOKEN…`; not browser-exposed ones) is empty or a placeholder.
fn holds_no_secret(text: &str) -> bool {
    crate::dotenv::parse(text).iter().all(|a| {
        let key = a.key.to_ascii_uppercase();
        let public = key.starts_with("NEXT_PUBLIC_") || key.starts_with("VITE_");
        let secret = ["SECRET", "KEY", "PASSWORD", "TOKEN", "PASS"]
            .iter()
            .any(|w| key.contains(w));
        if public || !secret {
            return true;
        }
        is_placeholder(&a.value)
    })
}

/// An env value that documents a variable rather than setting it: empty, or `your-…`,
/// `<…>`, `xxx`, `changeme`, `…`.
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    value.is_empty()
        || [
            "your",
            "xxx",
            "<",
            "change",
            "replace",
            "example",
            "placeholder",
            "todo",
            "...",
            "\u{2026}",
        ]
        .iter()
        .any(|p| value.contains(p))
}

/// Where Next.js looks for a request interceptor: `middleware.*` or `proxy.*`, at the root or
/// in `src/`.
pub fn interceptor_candidates() -> impl Iterator<Item = PathBuf> {
    ["", "src"].into_iter().flat_map(|dir| {
        ["middleware", "proxy"].into_iter().flat_map(move |stem| {
            ["ts", "js", "tsx", "jsx", "mjs"]
                .into_iter()
                .map(move |ext| Path::new(dir).join(format!("{stem}.{ext}")))
        })
    })
}

/// Why there is no app at `root`, said for what is there: an Nx project whose packages are
/// the workspace root's (`project.json`, no `package.json` of its own), a Next.js app folder
/// without one, or another folder.
fn no_package_json(root: &Path) -> String {
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let workspace = absolute
        .ancestors()
        .skip(1)
        .find(|d| d.join("package.json").is_file())
        .map(|d| {
            pathdiff(d, &absolute).map_or_else(
                || d.display().to_string(),
                |p| crate::paths::slash(&p.join("package.json")),
            )
        });
    let next_config = ["next.config.js", "next.config.mjs", "next.config.ts"]
        .iter()
        .any(|f| root.join(f).is_file());
    match (root.join("project.json").is_file(), next_config, workspace) {
        (true, _, Some(workspace)) => format!(
            "{} is an Nx project whose packages are the workspace's ({workspace}, no package.json of its own): insforge-integrate works on an app with its own package.json, so this layout is not supported yet. Nothing was written",
            root.display()
        ),
        (_, true, Some(workspace)) => format!(
            "{} has a Next.js config but no package.json of its own (the nearest is {workspace}): insforge-integrate works on an app with its own package.json, so this layout is not supported yet. Nothing was written",
            root.display()
        ),
        _ => format!(
            "no package.json in {}: run insforge-integrate inside your app's folder, or pass that folder as the PATH argument",
            root.display()
        ),
    }
}

/// `to` relative to `from` when `to` is one of `from`'s ancestors (`../../`).
fn pathdiff(to: &Path, from: &Path) -> Option<PathBuf> {
    let below = from.strip_prefix(to).ok()?;
    Some(below.components().map(|_| "..").collect())
}

/// A route handler the app already has where a provider's route goes
/// (`app/api/auth/[...all]/route.ts` exporting `GET`/`POST`, however it builds them) is the
/// app's own route for that role: it is kept, never written over or reported as a conflict.
fn own_routes(wiring: &mut wiring::Wiring, modules: &[source::Module], src_dir: bool) {
    for spec in provider::all().iter().flat_map(|p| &p.files) {
        let (Some(role), false) = (&spec.provides, spec.root) else {
            continue;
        };
        if !spec.path.ends_with("/route.ts") || wiring.roles.contains_key(role) {
            continue;
        }
        let stem =
            Path::new(if src_dir { "src" } else { "" }).join(&spec.path[..spec.path.len() - 3]);
        let found = modules.iter().find(|m| {
            m.path.with_extension("") == stem
                && m.parse_error.is_none()
                && !m.generated
                && m.exports
                    .iter()
                    .any(|e| matches!(e.name.as_deref(), Some("GET" | "POST")))
        });
        if let Some(m) = found {
            wiring.roles.insert(
                role.clone(),
                wiring::AppBinding {
                    at: wiring::Located {
                        file: m.path.clone(),
                        line: 1,
                    },
                    export: None,
                    what: "route handlers of its own".into(),
                    members: Vec::new(),
                },
            );
        }
    }
}

/// Detect the app at `root`.
pub fn detect(root: &Path) -> Result<Project> {
    let reader = Reader::new(root);
    let pj_path = root.join("package.json");
    let Some(text) = read_config(&reader, "package.json")? else {
        return Err(Error::Unsupported(no_package_json(root)).into());
    };
    let package_json = PackageJson::parse(Path::new("package.json"), text)?;

    // Workspace lockfiles and hoisted node_modules sit above the app: walk up from an
    // absolute path, whatever PATH was given as (`.` included).
    let absolute =
        std::path::absolute(root).with_context(|| format!("resolving {}", root.display()))?;
    let lockfiles = find_lockfiles(&absolute);
    let package_manager = package_manager(&package_json, &lockfiles, &absolute);
    let versions_of = |name: &str| package_version(&absolute, &package_json, &lockfiles, name);

    let Some(next) = versions_of("next") else {
        return Err(Error::Unsupported(format!(
            "{} has no \"next\" dependency: insforge-integrate supports Next.js apps using the App Router for now (other frameworks come later)",
            pj_path.display()
        ))
        .into());
    };
    let app_dir = if root.join("app").is_dir() {
        PathBuf::from("app")
    } else if root.join("src/app").is_dir() {
        PathBuf::from("src/app")
    } else {
        let pages = ["pages", "src/pages"].iter().any(|d| root.join(d).is_dir());
        return Err(Error::Unsupported(if pages {
            "this Next.js app uses the Pages Router (pages/): insforge-integrate supports the App Router (app/ or src/app/) for now".to_string()
        } else {
            "no app/ or src/app/ folder: insforge-integrate supports Next.js apps using the App Router".to_string()
        })
        .into());
    };
    let src_dir = app_dir.starts_with("src");

    let (typescript, aliases) = if let Some(text) = read_config(&reader, "tsconfig.json")? {
        let read = |p: &Path| reader.text(p);
        let aliases = tsconfig::aliases(Path::new("tsconfig.json"), &text, &read)?;
        (
            Fact {
                value: true,
                evidence: "tsconfig.json".into(),
            },
            aliases,
        )
    } else if let Some(d) = package_json.declared("typescript") {
        (
            Fact {
                value: true,
                evidence: format!("package.json: \"typescript\": \"{}\"", d.range),
            },
            Vec::new(),
        )
    } else {
        (
            Fact {
                value: false,
                evidence: "no tsconfig.json".into(),
            },
            Vec::new(),
        )
    };

    let (env, env_files) = read_env_files(&reader)?;
    let providers = detect_providers(&package_json, &env);

    let mut versions = BTreeMap::new();
    let mut interesting: Vec<&str> = vec![INSFORGE_SDK];
    for p in provider::all() {
        interesting.extend(p.branches.iter().map(|b| b.package.as_str()));
        interesting.extend(p.requires.iter().map(|r| r.package.as_str()));
        interesting.extend(p.detect.packages.iter().map(String::as_str));
    }
    for name in interesting {
        if let Some(v) = versions_of(name) {
            versions.insert(name.to_string(), v);
        }
    }
    versions.insert("next".into(), next.clone());

    let interceptors = interceptor_candidates()
        .filter(|p| root.join(p).is_file())
        .collect();

    // One pass over the app's code: its wiring, and which URL variable name it uses.
    let (base, base_notes) = match read_config(&reader, crate::store::base::FILE)? {
        Some(text) => {
            let (base, notes) = crate::store::base::Base::parse_noting(&text)?;
            ((base, Some(text)), notes)
        }
        None => Default::default(),
    };
    let packages = workspace::packages(root, &package_json.value);
    let package_names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
    let mut scan = source::scan(root, &URL_VARS, &package_names, &|p| reader.text(p));
    // A file the base store records is the tool's own, header comment or not.
    for m in &mut scan.modules {
        if base.0.get(&crate::paths::slash(&m.path)).is_some() {
            m.generated = true;
        }
    }
    let texts = |p: &Path| reader.text(p);
    let mut wiring = wiring::recognise(&scan.modules, &texts, &aliases, &packages, scan.files_read);
    own_routes(&mut wiring, &scan.modules, src_dir);
    most_used_auth0(&mut wiring, &reader);
    // A Stytch session cookie named by a constant: its value, wherever the app defines it.
    if let Some(name) = wiring.stytch_session_cookie_const.clone() {
        wiring.stytch_session_cookie = reader.find_map(|text| wiring::stytch_constant(text, &name));
    }
    let url_var = URL_VARS
        .iter()
        .find_map(|name| {
            env.get(*name).map(|(file, _)| Fact {
                value: *name,
                evidence: file.clone(),
            })
        })
        .or_else(|| {
            scan.word.map(|(n, path)| Fact {
                value: URL_VARS[n],
                evidence: crate::paths::slash(&path),
            })
        });

    let database_url = env.get("DATABASE_URL").map(|(_, v)| v.as_str());
    let auth_users = auth_users(&reader, &wiring, database_url);
    let scripts = package_json
        .value
        .get("scripts")
        .map(|s| s.to_string())
        .unwrap_or_default();
    let migration_systems = migrations::systems(root, &scripts, &|p| reader.text(p));
    let app_sql = migrations::app_sql(
        root,
        reader.text(Path::new(".gitignore")).as_deref(),
        &|p| base.0.get(p).is_some(),
        &|p| reader.text(p),
    );
    let saved = read_config(&reader, crate::store::answers::FILE)?;
    let lib_dir = lib_dir(root, src_dir, &base.0);
    let gitignore_above = crate::gitignore::Above::read(root);
    // A committed `.env` is the app's env template, when it is text the tool can edit and
    // holds no real secret (a `.env` with keys in it that git does not ignore is a local file
    // at risk, not a template).
    let env_committed = env_files.iter().any(|f| f == ".env")
        && reader
            .text(Path::new(".env"))
            .is_some_and(|text| holds_no_secret(&text))
        && !reader
            .text(Path::new(".gitignore"))
            .is_some_and(|text| crate::gitignore::ignored(&text, ".env"))
        && gitignore_above.ignoring(root, ".env").is_none();
    let sign_in = sign_in_page(root, &app_dir);
    // No formatter configured: the style of the app's own root layout (create-next-app
    // writes double quotes), so the written files look like their neighbours.
    let formatter = formatter::detect(&absolute, &package_json.value).or_else(|| {
        let layout = wiring.layouts.first()?;
        let text = reader.text(&layout.file)?;
        formatter::of_code(&text, &crate::paths::slash(&layout.file))
    });
    let link = link::read(root)?;
    Ok(Project {
        link,
        formatter,
        sign_in,
        lib_dir,
        gitignore_above,
        env_committed,
        wiring,
        auth_users,
        env_files,
        existing_policies: app_sql.policies,
        app_tables: app_sql.tables,
        prisma_tables: ["prisma/schema.prisma", "schema.prisma"]
            .iter()
            .find_map(|f| Some(prisma_tables(&reader.text(Path::new(f))?, f)))
            .unwrap_or_default(),
        migration_systems,
        texts: reader.into_texts(),
        saved: saved
            .map(|text| crate::store::answers::parse(&text))
            .transpose()?,
        base,
        base_notes,
        url_var,
        root: root.to_path_buf(),
        package_json,
        providers,
        next,
        app_dir,
        src_dir,
        typescript,
        aliases,
        package_manager,
        versions,
        env,
        interceptors,
    })
}

/// The app's sign-in page: a `page.*` under the app folder whose last static segment is
/// `sign-in`, `signin`, `login` or `log-in` (route groups and catch-alls left out of the
/// route, as Next.js does); the shortest route wins, `sign-in` before `login`.
fn sign_in_page(root: &Path, app_dir: &Path) -> Option<(String, PathBuf)> {
    const NAMES: [&str; 4] = ["sign-in", "signin", "login", "log-in"];
    let mut found: Vec<(usize, usize, String, PathBuf)> =
        ignore::WalkBuilder::new(root.join(app_dir))
            .hidden(true)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            // The app folder's pages are its routes: no `.gitignore` is read for them (the
            // root's is read once, by the project's reader).
            .parents(false)
            .git_ignore(false)
            .max_depth(Some(8))
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with("page.") && source::is_code(Path::new(n)))
            })
            .filter_map(|e| {
                let rel = e.path().strip_prefix(root).ok()?.to_path_buf();
                let dirs: Vec<String> = rel
                    .strip_prefix(app_dir)
                    .ok()?
                    .parent()?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                // Segments of the URL: no groups, no parallel slots; dynamic ones stop it.
                let mut route = Vec::new();
                for d in &dirs {
                    if d.starts_with('(') || d.starts_with('@') {
                        continue;
                    }
                    if d.starts_with('[') {
                        // `[[...sign-in]]` (Clerk's catch-all) still serves the route before it.
                        if d.starts_with("[[...") {
                            break;
                        }
                        return None;
                    }
                    route.push(d.clone());
                }
                let rank = NAMES
                    .iter()
                    .position(|n| route.last().is_some_and(|l| l == n))?;
                Some((route.len(), rank, format!("/{}", route.join("/")), rel))
            })
            .collect();
    found.sort();
    found
        .into_iter()
        .next()
        .map(|(_, _, route, file)| (route, file))
}

/// Where generated modules go ([`Project::module`]).
#[derive(Debug, Clone)]
pub struct Modules {
    pub source_root: PathBuf,
    pub lib_dir: PathBuf,
}

impl Modules {
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        let rel = rel.as_ref();
        match rel.strip_prefix("lib") {
            Ok(rest) => self.lib_dir.join(rest),
            Err(_) => self.source_root.join(rel),
        }
    }
}

/// The folder for generated `lib/` modules: the one an earlier run wrote to (the base store
/// says), else the app's own `lib`, `libs`, `utils` or `util` (in that order; in a src/
/// layout those under `src/` first, then the root's, where many such apps keep theirs behind
/// an alias like `@lib/*`), else `lib` under the source root.
fn lib_dir(root: &Path, src_dir: bool, base: &crate::store::base::Base) -> PathBuf {
    const NAMES: [&str; 4] = ["lib", "libs", "utils", "util"];
    let sources: &[&str] = if src_dir { &["src", ""] } else { &[""] };
    let candidates: Vec<PathBuf> = sources
        .iter()
        .flat_map(|s| NAMES.iter().map(move |n| Path::new(s).join(n)))
        .collect();
    let written = candidates.iter().find(|dir| {
        base.files
            .keys()
            .any(|p| Path::new(p).parent() == Some(dir.as_path()) && p.contains("insforge"))
    });
    let existing = || candidates.iter().find(|dir| root.join(dir).is_dir());
    written
        .or_else(existing)
        .cloned()
        .unwrap_or_else(|| Path::new(sources[0]).join(NAMES[0]))
}

/// Providers with evidence. Package evidence wins; env-var names count only when no package does.
fn detect_providers(
    package_json: &PackageJson,
    env: &BTreeMap<String, (String, String)>,
) -> Vec<Fact<&'static Provider>> {
    let by_package: Vec<_> = provider::all()
        .iter()
        .filter_map(|p| {
            let evidence: Vec<String> = p
                .detect
                .packages
                .iter()
                .filter_map(|name| {
                    package_json
                        .declared(name)
                        .map(|d| format!("package.json: \"{name}\": \"{}\"", d.range))
                })
                .collect();
            (!evidence.is_empty()).then(|| Fact {
                value: p,
                evidence: evidence.join(", "),
            })
        })
        .collect();
    if !by_package.is_empty() {
        return by_package;
    }
    provider::all()
        .iter()
        .filter_map(|p| {
            let evidence: Vec<String> = p
                .detect
                .env
                .iter()
                .filter_map(|key| env.get(key).map(|(file, _)| format!("{file}: {key}")))
                .collect();
            (!evidence.is_empty()).then(|| Fact {
                value: p,
                evidence: evidence.join(", "),
            })
        })
        .collect()
}

/// Lockfiles in the app's folder, or in the nearest parent that has one (a workspace root),
/// stopping at a repository root.
fn find_lockfiles(root: &Path) -> Vec<Lockfile> {
    for dir in root.ancestors() {
        let found = lockfile::find(dir);
        if !found.is_empty() || dir.join(".git").exists() {
            return found;
        }
    }
    Vec::new()
}

fn package_manager(pj: &PackageJson, lockfiles: &[Lockfile], root: &Path) -> Fact<PackageManager> {
    let from_field = pj.package_manager().and_then(|f| {
        lockfile::manager_from_field(f).map(|m| Fact {
            value: m,
            evidence: format!("package.json: \"packageManager\": \"{f}\""),
        })
    });
    let from_lock = |l: &Lockfile| Fact {
        value: l.manager,
        evidence: relative(root, &l.path),
    };
    match (lockfiles, from_field) {
        ([], Some(field)) => field,
        ([], None) => Fact {
            value: PackageManager::Npm,
            evidence: "no lockfile; npm assumed".into(),
        },
        ([one], _) => from_lock(one),
        (several, Some(field)) if several.iter().any(|l| l.manager == field.value) => field,
        (several @ [first, ..], _) => {
            // Two lockfiles disagree: the README's commands say which one the app uses.
            let managers: Vec<PackageManager> = several.iter().map(|l| l.manager).collect();
            let dir = first.path.parent().unwrap_or(root);
            let readme = [root, dir].into_iter().find_map(|d| {
                let text = read_regular(&d.join("README.md"))?;
                let m = lockfile::manager_from_readme(&text, &managers)?;
                Some((m, relative(root, &d.join("README.md"))))
            });
            match readme
                .and_then(|(m, file)| Some((several.iter().find(|l| l.manager == m)?, file)))
            {
                Some((lock, file)) => Fact {
                    value: lock.manager,
                    evidence: format!(
                        "{} ({file} uses {})",
                        relative(root, &lock.path),
                        lock.manager.name()
                    ),
                },
                None => from_lock(first),
            }
        }
    }
}

/// The version of `name` the app uses: installed (node_modules), then locked, then the lowest
/// version the declared range allows.
fn package_version(
    root: &Path,
    pj: &PackageJson,
    lockfiles: &[Lockfile],
    name: &str,
) -> Option<Fact<Version>> {
    let mut declared = pj.declared(name)?;
    // pnpm's `catalog:` / `catalog:<name>`: the range the workspace's catalog gives.
    let mut catalog_evidence = None;
    if let Some(catalog) = declared.range.strip_prefix("catalog:") {
        if let Some((range, file)) = catalog_range(root, catalog.trim(), name) {
            catalog_evidence = Some(format!("{file}: catalog {name}: \"{range}\""));
            declared.range = range;
        }
    }
    // A copy that the declared range rules out belongs to another workspace member.
    let fits = |v: &Version| satisfies(&declared.range, v);
    for dir in root.ancestors() {
        let manifest = dir.join("node_modules").join(name).join("package.json");
        if let Some(text) = read_regular(&manifest) {
            let version = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("version")?.as_str().map(str::to_string))
                .and_then(|v| Version::parse(&v).ok())
                .filter(fits);
            if let Some(version) = version {
                return Some(Fact {
                    value: version,
                    evidence: relative(root, &manifest),
                });
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    for lock in lockfiles {
        let importer = lock
            .path
            .parent()
            .and_then(|dir| root.strip_prefix(dir).ok())
            .map(crate::paths::slash)
            .unwrap_or_default();
        let version = lock
            .version_of(name, &importer)
            .and_then(|v| Version::parse(&v).ok())
            .filter(fits);
        if let Some(version) = version {
            return Some(Fact {
                value: version,
                evidence: relative(root, &lock.path),
            });
        }
    }
    let evidence = catalog_evidence
        .unwrap_or_else(|| format!("package.json: \"{name}\": \"{}\"", declared.range));
    match lowest_in_range(&declared.range) {
        Some(version) => Some(Fact {
            value: version,
            evidence,
        }),
        None => Some(Fact {
            value: latest_known(name),
            evidence: format!("{evidence}; assumed current"),
        }),
    }
}

/// The range pnpm's workspace catalog (`pnpm-workspace.yaml` above the app: `catalog:` for
/// the default, `catalogs: <name>:` for a named one) gives `package`, and that file.
fn catalog_range(root: &Path, catalog: &str, package: &str) -> Option<(String, String)> {
    let dir = root
        .ancestors()
        .find(|d| d.join("pnpm-workspace.yaml").is_file() || d.join(".git").exists())?;
    let path = dir.join("pnpm-workspace.yaml");
    let text = read_regular(&path)?;
    let unquote = |s: &str| s.trim().trim_matches(['"', '\'']).to_string();
    let indent = |l: &str| l.len() - l.trim_start().len();
    // The lines of the section holding the catalog's entries.
    let lines: Vec<&str> = text.lines().collect();
    let (start, depth) = if catalog.is_empty() || catalog == "default" {
        let i = lines.iter().position(|l| l.trim_end() == "catalog:")?;
        (i + 1, 0)
    } else {
        let outer = lines.iter().position(|l| l.trim_end() == "catalogs:")?;
        let i = lines[outer + 1..].iter().position(|l| {
            indent(l) > 0
                && unquote(l.trim().trim_end_matches(':')) == catalog
                && l.trim_end().ends_with(':')
        })? + outer
            + 1;
        (i + 1, indent(lines[i]))
    };
    for line in &lines[start..] {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if indent(line) <= depth {
            break;
        }
        let Some((key, value)) = line.trim().split_once(": ") else {
            continue;
        };
        if unquote(key) == package {
            return Some((unquote(value.split(" #").next()?), relative(root, &path)));
        }
    }
    None
}

/// The newest version of the packages templates branch on, as known when the tool was built;
/// used for ranges like `latest` or `*`.
fn latest_known(name: &str) -> Version {
    let known = match name {
        "next" => "16.0.0",
        INSFORGE_SDK => "1.5.2",
        _ => "999.0.0",
    };
    Version::parse(known).expect("valid literal")
}

/// Whether `version` is in the npm range `range`. A range this cannot read counts as yes.
pub fn satisfies(range: &str, version: &Version) -> bool {
    let alternatives: Vec<Option<semver::VersionReq>> = range
        .split("||")
        .map(|part| {
            let comparators: Vec<String> = part
                .split_whitespace()
                .map(|c| {
                    // npm reads a bare version as exact; the semver crate as `^`.
                    if c.starts_with(|ch: char| ch.is_ascii_digit()) && c.split('.').count() == 3 {
                        format!("={c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            semver::VersionReq::parse(&comparators.join(", ")).ok()
        })
        .collect();
    if alternatives.iter().any(Option::is_none) {
        return true;
    }
    alternatives
        .into_iter()
        .flatten()
        .any(|req| req.matches(version))
}

/// `^16.0.1` → 16.0.1, `~15.3` → 15.3.0, `>=14 <16` → 14.0.0, `15.x` → 15.0.0. Tags, aliases,
/// URLs and workspace references give None.
pub fn lowest_in_range(range: &str) -> Option<Version> {
    // `>= 15 < 16` → [`>=15`, `<16`]
    let mut comparators: Vec<String> = Vec::new();
    for token in range.split("||").next()?.split_whitespace() {
        match comparators.last_mut() {
            Some(last) if last.chars().all(|c| "<>=^~".contains(c)) => last.push_str(token),
            _ => comparators.push(token.to_string()),
        }
    }
    let lower = comparators.iter().find(|c| !c.starts_with('<'));
    // Only an upper bound (`<16`): the newest major below it.
    if let (None, Some(bound)) = (lower, comparators.first()) {
        let bound = bound.strip_prefix('<')?;
        let inclusive = bound.starts_with('=');
        let top = lowest_in_range(bound.trim_start_matches('='))?;
        return Some(if inclusive || top.minor > 0 || top.patch > 0 {
            Version::new(top.major, 0, 0)
        } else {
            Version::new(top.major.checked_sub(1)?, 0, 0)
        });
    }
    let first = lower?.as_str();
    let first = first
        .trim_start_matches(['^', '~', '>', '=', 'v', ' '])
        .split_whitespace()
        .next()?;
    let core = first.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let mut number = || -> Option<u64> {
        match parts.next() {
            None | Some("x" | "X" | "*") => Some(0),
            Some(p) => p.parse().ok(),
        }
    };
    let (major, minor, patch) = (number()?, number()?, number()?);
    first
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| Version::new(major, minor, patch))
}

/// Of several exported `new Auth0Client(…)`s (an onboarding client beside the app's),
/// the generated code uses the one most of the app's files name; the first on a tie.
fn most_used_auth0(wiring: &mut wiring::Wiring, reader: &crate::app::Reader) {
    if wiring.auth0_others.is_empty() {
        return;
    }
    let uses = |b: &wiring::AppBinding| {
        b.export.as_deref().map_or(0, |name| {
            reader.count(&b.at.file, |text| source::contains_word(text, name))
        })
    };
    let Some(current) = wiring.roles.get("auth0") else {
        return;
    };
    let mut best = uses(current);
    let mut pick = None;
    for (i, (binding, _)) in wiring.auth0_others.iter().enumerate() {
        let n = uses(binding);
        if n > best {
            best = n;
            pick = Some(i);
        }
    }
    if let Some(i) = pick {
        let (binding, instance) = wiring.auth0_others.remove(i);
        let old_binding = wiring.roles.insert("auth0".into(), binding);
        let old_instance = wiring.auth0.replace(instance);
        if let (Some(b), Some(inst)) = (old_binding, old_instance) {
            wiring.auth0_others.push((b, inst));
        }
    }
}

/// Keys in the app's `.env*` files (any name starting with `.env`) with the file and value
/// Next.js would load in development: its files in its order, expanded as it expands them
/// (`$NAME`, with this process's environment); the other files after them, parsed only (the
/// production files, and example files, which document names with placeholder values).
type EnvKeys = BTreeMap<String, (String, String)>;

fn read_env_files(reader: &Reader) -> Result<(EnvKeys, Vec<String>)> {
    let root = reader.root();
    let mut names: Vec<String> = std::fs::read_dir(root)
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        // `.env*`, and env templates named otherwise (`.example.env`, `env.example.txt`,
        // `example.env`): documentation only, never loaded.
        .filter(|n| {
            n.starts_with(".env")
                || (is_example_env(n)
                    && n.trim_start_matches('.')
                        .split(['.', '_', '-'])
                        .any(|part| part == "env"))
        })
        // Regular files, through links; never a FIFO or a folder.
        .filter(|n| std::fs::metadata(root.join(n)).is_ok_and(|m| m.is_file()))
        .collect();
    names.sort_by_key(|n| {
        let rank = ENV_ORDER
            .iter()
            .position(|o| o == n)
            .unwrap_or(ENV_ORDER.len());
        (is_example_env(n), rank, n.clone())
    });
    let texts: Vec<(String, String)> = names
        .into_iter()
        .filter_map(|name| {
            // As Node reads them: invalid UTF-8 becomes U+FFFD, the rest still counts.
            let meta = std::fs::metadata(root.join(&name)).ok()?;
            if meta.len() > 64 << 20 {
                return None;
            }
            let bytes = std::fs::read(root.join(&name)).ok()?;
            reader.saw(Path::new(&name), &bytes);
            Some((name, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    type Named<'a> = Vec<&'a (String, String)>;
    let (loaded, rest): (Named, Named) = texts
        .iter()
        .partition(|(name, _)| ENV_ORDER[..4].contains(&name.as_str()));
    // Variables that are not UTF-8 cannot be what an expansion refers to: left out, never
    // a panic that would print them.
    let process: std::collections::HashMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    let sources: Vec<&str> = loaded.iter().map(|(_, text)| text.as_str()).collect();
    let mut keys = BTreeMap::new();
    for (key, (index, value)) in dotenv::load(&sources, &process, false) {
        let (name, text) = loaded[index];
        // An expansion too long to follow: the value as written stands for it.
        let value = value.unwrap_or_else(|| {
            dotenv::parse(text)
                .into_iter()
                .rev()
                .find(|a| a.key == key)
                .map_or_else(|| "?".into(), |a| a.value)
        });
        keys.insert(key, (name.clone(), value));
    }
    for (name, text) in rest {
        for a in dotenv::parse(text).into_iter().rev() {
            keys.entry(a.key).or_insert_with(|| (name.clone(), a.value));
        }
    }
    Ok((keys, texts.iter().map(|(n, _)| n.clone()).collect()))
}

/// The env files Next.js loads, in its order of precedence: the first four in development.
const ENV_ORDER: [&str; 6] = [
    ".env.development.local",
    ".env.local",
    ".env.development",
    ".env",
    ".env.production.local",
    ".env.production",
];

/// Whether Next.js loads `file` in development (`.env.local`, `.env`, …).
pub fn is_loaded_env(file: &str) -> bool {
    ENV_ORDER[..4].contains(&file)
}

/// `.env.example`, `.env.sample`, `.env_sample`, `.env-template`…: documentation, never loaded by Next.js.
pub fn is_example_env(file: &str) -> bool {
    ["example", "sample", "template", "dist", "defaults"]
        .iter()
        .any(|word| file.split(['.', '_', '-']).any(|part| part == *word))
}

/// `path` as seen from `root`: `package-lock.json`, or `../../pnpm-lock.yaml` in a workspace.
fn relative(root: &Path, path: &Path) -> String {
    let mut up = PathBuf::new();
    for ancestor in root.ancestors() {
        if let Ok(rel) = path.strip_prefix(ancestor) {
            return crate::paths::slash(&up.join(rel));
        }
        up.push("..");
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisma_user_table_from_the_schema() {
        let schema = "generator client { provider = \"prisma-client-js\" }\n\nmodel User {\n  id            String    @id @map(\"user_id\")\n  email         String\n  sessions      Session[]\n\n  @@unique([email])\n  @@map(\"users\")\n  @@schema(\"auth_app\")\n}\n";
        let t = prisma_user_table(schema, "prisma/schema.prisma", "user").unwrap();
        assert_eq!(
            (t.schema.as_str(), t.table.as_str(), t.column.as_str()),
            ("auth_app", "users", "user_id")
        );
        let plain = prisma_user_table("model User {\n  id String @id\n}\n", "x", "user").unwrap();
        assert_eq!(
            (
                plain.schema.as_str(),
                plain.table.as_str(),
                plain.column.as_str()
            ),
            ("public", "User", "id")
        );
        assert!(prisma_user_table("model Account {\n id String @id\n}", "x", "user").is_none());
    }

    #[test]
    fn catalog_ranges_come_from_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let app = dir.path().join("apps/web");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(
            dir.path().join("pnpm-workspace.yaml"),
            "packages:\n  - apps/*\ncatalog:\n  'better-auth': ^1.3.4\n  next: 15.5.0 # pinned\ncatalogs:\n  react19:\n    react: ^19.1.0\n",
        )
        .unwrap();
        assert_eq!(
            catalog_range(&app, "", "better-auth"),
            Some(("^1.3.4".into(), "../../pnpm-workspace.yaml".into()))
        );
        assert_eq!(catalog_range(&app, "", "next").unwrap().0, "15.5.0");
        assert_eq!(
            catalog_range(&app, "react19", "react").unwrap().0,
            "^19.1.0"
        );
        assert_eq!(catalog_range(&app, "", "react"), None);
    }

    #[test]
    fn npm_ranges() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(satisfies("^15.1.0", &v("15.3.2")));
        assert!(!satisfies("^15.1.0", &v("16.0.1")));
        assert!(satisfies(">=14 <16", &v("15.0.0")));
        assert!(!satisfies(">=14 <16", &v("16.0.0")));
        assert!(!satisfies("16.0.0", &v("16.0.1")));
        assert!(satisfies("^15 || ^16", &v("16.0.1")));
        assert!(satisfies("latest", &v("1.0.0")));
        assert!(satisfies("workspace:*", &v("1.0.0")));
        assert!(satisfies("15.x", &v("15.2.0")));
    }

    #[test]
    fn lowest_versions_of_ranges() {
        let table = [
            ("^16.0.1", Some("16.0.1")),
            ("16.0.1", Some("16.0.1")),
            ("~15.3", Some("15.3.0")),
            (">=14.2.0 <16", Some("14.2.0")),
            ("15.x", Some("15.0.0")),
            ("^1.4.3-beta.1", Some("1.4.3")),
            ("^15 || ^16", Some("15.0.0")),
            ("<16", Some("15.0.0")),
            ("<=15.3", Some("15.0.0")),
            ("<15.2.0", Some("15.0.0")),
            ("< 16", Some("15.0.0")),
            ("<16 >=15", Some("15.0.0")),
            (">= 15.1 < 16", Some("15.1.0")),
            ("latest", None),
            ("*", None),
            ("workspace:*", None),
            ("npm:other@1", None),
            ("", None),
        ];
        for (range, want) in table {
            assert_eq!(
                lowest_in_range(range).map(|v| v.to_string()).as_deref(),
                want,
                "{range}"
            );
        }
    }
}

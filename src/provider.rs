//! Providers as data: each `templates/<id>/provider.toml` (embedded in the binary) says how to
//! detect the provider, which env vars and packages it needs, and which template files it
//! renders. Adding a provider means adding a folder, not code.

use std::sync::OnceLock;

use anyhow::{anyhow, Context, Result};
use include_dir::{include_dir, Dir};
use serde::Deserialize;

/// The template tree, embedded so the binary works offline.
pub static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub name: String,
    /// The app signs the InsForge JWT itself, so it needs the JWT secret.
    pub signs_jwt: bool,
    pub detect: DetectSignals,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default)]
    pub branches: Vec<Branch>,
    /// The provider component the root layout must wrap `{children}` in, if any.
    #[serde(default)]
    pub wrap: Option<Wrap>,
    /// How the provider's middleware composes with an interceptor of the app's own that
    /// does not call it, as the provider documents.
    #[serde(default)]
    pub compose: Option<ComposeWith>,
    /// Versions the templates cannot serve: an app below one is refused, saying why.
    #[serde(default)]
    pub requires: Vec<Requirement>,
    pub files: Vec<FileSpec>,
    /// Modules templates import by role (`{{use "auth0"}}`): the tool's own file, unless the
    /// app already has one (then its module and export name).
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Provider-specific parts of the SQL migration.
    #[serde(default)]
    pub sql: Option<SqlSpec>,
    /// A JWT template in the provider's dashboard that signs the InsForge token (Clerk's),
    /// which `--setup` creates through the provider's API.
    #[serde(default)]
    pub jwt_template: Option<JwtTemplate>,
    /// The provider's own tables, made between the migrations by a step's command (Better
    /// Auth's migrate), which `--setup` runs when the app's database URL is at hand.
    #[serde(default)]
    pub tables: Option<Tables>,
    /// Ways of making the InsForge token (Auth0: signed per request on the server, or by a
    /// Post Login Action at login); the first is the default. Files, env vars and packages
    /// with a `variant` belong to that one only.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// The variant this definition is (none for a provider without variants).
    #[serde(skip)]
    pub variant: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub name: String,
    /// What it is, for `--help`-like messages and notes.
    pub summary: String,
    /// The app signs the token (and needs the JWT secret) in this variant.
    pub signs_jwt: bool,
    /// Text in the app's files that says it uses this variant already (an earlier run's
    /// hook, a claim name).
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtTemplate {
    /// Only in this variant.
    #[serde(default)]
    pub variant: Option<String>,
    /// The name the generated code asks for.
    pub name: String,
    /// The claims, as JSON text.
    pub claims: String,
    /// Seconds; the generated code fetches a new token before it runs out.
    pub lifetime: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlSpec {
    /// What owner columns reference, e.g. `better_auth."user"(id) on delete cascade`.
    pub owner_references: Option<String>,
    /// A migration that must be applied before the RLS one (and before the provider's own setup).
    pub bootstrap: Option<Bootstrap>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bootstrap {
    /// The migration name, `^[a-z0-9-]+$`.
    pub name: String,
    /// Path in the template tree, e.g. `sql/better-auth-schema.sql.hbs`.
    pub template: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectSignals {
    pub packages: Vec<String>,
    #[serde(default)]
    pub env: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    pub name: String,
    pub comment: String,
    pub example: String,
    #[serde(default)]
    pub default: String,
    #[serde(default)]
    pub secret: bool,
    /// Read only by the tool's own file for this role: left out when the app has its own.
    #[serde(default)]
    pub with_role: Option<String>,
    /// The app's URL at this role's route (a callback): when the app has its own route for
    /// the role, the value points there instead of at the tool's route.
    #[serde(default)]
    pub route_of: Option<String>,
    /// Any random value of the right length fills it: `init --setup` generates it when empty.
    #[serde(default)]
    pub generate: bool,
    /// Only in this variant.
    #[serde(default)]
    pub variant: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub dev: bool,
    /// Needed only by the tool's own file for this role: left out when the app has its own.
    #[serde(default)]
    pub with_role: Option<String>,
    /// Only in this variant.
    #[serde(default)]
    pub variant: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    pub name: String,
    pub package: String,
    pub at_least: String,
}

/// The provider's middleware around the app's own.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeWith {
    /// Import statements (templates; `{{use "auth0"}}` works), each added unless the file
    /// binds its names already.
    pub imports: Vec<String>,
    /// The new default export (a template): `{{app}}` is the app's middleware, `{{args}}`
    /// what to call it with (`req`, or `req, event` when it takes two; `{{event}}` says
    /// which), `{{ts}}` whether the file is TypeScript.
    pub export: String,
}

/// `<component>{children}</component>` in the root layout.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wrap {
    pub component: String,
    /// The package it is a named export of, or…
    #[serde(default)]
    pub package: Option<String>,
    /// …the tool's own module (relative to the source root) it is the default export of.
    #[serde(default)]
    pub module: Option<String>,
    /// Role of the app's own version of it (the app's is used instead, never wrapped again).
    #[serde(default)]
    pub role: Option<String>,
    /// The package's own components that do its job when the app renders them
    /// (`StytchProvider` for the tool's `StytchAppProvider`).
    #[serde(default)]
    pub also: Vec<String>,
}

impl Wrap {
    /// Whether `component` (as its package names it) is this provider.
    pub fn is(&self, component: &str) -> bool {
        self.component == component || self.also.iter().any(|a| a == component)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub package: String,
    pub at_least: String,
    /// Why, and what to do: shown when the app's version is older.
    pub message: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub template: String,
    pub path: String,
    #[serde(default)]
    pub root: bool,
    #[serde(default)]
    pub interceptor: bool,
    /// The part of the provider's wiring this file is (`auth0`, `auth-route`): not written
    /// when the app already has it.
    #[serde(default)]
    pub provides: Option<String>,
    /// A page that renders under the provider component (`useStytch()`): where the app's
    /// provider covers one route group only, the page goes in that group.
    #[serde(default)]
    pub under_provider: bool,
    /// Only in this variant.
    #[serde(default)]
    pub variant: Option<String>,
}

/// What makes the provider's own tables, for `--setup`: the step whose command (from its
/// `run=` marker) creates them over the database URL in `env`, then `grant`, sent over the
/// same URL (as the tables' owner), so that the migrations, run as `project_admin`, can
/// reference them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    pub step: String,
    pub env: String,
    pub grant: String,
}

/// A binding templates import: `name` is both the role and the local name they use.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    /// The tool's own module for it (relative to the source root, no extension).
    pub module: String,
}

impl Provider {
    /// The embedded source of one of this provider's templates.
    pub fn template_source(&self, relative: &str) -> Result<&'static str> {
        template_text(&format!("{}/{}", self.id, relative))
    }
}

/// The text of an embedded template file.
pub fn template_text(path: &str) -> Result<&'static str> {
    TEMPLATES
        .get_file(path)
        .ok_or_else(|| anyhow!("template {path} is missing from the binary"))?
        .contents_utf8()
        .ok_or_else(|| anyhow!("template {path} is not UTF-8"))
}

/// Every provider, in a stable order (by id).
/// The providers, each in its default variant.
pub fn all() -> &'static [Provider] {
    static PROVIDERS: OnceLock<Vec<Provider>> = OnceLock::new();
    PROVIDERS.get_or_init(|| {
        load()
            .expect("embedded provider definitions are valid (tested)")
            .iter()
            .map(|p| p.with_variant(p.variants.first().map(|v| v.name.as_str())))
            .collect()
    })
}

/// `provider` in its variant `name`: None when it has no such variant.
pub fn variant(provider: &Provider, name: &str) -> Option<&'static Provider> {
    static VARIANTS: OnceLock<Vec<Provider>> = OnceLock::new();
    VARIANTS
        .get_or_init(|| {
            load()
                .expect("embedded provider definitions are valid (tested)")
                .iter()
                .flat_map(|p| p.variants.iter().map(|v| p.with_variant(Some(&v.name))))
                .collect()
        })
        .iter()
        .find(|p| p.id == provider.id && p.variant.as_deref() == Some(name))
}

impl Provider {
    /// This definition with only what `name` (or, for None, every variant) has.
    fn with_variant(&self, name: Option<&str>) -> Provider {
        let Some(name) = name else {
            return self.clone();
        };
        let keep = |v: &Option<String>| v.as_deref().is_none_or(|v| v == name);
        let mut p = self.clone();
        p.files.retain(|f| keep(&f.variant));
        p.env.retain(|e| keep(&e.variant));
        p.dependencies.retain(|d| keep(&d.variant));
        if p.jwt_template.as_ref().is_some_and(|t| !keep(&t.variant)) {
            p.jwt_template = None;
        }
        if let Some(v) = self.variants.iter().find(|v| v.name == name) {
            p.signs_jwt = v.signs_jwt;
        }
        p.variant = Some(name.to_string());
        p
    }

    /// The variant the app shows it uses already: the evidence of one found in its files.
    pub fn variant_in(&self, texts: &[&str]) -> Option<&Variant> {
        self.variants.iter().find(|v| {
            v.evidence
                .iter()
                .any(|e| texts.iter().any(|t| t.contains(e.as_str())))
        })
    }
}

/// Look a provider up by id, case-insensitively.
pub fn by_id(id: &str) -> Option<&'static Provider> {
    all().iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

/// The ids, for messages: `clerk, auth0, …`.
pub fn ids() -> String {
    all()
        .iter()
        .map(|p| p.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn load() -> Result<Vec<Provider>> {
    let mut providers = Vec::new();
    for dir in TEMPLATES.dirs() {
        let Some(file) = dir.get_file(dir.path().join("provider.toml")) else {
            continue;
        };
        let path = file.path().display().to_string();
        let text = file
            .contents_utf8()
            .ok_or_else(|| anyhow!("{path} is not UTF-8"))?;
        let provider: Provider = toml::from_str(text).with_context(|| format!("in {path}"))?;
        let folder = dir.path().display().to_string();
        if provider.id != folder {
            return Err(anyhow!(
                "{path}: id {:?} must match its folder",
                provider.id
            ));
        }
        if !provider
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(anyhow!("{path}: id must match ^[a-z0-9-]+$"));
        }
        providers.push(provider);
    }
    providers.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(providers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_definition_loads_and_names_existing_templates() {
        let providers = load().unwrap();
        // Every folder of the template tree but the shared ones is a provider, and loaded.
        let mut folders: Vec<String> = TEMPLATES
            .dirs()
            .map(|d| d.path().display().to_string())
            .filter(|f| !["partials", "sql"].contains(&f.as_str()))
            .collect();
        folders.sort();
        let ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, folders);
        for p in &providers {
            assert!(
                !p.detect.packages.is_empty(),
                "{} has no detection packages",
                p.id
            );
            for f in &p.files {
                p.template_source(&f.template).unwrap();
            }
            for r in &p.roles {
                assert!(
                    p.files
                        .iter()
                        .any(|f| f.provides.as_deref() == Some(&r.name)),
                    "{}: no file provides role {}",
                    p.id,
                    r.name
                );
            }
            p.template_source("next-steps.hbs").unwrap();
            for b in &p.branches {
                semver::Version::parse(&b.at_least).unwrap();
            }
            for r in &p.requires {
                semver::Version::parse(&r.at_least).unwrap();
            }
        }
    }
}

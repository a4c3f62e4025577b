//! Render: answers and detected facts in, artifacts out. Pure — embedded templates and values
//! only, no disk and no terminal. Each artifact says how it meets an existing file; `plan`
//! decides what that means for the file on disk.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{json, Value};

use crate::change::{Artifact, Dependency};
use crate::detect::{Project, INSFORGE_SDK};
use crate::paths::slash;
use crate::provider::{template_text, Provider};
use crate::resolve::Answers;
use crate::store::answers::Saved;

mod context;
mod edits;
mod helpers;
mod steps;

use context::{env_entries, exposed_auth_tables, needed, owner_references, partial_provider};
pub use context::{APP_URL, SDK_RANGE};
use edits::{auth0_edit, compose_interceptor, wrap_layouts};
use helpers::{ImportHelper, UseHelper};
use steps::{compare_integration, migration_systems, own_tables};

pub use context::context;
pub use helpers::import_specifier;

#[derive(Debug, Clone)]
pub struct Rendered {
    pub artifacts: Vec<Artifact>,
    /// The provider's own setup: its steps (dashboards, code) and how to use the result.
    pub provider_setup: crate::step::ProviderSetup,
    /// Env var names (besides `NEXT_PUBLIC_*`) whose values may be shown; all others are masked.
    pub public_keys: BTreeSet<String>,
    /// Secret values known to this run, masked wherever they appear.
    pub secret_values: Vec<String>,
    /// What the user must do by hand that the tool cannot do safely, shown with the next
    /// steps.
    pub manual_steps: Vec<String>,
    /// The tables the migration protects: the answers' tables less those the app's own SQL
    /// gives policies already.
    pub tables: Vec<crate::table::Table>,
}

impl Rendered {
    /// The dependencies the integration needs (those package.json has already included).
    pub fn dependencies(&self) -> Vec<Dependency> {
        self.artifacts
            .iter()
            .find_map(|a| match a {
                Artifact::Dependencies(d) => Some(d.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
}

pub fn render(project: &Project, answers: &Answers) -> Result<Rendered> {
    let provider = answers.provider;
    let mut manual_steps = Vec::new();
    steps::existing_owners(project, &answers.tables)?;
    let answers = tables_to_render(project, answers, &mut manual_steps);
    let answers = &answers;
    let context = context(project, answers);
    let hb = engine(project, provider)?;

    let mut artifacts = Vec::new();
    let source_root = project.source_root();
    let wiring = &project.wiring;
    provider_files(
        project,
        provider,
        (&hb, &context),
        &mut artifacts,
        &mut manual_steps,
    )?;

    env_files(project, answers, &mut artifacts);

    // The Action's token reaches the session only through the app's Auth0Client hook.
    if provider.id == "auth0"
        && provider.variant.as_deref() == Some("action")
        && !wiring.roles.contains_key("insforge-client")
    {
        auth0_edit(project, &mut artifacts, &mut manual_steps);
    }
    compare_integration(project, &mut manual_steps);
    manual_steps.extend(exposed_auth_tables(project));
    if let (_, Some(why)) = owner_references(project, provider) {
        if !answers.tables.is_empty() {
            manual_steps.push(why);
        }
    }
    let (wrapped, covered) = wrap_layouts(project, provider, &mut artifacts, &mut manual_steps);
    let deps = dependencies(project, provider, &artifacts);
    artifacts.push(Artifact::Dependencies(deps));

    migrations(project, provider, (&hb, &context), &mut artifacts)?;

    artifacts.push(Artifact::Answers(saved_answers(project, answers)));

    // Snippets in the next steps import as a page would.
    let mut steps_context = context.clone();
    steps_context["file"] = json!(slash(&source_root.join("app/page.tsx")));
    if let (Some(wrap), false, true) = (&provider.wrap, wrapped.is_empty(), covered) {
        steps_context["wired"]["layout"][&wrap.component] =
            json!(format!("{}, wrapped by this run", wrapped.join(", ")));
    }
    let provider_setup = hb
        .render_template(provider.template_source("next-steps.hbs")?, &steps_context)
        .with_context(|| format!("rendering {}/next-steps.hbs", provider.id))
        .and_then(|text| {
            crate::step::parse(&text)
                .map_err(|e| anyhow::anyhow!("{}/next-steps.hbs: {e}", provider.id))
        })?;

    let public_keys: BTreeSet<String> = provider
        .env
        .iter()
        .filter(|e| !e.secret)
        .map(|e| e.name.clone())
        .collect();
    let secret_values = answers.jwt_secret.iter().cloned().collect();

    Ok(Rendered {
        artifacts,
        provider_setup,
        public_keys,
        secret_values,
        manual_steps,
        tables: answers.tables.clone(),
    })
}

/// The table the owned tables' owner column references (Better Auth's users), when it has
/// one: it must exist before the migration that creates them is applied.
pub fn referenced_table(project: &Project, provider: &Provider) -> Option<String> {
    let (reference, _) = owner_references(project, provider);
    reference.map(|r| r.split('(').next().unwrap_or(&r).trim().to_string())
}

/// The answers with the tables the migration covers: a table whose policies the app's own
/// migrations create already is left out (and said so), and the app's own tables are
/// compared with what the migration expects.
fn tables_to_render(
    project: &Project,
    answers: &Answers,
    manual_steps: &mut Vec<String>,
) -> Answers {
    // Tables whose policies the app's own migrations create already are not repeated.
    let mut answers = answers.clone();
    answers.tables.retain(|t| {
        let key = format!("{}.{}", t.schema, t.name).to_lowercase();
        match project.existing_policies.get(&key) {
            Some(file) => {
                manual_steps.push(format!(
                    "{t} already has row-level security policies in {file}: the migration leaves them as they are and adds none for it."
                ));
                false
            }
            None => true,
        }
    });
    own_tables(project, &mut answers.tables, manual_steps);
    // The tables the migration creates (not the app's own, which its schema has).
    let created: Vec<String> = answers
        .tables
        .iter()
        .filter(|t| !t.existing)
        .map(|t| t.name.clone())
        .collect();
    manual_steps.extend(migration_systems(project, &created));
    answers
}

/// The template engine: strict, no HTML escaping, the shared partials and the `import` and
/// `use` helpers for this app.
fn engine(project: &Project, provider: &Provider) -> Result<Handlebars<'static>> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    // Code several providers share (the client token hook, the signer's rules, env access):
    // `templates/partials/<name>.hbs`, used as `{{> name}}`, so a fix lands once.
    for file in crate::provider::TEMPLATES
        .get_dir("partials")
        .map(|d| d.files().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        let name = file
            .path()
            .file_stem()
            .and_then(|s| s.to_str())
            .context("a partial's name")?;
        let text = file.contents_utf8().context("a partial's text")?;
        hb.register_partial(name, text)
            .with_context(|| format!("partial {name}"))?;
    }
    hb.register_helper(
        "import",
        Box::new(ImportHelper {
            aliases: project.aliases.clone(),
            modules: project.modules(),
        }),
    );
    hb.register_helper(
        "use",
        Box::new(UseHelper {
            aliases: project.aliases.clone(),
            modules: project.modules(),
            roles: provider.roles.clone(),
            app: project.wiring.roles.clone(),
        }),
    );
    Ok(hb)
}

/// The provider's files that the app does not have already (its interceptor composed with
/// the app's own where it has one).
fn provider_files(
    project: &Project,
    provider: &Provider,
    (hb, context): (&Handlebars, &Value),
    artifacts: &mut Vec<Artifact>,
    manual_steps: &mut Vec<String>,
) -> Result<()> {
    let wiring = &project.wiring;
    for spec in &provider.files {
        // The app has this part of the wiring already: use it, never write a second one.
        if spec
            .provides
            .as_ref()
            .is_some_and(|role| wiring.roles.contains_key(role))
        {
            continue;
        }
        // The interceptor already calls the provider's middleware: nothing to add.
        if spec.interceptor
            && wiring
                .interceptor
                .as_ref()
                .is_some_and(|i| i.provider_call.is_some())
        {
            continue;
        }
        // An interceptor of the app's own that the provider's middleware can wrap.
        if spec.interceptor
            && compose_interceptor(project, provider, (hb, context), artifacts, manual_steps)?
        {
            continue;
        }
        let relative = hb
            .render_template(&spec.path, context)
            .with_context(|| format!("rendering the path of {}/{}", provider.id, spec.template))?;
        let mut path = if spec.root {
            PathBuf::from(&relative)
        } else {
            project.module(&relative)
        };
        if spec.under_provider {
            path = under_provider(project, provider, path, manual_steps);
        }
        let mut file_context = context.clone();
        file_context["file"] = json!(slash(&path));
        let source = provider.template_source(&spec.template)?;
        let content = hb
            .render_template(source, &file_context)
            .with_context(|| format!("rendering template {}/{}", provider.id, spec.template))?;
        artifacts.push(if spec.interceptor {
            Artifact::Interceptor { path, content }
        } else {
            Artifact::File { path, content }
        });
    }
    Ok(())
}

/// The env files (the template and `.env.local`) and the `.gitignore` rules they need.
fn env_files(project: &Project, answers: &Answers, artifacts: &mut Vec<Artifact>) {
    let provider = answers.provider;
    let (example, local) = env_entries(project, answers);
    let header = format!("InsForge + {} (added by insforge-integrate)", provider.name);
    artifacts.push(Artifact::Env {
        path: project.example_env().into(),
        entries: example,
        header: header.clone(),
    });
    artifacts.push(Artifact::Env {
        path: ".env.local".into(),
        entries: local,
        header,
    });
    // .env.local holds secrets; .env.example is meant to be committed (create-next-app's
    // `.env*` rule would hide it).
    // A rule above the app (a monorepo root's) that ignores .env.local already does.
    let example = project.example_env().to_string();
    let ignored_above = |path: &str| project.gitignore_above.ignoring(&project.root, path);
    artifacts.push(Artifact::GitIgnore {
        // The link holds an admin key (`npx @insforge/cli link` does not ignore it).
        ignore: [".env.local"]
            .into_iter()
            .chain(project.link.as_ref().map(|_| crate::paths::LINK_DIR))
            .filter(|p| ignored_above(p).is_none())
            .map(String::from)
            .collect(),
        unignore: ignored_above(&example)
            .map(|_| vec![example.clone()])
            .unwrap_or_default(),
        keep: vec![example],
    });
}

/// The migrations: the provider's bootstrap (Better Auth's schema, with the tool's own
/// config only) and the RLS migration, each checked against InsForge's migration rules.
fn migrations(
    project: &Project,
    provider: &Provider,
    (hb, context): (&Handlebars, &Value),
    artifacts: &mut Vec<Artifact>,
) -> Result<()> {
    let wiring = &project.wiring;
    let mut sequence = 0;
    // The bootstrap migration (Better Auth's schema) goes with the tool's own config only.
    let own_config = !wiring.roles.contains_key("auth");
    if let Some(bootstrap) = provider
        .sql
        .as_ref()
        .and_then(|s| s.bootstrap.as_ref())
        .filter(|_| own_config)
    {
        let content = hb.render_template(template_text(&bootstrap.template)?, context)?;
        insforge_accepts(&bootstrap.name, &content)?;
        artifacts.push(Artifact::Migration {
            dir: project.migrations_dir(),
            name: bootstrap.name.clone(),
            content,
            sequence,
        });
        sequence += 1;
    }
    let content = hb
        .render_template(template_text("sql/rls.sql.hbs")?, context)
        .context("rendering the RLS migration")?;
    insforge_accepts("insforge-rls", &content)?;
    artifacts.push(Artifact::Migration {
        dir: project.migrations_dir(),
        name: format!("{}-insforge-rls", provider.id),
        content,
        sequence,
    });
    Ok(())
}

/// The answers file's answers (the files the user keeps as the last run left them).
fn saved_answers(project: &Project, answers: &Answers) -> Saved {
    Saved {
        provider: Some(answers.provider.id.clone()),
        tables: Some(answers.tables.iter().map(ToString::to_string).collect()),
        existing: answers.tables.iter().any(|t| t.existing).then_some(true),
        owner_column: answers
            .tables
            .iter()
            .find(|t| t.owner != crate::table::OWNER_COLUMN)
            .map(|t| t.owner.clone()),
        // Only a way other than the default: an answers file from before variants (or of the
        // default) stays as it was.
        token: answers.provider.variant.clone().filter(|v| {
            answers
                .provider
                .variants
                .first()
                .is_some_and(|d| d.name != *v)
        }),
        kept: project
            .saved
            .as_ref()
            .map(|s| s.kept.clone())
            .unwrap_or_default(),
    }
}

/// A rendered migration InsForge's runner would refuse is a bug in the templates: it is
/// never planned.
fn insforge_accepts(name: &str, sql: &str) -> Result<()> {
    crate::guard::check(sql).map_err(|refused| {
        anyhow::anyhow!(
            "the {name} migration the templates rendered breaks InsForge's migration rules: {refused}. This is a bug in insforge-integrate; please report it"
        )
    })
}

/// Where a generated page that renders under the provider goes: where the app's provider
/// covers one route group only (`app/(auth)/layout.tsx`), inside that group, at the same URL;
/// where it covers a folder with a URL of its own, the page stays and the steps say so.
fn under_provider(
    project: &Project,
    provider: &crate::provider::Provider,
    path: PathBuf,
    manual: &mut Vec<String>,
) -> PathBuf {
    let Some(part) = partial_provider(project, provider) else {
        return path;
    };
    let app = project.source_root().join("app");
    let group = part.dir.as_ref().and_then(|dir| {
        let below = dir.strip_prefix(&app).ok()?;
        below
            .components()
            .all(|c| {
                let c = c.as_os_str().to_string_lossy();
                c.starts_with('(') && c.ends_with(')')
            })
            .then_some(dir)
    });
    match (group, path.strip_prefix(&app)) {
        (Some(group), Ok(rest)) if !group.as_os_str().is_empty() => group.join(rest),
        _ => {
            manual.push(format!(
                "{} renders under <{c}>, and your <{c}> ({}) covers {}: render it once in the root layout instead, or move the page where it is.",
                slash(&path),
                part.at,
                part.covers,
                c = part.component,
            ));
            path
        }
    }
}

/// The packages the written code needs: each one some file this run writes or edits
/// imports (so `server-only` is not added to an app that keeps its own InsForge client), and
/// a `@types/` package with the package it types.
fn dependencies(
    project: &Project,
    provider: &crate::provider::Provider,
    artifacts: &[Artifact],
) -> Vec<Dependency> {
    let imports: Vec<String> = artifacts
        .iter()
        .filter_map(|a| match a {
            Artifact::File { path, content } | Artifact::Interceptor { path, content } => {
                Some(crate::detect::source::parse(path, content))
            }
            Artifact::Edit {
                path, base, edits, ..
            } => crate::edit::apply(base, edits)
                .ok()
                .map(|text| crate::detect::source::parse(path, &text)),
            _ => None,
        })
        .flat_map(|m| m.requested)
        .collect();
    let imported = |name: &str| {
        imports
            .iter()
            .any(|s| s == name || s.strip_prefix(name).is_some_and(|r| r.starts_with('/')))
    };
    let mut all = vec![Dependency {
        name: INSFORGE_SDK.into(),
        version: SDK_RANGE.into(),
        dev: false,
    }];
    all.extend(
        provider
            .dependencies
            .iter()
            .filter(|d| needed(project, d.with_role.as_ref()))
            .map(|d| Dependency {
                name: d.name.clone(),
                version: d.version.clone(),
                dev: d.dev,
            }),
    );
    all.retain(|d| match d.name.strip_prefix("@types/") {
        Some(typed) => imported(typed),
        None => imported(&d.name),
    });
    if pins_exactly(&project.package_json.value) {
        for d in &mut all {
            d.version = d.version.trim_start_matches(['^', '~']).to_string();
        }
    }
    all
}

/// Whether the app pins every registry dependency to one version (`"next": "16.0.10"`, no
/// `^` or `~`): then what is added is pinned too. Ranges the registry does not resolve
/// (`workspace:`, `catalog:`, links, URLs) say nothing either way; at least three pins count.
fn pins_exactly(package_json: &Value) -> bool {
    let ranges: Vec<&str> = ["dependencies", "devDependencies"]
        .iter()
        .filter_map(|k| package_json.get(k).and_then(Value::as_object))
        .flat_map(|deps| deps.values().filter_map(Value::as_str))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit() || c == '^' || c == '~'))
        .collect();
    ranges.len() >= 3 && ranges.iter().all(|r| semver::Version::parse(r).is_ok())
}

//! Render: answers and detected facts in, artifacts out. Pure — embedded templates and values
//! only, no disk and no terminal. Each artifact says how it meets an existing file; `plan`
//! decides what that means for the file on disk.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use handlebars::{Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use semver::Version;
use serde_json::{json, Value};

use crate::change::{Artifact, Dependency};
use crate::detect::{lowest_in_range, tsconfig::Alias, Project, INSFORGE_SDK};
use crate::dotenv::Entry;
use crate::paths::slash;
use crate::provider::template_text;
use crate::resolve::Answers;
use crate::store::answers::Saved;

/// The @insforge/sdk range a fresh install asks for.
pub const SDK_RANGE: &str = "^1.4.4";
pub const APP_URL: &str = "http://localhost:3000";

#[derive(Debug, Clone)]
pub struct Rendered {
    pub artifacts: Vec<Artifact>,
    /// The provider's manual steps, shown after writing.
    pub next_steps: String,
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

pub fn render(project: &Project, answers: &Answers) -> Result<Rendered> {
    let provider = answers.provider;
    // Tables whose policies the app's own migrations create already are not repeated.
    let mut manual_steps = Vec::new();
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
    own_tables(project, &mut answers.tables, &mut manual_steps);
    // The tables the migration creates (not the app's own, which its schema has).
    let created: Vec<String> = answers
        .tables
        .iter()
        .filter(|t| !t.existing)
        .map(|t| t.name.clone())
        .collect();
    manual_steps.extend(migration_systems(project, &created));
    let answers = &answers;
    let context = context(project, answers);
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

    let mut artifacts = Vec::new();
    let source_root = project.source_root();
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
            && compose_interceptor(
                project,
                provider,
                (&hb, &context),
                &mut artifacts,
                &mut manual_steps,
            )?
        {
            continue;
        }
        let relative = hb
            .render_template(&spec.path, &context)
            .with_context(|| format!("rendering the path of {}/{}", provider.id, spec.template))?;
        let mut path = if spec.root {
            PathBuf::from(&relative)
        } else {
            project.module(&relative)
        };
        if spec.under_provider {
            path = under_provider(project, provider, path, &mut manual_steps);
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
        ignore: [".env.local"]
            .into_iter()
            .filter(|p| ignored_above(p).is_none())
            .map(String::from)
            .collect(),
        unignore: ignored_above(&example)
            .map(|_| vec![example.clone()])
            .unwrap_or_default(),
        keep: vec![example],
    });

    if provider.id == "auth0" && !wiring.roles.contains_key("insforge-client") {
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

    let mut sequence = 0;
    // The bootstrap migration (Better Auth's schema) goes with the tool's own config only.
    let own_config = !wiring.roles.contains_key("auth");
    if let Some(bootstrap) = provider
        .sql
        .as_ref()
        .and_then(|s| s.bootstrap.as_ref())
        .filter(|_| own_config)
    {
        let content = hb.render_template(template_text(&bootstrap.template)?, &context)?;
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
        .render_template(template_text("sql/rls.sql.hbs")?, &context)
        .context("rendering the RLS migration")?;
    insforge_accepts("insforge-rls", &content)?;
    artifacts.push(Artifact::Migration {
        dir: project.migrations_dir(),
        name: format!("{}-insforge-rls", provider.id),
        content,
        sequence,
    });

    artifacts.push(Artifact::Answers(Saved {
        provider: Some(provider.id.clone()),
        tables: Some(answers.tables.iter().map(ToString::to_string).collect()),
        existing: answers.tables.iter().any(|t| t.existing).then_some(true),
        owner_column: answers
            .tables
            .iter()
            .find(|t| t.owner != crate::table::OWNER_COLUMN)
            .map(|t| t.owner.clone()),
        kept: project
            .saved
            .as_ref()
            .map(|s| s.kept.clone())
            .unwrap_or_default(),
    }));

    // Snippets in the next steps import as a page would.
    let mut steps_context = context.clone();
    steps_context["file"] = json!(slash(&source_root.join("app/page.tsx")));
    if let (Some(wrap), false, true) = (&provider.wrap, wrapped.is_empty(), covered) {
        steps_context["wired"]["layout"][&wrap.component] =
            json!(format!("{}, wrapped by this run", wrapped.join(", ")));
    }
    let next_steps = hb
        .render_template(provider.template_source("next-steps.hbs")?, &steps_context)
        .with_context(|| format!("rendering {}/next-steps.hbs", provider.id))?;

    let public_keys: BTreeSet<String> = provider
        .env
        .iter()
        .filter(|e| !e.secret)
        .map(|e| e.name.clone())
        .collect();
    let secret_values = answers.jwt_secret.iter().cloned().collect();

    Ok(Rendered {
        artifacts,
        next_steps,
        public_keys,
        secret_values,
        manual_steps,
        tables: answers.tables.clone(),
    })
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

/// The provider component the app renders where it covers only part of the app (a nested
/// layout's pages), when no root layout renders it: a layout's first.
fn partial_provider<'p>(
    project: &'p Project,
    provider: &crate::provider::Provider,
) -> Option<&'p crate::detect::wiring::PartialProvider> {
    let wrap = provider.wrap.as_ref()?;
    let w = &project.wiring;
    if w.layout_providers.iter().any(|(name, _)| wrap.is(name)) {
        return None;
    }
    let mut parts: Vec<_> = w
        .partial_providers
        .iter()
        .filter(|p| wrap.is(&p.component))
        .collect();
    parts.sort_by_key(|p| p.dir.is_none());
    parts.first().copied()
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

/// Whether `code` uses `name` as an identifier of its own (not a property: `auth0.middleware`
/// does not use `middleware`).
fn uses_identifier(code: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    // Comments (`// your middleware answers the rest`) use no names.
    let code: String = code
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if line[..at].trim().is_empty() || line[..at].ends_with(' ') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    code.match_indices(name).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + name.len()..].chars().next();
        !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
    })
}

/// Each root layout that lacks the provider component gains it around its own
/// `{children}` (with its import), when the provider needs one; a provider that covers only
/// part of the app is pointed out, never wrapped a second time. Returns the layouts
/// wrapped, and whether every root layout is now covered.
fn wrap_layouts(
    project: &Project,
    provider: &crate::provider::Provider,
    artifacts: &mut Vec<Artifact>,
    manual: &mut Vec<String>,
) -> (Vec<String>, bool) {
    use crate::edit::imports::Bound;
    let Some(wrap) = provider.wrap.as_ref() else {
        return (Vec::new(), true);
    };
    let wiring = &project.wiring;
    let c = &wrap.component;
    // A provider the app renders for part of it only: the steps say which part, and where
    // to render it once instead; a second one is never added.
    if partial_provider(project, provider).is_some() {
        return (Vec::new(), false);
    }
    if wrap
        .role
        .as_ref()
        .is_some_and(|r| wiring.roles.contains_key(r))
        || wiring
            .layout_providers
            .iter()
            .any(|(name, _)| wrap.is(name))
    {
        return (Vec::new(), true);
    }
    let mut wrapped = Vec::new();
    let mut all = true;
    for layout in &wiring.layouts {
        if layout.providers.iter().any(|(n, _)| n == c) {
            continue;
        }
        // The layout renders the provider, but not around its pages: a second one beside it
        // is not the fix; moving `{children}` inside it is.
        // (The provider's steps then leave out their wrap step: `beside` in their context.)
        if let Some((name, at)) = layout.beside.iter().find(|(n, _)| wrap.is(n)) {
            manual.push(format!(
                "Your <{name}> ({at}) does not surround the layout's {{children}} (it wraps a sibling, or sits in a component the layout does not render): move {{children}} inside it, so that every page has it (the tool does not add a second one)."
            ));
            all = false;
            continue;
        }
        let (source, imported) = match (&wrap.package, &wrap.module) {
            (Some(package), _) => (package.clone(), Bound::Name(c.clone())),
            (None, Some(module)) => (
                import_specifier(
                    &project.aliases,
                    &layout.file,
                    &project.source_root().join(module),
                ),
                Bound::Default,
            ),
            (None, None) => return (wrapped, false),
        };
        let file = slash(&layout.file);
        let result = crate::edit::layout::wrap(&layout.file, &layout.text, &source, &imported, c)
            .and_then(|w| crate::edit::edited(&layout.file, &layout.text, &w.edits).map(|_| w));
        match result {
            Ok(w) => {
                artifacts.push(Artifact::Edit {
                    path: layout.file.clone(),
                    base: layout.text.clone(),
                    edits: w.edits,
                    what: format!("{{children}} wrapped in <{}>", w.component),
                });
                wrapped.push(file);
            }
            Err(why) => {
                all = false;
                manual.push(format!(
                    "{file} was not edited: {why}. Wrap its {{children}} in <{c}> by hand, as the steps below show."
                ));
            }
        }
    }
    (wrapped, all)
}

/// The app's own interceptor, which calls other middleware but not the provider's, becomes
/// the provider's middleware handing each request on to it: the imports it lacks, and
/// insertions that turn `export default <app's>` into `export default <provider's>(…)` with
/// the app's middleware declared right after, byte for byte. Returns whether it did.
fn compose_interceptor(
    project: &Project,
    provider: &crate::provider::Provider,
    (hb, context): (&Handlebars, &Value),
    artifacts: &mut Vec<Artifact>,
    manual: &mut Vec<String>,
) -> Result<bool> {
    use crate::detect::source::{self, DefaultExport};
    let (Some(with), Some(interceptor)) = (&provider.compose, &project.wiring.interceptor) else {
        return Ok(false);
    };
    let Some(compose) = interceptor
        .compose
        .as_ref()
        .filter(|_| interceptor.provider_call.is_none())
    else {
        return Ok(false);
    };
    let text = &compose.text;
    let style = crate::edit::Style::of(text);
    let mut name = "appMiddleware".to_string();
    while source::contains_word(text, &name) {
        name.push('_');
    }
    let ts = matches!(
        interceptor.file.extension().and_then(|e| e.to_str()),
        Some("ts" | "mts" | "cts")
    );
    // The names the composition itself uses (`auth`, `req`, `response`…): an app function
    // of one of those names is called through a `const` of another, never shadowed.
    let used = {
        let mut probe = context.clone();
        probe["app"] = json!("__app__");
        probe["args"] = json!("req, event");
        probe["event"] = json!(true);
        probe["ts"] = json!(ts);
        hb.render_template(&with.export, &probe).unwrap_or_default()
    };
    // An expression's arity is unknown (`handler: NextMiddleware`, `withLogging(handler)`):
    // bound to a `const` typed as Next's middleware, it takes both arguments.
    let middleware_type = if interceptor.file.file_stem().is_some_and(|s| s == "proxy")
        && project.next.value.major >= 16
    {
        "NextProxy"
    } else {
        "NextMiddleware"
    };
    let (app, params, alias_of, annotation) = match &compose.default {
        DefaultExport::Expression { .. } => (name.clone(), 2, None, ts.then_some(middleware_type)),
        DefaultExport::Function {
            name: Some(own),
            params,
            ..
        } if uses_identifier(&used, own) => (name.clone(), *params, Some(own.clone()), None),
        DefaultExport::Function {
            name: own, params, ..
        } => (
            own.clone().unwrap_or_else(|| name.clone()),
            *params,
            None,
            None,
        ),
        DefaultExport::Other => return Ok(false),
    };
    let mut file_context = context.clone();
    file_context["file"] = json!(slash(&interceptor.file));
    file_context["app"] = json!(app);
    file_context["args"] = json!(if params >= 2 { "req, event" } else { "req" });
    file_context["event"] = json!(params >= 2);
    file_context["ts"] = json!(ts);
    // In the file's own semicolons (its line endings: `edit::interceptor`).
    let render = |template: &str| -> Result<String> {
        let out = hb
            .render_template(template, &file_context)
            .with_context(|| format!("rendering {}'s interceptor composition", provider.id))?;
        Ok(out.replace(";\n", &format!("{}\n", style.semi())))
    };
    let mut wanted = Vec::new();
    for import in &with.imports {
        // Imports in its quotes too.
        let line = style.adapt(&render(import)?);
        let line = line.trim().trim_end_matches(';');
        if !line.is_empty() {
            wanted.push(line.to_string());
        }
    }
    if let Some(t) = annotation {
        wanted.push(style.adapt(&format!("import type {{ {t} }} from 'next/server'")));
    }
    let export = style.requote(&render(&with.export)?);
    let edits = crate::edit::interceptor::compose(
        &interceptor.file,
        text,
        &compose.default,
        &wanted,
        &export,
        &crate::edit::interceptor::Target {
            app: &app,
            alias_of: alias_of.as_deref(),
            annotation,
        },
    )
    .and_then(|edits| crate::edit::edited(&interceptor.file, text, &edits).map(|_| edits));
    let edits = match edits {
        Ok(edits) => edits,
        Err(why) => {
            manual.push(format!(
                "{} could not be composed with {}'s middleware ({why}): merge the code below into it by hand.",
                slash(&interceptor.file),
                provider.name
            ));
            return Ok(false);
        }
    };
    artifacts.push(Artifact::Edit {
        path: interceptor.file.clone(),
        base: text.clone(),
        edits,
        what: format!("{} composed with your middleware", provider.name),
    });
    if interceptor.matcher.iter().any(|m| m.contains("?!api")) {
        manual.push(format!(
            "{} now runs {}'s middleware first, on the paths its matcher covers. That matcher skips /api: route handlers there that query InsForge as the user need it too, so add '/(api|trpc)(.*)' to the matcher (and keep your own middleware off those paths if it should not see them).",
            slash(&interceptor.file),
            provider.name
        ));
    }
    Ok(true)
}

/// An app that already hands a provider token to InsForge keeps its own client; what differs
/// from what the tool would write is reported, each with its reason.
fn compare_integration(project: &Project, manual: &mut Vec<String>) {
    let Some(client) = project.wiring.insforge.first() else {
        return;
    };
    let mut findings = Vec::new();
    let sdk = project.versions.get(INSFORGE_SDK).map(|f| f.value.clone());
    if client.token == "edgeFunctionToken"
        && sdk.as_ref().is_some_and(|v| *v >= Version::new(1, 4, 2))
    {
        findings.push("it passes edgeFunctionToken, a deprecated alias since @insforge/sdk 1.4.2: pass accessToken".to_string());
    }
    if client.signs_without_sub {
        findings.push("the JWT it signs has no `sub` claim: InsForge rejects such tokens (401), and requesting_user_id() reads sub".to_string());
    }
    if client.client_side && !client.refreshes {
        findings.push("it never hands over a new token: once the first one expires, every request fails (refresh with client.setAccessToken before expiry)".to_string());
    }
    let mut text = format!(
        "Your app already creates an InsForge client with a provider token ({}), so the tool keeps it and writes no second one.",
        client.at
    );
    if findings.is_empty() {
        text.push_str(" It matches what the tool would write.");
    } else {
        text.push_str(" Compared with what the tool writes:");
        for f in findings {
            text.push_str(&format!("\n     - {f}"));
        }
    }
    manual.push(text);
}

/// Tables the app's own SQL creates already: the migration adds row-level security to
/// them, never a second table (with another id type). The owner column is the one the app's
/// table has: the one asked for, else a text `user_id`-like column.
fn own_tables(project: &Project, tables: &mut [crate::table::Table], manual: &mut Vec<String>) {
    for t in tables.iter_mut().filter(|t| !t.existing) {
        let key = format!("{}.{}", t.schema, t.name).to_lowercase();
        let Some(own) = project.app_tables.get(&key) else {
            continue;
        };
        let has = |name: &str| own.columns.iter().find(|(c, _)| c == name);
        let texty =
            |ty: &str| ty == "text" || ty.starts_with("varchar") || ty.starts_with("character");
        if let Some((column, ty)) = has(&t.owner.to_lowercase()).filter(|(_, ty)| !texty(ty)) {
            t.existing = true;
            manual.push(format!(
                "{t} is created by {}, and its {column} is {ty}: provider user ids are text, so the migration stops, changing nothing, until {column} is text (or pass --owner-column with a text column).",
                own.file
            ));
            continue;
        }
        let owner = has(&t.owner.to_lowercase())
            .or_else(|| {
                ["user_id", "owner_id", "userid", "author_id", "created_by"]
                    .iter()
                    .find_map(|n| has(n).filter(|(_, ty)| texty(ty)))
            })
            .map(|(c, _)| c.clone());
        t.existing = true;
        match owner {
            Some(column) => {
                let note = if column == t.owner {
                    String::new()
                } else {
                    format!(" (owner column {column})")
                };
                t.owner = column;
                manual.push(format!(
                    "{t} is created by {}: the migration adds row-level security to that table{note} instead of creating a second one. Apply {} before it.",
                    own.file, own.file
                ));
            }
            None => manual.push(format!(
                "{t} is created by {}, with no {} column: the migration adds row-level security to that table and stops, changing nothing, until {t} has a text {} column holding the user id. Add one there (or pass --owner-column), and apply it first.",
                own.file, t.owner, t.owner
            )),
        }
    }
}

/// Which system applies what, when the app has its own migrations (Drizzle, Prisma,
/// Supabase): theirs first, then InsForge's, in their own folders; and how to carry the
/// InsForge SQL in the app's system instead.
fn migration_systems(project: &Project, tables: &[String]) -> Vec<String> {
    let dir = slash(&project.migrations_dir());
    let exec = project.package_manager.value.exec();
    // Prisma and Drizzle Kit are the app's own installs: their local binaries.
    let local = project.package_manager.value.local();
    project
        .migration_systems
        .iter()
        .map(|s| {
            use crate::detect::migrations::Tool;
            let owns = slash(&s.dir);
            let apart = if s.dir == std::path::Path::new(crate::change::MIGRATIONS_DIR) {
                format!(" {} owns {owns}/, so InsForge's migration goes in {dir}/, apart from its files (each tool would try to apply the other's).", s.tool.name())
            } else {
                format!(" InsForge's migration goes in {dir}/, which {} does not read.", s.tool.name())
            };
            let (apply, carry) = match s.tool {
                Tool::Drizzle if s.push => (format!("{local} drizzle-kit push"), format!("{local} drizzle-kit generate --custom --name=insforge-rls")),
                Tool::Drizzle => (format!("{local} drizzle-kit migrate"), format!("{local} drizzle-kit generate --custom --name=insforge-rls")),
                Tool::Prisma if s.push => (format!("{local} prisma db push"), format!("{local} prisma migrate dev --create-only --name insforge_rls")),
                Tool::Prisma => (format!("{local} prisma migrate deploy"), format!("{local} prisma migrate dev --create-only --name insforge_rls")),
                Tool::Supabase => (format!("{exec} supabase db push"), format!("{exec} supabase migration new insforge_rls")),
                Tool::Other => ("your migration tool".to_string(), String::new()),
            };
            if let Some(database) = &s.other_database {
                return format!(
                    "The app's schema is managed by {} ({}) on {database}, not Postgres: its tables are in that database, not in InsForge's, so InsForge's policies cannot protect them. The migration protects the tables it creates in InsForge; moving the app's data there is a change of its own.",
                    s.tool.name(),
                    s.evidence,
                );
            }
            let mut text = format!(
                "The app's schema is managed by {} ({}): apply its migrations first ({apply}), then InsForge's: it adds requesting_user_id() and row-level security to the tables they create.{apart}",
                s.tool.name(),
                s.evidence,
            );
            if !carry.is_empty() {
                text.push_str(&format!(
                    " To keep one system instead, create an empty {} migration ({carry}), paste InsForge's SQL into it, and delete the file from {dir}/.",
                    s.tool.name()
                ));
            }
            // A schema tool treats tables it does not know as drift: it would drop them.
            let tables = tables.join(", ");
            match s.tool {
                _ if tables.is_empty() => {}
                Tool::Prisma => text.push_str(&format!(
                    " Add {tables} to prisma/schema.prisma as models (with the user-id column's default and index), or Prisma sees them as drift: migrate dev offers to reset the database and db push drops what the schema lacks."
                )),
                Tool::Drizzle => text.push_str(&format!(
                    " Add {tables} to your Drizzle schema (pgTable), or leave them out of drizzle-kit with tablesFilter in drizzle.config: otherwise drizzle-kit push offers to drop them."
                )),
                _ => {}
            }
            text
        })
        .collect()
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

/// Whether the tool needs something (a dependency, an env variable) that only its own file
/// for `role` uses: not when the app fills the role itself.
fn needed(project: &Project, role: Option<&String>) -> bool {
    role.is_none_or(|r| !project.wiring.roles.contains_key(r))
}

/// The app's own `new Auth0Client(…)` must keep the InsForge token: add
/// `beforeSessionSaved: copyInsforgeToken` to its options, or say exactly what to add when
/// the tool cannot do it safely.
fn auth0_edit(project: &Project, artifacts: &mut Vec<Artifact>, manual: &mut Vec<String>) {
    use crate::edit::auth0::{options, Options, PROPERTY};
    use crate::edit::imports::{self, Bound, Imports};
    let Some(a) = &project.wiring.auth0 else {
        return;
    };
    if a.keeps_token {
        return;
    }
    let helper = project.module("lib/insforge-auth0");
    let spec = import_specifier(&project.aliases, &a.at.file, &helper);
    let text = &a.text;
    let style = crate::edit::Style::of(text);
    let bound = Bound::Name("copyInsforgeToken".into());
    let statement = format!(
        "{}{}",
        imports::statement_for(&style, &spec, &bound, "copyInsforgeToken"),
        style.semi()
    );
    let by_hand = |why: &str| {
        format!(
            "Your Auth0Client ({}): {why}. Add `{PROPERTY}` to its options, with\n     {statement}",
            a.at
        )
    };
    let mut edits = match options(&a.at.file, text, a.call.span.start) {
        Options::Hook(line) => {
            manual.push(format!(
                "Your Auth0Client ({}) has its own beforeSessionSaved (line {line}). Keep the InsForge token there:\n     {statement}\n   and end the hook with:\n     return copyInsforgeToken(session, idToken);",
                a.at
            ));
            return;
        }
        Options::Unseen(why) => {
            manual.push(by_hand(&why));
            return;
        }
        Options::Edits(edits) => edits,
    };
    let Some(imports) = Imports::of(&a.at.file, text) else {
        manual.push(by_hand("the file does not parse"));
        return;
    };
    let (local, import_edits, _) =
        imports::ensure_one(&imports, text, &style, &spec, &bound, "copyInsforgeToken");
    if local != "copyInsforgeToken" {
        for e in &mut edits {
            e.content = e.content.replace("copyInsforgeToken", &local);
        }
    }
    edits.extend(import_edits);
    match crate::edit::edited(&a.at.file, text, &edits) {
        Ok(_) => artifacts.push(Artifact::Edit {
            path: a.at.file.clone(),
            base: text.clone(),
            edits,
            what: "beforeSessionSaved keeps the InsForge token".into(),
        }),
        Err(why) => manual.push(by_hand(&format!("the file was not edited: {why}"))),
    }
}

/// The handlebars context every template sees (documented in templates/README.md).
pub fn context(project: &Project, answers: &Answers) -> Value {
    let provider = answers.provider;
    // Not installed: the tool adds SDK_RANGE, so render for the lowest version it allows
    // (as for the branch packages below).
    let sdk = project
        .versions
        .get(INSFORGE_SDK)
        .map(|f| f.value.clone())
        .unwrap_or_else(|| lowest_in_range(SDK_RANGE).expect("SDK_RANGE is a plain range"));
    let at_least = |v: &Version, s: &str| *v >= Version::parse(s).expect("literal");
    let next_major = project.next.value.major;
    let proxy = next_major >= 16;
    // Next 16 still runs an existing middleware.ts: render for the file the app has, so the
    // code to merge into it uses its name. Next 15 and older only know middleware.ts.
    let interceptor = match project
        .interceptors
        .first()
        .and_then(|p| p.file_stem()?.to_str())
    {
        Some("middleware") => "middleware",
        _ if proxy => "proxy",
        _ => "middleware",
    };
    let mut branches = serde_json::Map::new();
    for b in &provider.branches {
        let version = project
            .versions
            .get(&b.package)
            .map(|f| f.value.clone())
            .or_else(|| {
                provider
                    .dependencies
                    .iter()
                    .find(|d| d.name == b.package)
                    .and_then(|d| lowest_in_range(&d.version))
            });
        let on = version.is_some_and(|v| at_least(&v, &b.at_least));
        branches.insert(b.name.clone(), json!(on));
    }
    let pm = project.package_manager.value;
    let sql_tables: Vec<_> = answers.tables.iter().map(|t| t.sql()).collect();
    let tables: Vec<String> = answers.tables.iter().map(ToString::to_string).collect();
    json!({
        "provider": { "id": provider.id, "name": provider.name },
        "src_dir": project.src_dir,
        "lib": slash(&project.lib_dir),
        "app_url": APP_URL,
        "next": {
            "major": next_major,
            "proxy": proxy,
            "interceptor": interceptor,
        },
        "sdk": {
            "access_token": at_least(&sdk, "1.4.2"),
            "set_access_token": at_least(&sdk, "1.2.7"),
            "auth_change_event": at_least(&sdk, "1.4.4"),
        },
        "env": {
            "url": answers.env_names.url,
            "anon_key": answers.env_names.anon_key,
            "jwt_secret": answers.env_names.jwt_secret,
        },
        "branch": branches,
        "tables": tables,
        "sql_tables": sql_tables,
        "owner_references": owner_references(project, provider).0.unwrap_or_default(),
        "package_manager": { "name": pm.name(), "run": pm.run(), "exec": pm.exec(), "local": pm.local() },
        "file": "",
        "wired": wired(project),
        // The app's provider rendered in a root layout but not around its `{children}`.
        "beside": provider.wrap.as_ref().and_then(|wrap| {
            project.wiring.layouts.iter().find_map(|l| {
                l.beside
                    .iter()
                    .find(|(n, _)| wrap.is(n))
                    .map(|(n, at)| json!({ "component": n, "at": at.to_string() }))
            })
        }),
        // The app's provider where it covers part of the app only: the steps say so once.
        "partial": partial_provider(project, provider).map(|p| json!({
            "component": p.component,
            "at": p.at.to_string(),
            "covers": p.covers,
        })),
        "sign_in": project.sign_in.as_ref().map(|(route, file)| json!({ "route": route, "file": slash(file) })),
        "schema_tool": {
            "prisma_push": project.migration_systems.iter().any(|s| s.tool == crate::detect::migrations::Tool::Prisma && s.push),
            "drizzle_migrate": project.migration_systems.iter().any(|s| s.tool == crate::detect::migrations::Tool::Drizzle && !s.push && project.root.join(&s.dir).is_dir()),
        },
        // The provider's variables the app's loaded env files already set (to a value, not a
        // placeholder): the file, or false.
        "set": provider
            .env
            .iter()
            .map(|e| {
                let file = project
                    .env_value(&e.name)
                    .filter(|(_, value)| !crate::detect::is_placeholder(value))
                    .map(|(file, _)| file);
                (e.name.clone(), file.map_or(json!(false), |f| json!(f)))
            })
            .collect::<serde_json::Map<String, Value>>(),
    })
}

/// What owned tables reference, and why (for the steps). The tool's own Better Auth config
/// keeps users in `better_auth."user"`; the app's own config keeps them where its adapter
/// does: a Prisma schema says where on Postgres, a non-Postgres database cannot be referenced
/// at all, and anything else cannot be known, so no foreign key is written.
fn owner_references(
    project: &Project,
    provider: &crate::provider::Provider,
) -> (Option<String>, Option<String>) {
    let ours = provider
        .sql
        .as_ref()
        .and_then(|s| s.owner_references.clone());
    if ours.is_none() || !project.wiring.roles.contains_key("auth") {
        return (ours, None);
    }
    let adapter = project.wiring.better_auth_adapter();
    let non_postgres = adapter == Some(crate::detect::wiring::Adapter::OtherDatabase);
    if non_postgres {
        return (None, Some("Better Auth keeps its users in another database than InsForge's Postgres, so the owned tables cannot reference them: no foreign key (the owner column still holds the Better Auth user id from the token).".into()));
    }
    if let Some(t) = &project.auth_users {
        let reference = format!(
            "{}.{}({}) on delete cascade",
            crate::table::ident(&t.schema),
            crate::table::ident(&t.table),
            crate::table::ident(&t.column)
        );
        let table = format!(
            "{}.{}",
            crate::table::ident(&t.schema),
            crate::table::ident(&t.table)
        );
        // InsForge gives project_admin every right on the tables the database owner creates
        // in public (its migration 045); elsewhere migrations need leave to reference them.
        let why = if t.schema == "public" {
            format!(
                "The owned tables reference {reference} (Better Auth's user table, from {}): rows go with their user. Create Better Auth's tables before you apply the migration.",
                t.file
            )
        } else {
            format!(
                "The owned tables reference {reference} (Better Auth's user table, from {}): rows go with their user. Migrations run as project_admin, and that table belongs to DATABASE_URL's user outside public: once it exists, let migrations reference it:\n     psql \"$DATABASE_URL\" -c '{}'",
                t.file,
                format!("grant references on {table} to project_admin").replace('\'', "'\\''")
            )
        };
        return (Some(reference), Some(why));
    }
    let adapter = project
        .wiring
        .better_auth_database
        .as_ref()
        .map_or("its database option", |(d, _, _)| d.as_str());
    (None, Some(format!("Where your Better Auth config ({adapter}) keeps its user table cannot be known from the app's code (a Prisma model, an exported Drizzle table, or Kysely's table outside a search_path), so the owned tables get no foreign key: add one by hand if rows should go with their user.")))
}

/// The app's own Better Auth keeps its tables in `public` (the adapter's default), which
/// InsForge's data API serves and where `anon` and `authenticated` hold table rights: its
/// sessions, accounts and password hashes would be readable through the API. Say how to
/// close them, with the names the adapter uses.
fn exposed_auth_tables(project: &Project) -> Option<String> {
    let users = project
        .auth_users
        .as_ref()
        .filter(|t| t.schema == "public")?;
    // A Prisma schema names each model's table (`@@map("session")`).
    let schema = project
        .texts
        .get(std::path::Path::new(&users.file))
        .cloned()
        .flatten()
        .filter(|_| users.file.ends_with(".prisma"));
    let renamed = project
        .wiring
        .better_auth_users
        .as_ref()
        .map(|u| u.renamed.clone())
        .unwrap_or_default();
    let name = |model: &str| {
        // A model the config renames (`verification: { modelName: "VerificationToken" }`)
        // is that model of the schema, or that table.
        let model = renamed
            .iter()
            .find(|(m, _)| m == model)
            .map_or(model, |(_, name)| name.as_str());
        if let Some(t) = schema
            .as_deref()
            .and_then(|text| crate::detect::prisma_user_table(text, &users.file, model))
        {
            return format!(
                "{}.{}",
                crate::table::ident(&t.schema),
                crate::table::ident(&t.table)
            );
        }
        let mut name = model.to_string();
        if renamed.iter().any(|(_, n)| n == model) {
            return format!("public.{}", crate::table::ident(&name));
        }
        if users.table.ends_with('s') {
            name.push('s');
        }
        if users.table.starts_with(char::is_uppercase) {
            name = name[..1].to_uppercase() + &name[1..];
        }
        format!("public.{}", crate::table::ident(&name))
    };
    let tables = [
        format!("public.{}", crate::table::ident(&users.table)),
        name("session"),
        name("account"),
        name("verification"),
    ]
    .join(", ");
    let revoke = format!("revoke all on {tables} from anon, authenticated").replace('\'', "'\\''");
    Some(format!(
        "Better Auth keeps its tables in public here ({}), which InsForge's data API serves to anon and authenticated with table rights: anyone could read sessions and password hashes through it. Close them once they exist (adjust the names if yours differ), with the tables of the plugins you use (organization, member, invitation, sso, two-factor…) and any other table of the app that holds secrets:\n     psql \"$DATABASE_URL\" -c '{revoke}'",
        users.file
    ))
}

/// `/login` for `app/login/page.tsx` (or under `src/`); route groups `(x)` add nothing.
/// None for anything but a page.
fn page_route(file: &std::path::Path) -> Option<String> {
    let parts: Vec<String> = file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let parts = parts
        .strip_prefix(&["src".to_string()][..])
        .unwrap_or(&parts);
    let (first, rest) = parts.split_first()?;
    let (last, dirs) = rest.split_last()?;
    if first != "app" || !(last.starts_with("page.") || last.starts_with("route.")) {
        return None;
    }
    let segments: Vec<&str> = dirs
        .iter()
        .map(String::as_str)
        .filter(|d| !(d.starts_with('(') && d.ends_with(')')))
        .collect();
    Some(format!("/{}", segments.join("/")))
}

/// What templates see of the app's wiring: `wired.layout.ClerkProvider` is where the root
/// layout renders it; `wired.auth_config` is the Better Auth config the migrate command
/// reads; `wired.roles.auth` is where the app's own instance is.
fn wired(project: &Project) -> Value {
    let w = &project.wiring;
    let layout: serde_json::Map<String, Value> = w
        .layout_providers
        .iter()
        .map(|(name, at)| (name.clone(), json!(at.to_string())))
        .collect();
    let roles: serde_json::Map<String, Value> = w
        .roles
        .iter()
        .map(|(role, b)| (role.clone(), json!(b.at.to_string())))
        .collect();
    let auth_config = match w.roles.get("auth") {
        Some(b) => slash(&b.at.file),
        None => slash(&project.module("lib/auth.ts")),
    };
    // Which tool creates Better Auth's tables: Prisma's and Drizzle's own migrations, or
    // Better Auth's CLI (Kysely) for everything else.
    let adapter = match w.better_auth_adapter() {
        Some(crate::detect::wiring::Adapter::Prisma) => "prisma",
        Some(crate::detect::wiring::Adapter::Drizzle) => "drizzle",
        _ => "kysely",
    };
    // The URL path of each role the app fills with a page of its own (`app/login/page.tsx`
    // is `/login`); roles in components have none.
    let routes: serde_json::Map<String, Value> = w
        .roles
        .iter()
        .filter_map(|(role, b)| Some((role.clone(), json!(page_route(&b.at.file)?))))
        .collect();
    let sign_in_ui = w
        .sign_in_ui
        .as_ref()
        .map(|(name, at)| format!("<{name}> at {at}"));
    json!({
        "layout": layout,
        "roles": roles,
        "auth_config": auth_config,
        "adapter": { adapter: true },
        "sign_in_ui": sign_in_ui,
        "routes": routes,
        // The root layout (the one that renders <html>), or where a new app has it.
        "layout_file": w.layouts.first().map_or_else(
            || slash(&project.source_root().join("app/layout.tsx")),
            |l| slash(&l.file),
        ),
        "ui": w.ui.iter().map(|(k, at)| (k.clone(), json!(at.to_string()))).collect::<serde_json::Map<_, _>>(),
    })
}

/// The entries for `.env.example` (placeholders) and `.env.local` (values or blanks). A key
/// another loaded env file (`.env`, `.env.development`…) already sets stays out of
/// `.env.local`: Next.js reads `.env.local` first, so a blank there would hide the value.
fn env_entries(project: &Project, answers: &Answers) -> (Vec<Entry>, Vec<Entry>) {
    let provider = answers.provider;
    struct Var<'a> {
        name: &'a str,
        comment: &'a str,
        example: &'a str,
        value: Option<&'a str>,
        default: &'a str,
    }
    let names = &answers.env_names;
    let mut vars = vec![
        Var {
            name: &names.url,
            comment: "InsForge dashboard > project settings: the project URL (browser-safe)",
            example: "https://your-app.region.insforge.app",
            value: answers.insforge_url.as_deref(),
            default: "",
        },
        Var {
            name: &names.anon_key,
            comment:
                "InsForge dashboard > project settings > API keys: the anon key (browser-safe)",
            example: "your-insforge-anon-key",
            value: answers.anon_key.as_deref(),
            default: "",
        },
    ];
    if provider.signs_jwt {
        vars.push(Var {
            name: &names.jwt_secret,
            comment: "Server only, never NEXT_PUBLIC_: npx -y @insforge/cli secrets get JWT_SECRET",
            example: "your-insforge-jwt-secret",
            value: answers.jwt_secret.as_deref(),
            default: "",
        });
    }
    // A variable only the tool's own file for a role reads is left out when the app has its
    // own (its auth client reads its own variable).
    // A URL of the app's own route for a role (its callback) instead of the tool's.
    let routed: Vec<(String, String)> = provider
        .env
        .iter()
        .filter_map(|e| {
            let role = e.route_of.as_ref()?;
            let binding = project.wiring.roles.get(role)?;
            Some((
                e.name.clone(),
                format!("{APP_URL}{}", page_route(&binding.at.file)?),
            ))
        })
        .collect();
    vars.extend(
        provider
            .env
            .iter()
            .filter(|e| needed(project, e.with_role.as_ref()))
            .map(|e| {
                let url = routed
                    .iter()
                    .find(|(n, _)| *n == e.name)
                    .map(|(_, u)| u.as_str());
                Var {
                    name: &e.name,
                    comment: &e.comment,
                    example: url.unwrap_or(&e.example),
                    value: None,
                    default: url.unwrap_or(&e.default),
                }
            }),
    );
    // A committed `.env` is the template, and Next.js loads it: it documents each name with
    // an empty value (a placeholder there would be a value the app runs with).
    let loaded = crate::detect::is_loaded_env(project.example_env());
    let example = vars
        .iter()
        .map(|v| Entry {
            key: v.name.to_string(),
            value: if loaded { "" } else { v.example }.to_string(),
            comment: Some(if loaded {
                format!("{} (set it in .env.local)", v.comment)
            } else {
                v.comment.to_string()
            }),
            fill_empty: false,
        })
        .collect();
    let local = vars
        .iter()
        .filter(|v| {
            v.value.is_some()
                || project
                    .env_value(v.name)
                    .is_none_or(|(file, _)| file == ".env.local")
        })
        .map(|v| {
            // A setting with a default (a URL, not a secret) takes the value the app's own
            // example file documents, when it has one: `/dashboard`, not the tool's `/`.
            let documented = project
                .env
                .get(v.name)
                .filter(|(file, value)| {
                    !v.default.is_empty()
                        && !value.is_empty()
                        && crate::detect::is_example_env(file)
                })
                .map(|(_, value)| value.as_str());
            Entry {
                key: v.name.to_string(),
                value: v.value.or(documented).unwrap_or(v.default).to_string(),
                comment: Some(v.comment.to_string()),
                fill_empty: v.value.is_some(),
            }
        })
        .collect();
    (example, local)
}

/// `{{use "auth0"}}`: the import statement for a role's binding, as the file being rendered
/// writes it: from the app's own module when it has one (aliased to the role's name), else
/// from the tool's.
struct UseHelper {
    aliases: Vec<Alias>,
    modules: crate::detect::Modules,
    roles: Vec<crate::provider::Role>,
    app: std::collections::BTreeMap<String, crate::detect::wiring::AppBinding>,
}

impl handlebars::HelperDef for UseHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let (role, from) = param_and_file(h, ctx, "use")?;
        let statement = match self.app.get(role) {
            // Exported as destructured members only: import them, and gather them under
            // the role's name, as the code that uses it expects.
            Some(binding) if !binding.members.is_empty() => {
                let module = module_path(&binding.at.file);
                let spec = import_specifier(&self.aliases, Path::new(from), &module);
                let (imports, fields): (Vec<String>, Vec<String>) = binding
                    .members
                    .iter()
                    .map(|(key, export)| {
                        let import = if key == export {
                            key.clone()
                        } else {
                            format!("{export} as {key}")
                        };
                        (import, key.clone())
                    })
                    .unzip();
                format!(
                    "import {{ {} }} from '{spec}';\nconst {role} = {{ {} }};",
                    imports.join(", "),
                    fields.join(", ")
                )
            }
            Some(binding) => {
                let module = module_path(&binding.at.file);
                let spec = import_specifier(&self.aliases, Path::new(from), &module);
                match &binding.export {
                    Some(name) if name == role => format!("import {{ {role} }} from '{spec}';"),
                    Some(name) => format!("import {{ {name} as {role} }} from '{spec}';"),
                    None => format!("import {role} from '{spec}';"),
                }
            }
            None => {
                let own = self
                    .roles
                    .iter()
                    .find(|r| r.name == role)
                    .ok_or_else(|| RenderErrorReason::Other(format!("no role {role:?}")))?;
                let spec = import_specifier(
                    &self.aliases,
                    Path::new(from),
                    &self.modules.path(&own.module),
                );
                format!("import {{ {role} }} from '{spec}';")
            }
        };
        out.write(&statement)?;
        Ok(())
    }
}

/// A helper's first parameter, and the file being rendered (the `file` of the context).
fn param_and_file<'rc>(
    h: &'rc Helper<'rc>,
    ctx: &'rc handlebars::Context,
    helper: &'static str,
) -> Result<(&'rc str, &'rc str), RenderErrorReason> {
    let param = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(helper, 0))?;
    let from = ctx
        .data()
        .get("file")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok((param, from))
}

/// A source file as a module path: no extension, and a folder for `index`.
fn module_path(file: &Path) -> PathBuf {
    let stem = file.with_extension("");
    if stem.file_name().is_some_and(|n| n == "index") {
        stem.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        stem
    }
}

/// `{{import "lib/insforge"}}`: how the file being rendered imports a generated module.
struct ImportHelper {
    aliases: Vec<Alias>,
    modules: crate::detect::Modules,
}

impl handlebars::HelperDef for ImportHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let (module, from) = param_and_file(h, ctx, "import")?;
        let target = self.modules.path(module);
        out.write(&import_specifier(&self.aliases, Path::new(from), &target))?;
        Ok(())
    }
}

/// The specifier a file at `from` uses to import `target` (both relative to the project root).
pub fn import_specifier(aliases: &[Alias], from: &Path, target: &Path) -> String {
    for alias in aliases {
        if let Ok(rest) = target.strip_prefix(&alias.dir) {
            return format!("{}{}", alias.prefix, slash(rest));
        }
    }
    let from_dir: Vec<Component> = from
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    let to: Vec<Component> = target.components().collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from_dir.len() - common];
    if parts.is_empty() {
        parts.push(".".into());
    }
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_specifiers() {
        let at_root = vec![Alias {
            prefix: "@/".into(),
            dir: PathBuf::new(),
        }];
        let at_src = vec![Alias {
            prefix: "@/".into(),
            dir: "src".into(),
        }];
        let table: [(&[Alias], &str, &str, &str); 6] = [
            (&at_root, "app/api/x/route.ts", "lib/auth", "@/lib/auth"),
            (
                &at_src,
                "src/app/api/x/route.ts",
                "src/lib/auth",
                "@/lib/auth",
            ),
            (&at_src, "src/proxy.ts", "src/lib/auth", "@/lib/auth"),
            (
                &[],
                "app/api/[...all]/route.ts",
                "lib/auth",
                "../../../lib/auth",
            ),
            (&[], "lib/insforge.ts", "lib/auth", "./auth"),
            (&[], "proxy.ts", "lib/auth0", "./lib/auth0"),
        ];
        for (aliases, from, to, want) in table {
            assert_eq!(
                import_specifier(aliases, Path::new(from), Path::new(to)),
                want,
                "{from} -> {to}"
            );
        }
    }
}

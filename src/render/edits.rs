//! Edits of the app's own files that the integration needs: `{children}` wrapped in the
//! provider in the root layouts, the interceptor composed with the app's own, the Auth0
//! client's `beforeSessionSaved`. Each edit is verified before it becomes an artifact.

use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{json, Value};

use super::context::partial_provider;
use super::helpers::import_specifier;
use crate::change::Artifact;
use crate::detect::Project;
use crate::paths::slash;

/// Whether `code` uses `name` as an identifier of its own (not a property: `auth0.middleware`
/// does not use `middleware`).
pub(super) fn uses_identifier(code: &str, name: &str) -> bool {
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
pub(super) fn wrap_layouts(
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
pub(super) fn compose_interceptor(
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
        DefaultExport::Named { local, params, .. } if uses_identifier(&used, local) => {
            (name.clone(), *params, Some(local.clone()), None)
        }
        DefaultExport::Named { local, params, .. } => (local.clone(), *params, None, None),
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

/// The app's own `new Auth0Client(…)` must keep the InsForge token: add
/// `beforeSessionSaved: copyInsforgeToken` to its options, or say exactly what to add when
/// the tool cannot do it safely.
pub(super) fn auth0_edit(
    project: &Project,
    artifacts: &mut Vec<Artifact>,
    manual: &mut Vec<String>,
) {
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

//! Render: answers and detected facts in, artifacts out. Pure — embedded templates and values
//! only, no disk and no terminal. Each artifact says how it meets an existing file; `plan`
//! decides what that means for the file on disk.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use handlebars::{Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use semver::Version;
use serde_json::{json, Value};

use crate::detect::{lowest_in_range, tsconfig::Alias, Project, INSFORGE_SDK};
use crate::dotenv::Entry;
use crate::provider::template_text;
use crate::resolve::Answers;
use crate::saved::{self, Saved};
use crate::slash;

/// The @insforge/sdk range a fresh install asks for.
pub const SDK_RANGE: &str = "^1.4.4";
pub const APP_URL: &str = "http://localhost:3000";

/// How one generated thing meets the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Artifact {
    /// A whole file the tool owns. An existing, different file is a conflict.
    File { path: PathBuf, content: String },
    /// `middleware.ts` / `proxy.ts`: created only when the app has neither; otherwise the user
    /// is shown what to add.
    Interceptor { path: PathBuf, content: String },
    /// Keys ensured in a dotenv file.
    Env {
        path: PathBuf,
        entries: Vec<Entry>,
        header: String,
    },
    /// Dependencies ensured in package.json.
    Dependencies(Vec<Dependency>),
    /// .gitignore rules: `ignore` paths ignored, `keep` paths not ignored.
    GitIgnore {
        ignore: Vec<String>,
        keep: Vec<String>,
    },
    /// A new `migrations/<version>_<name>.sql`, unless the newest migration of that name
    /// already holds this content. `sequence` orders several migrations of one run.
    Migration {
        name: String,
        content: String,
        sequence: u32,
    },
    /// The answers file: always brought up to date, never a conflict.
    Answers { path: PathBuf, content: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub dev: bool,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub artifacts: Vec<Artifact>,
    /// The provider's manual steps, shown after writing.
    pub next_steps: String,
    /// Env var names (besides `NEXT_PUBLIC_*`) whose values may be shown; all others are masked.
    pub public_keys: BTreeSet<String>,
    /// Secret values known to this run, masked wherever they appear.
    pub secret_values: Vec<String>,
}

pub fn render(project: &Project, answers: &Answers) -> Result<Rendered> {
    let provider = answers.provider;
    let context = context(project, answers);
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper(
        "import",
        Box::new(ImportHelper {
            aliases: project.aliases.clone(),
            source_root: project.source_root(),
        }),
    );

    let mut artifacts = Vec::new();
    let source_root = project.source_root();
    for spec in &provider.files {
        let relative = hb
            .render_template(&spec.path, &context)
            .with_context(|| format!("rendering the path of {}/{}", provider.id, spec.template))?;
        let path = if spec.root {
            PathBuf::from(&relative)
        } else {
            source_root.join(&relative)
        };
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
        path: ".env.example".into(),
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
    artifacts.push(Artifact::GitIgnore {
        ignore: vec![".env.local".into()],
        keep: vec![".env.example".into()],
    });

    let mut deps = vec![Dependency {
        name: INSFORGE_SDK.into(),
        version: SDK_RANGE.into(),
        dev: false,
    }];
    deps.extend(provider.dependencies.iter().map(|d| Dependency {
        name: d.name.clone(),
        version: d.version.clone(),
        dev: d.dev,
    }));
    artifacts.push(Artifact::Dependencies(deps));

    let mut sequence = 0;
    if let Some(bootstrap) = provider.sql.as_ref().and_then(|s| s.bootstrap.as_ref()) {
        let content = hb.render_template(template_text(&bootstrap.template)?, &context)?;
        artifacts.push(Artifact::Migration {
            name: bootstrap.name.clone(),
            content,
            sequence,
        });
        sequence += 1;
    }
    let content = hb
        .render_template(template_text("sql/rls.sql.hbs")?, &context)
        .context("rendering the RLS migration")?;
    artifacts.push(Artifact::Migration {
        name: format!("{}-insforge-rls", provider.id),
        content,
        sequence,
    });

    artifacts.push(Artifact::Answers {
        path: saved::FILE.into(),
        content: saved::render(&Saved {
            provider: Some(provider.id.clone()),
            tables: Some(answers.tables.iter().map(ToString::to_string).collect()),
            existing: answers.tables.iter().any(|t| t.existing).then_some(true),
            owner_column: answers
                .tables
                .iter()
                .find(|t| t.owner != crate::table::OWNER_COLUMN)
                .map(|t| t.owner.clone()),
        }),
    });

    // Snippets in the next steps import as a page would.
    let mut steps_context = context.clone();
    steps_context["file"] = json!(slash(&source_root.join("app/page.tsx")));
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
    })
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
        "owner_references": provider.sql.as_ref().and_then(|s| s.owner_references.clone()).unwrap_or_default(),
        "package_manager": { "name": pm.name(), "run": pm.run(), "exec": pm.exec() },
        "file": "",
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
    vars.extend(provider.env.iter().map(|e| Var {
        name: &e.name,
        comment: &e.comment,
        example: &e.example,
        value: None,
        default: &e.default,
    }));
    let example = vars
        .iter()
        .map(|v| Entry {
            key: v.name.to_string(),
            value: v.example.to_string(),
            comment: Some(v.comment.to_string()),
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
        .map(|v| Entry {
            key: v.name.to_string(),
            value: v.value.unwrap_or(v.default).to_string(),
            comment: Some(v.comment.to_string()),
            fill_empty: v.value.is_some(),
        })
        .collect();
    (example, local)
}

/// `{{import "lib/insforge"}}`: how the file being rendered imports a generated module.
struct ImportHelper {
    aliases: Vec<Alias>,
    source_root: PathBuf,
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
        let module = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("import", 0))?;
        let from = ctx
            .data()
            .get("file")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let target = self.source_root.join(module);
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

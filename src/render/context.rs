//! The data the templates render from: answers and detected facts as one JSON context, the
//! app's wiring (`wired`), and the env files' entries.

use semver::Version;
use serde_json::{json, Value};

use crate::detect::{lowest_in_range, Project, INSFORGE_SDK};
use crate::dotenv::Entry;
use crate::paths::slash;
use crate::resolve::Answers;

/// The @insforge/sdk range a fresh install asks for.
pub const SDK_RANGE: &str = "^1.4.4";

pub const APP_URL: &str = "http://localhost:3000";

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
    // The interceptor as the steps name it: the app's own file, else the one the tool writes.
    let interceptor_file = project.interceptors.first().map_or_else(
        || slash(&project.source_root().join(format!("{interceptor}.ts"))),
        |p| slash(p),
    );
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
            "interceptor_file": interceptor_file,
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
        // How the token is made, for providers with more than one way: `{"server": true}`.
        "variant": provider
            .variant
            .iter()
            .map(|v| (v.clone(), json!(true)))
            .collect::<serde_json::Map<String, Value>>(),
        "tables": tables,
        // The owner column the steps name (the first table's; `user_id` by default).
        "owner_column": answers.tables.first().map_or("user_id", |t| t.owner.as_str()),
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
pub(super) fn owner_references(
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
pub(super) fn exposed_auth_tables(project: &Project) -> Option<String> {
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
pub(super) fn page_route(file: &std::path::Path) -> Option<String> {
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
pub(super) fn wired(project: &Project) -> Value {
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
        "auth_client_store": w.better_auth_client_store,
        "stytch_session_cookie": w.stytch_session_cookie.as_deref().unwrap_or("stytch_session"),
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
pub(super) fn env_entries(project: &Project, answers: &Answers) -> (Vec<Entry>, Vec<Entry>) {
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

/// The provider component the app renders where it covers only part of the app (a nested
/// layout's pages), when no root layout renders it: a layout's first.
pub(super) fn partial_provider<'p>(
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

/// Whether the tool needs something (a dependency, an env variable) that only its own file
/// for `role` uses: not when the app fills the role itself.
pub(super) fn needed(project: &Project, role: Option<&String>) -> bool {
    role.is_none_or(|r| !project.wiring.roles.contains_key(r))
}
